"""Stacked pooling: layers applied in turn, each final output traced to the input."""

import itertools
import numbers
from dataclasses import dataclass

import numpy as np

from .._checks import check_input
from ..geometry import output_length
from ..pool import pool2d

__all__ = [
    "DepthLocalisation", "StackResult", "TraceStep", 
    "localisation_by_depth", "localisation_by_stride", "localisation_error", "localisation_trend", 
    "receptive_fields", "stack_pool", "tied_sources", "trace_to_source",
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
        Mean and largest :func:`localisation_error` over the outputs (and
        planes) after ``d`` layers whose source the image decides, at index
        ``d - 1``: outputs whose source the tie rule picked are left out.
    grid_step : (n_layers, 2) float64 ndarray
        Input pixels between neighbouring outputs, rows and columns: the
        product of the strides so far (NaN for irregular windows).
    field_size : (n_layers, 2) int64 ndarray
        The largest receptive field's height and width, in input pixels.
    tied : (n_layers,) float64 ndarray
        Share of outputs whose value occurs more than once in their
        receptive field (:func:`tied_sources`). They are left out of
        ``mean_error`` and ``max_error``, which are NaN when every output is
        tied.
    """

    mean_error: np.ndarray
    max_error: np.ndarray
    grid_step: np.ndarray
    field_size: np.ndarray
    tied: np.ndarray

    @property
    def depth(self):
        """``1, 2, ..., n_layers``."""
        return np.arange(1, len(self.mean_error) + 1)


def tied_sources(planes, values, row_span, col_span):
    """Final outputs whose value occurs more than once in their receptive field.

    In a field that holds its maximum twice (a flat patch, say), which cell
    the output copies is decided by the tie rule (the first cell of each
    window), not by the image, so its distance from the field's centre says
    nothing about lost position.

    Parameters
    ----------
    planes : (C, H, W) ndarray
        The stack's input.
    values : (C, h, w) ndarray
        The final outputs.
    row_span, col_span : (h, 2) and (w, 2) int ndarray
        Each output row's and column's receptive field, inclusive.

    Returns
    -------
    (C, h, w) bool ndarray

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[5, 5, 1, 9]]])
    >>> s = stack_pool(x, [{"mode": "max", "kernel_size": (1, 2)}])
    >>> tied_sources(x, s.values, s.row_span, s.col_span).tolist()
    [[[True, False]]]
    """
    planes, values = np.asarray(planes), np.asarray(values)
    heights = row_span[:, 1] - row_span[:, 0] + 1
    widths = col_span[:, 1] - col_span[:, 0] + 1
    if np.all(heights == heights[0]) and np.all(widths == widths[0]):
        row_step, col_step = _even_step(row_span[:, 0]), _even_step(col_span[:, 0])
        h, w = values.shape[-2:]
        if row_step and col_step and h * w >= 1024:
            # Fields of one size at even steps, and outputs enough that a pass over all of them is worth its overhead.
            (r0, fh), (c0, fw) = (int(row_span[0, 0]), int(heights[0])), (int(col_span[0, 0]), int(widths[0]))
            rows, cols = (r0, row_step, fh), (c0, col_step, fw)
            # Comparisons each way: every cell of a field against every output, or two passes (see _extreme_tied).
            if fh * fw * h * w * 3 > 6 * (((h - 1) * row_step + fh) * w * fw + h * w * fh):
                first = planes[0, r0: r0 + fh, c0: c0 + fw]
                order = (True, False) if values.flat[0] == first.max() else (False, True)  # max stacks, min stacks
                for largest in order:
                    # Where each output is its field's largest (or smallest) value, as a stack of max (min) layers
                    # gives, that value is found and counted in two passes, along the rows and then the columns.
                    best, twice = _extreme_tied(planes, rows, cols, (h, w), largest)
                    if np.array_equal(best, values):
                        return twice
            return _tied_by_offset(planes, values, rows, cols)
        # Fields of one size: windows of the input as a view, gathered at each field's corner.
        windows = np.lib.stride_tricks.sliding_window_view(planes, (int(heights[0]), int(widths[0])), axis=(1, 2))
        fields = windows[:, row_span[:, 0][:, None], col_span[:, 0][None, :]]
        return (fields == values[..., None, None]).sum(axis=(-1, -2)) > 1
    tied = np.zeros(values.shape, bool)
    for i, (r0, r1) in enumerate(row_span):  # fields of several sizes: rare (uneven edges), done row by row
        for j, (c0, c1) in enumerate(col_span):
            tied[:, i, j] = (planes[:, r0:r1 + 1, c0:c1 + 1] == values[:, i, j, None, None]).sum(axis=(1, 2)) > 1
    return tied


def _even_step(starts):
    """The step between ``starts`` when it is one positive step throughout (1 for a single start), else 0."""
    if len(starts) == 1:
        return 1
    step = int(starts[1] - starts[0])
    return step if step > 0 and np.all(np.diff(starts) == step) else 0


def _extreme_tied(planes, rows, cols, shape, largest):
    """Each field's largest (or smallest) value, and whether it occurs more than once there.

    Fields as in :func:`_tied_by_offset`. Separable: a rectangle's extreme is
    the extreme of its rows' extremes, held twice when two rows reach it or
    one row holds it twice.
    """
    (r0, rs, fh), (c0, cs, fw) = rows, cols
    h, w = shape
    better, pick = (np.greater, np.maximum) if largest else (np.less, np.minimum)

    def fold(parts):
        best = twice = None
        for part, part_twice in parts:  # loops over the cells of one field's row or column, never over outputs
            if best is None:
                best, twice = part, np.zeros(part.shape, bool) if part_twice is None else part_twice
                continue
            wins = better(part, best)
            again = twice | (part == best)
            twice = again & ~wins if part_twice is None else np.where(wins, part_twice, again)
            best = pick(best, part)
        return best, twice

    band = planes[:, r0: r0 + (h - 1) * rs + fh]
    best, twice = fold((band[:, :, c0 + b: c0 + b + (w - 1) * cs + 1: cs], None) for b in range(fw))
    return fold((best[:, a: a + (h - 1) * rs + 1: rs], twice[:, a: a + (h - 1) * rs + 1: rs]) for a in range(fh))


def _tied_by_offset(planes, values, rows, cols):
    """:func:`tied_sources` for fields ``(first, step, size)`` per axis: a field's cells counted offset by offset."""
    (r0, rs, fh), (c0, cs, fw) = rows, cols
    h, w = values.shape[-2:]
    once = np.zeros(values.shape, bool)
    twice = np.zeros(values.shape, bool)
    for a in range(fh):  # loops over the cells of one field (a few dozen), never over outputs
        band = planes[:, r0 + a: r0 + a + (h - 1) * rs + 1: rs]
        for b in range(fw):
            same = band[:, :, c0 + b: c0 + b + (w - 1) * cs + 1: cs] == values
            twice |= once & same
            once |= same
    return twice


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
    planes = stack.layers[0].input
    planes = planes[None] if planes.ndim == 2 else planes
    width = stack.layers[0].grid.input_shape[1]
    mean, largest, step, size, tied = [], [], [], [], []
    for d, source in enumerate(_sources(stack.layers), 1):
        rows = receptive_fields([r.grid.rows for r in stack.layers[:d]])
        cols = receptive_fields([r.grid.cols for r in stack.layers[:d]])
        values = stack.layers[d - 1].values
        ties = tied_sources(planes, values.reshape(-1, *values.shape[-2:]), rows, cols).reshape(values.shape)
        error = _error(source, width, rows, cols)[~ties]
        mean.append(error.mean() if error.size else np.nan)
        largest.append(error.max() if error.size else np.nan)
        tied.append(ties.mean())
        steps = [(r.grid.rows.step, r.grid.cols.step) for r in stack.layers[:d]]
        step.append(np.prod(np.array(steps, dtype=np.float64), axis=0))  # None -> NaN
        size.append((int(np.ptp(rows, axis=1).max()) + 1, int(np.ptp(cols, axis=1).max()) + 1))
    return DepthLocalisation(np.array(mean), np.array(largest), np.array(step), np.array(size, dtype=np.int64),
                             np.array(tied))


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

    Each answer is None when the curves hold nothing to compare, so that a
    verdict is never drawn from no data.

    Parameters
    ----------
    curves : dict
        ``{stride: DepthLocalisation}``.

    Returns
    -------
    deeper_worse : bool or None
        Each stride with two or more rounds has a mean error that rises with
        every added round. None when no stride has two rounds.
    wider_worse : bool or None
        At every depth two strides share, the larger stride's mean error is
        the larger. None with fewer than two strides.

    Examples
    --------
    >>> import numpy as np
    >>> localisation_trend(localisation_by_stride(np.arange(64).reshape(8, 8), [2, 4]))
    (True, True)
    >>> localisation_trend(localisation_by_stride(np.arange(64).reshape(8, 8), [4]))
    (None, None)
    """
    # Each curve up to its first depth where every deep cell is tied (NaN): past it there is nothing to say.
    measured = {s: c.mean_error[: np.argmin(np.isfinite(c.mean_error))] if not np.isfinite(c.mean_error).all()
                else c.mean_error for s, c in curves.items()}
    measured = {s: e for s, e in measured.items() if len(e)}
    deep = [e for e in measured.values() if len(e) >= 2]
    deeper = bool(all(np.all(np.diff(e) > 0) for e in deep)) if deep else None
    ordered = [measured[s] for s in sorted(measured)]
    if len(ordered) < 2:
        return deeper, None
    return deeper, bool(all(np.all(b[: len(a)] > a[: len(b)]) for a, b in itertools.pairwise(ordered)))


