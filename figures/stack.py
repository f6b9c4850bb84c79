"""Figures of stacked pooling: the pyramid of layers, a traced path, its field and pixel, localisation by depth.

Pure builders over :mod:`pooling.analysis.stacking` results. Layer images travel as
shrunk grey PNGs in their own layer's row and column coordinates, so a mark
at ``(row, col)`` lands on that cell however much the picture was shrunk.
"""

import numpy as np
import plotly.graph_objects as go

from pooling.analysis.sweep import format_value

from . import palette
from ._cells import cell_outlines
from ._traces import coloraxis, halo, outline, value_heatmap, with_overlays
from .image import image_figure, scaled_pixels
from .maps import block_mean, pixels_uri

__all__ = [
    "CLICK_SIDE", "DEEP_CELLS_TRACE", "PANEL_SIDE", "layer_image", "localisation_figure", "mark_field", "mark_path",
    "original_figure", "panel_sides", "pyramid_figure", "source_crop_figure",
]

PANEL_SIDE = 480  # a layer image is shrunk to at most this many pixels on its long side
CLICK_SIDE = 64  # the deepest layer gets click points on at most this many rows and columns
DEEP_CELLS_TRACE = "deep cells"
_MIN_PANEL = 0.12  # the smallest panel's share of the widest, so a 1 x 1 layer is still seen
_MARK_PX = 14


def _grey_png(values, value_range, max_side):
    """``values`` scaled from ``value_range`` to 0..255 grey and shrunk: a PNG data URI and the shrink factor."""
    lo, hi = (float(v) for v in value_range)
    shrunk, f = block_mean(np.asarray(values), max_side)
    return pixels_uri(scaled_pixels(np.asarray(shrunk, dtype=np.float64), lo, hi)), f


def _layer_image(values, value_range, max_side, name, axis=""):
    """One panel's image trace, as a plain dict on axes ``x{axis}``, ``y{axis}``."""
    source, f = _grey_png(values, value_range, max_side)
    offset = (f - 1) / 2
    hover = "row %{y}, col %{x}" if f == 1 else f"around row %{{y}}, col %{{x}} (shrunk {f}×)"
    return {"type": "image", "source": source, "x0": offset, "y0": offset, "dx": f, "dy": f, "name": name,
            "hovertemplate": hover + f"<extra>{name}</extra>", "xaxis": "x" + axis, "yaxis": "y" + axis}


def _index_dtype(top):
    """The narrowest unsigned type that holds ``0 .. top``: plotly sends a typed array in its own width."""
    return next(t for t in (np.uint8, np.uint16, np.uint32) if top <= np.iinfo(t).max)


