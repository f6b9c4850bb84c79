"""Comparing poolings of one image: differences, colour fringes, a zoomed region, and sizes.

The Max vs Average page draws what these functions return. They take the
core's own results (:class:`~pooling.PoolResult` and its arrays), so window
positions and chosen cells always come from :func:`pooling.pool2d`.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from .._engine import select_reduce
from ..pool import pool2d
from ..result import PoolResult
from .ranges import finite_range

__all__ = [
    "INDEX_DTYPE",
    "PoolCost",
    "ZoomRegion",
    "channel_disagreement",
    "mixed_channels",
    "mode_difference",
    "new_colours",
    "picks_one_cell",
    "pool_cost",
    "pool_modes",
    "shared_value_range",
    "zoom_limit",
    "zoom_region",
    "zoom_start",
]

INDEX_DTYPE = np.dtype(np.int64)  # what PyTorch's return_indices=True stores per output value


def channel_disagreement(indices):
    """Output cells whose channels took their values from different input pixels.

    Max pooling treats red, green and blue as separate planes, so one output
    pixel can take its red from one input pixel and its green from another:
    a colour that may appear nowhere in the window. This marks those cells.

    Parameters
    ----------
    indices : (C, out_h, out_w) integer array_like
        Flat source index of every output value per channel, as
        :attr:`PoolResult.indices` gives for a ``(C, H, W)`` input; ``C >= 2``.

    Returns
    -------
    (out_h, out_w) bool ndarray
        True where not every channel's index equals the first channel's.

    Examples
    --------
    >>> idx = np.array([[[0, 2]], [[0, 3]], [[0, 2]]])  # 3 channels, a 1 x 2 output
    >>> channel_disagreement(idx).tolist()
    [[False, True]]
    """
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"indices must hold integers, not {idx.dtype}")
    if idx.ndim != 3 or idx.shape[0] < 2:
        raise ValueError(f"indices must be (C, out_h, out_w) with C >= 2, got shape {idx.shape}")
    return (idx[1:] != idx[:1]).any(axis=0)


def mixed_channels(result):
    """:func:`channel_disagreement` of a selecting pooling's result, without building its int64 indices.

    With one window grid for every channel, two channels took the same
    pixel exactly when they took the same tap of the window: the compact
    taps say it, a byte a value, where the flat indices take eight (64 ms
    for a 12 MP photo, against a few).

    Parameters
    ----------
    result : PoolResult
        A max or min pooling (any with :attr:`PoolResult.tap`) of ``C >= 2`` planes.

    Returns
    -------
    (out_h, out_w) bool ndarray

    Examples
    --------
    >>> import pooling
    >>> x = np.array([[[1, 5]], [[7, 7]], [[3, 9]]])
    >>> mixed_channels(pooling.pool2d(x, "max", (1, 2))).tolist()
    [[True]]
    """
    if result.tap is None or result.channel_grids is not None or np.ndim(result.tap) != 3:
        return channel_disagreement(result.indices)
    tap = np.asarray(result.tap)
    if tap.shape[0] < 2:
        raise ValueError(f"indices must be (C, out_h, out_w) with C >= 2, got shape {tap.shape}")
    return (tap[1:] != tap[:1]).any(axis=0)


def new_colours(planes, result, *, chunk=1 << 22):
    """Output cells whose colour is the colour of no pixel in their window.

    :func:`channel_disagreement` marks cells whose channels came from
    different pixels, but on a tie two pixels can share a channel's value,
    so such a cell may still copy one pixel's colour exactly. This compares
    colours themselves: a cell is new when no in-bounds pixel of its window
    has its value in every channel.

    Parameters
    ----------
    planes : (C, H, W) array_like
        The pooled input; ``C >= 2``.
    result : PoolResult
        A pooling of ``planes`` (any mode) with a regular window grid.
    chunk : int, optional
        About how many tap values to compare at once; bounds the memory.

    Returns
    -------
    (out_h, out_w) bool ndarray

    Notes
    -----
    Max or min of a photo (uint8 planes): one max (min) pooling of each
    pixel's channel sum, since a pixel has the cell's colour exactly when
    its sum is the sum of the cell's channels. Otherwise one pass over every
    tap of every window, in chunks: as much work as the
    pooling itself, and memory for ``chunk`` values. For a selecting mode
    (max, min) with one window grid, a cell whose channels all chose the
    same tap copies that pixel's colour, so only the other cells (those of
    :func:`channel_disagreement`, and any NaN) are compared: about a fifth
    of the work on a photo. A photo's (uint8) colours are compared as one
    32-bit number each, gathered by flat index.

    Examples
    --------
    >>> import pooling
    >>> x = np.array([[[1, 5]], [[7, 7]], [[3, 9]]])  # 3 channels, one 1 x 2 window
    >>> r = pooling.pool2d(x, "max", (1, 2))  # red from the right pixel, green tied, blue from the right
    >>> channel_disagreement(r.indices).tolist(), new_colours(x, r).tolist()
    ([[True]], [[False]])
    """
    planes = np.asarray(planes)
    if planes.ndim != 3 or planes.shape[0] < 2:
        raise ValueError(f"planes must be (C, H, W) with C >= 2, got shape {planes.shape}")
    grid, values = result.grid, np.asarray(result.values)
    if values.ndim != 3 or values.shape[0] != planes.shape[0] or tuple(grid.input_shape) != planes.shape[1:]:
        raise ValueError(f"result must pool these planes: planes {planes.shape}, result values {values.shape} "
                         f"from an input of {tuple(grid.input_shape)}")
    rows, cols = grid.rows, grid.cols
    (h, w) = grid.input_shape
    if (result.mode in ("max", "min") and result.channel_grids is None and grid.regular
            and planes.dtype == np.uint8 and values.dtype == np.uint8 and planes.shape[0] <= 257):
        # Each channel of a window's pixel is at most the window's max (at least its min), so the pixel's channel
        # sum equals the sum of the max's channels exactly when it has the max's colour. One max pooling of the
        # sums (exact in uint16) then answers every cell: as fast as the pooling, where comparing every tap's
        # colour took 10-20 times as long.
        sums = planes.sum(axis=0, dtype=np.uint16)
        best, _ = select_reduce(sums[None], grid, largest=result.mode == "max")
        return best[0] != values.sum(axis=0, dtype=np.uint16)
    if result.selecting and result.channel_grids is None:
        tap = np.asarray(result.tap)
        candidate = (tap[1:] != tap[:1]).any(axis=0)
        if values.dtype.kind == "f":
            candidate |= np.isnan(values).any(axis=0)
    else:
        candidate = np.ones(grid.shape, bool)
    new = np.zeros(grid.shape, bool)
    at_row, at_col = np.nonzero(candidate)
    row_pos, col_pos = np.clip(rows.positions, 0, h - 1), np.clip(cols.positions, 0, w - 1)
    row_ok, col_ok = rows.in_bounds & rows.member, cols.in_bounds & cols.member
    if planes.dtype == np.uint8 and values.dtype == np.uint8 and planes.shape[0] <= 3:
        # A photo's colour packed in one uint32, and one flat index per tap with the taps outside the window sent
        # to a last entry no colour packs to: one take and one comparison per tap, instead of three of each.
        colours = np.empty(h * w + 1, np.uint32)
        _packed_colours(planes, out=colours[:-1].reshape(h, w))
        colours[-1] = 0xFFFFFFFF
        outside = h * w
        row_at = np.where(row_ok, row_pos * w, outside)
        col_at = np.where(col_ok, col_pos, outside)
        packed = _packed_colours(values)
        step = max(1, chunk // max(rows.n_taps * cols.n_taps, 1))
        for a in range(0, at_row.size, step):
            r, c = at_row[a:a + step], at_col[a:a + step]
            at = row_at[r][:, :, None] + col_at[c][:, None, :]  # (cells, row taps, col taps)
            np.minimum(at, outside, out=at)
            new[r, c] = ~(colours.take(at) == packed[r, c][:, None, None]).any(axis=(1, 2))
        return new
    step = max(1, chunk // max(planes.shape[0] * rows.n_taps * cols.n_taps, 1))
    for a in range(0, at_row.size, step):  # a loop over chunks of cells; each is vectorised over taps
        r, c = at_row[a:a + step], at_col[a:a + step]
        taps = planes[:, row_pos[r][:, :, None], col_pos[c][:, None, :]]  # (C, cells, row taps, col taps)
        same = (taps == values[:, r, c][:, :, None, None]).all(axis=0) & row_ok[r][:, :, None] & col_ok[c][:, None, :]
        new[r, c] = ~same.any(axis=(-1, -2))
    return new


def _packed_colours(planes, out=None):
    """uint8 planes ``(C, H, W)``, ``C <= 3``, as one uint32 per pixel below 2**24: equal colours, equal numbers.

    Written into ``out`` (``(H, W)`` uint32) when given, one row block at a time so that the temporaries stay in
    cache."""
    h, w = planes.shape[1:]
    packed = np.empty((h, w), np.uint32) if out is None else out
    step = max(1, (1 << 16) // max(w, 1))
    wide = np.empty((min(step, h), w), np.uint32)
    for r in range(0, h, step):  # blocks of rows, each vectorised
        block, part = packed[r:r + step], wide[:min(step, h - r)]
        np.copyto(block, planes[0, r:r + step], casting="unsafe")
        for n in range(1, planes.shape[0]):
            np.copyto(part, planes[n, r:r + step], casting="unsafe")
            np.left_shift(part, np.uint32(8 * n), out=part)
            np.bitwise_or(block, part, out=block)
    return packed


def mode_difference(a, b):
    """The signed difference ``a - b`` of two pooled outputs, averaged over channels.

    Parameters
    ----------
    a, b : (C, out_h, out_w) or (out_h, out_w) array_like
        Outputs of the same layer on the same input, any real dtypes
        (uint8 maxima are widened first, so ``3 - 5`` is ``-2``, not ``254``).

    Returns
    -------
    difference : (out_h, out_w) float64 ndarray
        Mean over channels of ``a - b``.
    mean_abs : float
        Mean of ``|a - b|`` over every value (channels apart, so opposite
        channel differences do not cancel).

    Examples
    --------
    >>> a = np.array([[3, 9]], np.uint8)
    >>> diff, mean_abs = mode_difference(a, np.array([[5.0, 7.0]]))
    >>> diff.tolist(), mean_abs
    ([[-2.0, 2.0]], 2.0)
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have one shape, got {a.shape} and {b.shape}")
    if a.ndim not in (2, 3) or a.size == 0:
        raise ValueError(f"a must be a non-empty (out_h, out_w) or (C, out_h, out_w) array, got shape {a.shape}")
    # float32 at least: uint8 is exact in it and averages of uint8 are float32 already; sums accumulate in float64.
    diff = np.subtract(a, b, dtype=np.result_type(a.dtype, b.dtype, np.float32))
    mean_abs = float(np.abs(diff).mean(dtype=np.float64))
    return diff.astype(np.float64) if diff.ndim == 2 else diff.mean(axis=0, dtype=np.float64), mean_abs


