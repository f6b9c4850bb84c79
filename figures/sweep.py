"""The animated window sweep: plotly frames move the window and fill the output in the browser."""

import textwrap

import numpy as np
import plotly.graph_objects as go

from pooling.analysis.sweep import Sweep, format_value

from . import palette
from ._cells import (
    cell_outlines,
    cell_text,
    grid_axes,
    object_arrays_to_lists,
    padded_extent,
    panel_row,
    ring_cells,
    typed_array,
    value_range,
)
from ._traces import coloraxis, halo, outline, padding_traces, plot_z, value_heatmap
from .controls import animation_controls

__all__ = ["OUTPUT_CELLS_TRACE", "TRACE_NAMES", "sweep_figure"]

TRACE_NAMES = (
    "input", "padding", "padding hatch", "output background",  # static
    "window halo", "window", "ties", "chosen", "window taps",  # animated, on the input
    "output", "output cell halo", "output cell", "source",  # animated, on the output
    "output cells",  # static click layer
)
ANIMATED_TRACES = tuple(range(4, 13))
OUTPUT_CELLS_TRACE = TRACE_NAMES.index("output cells")
_ON_OUTPUT = {"output background", "output", "output cell halo", "output cell", "source", "output cells"}
_LABEL_ROOM = 0.9  # cells of room under the output grid for the source label


def _check(sweep, plane, frame_ms, focus_step):
    if not isinstance(sweep, Sweep):
        raise TypeError(f"sweep must be a Sweep from pooling.sweep_steps, not {type(sweep).__name__}")
    plane = np.asarray(plane)
    if plane.ndim != 2:
        raise ValueError(f"plane must be the 2-D (H, W) input that was pooled, got shape {plane.shape}")
    inb = sweep.in_bounds
    if sweep.rows[inb].max() >= plane.shape[0] or sweep.cols[inb].max() >= plane.shape[1]:
        raise ValueError(f"plane {plane.shape} is smaller than the input the sweep's windows lie on")
    if not frame_ms > 0:
        raise ValueError(f"frame_ms ({frame_ms}) must be positive")
    if focus_step is not None and not 0 <= focus_step < len(sweep):
        raise ValueError(f"focus_step ({focus_step}) must be in [0, {len(sweep)})")
    return plane


def _tap_words(sweep, plane):
    """Hover text of every tap of every step: its cell, value, weight and role."""
    h, w = plane.shape
    vals = plane[np.clip(sweep.rows, 0, h - 1), np.clip(sweep.cols, 0, w - 1)]
    words = np.empty(sweep.rows.shape, dtype=object)
    for idx in np.ndindex(words.shape):
        r, c = int(sweep.rows[idx]), int(sweep.cols[idx])
        text = f"({r}, {c}) = {format_value(vals[idx])}" if sweep.in_bounds[idx] else (
            f"padding ({r}, {c}) = {palette.pad_label(sweep.pad_value)}")
        if sweep.weights is not None:
            text += f", weight {sweep.weights[idx]:.3g}"
        elif sweep.chosen[idx]:
            text += ", chosen"
        elif sweep.ties[idx]:
            # Max and min keep the first of equal values; stochastic training draws among them at random.
            text += (", same value, not drawn" if sweep.mode == "stochastic"
                     else ", tie (loses: not first in row-major order)")
        words[idx] = text
    return words


def _source_words(sweep):
    n_weighted = sweep.chosen.sum(axis=1)
    return [f"from input {sweep.source(n)}" if sweep.weights is None else f"from {n_weighted[n]} weighted cells"
            for n in range(len(sweep))]


def _step_data(sweep, n, taps, sources, output, inset, encode=np.asarray):
    """The changing part of the animated traces at step ``n``, in ``ANIMATED_TRACES`` order.

    ``encode`` turns each numeric array into what the figure holds: arrays for
    the figure's own traces, :func:`typed_array` specs for frames.
    """
    member = sweep.member[n]
    rows, cols = sweep.rows[n], sweep.cols[n]
    window = [encode(a) for a in cell_outlines(rows[member], cols[member], inset=inset)]
    i, j = int(sweep.out_rows[n]), int(sweep.out_cols[n])
    out_cell = [encode(a) for a in cell_outlines([i], [j], inset=inset)]
    ties = [encode(a) for a in cell_outlines(rows[sweep.ties[n]], cols[sweep.ties[n]], inset=inset)]
    chosen = [encode(a) for a in cell_outlines(rows[sweep.chosen[n]], cols[sweep.chosen[n]], inset=inset)]
    return [
        {"type": "scatter", "x": window[0], "y": window[1]},
        {"type": "scatter", "x": window[0], "y": window[1]},
        {"type": "scatter", "x": ties[0], "y": ties[1]},
        {"type": "scatter", "x": chosen[0], "y": chosen[1]},
        {"type": "scatter", "x": encode(cols[member].astype(np.float32)), "y": encode(rows[member].astype(np.float32)),
         "hovertext": taps[n][member].tolist()},
        {"type": "heatmap", "z": encode(plot_z(output)), "text": cell_text(output).tolist()},
        {"type": "scatter", "x": out_cell[0], "y": out_cell[1]},
        {"type": "scatter", "x": out_cell[0], "y": out_cell[1]},
        {"type": "scatter", "text": [f"output ({i}, {j}) = {format_value(sweep.values[n])}, {sources[n]}"]},
    ]


