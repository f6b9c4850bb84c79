"""Fast paths for evenly spaced windows (the strided grids of ``pool2d``).

The input is cut into tiles of rows that fit in cache. Within a tile, each
channel's columns are split by phase (column ``m * s + q`` goes to phase
``q``), so that every kernel tap reads a contiguous run of a phase: all the
arithmetic is then on contiguous arrays, which numpy vectorises. Max and min
run separably (a horizontal pass over the kernel's columns, then a vertical
pass over its rows); that keeps PyTorch's tie rule, since the first maximum in
row-major window order is the first maximum of the first row that holds the
window's maximum.

Two details carry most of the speed. Temporaries live in per-thread scratch
buffers reused from tile to tile (a fresh large temporary costs a page fault
per 4 KiB, more than the arithmetic). And tiles run on a small thread pool:
numpy releases the GIL inside its loops.

No Python loop runs over pixels or output cells: loops run over tiles and
kernel taps.
"""

import functools
import math
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._checks import tap_dtype
from ._tiles import tile_rows

__all__ = ["fast_select", "fast_sum"]

_WORKERS = max(1, min(4, os.cpu_count() or 1))
_SCRATCH_LIMIT = 64 << 20
_POOL = None
_LOCAL = threading.local()


def _pool():
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="pooling")
    return _POOL


def _scratch(name, shape, dtype):
    """A per-thread reusable buffer of ``shape`` (contents undefined)."""
    dtype = np.dtype(dtype)
    size = math.prod(shape) * dtype.itemsize
    if size > _SCRATCH_LIMIT:
        return np.empty(shape, dtype)
    buffers = getattr(_LOCAL, "buffers", None)
    if buffers is None:
        buffers = _LOCAL.buffers = {}
    buf = buffers.get(name)
    if buf is None or buf.size < size:
        buf = buffers[name] = np.empty(max(size, 1), dtype=np.uint8)
    return buf[:size].view(dtype).reshape(shape)


def _run_tiles(work, n_rows, row_bytes):
    """Call ``work(r0, r1)`` over tiles of output rows, on the thread pool."""
    step = tile_rows(n_rows, row_bytes)
    tiles = [(r0, min(n_rows, r0 + step)) for r0 in range(0, n_rows, step)]
    if len(tiles) == 1 or _WORKERS == 1:
        return [work(*t) for t in tiles]
    errors = np.geterr()  # np.errstate holds per thread: the caller's (pool2d's "no warnings") must reach the pool

    def run(tile):
        with np.errstate(**errors):
            return work(*tile)

    return list(_pool().map(run, tiles))


