"""Trace and axis builders that the grid and sweep figures share."""

import numpy as np
import plotly.graph_objects as go

from . import palette
from ._cells import cell_text, hatch_strokes

__all__ = ["value_heatmap", "padding_traces", "outline", "halo", "square_axes", "coloraxis", "plot_z"]


def plot_z(values):
    """``values`` as the compact array plotly gets: uint8 stays, everything else float32."""
    values = np.asarray(values)
    return values if values.dtype == np.uint8 else values.astype(np.float32)


def value_heatmap(values, *, name, text=True, x0=0, y0=0, hovertemplate=None, **kwargs):
    """A heatmap on the shared value colour axis, with each value written in its cell.

    ``text`` writes values only where the grid is at most
    :data:`palette.MAX_TEXT_CELLS` on each side.
    """
    values = np.asarray(values)
    h, w = values.shape
    show_text = text and max(h, w) <= palette.MAX_TEXT_CELLS
    if hovertemplate is None:
        hovertemplate = "row %{y}, col %{x}: %{z}<extra></extra>"
    trace = go.Heatmap(
        z=plot_z(values), x=np.arange(x0, x0 + w), y=np.arange(y0, y0 + h), name=name,
        coloraxis="coloraxis", xgap=1, ygap=1, hovertemplate=hovertemplate, **kwargs,
    )
    if show_text:
        trace.update(text=cell_text(values), texttemplate="%{text}",
                     textfont={"size": palette.cell_font_size(max(h, w))})
    return trace


def padding_traces(rows, cols, label, *, acts_as=None):
    """Grey padding cells with ``label`` written in, and their hatching: two traces.

    Drawn as a heatmap on its own fixed grey scale (never the value scale),
    plus short diagonal strokes; an empty ``rows`` gives two empty traces, so
    trace numbers do not depend on whether there is padding.
    """
    rows, cols = np.asarray(rows), np.asarray(cols)
    if rows.size:
        top, left = rows.min(), cols.min()
        z = np.full((rows.max() - top + 1, cols.max() - left + 1), np.nan, dtype=np.float32)
        z[rows - top, cols - left] = 1.0
        x, y = np.arange(left, cols.max() + 1), np.arange(top, rows.max() + 1)
        text = np.where(np.isnan(z), "", label).astype(object)
    else:
        z, x, y, text = np.empty((0, 0), np.float32), np.empty(0), np.empty(0), np.empty((0, 0), object)
    size = palette.cell_font_size(max(z.shape, default=1))
    cells = go.Heatmap(
        z=z, x=x, y=y, text=text, texttemplate="%{text}", textfont={"size": size, "color": palette.PAD_TEXT},
        colorscale=[[0, palette.PAD_FILL], [1, palette.PAD_FILL]], showscale=False, xgap=1, ygap=1, hoverongaps=False,
        name="padding", hovertemplate=f"padding, row %{{y}}, col %{{x}}: acts as {acts_as or label}<extra></extra>",
    )
    hx, hy = hatch_strokes(rows, cols)
    strokes = go.Scatter(x=hx, y=hy, mode="lines", name="padding hatch", hoverinfo="skip",
                         line={"color": palette.PAD_HATCH, "width": 1}, showlegend=False)
    return cells, strokes


def outline(xy, *, name, colour, width, dash="solid"):
    """Closed outlines as one line trace; ``xy`` from :func:`~figures._cells.cell_outlines`."""
    x, y = xy
    return go.Scatter(x=x, y=y, mode="lines", name=name, hoverinfo="skip", showlegend=False,
                      line={"color": colour, "width": width, "dash": dash})


def halo(xy, *, name="halo", width=palette.HALO_WIDTH):
    """The black line drawn under marks so they show on any cell colour."""
    return outline(xy, name=name, colour=palette.HALO, width=width)


def coloraxis(lo, hi, *, showscale=False):
    """The layout ``coloraxis`` all value heatmaps share, so equal values share a colour."""
    return {"colorscale": palette.VALUE_SCALE, "cmin": lo, "cmax": hi, "showscale": showscale,
            "colorbar": {"thickness": 12, "len": 0.8}}


def square_axes(fig, extent, *, row=None, col=None, below=0.0):
    """Square cells and row 0 at the top on one subplot (or the only one).

    ``extent = (top, bottom, left, right)`` are the first and last row and
    column drawn; ``below`` adds room (in cells) under the grid for a label.

    The y range is set reversed, ``[bottom + 0.5, top - 0.5]``, rather than
    ``autorange="reversed"``: with cells squared by ``scaleanchor``, plotly
    grows an autoranged axis past the grid (a blank band round it), while a
    fixed range makes it shrink the domain instead. Fixed ranges also keep
    the grid still while animation frames change traces.
    """
    top, bottom, left, right = extent
    if row is None:  # a figure without subplots
        xname, yname, anchor = "xaxis", "yaxis", "y"
    else:  # make_subplots named the axes; scaleanchor needs the partner's short name ("y2")
        subplot = fig.get_subplot(row, col)
        xname, yname, anchor = subplot.xaxis.plotly_name, subplot.yaxis.plotly_name, subplot.xaxis.anchor or "y"
    common = {"constrain": "domain", "showgrid": False, "zeroline": False, "ticks": ""}
    xaxis = {"side": "top", "range": [left - 0.5, right + 0.5], "scaleanchor": anchor, **common}
    yaxis = {"constraintoward": "top", "range": [bottom + 0.5 + below, top - 0.5], **common}
    if max(bottom - top, right - left) < 20:
        xaxis.update(tickmode="array", tickvals=np.arange(left, right + 1))
        yaxis.update(tickmode="array", tickvals=np.arange(top, bottom + 1))
    # Grids sit at the top of their subplot, under its title, whatever their aspect. One update validates
    # once; update_xaxes and update_yaxes with select_xaxes cost several times more.
    fig.update_layout({xname: xaxis, yname: yaxis})
    return fig


def with_overlays(fig, traces=(), shapes=()):
    """A copy of ``fig`` with ``traces`` and ``shapes`` (plain dicts) drawn on top; ``fig`` is left as it was.

    Cached figures are shared by every session, so marks that change with a
    click go on a copy. The copy is made from the figure's dict and is not
    validated again (the figure was validated when it was built, and the
    marks are plain plotly dicts), so it costs about a millisecond instead
    of a rebuild. A trace on the k-th subplot names its axes, e.g.
    ``{"xaxis": "x2", "yaxis": "y2"}``.

    Examples
    --------
    >>> fig = go.Figure(go.Scatter(x=[0], y=[0]))
    >>> marked = with_overlays(fig, [{"type": "scatter", "x": [1], "y": [1], "name": "mark"}])
    >>> len(fig.data), [t.name for t in marked.data]
    (1, [None, 'mark'])
    """
    spec = dict(fig.to_dict())  # new outer dicts: a shared figure may hand out the same dict every time
    spec["data"] = [*spec.get("data", ()), *traces]
    spec["layout"] = {**spec.get("layout", {}), "shapes": [*spec.get("layout", {}).get("shapes", ()), *shapes]}
    return go.Figure(spec, _validate=False)
