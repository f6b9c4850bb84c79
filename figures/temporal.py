"""Pooling over time: a token-by-feature matrix, each feature's winning token lit, and the pooled vectors.

Features have different units (a count of letters, a hashed number in
``[-1, 1]``), so each column is coloured from its own lowest (dark) to its
highest (bright) value; the numbers written in the cells are the raw ones.
The pooled rows under the matrix share their column's colouring, so the max
row is always bright and the average sits between.

Tokens are user text: plotly renders a few HTML tags in tick labels and hover
text, so ``<``, ``>`` and ``&`` are escaped before they reach the figure.
"""

import html

import numpy as np
import plotly.graph_objects as go

from . import palette
from ._cells import cell_outlines
from ._traces import halo, outline
from .backward import cell_labels

__all__ = ["escape_label", "over_time_figure", "scale_columns"]

_ROW_PX = 26  # height of one token's row
_POOLED_PX = 34  # height of a pooled row
_GAP_PX = 62  # room between blocks for a subplot title
_LABEL_CHARS = 18


def escape_label(text, max_chars=_LABEL_CHARS):
    """``text`` made safe for a plotly label: HTML-escaped and shortened to ``max_chars``.

    Examples
    --------
    >>> escape_label("<b>bold</b> & more", 12)
    '&lt;b&gt;bold&lt;/b&gt;…'
    """
    text = str(text)
    if len(text) > max_chars:
        text = text[:max_chars - 1] + "…"
    return html.escape(text, quote=False)


def scale_columns(features, *rows):
    """``features`` and ``rows`` scaled per column to ``[0, 1]`` by the column's range in ``features``.

    A column whose values are all equal maps to 0.5.

    Examples
    --------
    >>> f = np.array([[1.0, 5.0], [3.0, 5.0]])
    >>> [a.tolist() for a in scale_columns(f, np.array([[2.0, 5.0]]))]
    [[[0.0, 0.5], [1.0, 0.5]], [[0.5, 0.5]]]
    """
    features = np.asarray(features, dtype=np.float64)
    lo, hi = features.min(axis=0), features.max(axis=0)
    flat = hi <= lo
    span = np.where(flat, 1.0, hi - lo)
    return [np.where(flat, 0.5, (np.asarray(r, dtype=np.float64) - lo) / span) for r in (features, *rows)]


def _check(features, tokens, names, max_over_time, winners, avg_over_time):
    if features.ndim != 2 or features.size == 0:
        raise ValueError(f"features must be a non-empty (T, F) array, got shape {features.shape}")
    t, f = features.shape
    if len(tokens) != t:
        raise ValueError(f"tokens has {len(tokens)} entries; features has {t} rows")
    if len(names) != f:
        raise ValueError(f"names has {len(names)} entries; features has {f} columns")
    for name, row in (("max_over_time", max_over_time), ("winners", winners), ("avg_over_time", avg_over_time)):
        if row.shape != (f,):
            raise ValueError(f"{name} must have shape ({f},) (one per feature), got {row.shape}")
    if winners.min() < 0 or winners.max() >= t:
        raise ValueError(f"winners must be token numbers from 0 to {t - 1}, got {winners.tolist()}")


