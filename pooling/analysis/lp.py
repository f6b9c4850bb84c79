"""The Lp continuum: Lp pooling at several p, as a fraction of the window's sum and of its max."""

import math
from dataclasses import dataclass

import numpy as np

from ..pool import pool2d

__all__ = ["LP_STEPS", "LpRatios", "lp_ratios"]


# p values from the sum (1) through L2 (2) towards the max (inf), spaced roughly evenly in log p.
LP_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 16.0, 32.0, math.inf)


@dataclass(frozen=True)
class LpRatios:
    """How Lp pooling moves from the window's sum to its max as p grows.

    Attributes
    ----------
    ps : tuple of float
    to_max : (len(ps),) float64 ndarray
        Mean over windows of ``Lp / max |x|``: ``1`` at ``p = inf``.
    to_sum : (len(ps),) float64 ndarray
        Mean over windows of ``Lp / sum |x|``: ``1`` at ``p = 1``.
    windows : int
        How many windows the means cover (all-zero windows are left out:
        every ratio is 0 / 0 there). NaN means when it is 0.
    """

    ps: tuple
    to_max: np.ndarray
    to_sum: np.ndarray
    windows: int


def lp_ratios(x, ps=LP_STEPS, *, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Lp pooling at several p, each as a fraction of the window's max and of its sum.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    ps : sequence of float, optional
        Each > 0; ``math.inf`` allowed.
    kernel_size, stride, padding, dilation, ceil_mode
        The layer, as :func:`pooling.pool2d`.

    Returns
    -------
    LpRatios

    Notes
    -----
    Every value comes from :func:`pooling.pool2d` in mode ``"lp"``: the sum
    is its ``p = 1`` and the max its ``p = inf``. ``x`` is pooled as
    float64: in float32 (what pool2d uses for uint8 photos, and PyTorch's
    default) ``|x| ** p`` of a 0..255 pixel overflows to inf from p = 16.
    Cost: one pooling per p plus two.

    Examples
    --------
    >>> import numpy as np
    >>> r = lp_ratios(np.array([[3.0, 4.0], [0.0, 0.0]]), (1, 2, np.inf), kernel_size=2)
    >>> r.to_max.tolist(), r.to_sum.round(4).tolist(), r.windows
    ([1.75, 1.25, 1.0], [1.0, 0.7143, 0.5714], 1)
    """
    ps = tuple(float(p) for p in np.atleast_1d(np.asarray(ps, dtype=np.float64)))
    if not ps:
        raise ValueError("ps (()) must hold at least one p")
    layer = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "dilation": dilation,
             "ceil_mode": ceil_mode}
    x = np.asarray(x, dtype=np.float64)  # in float32, 255 ** 16 already overflows
    sums = pool2d(x, "lp", p=1, **layer).values.astype(np.float64)
    maxima = pool2d(x, "lp", p=math.inf, **layer).values.astype(np.float64)
    live = np.isfinite(sums) & (maxima > 0)
    to_max, to_sum = [], []
    with np.errstate(invalid="ignore"):
        for p in ps:
            lp = pool2d(x, "lp", p=p, **layer).values.astype(np.float64)[live]
            to_max.append(np.mean(lp / maxima[live]) if lp.size else np.nan)
            to_sum.append(np.mean(lp / sums[live]) if lp.size else np.nan)
    return LpRatios(ps, np.array(to_max), np.array(to_sum), int(live.sum()))
