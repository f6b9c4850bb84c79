"""What pooling keeps and what it loses: reconstruction, survival and loss maps."""

from dataclasses import dataclass

import numpy as np

from .._checks import MODES
from .._engine import tap_blocks
from .._tiles import tile_rows
from ..pool import pool2d
from ..result import PoolResult
from ..unpool import scatter_add

__all__ = ["InformationLoss", "information_loss", "psnr_by_kernel", "reconstruct", "survival_map", "window_cells"]


def window_cells(result: PoolResult):
    """Flat input index and weight of every in-bounds tap of every window.

    Returns
    -------
    index : (C, out_h, out_w, K) int64 ndarray
        Flat index ``h * W + w`` (0 where the tap is off the input).
    weight : (C, out_h, out_w, K) float64 ndarray
        The tap's weight (selecting modes: 1 on the chosen tap), 0 off the
        input.
    in_bounds : (C, out_h, out_w, K) bool ndarray
        Taps on the input.

    Examples
    --------
    >>> import numpy as np, pooling
    >>> index, weight, inside = window_cells(pooling.pool2d(np.array([[1.0, 3.0]]), "avg", (1, 2)))
    >>> index.tolist(), weight.tolist(), inside.tolist()
    ([[[[0, 1]]]], [[[[0.5, 0.5]]]], [[[[True, True]]]])
    """
    n_ch = result.input.shape[0]
    grids = [result.grid_for(c) for c in range(n_ch)]
    # The weights closure builds every channel at once: call it once, not per channel.
    weights = None if result.selecting else result.weights
    if weights is not None and result.squeeze:
        weights = weights[None]
    index, weight, in_bounds = [], [], []
    for c, grid in enumerate(grids):
        rows, cols = grid.tap_positions()
        inb = grid.tap_mask("in_bounds")
        in_bounds.append(inb)
        index.append(np.where(inb, rows * grid.input_shape[1] + cols, 0))
        if result.selecting:
            k = rows.shape[-1]
            weight.append((np.arange(k) == result.tap[c][..., None]) & inb)
        else:
            weight.append(np.where(inb, weights[c], 0.0))
    return np.stack(index), np.stack(weight).astype(np.float64), np.stack(in_bounds)


def _unsqueeze(result, planes):
    return planes[0] if result.squeeze else planes


def reconstruct(result: PoolResult):
    """The pooled output put back on the input grid.

    Selecting modes unpool: each value returns to its source cell, zeros
    elsewhere. Weighting modes spread each output over the input cells of
    its window that carry non-zero weight (for avg, every cell; for lp and
    stochastic pooling, a zero cell carries no weight and is not covered);
    where windows overlap, a cell takes the mean of the outputs that cover
    it; a cell no window covers is 0.

    Returns
    -------
    float64 ndarray, the input's shape

    Notes
    -----
    Cost: for selecting modes one scatter of the outputs; for weighting
    modes on strided grids one strided add per kernel tap, over tiles of
    rows that stay in cache (lp, stochastic and mixed pooling also read
    :attr:`PoolResult.weights`, ``kh * kw`` times the output's memory).
    Adaptive grids scatter every tap of every window at once
    (:func:`window_cells`).

    Examples
    --------
    >>> import numpy as np, pooling
    >>> x = np.array([[1.0, 3.0], [2.0, 6.0]])
    >>> reconstruct(pooling.pool2d(x, "max", 2)).tolist()
    [[0.0, 0.0], [0.0, 6.0]]
    >>> reconstruct(pooling.pool2d(x, "avg", 2)).tolist()
    [[3.0, 3.0], [3.0, 3.0]]
    """
    recon, _ = _reconstruct_and_count(result, survival=False)
    return _unsqueeze(result, recon)


def survival_map(result: PoolResult):
    """How many outputs used each input cell.

    Selecting modes count how many outputs picked the cell: 0 = discarded,
    more than 1 = reused by overlapping windows. Weighting modes count the
    windows that gave the cell a non-zero weight.

    Returns
    -------
    int64 ndarray, the input's shape. It sums to the number of outputs for
    selecting modes.

    Examples
    --------
    >>> import numpy as np, pooling
    >>> x = np.array([[1, 5, 2], [0, 1, 9]])
    >>> survival_map(pooling.pool2d(x, "max", 2, stride=1)).tolist()
    [[0, 1, 0], [0, 0, 1]]
    """
    _, survival = _reconstruct_and_count(result, recon=False)
    return _unsqueeze(result, survival)