def _click_points(values, axis=""):
    """Invisible markers on the deepest layer's cells (every ``step``-th on big layers), for clicks.

    Each point's ``customdata`` is ``[row, col]``: one typed array of a few
    bytes a cell, which plotly.js hands, a row per point, to the selection
    event (it reaches Python as ``{"0": row, "1": col}``, see
    ``widgets.clicked_cell``). Its value is its ``text``, written by
    :func:`pooling.analysis.sweep.format_value`. Plotly draws one of them
    (``maxdisplayed``): hovers and clicks find points from the data, not
    from what is drawn, and drawing 4,096 invisible squares cost Chromium
    half a second per redraw.
    """
    h, w = values.shape
    step = max(1, -(-max(h, w) // CLICK_SIDE))
    index = _index_dtype(max(h, w) - 1)
    rows, cols = np.meshgrid(np.arange(0, h, step, dtype=index), np.arange(0, w, step, dtype=index),
                             indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    return {
        "type": "scatter", "x": cols, "y": rows, "customdata": np.stack([rows, cols], 1),
        "text": _value_words(np.asarray(values)[rows, cols]), "mode": "markers", "name": DEEP_CELLS_TRACE,
        "marker": {"size": 12, "symbol": "square", "color": palette.ACCENT, "opacity": 0, "maxdisplayed": 1},
        "selected": {"marker": {"opacity": 0}}, "unselected": {"marker": {"opacity": 0}}, "showlegend": False,
        "hovertemplate": "deep cell (%{customdata[0]}, %{customdata[1]}) = %{text}<br>click to trace it<extra></extra>",
        "xaxis": "x" + axis, "yaxis": "y" + axis,
    }, step


def _value_words(values):
    """:func:`pooling.analysis.sweep.format_value` of each value, as an array of str; whole numbers without a call each."""
    if values.dtype.kind in "uif":
        as_float = values.astype(np.float64)  # as format_value reads each one
        if (np.isfinite(as_float) & (as_float == np.trunc(as_float)) & (np.abs(as_float) < 1e15)).all():
            return as_float.astype(np.int64).astype(str)
    return np.array([format_value(v) for v in values], dtype=str)


def _column_domains(shares, spacing):
    """``[start, end]`` of each column of one row of subplots, as ``make_subplots(column_widths=shares)`` has them."""
    total = float(sum(shares))
    widths = [(1.0 - spacing * (len(shares) - 1)) * (w / total) for w in shares]
    starts = [sum(widths[:c]) + c * spacing for c in range(len(shares))]
    return [[max(0.0, start), min(1.0, start + width)] for start, width in zip(starts, widths)]  # clamped as there


def _panel_axes(extent, axis, domain):
    """The x and y axes of one pyramid panel: square cells, row 0 at the top, no ticks (see ``square_axes``)."""
    top, bottom, left, right = extent
    common = {"constrain": "domain", "showgrid": False, "zeroline": False, "ticks": "", "showticklabels": False,
              "tickvals": []}
    if max(bottom - top, right - left) < 20:
        common["tickmode"] = "array"
    xaxis = {"anchor": "y" + axis, "domain": domain, "side": "top", "range": [left - 0.5, right + 0.5],
             "scaleanchor": "y" + axis, **common}
    yaxis = {"anchor": "x" + axis, "domain": [0.0, 1.0], "constraintoward": "middle",
             "range": [bottom + 0.5, top - 0.5], **common}
    return {"xaxis" + axis: xaxis, "yaxis" + axis: yaxis}


def panel_sides(shapes, max_side=PANEL_SIDE):
    """Pixels on the long side that each panel of :func:`pyramid_figure` is shrunk to at most.

    A panel with a share ``w`` of the figure's width gets ``2 * w * max_side``
    pixels, between 64 and ``max_side``: a narrow panel is drawn small, so
    its picture need not be sent any bigger.

    Parameters
    ----------
    shapes : sequence of (int, int)
        Each layer's shape, the input first.
    max_side : int, optional

    Returns
    -------
    list of int

    Examples
    --------
    >>> panel_sides([(512, 512), (256, 256), (128, 128)])
    [480, 274, 137]
    """
    widths = np.array([max(h, w) for h, w in shapes], dtype=np.float64)
    widths = np.maximum(widths, _MIN_PANEL * widths.max())
    shares = widths / widths.sum()
    return np.clip(2 * max_side * shares, 64, max_side).astype(int).tolist()


def pyramid_figure(layers, *, value_range, titles=None, max_side=PANEL_SIDE, height=380, images=None):
    """The input and each pooled layer side by side, shrinking like a pyramid laid on its side.

    Parameters
    ----------
    layers : sequence of (H, W) array_like
        The traced plane first, then the output of each layer in turn.
    value_range : (float, float)
        Shown from black to white on every panel, so equal values look alike.
    titles : sequence of str, optional
        One per panel; by default "input" and "round k", each with its size.
    max_side : int, optional
        The widest panel is shrunk by block means to at most this many
        pixels; a panel with a share ``w`` of the width to at most
        ``2 * w * max_side`` (but never below 64): see :func:`panel_sides`.
    height : int, optional
    images : dict, optional
        Image traces made before, by panel number: ``{0: layer_image(...)}``
        (see :func:`layer_image`), so a caller can keep the input's picture
        from one pyramid to the next. Made here for the other panels.

    Returns
    -------
    plotly.graph_objects.Figure
        Panel ``k`` (subplot column ``k + 1``) holds image trace ``"layer k"``
        in that layer's own rows and columns. The last trace,
        :data:`DEEP_CELLS_TRACE`, is an invisible click layer on the deepest
        panel with ``customdata = [row, col]``; on a layer more than
        :data:`CLICK_SIDE` cells a side it covers every ``step``-th cell, and
        ``fig.layout.meta["click_step"]`` says which.

    Notes
    -----
    Built as one plain dict, not through ``make_subplots`` and plotly's
    per-property validation, which took most of the figure's time; the
    layout is the one ``make_subplots`` gives.

    Examples
    --------
    >>> fig = pyramid_figure([np.zeros((8, 8)), np.zeros((4, 4))], value_range=(0, 1))
    >>> [t.name for t in fig.data], fig.layout.meta["click_step"]
    (['layer 0', 'layer 1', 'deep cells'], 1)
    """
    layers = [np.asarray(v) for v in layers]
    if not layers or any(v.ndim != 2 or v.size == 0 for v in layers):
        raise ValueError(f"layers must be non-empty 2-D arrays, got shapes {[np.shape(v) for v in layers]}")
    if titles is None:
        # Two short lines: a small deep layer's panel is narrow, and one long line would run into its neighbour's.
        titles = [f"{'input' if k == 0 else f'round {k}'}<br>{v.shape[0]} × {v.shape[1]}" for k, v in enumerate(layers)]
    if len(titles) != len(layers):
        raise ValueError(f"titles ({len(titles)}) must be one per layer ({len(layers)})")
    images = images or {}
    widths = np.array([max(v.shape[1], v.shape[0]) for v in layers], dtype=np.float64)
    widths = np.maximum(widths, _MIN_PANEL * widths.max())
    domains = _column_domains((widths / widths.sum()).tolist(), 0.02)
    sides = panel_sides([v.shape for v in layers], max_side)
    data, layout = [], {}
    for k, values in enumerate(layers):
        axis = "" if k == 0 else str(k + 1)
        data.append(images[k] if k in images else layer_image(values, value_range, sides[k], k))
        h, w = values.shape
        layout.update(_panel_axes((0, h - 1, 0, w - 1), axis, domains[k]))
    clicks, step = _click_points(layers[-1], "" if len(layers) == 1 else str(len(layers)))
    data.append(clicks)
    layout.update(
        annotations=[{"y": 1.0, "xref": "paper", "x": sum(domain) / 2.0, "yref": "paper", "text": title,
                      "showarrow": False, "font": {"size": 16}, "xanchor": "center", "yanchor": "bottom"}
                     for title, domain in zip(titles, domains)],
        height=height, showlegend=False, meta={"click_step": step}, hovermode="closest",
        font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        plot_bgcolor=palette.BACKGROUND, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def layer_image(values, value_range, max_side, k):
    """The image trace of panel ``k`` of :func:`pyramid_figure`: ``values`` as grey, shrunk to ``max_side``.

    Parameters
    ----------
    values : (H, W) array_like
    value_range : (float, float)
        Black and white.
    max_side : int
        From :func:`panel_sides`.
    k : int
        The panel: 0 for the input.

    Returns
    -------
    dict
        A plotly image trace named ``"layer k"``, on panel ``k``'s axes.

    Examples
    --------
    >>> trace = layer_image(np.zeros((8, 8)), (0, 1), 4, 1)
    >>> trace["name"], trace["dx"], trace["xaxis"]
    ('layer 1', 2, 'x2')
    """
    return _layer_image(values, value_range, max_side, f"layer {k}", "" if k == 0 else str(k + 1))


def mark_path(fig, path, field=None):
    """Light the traced cell on every panel of a :func:`pyramid_figure`, and the receptive field on the input.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        From :func:`pyramid_figure`; left as it was (see ``with_overlays``).
    path : sequence of TraceStep
        From :func:`pooling.analysis.stacking.trace_to_source`: one step per panel.
    field : (row_lo, row_hi, col_lo, col_hi), optional
        Inclusive, on the input (panel 0).

    Returns
    -------
    plotly.graph_objects.Figure
        With traces ``"path halo k"`` and ``"path k"`` (open squares of a
        fixed size, so they show on panels shrunk many times) and, with
        ``field``, a rectangle shape named ``"receptive field"``.

    Examples
    --------
    >>> from pooling.analysis.stacking import TraceStep
    >>> fig = pyramid_figure([np.zeros((4, 4)), np.zeros((2, 2))], value_range=(0, 1))
    >>> fig = mark_path(fig, [TraceStep(0, 3, 1, 0), TraceStep(1, 1, 0, 0)], field=(2, 3, 0, 1))
    >>> [(t.name, t.x[0], t.y[0]) for t in fig.data[3:]], fig.layout.shapes[0].name
    ([('path halo 0', 1, 3), ('path 0', 1, 3), ('path halo 1', 0, 1), ('path 1', 0, 1)], 'receptive field')
    """
    traces, shapes = [], []
    for step in path:
        axis = "" if step.layer == 0 else str(step.layer + 1)
        for name, colour, width in ((f"path halo {step.layer}", palette.HALO, palette.HALO_WIDTH),
                                    (f"path {step.layer}", palette.ACCENT, palette.CHOSEN_WIDTH - 1)):
            traces.append({
                "type": "scatter", "x": [step.col], "y": [step.row], "mode": "markers", "name": name,
                "showlegend": False, "hoverinfo": "skip", "xaxis": "x" + axis, "yaxis": "y" + axis,
                "marker": {"symbol": "square-open", "size": _MARK_PX, "color": colour, "line": {"width": width}},
            })
    if field is not None:
        r0, r1, c0, c1 = field
        shapes.append({"type": "rect", "x0": c0 - 0.5, "x1": c1 + 0.5, "y0": r0 - 0.5, "y1": r1 + 0.5,
                       "name": "receptive field", "xref": "x", "yref": "y",
                       "line": {"color": palette.ACCENT, "width": 2, "dash": palette.TIE_DASH}})
    return with_overlays(fig, traces, shapes)


def original_figure(image, *, value_range=(0, 255), max_side=PANEL_SIDE, title=None):
    """The original image, shrunk to send, on axes in its own rows and columns.

    Parameters
    ----------
    image : (C, H, W), (H, W, 3) or (H, W) array_like
        As :func:`figures.image.image_figure` takes it.
    value_range : (float, float), optional
    max_side : int, optional
        The image is shrunk by block means to at most this many pixels on its
        long side; the axes keep the original rows and columns either way, so
        :func:`mark_field` marks land on the right pixels.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One image trace.

    Examples
    --------
    >>> fig = original_figure(np.zeros((3, 1000, 600), np.uint8))
    >>> fig.data[0].dx, fig.data[0].x0
    (3, 1.0)
    """
    planes = np.asarray(image)
    if planes.ndim == 3 and planes.shape[0] not in (1, 3):
        planes = np.moveaxis(planes, -1, 0)  # (H, W, 3) -> planes, so the shrink works on the last two axes
    shrunk, f = block_mean(planes, max_side)
    fig = image_figure(shrunk, value_range=value_range, title=title)
    offset = (f - 1) / 2
    hover = "row %{y}, col %{x}" if f == 1 else f"around row %{{y}}, col %{{x}} (shrunk {f}×)"
    return fig.update_traces(x0=offset, y0=offset, dx=f, dy=f, hovertemplate=hover + "<extra></extra>")


def mark_field(fig, field, source):
    """Outline a receptive field and ring its source pixel on an :func:`original_figure`.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        Left as it was: the marks go on a copy.
    field : (row_lo, row_hi, col_lo, col_hi)
        Inclusive input rows and columns.
    source : (row, col)
        The input pixel the deep cell copies.

    Returns
    -------
    plotly.graph_objects.Figure
        With the field as shape ``"receptive field"`` and traces
        ``"source halo"`` and ``"source"`` (rings of a fixed size, so one
        pixel shows on a shrunk photo).

    Examples
    --------
    >>> fig = mark_field(original_figure(np.zeros((8, 8), np.uint8)), (0, 3, 4, 7), (2, 5))
    >>> fig.layout.shapes[0].x0, fig.layout.shapes[0].y1, [(t.name, t.x) for t in fig.data[1:]]
    (3.5, 3.5, [('source halo', (5,)), ('source', (5,))])
    """
    r0, r1, c0, c1 = field
    shape = {"type": "rect", "x0": c0 - 0.5, "x1": c1 + 0.5, "y0": r0 - 0.5, "y1": r1 + 0.5, "name": "receptive field",
             "line": {"color": palette.ACCENT, "width": 3}}
    row, col = source
    traces = [{"type": "scatter", "x": [col], "y": [row], "mode": "markers", "name": name, "showlegend": False,
               "hovertemplate": f"source pixel: row {row}, col {col}<extra></extra>",
               "marker": {"symbol": "circle-open", "size": _MARK_PX, "color": colour, "line": {"width": width}}}
              for name, colour, width in (("source halo", palette.HALO, palette.HALO_WIDTH),
                                          ("source", palette.ACCENT, palette.CHOSEN_WIDTH - 1))]
    return with_overlays(fig, traces, [shape])


def source_crop_figure(plane, row, col, *, radius=6, title=None):
    """The cells around one input pixel, numbers written in, the pixel outlined.

    Parameters
    ----------
    plane : (H, W) array_like
    row, col : int
        The pixel; it is lit with the accent outline.
    radius : int, optional
        Cells shown on each side (fewer at the image's edge).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 is the crop as a heatmap in the plane's own rows and columns;
        traces 1 and 2 are the halo and accent outline of the pixel.

    Examples
    --------
    >>> fig = source_crop_figure(np.arange(100).reshape(10, 10), 0, 9, radius=2)
    >>> fig.data[0].x.tolist(), fig.data[0].y.tolist(), float(fig.data[0].z[0, -1])
    ([7, 8, 9], [0, 1, 2], 9.0)
    """
    plane = np.asarray(plane)
    h, w = plane.shape
    top, bottom = max(0, row - radius), min(h, row + radius + 1)
    left, right = max(0, col - radius), min(w, col + radius + 1)
    crop = plane[top:bottom, left:right]
    w_ = palette.mark_sizes(300 / max(crop.shape))
    xy = cell_outlines([row], [col], inset=w_["inset"])
    traces = [value_heatmap(crop, name="crop", x0=left, y0=top,
                            hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>"),
              halo(xy, name="pixel halo", width=w_["halo"]),
              outline(xy, name="pixel", colour=palette.ACCENT, width=w_["chosen"])]
    lo, hi = float(crop.min()), float(crop.max())
    layout = {**_square_axes((top, bottom - 1, left, right - 1)), "showlegend": False,
              "coloraxis": go.layout.Coloraxis(coloraxis(lo, hi)).to_plotly_json(),  # the scale's name spelt out
              "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE}, "plot_bgcolor": palette.BACKGROUND,
              "margin": {"l": 30, "r": 10, "t": 70 if title else 40, "b": 10}}
    if title:
        layout["title"] = {"text": title}
    # The traces were checked as plotly built them; the figure round them is a plain dict, not checked again.
    return go.Figure({"data": [t.to_plotly_json() for t in traces], "layout": layout}, _validate=False)


def _square_axes(extent):
    """``xaxis`` and ``yaxis`` of a one-panel grid figure, as ``_traces.square_axes`` sets them."""
    top, bottom, left, right = extent
    common = {"constrain": "domain", "showgrid": False, "zeroline": False, "ticks": ""}
    xaxis = {"side": "top", "range": [left - 0.5, right + 0.5], "scaleanchor": "y", **common}
    yaxis = {"constraintoward": "top", "range": [bottom + 0.5, top - 0.5], **common}
    if max(bottom - top, right - left) < 20:
        xaxis.update(tickmode="array", tickvals=np.arange(left, right + 1))
        yaxis.update(tickmode="array", tickvals=np.arange(top, bottom + 1))
    return {"xaxis": xaxis, "yaxis": yaxis}


def localisation_figure(curves, *, yours=None, title=None):
    """Mean localisation error in input pixels against the number of rounds, one line per stride.

    Parameters
    ----------
    curves : dict
        ``{stride: DepthLocalisation}`` from
        :func:`pooling.analysis.stacking.localisation_by_stride`.
    yours : DepthLocalisation, optional
        The page's own stack, drawn as a dashed accent line.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One line trace per stride, named ``"stride s"``, then ``"your stack"``.

    Examples
    --------
    >>> from pooling.analysis.stacking import localisation_by_stride
    >>> curves = localisation_by_stride(np.arange(64).reshape(8, 8), [2, 4])
    >>> [(t.name, list(t.x)) for t in localisation_figure(curves).data]
    [('stride 2', [1, 2, 3]), ('stride 4', [1])]
    """
    colours = palette.VALUE_STOPS[1:-2:3] or palette.VALUE_STOPS  # dark to green: all readable on white
    hover = ("%{fullData.name}, %{x} round(s): mean error %{y:.2f} px<br>largest %{customdata[0]:.1f} px, "
             "grid step %{customdata[1]:g} px, field %{customdata[2]} px<extra></extra>")

    def line(loc, name, **style):
        custom = np.stack([loc.max_error, loc.grid_step[:, 0], loc.field_size[:, 0]], axis=1).tolist()
        return {"type": "scatter", "x": loc.depth.tolist(), "y": np.asarray(loc.mean_error), "customdata": custom,
                "name": name, "mode": "lines+markers", "hovertemplate": hover, **style}

    data = [line(loc, f"stride {stride}", line={"color": colours[n % len(colours)], "width": 2})
            for n, (stride, loc) in enumerate(sorted(curves.items()))]
    if yours is not None:
        data.append(line(yours, "your stack", line={"color": palette.ACCENT, "width": 3, "dash": "dash"},
                         marker={"symbol": "diamond", "size": 9}))
    layout = {
        "xaxis": {"title": {"text": "rounds of pooling"}, "tickmode": "array", "tickvals": [1, 2, 3, 4, 5],
                  "range": [0.7, 5.3]},
        "yaxis": {"title": {"text": "mean error (input pixels)"}, "rangemode": "tozero"},
        "height": 360, "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        "plot_bgcolor": palette.BACKGROUND, "paper_bgcolor": palette.BACKGROUND,
        "margin": {"l": 60, "r": 10, "t": 50 if title else 20, "b": 50}, "legend": {"orientation": "h", "y": -0.25},
    }
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": data, "layout": layout}, _validate=False)
