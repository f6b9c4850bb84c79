"""Figures of what pooling loses: the PSNR-against-kernel chart, a dimmed image, the survival crop, and the
view a page draws of one pooling's loss (:func:`loss_view`)."""

import numpy as np
import plotly.graph_objects as go

from pooling import pool2d
from pooling.analysis.compare import picks_one_cell
from pooling.analysis.loss import information_loss
from pooling.result import PoolResult
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import pool_options

from . import palette
from .image import image_picture
from .maps import HOVER_CELLS, block_mean, map_figure

__all__ = ["PSNR_LABELS", "RECON_NAMES", "crop_figure", "dim_discarded", "loss_view", "loss_views", "mode_view",
           "psnr_chart", "psnr_input", "survival_crop"]

# Legend labels of the PSNR chart's modes; the chart draws stochastic pooling's expected value (no sampling).
PSNR_LABELS = {"max": "Max", "min": "Min", "avg": "Average", "lp": "Lp (your p)",
               "stochastic": "Stochastic (expected value)", "mixed": "Mixed (your alpha)"}

# The reconstruction each selecting mode is shown with, by mode.
RECON_NAMES = {"max": "Max-unpool", "avg": "Average spread back"}

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


def mode_view(planes, pool_settings, mode, *, side, photo_side):
    """:func:`loss_view` of one mode with the layer ``pool_settings`` (a ``Settings``), or the core's
    :class:`~poolinglab.refusal.Refusal`. Only the layer's own mode counts its survival map (every plane's: the
    page picks one) and dims the photo."""
    result = attempt(pool2d, planes, mode, **pool_options(pool_settings, mode=mode))
    if isinstance(result, Refusal):  # stochastic pooling of negative numbers: the other modes still show
        return result
    return loss_view(result, channel=None, side=side, photo_side=photo_side, survival=mode == pool_settings.mode)


def loss_views(planes, pool_settings, value_range, *, pool, side, photo_side):
    """:func:`mode_view` of the layer's mode and of max and avg with its window, and the figures of what they show.

    ``pool`` is an executor of two threads (numpy and Pillow let go of the GIL): a mode's photos are encoded while
    the next mode is pooled, and the error maps, on one colour scale, once every mode is done. Returns ``views``
    (mode -> view or the core's :class:`~poolinglab.refusal.Refusal`) and ``figures`` (``"dimmed"`` and
    ``("recon", m)``, pictures (:class:`~.image.Picture`), and ``("error", m)``, figures; what a refused mode would
    show is left out). Photos and error maps are block means at most ``photo_side`` long, the views' maps at most
    ``side``. Nothing here depends on the survival map's plane.
    """
    mode = pool_settings.mode
    modes = list(dict.fromkeys((mode, "max", "avg")))
    pending = {m: pool.submit(mode_view, planes, pool_settings, m, side=side, photo_side=photo_side) for m in modes}
    views, builds = {}, {}
    for m, future in pending.items():
        view = views[m] = future.result()
        if isinstance(view, Refusal):
            continue
        if m == mode and view["dimmed"] is not None:
            builds["dimmed"] = pool.submit(image_picture, view["dimmed"])
        if m in RECON_NAMES:
            builds["recon", m] = pool.submit(image_picture, view["recon"], value_range=value_range)
    recon = [m for m in RECON_NAMES if not isinstance(views[m], Refusal)]
    worst = max((views[m]["error_max"] for m in recon), default=0.0) or 1.0
    for m in recon:
        builds["error", m] = pool.submit(map_figure, views[m]["error"], title=f"{RECON_NAMES[m]}: |error|",
                                         zmin=0, zmax=worst, colorbar_title="|error|", max_side=photo_side)
    return views, {name: future.result() for name, future in builds.items()}


def _shrunk_photo(pixels, side):
    """uint8 ``pixels`` as block means at most ``side`` long, rounded back to uint8 (as :func:`.image.image_picture`
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


def survival_crop(counts, top, left, rows, cols, *, most):
    """:func:`crop_figure` of ``rows`` × ``cols`` cells of a survival map ``counts`` from (``top``, ``left``),
    titled with the rows and columns it shows."""
    crop = counts[top:top + rows, left:left + cols]
    return crop_figure(crop, title=f"Outputs per input cell, rows {top}–{top + rows - 1}, columns "
                       f"{left}–{left + cols - 1}", most=most)


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


