"""Fast tap-loop reductions: every loop of the core over a window's taps lives here.

Each function loops over kernel taps and over tiles of output rows small
enough to stay in cache (:mod:`pooling._tiles`); inside the loops all work is
whole-array numpy. There is no Python loop over output cells. Regular grids
read each tap as a strided view of the input (no padded copy); adaptive and
fractional grids gather. Regular grids take the threaded fast paths of
:mod:`pooling._fast` where they apply.
"""

import numpy as np

from ._checks import tap_dtype
from ._fast import fast_flat_indices, fast_select, fast_sum
from ._tiles import tile_rows
from .geometry import AxisWindows, WindowGrid

__all__ = [
    "dense_window_max", "flat_indices", "sample_reduce", "scaled_sums", "select_generic", "select_reduce",
    "sum_generic", "sum_reduce", "tap_blocks",
]


def tap_blocks(plane, grid, r0, r1):
    """Yield ``(tap, values, (i0, i1, j0, j1), valid)`` for output rows ``[r0, r1)``.

    ``values`` holds the tap's input cells for output block rows ``i0:i1``,
    cols ``j0:j1`` (relative to ``r0``); ``valid`` is None when every cell in
    the block is a real input cell, else a bool mask.
    """
    rows, cols = grid.rows, grid.cols
    kh, kw = grid.kernel
    if grid.regular:
        spans_c = [cols.in_bounds_span(b) for b in range(kw)]
        for a in range(kh):
            lo, hi = rows.in_bounds_span(a)
            lo, hi = max(lo, r0), min(hi, r1)
            if lo >= hi:
                continue
            y0 = rows.positions[lo, a]
            ysl = slice(y0, y0 + (hi - lo - 1) * rows.step + 1, rows.step)
            for b in range(kw):
                j0, j1 = spans_c[b]
                if j0 >= j1:
                    continue
                x0 = cols.positions[j0, b]
                xsl = slice(x0, x0 + (j1 - j0 - 1) * cols.step + 1, cols.step)
                yield a * kw + b, plane[ysl, xsl], (lo - r0, hi - r0, j0, j1), None
        return
    h, w = grid.input_shape
    for a in range(kh):
        ry = rows.positions[r0:r1, a]
        vy = rows.in_bounds[r0:r1, a]
        if not vy.any():
            continue
        sub = plane[np.clip(ry, 0, h - 1)]
        for b in range(kw):
            vx = cols.in_bounds[:, b]
            if not vx.any():
                continue
            vals = sub[:, np.clip(cols.positions[:, b], 0, w - 1)]
            valid = vy[:, None] & vx[None, :]
            yield a * kw + b, vals, (0, r1 - r0, 0, grid.shape[1]), None if valid.all() else valid


def select_reduce(planes, grid, largest=True, key=None):
    """Max (or min) over every window; the fast path where it applies.

    See :func:`select_generic` for the rules.
    """
    if key is None and grid.regular and planes.dtype != np.float16:
        values, tap, nan_rows = fast_select(planes, grid, largest)
        for r0, r1 in nan_rows:
            # NaN needs PyTorch's last-NaN rule: redo those rows exactly.
            sub = _row_subgrid(grid, r0, r1)
            values[:, r0:r1], tap[:, r0:r1] = select_generic(planes, sub, largest)
        return values, tap
    return select_generic(planes, grid, largest, key)


def _row_subgrid(grid, r0, r1):
    r = grid.rows
    rows = AxisWindows(
        r.positions[r0:r1], r.member[r0:r1], r.in_bounds[r0:r1], r.counted[r0:r1], r.length, r.step
    )
    return WindowGrid(rows, grid.cols)