def shared_value_range(planes, outputs):
    """One value range for an input and its poolings, so that equal values look equal.

    Parameters
    ----------
    planes : (C, H, W) array_like
        The input. uint8 photos use their full scale, 0 to 255; other
        dtypes their own finite minimum and maximum.
    outputs : sequence of array_like
        The pooled values; the range widens to hold them (an Lp pooling
        with p = 1 sums its window, and can exceed 255 on a photo).

    Returns
    -------
    (float, float)
        ``lo < hi``: :func:`pooling.analysis.ranges.finite_range`, whose flat
        values ``v`` give ``(v, v + 1)``.

    Examples
    --------
    >>> photo = np.zeros((3, 4, 4), np.uint8)
    >>> shared_value_range(photo, [np.zeros((3, 2, 2)), np.full((3, 2, 2), 300.0)])
    (0.0, 300.0)
    >>> shared_value_range(np.array([[[-2.0, 5.0]]]), [])
    (-2.0, 5.0)
    """
    planes = np.asarray(planes)
    if planes.dtype == np.uint8:  # a photo's scale is 0-255 whatever it holds
        return finite_range(*outputs, cover=(0.0, 255.0))
    return finite_range(planes, *outputs)


@dataclass(frozen=True)
class PoolCost:
    """Sizes and memory of one pooling, in the dtypes the core holds.

    Attributes
    ----------
    mode : str
    input_shape, output_shape : tuple of int
        ``(C, H, W)`` and ``(C, out_h, out_w)``.
    input_dtype, output_dtype : str
    input_bytes, output_bytes : int
        Bytes of the input planes and of the pooled values.
    index_bytes : int
        Bytes of PyTorch's ``return_indices=True`` indices (int64 per
        output value) for the layers PyTorch has that copy one cell (max, and min as -max(-x)); 0 for the
        others, stochastic pooling included: PyTorch has no such layer.
    tap_bytes : int
        Bytes of this core's compact provenance (:attr:`PoolResult.tap`,
        one small integer per output value); 0 when there is none.
    """

    mode: str
    input_shape: tuple
    output_shape: tuple
    input_dtype: str
    output_dtype: str
    input_bytes: int
    output_bytes: int
    index_bytes: int
    tap_bytes: int

    @property
    def kept(self):
        """Share of values kept: output values over input values."""
        return int(np.prod(self.output_shape)) / int(np.prod(self.input_shape))


