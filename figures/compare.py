"""Figures of the Max vs Average page: colour channels, colour-fringe cells, and the linked zoom."""

import numpy as np
import plotly.graph_objects as go

from pooling.analysis.compare import ZoomRegion, mode_difference
from pooling.analysis.ranges import centred_range
from pooling.analysis.sweep import format_value
from poolinglab.words.compare import difference_words

from . import palette
from ._cells import cell_outlines, cell_text
from ._traces import coloraxis, plot_z
from .image import _as_display_array, image_picture
from .maps import VALUE_COLORSCALE, block_mean, map_figure, pixels_uri

__all__ = ["CHANNEL_NAMES", "DISPLAY_SIDE", "ZOOM_TRACES", "channel_figure", "difference_figure", "difference_view",
           "fringe_picture", "zoom_figure"]

CHANNEL_NAMES = ("red", "green", "blue")
DISPLAY_SIDE = 480  # long side, in pixels, of pooled images as sent to the browser
ZOOM_TRACES = (
    "output", "output cells", "input crop", "source halo", "sources", "source points",
    "focus cell halo", "focus cell", "focus window halo", "focus window",
)


def channel_figure(values, *, value_range=(0, 255), max_side=DISPLAY_SIDE, names=CHANNEL_NAMES):
    """Each colour channel of a pooled image, side by side in grey, on one scale.

    Parameters
    ----------
    values : (C, H, W) array_like
        Pooled planes, such as max pooling's ``result.values`` of an RGB photo.
    value_range : (float, float), optional
        The value shown black and the value shown white, for every channel.
    max_side : int, optional
        Each channel is shrunk by block means to at most this many pixels on
        its long side before it is encoded.
    names : sequence of str, optional
        One title per channel.

    Returns
    -------
    plotly.graph_objects.Figure
        One image trace per channel, titled by ``names``.

    Examples
    --------
    >>> fig = channel_figure(np.zeros((3, 4, 6), np.uint8))
    >>> [t.type for t in fig.data], [a.text for a in fig.layout.annotations]
    (['image', 'image', 'image'], ['red', 'green', 'blue'])
    """
    a = np.asarray(values)
    if a.ndim != 3 or a.size == 0 or len(names) != a.shape[0]:
        raise ValueError(f"values must be (C, H, W) with one name per channel ({len(names)}), got shape {a.shape}")
    # The figure px.imshow(grey, facet_col=0, binary_string=True) makes, as one dict: px and its update_* calls
    # validated the figure over and over, several times the cost of the three PNGs.
    data, layout, annotations = [], {}, []
    spacing = 0.02
    width = (1 - spacing * (len(a) - 1)) / len(a)
    x0 = 0.0
    for n, (plane, name) in enumerate(zip(a, names)):
        suffix = str(n + 1) if n else ""
        data.append({"type": "image", "name": str(n), "source": pixels_uri(_as_display_array(
                         plane, _scale_for(plane, value_range), max_side)),
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "hovertemplate": "row %{y}, col %{x}<extra></extra>"})
        shared = {"matches": "x"} if n else {}
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [x0, x0 + width], **shared,
                                    "showticklabels": False, "ticks": ""}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [0.0, 1.0], **({"matches": "y"} if n else {}),
                                    "showticklabels": False, "ticks": ""}
        annotations.append({"showarrow": False, "text": name, "x": x0 + width / 2, "xanchor": "center",
                            "xref": "paper", "y": 1.0, "yanchor": "bottom", "yref": "paper"})
        x0 += width + spacing
    # Not validated: every value is in its validated form already (test_figures_compare holds it to that).
    return go.Figure({"data": data, "layout": {
        **layout, "annotations": annotations, "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE}}}, _validate=False)


def _scale_for(values, value_range):
    """``value_range``, or None where scaling would give the same pixels: uint8 values shown from 0 to 255."""
    if value_range is not None and np.asarray(values).dtype == np.uint8 and tuple(map(float, value_range)) == (0, 255):
        return None
    return value_range


def difference_figure(diff, *, first, second, n_planes=1):
    """The signed difference of two poolings as a map: red where the first is higher, blue where lower.

    Parameters
    ----------
    diff : (H, W) array_like
        :func:`pooling.analysis.compare.mode_difference`'s map (the planes' mean).
    first, second : str
        The two poolings' labels, for the title.
    n_planes : int, optional
        Planes the map averages; the title says so when there are several.

    Returns
    -------
    plotly.graph_objects.Figure
        :func:`.maps.map_figure` on :data:`palette.DIFF_SCALE`, centred on 0.

    Examples
    --------
    >>> fig = difference_figure(np.array([[1.0, -1.0]]), first="Max", second="Average", n_planes=3)
    >>> fig.layout.title.text
    'Max − Average (mean of the three colour planes)'
    """
    colours = {1: "", 3: " (mean of the three colour planes)"}.get(n_planes, f" (mean of the {n_planes} planes)")
    return map_figure(diff, title=f"{first} − {second}{colours}", colorscale=palette.DIFF_SCALE, zmid=0,
                      colorbar_title="difference")


def fringe_picture(values, mask, *, value_range=(0, 255), max_side=DISPLAY_SIDE):
    """The cells of an RGB max pooling whose channels came from different pixels, over the pooled image.

    The pooled image is drawn in faded grey so the marks stand out; each
    marked cell is painted in :data:`palette.ACCENT`. Where the image is
    shrunk for display, a pixel's share of accent is the share of marked
    cells it stands for.

    Parameters
    ----------
    values : (3, H, W) array_like
        The max-pooled planes.
    mask : (H, W) bool array_like
        The cells to mark: :func:`pooling.analysis.compare.new_colours` (Max
        vs Average's: colours no pixel of the window has), or
        :func:`~pooling.analysis.compare.channel_disagreement` of their indices.
    value_range : (float, float), optional
    max_side : int, optional

    Returns
    -------
    figures.image.Picture
        The marked image, drawn as it is (no axes to read: the marks are
        the point).

    Examples
    --------
    >>> v = np.full((3, 2, 2), 255, np.uint8)
    >>> picture = fringe_picture(v, np.array([[True, False], [False, False]]))
    >>> picture.uri[:23], (picture.height, picture.width)
    ('data:image/webp;base64,', (2, 2))
    """
    a, m = np.asarray(values), np.asarray(mask)
    if a.ndim != 3 or a.shape[0] != 3 or m.shape != a.shape[1:] or m.dtype != bool:
        raise ValueError(f"values must be (3, H, W) and mask an (H, W) bool array, got {a.shape} and {m.shape}")
    rgb = np.moveaxis(_as_display_array(a, _scale_for(a, value_range), max_side), -1, 0).astype(np.float32)
    share, _ = block_mean(m.astype(np.float32), max_side)
    share = share[: rgb.shape[1], : rgb.shape[2], None].astype(np.float32)
    grey = rgb.mean(axis=0)[..., None] * 0.5 + 96  # faded: the accent reads on any photo
    accent = np.array(palette.rgb(palette.ACCENT), np.float32)
    out = np.rint(grey * (1 - share) + accent * share).astype(np.uint8)
    return image_picture(out)


def difference_view(first, second, first_label, second_label, n_planes):
    """:func:`difference_figure` of ``first`` minus ``second`` (pooled values of one shape), and the words under it.

    Returns the figure and :func:`~poolinglab.words.compare.difference_words` of the difference.
    """
    diff, mean_abs = mode_difference(first, second)
    return (difference_figure(diff, first=first_label, second=second_label, n_planes=n_planes),
            difference_words(first_label, second_label, diff, mean_abs))


def _source_words(zoom):
    """Hover text of each zoomed output cell and of each source pixel, from the zoom's data."""
    h, w = zoom.values.shape
    ii, jj = np.divmod(np.arange(h * w), w)
    ii, jj = ii + zoom.top, jj + zoom.left
    values = [format_value(v) for v in zoom.values.ravel().tolist()]
    srcs = list(zip(zoom.source_rows.ravel().tolist(), zoom.source_cols.ravel().tolist()))
    cells = [f"output ({i}, {j}) = {v}<br>copied from input ({r}, {c})<br>click to outline its window"
             for i, j, v, (r, c) in zip(ii.tolist(), jj.tolist(), values, srcs)]
    # Overlapping windows can copy one pixel into several cells: one hover point per pixel, naming them all.
    by_pixel = {}
    for i, j, v, src in zip(ii.tolist(), jj.tolist(), values, srcs):
        by_pixel.setdefault(src, (v, []))[1].append(f"({i}, {j})")
    pixels = [f"input ({r}, {c}) = {v}<br>the max of output {', '.join(outs)}" for (r, c), (v, outs)
              in by_pixel.items()]
    return (ii, jj, cells), (np.array(list(by_pixel), dtype=np.int64).reshape(-1, 2), pixels)


def zoom_figure(zoom, *, focus=None, value_range=None, title=None):
    """A block of max-pooled cells beside the input pixels their windows cover, each source pixel lit.

    Both grids use their own row and column numbers (output cells on the
    left, input pixels on the right), and share one colour scale: a max copies
    its source pixel, so the two show the same colour. Hovering an output
    cell names its source pixel; hovering a lit pixel names the output cells
    it went to. Clicking an output cell (``focus``) outlines it and its window.

    Parameters
    ----------
    zoom : ZoomRegion
        From :func:`pooling.analysis.compare.zoom_region`.
    focus : (int, int), optional
        An output cell ``(row, col)`` in output coordinates; ignored when it
        lies outside the zoom.
    value_range : (float, float), optional
        The colour scale's ends; the crop's own range by default.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Traces named as in :data:`ZOOM_TRACES`, in that order. Trace 1
        ("output cells") is the click layer: one invisible marker per output
        cell with ``customdata = [row, col]``.

    Examples
    --------
    >>> import pooling
    >>> from pooling.analysis.compare import zoom_region
    >>> x = 10 * np.arange(4)[:, None] + np.arange(4)
    >>> zoom = zoom_region(pooling.pool2d(x, "max", 2), top=0, left=0, height=2, width=2)
    >>> fig = zoom_figure(zoom, focus=(1, 0))
    >>> fig.data[1].customdata[:2], fig.data[5].x.tolist()
    (([0, 0], [0, 1]), [1.0, 3.0, 1.0, 3.0])
    """
    if not isinstance(zoom, ZoomRegion):
        raise TypeError(f"zoom must be a ZoomRegion, not {type(zoom).__name__}")
    # Not validated: the spec holds plotly's own forms already (test_figures_compare holds it to the validated
    # figure), and validating it cost as much as building it. The zoom is rebuilt on every move of its controls.
    return go.Figure(_zoom_spec(zoom, focus, value_range, title), _validate=False)


def _zoom_spec(zoom, focus, value_range, title):
    """:func:`zoom_figure`'s figure as a plain ``{"data", "layout"}`` dict, in the forms plotly validates to."""
    (h, w), (ch, cw) = zoom.values.shape, zoom.crop.shape
    lo, hi = value_range if value_range is not None else centred_range(zoom.crop, zoom.values)
    (ii, jj, cell_words), (pixels, pixel_words) = _source_words(zoom)
    marks = palette.mark_sizes(350 / max(ch, cw))
    out_marks = palette.mark_sizes(350 / max(h, w))
    left, right = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}
    src = cell_outlines(zoom.source_rows, zoom.source_cols, inset=marks["inset"])
    cell, window = _focus_outlines(zoom, focus, out_marks["inset"], marks["inset"])
    # Plain dicts, the same traces _traces.value_heatmap, halo and outline build: make_subplots, add_trace and
    # the update_* calls validated the figure a dozen times (about 80 ms).
    data = [
        _value_heatmap(zoom.values, name="output", x0=zoom.left, y0=zoom.top, hoverinfo="skip", **left),
        {"type": "scatter", "x": jj.astype(np.float32), "y": ii.astype(np.float32),
         "customdata": np.stack([ii, jj], axis=1).tolist(), "mode": "markers", "name": "output cells",
         "showlegend": False, "text": cell_words,
         "marker": {"size": max(8, 300 // max(h, w)), "symbol": "square", "color": palette.ACCENT, "opacity": 0},
         "selected": {"marker": {"opacity": 0}}, "unselected": {"marker": {"opacity": 0}},
         "hovertemplate": "%{text}<extra></extra>", **left},
        _value_heatmap(zoom.crop, name="input crop", x0=zoom.crop_left, y0=zoom.crop_top,
                       hovertemplate="input (%{y}, %{x}) = %{z}<extra></extra>", **right),
        _line(src, "source halo", palette.HALO, marks["halo"], right),
        _line(src, "sources", palette.ACCENT, marks["chosen"], right),
        {"type": "scatter", "x": pixels[:, 1].astype(np.float32), "y": pixels[:, 0].astype(np.float32),
         "mode": "markers", "name": "source points", "showlegend": False, "text": pixel_words,
         "hovertemplate": "%{text}<extra></extra>",
         "marker": {"size": max(6, 300 // max(ch, cw)), "symbol": "square", "opacity": 0}, **right},
        _line(cell, "focus cell halo", palette.HALO, out_marks["halo"], left),
        _line(cell, "focus cell", palette.ACCENT, out_marks["chosen"], left),
        _line(window, "focus window halo", palette.HALO, marks["halo"], right),
        _line(window, "focus window", palette.WINDOW, marks["window"], right),
    ]
    # make_subplots(rows=1, cols=2, column_widths=[w, cw], horizontal_spacing=0.08)'s domains, with the same sums.
    spacing = 0.08
    widths = [(1.0 - spacing) * (n / float(w + cw)) for n in (w, cw)]
    domains = [[0.0, widths[0]], [widths[0] + spacing, min(1.0, widths[0] + spacing + widths[1])]]
    titles = [f"max, output rows {zoom.top}–{zoom.top + h - 1}, cols {zoom.left}–{zoom.left + w - 1}",
              f"input rows {zoom.crop_top}–{zoom.crop_top + ch - 1}, cols {zoom.crop_left}–{zoom.crop_left + cw - 1}"]
    layout = {
        **_square_axes("", domains[0], (zoom.top, zoom.top + h - 1, zoom.left, zoom.left + w - 1)),
        **_square_axes("2", domains[1], (zoom.crop_top, zoom.crop_top + ch - 1, zoom.crop_left,
                                         zoom.crop_left + cw - 1)),
        # Subplot titles above the tick labels, which may turn.
        "annotations": [{"font": {"size": palette.FONT_SIZE}, "showarrow": False, "text": text,
                         "x": sum(domain) / 2.0, "xanchor": "center", "xref": "paper", "y": 1.0,
                         "yanchor": "bottom", "yref": "paper", "yshift": 36} for text, domain in zip(titles, domains)],
        **({"title": {"text": title}} if title else {}),
        "coloraxis": {**coloraxis(lo, hi, showscale=False), "colorscale": VALUE_COLORSCALE},
        "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE}, "showlegend": False,
        "plot_bgcolor": palette.BACKGROUND, "paper_bgcolor": palette.BACKGROUND,
        "margin": {"l": 30, "r": 20, "t": 110 if title else 80, "b": 20}, "clickmode": "event+select",
    }
    return {"data": data, "layout": layout}


def _value_heatmap(values, *, name, x0, y0, hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>", **kwargs):
    """:func:`._traces.value_heatmap` as a plain dict: values written in their cells on a small grid."""
    h, w = values.shape
    trace = {"type": "heatmap", "z": plot_z(values), "x": np.arange(x0, x0 + w), "y": np.arange(y0, y0 + h),
             "name": name, "coloraxis": "coloraxis", "xgap": 1, "ygap": 1, "hovertemplate": hovertemplate, **kwargs}
    if max(h, w) <= palette.MAX_TEXT_CELLS:
        trace.update(text=cell_text(values), texttemplate="%{text}",
                     textfont={"size": palette.cell_font_size(max(h, w))})
    return trace


def _line(xy, name, colour, width, axes):
    """:func:`._traces.outline` (and :func:`._traces.halo`) as a plain dict on the given axes."""
    return {"type": "scatter", "x": xy[0], "y": xy[1], "mode": "lines", "name": name, "hoverinfo": "skip",
            "showlegend": False, "line": {"color": colour, "width": width, "dash": "solid"}, **axes}


def _square_axes(suffix, domain, extent):
    """:func:`._traces.square_axes` of subplot ``suffix`` ("" or "2") as layout entries, with the domain."""
    top, bottom, left, right = extent
    common = {"constrain": "domain", "showgrid": False, "zeroline": False, "ticks": ""}
    xaxis = {"anchor": f"y{suffix}", "domain": domain, "side": "top", "range": [left - 0.5, right + 0.5],
             "scaleanchor": f"y{suffix}", **common}
    yaxis = {"anchor": f"x{suffix}", "domain": [0.0, 1.0], "constraintoward": "top",
             "range": [bottom + 0.5, top - 0.5], **common}
    if max(bottom - top, right - left) < 20:
        xaxis.update(tickmode="array", tickvals=np.arange(left, right + 1))
        yaxis.update(tickmode="array", tickvals=np.arange(top, bottom + 1))
    return {f"xaxis{suffix}": xaxis, f"yaxis{suffix}": yaxis}


def _focus_outlines(zoom, focus, cell_inset, tap_inset):
    """Outlines of the focused output cell and of its window's in-bounds taps; empty without a focus."""
    h, w = zoom.values.shape
    if focus is None or not (zoom.top <= focus[0] < zoom.top + h and zoom.left <= focus[1] < zoom.left + w):
        empty = np.empty(0, np.float32)
        return (empty, empty), (empty, empty)
    rows, cols = zoom.window_taps(*focus)
    return cell_outlines([focus[0]], [focus[1]], inset=cell_inset), cell_outlines(rows, cols, inset=tap_inset)