_CHROME_PX = 210  # title, subplot titles, tick labels and controls: the height that holds no cells


def _cells_tall(sweep, extent):
    top, bottom, left, right = extent
    oh, ow = sweep.output_shape
    return max(bottom - top + 1, right - left + 1, oh + _LABEL_ROOM, ow)


def _mark_sizes(sweep, extent, height):
    # Cell size in pixels, roughly: the plot area's height over the most cells along any side.
    return palette.mark_sizes((height - _CHROME_PX) / _cells_tall(sweep, extent))


def _styled_traces(sweep, plane, extent, w):
    """All traces in ``TRACE_NAMES`` order, styled, with empty data where it animates."""
    oh, ow = sweep.output_shape
    label = palette.pad_label(sweep.pad_value)
    empty = (np.empty(0, np.float32), np.empty(0, np.float32))
    input_ = value_heatmap(plane, name="input", hovertemplate="input (%{y}, %{x}) = %{z}<extra></extra>")
    # Mixed pooling's max half never picks padding (-inf) while its average half counts zeros.
    acts_as = "-inf in the max, 0 in the average" if sweep.mode == "mixed" else None
    pad_cells, pad_hatch = padding_traces(*ring_cells(extent, plane.shape), label, acts_as=acts_as)
    taps = go.Scatter(mode="markers", name="window taps", marker={"size": 18, "opacity": 0, "symbol": "square"},
                      hovertemplate="%{hovertext}<extra></extra>", showlegend=False)
    # The click layer above answers hovers on the output; the heatmap stays silent.
    out = value_heatmap(np.full((oh, ow), np.nan, np.float32), name="output", hoverinfo="skip")
    out.update(hovertemplate=None, textfont={"size": palette.cell_font_size(max(oh, ow, *plane.shape))})
    src = go.Scatter(mode="text", name="source", textposition="middle right",
                     x=np.array([-0.5], np.float32), y=np.array([oh - 0.5 + _LABEL_ROOM / 2], np.float32),
                     textfont={"size": palette.FONT_SIZE, "color": palette.TEXT}, cliponaxis=False,
                     hoverinfo="skip", showlegend=False)
    ii, jj = np.divmod(np.arange(oh * ow), ow)
    values = np.full(oh * ow, np.nan)
    values[sweep.out_rows * ow + sweep.out_cols] = sweep.values
    srcs = np.empty(oh * ow, dtype=object)
    srcs[sweep.out_rows * ow + sweep.out_cols] = _source_words(sweep)
    # customdata goes as a list, not a typed array: plotly.js hands typed-array rows to the
    # selection event, and they serialise as {"0": i, "1": j} on their way to Streamlit.
    clicks = go.Scatter(
        x=jj.astype(np.float32), y=ii.astype(np.float32), customdata=np.stack([ii, jj], axis=1).tolist(),
        mode="markers", name="output cells", showlegend=False,
        marker={"size": 22, "symbol": "square", "color": palette.ACCENT, "opacity": 0},
        selected={"marker": {"opacity": 0}}, unselected={"marker": {"opacity": 0}},
        text=[f"{format_value(v)}, {s}" for v, s in zip(values, srcs)],
        hovertemplate="output (%{customdata[0]}, %{customdata[1]}) = %{text}<br>click to light its window"
                      "<extra></extra>",
    )
    background = go.Heatmap(z=np.zeros((oh, ow), np.uint8), showscale=False, xgap=1, ygap=1,
                            colorscale=[[0, palette.EMPTY_CELL], [1, palette.EMPTY_CELL]],
                            name="output background", hoverinfo="skip")
    return [
        input_, pad_cells, pad_hatch, background,
        halo(empty, name="window halo", width=w["halo"]),
        outline(empty, name="window", colour=palette.WINDOW, width=w["window"]),
        outline(empty, name="ties", colour=palette.ACCENT, width=w["tie"], dash=palette.TIE_DASH),
        outline(empty, name="chosen", colour=palette.ACCENT, width=w["chosen"]),
        taps, out, halo(empty, name="output cell halo", width=w["halo"]),
        outline(empty, name="output cell", colour=palette.ACCENT, width=w["chosen"]),
        src, clicks,
    ]


def _title(text):
    return {"text": "<br>".join(textwrap.wrap(text, 95)), "font": {"size": palette.TITLE_FONT_SIZE},
            "x": 0.02, "xanchor": "left", "y": 0.97, "yanchor": "top"}