def pool_cost(result):
    """The sizes and memory of a pooling, before and after.

    Parameters
    ----------
    result : PoolResult

    Returns
    -------
    PoolCost

    Notes
    -----
    Reads shapes and dtypes only: no index array is built.

    Examples
    --------
    >>> import pooling
    >>> x = np.zeros((3, 4, 6), np.uint8)
    >>> cost = pool_cost(pooling.pool2d(x, "max", 2))
    >>> cost.output_shape, cost.kept, cost.input_bytes, cost.output_bytes, cost.index_bytes
    ((3, 2, 3), 0.25, 72, 18, 144)
    >>> pool_cost(pooling.pool2d(x, "avg", 2)).output_dtype
    'float32'
    """
    if not isinstance(result, PoolResult):
        raise TypeError(f"result must be a PoolResult, not {type(result).__name__}")
    planes, values = result.input, result.values
    out_shape = values.shape if values.ndim == 3 else (1, *values.shape)
    return PoolCost(
        mode=result.mode,
        input_shape=tuple(planes.shape),
        output_shape=tuple(out_shape),
        input_dtype=str(planes.dtype),
        output_dtype=str(values.dtype),
        input_bytes=int(planes.nbytes),
        output_bytes=int(values.nbytes),
        # PyTorch returns indices only from its max pooling layers (and min pooling as -max(-x)); it has no
        # stochastic pooling layer to return them from.
        index_bytes=int(values.size * INDEX_DTYPE.itemsize) if result.selecting and result.mode != "stochastic"
        else 0,
        tap_bytes=int(result.tap.nbytes) if result.selecting else 0,
    )


