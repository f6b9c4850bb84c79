"""Stacked pooling: layers applied in turn, each final output traced to the input."""

import itertools
import numbers
from dataclasses import dataclass

import numpy as np

from ._checks import check_input
from .geometry import output_length
from .pool import pool2d

__all__ = [
    "DepthLocalisation", "StackResult", "TraceStep", "localisation_by_depth", "localisation_by_stride",
    "localisation_error", "localisation_trend", "receptive_fields", "stack_pool", "trace_to_source",
]


@dataclass(frozen=True, eq=False)
class StackResult:
    """The result of pooling layers applied in turn.

    Attributes
    ----------
    layers : list of PoolResult
        One per layer, in order; ``layers[-1].values`` is the final output.
    source : int64 ndarray or None
        For stacks of selecting layers (max, min, stochastic in training):
        the flat index ``h * W + w`` into the ORIGINAL input of the cell each
        final output copies; the final output's shape. None when a layer
        averages (then no single cell is the source).
    row_span, col_span : (n, 2) int ndarray
        Receptive field of each final output row/column: first and last
        original input row (column) any of its taps reaches, in bounds.

    Examples
    --------
    >>> import numpy as np
    >>> s = stack_pool(np.arange(64).reshape(8, 8), [{"mode": "max", "kernel_size": 2}] * 2)
    >>> s.values.tolist(), s.source.tolist(), s.row_span.tolist()
    ([[27, 31], [59, 63]], [[27, 31], [59, 63]], [[0, 3], [4, 7]])
    """

    layers: list
    source: np.ndarray
    row_span: np.ndarray
    col_span: np.ndarray

    @property
    def values(self):
        return self.layers[-1].values

    def receptive_field(self, i, j):
        """``(row_lo, row_hi, col_lo, col_hi)`` in the input, inclusive, of final output ``(i, j)``."""
        return (*map(int, self.row_span[i]), *map(int, self.col_span[j]))


def receptive_fields(axes):
    """Compose per-axis windows of successive layers into input spans.

    Parameters
    ----------
    axes : list of AxisWindows
        One axis (rows or columns) of each layer, first layer first.

    Returns
    -------
    (n_out, 2) int ndarray
        Lowest and highest input coordinate each final output reaches.

    Examples
    --------
    >>> from pooling.geometry import regular_axis
    >>> first = regular_axis(8, 2, 2, 0, 0, 1, False)   # 8 -> 4
    >>> second = regular_axis(4, 2, 2, 0, 0, 1, False)  # 4 -> 2
    >>> receptive_fields([first, second]).tolist()
    [[0, 3], [4, 7]]
    """
    lo = hi = np.arange(axes[0].length)
    for ax in axes:
        pos = np.clip(ax.positions, 0, ax.length - 1)
        inb = ax.in_bounds
        lo = np.where(inb, lo[pos], np.iinfo(np.int64).max).min(axis=1)
        hi = np.where(inb, hi[pos], -1).max(axis=1)
    return np.stack([lo, hi], axis=1)


def stack_pool(x, layers):
    """Apply pooling layers in turn and trace each final output back to the input.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    layers : sequence of dict
        Keyword arguments of :func:`pooling.pool2d` for each layer, e.g.
        ``{"mode": "max", "kernel_size": 2}``.

    Returns
    -------
    StackResult

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16).reshape(4, 4)
    >>> s = stack_pool(x, [{"mode": "max", "kernel_size": 2, "stride": 1}, {"mode": "max", "kernel_size": 2}])
    >>> s.values.tolist(), s.source.tolist(), s.receptive_field(0, 0)
    ([[10]], [[10]], (0, 2, 0, 2))
    """
    if len(layers) == 0:
        raise ValueError("layers is empty; give at least one layer, e.g. [{'mode': 'max', 'kernel_size': 2}]")
    planes, was_2d = check_input(x)
    current = planes[0] if was_2d else planes
    results = []
    for n, layer in enumerate(layers):
        if not isinstance(layer, dict) or "mode" not in layer or "kernel_size" not in layer:
            raise ValueError(f"layers[{n}] ({layer!r}) must be a dict with at least 'mode' and 'kernel_size'")
        try:
            results.append(pool2d(current, **layer))
        except (ValueError, TypeError) as err:
            raise type(err)(f"layers[{n}]: {err}") from None
        current = results[-1].values
    source = None
    if all(r.selecting for r in results):
        *_, source = _sources(results)
    row_span = receptive_fields([r.grid.rows for r in results])
    col_span = receptive_fields([r.grid.cols for r in results])
    return StackResult(results, source, row_span, col_span)


def _sources(results):
    """The flat input index each output of ``results[:d]`` copies, for d = 1, 2, ...: one array per depth.

    Shapes follow each layer's values. Every layer must be selecting.
    """
    n_planes = results[0].tap.shape[0]
    source = results[0].indices.reshape(n_planes, -1)
    yield source.reshape(results[0].values.shape)
    for r in results[1:]:
        source = np.take_along_axis(source, r.indices.reshape(n_planes, -1), axis=1)
        yield source.reshape(r.values.shape)


