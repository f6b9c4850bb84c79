"""Adaptive pooling: choose the output size, let the windows follow (PyTorch's rule)."""


import numpy as np

from ._checks import accumulator_dtype, as_pair, check_input, check_mode, float_dtype
from ._engine import select_reduce, sum_reduce
from .geometry import AxisWindows, WindowGrid
from .result import PoolResult, WeightRule

__all__ = ["adaptive_axis", "adaptive_pool2d", "global_pool2d"]


def adaptive_axis(length, n_out):
    """Windows ``[floor(i * L / n), ceil((i + 1) * L / n))`` along one axis.

    Examples
    --------
    >>> ax = adaptive_axis(5, 3)
    >>> [ax.positions[i, ax.member[i]].tolist() for i in range(3)]
    [[0, 1], [1, 2, 3], [3, 4]]
    """
    i = np.arange(n_out, dtype=np.int64)
    start = (i * length) // n_out
    end = -((-(i + 1) * length) // n_out)
    size = end - start
    k = int(size.max())
    positions = start[:, None] + np.arange(k, dtype=np.int64)[None, :]
    member = np.arange(k)[None, :] < size[:, None]
    step = None
    if length % n_out == 0:
        step = length // n_out  # evenly tiled: the strided fast path applies
    return AxisWindows(positions, member, member.copy(), member.copy(), int(length), step)


def adaptive_pool2d(x, mode, output_size):
    """Pool to a chosen output size, as PyTorch's ``adaptive_{max,avg}_pool2d``.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    mode : {"max", "avg"}
    output_size : int or (int, int)
        Output height and width, each at least 1; ``None`` in a pair keeps
        that input size.

    Returns
    -------
    PoolResult
        mode ``"adaptive-max"`` (with indices) or ``"adaptive-avg"`` (with
        weights). Output size 1 is global pooling.

    Notes
    -----
    Output cell ``i`` pools input ``[floor(i L / n), ceil((i + 1) L / n))``:
    windows may differ in size by one and may overlap by one cell.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(25.0).reshape(5, 5)
    >>> adaptive_pool2d(x, "max", 2).values.tolist()
    [[12.0, 14.0], [22.0, 24.0]]
    >>> adaptive_pool2d(x, "avg", 1).values.tolist()
    [[12.0]]
    """
    mode = check_mode(mode, ("max", "avg"))
    planes, was_2d = check_input(x)
    h, w = planes.shape[1:]
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        output_size = tuple(n if n is not None else full for n, full in zip(output_size, (h, w)))
    try:
        oh, ow = as_pair("output_size", output_size)
    except ValueError as err:
        if "at least" in str(err):
            raise ValueError(f"output_size ({output_size!r}) must be at least 1 in each dimension") from None
        raise
    grid = WindowGrid(adaptive_axis(h, oh), adaptive_axis(w, ow))
    params = {"output_size": (oh, ow)}
    if mode == "max":
        values, tap = select_reduce(planes, grid, largest=True)
        weights = None
    else:
        kh = grid.rows.member.sum(1)[:, None]
        kw = grid.cols.member.sum(1)[None, :]
        divisor = kh * kw
        acc_t = accumulator_dtype(planes.dtype)
        # PyTorch divides by the window height, then by its width: same rounding here.
        values = sum_reduce(planes, grid, acc_t) / kh.astype(acc_t) / kw.astype(acc_t)
        values = values.astype(float_dtype(planes.dtype), copy=False)
        tap = None
        weights = WeightRule("share", mask="member", divisor=divisor)
    if was_2d:
        values = values[0]
    return PoolResult(values, f"adaptive-{mode}", grid, tap, params, _input=planes, weight_rule=weights)


def global_pool2d(x, mode="avg"):
    """Global pooling: one value per channel (adaptive pooling to 1x1).

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    mode : {"max", "avg"}

    Returns
    -------
    PoolResult
        ``(1, 1)`` or ``(C, 1, 1)`` values, as ``adaptive_pool2d(x, mode, 1)``:
        the same tie and NaN rules for max (first maximum, last NaN), and for
        avg the sum divided by ``H``, then by ``W``.

    Notes
    -----
    One window covers the whole plane, so this reduces each plane in one
    numpy call instead of a pass per tap: O(H W) for a photo of any size.
    Integer sums are exact (float64); float sums run in row-major order in
    the accumulator type, as the tap loop and PyTorch add them.

    Examples
    --------
    >>> import numpy as np
    >>> global_pool2d(np.arange(12.0).reshape(3, 4), "max").values.tolist()
    [[11.0]]
    >>> r = global_pool2d(np.array([[[1, 9], [9, 3]], [[4, 4], [4, 0]]], np.uint8))
    >>> r.values.ravel().tolist()
    [5.5, 3.0]
    """
    mode = check_mode(mode, ("max", "avg"))
    planes, was_2d = check_input(x)
    n_ch, h, w = planes.shape
    grid = WindowGrid(adaptive_axis(h, 1), adaptive_axis(w, 1))
    flat = planes.reshape(n_ch, h * w)
    tap, weights = None, None
    if mode == "max":
        tap = np.argmax(flat, axis=1)  # the first maximum, or the first NaN
        if planes.dtype.kind == "f":
            nan = np.isnan(flat)
            last_nan = h * w - 1 - np.argmax(nan[:, ::-1], axis=1)
            tap = np.where(nan.any(axis=1), last_nan, tap)
        values = np.take_along_axis(flat, tap[:, None], axis=1).reshape(n_ch, 1, 1)
        tap = tap.reshape(n_ch, 1, 1)
    else:
        acc_t = accumulator_dtype(planes.dtype)
        if planes.dtype.kind == "f":
            sums = np.cumsum(flat, axis=1, dtype=acc_t)[:, -1]  # sequential, as the tap loop adds
        else:
            sums = flat.sum(axis=1, dtype=np.float64).astype(acc_t)
        values = (sums / acc_t.type(h) / acc_t.type(w)).astype(float_dtype(planes.dtype), copy=False)
        values = values.reshape(n_ch, 1, 1)
        weights = WeightRule("share", mask="member", divisor=h * w)  # 1 / (H W) on every cell
    if was_2d:
        values = values[0]
    return PoolResult(values, f"adaptive-{mode}", grid, tap, {"output_size": (1, 1)}, _input=planes,
                      weight_rule=weights)
