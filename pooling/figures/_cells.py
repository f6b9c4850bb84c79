"""Cell-level drawing data shared by the figure builders: outlines, hatching, labels.

Coordinates follow the heatmaps: cell ``(r, c)`` is centred on ``x = c``,
``y = r`` and spans one unit each way.
"""

import numpy as np

from ..sweep import format_value

__all__ = ["box_outlines", "cell_outlines", "hatch_strokes", "cell_text", "value_range", "padded_extent", "ring_cells"]

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


def value_range(*arrays):
    """``(lo, hi)`` over the finite entries of ``arrays``; ``(0, 1)`` when there are none.

    Examples
    --------
    >>> value_range(np.array([3, 1]), np.array([np.inf, 7.0]))
    (1.0, 7.0)
    """
    finite = [a[np.isfinite(a)] for a in (np.asarray(a, dtype=np.float64).ravel() for a in arrays)]
    finite = np.concatenate(finite) if finite else np.empty(0)
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


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