def _check_selecting(stack):
    if not isinstance(stack, StackResult):
        raise TypeError(f"stack must be a StackResult (from stack_pool), not {type(stack).__name__}")
    for k, r in enumerate(stack.layers):
        if not r.selecting:
            raise ValueError(
                f"stack layer {k} ({r.mode!r}) mixes its window, so no single input cell is the source; "
                "only max, min and stochastic (training) layers copy one cell"
            )


@dataclass(frozen=True)
class TraceStep:
    """One cell on the path from a final output back to the input.

    Attributes
    ----------
    layer : int
        0 for the original input, ``k`` for the output of the ``k``-th layer.
    row, col : int
        The cell in that layer.
    value : int or float
        Its value (a Python number).
    """

    layer: int
    row: int
    col: int
    value: object


def _check_index(name, value, size, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} ({value!r}) must be an int, not {type(value).__name__}")
    if not 0 <= value < size:
        raise ValueError(f"{name} ({value}) must be from 0 to {size - 1}: the {what} has {size}")
    return int(value)


def trace_to_source(stack, row, col, *, channel=0):
    """The argmax path of one final output, back through every layer to the input cell it copies.

    Parameters
    ----------
    stack : StackResult
        From :func:`stack_pool` with selecting layers only (max, min,
        stochastic in training).
    row, col : int
        The final output cell.
    channel : int, optional
        The plane, for a ``(C, H, W)`` input.

    Returns
    -------
    list of TraceStep
        ``n_layers + 1`` steps, the original input cell first and the final
        output cell last. Every step has the same value: each layer copies
        the cell the step before names.

    Notes
    -----
    Decodes one window's chosen tap per layer, so it costs ``O(n_layers)``
    whatever the image size.

    Examples
    --------
    >>> import numpy as np
    >>> s = stack_pool(np.arange(64).reshape(8, 8), [{"mode": "max", "kernel_size": 2}] * 2)
    >>> [(t.layer, t.row, t.col, t.value) for t in trace_to_source(s, 0, 1)]
    [(0, 3, 7, 31), (1, 1, 3, 31), (2, 0, 1, 31)]
    """
    _check_selecting(stack)
    last = stack.layers[-1]
    n_planes, out_h, out_w = last.tap.shape
    c = _check_index("channel", channel, n_planes, "input's plane count")
    i = _check_index("row", row, out_h, "final output's row count")
    j = _check_index("col", col, out_w, "final output's column count")
    steps = []
    for k in range(len(stack.layers), 0, -1):
        r = stack.layers[k - 1]
        steps.append(TraceStep(k, i, j, r.channel(c)[i, j].item()))
        grid = r.grid_for(c)
        a, b = divmod(int(r.tap[c, i, j]), grid.cols.n_taps)
        i, j = int(grid.rows.positions[i, a]), int(grid.cols.positions[j, b])
    steps.append(TraceStep(0, i, j, stack.layers[0].input[c, i, j].item()))
    return steps[::-1]


def localisation_error(stack):
    """How far each final output's source lies from the centre of its receptive field, in input pixels.

    Knowing only a final output's grid position, the best guess of where its
    feature is in the input is the centre of its receptive field; this is
    the distance from that guess to the input cell the output copies.

    Parameters
    ----------
    stack : StackResult
        From :func:`stack_pool` with selecting layers only.

    Returns
    -------
    float64 ndarray
        Euclidean distance, the shape of ``stack.values``.

    Examples
    --------
    >>> import numpy as np
    >>> s = stack_pool(np.arange(16).reshape(4, 4), [{"mode": "max", "kernel_size": 4}])
    >>> localisation_error(s).tolist()  # 15 is at (3, 3); the field's centre is (1.5, 1.5)
    [[2.1213203435596424]]
    """
    _check_selecting(stack)
    return _error(stack.source, stack.layers[0].grid.input_shape[1], stack.row_span, stack.col_span)


def _error(source, width, row_span, col_span):
    rows, cols = np.divmod(source, width)
    centre_r, centre_c = row_span.mean(axis=1), col_span.mean(axis=1)
    return np.hypot(rows - centre_r[:, None], cols - centre_c[None, :])


@dataclass(frozen=True, eq=False)
class DepthLocalisation:
    """Localisation after the first 1, 2, ... layers of a stack.

    Attributes
    ----------
    mean_error, max_error : (n_layers,) float64 ndarray
        Mean and largest :func:`localisation_error` over every output (and
        plane) after ``d`` layers, at index ``d - 1``.
    grid_step : (n_layers, 2) float64 ndarray
        Input pixels between neighbouring outputs, rows and columns: the
        product of the strides so far (NaN for irregular windows).
    field_size : (n_layers, 2) int64 ndarray
        The largest receptive field's height and width, in input pixels.
    """

    mean_error: np.ndarray
    max_error: np.ndarray
    grid_step: np.ndarray
    field_size: np.ndarray

    @property
    def depth(self):
        """``1, 2, ..., n_layers``."""
        return np.arange(1, len(self.mean_error) + 1)


