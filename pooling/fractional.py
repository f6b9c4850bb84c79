"""Fractional max pooling (Graham 2014): pseudo-random overlapping windows."""

import numbers

import numpy as np

from ._checks import as_pair, check_input, make_rng
from ._engine import select_reduce
from .geometry import AxisWindows, WindowGrid
from .result import PoolResult

__all__ = ["fractional_max_pool2d", "fractional_starts"]


def fractional_starts(sample, length, n_out, pool, dtype=np.float32):
    """Window starts along one axis for one random sample, as PyTorch computes them.

    ``start_i = int((i + u) * alpha) - int(u * alpha)`` with
    ``alpha = (L - pool) / (n_out - 1)``, and the last window ends at the
    input's end. The arithmetic runs in ``dtype`` (PyTorch uses the input's
    float type), so the same ``u`` gives the same windows.

    Examples
    --------
    >>> fractional_starts(0.5, 10, 4, 2).tolist()
    [0, 3, 5, 8]
    """
    starts = np.empty(n_out, dtype=np.int64)
    if n_out > 1:
        u = dtype(sample)
        alpha = dtype(length - pool) / dtype(n_out - 1)
        i = np.arange(n_out - 1).astype(dtype)
        starts[:-1] = ((i + u) * alpha).astype(np.int64) - np.int64((u * alpha).astype(np.int64))
    starts[-1] = length - pool
    return starts


def fractional_max_pool2d(x, kernel_size, *, output_size=None, output_ratio=None, samples=None, rng=None):
    """Max pooling over pseudo-random, overlapping windows (Graham 2014).

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    kernel_size : int or (int, int)
        Window size.
    output_size : int or (int, int), optional
        Output height and width. Give this or ``output_ratio``. This and
        every option after it are keyword only.
    output_ratio : float or (float, float), optional
        In (0, 1); ``output_size = int(input_size * ratio)``, as PyTorch.
    samples : (C, 2) array_like, optional
        Uniform numbers in [0, 1), one pair per channel: column 0 drives
        the width, column 1 the height, exactly PyTorch's
        ``_random_samples`` (for one image). Drawn from ``rng`` if omitted.
    rng : numpy.random.Generator or int, optional
        Source of ``samples``; never global state.

    Returns
    -------
    PoolResult
        mode ``"fractional"``, with indices. ``params["samples"]`` holds the
        samples used.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(25.0).reshape(5, 5)
    >>> r = fractional_max_pool2d(x, 2, output_size=3, samples=[[0.3, 0.7]])
    >>> r.values.tolist()
    [[6.0, 7.0, 9.0], [11.0, 12.0, 14.0], [21.0, 22.0, 24.0]]
    """
    planes, was_2d = check_input(x)
    n_ch, h, w = planes.shape
    kh, kw = as_pair("kernel_size", kernel_size)
    if (output_size is None) == (output_ratio is None):
        raise ValueError("give exactly one of output_size and output_ratio")
    if output_size is None:
        ratio = output_ratio if isinstance(output_ratio, (tuple, list)) else (output_ratio, output_ratio)
        if len(ratio) != 2 or not all(isinstance(r, numbers.Real) and 0 < r < 1 for r in ratio):
            raise ValueError(f"output_ratio ({output_ratio!r}) must be a number or pair in (0, 1)")
        output_size = (int(h * ratio[0]), int(w * ratio[1]))
        if min(output_size) < 1:
            raise ValueError(f"output_ratio ({output_ratio!r}) gives output size {output_size} on a {h}x{w} input")
    oh, ow = as_pair("output_size", output_size)
    for name, n, k, length in (("height", oh, kh, h), ("width", ow, kw, w)):
        if n + k - 1 > length:
            raise ValueError(
                f"fractional output {name} {n} with kernel {k} does not fit the input {name} {length}: "
                f"output + kernel_size - 1 ({n + k - 1}) must be at most {length}"
            )
    # PyTorch does this arithmetic in the input's float type (half for half).
    ftype = planes.dtype.type if planes.dtype.kind == "f" else np.float32
    if samples is None:
        drawn = make_rng(rng).random((n_ch, 2)).astype(ftype)
        # Rounding to a narrower float can turn 0.99999999 into 1.0.
        samples = np.minimum(drawn, np.nextafter(ftype(1), ftype(0)))
    samples = np.asarray(samples, dtype=ftype)
    if samples.shape != (n_ch, 2):
        raise ValueError(f"samples must have shape ({n_ch}, 2), got {samples.shape}")
    if not ((samples >= 0) & (samples < 1)).all():
        bad = samples[~((samples >= 0) & (samples < 1))][0]
        raise ValueError(f"samples must lie in [0, 1); found {bad}")
    values = np.empty((n_ch, oh, ow), dtype=planes.dtype)
    tap = np.empty((n_ch, oh, ow), dtype=np.uint8 if kh * kw <= 255 else np.uint16)
    grids = []
    for c in range(n_ch):  # one window grid per channel: each has its own sample
        rows = _axis(fractional_starts(samples[c, 1], h, oh, kh, ftype), kh, h)
        cols = _axis(fractional_starts(samples[c, 0], w, ow, kw, ftype), kw, w)
        grids.append(WindowGrid(rows, cols))
        values[c], tap[c] = (a[0] for a in select_reduce(planes[c : c + 1], grids[-1]))
    params = {"kernel_size": (kh, kw), "output_size": (oh, ow), "samples": samples}
    if was_2d:
        values = values[0]
    return PoolResult(values, "fractional", grids[0], tap, params, _input=planes, channel_grids=tuple(grids))


def _axis(starts, k, length):
    positions = starts[:, None] + np.arange(k, dtype=np.int64)[None, :]
    ones = np.ones(positions.shape, dtype=bool)
    return AxisWindows(positions, ones, ones.copy(), ones.copy(), int(length), None)
