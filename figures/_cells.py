"""Cell-level drawing data shared by the figure builders: outlines, hatching, labels.

Coordinates follow the heatmaps: cell ``(r, c)`` is centred on ``x = c``,
``y = r`` and spans one unit each way.
"""

import base64

import numpy as np

from pooling.analysis.ranges import centred_range
from pooling.analysis.sweep import format_value

__all__ = ["box_outlines", "cell_outlines", "hatch_strokes", "cell_text", "value_range", "padded_extent", "ring_cells",
           "typed_array", "object_arrays_to_lists", "panel_row", "grid_axes"]

# numpy dtype name: plotly.js typed-array code, as plotly's own ``to_dict`` writes them.
_TYPED_CODES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
                "float32": "f4", "float64": "f8"}
_INT_STEPS = {"int64": ("int8", "int16", "int32"), "uint64": ("uint8", "uint16", "uint32")}

def box_outlines(top, bottom, left, right, *, inset=0.08):
    """One closed rectangle per box of cells, as ``x, y`` float32 arrays with NaN gaps.

    Box ``k`` covers rows ``top[k]..bottom[k]`` and columns
    ``left[k]..right[k]``, inclusive; ``inset`` pulls its edges in by that
    fraction of a cell.

    Examples
    --------
    >>> x, y = box_outlines([0], [1], [2], [2], inset=0.0)
    >>> x.tolist()[:5], y.tolist()[:5]
    ([1.5, 2.5, 2.5, 1.5, 1.5], [-0.5, -0.5, 1.5, 1.5, -0.5])
    """
    top, bottom, left, right = (np.asarray(a, dtype=np.float32).ravel() for a in (top, bottom, left, right))
    edge = np.float32(0.5 - inset)
    x0, x1, y0, y1 = left - edge, right + edge, top - edge, bottom + edge
    pts = np.full((top.size, 6, 2), np.nan, dtype=np.float32)
    pts[:, :5, 0] = np.stack([x0, x1, x1, x0, x0], axis=1)
    pts[:, :5, 1] = np.stack([y0, y0, y1, y1, y0], axis=1)
    return pts[..., 0].ravel(), pts[..., 1].ravel()


def cell_outlines(rows, cols, *, inset=0.08):
    """One closed square per cell (see :func:`box_outlines`).

    Each cell is its own polyline, so dilated taps read as separate cells.

    Examples
    --------
    >>> x, y = cell_outlines([0], [2], inset=0.0)
    >>> x.tolist()[:5], y.tolist()[:5]
    ([1.5, 2.5, 2.5, 1.5, 1.5], [-0.5, -0.5, 0.5, 0.5, -0.5])
    """
    return box_outlines(rows, rows, cols, cols, inset=inset)


def hatch_strokes(rows, cols):
    """Short diagonal strokes in two corners of each cell, leaving its centre free for a label.

    Returns ``x, y`` float32 arrays with NaN gaps, like :func:`cell_outlines`.
    """
    rows = np.asarray(rows, dtype=np.float32).ravel()
    cols = np.asarray(cols, dtype=np.float32).ravel()
    # (dx, dy) pairs of three strokes per corner, top-left then bottom-right.
    seg = np.array(
        [[[-0.5, -0.2], [-0.2, -0.5]], [[-0.5, 0.0], [0.0, -0.5]], [[-0.5, -0.4], [-0.4, -0.5]],
         [[0.2, 0.5], [0.5, 0.2]], [[0.0, 0.5], [0.5, 0.0]], [[0.4, 0.5], [0.5, 0.4]]],
        dtype=np.float32,
    )
    pts = np.full((rows.size, len(seg), 3, 2), np.nan, dtype=np.float32)
    pts[:, :, :2, 0] = cols[:, None, None] + seg[None, :, :, 0]
    pts[:, :, :2, 1] = rows[:, None, None] + seg[None, :, :, 1]
    return pts[..., 0].ravel(), pts[..., 1].ravel()


def cell_text(values):
    """Each value as short text (see :func:`pooling.format_value`); NaN gives ``""``.

    Examples
    --------
    >>> cell_text(np.array([[1.0, np.nan], [2.5, 255]])).tolist()
    [['1', ''], ['2.5', '255']]
    """
    values = np.asarray(values)
    flat = [("" if v != v else format_value(v)) for v in values.ravel().tolist()]
    return np.array(flat, dtype=object).reshape(values.shape)


value_range = centred_range
"""The colour range of cell grids: :func:`pooling.analysis.ranges.centred_range` (a flat grid shows the mid colour)."""


def padded_extent(sweep, shape):
    """``(top, bottom, left, right)`` rows and columns, inclusive, that the input and every tap cover.

    Padding and the ``ceil_mode`` overhang lie outside ``[0, H) x [0, W)``.
    """
    rows, cols = sweep.rows[sweep.member], sweep.cols[sweep.member]
    h, w = shape
    return (min(0, int(rows.min())), max(h - 1, int(rows.max())),
            min(0, int(cols.min())), max(w - 1, int(cols.max())))


def ring_cells(extent, shape):
    """Rows and columns of the cells in ``extent`` that lie off the ``shape`` input.

    Examples
    --------
    >>> r, c = ring_cells((-1, 1, -1, 1), (2, 2))
    >>> len(r), (r.tolist()[0], c.tolist()[0])
    (5, (-1, -1))
    """
    top, bottom, left, right = extent
    rr, cc = np.mgrid[top:bottom + 1, left:right + 1]
    off = (rr < 0) | (rr >= shape[0]) | (cc < 0) | (cc >= shape[1])
    return rr[off], cc[off]