def picks_one_cell(result, *, survival=None):
    """Whether each output of a pooling draws on one input cell only, as max pooling does.

    True for the selecting modes (:attr:`PoolResult.selecting`), and also for
    weighting modes whose weights come out one-hot: Lp pooling at
    ``p = inf`` (the largest ``|x|``), mixed pooling at ``alpha = 1``, a
    ``1 x 1`` average, or stochastic pooling where each window holds one
    positive cell. Decided from the result, not from the mode's name.

    Parameters
    ----------
    result : PoolResult
    survival : array_like of int, optional
        :func:`pooling.analysis.loss.survival_map` of the result (how many outputs
        use each cell). When given, a pooling whose outputs use more cells
        than there are outputs is answered without building the weights.

    Returns
    -------
    bool
        True when no output uses more than one cell and some output uses one.

    Notes
    -----
    Reads :attr:`PoolResult.weights` (``kh * kw`` times the output's
    memory) only for weighting modes that ``survival`` does not rule out.

    Examples
    --------
    >>> import pooling
    >>> x = np.array([[1.0, -5.0], [2.0, 3.0]])
    >>> picks_one_cell(pooling.pool2d(x, "max", 2)), picks_one_cell(pooling.pool2d(x, "avg", 2))
    (True, False)
    >>> picks_one_cell(pooling.pool2d(x, "lp", 2, p=np.inf)), picks_one_cell(pooling.pool2d(x, "lp", 2, p=2))
    (True, False)
    """
    if not isinstance(result, PoolResult):
        raise TypeError(f"result must be a PoolResult, not {type(result).__name__}")
    if result.selecting:
        return True
    if survival is not None:
        if np.size(survival) != result.input.size:
            raise ValueError(f"survival (shape {np.shape(survival)}) must have the input's shape "
                             f"{tuple(result.input.shape)}")
        if int(np.sum(survival, dtype=np.int64)) > result.values.size:
            return False  # more uses than outputs: some output uses two cells or more
    weights = result.weights
    if weights is None or weights.size == 0:
        return False
    return int(np.count_nonzero(weights, axis=-1).max()) == 1


