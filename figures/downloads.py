"""The Information loss page's downloads at full resolution: maps as PNG coloured as its figures colour them,
counts and indices as CSV and NPY.

They live beside the figure builders, not in :mod:`poolinglab.export`, because the map PNGs take the figures'
colours; :mod:`poolinglab.export` writes the bytes.
"""

import numpy as np

from pooling.analysis.loss import reconstruct, survival_map
from pooling.result import PoolResult
from poolinglab import export

from . import palette
from .maps import color_map

__all__ = ["DOWNLOADS", "download_bytes", "download_plan", "map_png"]


# (file name, MIME type) of each download of the Information loss page, in the order it shows them.
DOWNLOADS = (
    ("survival-map.png", "image/png"), ("survival-map.csv", "text/csv"),
    ("survival-map.npy", "application/octet-stream"), ("indices.csv", "text/csv"),
    ("indices.npy", "application/octet-stream"), ("error-max.png", "image/png"), ("error-avg.png", "image/png"),
    ("reconstruction-max.png", "image/png"), ("reconstruction-avg.png", "image/png"),
)


def map_png(values, *, zmin=None, zmax=None, colorscale=palette.VALUE_SCALE):
    """A 2-D map coloured as :func:`.maps.map_figure` colours it, as PNG bytes at full resolution.

    Parameters
    ----------
    values : (H, W) array_like
    zmin, zmax : float, optional
        The colour range; the finite values' range by default.
    colorscale : str, optional

    Returns
    -------
    bytes

    Examples
    --------
    >>> map_png(np.arange(6.0).reshape(2, 3))[:4]
    b'\\x89PNG'
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.size == 0:
        raise ValueError(f"values must be a non-empty 2-D array, got shape {np.shape(values)}")
    finite = v[np.isfinite(v)]
    lo = float(finite.min()) if zmin is None and finite.size else float(zmin or 0.0)
    hi = float(finite.max()) if zmax is None and finite.size else float(1.0 if zmax is None else zmax)
    return export.png_bytes(color_map(v, lo, hi, colorscale))


def _check_download(name):
    if name not in dict(DOWNLOADS):
        raise ValueError(f"name ({name!r}) must be one of {[n for n, _ in DOWNLOADS]}")


def download_plan(*, mode, selecting, refused=()):
    """Each download with the pooling mode it is made from, leaving out those of a mode the core refused.

    Parameters
    ----------
    mode : str
        The layer's own mode: the survival map is its.
    selecting : bool
        Whether ``mode`` has indices (:attr:`PoolResult.selecting`); if
        not, the indices come from max pooling with the same window.
    refused : collection of str, optional
        Modes the core could not pool the image with.

    Returns
    -------
    list of (str, str, str)
        ``(file name, MIME type, mode)`` in :data:`DOWNLOADS` order. The error
        and reconstruction files compare ``"max"`` and ``"avg"``.

    Examples
    --------
    >>> [(name, m) for name, _, m in download_plan(mode="lp", selecting=False)][2:6]
    [('survival-map.npy', 'lp'), ('indices.csv', 'max'), ('indices.npy', 'max'), ('error-max.png', 'max')]
    >>> len(download_plan(mode="stochastic", selecting=False, refused={"stochastic"}))
    6
    """
    plan = []
    for name, mime in DOWNLOADS:
        stem = name.split(".")[0]
        if stem.startswith(("error-", "reconstruction-")):
            source = stem.rsplit("-", 1)[1]
        else:
            source = "max" if stem == "indices" and not selecting else mode
        if source not in refused:
            plan.append((name, mime, source))
    return plan


def download_bytes(name, result, *, channel=0):
    """One download of the Information loss page, at full resolution.

    Parameters
    ----------
    name : str
        A file name of :data:`DOWNLOADS`; its stem says what, its suffix how:
        ``survival-map`` (PNG of ``channel``, or every plane as CSV or NPY),
        ``indices`` (PyTorch's flat indices, CSV or NPY), ``error-*`` (PNG of
        ``|input - reconstruction|`` averaged over the planes),
        ``reconstruction-*`` (a photo's PNG, or a coloured map of ``channel``
        for typed numbers).
    result : PoolResult
        The pooling the file shows, in the mode :func:`download_plan` names.
    channel : int, optional
        The plane drawn by the single-plane PNGs.

    Returns
    -------
    bytes or str
        CSV files are text; the others bytes.

    Examples
    --------
    >>> import pooling
    >>> r = pooling.pool2d(np.array([[1, 5], [7, 2]], np.uint8), "max", 2)
    >>> print(download_bytes("indices.csv", r), end="")
    channel,row,index_0
    0,0,2
    >>> download_bytes("reconstruction-max.png", r)[:4]
    b'\\x89PNG'
    """
    _check_download(name)
    if not isinstance(result, PoolResult):
        raise TypeError(f"result must be a PoolResult, not {type(result).__name__}")
    planes = result.input
    if not 0 <= channel < planes.shape[0]:
        raise ValueError(f"channel ({channel}) must be from 0 to {planes.shape[0] - 1}")
    stem, kind = name.split(".")
    if stem == "indices":
        if not result.selecting:
            raise ValueError(f"indices need a pooling that selects one cell; {result.mode!r} does not")
        indices = result.indices
        return export.csv_text(indices, value_name="index") if kind == "csv" else export.npy_bytes(indices)
    # Each file computes only what it shows: a 12 MP photo's reconstruction, error and counts took 1 GB together.
    if stem == "survival-map":
        survival = survival_map(result)
        survival = survival if survival.ndim == 3 else survival[None]
        if kind == "png":
            return map_png(survival[channel], zmin=0)
        return export.csv_text(survival, value_name="count") if kind == "csv" else export.npy_bytes(survival)
    recon = reconstruct(result)  # a new array: the steps below may write into it
    recon = recon if recon.ndim == 3 else recon[None]
    if stem.startswith("error-"):
        return map_png(_mean_error(planes, recon), zmin=0)
    if planes.dtype == np.uint8:
        return export.png_bytes(np.clip(np.rint(recon, out=recon), 0, 255, out=recon).astype(np.uint8))
    return map_png(recon[channel])


def _mean_error(planes, recon):
    """``|planes - recon|`` averaged over the planes, one plane at a time: the numbers of
    ``np.abs(planes - recon).mean(axis=0)`` (numpy adds the planes in this order), without its (C, H, W) array."""
    total = None
    for x, r in zip(planes, recon):
        error = np.abs(np.subtract(x, r, dtype=np.float64))
        total = error if total is None else np.add(total, error, out=total)
    return np.divide(total, len(planes), out=total)
