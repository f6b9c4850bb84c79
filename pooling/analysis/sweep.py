"""The steps of a window sweep, as data for animations and screen readers."""

from dataclasses import dataclass

import numpy as np

from ..result import PoolResult

__all__ = ["Sweep", "sweep_steps", "format_value"]

MAX_SWEEP_STEPS = 4096


def format_value(v):
    """Short text for a cell value: ints plain, floats to 4 significant digits.

    Examples
    --------
    >>> format_value(8.0), format_value(6.75), format_value(float("-inf"))
    ('8', '6.75', '-inf')
    """
    v = float(v)
    if np.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.4g}"


@dataclass(frozen=True, eq=False)
class Sweep:
    """A pooling result unrolled into steps, one per output cell, in raster order.

    Attributes (``N`` steps, ``K = kh * kw`` taps per window)
    ----------
    out_rows, out_cols : (N,) int ndarray
        The output cell each step writes.
    rows, cols : (N, K) int ndarray
        Input position of every tap (may be off the input: padding).
    member : (N, K) bool ndarray
        Taps that belong to the window (adaptive windows vary in size).
    in_bounds : (N, K) bool ndarray
        Member taps on the input; member taps off it are padding.
    chosen : (N, K) bool ndarray
        Selecting modes: the one tap the output copies. Weighting modes:
        every tap with non-zero weight.
    ties : (N, K) bool ndarray
        Selecting modes: other in-bounds taps equal to the chosen value.
    weights : (N, K) float ndarray or None
        Weighting modes: each tap's weight.
    values : (N,) ndarray
        The value each step writes.
    pad_value : float
        What padding acts as: ``-inf`` for max, ``+inf`` for min, ``0``
        otherwise.
    mode : str
    output_shape : (int, int)
    """

    out_rows: np.ndarray
    out_cols: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    member: np.ndarray
    in_bounds: np.ndarray
    chosen: np.ndarray
    ties: np.ndarray
    weights: np.ndarray
    values: np.ndarray
    pad_value: float
    mode: str
    output_shape: tuple

    def __len__(self):
        return self.values.shape[0]

    def output_so_far(self, step):
        """The output grid after steps ``0..step``: float, NaN where not yet written.

        Examples
        --------
        >>> import numpy as np, pooling
        >>> s = sweep_steps(pooling.pool2d(np.arange(16).reshape(4, 4), "max", 2))
        >>> s.output_so_far(1).tolist()
        [[5.0, 7.0], [nan, nan]]
        """
        out = np.full(self.output_shape, np.nan)
        n = step + 1
        out[self.out_rows[:n], self.out_cols[:n]] = self.values[:n]
        return out

    def source(self, step):
        """``(row, col)`` of the chosen input cell of a selecting step, else None."""
        if self.weights is not None:
            return None
        k = int(np.argmax(self.chosen[step]))
        return int(self.rows[step, k]), int(self.cols[step, k])

    def describe(self, step):
        """One plain sentence for a step, for screen readers and reading along.

        Examples
        --------
        >>> import numpy as np, pooling
        >>> x = np.array([[1, 2, 0, 0, 3, 4], [0, 5, 0, 0, 6, 8]])
        >>> s = sweep_steps(pooling.pool2d(x, "max", 2))
        >>> s.describe(2)
        'Step 3 of 3: window rows 0-1, cols 4-5; max 8 at (1, 5)'
        """
        inb = self.in_bounds[step]
        rows, cols = self.rows[step][inb], self.cols[step][inb]
        text = (
            f"Step {step + 1} of {len(self)}: window rows {_span(rows)}, cols {_span(cols)}"
        )
        n_pad = int((self.member[step] & ~inb).sum())
        if n_pad:
            text += f" and {n_pad} padded cell{'s' if n_pad > 1 else ''}"
        value = format_value(self.values[step])
        name = self.mode.split("-")[-1]
        src = self.source(step)
        if src is not None:
            text += f"; {name} {value} at {src}"
            n_ties = int(self.ties[step].sum())
            if n_ties and np.isnan(self.values[step]):
                text += " (NaN propagates: the last NaN in row-major order is reported)"
            elif n_ties and self.mode == "stochastic":
                text += " (a random draw; the cell was drawn with probability a / sum(a))"
            elif n_ties:
                tied = ", ".join(
                    str((int(r), int(c))) for r, c in zip(self.rows[step][self.ties[step]], self.cols[step][self.ties[step]])
                )
                text += f", tied with {tied} (the first in row-major order wins)"
        else:
            text += f"; {name} {value} from {int(self.chosen[step].sum())} weighted cells"
        return text

    def descriptions(self):
        """Every step's sentence, in order."""
        return [self.describe(n) for n in range(len(self))]


def _span(idx):
    """``"0-1"`` for a run of cells, ``"0, 2, 4"`` for dilated taps (never read as a wider window)."""
    cells = np.unique(idx)
    lo, hi = int(cells[0]), int(cells[-1])
    if lo == hi:
        return str(lo)
    if cells.size == hi - lo + 1:
        return f"{lo}-{hi}"
    return ", ".join(str(int(c)) for c in cells)


def sweep_steps(result: PoolResult, *, channel=0):
    """Unroll a pooling result into the steps of its window sweep.

    Parameters
    ----------
    result : PoolResult
        A result over a small grid (at most 4096 output cells).
    channel : int, optional
        Which channel to unroll.

    Returns
    -------
    Sweep

    Examples
    --------
    >>> import numpy as np, pooling
    >>> s = sweep_steps(pooling.pool2d(np.arange(16).reshape(4, 4), "max", 2))
    >>> len(s), s.source(0), s.describe(0)
    (4, (1, 1), 'Step 1 of 4: window rows 0-1, cols 0-1; max 5 at (1, 1)')
    """
    n_ch = 1 if result.squeeze else result.values.shape[0]
    if not 0 <= channel < n_ch:
        raise ValueError(f"channel ({channel}) must be in [0, {n_ch})")
    grid = result.grid_for(channel)
    oh, ow = grid.shape
    n = oh * ow
    if n > MAX_SWEEP_STEPS:
        raise ValueError(f"the sweep would have {n} steps; at most {MAX_SWEEP_STEPS} (pool a smaller grid)")
    rows, cols = (a.reshape(n, -1) for a in grid.tap_positions())
    member = grid.tap_mask("member").reshape(n, -1)
    in_bounds = grid.tap_mask("in_bounds").reshape(n, -1)
    values = result.channel(channel).reshape(n)
    planes = result.input
    k = rows.shape[1]
    weights = None
    if result.selecting:
        tap = result.tap[channel].reshape(n).astype(np.intp)
        chosen = np.arange(k)[None, :] == tap[:, None]
        h, w = grid.input_shape
        cells = planes[channel][np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)]
        chosen_val = np.take_along_axis(cells, tap[:, None], 1)
        same = (cells == chosen_val) | (np.isnan(cells) & np.isnan(chosen_val))
        ties = same & in_bounds & ~chosen
    else:
        weights = result.weights if result.squeeze else result.weights[channel]
        weights = weights.reshape(n, k)
        chosen = (weights != 0) & member
        ties = np.zeros_like(chosen)
    pad_value = {"max": -np.inf, "min": np.inf}.get(result.mode, 0.0)
    out_rows, out_cols = np.divmod(np.arange(n), ow)
    return Sweep(out_rows, out_cols, rows, cols, member, in_bounds, chosen, ties, weights, values,
                 pad_value, result.mode, (oh, ow))
