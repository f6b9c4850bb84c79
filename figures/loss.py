"""Figures of what pooling loses: the PSNR-against-kernel chart, a dimmed image, coloured map PNGs, downloads.

The downloads live here, not in :mod:`poolinglab.export`, because the map PNGs
are coloured as the figures colour them (the core does not import figures).
"""

import numpy as np
import plotly.graph_objects as go

from pooling.analysis.compare import picks_one_cell
from pooling.analysis.loss import information_loss, reconstruct, survival_map
from pooling.result import PoolResult
from poolinglab import export

from . import palette
from .maps import HOVER_CELLS, block_mean, color_map, map_figure

__all__ = ["DOWNLOADS", "PSNR_LABELS", "closer_words", "crop_figure", "dim_discarded", "download_bytes",
           "download_plan", "loss_view", "map_png", "psnr_caption", "psnr_chart", "psnr_input",
           "psnr_options", "psnr_text", "survival_words"]

# Legend labels of the PSNR chart's modes; the chart draws stochastic pooling's expected value (no sampling).
PSNR_LABELS = {"max": "Max", "min": "Min", "avg": "Average", "lp": "Lp (your p)",
               "stochastic": "Stochastic (expected value)", "mixed": "Mixed (your alpha)"}

# (file name, MIME type) of each download of the Information loss page, in the order it shows them.
DOWNLOADS = (
    ("survival-map.png", "image/png"), ("survival-map.csv", "text/csv"),
    ("survival-map.npy", "application/octet-stream"), ("indices.csv", "text/csv"),
    ("indices.npy", "application/octet-stream"), ("error-max.png", "image/png"), ("error-avg.png", "image/png"),
    ("reconstruction-max.png", "image/png"), ("reconstruction-avg.png", "image/png"),
)

# Each line differs in colour (viridis stops, dark enough on white), dash and marker, so none relies on colour alone.
_LINE_STYLES = [
    (palette.ACCENT, "solid", "circle"),
    (palette.VALUE_STOPS[0], "dash", "square"),
    (palette.VALUE_STOPS[2], "dot", "diamond"),
    (palette.VALUE_STOPS[4], "dashdot", "triangle-up"),
    (palette.VALUE_STOPS[6], "longdash", "x"),
    (palette.VALUE_STOPS[7], "solid", "star"),
]


def psnr_chart(kernels, psnr, *, labels=None, title=None):
    """PSNR of the reconstruction against kernel size, one line per mode.

    Parameters
    ----------
    kernels : (K,) sequence of int
        The x axis.
    psnr : dict
        ``{mode: (K,) array_like}`` in dB, as :func:`pooling.analysis.loss.psnr_by_kernel`
        returns; ``inf`` (nothing lost) is left off the line and said on hover.
    labels : dict, optional
        ``{mode: legend label}``; the mode's name by default.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One scatter trace per mode, in ``psnr``'s order.

    Examples
    --------
    >>> fig = psnr_chart([2, 3], {"max": [6.5, float("inf")], "avg": [28.0, 25.0]})
    >>> [t.name for t in fig.data], fig.data[0].y
    (['max', 'avg'], (6.5, None))
    """
    if len(psnr) > len(_LINE_STYLES):
        raise ValueError(f"psnr holds {len(psnr)} modes; at most {len(_LINE_STYLES)} can be told apart")
    labels = labels or {}
    kernels = [int(k) for k in kernels]
    data = []
    for (mode, values), (colour, dash, symbol) in zip(psnr.items(), _LINE_STYLES):
        v = np.asarray(values, dtype=np.float64)
        if v.shape != (len(kernels),):
            raise ValueError(f"psnr[{mode!r}] has shape {v.shape}, expected ({len(kernels)},) like kernels")
        text = [f"{x:.2f} dB" if np.isfinite(x) else "exact (PSNR infinite)" for x in v]
        data.append({
            "type": "scatter", "x": kernels, "y": [float(x) if np.isfinite(x) else None for x in v],
            "name": labels.get(mode, mode), "mode": "lines+markers", "line": {"color": colour, "dash": dash, "width": 2.5},
            "marker": {"symbol": symbol, "size": 9, "color": colour}, "customdata": text,
            "hovertemplate": f"{labels.get(mode, mode)}, kernel %{{x}} × %{{x}}: %{{customdata}}<extra></extra>"})
    # One dict, validated once: add_trace and the update_* calls validated the figure again each time.
    return go.Figure({"data": data, "layout": {
        "xaxis": {"title": {"text": "kernel size k (k × k windows, stride k)"}, "tickvals": kernels, "showgrid": False},
        "yaxis": {"title": {"text": "PSNR of the reconstruction (dB, higher is closer)"},
                  "gridcolor": palette.EMPTY_EDGE},
        "title": {"text": title} if title else {}, "plot_bgcolor": palette.BACKGROUND,
        "legend": {"title": {"text": "mode"}}, "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        "margin": {"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
    }})