def over_time_figure(features, *, tokens, names, max_over_time, winners, avg_over_time, title=None):
    """Tokens by features, the max-over-time winner of each feature lit, and the max and average rows.

    Parameters
    ----------
    features : (T, F) array_like
        One row per token.
    tokens : sequence of str
        The T tokens, as typed (escaped here).
    names : sequence of str
        The F feature names.
    max_over_time, avg_over_time : (F,) or (1, F) array_like
        The pooled vectors (:func:`pooling.pool_over_time`'s values).
    winners : (F,) or (1, F) int array_like
        The token that won each feature's max (its ``steps``).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: 0 the matrix, 1-2 the winners' halo and accent outline,
        3 the max row, 4 the average row; all on one ``[0, 1]`` colour axis.

    Examples
    --------
    >>> f = np.array([[3.0, 0.0], [5.0, 1.0]])
    >>> fig = over_time_figure(f, tokens=["the", "<b>"], names=["length", "capitals"],
    ...                        max_over_time=[5.0, 1.0], winners=[1, 1], avg_over_time=[4.0, 0.5])
    >>> fig.data[3].text.tolist(), list(fig.layout.yaxis.ticktext)
    ([['5', '1']], ['0 the', '1 &lt;b&gt;'])
    """
    features = np.asarray(features, dtype=np.float64)
    maxed, avg = (np.asarray(a, dtype=np.float64).reshape(-1) for a in (max_over_time, avg_over_time))
    winners = np.asarray(winners).reshape(-1).astype(np.int64)
    tokens, names = [str(t) for t in tokens], [str(n) for n in names]
    _check(features, tokens, names, maxed, winners, avg)
    t, f = features.shape
    z, z_max, z_avg = scale_columns(features, maxed[None], avg[None])
    heights = [t * _ROW_PX, _POOLED_PX, _POOLED_PX]
    total = sum(heights) + 2 * _GAP_PX
    labels = [escape_label(tok) for tok in tokens]
    cell = np.empty((t, f, 3), dtype=object)
    cell[..., 0] = np.array(labels, dtype=object)[:, None]
    cell[..., 1] = np.array(names, dtype=object)[None, :]
    cell[..., 2] = cell_labels(features)
    xy = cell_outlines(winners, np.arange(f), inset=0.06)
    won_by = np.array([[f"{n} = {v}, won by token {w} ({labels[w]})" for n, v, w
                        in zip(names, cell_labels(maxed).tolist(), winners.tolist())]], dtype=object)
    mean_of = np.array([[f"{n} = {v}" for n, v in zip(names, cell_labels(avg).tolist())]], dtype=object)
    on = [{"xaxis": f"x{r}" if r > 1 else "x", "yaxis": f"y{r}" if r > 1 else "y"} for r in (1, 2, 3)]
    data = [
        {**_row_heatmap(z, features, name="features", customdata=cell, text=t <= 64,
                        hovertemplate="token %{y}, %{customdata[0]}: %{customdata[1]} = %{customdata[2]}"
                                      "<extra></extra>"), **on[0]},
        {**halo(xy, name="winner halo", width=4).to_plotly_json(), **on[0]},
        {**outline(xy, name="winners", colour=palette.ACCENT, width=palette.CHOSEN_WIDTH - 1).to_plotly_json(), **on[0]},
        {**_row_heatmap(z_max, maxed[None], name="max over time", customdata=won_by,
                        hovertemplate="max over time of %{customdata}<extra></extra>"), **on[1]},
        {**_row_heatmap(z_avg, avg[None], name="average over time", customdata=mean_of,
                        hovertemplate="average over time of %{customdata}<extra></extra>"), **on[2]},
    ]
    layout = _stacked_rows(heights, _GAP_PX / total, ["each token's features",
                                                      "max over time (one number per feature)", "average over time"])
    layout["annotations"][0]["yshift"] = 62  # above the feature names on top of the matrix
    _axes(layout, t, f, labels, names)
    layout.update(
        height=total + 150, title={"text": title} if title else {}, showlegend=False,
        font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        plot_bgcolor=palette.BACKGROUND, paper_bgcolor=palette.BACKGROUND,
        margin={"l": 150, "r": 30, "t": 130, "b": 20},
        coloraxis={"colorscale": palette.VALUE_SCALE, "cmin": 0, "cmax": 1, "colorbar": {
            "thickness": 12, "len": 0.5, "y": 0.97, "yanchor": "top", "tickvals": [0, 1],
            "ticktext": ["lowest", "highest"], "title": {"text": "within its feature"}}},
    )
    return go.Figure({"data": data, "layout": layout})


def _stacked_rows(heights, spacing, titles):
    """Axes and titles of one column of subplots, the first on top, as ``make_subplots(rows=n, cols=1)`` lays them out.

    The same arithmetic as make_subplots (heights scaled to the room left by
    the gaps, counted from the bottom), so the domains are the same floats.
    """
    n = len(heights)
    total = float(sum(heights))
    spans = [(1.0 - spacing * (n - 1)) * (h / total) for h in heights][::-1]  # bottom row first
    layout, annotations = {}, []
    for r, text in enumerate(titles):  # r = 0 is the top row
        up = n - 1 - r  # rows below this one
        start = sum(spans[:up]) + up * spacing
        suffix = str(r + 1) if r else ""
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [0.0, 1.0]}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [start, start + spans[up]]}
        annotations.append({"font": {"size": palette.FONT_SIZE}, "showarrow": False, "text": text, "x": 0.5,
                            "xanchor": "center", "xref": "paper", "y": start + spans[up], "yanchor": "bottom",
                            "yref": "paper", "yshift": 8})
    layout["annotations"] = annotations
    return layout


def _row_heatmap(z, raw, *, name, customdata, hovertemplate, text=True):
    h, w = z.shape
    trace = {"type": "heatmap", "z": z.astype(np.float32), "x": np.arange(w), "y": np.arange(h), "name": name,
             "coloraxis": "coloraxis", "xgap": 1, "ygap": 1, "customdata": customdata, "hovertemplate": hovertemplate}
    if text:
        trace.update(text=cell_labels(raw), texttemplate="%{text}", textfont={"size": 12})
    return trace


def _axes(layout, t, f, labels, names):
    common = {"showgrid": False, "zeroline": False, "ticks": "", "range": [-0.5, f - 0.5]}
    layout["xaxis"].update(**common, tickmode="array", tickvals=np.arange(f), ticktext=names, side="top")
    for suffix in ("2", "3"):
        layout[f"xaxis{suffix}"].update(**common, showticklabels=False)
    layout["yaxis"].update(range=[t - 0.5, -0.5], tickmode="array", tickvals=np.arange(t),
                           ticktext=[f"{i} {lab}" for i, lab in enumerate(labels)], showgrid=False, zeroline=False)
    for suffix in ("2", "3"):
        layout[f"yaxis{suffix}"].update(range=[0.5, -0.5], showticklabels=False, showgrid=False, zeroline=False)