# ------------------------------------------------------------------- zoom


def _window_extent(axis, lo, hi):
    """First and last in-bounds input position over windows ``lo..hi-1`` of one axis."""
    pos = axis.positions[lo:hi]
    inb = axis.in_bounds[lo:hi]
    return int(pos[inb].min()), int(pos[inb].max())


def zoom_limit(grid, *, max_cells=16, max_pixels=48):
    """The largest zoom, in output cells per axis, whose input crop stays small.

    Parameters
    ----------
    grid : WindowGrid
        The pooling's :attr:`PoolResult.grid`.
    max_cells : int, optional
        At most this many output cells per side.
    max_pixels : int, optional
        The input crop covering those cells' windows spans at most this many
        pixels per side, so every input pixel stays big enough to see and
        point at; but never less than one output cell, whose window may be
        wider (a 32-wide kernel).

    Returns
    -------
    (int, int)
        Rows and columns of output cells, each from 1 to ``max_cells`` and at
        most the output's size.

    Examples
    --------
    >>> from pooling import regular_grid
    >>> zoom_limit(regular_grid((64, 64), 2))
    (16, 16)
    >>> zoom_limit(regular_grid((64, 64), (4, 8)))
    (12, 6)
    """
    if isinstance(max_cells, bool) or not isinstance(max_cells, numbers.Integral) or max_cells < 1:
        raise ValueError(f"max_cells ({max_cells!r}) must be a positive int")
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, numbers.Integral) or max_pixels < 1:
        raise ValueError(f"max_pixels ({max_pixels!r}) must be a positive int")
    limits = []
    for axis in (grid.rows, grid.cols):
        # Windows move forward with the output index: the widest span of n windows in a row is the max
        # over starts of last(start + n - 1) - first(start) + 1.
        first = np.where(axis.in_bounds, axis.positions, np.iinfo(np.int64).max).min(1)
        last = np.where(axis.in_bounds, axis.positions, np.iinfo(np.int64).min).max(1)
        best = 1
        for n in range(2, min(max_cells, axis.n_out) + 1):
            if (last[n - 1:] - first[: axis.n_out - n + 1]).max() + 1 > max_pixels:
                break
            best = n
        limits.append(best)
    return tuple(limits)


