"""The result of a pooling: values plus where every value came from."""

import functools
from dataclasses import KW_ONLY, dataclass, field

import numpy as np

from ._engine import flat_indices
from .geometry import WindowGrid

__all__ = ["PoolResult", "SELECTING_MODES", "WEIGHTING_MODES", "WeightRule"]

SELECTING_MODES = ("max", "min", "stochastic-train", "fractional", "adaptive-max")
WEIGHTING_MODES = ("avg", "lp", "stochastic", "mixed", "adaptive-avg")


@dataclass(frozen=True, eq=False)
class WeightRule:
    """How a weighting mode's :attr:`PoolResult.weights` follow from its grid and input: data, not a closure.

    Attributes
    ----------
    kind : {"share", "onehot", "lp", "probability", "mixed"}
        - share: ``1 / divisor`` on the taps of ``mask`` (average pooling);
        - onehot: 1 on tap ``tap`` (Lp pooling at ``p = inf``);
        - lp: ``|x|^p / sum |x|^p``;
        - probability: ``a / sum(a)`` (stochastic pooling in evaluation);
        - mixed: ``alpha`` times onehot plus ``(1 - alpha)`` times share.
    mask : str or None
        The taps that share an average: ``"counted"``, ``"in_bounds"`` or
        ``"member"`` (see :meth:`WindowGrid.tap_mask`).
    divisor : int or (out_h, out_w) int ndarray or None
        The average's divisor.
    tap : (C, out_h, out_w) ndarray or None
        The maximum's tap number in each window (onehot, mixed).
    p, alpha : float or None

    Examples
    --------
    >>> import numpy as np, pooling
    >>> pooling.pool2d(np.ones((2, 2)), "avg", 2).weight_rule.kind
    'share'
    """

    kind: str
    mask: str = None
    divisor: object = None
    tap: np.ndarray = None
    p: float = None
    alpha: float = None

    def weights(self, grid, planes):
        """The weights, ``(C, out_h, out_w, kh * kw)`` float64, for ``grid`` over ``planes`` ``(C, H, W)``."""
        if self.kind == "share":
            return self._share(grid, planes.shape[0])
        if self.kind == "onehot":
            return self._onehot(grid).astype(np.float64)
        if self.kind == "mixed":
            return self.alpha * self._onehot(grid) + (1 - self.alpha) * self._share(grid, planes.shape[0])
        if self.kind == "probability":
            a = grid.gather(planes.astype(np.float64))
            total = a.sum(-1, keepdims=True)
            return np.divide(a, total, out=np.zeros_like(a), where=total > 0)
        cells = np.abs(grid.gather(planes.astype(np.float64)))  # lp
        largest = cells.max(-1, keepdims=True)
        # Shares of the window's largest cell: (|x| / m) ** p cannot overflow where |x| ** p would.
        np.divide(cells, largest, out=cells, where=np.isfinite(largest) & (largest > 0))
        powers = cells**self.p
        total = powers.sum(-1, keepdims=True)
        return np.divide(powers, total, out=np.zeros_like(powers), where=total > 0)

    def _share(self, grid, n_ch):
        w = grid.tap_mask(self.mask) / np.asarray(self.divisor, dtype=np.float64)[..., None]
        return np.broadcast_to(w, (n_ch,) + w.shape).copy()

    def _onehot(self, grid):
        return np.arange(grid.kernel[0] * grid.kernel[1]) == self.tap[..., None]


