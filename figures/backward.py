"""The backward pass on a small grid: upstream gradient in, input gradient out, one panel per mode.

Gradients are signed, so they are drawn on the diverging scale
(:data:`palette.DIFF_SCALE`, white at 0) over a range symmetric about 0;
input values keep viridis. Every panel writes its numbers in the cells.
The builders only draw what the core returned (:func:`pooling.pool_backward`,
:func:`pooling.backward.gradient_sources`); they compute no pooling.
"""

import numpy as np
import plotly.graph_objects as go

from . import palette
from ._cells import cell_outlines, grid_axes, panel_row, value_range
from ._traces import halo, outline, value_heatmap

__all__ = ["cell_labels", "cell_px", "fan_in_figure", "routing_figure", "upstream_figure"]

_HEIGHT = 380  # px
_WIDTH = 1100  # px: about what a wide Streamlit page gives a chart; cells, marks and numbers are sized for it
_MIN_TEXT_CELL = 18  # px: smaller cells get no numbers written in (hover still reads them)


def _grids(name, grids):
    grids = [np.asarray(g) for g in grids]
    if not grids:
        raise ValueError(f"{name} must hold at least one grid")
    for g in grids:
        if g.ndim != 2 or g.size == 0:
            raise ValueError(f"{name} must hold non-empty 2-D (H, W) grids, got shape {g.shape}")
    return grids


def _titles(titles, n):
    titles = list(titles)
    if len(titles) != n:
        raise ValueError(f"titles has {len(titles)} entries; it needs one per grid ({n})")
    return titles


def _symmetric(*arrays):
    """A colour range centred on 0 that holds every finite value; ``(-1, 1)`` when all are 0."""
    finite = [np.abs(a[np.isfinite(a)]) for a in (np.asarray(a, dtype=np.float64) for a in arrays)]
    half = max((float(f.max()) for f in finite if f.size), default=0.0)
    return (-half, half) if half > 0 else (-1.0, 1.0)


def _axis(scale, lo, hi, *, x, title, showscale=True):
    return {"colorscale": scale, "cmin": lo, "cmax": hi, "showscale": showscale,
            "colorbar": {"thickness": 12, "len": 0.8, "x": x, "title": {"text": title}}}


def _figure(grids, titles, traces, *, height=_HEIGHT, title=None, **layout):
    """One figure of the ``grids`` side by side, built as one dict and validated once.

    ``traces`` holds, per panel, its traces (plain dicts); each is put on its
    panel's axes. The grids are laid out as ``make_subplots`` would, with
    square cells and row 0 at the top.
    """
    data = []
    for col, panel in enumerate(traces, start=1):
        axes = {"xaxis": f"x{col}" if col > 1 else "x", "yaxis": f"y{col}" if col > 1 else "y"}
        data += [{**trace, **axes} for trace in panel]
    spec = panel_row([g.shape[1] for g in grids], titles, spacing=0.1 / max(1, len(grids) - 1) + 0.04,
                     title_font_size=palette.FONT_SIZE, title_shift=22)  # titles clear the tick labels on top
    for col, g in enumerate(grids, start=1):
        for name, axis in grid_axes((0, g.shape[0] - 1, 0, g.shape[1] - 1), panel=col).items():
            spec[name] = {**spec[name], **axis}
    spec.update(
        height=height, font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        plot_bgcolor=palette.BACKGROUND, paper_bgcolor=palette.BACKGROUND, showlegend=False,
        margin={"l": 30, "r": 20, "t": 90, "b": 20}, **layout,
    )
    if title:
        spec["title"] = {"text": title}
    return go.Figure({"data": data, "layout": spec})


def cell_px(shape, n_panels, height=_HEIGHT):
    """About how many pixels wide a cell is when ``n_panels`` grids of ``shape`` share one figure.

    Examples
    --------
    >>> cell_px((6, 6), 3), cell_px((16, 16), 4)
    (45.0, 13.4)
    """
    return round(min((height - 110) / shape[0], (_WIDTH / n_panels - 60) / shape[1]), 1)


def cell_labels(values):
    """Each value as text for a cell: whole numbers plain, others to 3 significant digits, never "-0".

    Examples
    --------
    >>> cell_labels(np.array([[16.0, 0.44444], [-0.0, -1 / 9]])).tolist()
    [['16', '0.444'], ['0', '-0.111']]
    """
    flat = np.asarray(values, dtype=np.float64).ravel().tolist()
    text = [str(int(v)) if abs(v) < 1e15 and v == int(v) else f"{v:.3g}" for v in flat]  # nan and inf fail the first
    return np.array(text, dtype=object).reshape(np.shape(values))


def _heatmap(values, n_panels, *, name, hovertemplate, height=_HEIGHT, **kwargs):
    """A value heatmap (a dict) whose numbers are sized for its cells, or left out where cells are too small."""
    trace = value_heatmap(values, name=name, text=False, hovertemplate=hovertemplate, **kwargs).to_plotly_json()
    px = cell_px(values.shape, n_panels, height)
    if px >= _MIN_TEXT_CELL:
        labels = cell_labels(values)
        longest = max(3, max(len(t) for t in labels.ravel()))  # a character is about 0.6 of the font size, plus a margin
        size = min(palette.cell_font_size(max(values.shape)), max(8, int(px * 1.4 / longest)))
        trace.update(text=labels, texttemplate="%{text}", textfont={"size": size})
    return trace