def _reconstruct_and_count(result, *, recon=True, survival=True):
    """Reconstruction ``(C, H, W)`` float64 and survival counts ``(C, H, W)`` int64.

    Three routes, all giving the numbers of the plain scatters (the tests
    hold them to it): selecting modes scatter their indices, and skip what
    is not asked for (None); weighting modes on a strided grid add each
    tap's outputs into the input; others (adaptive grids) scatter every tap
    of :func:`window_cells`.
    """
    if result.selecting:
        return _unpool_and_count(result, recon, survival)
    if result.grid.regular:
        return _spread_by_taps(result, survival)
    return _spread_by_cells(result)


def _unpool_and_count(result, want_recon, want_survival):
    n_ch = result.input.shape[0]
    h, w = result.grid.input_shape
    values = result.values.reshape(n_ch, -1)
    flat = result.indices.reshape(n_ch, -1) + (np.arange(n_ch, dtype=np.int64) * (h * w))[:, None]
    flat = flat.ravel()
    recon = survival = None
    if want_recon:
        # Overlapping windows may record one cell twice, always with the same value.
        recon = np.zeros(n_ch * h * w)
        recon[flat] = values.ravel()
        recon = recon.reshape(n_ch, h, w)
    if want_survival:
        survival = np.bincount(flat, minlength=n_ch * h * w).reshape(n_ch, h, w)
    return recon, survival


def _spread_by_cells(result):
    """The general route: every tap of every window as one scatter (memory ``kh * kw`` times the output's)."""
    h, w = result.grid.input_shape
    values = result.values if not result.squeeze else result.values[None]
    index, weight, _ = window_cells(result)
    covers = weight != 0
    total = scatter_add(index, np.where(covers, values[..., None].astype(np.float64), 0.0), h * w)
    counts = scatter_add(index, covers, h * w)
    recon = np.divide(total, counts, out=np.zeros_like(total), where=counts > 0)
    return recon.reshape(-1, h, w), np.rint(counts).astype(np.int64).reshape(-1, h, w)


def _spread_by_taps(result, want_survival=True):
    """Weighting modes on a strided grid: add each tap's outputs to the input cells it read.

    Within one tap distinct windows read distinct cells, so each tap is one
    strided add. Tiles of output rows keep the sums in cache, and taps run
    last to first, so every cell adds its windows in row-major window order,
    as the general route's scatter does: the sums agree bit for bit.
    Average pooling gives every in-bounds tap a non-zero weight, so its
    counts are the product of the row and column counts and need no pass;
    they are spread over the planes only when ``want_survival`` (else None).
    """
    grid = result.grid
    h, w = grid.input_shape
    oh = grid.shape[0]
    values = result.values if not result.squeeze else result.values[None]
    n_ch = values.shape[0]
    weights = None if result.mode == "avg" else result.weights
    if weights is not None and result.squeeze:
        weights = weights[None]
    total = np.zeros((n_ch, h, w))
    counts = np.zeros((n_ch, h, w), np.int64) if weights is not None else None
    step = tile_rows(oh, grid.rows.step * w * 8)  # output rows whose sums fill a tile
    for c in range(n_ch):
        for r0 in range(0, oh, step):
            r1 = min(oh, r0 + step)
            # tap_blocks yields each tap's cells as a writable strided view of the plane it is given.
            blocks = list(tap_blocks(total[c], grid, r0, r1))
            picks = [None] * len(blocks) if counts is None else [b[1] for b in tap_blocks(counts[c], grid, r0, r1)]
            for (t, cells, (i0, i1, j0, j1), _), picked in zip(reversed(blocks), reversed(picks)):
                out = values[c, r0 + i0:r0 + i1, j0:j1]
                if picked is not None:
                    covers = weights[c, r0 + i0:r0 + i1, j0:j1, t] != 0
                    out = np.where(covers, out, 0.0)
                    picked += covers
                cells += out
    if counts is None:
        # A cell's count is (windows over its row) x (windows over its column): one plane for all channels.
        per_row, per_col = (np.bincount(a.positions[a.in_bounds], minlength=a.length) for a in (grid.rows, grid.cols))
        plane = np.multiply.outer(per_row, per_col)
        if plane.max(initial=0) > 1:  # else every sum has one term, already the mean
            np.divide(total, plane, out=total, where=plane > 0)
        return total, np.broadcast_to(plane, total.shape).copy() if want_survival else None
    np.divide(total, counts, out=total, where=counts > 0)
    return total, counts