def select_generic(planes, grid, largest=True, key=None):
    """Max (or min) over every window with PyTorch's tie and NaN rules.

    A later tap replaces the running best only when strictly better, or when
    it is NaN: ties keep the first cell in row-major window order, and a NaN
    window reports its last NaN. Off-input taps never win; a window whose
    in-bounds cells are all -inf reports its first in-bounds cell.

    Parameters
    ----------
    planes : (C, H, W) ndarray
    grid : WindowGrid
    largest : bool
        Max when True, min when False.
    key : callable, optional
        Applied to each tap block before comparing (e.g. ``np.abs``); the
        returned values are then the keyed ones.

    Returns
    -------
    values : (C, out_h, out_w) ndarray
    tap : (C, out_h, out_w) uint8, uint16 or uint32 ndarray
    """
    n_ch = planes.shape[0]
    oh, ow = grid.shape
    dtype = planes.dtype if key is None else key(planes[:1, :1, :1]).dtype
    is_float = dtype.kind == "f"
    if is_float:
        sentinel = -np.inf if largest else np.inf
    else:
        info = np.iinfo(dtype)
        sentinel = info.min if largest else info.max
    better = np.greater if largest else np.less
    n_taps = grid.kernel[0] * grid.kernel[1]
    tap_t = tap_dtype(n_taps)
    values = np.empty((n_ch, oh, ow), dtype=dtype)
    tap = np.empty((n_ch, oh, ow), dtype=tap_t)
    first = grid.first_in_bounds_tap().astype(tap_t)
    step = tile_rows(oh, ow * dtype.itemsize)
    mask = np.empty((step, ow), dtype=bool)
    for c in range(n_ch):
        plane = planes[c]
        for r0 in range(0, oh, step):
            r1 = min(oh, r0 + step)
            best = values[c, r0:r1]
            best.fill(sentinel)
            chosen = tap[c, r0:r1]
            chosen[...] = first[r0:r1]
            check_nan = is_float and key is None and np.isnan(_tile_max(plane, grid, r0, r1))
            for t, vals, (i0, i1, j0, j1), valid in tap_blocks(plane, grid, r0, r1):
                if key is not None:
                    vals = key(vals)
                b = best[i0:i1, j0:j1]
                m = mask[i0:i1, j0:j1]
                better(vals, b, out=m)
                if check_nan or (key is not None and is_float):
                    m |= np.isnan(vals)
                if valid is not None:
                    m &= valid
                np.copyto(b, vals, where=m)
                np.copyto(chosen[i0:i1, j0:j1], t, where=m)
    return values, tap


def _tile_max(plane, grid, r0, r1):
    """Max of the input rows that output rows [r0, r1) read; NaN if any is NaN."""
    rows = grid.rows.positions[r0:r1]
    lo = max(int(rows.min()), 0)
    hi = min(int(rows.max()) + 1, plane.shape[0])
    return np.max(plane[lo:hi])


def sum_reduce(planes, grid, acc_dtype, transform=None, divisor=None):
    """Sum every window's in-bounds taps in row-major order, optionally divided.

    Uses the fast path for regular grids; see :func:`sum_generic`.
    """
    if grid.regular:
        return fast_sum(planes, grid, acc_dtype, transform, divisor)
    sums = sum_generic(planes, grid, acc_dtype, transform)
    if divisor is not None:
        np.divide(sums, divisor, out=sums, casting="unsafe")
    return sums


def sum_generic(planes, grid, acc_dtype, transform=None):
    """Sum every window's in-bounds taps, in row-major tap order.

    The summation order is PyTorch's, so float32 sums match it bit for bit.

    Parameters
    ----------
    planes : (C, H, W) ndarray
    grid : WindowGrid
    acc_dtype : dtype
        Accumulator type.
    transform : callable, optional
        Applied to each tap block before adding (e.g. ``|x| ** p``).

    Returns
    -------
    (C, out_h, out_w) ndarray of ``acc_dtype``
    """
    n_ch = planes.shape[0]
    oh, ow = grid.shape
    acc = np.zeros((n_ch, oh, ow), dtype=acc_dtype)
    step = tile_rows(oh, ow * np.dtype(acc_dtype).itemsize)
    for c in range(n_ch):
        plane = planes[c]
        for r0 in range(0, oh, step):
            r1 = min(oh, r0 + step)
            tile = acc[c, r0:r1]
            for _, vals, (i0, i1, j0, j1), valid in tap_blocks(plane, grid, r0, r1):
                if transform is not None:
                    vals = transform(vals)
                if valid is not None:
                    vals = np.where(valid, vals, 0)
                np.add(tile[i0:i1, j0:j1], vals, out=tile[i0:i1, j0:j1], casting="unsafe")
    return acc