def dim_discarded(planes, survival, *, factor=0.25):
    """``planes`` with every cell no output used dimmed to ``factor`` of its value.

    Parameters
    ----------
    planes : (C, H, W) uint8 array_like
    survival : (C, H, W) int array_like
        :func:`pooling.survival_map`; 0 marks a discarded cell. Each plane
        is pooled on its own, so a pixel can keep its red and lose its green.
    factor : float, optional
        From 0 (discarded cells black) to 1 (no dimming).

    Returns
    -------
    (C, H, W) uint8 ndarray

    Examples
    --------
    >>> dim_discarded(np.full((1, 1, 2), 200, np.uint8), np.array([[[0, 1]]])).tolist()
    [[[50, 200]]]
    """
    planes, survival = np.asarray(planes), np.asarray(survival)
    if planes.shape != survival.shape:
        raise ValueError(f"planes {planes.shape} and survival {survival.shape} must have the same shape")
    if not 0.0 <= factor <= 1.0:
        raise ValueError(f"factor ({factor}) must be from 0 to 1")
    if planes.dtype == np.uint8:  # one table lookup per value: the same numbers as the float product, rounded
        dimmed = np.rint(np.arange(256, dtype=np.uint8) * np.float32(factor)).astype(np.uint8)[planes]
    else:
        dimmed = np.rint(planes * np.float32(factor)).astype(np.uint8)
    return np.where(survival == 0, dimmed, planes).astype(np.uint8)


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


def psnr_text(mse, psnr):
    """One line with a reconstruction's MSE and PSNR; an infinite PSNR reads as exact.

    Examples
    --------
    >>> psnr_text(12.345678, 37.2), psnr_text(0.0, float("inf"))
    ('MSE 12.35   PSNR 37.20 dB', 'MSE 0   PSNR ∞ (exact)')
    """
    return f"MSE {mse:.4g}   PSNR " + (f"{psnr:.2f} dB" if np.isfinite(psnr) else "∞ (exact)")


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


def survival_words(picks):
    """What the survival map counts, for a pooling that picks one cell per output or one that weighs several.

    Parameters
    ----------
    picks : bool
        :func:`pooling.analysis.compare.picks_one_cell` of the pooling.

    Returns
    -------
    str

    Examples
    --------
    >>> survival_words(True)[:40]
    'How many outputs picked each input cell:'
    """
    if picks:
        return ("How many outputs picked each input cell: 0 means discarded, 1 kept once, "
                "more than 1 reused by overlapping windows.")
    return ("This pooling picks no single cell: every cell of a window with a non-zero weight goes into its output. "
            "So the map counts the windows that use each cell, and 0 marks cells no window uses "
            "(edges that floor rounding cuts off, gaps when the stride is longer than the kernel, cells between "
            "dilated taps, and zero cells that Lp and stochastic weigh 0).")


def closer_words(psnr_max, psnr_avg):
    """Which reconstruction comes back closer, max-unpool or average, from their PSNRs in dB.

    Examples
    --------
    >>> closer_words(6.5, 28.0).split(".")[0]
    'On this image, average comes back closer'
    >>> closer_words(float("inf"), float("inf")).split(".")[0]
    'On this image, both come back exactly: nothing is lost'
    """
    a, b = float(psnr_max), float(psnr_avg)
    if np.isnan(a) or np.isnan(b):
        lead = "PSNR cannot say which comes back closer (the error is not a number)"
    elif a == b:
        lead = ("both come back exactly: nothing is lost" if np.isinf(a) else "both come back equally close")
    else:
        lead = f"{'max-unpool' if a > b else 'average'} comes back closer"
    return (f"On this image, {lead}. Max keeps a few cells exactly and loses the rest outright; average keeps a "
            "blurred trace of every cell its windows cover. PSNR measures closeness pixel by pixel, not what a "
            "network needs for its task.")