def sweep_figure(sweep, plane, *, frame_ms=700, focus_step=None, height=None):
    """The window sweep as a plotly animation: the window moves, the output fills.

    Left, the input with its padding ring (grey, hatched, labelled with the
    pad value), the window's taps outlined one by one (so dilation shows as
    gaps), the chosen cell in a thick vermillion outline and ties in a dashed
    one; for weighting modes every tap with non-zero weight is lit and the
    hover shows the weights. Right, the output filling cell by cell, the new
    cell outlined and its source written under the grid. The title carries
    :meth:`pooling.Sweep.describe` of the step.

    Parameters
    ----------
    sweep : Sweep
        From :func:`pooling.sweep_steps`.
    plane : (H, W) array_like
        The input plane the sweep pooled (``result.input[channel]``).
    frame_ms : float, optional
        Milliseconds per step at 1x speed; the speed buttons halve or double it.
    focus_step : int, optional
        Build a still figure (no frames, no controls) lighting this step's
        window and source, with the whole output shown: for after a click.
    height : int, optional
        Figure height in pixels; by default it grows with the grid, from
        520 px to 820 px, so cells stay about 30 px tall.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces are named as in ``TRACE_NAMES``. Trace ``OUTPUT_CELLS_TRACE``
        (13, the last) is the click layer: one square marker per output cell,
        at opacity 0 (hover, click and selection still work), with
        ``customdata = [row, col]`` as a plain list, so
        ``st.plotly_chart(on_select="rerun", selection_mode="points")``
        reports the clicked output cell as ``[row, col]``. Frames update only the traces in
        ``ANIMATED_TRACES`` (4-12) and the title.

    Notes
    -----
    The JSON grows with the number of steps times the output size (the
    output heatmap travels in every frame): about 1 MB for a 16x16 input
    with a 2x2 window at stride 1 (225 steps).

    Examples
    --------
    >>> import pooling
    >>> x = np.arange(16).reshape(4, 4)
    >>> s = pooling.sweep_steps(pooling.pool2d(x, "max", 2))
    >>> fig = sweep_figure(s, x)
    >>> len(fig.frames), fig.layout.sliders[0].steps[-1].label
    (4, '4')
    >>> fig.data[OUTPUT_CELLS_TRACE].customdata
    ([0, 0], [0, 1], [1, 0], [1, 1])
    """
    plane = _check(sweep, plane, frame_ms, focus_step)
    extent = padded_extent(sweep, plane.shape)
    oh, ow = sweep.output_shape
    if height is None:
        height = int(min(820, max(520, _CHROME_PX + 30 * _cells_tall(sweep, extent))))
    sizes = _mark_sizes(sweep, extent, height)
    traces = [object_arrays_to_lists(trace.to_plotly_json()) for trace in _styled_traces(sweep, plane, extent, sizes)]
    for name, trace in zip(TRACE_NAMES, traces):
        trace["xaxis"], trace["yaxis"] = ("x2", "y2") if name in _ON_OUTPUT else ("x", "y")
    taps, sources = _tap_words(sweep, plane), _source_words(sweep)

    def step_data(n, output_step, encode=np.asarray):
        return _step_data(sweep, n, taps, sources, sweep.output_so_far(output_step), sizes["inset"], encode)

    step = 0 if focus_step is None else focus_step
    # A still figure shows the whole output; an animation starts from its first step.
    for k, data in zip(ANIMATED_TRACES, step_data(step, step if focus_step is None else len(sweep) - 1)):
        traces[k].update(data)
    layout = panel_row([extent[3] - extent[2] + 1, max(ow, 0.45 * (extent[3] - extent[2] + 1))],
                       [f"input {plane.shape[0]}×{plane.shape[1]}", f"output {oh}×{ow}"], spacing=0.06,
                       title_font_size=palette.FONT_SIZE, title_shift=22)  # titles clear the tick labels on top
    for axes in (grid_axes(extent), grid_axes((0, oh - 1, 0, ow - 1), panel=2, below=_LABEL_ROOM)):
        for name, axis in axes.items():
            layout[name] = {**layout[name], **axis}
    layout.update(
        title=_title(sweep.describe(step)), coloraxis=coloraxis(*value_range(plane, sweep.values)),
        height=height, showlegend=False, hovermode="closest",
        font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        plot_bgcolor=palette.BACKGROUND, paper_bgcolor=palette.BACKGROUND,
        margin={"l": 30, "r": 20, "t": 100, "b": 20 if focus_step is not None else 110},
    )
    frames = []
    if focus_step is None:
        # Plain dicts with typed arrays: the figure validates each frame once, and cheaply.
        frames = [{"name": str(n), "traces": list(ANIMATED_TRACES), "layout": {"title": _title(sweep.describe(n))},
                   "data": step_data(n, n, typed_array)} for n in range(len(sweep))]
        layout.update(animation_controls([f["name"] for f in frames], frame_ms))
    return go.Figure({"data": traces, "layout": layout, "frames": frames})
