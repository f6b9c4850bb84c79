"""``pool2d``: every strided pooling mode, with PyTorch's semantics."""

import numbers

import numpy as np

from ._checks import MODES, check_input, check_mode, make_rng, tap_dtype
from ._engine import select_reduce, sum_reduce, tap_blocks
from .geometry import _regular_grid
from .result import PoolResult

__all__ = ["float_dtype", "pool2d"]

_OPTIONS = {
    "max": set(),
    "min": set(),
    "avg": {"count_include_pad", "divisor_override"},
    "lp": {"p"},
    "stochastic": {"train", "rng"},
    "mixed": {"alpha"},
}


def float_dtype(dtype):
    """The floating dtype that averages of ``dtype`` are computed and returned in.

    Floats keep their type; 8- and 16-bit integers give float32 (their window
    sums are exact there); wider integers give float64.

    Examples
    --------
    >>> float_dtype(np.uint8), float_dtype(np.int64), float_dtype(np.float16)
    (dtype('float32'), dtype('float64'), dtype('float16'))
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    return np.dtype(np.float32) if dtype.itemsize <= 2 else np.dtype(np.float64)


def _acc_dtype(dtype):
    # PyTorch accumulates half precision in float32 ("opmath").
    out = float_dtype(dtype)
    return np.dtype(np.float32) if out == np.float16 else out


def pool2d(x, mode, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, **options):
    """Pool a 2-D plane or a stack of channels, recording where each value came from.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
        Any real dtype. Channels are pooled independently.
    mode : {"max", "min", "avg", "lp", "stochastic", "mixed"}
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int, (int, int), "valid" or "same", optional
        Symmetric zero/-inf padding as PyTorch (at most ``kernel_size // 2``),
        or ``"same"``: TensorFlow's rule, ``out = ceil(L / s)`` with
        the odd padding cell at the bottom/right.
    dilation : int or (int, int), optional
        Spacing between taps.
    ceil_mode : bool, optional
        Round the output size up, as PyTorch.
    **options
        Mode options, keyword only:

        - avg: ``count_include_pad=True``, ``divisor_override=None``;
        - lp: ``p=2`` (``np.inf`` gives max ``|x|``);
        - stochastic: ``train=True``, ``rng=None`` (a Generator or a seed);
        - mixed: ``alpha=0.5``.

    Returns
    -------
    PoolResult
        ``values`` has the dimensions of ``x``; max and min keep its dtype,
        the others are floating (see :func:`float_dtype`).

    Notes
    -----
    Output size per axis is ``floor((L + 2p - d(k - 1) - 1) / s) + 1``
    (ceil under ``ceil_mode``, dropping a last window that would start in
    the right padding), exactly PyTorch's. Max and min: padding never wins,
    ties keep the first cell in row-major window order, NaN propagates and
    reports the last NaN. Average: PyTorch's ``avg_pool2d``; padding counts
    in the divisor, the ceil_mode overhang does not; with ``"same"`` padding
    it divides by in-bounds cells (TensorFlow). PyTorch's ``AvgPool2d`` has
    no dilation; here dilated averages count the same way. Integer averages
    are returned as floats (PyTorch would truncate them). Lp: PyTorch's
    ``(sum |x| ** p) ** (1 / p)``, except where that sum leaves the float
    range (PyTorch gives inf, e.g. a float32 255 at p = 17): those windows
    are scaled by their largest ``|x|`` first, so the result is the true norm.

    Cost: one pass over the input per kernel tap, tiled so each pass reads
    from cache; no Python loop over output cells.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[5, 6, 1, 2],
    ...               [7, 9, 3, 4]])
    >>> r = pool2d(x, "max", 2)
    >>> r.values.tolist(), r.indices.tolist()
    ([[9, 4]], [[5, 7]])
    >>> pool2d(x, "avg", 2).values.tolist()
    [[6.75, 2.5]]
    """
    mode = check_mode(mode, MODES)
    unknown = set(options) - _OPTIONS[mode]
    if unknown:
        allowed = ", ".join(sorted(_OPTIONS[mode])) or "none"
        raise TypeError(f"unexpected option {sorted(unknown)[0]!r} for mode {mode!r} (allowed: {allowed})")
    planes, was_2d = check_input(x)
    grid, tf_same = _regular_grid(planes.shape[1:], kernel_size, stride, padding, dilation, ceil_mode)
    params = dict(
        kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode, **options
    )
    # inf - inf and 0 * inf give NaN here exactly as in PyTorch; no warnings.
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        values, tap, weights = _MODE_FUNCS[mode](planes, grid, tf_same=tf_same, **options)
    if was_2d:
        values = values[0]
    return PoolResult(values, mode, grid, tap, params, planes, weights)


def _max(planes, grid, tf_same):
    values, tap = select_reduce(planes, grid, largest=True)
    return values, tap, None


def _min(planes, grid, tf_same):
    values, tap = select_reduce(planes, grid, largest=False)
    return values, tap, None


def _divisor(grid, tf_same, count_include_pad, divisor_override):
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, numbers.Integral):
            raise TypeError(f"divisor_override ({divisor_override!r}) must be an int or None")
        if divisor_override == 0:
            raise ValueError("divisor_override (0) must not be zero: it would divide by zero")
        return np.int64(divisor_override)
    name = "in_bounds" if (tf_same or not count_include_pad) else "counted"
    per_row, per_col = getattr(grid.rows, name).sum(1), getattr(grid.cols, name).sum(1)
    if (per_row == per_row[0]).all() and (per_col == per_col[0]).all():
        return np.int64(per_row[0] * per_col[0])  # one divisor for every window
    return per_row[:, None] * per_col[None, :]


def _avg(planes, grid, tf_same, count_include_pad=True, divisor_override=None):
    if not isinstance(count_include_pad, (bool, np.bool_)):
        raise TypeError(f"count_include_pad ({count_include_pad!r}) must be True or False")
    divisor = _divisor(grid, tf_same, count_include_pad, divisor_override)
    acc_t = _acc_dtype(planes.dtype)
    div = divisor.astype(acc_t) if divisor.ndim else acc_t.type(divisor)
    values = sum_reduce(planes, grid, acc_t, divisor=div).astype(float_dtype(planes.dtype), copy=False)

    def weights():
        counted = grid.tap_mask("in_bounds" if (tf_same or not count_include_pad or divisor_override) else "counted")
        w = counted / np.asarray(divisor, dtype=np.float64)[..., None]
        return np.broadcast_to(w, (planes.shape[0],) + w.shape).copy()

    return values, None, weights


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"p ({p!r}) must be a positive number or np.inf")
    if not p > 0:
        raise ValueError(f"p ({p!r}) must be > 0: p = 1 sums |x|, p = 2 is L2 pooling, p = inf is max |x|")
    return float(p)


def _lp(planes, grid, tf_same, p=2):
    p = _check_p(p)
    out_t = float_dtype(planes.dtype)
    acc_t = _acc_dtype(planes.dtype)
    if np.isinf(p):
        mags, tap = select_reduce(planes, grid, largest=True, key=lambda v: np.abs(v.astype(acc_t, copy=False)))
        values = mags.astype(out_t, copy=False)

        def weights():
            onehot = np.arange(grid.kernel[0] * grid.kernel[1]) == tap[..., None]
            return onehot.astype(np.float64)

        return values, None, weights

    def power(v):
        v = np.abs(v.astype(acc_t, copy=False))
        return v * v if p == 2 else v**p

    sums = sum_reduce(planes, grid, acc_t, transform=power)
    values = (np.sqrt(sums) if p == 2 else sums ** (1.0 / p)).astype(out_t, copy=False)
    _rescue_lp(values, sums, planes, grid, p)

    def weights():
        cells = np.abs(grid.gather(planes.astype(np.float64)))
        largest = cells.max(-1, keepdims=True)
        # Shares of the window's largest cell: (|x| / m) ** p cannot overflow where |x| ** p would.
        np.divide(cells, largest, out=cells, where=np.isfinite(largest) & (largest > 0))
        powers = cells**p
        total = powers.sum(-1, keepdims=True)
        return np.divide(powers, total, out=np.zeros_like(powers), where=total > 0)

    return values, None, weights


def _rescue_lp(values, sums, planes, grid, p):
    """Redo, in place, the windows whose ``sum |x| ** p`` left the float range, each scaled by its largest ``|x|``.

    ``(sum |x| ** p) ** (1 / p)`` is PyTorch's arithmetic, and the sum
    overflows to inf (or underflows to 0 or to imprecise subnormals) long
    before the result does: in float32 a 255 pixel at p = 17, in float64 a
    1e5 cell at p = 64 or a 1e-160 cell at p = 2. Such windows are pooled
    again as ``m * (sum (|x| / m) ** p) ** (1 / p)`` in float64, ``m`` the
    window's largest ``|x|``; every other window keeps PyTorch's value bit
    for bit. A window that holds inf or NaN keeps its inf or NaN.
    """
    lost = _out_of_range(sums, planes)
    if not lost.any():
        return
    largest, (shares,) = _scaled_sums(planes, grid, (p,))
    lost &= np.isfinite(largest) & (largest > 0)
    values[lost] = (largest[lost] * shares[lost] ** (1.0 / p)).astype(values.dtype)


def _out_of_range(sums, planes):
    """Where a sum of powers overflowed, or (for float input) fell below the normal floats."""
    lost = ~np.isfinite(sums)
    if planes.dtype.kind == "f":  # powers of whole numbers of 1 or more never underflow
        lost |= sums < np.finfo(sums.dtype).tiny
    return lost


def _scaled_sums(planes, grid, powers):
    """Each window's largest ``|x|`` ``m``, and ``sum (|x| / m) ** q`` over its in-bounds cells for each ``q``.

    The shares ``|x| / m`` are at most 1, so their powers cannot overflow.
    Float64, one pass over the input per kernel tap.
    """
    largest, _ = select_reduce(planes, grid, largest=True, key=lambda v: np.abs(v.astype(np.float64)))
    sums = [np.zeros(largest.shape) for _ in powers]
    for c in range(planes.shape[0]):
        for _, block, (i0, i1, j0, j1), valid in tap_blocks(planes[c], grid, 0, largest.shape[1]):
            here = (c, slice(i0, i1), slice(j0, j1))
            cells = np.abs(block.astype(np.float64))
            if valid is not None:
                cells[~valid] = 0
            shares = np.divide(cells, largest[here], out=np.zeros_like(cells), where=largest[here] > 0)
            for total, q in zip(sums, powers):
                total[here] += shares**q
    return largest, sums


def _stochastic(planes, grid, tf_same, train=True, rng=None):
    if not isinstance(train, (bool, np.bool_)):
        raise TypeError(f"train ({train!r}) must be True or False")
    if planes.dtype.kind == "f" and np.isnan(planes).any():
        raise ValueError("stochastic pooling needs x without NaN: its cells are probabilities' weights")
    if planes.dtype.kind != "u" and (planes < 0).any():
        raise ValueError(
            f"stochastic pooling needs x >= 0 (it samples cells with probability a / sum(a)); min(x) is {planes.min()}"
        )
    acc_t = _acc_dtype(planes.dtype)
    out_t = float_dtype(planes.dtype)
    sums = sum_reduce(planes, grid, acc_t)
    if not train:
        squares = sum_reduce(planes, grid, acc_t, transform=lambda v: np.square(v.astype(acc_t, copy=False)))
        values = np.divide(squares, sums, out=np.zeros_like(sums), where=sums > 0).astype(out_t, copy=False)
        # sum(a^2) overflows, or underflows on subnormal cells, before sum(a^2) / sum(a) does: redo those windows
        # as m * sum(r^2) / sum(r) with r = a / m, m the window's largest cell.
        lost = _out_of_range(squares, planes) & (sums > 0)
        if lost.any():
            largest, (ones, twos) = _scaled_sums(planes, grid, (1, 2))
            lost &= np.isfinite(largest)
            values[lost] = (largest[lost] * twos[lost] / ones[lost]).astype(out_t)

        def weights():
            a = grid.gather(planes.astype(np.float64))
            total = a.sum(-1, keepdims=True)
            return np.divide(a, total, out=np.zeros_like(a), where=total > 0)

        return values, None, weights
    gen = make_rng(rng)
    threshold = gen.random(sums.shape) * sums
    n_taps = grid.kernel[0] * grid.kernel[1]
    tap_t = tap_dtype(n_taps)
    tap = np.broadcast_to(grid.first_in_bounds_tap().astype(tap_t), sums.shape).copy()
    undecided = sums > 0
    last_positive = tap.copy()
    cumulative = np.zeros_like(sums)
    # Taps in row-major order, each a strided view of the input: no (C, out_h, out_w, K) gather.
    # A zero-sum window keeps its first in-bounds cell, whose value is 0 like every cell of it.
    values = np.zeros(sums.shape, dtype=planes.dtype)
    last_value = np.zeros_like(values)
    for c in range(planes.shape[0]):
        for t, block, (i0, i1, j0, j1), valid in tap_blocks(planes[c], grid, 0, sums.shape[1]):
            a = block.astype(acc_t)
            if valid is not None:
                a[~valid] = 0
            here = (c, slice(i0, i1), slice(j0, j1))
            cumulative[here] += a
            positive = a > 0
            np.copyto(last_positive[here], t, where=positive)
            np.copyto(last_value[here], block, where=positive)
            pick = undecided[here] & (cumulative[here] > threshold[here])
            np.copyto(tap[here], t, where=pick)
            np.copyto(values[here], block, where=pick)  # the cell itself: wide integers stay exact
            undecided[here] &= ~pick
    # Rounding can leave the threshold at the total: take the last positive cell.
    np.copyto(tap, last_positive, where=undecided)
    np.copyto(values, last_value, where=undecided)
    return values, tap, None


def _mixed(planes, grid, tf_same, alpha=0.5):
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha ({alpha!r}) must be a number in [0, 1]")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha ({alpha!r}) must be in [0, 1]: it mixes alpha * max + (1 - alpha) * avg")
    maxima, tap = select_reduce(planes, grid, largest=True)
    averages, _, avg_weights = _avg(planes, grid, tf_same)
    out_t = averages.dtype
    if alpha == 1:  # the end points are exactly max and avg, even where a window holds inf
        values = maxima.astype(out_t)
    elif alpha == 0:
        values = averages
    else:
        values = (alpha * maxima.astype(out_t) + (1 - alpha) * averages).astype(out_t, copy=False)

    def weights():
        onehot = np.arange(grid.kernel[0] * grid.kernel[1]) == tap[..., None]
        return alpha * onehot + (1 - alpha) * avg_weights()

    return values, None, weights


_MODE_FUNCS = {"max": _max, "min": _min, "avg": _avg, "lp": _lp, "stochastic": _stochastic, "mixed": _mixed}
