"""What pooling keeps and what it loses: reconstruction, survival and loss maps."""

from dataclasses import dataclass

import numpy as np

from ._checks import MODES
from .pool import pool2d
from .result import PoolResult
from .unpool import max_unpool2d, scatter_add

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
            w = result.weights if result.squeeze else result.weights[c]
            weight.append(np.where(inb, w, 0.0))
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

    Examples
    --------
    >>> import numpy as np, pooling
    >>> x = np.array([[1.0, 3.0], [2.0, 6.0]])
    >>> reconstruct(pooling.pool2d(x, "max", 2)).tolist()
    [[0.0, 0.0], [0.0, 6.0]]
    >>> reconstruct(pooling.pool2d(x, "avg", 2)).tolist()
    [[3.0, 3.0], [3.0, 3.0]]
    """
    h, w = result.grid.input_shape
    recon, _ = _reconstruct_and_count(result)
    return _unsqueeze(result, recon.reshape(-1, h, w))


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
    h, w = result.grid.input_shape
    _, counts = _reconstruct_and_count(result)
    return _unsqueeze(result, np.rint(counts).astype(np.int64).reshape(-1, h, w))


def _reconstruct_and_count(result):
    """Reconstruction and survival counts, each ``(C, H * W)`` float64, from one pass over the windows.

    Both come from the same scatter of outputs onto their cells, and the
    per-tap arrays of the weighting modes cost ``kh * kw`` times the output's
    memory, so :func:`information_loss` builds them once.
    """
    h, w = result.grid.input_shape
    values = result.values if not result.squeeze else result.values[None]
    if result.selecting:
        idx = result.indices if not result.squeeze else result.indices[None]
        recon = max_unpool2d(values.astype(np.float64), idx, (h, w)).reshape(idx.shape[0], -1)
        return recon, scatter_add(idx, np.ones(idx.shape), h * w)
    index, weight, _ = window_cells(result)
    covers = weight != 0
    total = scatter_add(index, np.where(covers, values[..., None].astype(np.float64), 0.0), h * w)
    counts = scatter_add(index, covers, h * w)
    return np.divide(total, counts, out=np.zeros_like(total), where=counts > 0), counts


@dataclass(frozen=True, eq=False)
class InformationLoss:
    """Where and how much a pooling lost.

    Attributes
    ----------
    loss_map : float64 ndarray, the input's shape
        ``|x - reconstruct(result)|``.
    kept_fraction : float
        Share of input cells that some output used.
    mse : float
        Mean squared error of the reconstruction (NaN cells ignored).
    psnr : float
        ``10 log10(data_range ** 2 / mse)`` in dB; ``inf`` when nothing was lost.
    data_range : float
    reconstruction : float64 ndarray, the input's shape
        :func:`reconstruct` of the result.
    survival : int64 ndarray, the input's shape
        :func:`survival_map` of the result.
    reused_fraction : float
        Share of input cells that more than one output used.
    """

    loss_map: np.ndarray
    kept_fraction: float
    mse: float
    psnr: float
    data_range: float
    reconstruction: np.ndarray = None
    survival: np.ndarray = None
    reused_fraction: float = float("nan")


def information_loss(result: PoolResult, data_range=None):
    """Compare the input with its reconstruction from the pooled output.

    Parameters
    ----------
    result : PoolResult
    data_range : float, optional
        Span of possible values for PSNR: by default the dtype's range for
        integers (255 for uint8) and ``max - min`` of the input for floats.

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
    """
    x = result.input.astype(np.float64)
    x = x[0] if result.squeeze else x
    recon_flat, counts = _reconstruct_and_count(result)
    recon = recon_flat.reshape(x.shape)
    loss_map = np.abs(x - recon)
    kept = float(np.mean(counts > 0))
    mse = float(np.nanmean(loss_map**2)) if np.isfinite(loss_map).any() else float("nan")
    data_range = _data_range(result.input, data_range)
    survival = np.rint(counts).astype(np.int64).reshape(x.shape)
    return InformationLoss(loss_map, kept, mse, _psnr(mse, data_range), data_range, recon, survival,
                           float(np.mean(counts > 1)))


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
    return float("inf") if mse == 0 else float(10 * np.log10(data_range**2 / mse))


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