@dataclass(frozen=True, eq=False)
class InformationLoss:
    """Where and how much a pooling lost.

    Attributes
    ----------
    loss_map : float64 ndarray, the input's shape
        ``|x - reconstruct(result)|``.
    kept_fraction : float
        Share of input cells that some output used (NaN when not counted).
    mse : float
        Mean squared error of the reconstruction (NaN cells ignored).
    psnr : float
        ``10 log10(data_range ** 2 / mse)`` in dB; ``inf`` when nothing was lost.
    data_range : float
    reconstruction : float64 ndarray, the input's shape
        :func:`reconstruct` of the result.
    survival : int64 ndarray, the input's shape
        :func:`survival_map` of the result (None when not counted).
    reused_fraction : float
        Share of input cells that more than one output used (NaN when not counted).
    """

    loss_map: np.ndarray
    kept_fraction: float
    mse: float
    psnr: float
    data_range: float
    reconstruction: np.ndarray = None
    survival: np.ndarray = None
    reused_fraction: float = float("nan")


def information_loss(result: PoolResult, *, data_range=None, survival=True):
    """Compare the input with its reconstruction from the pooled output.

    Parameters
    ----------
    result : PoolResult
    data_range : float, optional
        Span of possible values for PSNR: by default the dtype's range for
        integers (255 for uint8) and ``max - min`` of the input for floats.
    survival : bool, optional
        Also count the outputs that use each cell (``survival``,
        ``kept_fraction``, ``reused_fraction``). False leaves them None and
        NaN and saves those passes, for a caller that needs only the
        reconstruction and its error.

    Returns
    -------
    InformationLoss

    Examples
    --------
    >>> import numpy as np, pooling
    >>> x = np.array([[0, 255], [0, 0]], dtype=np.uint8)
    >>> loss = information_loss(pooling.pool2d(x, "max", 2))
    >>> loss.kept_fraction, float(loss.mse), loss.loss_map.max()
    (0.25, 0.0, np.float64(0.0))
    >>> light = information_loss(pooling.pool2d(x, "max", 2), survival=False)
    >>> light.survival is None, light.kept_fraction, light.mse == loss.mse
    (True, nan, True)
    """
    recon, counts = _reconstruct_and_count(result, survival=survival)
    loss_map = np.subtract(result.input, recon, dtype=np.float64)
    np.abs(loss_map, out=loss_map)
    mse = _mean_square(loss_map)
    data_range = _data_range(result.input, data_range)
    kept = reused = float("nan")
    if survival:
        kept = int(np.count_nonzero(counts)) / counts.size
        reused = int(np.count_nonzero(counts > 1)) / counts.size
    return InformationLoss(_unsqueeze(result, loss_map), kept, mse, _psnr(mse, data_range), data_range,
                           _unsqueeze(result, recon), _unsqueeze(result, counts) if survival else None, reused)


def _mean_square(loss_map):
    """Mean of ``loss_map ** 2`` over its non-NaN cells (NaN when none is finite)."""
    flat = loss_map.ravel()
    # Dot products of 4096-cell rows, then numpy's pairwise sum: one pass, no temporary, and as
    # accurate as np.sum(loss_map ** 2) (a single long dot drifts ~1e-12).
    head = flat[: flat.size - flat.size % 4096].reshape(-1, 4096)
    tail = flat[head.size:]
    total = float(np.sum(np.vecdot(head, head)) + np.dot(tail, tail))
    if np.isfinite(total):
        return total / flat.size
    # NaN or inf cells: the slow, careful way.
    return float(np.nanmean(loss_map**2)) if np.isfinite(loss_map).any() else float("nan")


def _data_range(x, data_range):
    """The PSNR's span: ``data_range``, else the integer dtype's range, else the finite values' span (1 if none)."""
    if data_range is not None:
        return float(data_range)
    if x.dtype.kind in "iu":
        return float(np.iinfo(x.dtype).max) - float(np.iinfo(x.dtype).min)
    finite = x[np.isfinite(x)]
    span = float(finite.max() - finite.min()) if finite.size else 1.0
    return span or 1.0


def _psnr(mse, data_range):
    if mse == 0:
        return float("inf")
    try:
        return float(10 * np.log10(data_range**2 / mse))
    except OverflowError:  # data_range ** 2 beyond float64 (a float input spanning 1e300): the same in logs
        return float(20 * np.log10(data_range) - 10 * np.log10(mse))