@dataclass(frozen=True, eq=False)
class ZoomRegion:
    """A block of output cells of a selecting pooling, with the input crop their windows cover.

    Attributes
    ----------
    top, left : int
        The block's first output row and column.
    values : (h, w) ndarray
        The block's output values (one channel).
    source_rows, source_cols : (h, w) int64 ndarray
        Input row and column of the pixel each output value was copied from.
    crop_top, crop_left : int
        Input row and column of the crop's top-left pixel.
    crop : (crop_h, crop_w) ndarray
        The input pixels under every in-bounds tap of the block's windows.
    grid : WindowGrid
        The pooling's windows, for :meth:`window_taps`.
    """

    top: int
    left: int
    values: np.ndarray
    source_rows: np.ndarray
    source_cols: np.ndarray
    crop_top: int
    crop_left: int
    crop: np.ndarray
    grid: object

    def window_taps(self, row, col):
        """Input rows and columns of the in-bounds taps of output cell ``(row, col)`` (output coordinates).

        Examples
        --------
        >>> import pooling
        >>> zoom = zoom_region(pooling.pool2d(np.arange(16).reshape(4, 4), "max", 2), top=1, left=0,
        ...                    height=1, width=2)
        >>> rows, cols = zoom.window_taps(1, 1)
        >>> rows.tolist(), cols.tolist()
        ([2, 2, 3, 3], [2, 3, 2, 3])
        """
        rows, cols, inb = self.grid.taps(row, col)
        return rows[inb], cols[inb]


