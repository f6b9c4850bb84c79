"""Figures of the Feature maps lab: a filter's weights, its maps as pictures on one scale and that scale,
detection sources, the shift test."""

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from . import palette
from .image import Picture, _as_display_array
from .invariance import LINE_STYLES
from .maps import VALUE_COLORSCALE, block_mean, colorbar_point, pixels_uri, scale_uri

__all__ = ["SOURCE_MARKS", "kernel_figure", "map_picture", "persistence_chart", "photo_source", "scale_figure",
           "sources_figure"]

# One Okabe-Ito colour and one marker shape per filter: they differ in shape as well as colour.
SOURCE_MARKS = tuple(zip(("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                          "#FFFFFF", "#000000", "#999999"),
                         ("circle-open", "square-open", "diamond-open", "x-thin-open", "cross-thin-open",
                          "triangle-up-open", "triangle-down-open", "star-open", "hexagon-open", "circle-open")))


def _font():
    return {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE}


def _weight_text(value):
    # Two decimals at most, trailing zeros dropped, so a 5 x 5 grid's numbers fit their cells; hover has them all.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def kernel_figure(weights, *, title=None, height=170):
    """A small grid of a filter's weights, each cell with its number: red above zero, blue below, white at 0.

    Examples
    --------
    >>> fig = kernel_figure(np.array([[-1.0, 0.0, 1.0]] * 3))
    >>> fig.data[0].zmid, list(fig.data[0].text[0])
    (0, ['-1', '0', '1'])
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"weights must be a non-empty 2-D array, got shape {w.shape}")
    text = [[_weight_text(v) for v in row] for row in w]
    heat = go.Heatmap(z=w.tolist(), text=text, texttemplate="%{text}", colorscale=palette.DIFF_SCALE, zmid=0,
                      showscale=False, hovertemplate="row %{y}, col %{x}: weight %{z:.4g}<extra></extra>",
                      textfont={"size": 11 if max(w.shape) <= 3 else 9})
    fig = go.Figure(heat)
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", visible=False)
    fig.update_xaxes(constrain="domain", visible=False)
    fig.update_layout(title=title, height=height, font=_font(), margin={"l": 4, "r": 4, "t": 30 if title else 4,
                                                                        "b": 4}, plot_bgcolor=palette.BACKGROUND)
    return fig


def map_picture(values, *, zmax, max_side=256):
    """A map as a :class:`~figures.image.Picture` on the viridis scale from 0 to ``zmax``, cell for cell.

    Every map of a page's filters (a feature map after ReLU and its pooled
    maps) takes the same ``zmax``, so one colour bar (:func:`scale_figure`)
    reads them all.

    Parameters
    ----------
    values : (H, W) array_like
        Shrunk by block means to at most ``max_side`` cells on its long side.
        NaN is drawn as an empty cell.
    zmax : float
        The top of the scale: values at or above it are yellow. A ``zmax``
        that is not a positive number (an all-zero stage) is taken as 1.

    Examples
    --------
    >>> picture = map_picture(np.array([[0.0, 2.0, 4.0]]), zmax=2.0)
    >>> picture.uri[:22], (picture.height, picture.width)
    ('data:image/png;base64,', (1, 3))
    """
    shrunk, _ = block_mean(np.asarray(values, dtype=np.float64), max_side)
    return Picture(scale_uri(shrunk, 0.0, _top(zmax)), shrunk.shape[0], shrunk.shape[1])


def scale_figure(zmax, *, title="response", height=80):
    """The colour bar of :func:`map_picture`'s maps alone, across the page: 0 to ``zmax`` on the viridis scale.

    Built unvalidated, in well under a millisecond (validated, 1.5 ms): a
    page can build it on every run without keeping it.

    Examples
    --------
    >>> bar = scale_figure(0.5).data[0].marker
    >>> bar.cmin, bar.cmax, bar.colorbar.orientation
    (0.0, 0.5, 'h')
    """
    bar = {"orientation": "h", "thickness": 14, "len": 1.0, "x": 0.5, "xanchor": "center", "y": 0.5,
           "yanchor": "middle", "title": {"text": title, "side": "top"}}
    # Not validated: every value is in plotly's validated form already (test_figures_features holds it to that).
    return go.Figure({"data": [colorbar_point(0.0, _top(zmax), VALUE_COLORSCALE, bar)], "layout": {
        "height": height, "font": _font(), "plot_bgcolor": "rgba(0,0,0,0)", "paper_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {"visible": False}, "yaxis": {"visible": False}, "margin": {"l": 10, "r": 10, "t": 4, "b": 4}}},
        _validate=False)


def _top(zmax):
    return float(zmax) if zmax and np.isfinite(zmax) and zmax > 0 else 1.0


def photo_source(planes, *, value_range=(0, 255), max_side=512):
    """The photo of :func:`sources_figure`, in grey, as an image source, and its shrink factor: it does not change
    with the marks, so a page can keep it.

    A colour photo is turned to grey as Pillow's mode ``"L"`` does (ITU-R 601-2 luma): the coloured marks stand out
    on it, and it is a third of the bytes.

    Examples
    --------
    >>> source, f = photo_source(np.zeros((3, 4, 4)))
    >>> source[:22], f
    ('data:image/png;base64,', 1)
    """
    shrunk, f = block_mean(np.asarray(planes).astype(np.float32), max_side)
    pixels = _as_display_array(shrunk, value_range=value_range)
    if pixels.ndim == 3:
        pixels = np.asarray(Image.fromarray(pixels, "RGB").convert("L"))
    return pixels_uri(pixels), f


def sources_figure(planes, sources, *, value_range=(0, 255), max_side=512, title=None, height=520, photo=None):
    """The photo with each filter's pooled detections drawn on the pixels they came from.

    Parameters
    ----------
    planes : (C, H, W) array_like
        The photo (C is 1 or 3).
    sources : dict of str to (rows, cols)
        Per filter label, photo coordinates of its detections' argmax cells.
    value_range : (float, float), optional
        Black and white of the photo.
    photo : (str, int), optional
        :func:`photo_source` of ``planes``, if the caller kept it; made here otherwise.

    Returns
    -------
    plotly.graph_objects.Figure
        The photo in grey (:func:`photo_source`) as one image trace (in photo
        pixels), then one marker trace per filter.

    Examples
    --------
    >>> fig = sources_figure(np.zeros((1, 4, 4)), {"edge": (np.array([1]), np.array([2]))})
    >>> [t.type for t in fig.data], fig.data[1].x.tolist(), fig.data[1].y.tolist()
    (['image', 'scatter'], [2], [1])
    """
    source, f = photo if photo is not None else photo_source(planes, value_range=value_range, max_side=max_side)
    offset = (f - 1) / 2
    data = [{"type": "image", "source": source, "x0": offset, "y0": offset, "dx": f, "dy": f,
             "hovertemplate": "photo row %{y}, col %{x}<extra></extra>"}]
    for n, (label, (rows, cols)) in enumerate(sources.items()):
        colour, symbol = SOURCE_MARKS[n % len(SOURCE_MARKS)]
        # Arrays, not lists: plotly sends them as packed binary, and nothing walks thousands of marks one by one.
        data.append({"type": "scatter", "x": np.asarray(cols), "y": np.asarray(rows),
                     "mode": "markers", "name": f"{label} ({len(rows)})",
                     "marker": {"symbol": symbol, "size": 7, "color": colour, "line": {"width": 1.5, "color": colour}},
                     "hovertemplate": f"{label}: found at row %{{y}}, col %{{x}}<extra></extra>"})
    axis = {"constrain": "domain", "showgrid": False, "zeroline": False}
    # Not validated (thousands of marks took 20 ms to check): every value is in plotly's validated form already
    # (test_figures_features holds it to that).
    return go.Figure({"data": data, "layout": {
        "yaxis": {**axis, "autorange": "reversed", "scaleanchor": "x"}, "xaxis": axis,
        "title": {"text": title} if title else None, "height": height, "font": _font(),
        "plot_bgcolor": palette.BACKGROUND, "legend": {"orientation": "h", "y": -0.08},
        "margin": {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10}}}, _validate=False)


def persistence_chart(shifts, shares, *, stride, accent=None, title=None):
    """The share of detections still on in place, against the shift, one line per map.

    Parameters
    ----------
    shifts : (S,) array_like of int
    shares : dict of str to (S,) array_like of float
        0 to 1; NaN (no detection) leaves a gap.
    stride : int
        Whole strides get a faint vertical line.
    accent : str, optional
        The label drawn in the accent colour.

    Examples
    --------
    >>> fig = persistence_chart([1, 2], {"raw": [0.5, np.nan]}, stride=2)
    >>> list(fig.data[0].x), list(fig.data[0].y)
    ([1, 2], [50.0, None])
    """
    if not shares:
        raise ValueError("shares must hold at least one line")
    x = [int(s) for s in shifts]
    data = []
    for n, (label, values) in enumerate(shares.items()):
        colour, dash = (palette.ACCENT, "solid") if label == accent else LINE_STYLES[n % len(LINE_STYLES)]
        y = [100 * float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]
        data.append({"type": "scatter", "x": x, "y": y, "name": label, "mode": "lines+markers",
                     "line": {"color": colour, "dash": dash},
                     "hovertemplate": f"{label}: %{{y:.1f}}% still on at a shift of %{{x}} px<extra></extra>"})
    # What add_vline draws: a line from the bottom to the top of the plot at each whole stride.
    strides = [{"type": "line", "x0": s, "x1": s, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                "line": {"color": "#BBBBBB", "width": 1}} for s in x if s % stride == 0]
    # Not validated, as sources_figure.
    return go.Figure({"data": data, "layout": {
        "shapes": strides, "yaxis": {"title": {"text": "detections still on in place, %"}, "range": [0, 105]},
        "xaxis": {"title": {"text": "shift of the photo, pixels"}, "tickmode": "array", "tickvals": x,
                  "showgrid": False},
        "title": {"text": title} if title else None, "height": 380, "font": _font(),
        "plot_bgcolor": palette.BACKGROUND, "hovermode": "x unified", "legend": {"orientation": "h", "y": -0.25},
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10}}}, _validate=False)