def psnr_options(mode, options):
    """The options of ``mode`` that the PSNR chart passes on, as sorted ``(name, value)`` pairs (hashable).

    The chart sets its own windows, so of a layer's options only Lp's ``p``
    and mixed pooling's ``alpha`` pass; stochastic pooling is drawn at its
    expected value (``train=False``), which one draw of the sampling is not.

    Examples
    --------
    >>> psnr_options("lp", {"kernel_size": 2, "p": 3.0}), psnr_options("stochastic", {"train": True})
    ((('p', 3.0),), (('train', False),))
    """
    kept = {k: v for k, v in dict(options).items() if (mode, k) in (("lp", "p"), ("mixed", "alpha"))}
    return tuple(sorted((kept | {"train": False} if mode == "stochastic" else kept).items()))


def loss_view(result, *, channel=0, side=1024, survival=True, photo_side=None):
    """What a page draws of one pooling's information loss: its numbers, and maps shrunk to cache and send.

    Parameters
    ----------
    result : PoolResult
    channel : int or None, optional
        The plane whose survival map is kept cell by cell (it is shown as a
        crop, which block means would blur). None keeps every plane's, and
        ``most`` is then a tuple of each plane's maximum: a page that lets
        the user pick the plane needs no other view for another plane.
    side : int, optional
        The error map, reconstruction and dimmed photo are block means at
        most this long.
    photo_side : int, optional
        The reconstruction and dimmed photo are block means at most this
        long instead (``side`` by default): a page that shows them smaller
        than the error map shrinks them here once, from the float64 sums.
    survival : bool, optional
        Count the outputs that use each cell, and make what shows them: the
        survival map, its shares and the dimmed photo. False leaves those
        None, for a pooling whose reconstruction alone is shown.

    Returns
    -------
    dict
        ``selecting`` (the result has indices), ``picks``
        (:func:`pooling.analysis.compare.picks_one_cell`), ``mse``, ``psnr``,
        ``kept``, ``reused`` (shares of cells), ``survival`` (uint16 map of
        ``channel``), ``most`` (its maximum), ``error`` (float32, the planes'
        mean), ``error_max`` (the largest cell of that mean before it is
        shrunk, in float32: a colour scale's top), ``recon`` (float32) and
        ``dimmed`` (uint8 photos only, else None). Without ``survival``,
        ``picks`` to ``most`` and ``dimmed`` are None.

    Examples
    --------
    >>> import pooling
    >>> view = loss_view(pooling.pool2d(np.array([[1, 5], [7, 2]], np.uint8), "max", 2))
    >>> view["picks"], view["kept"], view["survival"].tolist()
    (True, 0.25, [[0, 0], [1, 0]])
    """
    if not isinstance(result, PoolResult):
        raise TypeError(f"result must be a PoolResult, not {type(result).__name__}")
    planes = result.input
    if channel is not None and not 0 <= channel < planes.shape[0]:
        raise ValueError(f"channel ({channel}) must be from 0 to {planes.shape[0] - 1}")
    loss = information_loss(result, survival=survival)
    error, recon = (a if a.ndim == 3 else a[None] for a in (loss.loss_map, loss.reconstruction))
    error = error.mean(axis=0)
    view = {
        "selecting": result.selecting, "mse": loss.mse, "psnr": loss.psnr,
        "error_max": float(np.float32(error.max())),  # as the float32 map unshrunk would give it
        "error": block_mean(error, side)[0].astype(np.float32),
        "recon": block_mean(recon, photo_side or side)[0].astype(np.float32),
        "picks": None, "kept": None, "reused": None, "survival": None, "most": None, "dimmed": None,
    }
    if survival:
        counts = loss.survival if loss.survival.ndim == 3 else loss.survival[None]
        view.update({
            "picks": picks_one_cell(result, survival=counts), "kept": loss.kept_fraction,
            "reused": loss.reused_fraction,
            # at most 32 * 32 windows reuse a cell
            "survival": (counts if channel is None else counts[channel]).astype(np.uint16),
            "most": tuple(int(m) for m in counts.max(axis=(1, 2))) if channel is None else int(counts[channel].max()),
            "dimmed": _shrunk_photo(dim_discarded(planes, counts), photo_side or side)
            if planes.dtype == np.uint8 else None,
        })
    return view