def _check_span(name, start, size, total):
    for label, v in ((name, start), (f"{name} size", size)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{label} ({v!r}) must be an int")
    if not 0 <= start < total:
        raise ValueError(f"{name} ({start}) must be from 0 to {total - 1}, the output's last cell")
    if not 1 <= size <= total - start:
        raise ValueError(f"{name} size ({size}) must be from 1 to {total - start}: the zoom must end on the output")


def zoom_region(result, *, top, left, height, width, channel=0):
    """A block of output cells of a max (or other selecting) pooling, linked to its input crop.

    Parameters
    ----------
    result : PoolResult
        From a mode that copies one cell per window (``result.selecting``):
        max, min or training-mode stochastic pooling.
    top, left : int
        The block's first output row and column.
    height, width : int
        The block's size in output cells; it must lie on the output.
    channel : int, optional
        Which plane of a ``(C, H, W)`` input.

    Returns
    -------
    ZoomRegion

    Notes
    -----
    The source pixels come from ``result.tap`` for the block's cells only,
    so a zoom on a 12-megapixel result costs no more than on a small one.

    Examples
    --------
    >>> import pooling
    >>> x = 10 * np.arange(4)[:, None] + np.arange(4)  # x[i, j] = 10 i + j
    >>> zoom = zoom_region(pooling.pool2d(x, "max", 2), top=0, left=1, height=2, width=1)
    >>> zoom.values.tolist(), zoom.source_rows.tolist(), zoom.source_cols.tolist()
    ([[13], [33]], [[1], [3]], [[3], [3]])
    >>> zoom.crop_top, zoom.crop_left, zoom.crop.tolist()
    (0, 2, [[2, 3], [12, 13], [22, 23], [32, 33]])
    """
    if not isinstance(result, PoolResult):
        raise TypeError(f"result must be a PoolResult, not {type(result).__name__}")
    if not result.selecting:
        raise ValueError(f"result must come from a mode that copies one cell (max, min), not {result.mode!r}")
    planes = result.input
    if isinstance(channel, bool) or not isinstance(channel, numbers.Integral) or not 0 <= channel < planes.shape[0]:
        raise ValueError(f"channel ({channel!r}) must be from 0 to {planes.shape[0] - 1}")
    grid = result.grid_for(channel)
    (oh, ow), kw = grid.shape, grid.kernel[1]
    _check_span("top", top, height, oh)
    _check_span("left", left, width, ow)
    rows, cols = slice(top, top + height), slice(left, left + width)
    tap = result.tap[channel, rows, cols].astype(np.intp)
    k_row, k_col = np.divmod(tap, kw)
    source_rows = grid.rows.positions[np.arange(top, top + height)[:, None], k_row]
    source_cols = grid.cols.positions[np.arange(left, left + width)[None, :], k_col]
    r0, r1 = _window_extent(grid.rows, top, top + height)
    c0, c1 = _window_extent(grid.cols, left, left + width)
    values = result.values if result.values.ndim == 3 else result.values[None]
    return ZoomRegion(top, left, values[channel, rows, cols], source_rows.astype(np.int64),
                      source_cols.astype(np.int64), r0, c0, planes[channel, r0:r1 + 1, c0:c1 + 1], grid)


def pool_modes(planes, options, *, done=None):
    """Pool one input several ways: each mode's values and cost, or the core's reason it refused.

    Parameters
    ----------
    planes : (C, H, W) array_like
    options : dict of str to dict
        ``{mode: keyword arguments of pooling.pool2d}``, in the order to pool.
    done : dict of str to PoolResult, optional
        Poolings of ``planes`` already made with these options, used as they
        are instead of pooling again.

    Returns
    -------
    dict
        ``{mode: (values, PoolCost)}``, or ``{mode: str}`` with the core's
        ``ValueError`` message for a mode that cannot pool this input.

    Examples
    --------
    >>> x = np.array([[[1.0, -2.0], [3.0, 4.0]]])
    >>> out = pool_modes(x, {"max": {"kernel_size": 2}, "stochastic": {"kernel_size": 2}})
    >>> out["max"][0].tolist(), out["stochastic"][:30]
    ([[[4.0]]], 'stochastic pooling needs x >= ')
    >>> top = pool2d(x, "max", 2)
    >>> pool_modes(x, {"max": {"kernel_size": 2}}, done={"max": top})["max"][0] is top.values
    True
    """
    pooled, done = {}, dict(done or {})
    for mode, kwargs in dict(options).items():
        try:
            result = done[mode] if mode in done else pool2d(planes, mode, **kwargs)
        except ValueError as err:
            pooled[mode] = str(err)
        else:
            pooled[mode] = (result.values, pool_cost(result))
    return pooled


# The zoom starts with this many output cells a side: with a 2 x 2 window that is 12 x 12 input pixels, each big
# enough for its number to be read at a glance (8 gave 16 x 16 small ones, and 320 numbers cost the browser a
# third more to draw).
ZOOM_START = 6


def zoom_start(out_hw, limit, n_planes, *, rows=None, cols=None, top=None, left=None, plane=None):
    """The zoom's controls, remembered values pulled back inside this output (another image may be smaller).

    Parameters
    ----------
    out_hw : (int, int)
        The pooled output's rows and columns.
    limit : (int, int)
        :func:`zoom_limit`: the most rows and columns of cells shown.
    n_planes : int
    rows, cols, top, left, plane : int or None, optional
        The remembered values; None starts at :data:`ZOOM_START` cells, centred, plane 0.

    Returns
    -------
    dict
        ``rows``, ``cols`` (at least 1, at most ``limit``), ``top``,
        ``left`` (the block inside the output) and ``plane``.

    Examples
    --------
    >>> zoom_start((64, 64), (16, 16), 3)
    {'rows': 6, 'cols': 6, 'top': 29, 'left': 29, 'plane': 0}
    >>> zoom_start((5, 40), (4, 12), 1, rows=10, top=9, plane=2)
    {'rows': 4, 'cols': 6, 'top': 1, 'left': 17, 'plane': 0}
    """
    size = [max(1, min(int(ZOOM_START if v is None else v), int(most)))
            for v, most in ((rows, limit[0]), (cols, limit[1]))]
    room = [max(0, int(n) - s) for n, s in zip(out_hw, size)]
    corner = [max(0, min(int(r // 2 if v is None else v), r)) for v, r in ((top, room[0]), (left, room[1]))]
    return {"rows": size[0], "cols": size[1], "top": corner[0], "left": corner[1],
            "plane": max(0, min(int(plane or 0), int(n_planes) - 1))}
