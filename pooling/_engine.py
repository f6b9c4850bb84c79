"""Fast tap-loop reductions.

Each function loops over kernel taps and over tiles of output rows small
enough to stay in cache; inside the loops all work is whole-array numpy. There
is no Python loop over output cells. Regular grids read each tap as a strided
view of the input (no padded copy); adaptive and fractional grids gather.
"""

import numpy as np

from ._checks import tap_dtype
from ._fast import fast_select, fast_sum
from .geometry import AxisWindows, WindowGrid

__all__ = ["select_generic", "select_reduce", "sum_generic", "sum_reduce", "tap_blocks"]

_TILE_BYTES = 1 << 16


def _tile_rows(n_rows, width, itemsize):
    return max(1, min(n_rows, _TILE_BYTES // max(1, width * itemsize)))


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
    step = _tile_rows(oh, ow, dtype.itemsize)
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
    step = _tile_rows(oh, ow, np.dtype(acc_dtype).itemsize)
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