@dataclass(frozen=True, eq=False)
class PoolResult:
    """Pooled values with cell-level provenance.

    A result holds its documented fields and nothing else: the input it
    pooled (:attr:`input`), and for weighting modes the few numbers its
    weights follow from (:attr:`weight_rule`), never a closure.

    Attributes
    ----------
    values : ndarray
        ``(out_h, out_w)`` or ``(C, out_h, out_w)``, the same number of
        dimensions as the input.
    mode : str
        ``"max"``, ``"min"``, ``"avg"``, ``"lp"``, ``"stochastic"``,
        ``"mixed"``, ``"fractional"``, ``"adaptive-max"`` or ``"adaptive-avg"``.
    grid : WindowGrid
        Every window's taps on the input.
    tap : ndarray or None
        For the selecting modes, the number of the chosen tap within its
        window (row-major), as uint8 where the kernel has at most 255 taps.
        Compact provenance; :attr:`indices` derives PyTorch's format from it.
    params : dict
        The settings that produced this result.
    weight_rule : WeightRule or None
        Keyword only. How :attr:`weights` follow from the grid and the input,
        for weighting modes.
    channel_grids : tuple of WindowGrid or None
        Keyword only. One grid per channel, where they differ (fractional).

    Examples
    --------
    >>> import numpy as np, pooling
    >>> r = pooling.pool2d(np.array([[5, 6], [7, 9]]), "max", 2)
    >>> r.values.tolist(), r.indices.tolist()
    ([[9]], [[3]])
    """

    values: np.ndarray
    mode: str
    grid: WindowGrid
    tap: np.ndarray = None
    params: dict = field(default_factory=dict)
    _: KW_ONLY
    _input: np.ndarray = field(default=None, repr=False)
    weight_rule: WeightRule = field(default=None, repr=False)
    channel_grids: tuple = field(default=None, repr=False)

    def grid_for(self, channel):
        """The window grid of one channel (fractional pooling draws one per channel)."""
        return self.grid if self.channel_grids is None else self.channel_grids[channel]

    @property
    def selecting(self):
        """True when each output copies one input cell (there are indices)."""
        return self.tap is not None

    @property
    def squeeze(self):
        """True when the input was 2-D, so outputs drop the channel axis."""
        return self.values.ndim == 2

    @property
    def input(self):
        """The pooled input as ``(C, H, W)``."""
        return self._input

    @functools.cached_property
    def indices(self):
        """int64 flat index ``h * W + w`` of each output's source cell, or None.

        The format of PyTorch's ``return_indices=True``, derived from the
        compact :attr:`tap` on first read and kept: later reads return the
        same array, read-only (8 bytes per output cell, 72 MB at 12 MP).

        Examples
        --------
        >>> import numpy as np, pooling
        >>> r = pooling.pool2d(np.arange(16).reshape(4, 4), "max", 2)
        >>> r.indices.tolist(), r.indices is r.indices, r.indices.flags.writeable
        ([[5, 7], [13, 15]], True, False)
        """
        if self.tap is None:
            return None
        if self.channel_grids is None:
            idx = flat_indices(self.grid, self.tap)
        else:
            idx = np.stack([flat_indices(g, t) for g, t in zip(self.channel_grids, self.tap)])
        idx.flags.writeable = False
        return idx[0] if self.squeeze else idx

    @property
    def weights(self):
        """Each output's weight on each tap of its window, or None.

        Shape ``(C, out_h, out_w, kh * kw)`` (no channel axis for 2-D input),
        float64. Taps are in row-major window order; see :attr:`grid` for their
        positions. Padded taps that count in an average's divisor carry weight
        on a zero. What a weight means per mode:

        - avg: ``1 / divisor`` (PyTorch's count_include_pad rule);
        - lp: the tap's share ``|x|^p / sum |x|^p`` of the p-th power sum;
        - stochastic (eval): the tap's probability ``a / sum(a)``;
        - mixed: ``alpha`` on the max cell plus ``(1 - alpha)`` times avg's.

        For avg, stochastic and mixed ``values == sum(weights * x)``.
        Computed on each read from :attr:`weight_rule`: it takes ``kh * kw``
        times the output's memory.
        """
        if self.weight_rule is None:
            return None
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            w = self.weight_rule.weights(self.grid, self._input)
        return w[0] if self.squeeze else w

    def channel(self, c):
        """Values of one channel as a 2-D array."""
        return self.values if self.squeeze else self.values[c]
