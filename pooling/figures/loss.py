"""Figures of what pooling loses: the PSNR-against-kernel chart, a dimmed image, coloured map PNGs."""

import numpy as np
import plotly.graph_objects as go

from .. import export
from . import palette
from .maps import color_map

__all__ = ["dim_discarded", "map_png", "psnr_chart"]

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
        ``{mode: (K,) array_like}`` in dB, as :func:`pooling.loss.psnr_by_kernel`
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
    fig = go.Figure()
    for (mode, values), (colour, dash, symbol) in zip(psnr.items(), _LINE_STYLES):
        v = np.asarray(values, dtype=np.float64)
        if v.shape != (len(kernels),):
            raise ValueError(f"psnr[{mode!r}] has shape {v.shape}, expected ({len(kernels)},) like kernels")
        text = [f"{x:.2f} dB" if np.isfinite(x) else "exact (PSNR infinite)" for x in v]
        fig.add_trace(go.Scatter(
            x=kernels, y=[float(x) if np.isfinite(x) else None for x in v], name=labels.get(mode, mode),
            mode="lines+markers", line={"color": colour, "dash": dash, "width": 2.5},
            marker={"symbol": symbol, "size": 9, "color": colour}, customdata=text,
            hovertemplate=f"{labels.get(mode, mode)}, kernel %{{x}} × %{{x}}: %{{customdata}}<extra></extra>"))
    fig.update_xaxes(title="kernel size k (k × k windows, stride k)", tickvals=kernels, showgrid=False)
    fig.update_yaxes(title="PSNR of the reconstruction (dB, higher is closer)", gridcolor=palette.EMPTY_EDGE)
    fig.update_layout(title=title, plot_bgcolor=palette.BACKGROUND, legend_title_text="mode",
                      font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
                      margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10})
    return fig


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
