"""Stacked pooling: layers applied in turn, each final output traced to the input."""

from dataclasses import dataclass

import numpy as np

from ._checks import check_input
from .pool import pool2d

__all__ = ["StackResult", "stack_pool", "receptive_fields"]


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
        source = results[0].indices.reshape(planes.shape[0], -1) if not was_2d else results[0].indices.reshape(1, -1)
        for r in results[1:]:
            idx = r.indices.reshape(source.shape[0], -1)
            source = np.take_along_axis(source, idx, axis=1)
        source = source.reshape(results[-1].values.shape)
    row_span = receptive_fields([r.grid.rows for r in results])
    col_span = receptive_fields([r.grid.cols for r in results])
    return StackResult(results, source, row_span, col_span)