def psnr_by_kernel(x, *, modes=("max", "avg"), kernels=range(2, 9), data_range=None, options=None):
    """PSNR of each mode's reconstruction for square kernels ``k × k`` with stride ``k``.

    For every ``k`` the input is pooled with ``pool2d(x, mode, k,
    ceil_mode=True, **options[mode])`` (no padding, no dilation; ceil mode
    keeps the last partial window, so every cell lies in exactly one
    window) and compared with its :func:`reconstruct`, as
    :func:`information_loss` does.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
        Finite real values.
    modes : sequence of str, optional
        Modes of :func:`pooling.pool2d`. ``"stochastic"`` samples unless
        its options say ``train=False``.
    kernels : sequence of int, optional
        Kernel sides, each from 1 to ``min(H, W)``.
    data_range : float, optional
        As in :func:`information_loss`.
    options : dict, optional
        ``{mode: {option: value}}``, the mode options of :func:`pooling.pool2d`.

    Returns
    -------
    dict
        ``{mode: (len(kernels),) float64 ndarray}`` of PSNR in dB, ``inf``
        where the reconstruction is exact.

    Notes
    -----
    Windows do not overlap, so the squared error is summed window by
    window without building the reconstruction: for a selecting mode it is
    ``sum(x**2) - sum(values**2)`` (the chosen cell is exact, the rest
    become 0); for a weighting mode, the window's cells against its value
    where their weight is non-zero and against 0 elsewhere. Cost per mode
    and kernel: one pooling plus a few passes over the input.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0, 0, 0, 4], [0, 8, 0, 0]], dtype=np.uint8)
    >>> {m: p.round(2).tolist() for m, p in psnr_by_kernel(x, kernels=[1, 2]).items()}
    {'max': [inf, inf], 'avg': [inf, 39.38]}
    """
    x = np.asarray(x)
    if x.ndim not in (2, 3) or x.size == 0 or x.dtype.kind not in "iuf":
        raise ValueError(f"x must be a non-empty (H, W) or (C, H, W) array of real numbers, got "
                         f"shape {x.shape} and dtype {x.dtype}")
    if not np.isfinite(x).all():
        raise ValueError("x must be finite: NaN or infinite cells have no reconstruction error")
    bad = [m for m in modes if m not in MODES]
    if bad or not len(modes):
        raise ValueError(f"modes ({list(modes)!r}) must be a non-empty list from {MODES}")
    options = dict(options or {})
    kernels = list(kernels)
    planes = x if x.ndim == 3 else x[None]
    h, w = planes.shape[1:]
    bad = [k for k in kernels if not isinstance(k, (int, np.integer)) or not 1 <= k <= min(h, w)]
    if bad or not kernels:
        raise ValueError(f"kernels ({kernels!r}) must be a non-empty list of ints from 1 to min(H, W) = {min(h, w)}")
    data_range = _data_range(x, data_range)
    xf = planes.astype(np.float64)
    total_sq = float(np.sum(xf * xf))
    out = {m: np.empty(len(kernels)) for m in modes}
    for n, k in enumerate(kernels):
        blocks, inside = _tiles(xf, k)
        for mode in modes:
            result = pool2d(planes, mode, k, ceil_mode=True, **options.get(mode, {}))
            values = result.values.astype(np.float64)
            if result.selecting:
                sq_err = total_sq - float(np.sum(values * values))
            else:
                covered = (result.weights != 0) & inside
                sq_err = float(np.sum((blocks - np.where(covered, values[..., None], 0.0)) ** 2))
            out[mode][n] = _psnr(max(sq_err, 0.0) / xf.size, data_range)
    return out


def _tiles(planes, k):
    """``planes`` cut into ``k × k`` tiles, ``(C, ceil(H/k), ceil(W/k), k * k)`` with taps row-major, and a mask
    of the taps inside the input (the last row and column of tiles may stick out; those taps read 0)."""
    c, h, w = planes.shape
    oh, ow = -(-h // k), -(-w // k)
    padded = np.zeros((c, oh * k, ow * k))
    padded[:, :h, :w] = planes
    blocks = padded.reshape(c, oh, k, ow, k).transpose(0, 1, 3, 2, 4).reshape(c, oh, ow, k * k)
    rows = (np.arange(oh)[:, None, None, None] * k + np.arange(k)[None, None, :, None]) < h
    cols = (np.arange(ow)[None, :, None, None] * k + np.arange(k)[None, None, None, :]) < w
    return blocks, (rows & cols).reshape(oh, ow, k * k)