def scaled_sums(planes, grid, powers):
    """Each window's largest ``|x|`` ``m``, and ``sum (|x| / m) ** q`` over its in-bounds cells for each ``q``.

    The shares ``|x| / m`` are at most 1, so their powers cannot overflow.
    Float64, one pass over the input per kernel tap.

    Returns
    -------
    largest : (C, out_h, out_w) float64 ndarray
    sums : list of (C, out_h, out_w) float64 ndarray
        One per entry of ``powers``.
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


def sample_reduce(planes, grid, acc_dtype, sums, threshold):
    """Pick in each window the first cell whose running sum exceeds ``threshold`` (stochastic pooling's draw).

    Taps are added in row-major window order, each a strided view of the
    input: no ``(C, out_h, out_w, K)`` gather. A zero-sum window keeps its
    first in-bounds cell, whose value is 0 like every cell of it; where
    rounding leaves the threshold at the total, the last positive cell wins.

    Parameters
    ----------
    planes : (C, H, W) ndarray
        Non-negative, without NaN.
    grid : WindowGrid
    acc_dtype : dtype
        Accumulator type of the running sums.
    sums : (C, out_h, out_w) ndarray
        Each window's total (:func:`sum_reduce`).
    threshold : (C, out_h, out_w) ndarray
        A uniform draw in ``[0, 1)`` times ``sums``.

    Returns
    -------
    values : (C, out_h, out_w) ndarray of ``planes.dtype``
        The picked cells themselves: wide integers stay exact.
    tap : (C, out_h, out_w) ndarray
        The picked tap numbers (:func:`pooling._checks.tap_dtype`).
    """
    tap_t = tap_dtype(grid.kernel[0] * grid.kernel[1])
    tap = np.broadcast_to(grid.first_in_bounds_tap().astype(tap_t), sums.shape).copy()
    undecided = sums > 0
    last_positive = tap.copy()
    cumulative = np.zeros_like(sums)
    values = np.zeros(sums.shape, dtype=planes.dtype)
    last_value = np.zeros_like(values)
    for c in range(planes.shape[0]):
        for t, block, (i0, i1, j0, j1), valid in tap_blocks(planes[c], grid, 0, sums.shape[1]):
            a = block.astype(acc_dtype)
            if valid is not None:
                a[~valid] = 0
            here = (c, slice(i0, i1), slice(j0, j1))
            cumulative[here] += a
            positive = a > 0
            np.copyto(last_positive[here], t, where=positive)
            np.copyto(last_value[here], block, where=positive)
            pick = undecided[here] & (cumulative[here] > threshold[here])
            np.copyto(tap[here], t, where=pick)
            np.copyto(values[here], block, where=pick)
            undecided[here] &= ~pick
    np.copyto(tap, last_positive, where=undecided)
    np.copyto(values, last_value, where=undecided)
    return values, tap


def dense_window_max(planes, kernel):
    """The maximum of every ``kernel`` window at stride 1: down the rows, then across (max is separable).

    The same values as ``pool2d(planes, "max", kernel, stride=1)``, without
    the argmax it also finds.

    Parameters
    ----------
    planes : (C, H, W) ndarray
    kernel : (int, int)

    Returns
    -------
    (C, H - kh + 1, W - kw + 1) ndarray of ``planes.dtype``

    Examples
    --------
    >>> dense_window_max(np.arange(12).reshape(1, 3, 4), (2, 2)).tolist()
    [[[5, 6, 7], [9, 10, 11]]]
    """
    (kh, kw), (h, w) = kernel, planes.shape[1:]
    rows = planes[:, : h - kh + 1].copy()
    for a in range(1, kh):  # loops over the window's rows and columns, not over pixels
        np.maximum(rows, planes[:, a: a + h - kh + 1], out=rows)
    out = rows[:, :, : w - kw + 1].copy()
    for b in range(1, kw):
        np.maximum(out, rows[:, :, b: b + w - kw + 1], out=out)
    return out


def flat_indices(grid, tap):
    """Flat input index ``row * W + col`` of tap numbers ``tap``: PyTorch's ``return_indices`` format.

    Regular grids take the threaded fast path; other grids index their
    positions.

    Parameters
    ----------
    grid : WindowGrid
    tap : (..., out_h, out_w) integer ndarray
        A tap number per output cell.

    Returns
    -------
    int64 ndarray of the same shape.

    Examples
    --------
    >>> from pooling.geometry import regular_grid
    >>> flat_indices(regular_grid((4, 4), 2), np.array([[[3, 0], [1, 2]]])).tolist()
    [[[5, 2], [9, 14]]]
    """
    tap = np.asarray(tap)
    if grid.regular and tap.ndim == 3:
        return fast_flat_indices(grid, tap)
    a, b = np.divmod(tap, grid.cols.n_taps)
    oh, ow = grid.shape
    rows = grid.rows.positions[np.arange(oh)[:, None], a]
    cols = grid.cols.positions[np.arange(ow)[None, :], b]
    return (rows * grid.cols.length + cols).astype(np.int64)
