"""Figures of the shift test: the share of outputs unchanged per shift, and one shift's difference map."""

import copy
import functools
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from . import palette
from .image import photo_pixels
from .maps import block_mean, colorbar_trace, pixels_uri, scale_uri

__all__ = ["LINE_STYLES", "PANELS", "before_figure", "shift_chart", "shift_row_figure", "shift_row_view"]

PANELS = ("before", "after", "difference")  # the panels of shift_row_figure, left to right
_ROW_SPACING = 0.08  # between the two rows of shift_chart

# One colour and one dash per line, so lines differ in shape as well as colour.
LINE_STYLES = tuple(zip((palette.VALUE_STOPS[i] for i in (0, 2, 4, 6, 7, 1, 3)),
                        ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")))
ACCENT_LABEL_STYLE = (palette.ACCENT, "solid")


def _style(label, n, accent):
    return ACCENT_LABEL_STYLE if label == accent else LINE_STYLES[n % len(LINE_STYLES)]


def shift_chart(reports, *, axis=1, stride=2, current=None, accent=None, title=None):
    """Share of outputs unchanged (top) and mean change (bottom) against the shift along one axis.

    Parameters
    ----------
    reports : dict of str to ShiftReport
        One line per label, from :func:`pooling.analysis.invariance.aligned_shift_invariance`,
        all over the same shifts.
    axis : {0, 1}, optional
        The shift component on the x axis: 0 for ``dy``, 1 for ``dx``.
    stride : int, optional
        Shifts by whole strides get a faint vertical line.
    current : int, optional
        The shift shown elsewhere on the page, marked by a vertical line.
    accent : str, optional
        The label drawn in the accent colour (anti-aliased max).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Two rows sharing the x axis; per label a trace in each row, the
        legend shown once.

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.analysis.invariance import ShiftReport
    >>> rep = ShiftReport(np.array([[0, 0], [0, 1]]), np.array([1.0, 0.5]), np.array([0.0, 2.0]))
    >>> fig = shift_chart({"Max": rep})
    >>> list(fig.data[0].x), list(fig.data[0].y), list(fig.data[1].y)
    ([0, 1], [100.0, 50.0], [0.0, 2.0])
    """
    if axis not in (0, 1):
        raise ValueError(f"axis ({axis!r}) must be 0 (dy) or 1 (dx)")
    if not reports:
        raise ValueError("reports must hold at least one ShiftReport")
    name = ("dy", "dx")[axis]
    data = []
    for n, (label, rep) in enumerate(reports.items()):
        colour, dash = _style(label, n, accent)
        x = np.asarray(rep.shifts)[:, axis].tolist()
        line = {"color": colour, "dash": dash, "width": 3}
        data.append({"type": "scatter", "x": x, "y": (100 * np.asarray(rep.unchanged)).tolist(), "name": label,
                     "legendgroup": label, "mode": "lines+markers", "line": line, "xaxis": "x", "yaxis": "y",
                     "hovertemplate": f"{label}<br>{name} = %{{x}}: %{{y:.1f}}% unchanged<extra></extra>"})
        data.append({"type": "scatter", "x": x, "y": np.asarray(rep.mean_abs_change).tolist(), "name": label,
                     "legendgroup": label, "mode": "lines+markers", "line": line, "showlegend": False,
                     "xaxis": "x2", "yaxis": "y2",
                     "hovertemplate": f"{label}<br>{name} = %{{x}}: mean change %{{y:.3g}}<extra></extra>"})
    xs = sorted({int(v) for rep in reports.values() for v in np.asarray(rep.shifts)[:, axis]})
    # Vertical lines in both rows, as add_vline draws them: whole strides faint, the shift shown dotted.
    marks = [(whole, {"color": palette.EMPTY_EDGE, "width": 1}) for whole in xs if whole % stride == 0]
    if current is not None:
        marks.append((current, {"color": palette.TEXT, "width": 2, "dash": "dot"}))
    shapes = [{"type": "line", "x0": x, "x1": x, "xref": xref, "y0": 0, "y1": 1, "yref": f"{yref} domain", "line": line}
              for x, line in marks for xref, yref in (("x", "y"), ("x2", "y2"))]
    annotations = [] if current is None else [{"x": current, "y": 1.0, "yref": "paper", "text": f"{name} = {current}",
                                               "showarrow": False, "yanchor": "bottom"}]
    # The rows of make_subplots(rows=2, shared_xaxes=True, vertical_spacing=0.08).
    height = (1.0 - _ROW_SPACING) / 2
    layout = {
        "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False, "showgrid": False},
        "yaxis": {"anchor": "x", "domain": [height + _ROW_SPACING, min(1.0, 2 * height + _ROW_SPACING)],
                  "title": {"text": "% unchanged"}, "range": [-3, 103]},
        "xaxis2": {"anchor": "y2", "domain": [0.0, 1.0], "title": {"text": f"shift {name} (pixels)"},
                   "tickmode": "array", "tickvals": xs, "showgrid": False},
        "yaxis2": {"anchor": "x2", "domain": [0.0, height], "title": {"text": "mean |change|"}, "rangemode": "tozero"},
        "shapes": shapes, "annotations": annotations, "height": 520, "plot_bgcolor": palette.BACKGROUND,
        "hovermode": "x unified", "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        "legend": {"orientation": "h", "y": -0.18}, "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    }
    if title is not None:
        layout["title"] = {"text": title}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


@functools.lru_cache(maxsize=64)
def _colorbar(span, at, suffix):
    """The difference panel's colour bar trace as a dict: plotly builds and validates it in about a millisecond."""
    return colorbar_trace(-span, span, palette.DIFF_SCALE, {"title": {"text": "change"}, "thickness": 12}, at=at,
                          xaxis=f"x{suffix}", yaxis=f"y{suffix}").to_plotly_json()


@dataclass(frozen=True)
class _Unshifted:
    before: np.ndarray  # all that shift_row_figure reads for its before panel


def before_figure(before, *, value_range, max_side=256, title="Before"):
    """The before panel of :func:`shift_row_figure` alone, from the pooled image: no shift needed to draw it.

    Parameters
    ----------
    before : (C, h, w) array_like
        The pooled input (a :class:`pooling.analysis.invariance.ShiftTest`'s, or a
        comparison's ``before``).
    value_range : (float, float)
    max_side : int, optional
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        ``shift_row_figure(comparison, panels=("before",))``, the same figure.

    Examples
    --------
    >>> fig = before_figure(np.zeros((1, 4, 4)), value_range=(0, 1))
    >>> [t.type for t in fig.data], fig.layout.annotations[0].text
    (['image'], 'Before')
    """
    return shift_row_figure(_Unshifted(before), value_range=value_range, max_side=max_side,
                            titles=(title, "", ""), panels=("before",))


def shift_row_figure(comparison, *, value_range, span=None, max_side=256,
                     titles=("Before", "After the shift", "After − before, aligned"), panels=PANELS):
    """One shift in three panels: the pooled image before, after, and their aligned signed difference.

    One figure, not three, because each plotly figure costs tens of
    milliseconds to build and the row is redrawn on every slider move. The
    images are compressed images (shrunk by block means to at most ``max_side`` pixels on
    the long side); the difference is averaged over the planes and coloured
    blue (down) to red (up), white for no change, empty where not compared.

    Parameters
    ----------
    comparison : ShiftComparison
        From :func:`pooling.analysis.invariance.compare_shift`.
    value_range : (float, float)
        Black and white of the two pooled images, shared by every mode.
    span : float, optional
        The difference colours run from ``-span`` to ``span``; the largest
        change by default.
    max_side : int, optional
    titles : three str, optional
        Of the before, after and difference panels.
    panels : sequence of {"before", "after", "difference"}, optional
        The panels drawn, in this order. Each panel keeps the share of the
        width it has among three, so a page can draw the before panel
        (which does not change with the shift) as a figure of its own beside
        the other two, in columns of widths 1 and 2, and send it only once.

    Returns
    -------
    plotly.graph_objects.Figure
        An image trace per panel, then, with the difference, an invisible
        point that carries its colour bar; panel titles are annotations.

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.analysis.invariance import compare_shift
    >>> x = np.zeros((8, 8)); x[2, 3] = 1.0
    >>> fig = shift_row_figure(compare_shift(x, (0, 1), "max", kernel_size=2), value_range=(0, 1))
    >>> [t.type for t in fig.data], fig.data[3].marker.cmin, fig.data[3].marker.cmax
    (['image', 'image', 'image', 'scatter'], -1.0, 1.0)
    """
    panels = tuple(panels)
    if not panels or not set(panels) <= set(PANELS) or len(set(panels)) != len(panels):
        raise ValueError(f"panels ({panels!r}) must name some of {PANELS}, each once")
    lo, hi = (float(v) for v in value_range)
    named = dict(zip(PANELS, titles))
    data, layout, annotations = [], {}, []
    # Three panels fill (0, 0.3), (0.33, 0.63), (0.66, 0.96); fewer keep that width and gap, shares of a third each.
    step = round(0.99 / len(panels), 6)
    for n, panel in enumerate(panels, start=1):
        if panel == "difference":
            diff = np.asarray(comparison.difference, dtype=np.float64)
            plane = diff.mean(axis=0)  # the compared cells are the same in every plane
            if span is None:
                finite = plane[np.isfinite(plane)]
                span = float(np.abs(finite).max()) if finite.size else 1.0
            span = float(span) or 1.0
            shrunk, f = block_mean(plane, max_side)
            source = scale_uri(shrunk, -span, span, palette.DIFF_SCALE)
        else:
            shrunk, f = block_mean(comparison.before if panel == "before" else comparison.after, max_side)
            source = pixels_uri(photo_pixels(shrunk, lo, hi))
        offset = (f - 1) / 2
        hover = ("row %{y}, col %{x}<extra></extra>" if f == 1
                 else f"around row %{{y}}, col %{{x}} ({f} × {f})<extra></extra>")
        suffix = "" if n == 1 else str(n)
        data.append({"type": "image", "source": source, "x0": offset, "y0": offset, "dx": f, "dy": f,
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "hovertemplate": hover})
        if panel == "difference":
            data.append(copy.deepcopy(_colorbar(float(span), float(offset), suffix)))
        left = round((n - 1) * step, 6)
        right = round(left + step * 10 / 11, 6)
        layout[f"xaxis{suffix}"] = {"domain": [left, right], "visible": False, "constrain": "domain"}
        layout[f"yaxis{suffix}"] = {"autorange": "reversed", "scaleanchor": f"x{suffix}", "visible": False,
                                    "constrain": "domain"}
        # Centred on the panel's own axis, which plotly narrows to keep cells square: not on its share of the paper.
        annotations.append({"text": named[panel], "x": 0.5, "y": 1.0, "xref": f"x{suffix} domain", "yref": "paper",
                            "showarrow": False, "yanchor": "bottom"})
    layout.update(height=300, plot_bgcolor=palette.BACKGROUND, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                  font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE}, annotations=annotations)
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def shift_row_view(test, shift, *, value_range, span, max_side=256):
    """What one mode's row shows right of its before panel at ``shift``, and its numbers.

    ``test`` is a :class:`pooling.analysis.invariance.ShiftTest`; the before panel does not move with the shift and
    is a figure of its own (:func:`before_figure`). Returns the after and difference panels
    (:func:`shift_row_figure`), the share unchanged, the mean change, the number of values compared (cells times
    planes) and the whole-cell offset the output was moved back by.
    """
    rep = test.compare(shift)
    fig = shift_row_figure(rep, value_range=value_range, span=span, max_side=max_side, panels=("after", "difference"))
    return fig, rep.unchanged, rep.mean_abs_change, int(rep.compared.sum()) * rep.before.shape[0], rep.offset