def localisation_by_depth(stack):
    """:func:`localisation_error` after each prefix of the stack's layers, summarised.

    Parameters
    ----------
    stack : StackResult
        From :func:`stack_pool` with selecting layers only.

    Returns
    -------
    DepthLocalisation

    Notes
    -----
    Composes the sources once, layer by layer, as :func:`stack_pool` does:
    the cost is about that of the stack's own tracing.

    Examples
    --------
    >>> import numpy as np
    >>> s = stack_pool(np.arange(64).reshape(8, 8), [{"mode": "max", "kernel_size": 2}] * 2)
    >>> loc = localisation_by_depth(s)
    >>> loc.mean_error.round(3).tolist(), loc.grid_step.tolist(), loc.field_size.tolist()
    ([0.707, 2.121], [[2.0, 2.0], [4.0, 4.0]], [[2, 2], [4, 4]])
    """
    _check_selecting(stack)
    width = stack.layers[0].grid.input_shape[1]
    mean, largest, step, size = [], [], [], []
    for d, source in enumerate(_sources(stack.layers), 1):
        rows = receptive_fields([r.grid.rows for r in stack.layers[:d]])
        cols = receptive_fields([r.grid.cols for r in stack.layers[:d]])
        error = _error(source, width, rows, cols)
        mean.append(error.mean())
        largest.append(error.max())
        steps = [(r.grid.rows.step, r.grid.cols.step) for r in stack.layers[:d]]
        step.append(np.prod(np.array(steps, dtype=np.float64), axis=0))  # None -> NaN
        size.append((int(np.ptp(rows, axis=1).max()) + 1, int(np.ptp(cols, axis=1).max()) + 1))
    return DepthLocalisation(np.array(mean), np.array(largest), np.array(step), np.array(size, dtype=np.int64))


def localisation_by_stride(x, strides, *, mode="max", max_depth=5):
    """For each stride ``s``: stack ``s × s`` windows at stride ``s`` as deep as fits, and localise.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    strides : sequence of int
        Each at least 1; the kernel equals the stride (no overlap, no gap).
    mode : {"max", "min"}, optional
    max_depth : int, optional
        At most this many layers; fewer when the input runs out of cells.

    Returns
    -------
    dict
        ``{s: DepthLocalisation}``; a stride whose first layer does not fit
        the input is left out.

    Examples
    --------
    >>> import numpy as np
    >>> curves = localisation_by_stride(np.arange(64).reshape(8, 8), [2, 3])
    >>> {s: c.depth.tolist() for s, c in curves.items()}
    {2: [1, 2, 3], 3: [1]}
    """
    if mode not in ("max", "min"):
        raise ValueError(f"mode ({mode!r}) must be 'max' or 'min': only they copy one input cell")
    if isinstance(max_depth, (bool, np.bool_)) or not isinstance(max_depth, numbers.Integral) or max_depth < 1:
        raise ValueError(f"max_depth ({max_depth!r}) must be an int of at least 1")
    planes, _ = check_input(x)
    curves = {}
    for s in strides:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s < 1:
            raise ValueError(f"strides ({list(strides)!r}) must hold ints of at least 1, not {s!r}")
        h, w = planes.shape[1:]
        depth = 0
        while depth < max_depth and min(h, w) >= 1:
            h, w = (output_length(n, s, s, 0, 0, 1, False) for n in (h, w))
            depth += min(h, w) >= 1
        if depth:
            stack = stack_pool(planes, [{"mode": mode, "kernel_size": int(s)}] * depth)
            curves[int(s)] = localisation_by_depth(stack)
    return curves


def localisation_trend(curves):
    """Whether the mean error of :func:`localisation_by_stride` grows with depth, and with the stride.

    Parameters
    ----------
    curves : dict
        ``{stride: DepthLocalisation}``.

    Returns
    -------
    deeper_worse : bool
        Each stride's mean error rises with every added round (True when no
        stride has two rounds to compare).
    wider_worse : bool
        At every depth two strides share, the larger stride's mean error is
        the larger (True with fewer than two strides).

    Examples
    --------
    >>> import numpy as np
    >>> localisation_trend(localisation_by_stride(np.arange(64).reshape(8, 8), [2, 4]))
    (True, True)
    """
    deeper = all(np.all(np.diff(c.mean_error) > 0) for c in curves.values())
    ordered = [curves[s].mean_error for s in sorted(curves)]
    wider = all(np.all(b[: len(a)] > a[: len(b)]) for a, b in itertools.pairwise(ordered))
    return bool(deeper), bool(wider)