def _shrunk_photo(pixels, side):
    """uint8 ``pixels`` as block means at most ``side`` long, rounded back to uint8 (as :func:`.image.image_figure`
    rounds them)."""
    shrunk, f = block_mean(pixels, side)
    return shrunk if f == 1 else np.rint(shrunk).astype(np.uint8)


def crop_figure(counts, *, title, most):
    """The survival map's crop as :func:`.maps.map_figure` draws it, cell by cell, its counts kept as an array.

    ``map_figure`` hands plotly the cells as nested lists of floats: a
    shared cache then walks every cell to weigh it, and JSON spells each
    ``0`` as ``0.0``. An integer array draws and hovers the same.

    Parameters
    ----------
    counts : (h, w) int array_like
        At most :data:`.maps.HOVER_CELLS` cells, so the map is a heatmap.
    title : str
    most : int
        The colour scale's top (at least 1).

    Examples
    --------
    >>> fig = crop_figure(np.array([[0, 1], [2, 0]], np.uint16), title="crop", most=2)
    >>> fig.data[0].type, fig.data[0].z.tolist(), fig.data[0].zmax
    ('heatmap', [[0, 1], [2, 0]], 2.0)
    """
    counts = np.asarray(counts)
    if counts.dtype.kind not in "iu" or counts.ndim != 2 or not 0 < counts.size <= HOVER_CELLS:
        raise ValueError(f"counts must be a 2-D integer array of 1 to {HOVER_CELLS} cells, got {counts.dtype} "
                         f"{counts.shape}")
    spec = map_figure(counts[:1, :1], title=title, zmin=0, zmax=max(int(most), 1), colorbar_title="outputs",
                      value_format="d").to_dict()
    spec["data"][0]["z"] = np.array(counts)  # a copy: the figure may be cached and shared
    return go.Figure(spec, _validate=False)


def psnr_input(planes, *, side=512):
    """The image the PSNR chart pools: ``planes`` shrunk by block means to at most ``side`` long, photos kept uint8.

    Returns
    -------
    shrunk : (C, h, w) ndarray
    factor : int
        The shrink factor (1 when ``planes`` already fits).

    Examples
    --------
    >>> shrunk, f = psnr_input(np.full((3, 8, 6), 7, np.uint8), side=4)
    >>> shrunk.shape, shrunk.dtype, f
    ((3, 4, 3), dtype('uint8'), 2)
    """
    planes = np.asarray(planes)
    if max(planes.shape[1:]) <= side:
        return planes, 1
    shrunk, f = block_mean(planes, side)
    return (np.rint(shrunk).astype(np.uint8) if planes.dtype == np.uint8 else shrunk), f


def psnr_caption(kernels):
    """The PSNR chart's text alternative, with the kernel sizes it really drew.

    Examples
    --------
    >>> psnr_caption([2, 3, 4])[:100]
    "Line chart: PSNR of each mode's reconstruction (y, dB) for k × k windows with stride k (x, k from 2 "
    >>> psnr_caption([2, 3, 4])[100:141]
    'to 4, as the image is only that large), n'
    """
    kernels = [int(k) for k in kernels]
    if not kernels:
        raise ValueError("kernels is empty; the chart needs at least one kernel size")
    cut = ", as the image is only that large" if kernels[-1] < 8 else ""
    return (f"Line chart: PSNR of each mode's reconstruction (y, dB) for k × k windows with stride k (x, k from "
            f"{kernels[0]} to {kernels[-1]}{cut}), no padding, the last partial window kept (ceil mode) so every "
            "cell counts.")