def _phases(block, step, dtype=None):
    """Split the last axis by phase: ``out[q][..., m] == block[..., m * step + q]``.

    ``dtype`` (default: the block's) is the type of the returned phases.
    """
    dtype = block.dtype if dtype is None else np.dtype(dtype)
    if step == 1:
        if dtype == block.dtype:
            return [block]
        out = _scratch("phase0", block.shape, dtype)
        np.copyto(out, block, casting="unsafe")
        return [out]
    shape = block.shape[:-1] + (block.shape[-1] // step,)
    if (
        block.dtype.itemsize == 1
        and step in (2, 4, 8)
        and block.shape[-1] % step == 0
        and block.strides[-1] == 1
        and sys.byteorder == "little"
    ):
        # Eight-bit pixels: read `step` neighbours as one wide integer and
        # peel off each byte with a shift and a mask, all contiguous SIMD.
        wide_t = {2: np.uint16, 4: np.uint32, 8: np.uint64}[step]
        wide = block.view(wide_t)
        lane = _scratch("lane", shape, wide_t)
        out = []
        for q in range(step):
            # The low lane needs only a mask, the high lane only a shift.
            direct = dtype.kind == "u" and dtype.itemsize == np.dtype(wide_t).itemsize
            phase = _scratch(f"phase{q}", shape, dtype)
            target = phase.view(wide_t) if direct else lane
            if q == 0:
                np.bitwise_and(wide, wide_t(0xFF), out=target)
            elif q == step - 1:
                np.right_shift(wide, wide_t(8 * q), out=target)
            else:
                np.right_shift(wide, wide_t(8 * q), out=target)
                np.bitwise_and(target, wide_t(0xFF), out=target)
            if not direct:
                if block.dtype.kind == "i":
                    phase8 = _scratch("phase8", shape, np.uint8)
                    np.copyto(phase8, lane, casting="unsafe")
                    np.copyto(phase, phase8.view(block.dtype), casting="unsafe")
                else:
                    np.copyto(phase, lane, casting="unsafe")
            out.append(phase)
        return out
    out = []
    for q in range(step):
        src = block[..., q::step]
        phase = _scratch(f"phase{q}", src.shape, dtype)
        np.copyto(phase, src, casting="unsafe")
        out.append(phase)
    return out


@functools.lru_cache(maxsize=64)
def _tap_ranges(axis):
    """Per kernel tap along one axis: ``(tap, lo, first_end, hi)``.

    Outputs ``[lo, hi)`` see this tap in bounds; those in ``[lo, first_end)``
    meet their first in-bounds tap here (a prefix, since padding only delays
    the first taps at the start), so they take its value directly.

    Kept per axis (an axis is never changed, and ``regular_grid`` hands out the
    same one for the same arguments): a pooling of a small map spent about a
    fifth of its time here, worked out again at every call.
    """
    first = axis.first_in_bounds()
    out = []
    for t in range(axis.n_taps):
        lo, hi = axis.in_bounds_span(t)
        if lo < hi:
            out.append((t, lo, lo + int(np.count_nonzero(first[lo:hi] == t)), hi))
    return tuple(out)


def _column_reads(axis):
    """Per in-bounds column tap: its phase and the phase index of its first output."""
    step = axis.step
    return {
        t: (int(axis.positions[lo, t]) % step, int(axis.positions[lo, t]) // step)
        for t, lo, _, _ in _tap_ranges(axis)
    }


def _input_rows(axis, r0, r1):
    pos = axis.positions[r0:r1][axis.in_bounds[r0:r1]]
    return int(pos.min()), int(pos.max()) + 1


def _row_slice(axis, a, i0, i1, lo):
    """Rows (relative to input row ``lo``) that outputs ``[i0, i1)`` read at kernel row ``a``."""
    y0 = int(axis.positions[i0, a]) - lo
    return slice(y0, y0 + (i1 - i0 - 1) * axis.step + 1, axis.step)


def _split(ranges, r0, r1):
    """Clip tap ranges to outputs ``[r0, r1)``: (tap, first rows, later rows)."""
    for t, lo, p, hi in ranges:
        lo, p, hi = max(lo, r0), min(max(p, r0), r1), min(hi, r1)
        yield t, (lo, p), (max(p, lo), hi)


def fast_select(planes, grid, largest=True):
    """Max (or min) with the first-tap tie rule over a regular grid.

    Exact for NaN-free input. Returns ``values``, ``tap`` and the output
    row tiles that hold NaN, which need the last-NaN rule (the caller redoes
    them).
    """
    n_ch = planes.shape[0]
    oh, ow = grid.shape
    kh, kw = grid.kernel
    dtype = planes.dtype
    better = np.greater if largest else np.less
    keep = np.maximum if largest else np.minimum
    tap_t = tap_dtype(kh * kw).type
    values = np.empty((n_ch, oh, ow), dtype=dtype)
    tap = np.empty((n_ch, oh, ow), dtype=tap_t)
    col_ranges = _tap_ranges(grid.cols)
    reads = _column_reads(grid.cols)
    row_ranges = _tap_ranges(grid.rows)
    rows = grid.rows

    def work(r0, r1):
        lo, hi = _input_rows(rows, r0, r1)
        phases = _phases(planes[:, lo:hi], grid.cols.step)
        # Horizontal pass: best over the kernel's columns, for every input row.
        shape = (n_ch, hi - lo, ow)
        hval, htap = _scratch("hval", shape, dtype), _scratch("htap", shape, tap_t)
        mask, bump = _scratch("mask", shape, bool), _scratch("bump", shape, tap_t)
        for b, (j0, p), (p, j1) in _split(col_ranges, 0, ow):
            q, m0 = reads[b]
            v = phases[q]
            if p > j0:
                hval[..., j0:p] = v[..., m0 : m0 + p - j0]
                htap[..., j0:p] = b
            if j1 > p:
                vs = v[..., m0 + p - j0 : m0 + j1 - j0]
                hv, ht, m, k = hval[..., p:j1], htap[..., p:j1], mask[..., p:j1], bump[..., p:j1]
                better(vs, hv, out=m)
                keep(vs, hv, out=hv)  # on a tie numpy returns its second argument: the earlier cell
                # Tap numbers only grow, so "set to b where better" is a
                # maximum: contiguous arithmetic, far faster than a masked copy.
                np.multiply(m.view(np.uint8), tap_t(b), out=k, casting="unsafe")
                np.maximum(ht, k, out=ht)
        # Vertical pass over the kernel's rows.
        val, tp = values[:, r0:r1], tap[:, r0:r1]
        vshape = (n_ch, r1 - r0, ow)
        vmask, cand = _scratch("vmask", vshape, bool), _scratch("cand", vshape, tap_t)
        for a, (i0, p), (p, i1) in _split(row_ranges, r0, r1):
            if p > i0:
                rsl = _row_slice(rows, a, i0, p, lo)
                val[:, i0 - r0 : p - r0] = hval[:, rsl]
                np.add(htap[:, rsl], tap_t(a * kw), out=tp[:, i0 - r0 : p - r0])
            if i1 > p:
                rsl = _row_slice(rows, a, p, i1, lo)
                sl = slice(p - r0, i1 - r0)
                v, vv, tt, m, c = hval[:, rsl], val[:, sl], tp[:, sl], vmask[:, sl], cand[:, sl]
                better(v, vv, out=m)
                keep(v, vv, out=vv)
                # Row a's taps are numbered above every earlier row's: again a maximum.
                np.add(htap[:, rsl], tap_t(a * kw), out=c)
                np.multiply(c, m.view(np.uint8), out=c, casting="unsafe")
                np.maximum(tt, c, out=tt)
        return r0, r1, dtype.kind == "f" and bool(np.isnan(val).any())

    done = _run_tiles(work, oh, ow * n_ch * dtype.itemsize * max(1, rows.step) * 2)
    nan_rows = [(r0, r1) for r0, r1, has_nan in done if has_nan]
    return values, tap, nan_rows


def _sum_dtype(dtype, n_taps, acc_dtype):
    """Accumulate small integers exactly in a narrow integer type when it cannot overflow."""
    if dtype.kind == "u" and dtype.itemsize == 1 and n_taps <= 257:
        return np.dtype(np.uint16)
    if dtype.kind in "iu" and dtype.itemsize <= 2 and n_taps <= 32768:
        return np.dtype(np.int32)
    return np.dtype(acc_dtype)


def _accumulate(dst, src, assign):
    if assign:
        # 0 + x, as PyTorch starts its sums: the same bits, and -0.0 becomes +0.0.
        np.add(src, dst.dtype.type(0), out=dst, casting="unsafe")
    else:
        np.add(dst, src, out=dst, casting="unsafe")


def fast_sum(planes, grid, acc_dtype, transform=None, divisor=None):
    """Sum (or average) every window's in-bounds taps over a regular grid.

    Floats are summed tap by tap in row-major window order, PyTorch's
    order, so float32 sums match it bit for bit. Small integers are summed
    exactly in a narrow integer type, separably (columns, then rows).

    Parameters
    ----------
    planes : (C, H, W) ndarray
    grid : WindowGrid
    acc_dtype : dtype
        Type of the returned sums.
    transform : callable, optional
        Applied to each tile of input before summing (e.g. ``|x| ** p``).
    divisor : scalar or (out_h, out_w) ndarray, optional
        Divide the sums by this, tile by tile, while they are in cache.

    Returns
    -------
    (C, out_h, out_w) ndarray of ``acc_dtype``
    """
    n_ch = planes.shape[0]
    oh, ow = grid.shape
    kh, kw = grid.kernel
    rows = grid.rows
    col_ranges = _tap_ranges(grid.cols)
    reads = _column_reads(grid.cols)
    row_ranges = _tap_ranges(grid.rows)
    work_t = _sum_dtype(planes.dtype, kh * kw, acc_dtype) if transform is None else np.dtype(acc_dtype)
    separable = work_t.kind in "iu"
    out = np.empty((n_ch, oh, ow), dtype=acc_dtype)
    per_cell = isinstance(divisor, np.ndarray) and divisor.ndim == 2

    def work(r0, r1):
        lo, hi = _input_rows(rows, r0, r1)
        block = planes[:, lo:hi]
        if transform is not None:
            block = transform(block)
        phases = _phases(block, grid.cols.step, work_t)
        if separable:  # integer sums are exact in any order
            hsum = _scratch("hsum", (n_ch, hi - lo, ow), work_t)
            for b, (j0, p), (p, j1) in _split(col_ranges, 0, ow):
                q, m0 = reads[b]
                if p > j0:
                    _accumulate(hsum[..., j0:p], phases[q][..., m0 : m0 + p - j0], True)
                if j1 > p:
                    _accumulate(hsum[..., p:j1], phases[q][..., m0 + p - j0 : m0 + j1 - j0], False)
            col_reads = [(0, (0, ow), (ow, ow), hsum, 0)]
        else:
            col_reads = [(b, first, later, phases[reads[b][0]], reads[b][1] - first[0])
                         for b, first, later in _split(col_ranges, 0, ow)]
        acc = _scratch("acc", (n_ch, r1 - r0, ow), work_t)
        for a, (i0, p), (p, i1) in _split(row_ranges, r0, r1):
            for _, (j0, pb), (pb, j1), src, shift in col_reads:
                if p > i0:  # these windows meet their first in-bounds row here
                    s = src[:, _row_slice(rows, a, i0, p, lo)]
                    d = acc[:, i0 - r0 : p - r0]
                    if pb > j0:
                        _accumulate(d[..., j0:pb], s[..., j0 + shift : pb + shift], True)
                    if j1 > pb:
                        _accumulate(d[..., pb:j1], s[..., pb + shift : j1 + shift], False)
                if i1 > p:
                    s = src[:, _row_slice(rows, a, p, i1, lo)]
                    _accumulate(acc[:, p - r0 : i1 - r0, j0:j1], s[..., j0 + shift : j1 + shift], False)
        dst = out[:, r0:r1]
        np.copyto(dst, acc, casting="unsafe")
        if divisor is not None:
            np.divide(dst, divisor[r0:r1] if per_cell else divisor, out=dst, casting="unsafe")

    _run_tiles(work, oh, ow * n_ch * max(4, planes.dtype.itemsize) * max(1, rows.step) * 2)
    return out


def fast_flat_indices(grid, tap):
    """Flat input index ``row * W + col`` of each output's tap, for a regular grid.

    ``index = base[i, j] + offset[tap]``: each window's first tap plus the
    tap's fixed offset within the window, computed tile by tile.
    """
    width = grid.cols.length
    drow = grid.rows.positions[0] - grid.rows.positions[0, 0]
    dcol = grid.cols.positions[0] - grid.cols.positions[0, 0]
    offset = (drow[:, None] * width + dcol[None, :]).ravel().astype(np.int64)
    row_base = grid.rows.positions[:, 0] * width
    col_base = grid.cols.positions[:, 0]
    out = np.empty(tap.shape, dtype=np.int64)
    n_ch, oh, ow = tap.shape

    def work(r0, r1):
        dst = out[:, r0:r1]
        # np.take is slow with uint8 indices: widen them first (one SIMD cast),
        # and work in cache so that the big output is written exactly once.
        wide = _scratch("wide_tap", dst.shape, np.intp)
        np.copyto(wide, tap[:, r0:r1], casting="unsafe")
        picked = _scratch("picked", dst.shape, np.int64)
        np.take(offset, wide, out=picked)
        base = _scratch("base", (r1 - r0, ow), np.int64)
        np.add(row_base[r0:r1, None], col_base[None, :], out=base)
        np.add(picked, base, out=dst)

    _run_tiles(work, oh, ow * n_ch * 8 * 2)
    return out
