"""The result of a pooling: values plus where every value came from."""

from dataclasses import dataclass, field

import numpy as np

from .geometry import WindowGrid

__all__ = ["PoolResult", "SELECTING_MODES", "WEIGHTING_MODES"]

SELECTING_MODES = ("max", "min", "stochastic-train", "fractional", "adaptive-max")
WEIGHTING_MODES = ("avg", "lp", "stochastic", "mixed", "adaptive-avg")


@dataclass(frozen=True, eq=False)
class PoolResult:
    """Pooled values with cell-level provenance.

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
    _input: np.ndarray = field(default=None, repr=False)
    _weights: object = field(default=None, repr=False)
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

    @property
    def indices(self):
        """int64 flat index ``h * W + w`` of each output's source cell, or None.

        The format of PyTorch's ``return_indices=True``; computed on demand
        from the compact :attr:`tap`.
        """
        if self.tap is None:
            return None
        if self.channel_grids is None:
            idx = self.grid.flat_indices(self.tap)
        else:
            idx = np.stack([g.flat_indices(t) for g, t in zip(self.channel_grids, self.tap)])
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
        Computed on demand: it takes ``kh * kw`` times the output's memory.
        """
        if self._weights is None:
            return None
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            w = self._weights()
        return w[0] if self.squeeze else w

    def channel(self, c):
        """Values of one channel as a 2-D array."""
        return self.values if self.squeeze else self.values[c]