def _marks(mask, shape, n_panels, *, colour=palette.ACCENT, dash="solid"):
    """Halo and outline (dicts) around the ``mask`` cells of a panel: always two traces, maybe empty."""
    rows, cols = np.nonzero(np.zeros(shape, bool) if mask is None else np.asarray(mask, bool))
    w = palette.mark_sizes(cell_px(shape, n_panels))
    xy = cell_outlines(rows, cols, inset=w["inset"])
    return [halo(xy, name="halo", width=w["halo"]).to_plotly_json(),
            outline(xy, name="mark", colour=colour, width=w["chosen"], dash=dash).to_plotly_json()]


def upstream_figure(values, grad_output, *, titles=("input", "upstream gradient"), title=None):
    """The input grid beside the gradient that arrives at the pooling's output.

    Parameters
    ----------
    values : (H, W) array_like
        The pooled input, on the value scale.
    grad_output : (out_h, out_w) array_like
        The upstream gradient, one number per output cell, on the signed scale.
    titles : (str, str), optional
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 the input (``coloraxis``), trace 1 the gradient (``coloraxis2``).

    Examples
    --------
    >>> fig = upstream_figure(np.arange(4).reshape(2, 2), [[-2.0]])
    >>> fig.data[1].text.tolist(), fig.layout.coloraxis2.cmin
    ([['-2']], -2.0)
    """
    values, grad = _grids("values and grad_output", [values, grad_output])
    titles = _titles(titles, 2)
    traces = [[_heatmap(values, 2, name="input", height=320,
                        hovertemplate="row %{y}, col %{x}: %{z:.4g}<extra></extra>")],
              [{**_heatmap(grad, 2, name="upstream gradient", height=320,
                           hovertemplate="output row %{y}, col %{x}: gradient %{z:.4g}<extra></extra>"),
                "coloraxis": "coloraxis2"}]]
    lo, hi = _symmetric(grad)
    return _figure([values, grad], titles, traces, height=320, title=title,
                   coloraxis=_axis(palette.VALUE_SCALE, *value_range(values), x=0.45, title="value"),
                   coloraxis2=_axis(palette.DIFF_SCALE, lo, hi, x=1.02, title="gradient"))


def routing_figure(values, grads, *, titles, chosen=None, title=None):
    """Where each mode sends the gradient: one input-gradient grid per mode, side by side.

    All panels share one signed colour range, so equal gradients look
    equal across modes.

    Parameters
    ----------
    values : (H, W) array_like
        The pooled input, shown on hover beside each gradient.
    grads : sequence of (H, W) array_like
        The input gradient of each mode (:func:`pooling.pool_backward`).
    titles : sequence of str
        One per panel.
    chosen : sequence of (H, W) bool array_like or None, optional
        Per panel, the cells to light with the accent outline (the switches
        of max pooling, the sampled cells of stochastic pooling); None for
        none.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Three traces per panel: the heatmap, then the halo and the accent
        outline of its chosen cells (empty when it has none).

    Examples
    --------
    >>> g = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> fig = routing_figure(np.eye(2), [g, np.full((2, 2), 0.25)], titles=["max", "avg"], chosen=[g > 0, None])
    >>> len(fig.data), fig.data[3].text.tolist()
    (6, [['0.25', '0.25'], ['0.25', '0.25']])
    """
    values = _grids("values", [values])[0]
    grads = _grids("grads", grads)
    titles = _titles(titles, len(grads))
    chosen = [None] * len(grads) if chosen is None else list(chosen)
    if len(chosen) != len(grads):
        raise ValueError(f"chosen has {len(chosen)} entries; it needs one per grid ({len(grads)})")
    for g in grads:
        if g.shape != values.shape:
            raise ValueError(f"each gradient must have the input's shape {values.shape}, got {g.shape}")
    traces = [[_heatmap(g, len(grads), name=titles[col], customdata=values.astype(np.float64),
                        hovertemplate="row %{y}, col %{x}: input %{customdata:.4g}, gradient %{z:.4g}<extra></extra>"),
               *_marks(mask, g.shape, len(grads))] for col, (g, mask) in enumerate(zip(grads, chosen))]
    return _figure(grads, titles, traces, title=title,
                   coloraxis=_axis(palette.DIFF_SCALE, *_symmetric(*grads), x=1.02, title="gradient"))


def fan_in_figure(counts, *, titles, title=None):
    """How many outputs send gradient to each input cell, per mode; cells reached by several lit.

    Parameters
    ----------
    counts : sequence of (H, W) int array_like
        :func:`pooling.backward.gradient_sources` of each mode.
    titles : sequence of str
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Three traces per panel: the heatmap, then the halo and the accent
        outline of the cells with a count of 2 or more.

    Examples
    --------
    >>> fig = fan_in_figure([np.array([[1, 2, 1]])], titles=["avg"])
    >>> fig.data[0].text.tolist(), int(np.isfinite(fig.data[2].x).sum())
    ([['1', '2', '1']], 5)
    """
    counts = _grids("counts", counts)
    titles = _titles(titles, len(counts))
    traces = [[_heatmap(c, len(counts), name=titles[col],
                        hovertemplate="row %{y}, col %{x}: gradient from %{z} output(s)<extra></extra>"),
               *_marks(c >= 2, c.shape, len(counts))] for col, c in enumerate(counts)]
    top = max(2, int(max(c.max() for c in counts)))
    return _figure(counts, titles, traces, title=title,
                   coloraxis=_axis(palette.VALUE_SCALE, 0, top, x=1.02, title="outputs"))