def typed_array(values):
    """``values`` as plotly.js's typed-array spec (``{"dtype", "bdata"[, "shape"]}``), as ``Figure.to_dict`` writes it.

    A figure validates a typed-array spec by a glance at its keys, while a
    numpy array goes through plotly's array checks (about 0.1 ms each): for
    animation frames, with a dozen arrays per frame, that is most of the
    figure's cost. The spec is the same JSON plotly would have sent for the
    array; 64-bit integers are narrowed as plotly narrows them. An empty
    array, or one of a dtype plotly.js has no typed array for, is returned
    as a plain list.

    Examples
    --------
    >>> typed_array(np.array([1.5, 2.0], np.float32))
    {'dtype': 'f4', 'bdata': 'AADAPwAAAEA='}
    >>> typed_array(np.arange(6).reshape(2, 3))["shape"], typed_array(np.arange(6))["dtype"]
    ('2, 3', 'i1')
    >>> typed_array(np.empty(0, np.float32))
    []
    """
    values = np.asarray(values)
    name = values.dtype.name
    if name in _INT_STEPS and values.size:
        lo, hi = values.min(), values.max()
        for step in _INT_STEPS[name]:
            info = np.iinfo(step)
            if info.min <= lo and hi <= info.max:
                values, name = values.astype(step), step
                break
    code = _TYPED_CODES.get(name)
    if code is None or values.size == 0:
        return values.tolist()
    spec = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(values).tobytes()).decode("ascii")}
    if values.ndim > 1:
        spec["shape"] = str(values.shape)[1:-1]
    return spec


def object_arrays_to_lists(trace):
    """``trace`` (a plain dict) with each object-dtype array in it (cell text, hover words) as nested lists.

    Streamlit sends a figure through ``plotly.io.to_json``, whose orjson path
    refuses object arrays and falls back to cleaning the whole figure in
    Python on every rerun: 250 ms instead of 11 ms for a 225-step sweep. As
    lists, the JSON is the same.

    Examples
    --------
    >>> object_arrays_to_lists({"text": np.array([["1", "2"]], dtype=object), "z": np.zeros(2)})
    {'text': [['1', '2']], 'z': array([0., 0.])}
    """
    return {key: value.tolist() if isinstance(value, np.ndarray) and value.dtype == object else value
            for key, value in trace.items()}


def panel_row(widths, titles, *, spacing, title_font_size, title_shift=0):
    """Layout of one row of subplots as ``make_subplots(rows=1, ...)`` lays it out, as a plain dict.

    Parameters
    ----------
    widths : sequence of float
        Relative column widths (``column_widths``).
    titles : sequence of str
        One subplot title per column, centred over it.
    spacing : float
        ``horizontal_spacing``, a fraction of the figure's width.
    title_font_size : float
    title_shift : float, optional
        The titles' ``yshift`` in pixels.

    Returns
    -------
    dict
        ``xaxis``, ``yaxis``, ``xaxis2``, ... with their anchors and domains,
        and ``annotations`` holding the titles; panel ``k`` (from 1) draws on
        axes ``x{k}``, ``y{k}`` (``x``, ``y`` for the first).

    Examples
    --------
    >>> row = panel_row([1, 1], ["a", "b"], spacing=0.2, title_font_size=13)
    >>> row["xaxis2"], row["annotations"][1]["x"]
    ({'anchor': 'y2', 'domain': [0.6, 1.0]}, 0.8)
    """
    n = len(widths)
    total = float(sum(widths))
    # make_subplots' arithmetic, step by step, so the domains are the same floats.
    spans = [(1.0 - spacing * (n - 1)) * (w / total) for w in widths]
    layout, annotations = {}, []
    for k, (span, text) in enumerate(zip(spans, titles)):
        start = sum(spans[:k]) + k * spacing
        suffix = str(k + 1) if k else ""
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [start, start + span]}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [0.0, 1.0]}
        annotations.append({"font": {"size": title_font_size}, "showarrow": False, "text": text,
                            "x": (start + start + span) / 2.0, "xanchor": "center", "xref": "paper", "y": 1.0,
                            "yanchor": "bottom", "yref": "paper", **({"yshift": title_shift} if title_shift else {})})
    layout["annotations"] = annotations
    return layout


def grid_axes(extent, *, panel=1, below=0.0):
    """``{xaxis: ..., yaxis: ...}`` for square cells and row 0 at the top on subplot ``panel`` (from 1).

    The same axes as :func:`figures._traces.square_axes` sets on a
    figure, as layout dicts to merge into a figure built as one dict (see
    :func:`panel_row`): ``extent = (top, bottom, left, right)`` are the first
    and last row and column drawn; ``below`` adds room (in cells) under the
    grid for a label.

    Examples
    --------
    >>> axes = grid_axes((0, 1, 0, 2), panel=2)
    >>> axes["xaxis2"]["range"], axes["xaxis2"]["scaleanchor"], axes["yaxis2"]["range"]
    ([-0.5, 2.5], 'y2', [1.5, -0.5])
    """
    top, bottom, left, right = extent
    suffix = str(panel) if panel > 1 else ""
    common = {"constrain": "domain", "showgrid": False, "zeroline": False, "ticks": ""}
    xaxis = {"side": "top", "range": [left - 0.5, right + 0.5], "scaleanchor": f"y{suffix}", **common}
    yaxis = {"constraintoward": "top", "range": [bottom + 0.5 + below, top - 0.5], **common}
    if max(bottom - top, right - left) < 20:
        xaxis.update(tickmode="array", tickvals=np.arange(left, right + 1))
        yaxis.update(tickmode="array", tickvals=np.arange(top, bottom + 1))
    return {f"xaxis{suffix}": xaxis, f"yaxis{suffix}": yaxis}
