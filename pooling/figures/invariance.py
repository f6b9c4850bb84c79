"""Figures of the shift test: the share of outputs unchanged per shift, and one shift's difference map."""


import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import palette
from .image import scaled_pixels
from .maps import block_mean, color_map, colorbar_trace, pixels_uri

__all__ = ["LINE_STYLES", "shift_chart", "shift_row_figure"]

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
        One line per label, from :func:`pooling.invariance.aligned_shift_invariance`,
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
    >>> from pooling.invariance import ShiftReport
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
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for n, (label, rep) in enumerate(reports.items()):
        colour, dash = _style(label, n, accent)
        x = np.asarray(rep.shifts)[:, axis].tolist()
        line = {"color": colour, "dash": dash, "width": 3}
        fig.add_trace(go.Scatter(
            x=x, y=(100 * np.asarray(rep.unchanged)).tolist(), name=label, legendgroup=label, mode="lines+markers",
            line=line, hovertemplate=f"{label}<br>{name} = %{{x}}: %{{y:.1f}}% unchanged<extra></extra>"), row=1, col=1)
        fig.add_trace(go.Scatter(
            x=x, y=np.asarray(rep.mean_abs_change).tolist(), name=label, legendgroup=label, mode="lines+markers",
            line=line, showlegend=False,
            hovertemplate=f"{label}<br>{name} = %{{x}}: mean change %{{y:.3g}}<extra></extra>"), row=2, col=1)
    xs = sorted({int(v) for rep in reports.values() for v in np.asarray(rep.shifts)[:, axis]})
    for whole in (v for v in xs if v % stride == 0):
        fig.add_vline(x=whole, line={"color": palette.EMPTY_EDGE, "width": 1})
    if current is not None:
        fig.add_vline(x=current, line={"color": palette.TEXT, "width": 2, "dash": "dot"})
        fig.add_annotation(x=current, y=1.0, yref="paper", text=f"{name} = {current}", showarrow=False,
                           yanchor="bottom")
    fig.update_yaxes(title_text="% unchanged", range=[-3, 103], row=1, col=1)
    fig.update_yaxes(title_text="mean |change|", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text=f"shift {name} (pixels)", tickmode="array", tickvals=xs, row=2, col=1)
    fig.update_layout(title=title, height=520, plot_bgcolor=palette.BACKGROUND, hovermode="x unified",
                      font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
                      legend={"orientation": "h", "y": -0.18}, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    fig.update_xaxes(showgrid=False)
    return fig


def _photo_pixels(planes, lo, hi):
    a = scaled_pixels(np.moveaxis(np.asarray(planes, dtype=np.float64), 0, -1), lo, hi)
    return a[..., 0] if a.shape[-1] == 1 else a


def shift_row_figure(comparison, *, value_range, span=None, max_side=256,
                     titles=("Before", "After the shift", "After − before, aligned")):
    """One shift in three panels: the pooled image before, after, and their aligned signed difference.

    One figure, not three, because each plotly figure costs tens of
    milliseconds to build and the row is redrawn on every slider move. The
    images are compressed images (shrunk by block means to at most ``max_side`` pixels on
    the long side); the difference is averaged over the planes and coloured
    blue (down) to red (up), white for no change, empty where not compared.

    Parameters
    ----------
    comparison : ShiftComparison
        From :func:`pooling.invariance.compare_shift`.
    value_range : (float, float)
        Black and white of the two pooled images, shared by every mode.
    span : float, optional
        The difference colours run from ``-span`` to ``span``; the largest
        change by default.
    max_side : int, optional
    titles : three str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Two image traces, the difference image and an invisible point that
        carries the difference's colour bar; panel titles are annotations.

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.invariance import compare_shift
    >>> x = np.zeros((8, 8)); x[2, 3] = 1.0
    >>> fig = shift_row_figure(compare_shift(x, (0, 1), "max", kernel_size=2), value_range=(0, 1))
    >>> [t.type for t in fig.data], fig.data[3].marker.cmin, fig.data[3].marker.cmax
    (['image', 'image', 'image', 'scatter'], -1.0, 1.0)
    """
    lo, hi = (float(v) for v in value_range)
    diff = np.asarray(comparison.difference, dtype=np.float64)
    plane = diff.mean(axis=0)  # the compared cells are the same in every plane
    finite = plane[np.isfinite(plane)]
    if span is None:
        span = float(np.abs(finite).max()) if finite.size else 1.0
    span = float(span) or 1.0
    before, f = block_mean(comparison.before, max_side)
    after, _ = block_mean(comparison.after, max_side)
    shrunk_diff, _ = block_mean(plane, max_side)
    panels = (_photo_pixels(before, lo, hi), _photo_pixels(after, lo, hi),
              color_map(shrunk_diff, -span, span, palette.DIFF_SCALE))
    offset = (f - 1) / 2
    hover = "row %{y}, col %{x}<extra></extra>" if f == 1 else f"around row %{{y}}, col %{{x}} ({f} × {f})<extra></extra>"
    fig = go.Figure()
    for n, pixels in enumerate(panels, start=1):
        fig.add_trace(go.Image(source=pixels_uri(pixels), x0=offset, y0=offset, dx=f, dy=f, xaxis=f"x{n}",
                               yaxis=f"y{n}", hovertemplate=hover))
    fig.add_trace(colorbar_trace(-span, span, palette.DIFF_SCALE, {"title": {"text": "change"}, "thickness": 12},
                                 at=offset, xaxis="x3", yaxis="y3"))
    axes = {}
    for n, (left, right) in enumerate(((0.0, 0.3), (0.33, 0.63), (0.66, 0.96)), start=1):
        suffix = "" if n == 1 else str(n)
        axes[f"xaxis{suffix}"] = {"domain": [left, right], "visible": False, "constrain": "domain"}
        axes[f"yaxis{suffix}"] = {"autorange": "reversed", "scaleanchor": f"x{suffix}", "visible": False,
                                  "constrain": "domain"}
    fig.update_layout(
        **axes, height=300, plot_bgcolor=palette.BACKGROUND, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        annotations=[{"text": t, "x": (a + b) / 2, "y": 1.0, "xref": "paper", "yref": "paper", "showarrow": False,
                      "yanchor": "bottom"} for t, (a, b) in zip(titles, ((0.0, 0.3), (0.33, 0.63), (0.66, 0.96)))])
    return fig
