"""What each pooling mode computes: one plain sentence and its formula in LaTeX, and the Lp continuum.

The sentences and formulas follow what :func:`pooling.pool2d` and the other
core functions compute (PyTorch's definitions), not the popular paraphrases:
Lp pooling with ``p = 1`` is the *sum* of ``|x|`` (not the mean), and
``p = 2`` is the root of the sum of squares (it divides by no norm). Lp is
the one deliberate difference: the core raises ``|x|`` to the p, PyTorch's
``LPPool2d`` raises ``x`` itself (its ``p = 1`` is the plain sum and can be
negative); the two agree on non-negative inputs such as photos.
"""

import math
from dataclasses import dataclass

import numpy as np

from pooling.pool import pool2d

__all__ = ["FORMULAS", "LP_STEPS", "Formula", "LpRatios", "formula", "lp_ratios"]


@dataclass(frozen=True)
class Formula:
    """One pooling mode in words and in symbols.

    Attributes
    ----------
    title : str
    sentence : str
        What the mode does, in one plain sentence.
    latex : str
        Its formula, for ``st.latex`` (no surrounding ``$``).
    note : str
        A fine point the sentence leaves out (how it differs from PyTorch,
        where its randomness comes from), or ``""``.
    """

    title: str
    sentence: str
    latex: str
    note: str = ""


_W = r"(i, j) \in W"  # the cells of one window

FORMULAS = {
    "max": Formula(
        "Max", "Keeps the largest value in each window and drops the rest.",
        rf"y = \max_{{{_W}}} x_{{ij}}"),
    "min": Formula(
        "Min", "Keeps the smallest value in each window: dark details survive, bright ones vanish.",
        rf"y = \min_{{{_W}}} x_{{ij}}"),
    "avg": Formula(
        "Average", "Replaces each window by the mean of its cells, so every cell counts equally.",
        rf"y = \frac{{1}}{{|W|}} \sum_{{{_W}}} x_{{ij}}"),
    "lp": Formula(
        "Lp (p-norm)",
        "Takes the p-th root of the sum of |x|^p over the window: p = 1 is the sum of |x| (not the mean), "
        "p = 2 the root of the sum of squares, and a large p comes close to the largest |x|.",
        rf"y = \Bigl(\sum_{{{_W}}} |x_{{ij}}|^{{p}}\Bigr)^{{1/p}}, \qquad "
        r"p = 1: \ \sum |x_{ij}|, \qquad p \to \infty: \ \max |x_{ij}|",
        "PyTorch's LPPool2d raises x itself to the p; the two agree for non-negative inputs such as photos "
        "wherever PyTorch's float32 sum of x^p stays finite (for 0 to 255 pixels in a 2 × 2 window, below p = "
        "15.76). Beyond that PyTorch gives inf and this lab the true norm."),
    "stochastic-train": Formula(
        "Stochastic, training",
        "Picks one cell of each window at random, with a chance proportional to its value.",
        r"y = x_{k}, \qquad P(k = (i, j)) = \frac{x_{ij}}{\sum_{(a, b) \in W} x_{ab}}"),
    "stochastic-test": Formula(
        "Stochastic, test",
        "Uses the expected value of that random pick, so the output no longer changes from run to run.",
        rf"y = \sum_{{{_W}}} \frac{{x_{{ij}}}}{{\sum_{{(a, b) \in W}} x_{{ab}}}}\, x_{{ij}} "
        r"= \frac{\sum x_{ij}^2}{\sum x_{ij}}"),
    "fractional": Formula(
        "Fractional max",
        "Takes the max over windows whose starts step by a pseudo-random mix of sizes, so the image "
        "shrinks by a ratio such as 0.7 instead of a whole stride.",
        r"\begin{gathered} y_{ij} = \max_{r \in [a_i, a_i + k),\ c \in [b_j, b_j + k)} x_{rc} \\ "
        r"a_i = \lfloor (i + u)\,\alpha \rfloor - \lfloor u\,\alpha \rfloor \ \text{for } i < H_\text{out} - 1, "
        r"\qquad a_{H_\text{out} - 1} = H - k \\ "
        r"\alpha = \frac{H - k}{H_\text{out} - 1}, \qquad u \sim U[0, 1) \end{gathered}",
        "u is drawn once per plane and axis (one for the rows, another for the columns, whose starts follow the "
        "same rule with W), and the last window is forced to end at the edge (it starts at H − k), as PyTorch's "
        "generate_intervals does."),
    "global-max": Formula(
        "Global max", "Keeps the single largest value of each whole channel: one number per channel.",
        r"y_c = \max_{i, j} x_{c, ij}"),
    "global-avg": Formula(
        "Global average", "Averages each whole channel into one number, as at the end of most CNNs.",
        r"y_c = \frac{1}{H W} \sum_{i, j} x_{c, ij}"),
    "mixed": Formula(
        "Mixed", "Blends the window's max and its mean with a weight alpha.",
        rf"y = \alpha \max_{{{_W}}} x_{{ij}} + (1 - \alpha) \frac{{1}}{{|W|}} \sum_{{{_W}}} x_{{ij}}"),
    "antialiased": Formula(
        "Anti-aliased max",
        "Takes the max with stride 1, blurs the result with a small binomial filter, then keeps every "
        "stride-th value (Zhang 2019).",
        r"y = \operatorname{subsample}_s\bigl(B * \max_{k \times k,\ \text{stride } 1} x\bigr), \qquad "
        r"B = \tfrac{1}{16}\begin{bmatrix} 1 & 2 & 1 \\ 2 & 4 & 2 \\ 1 & 2 & 1 \end{bmatrix}"),
}

# p values from the sum (1) through L2 (2) towards the max (inf), spaced roughly evenly in log p.
LP_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 16.0, 32.0, math.inf)


def formula(name):
    """The :class:`Formula` of one gallery mode.

    Parameters
    ----------
    name : str
        A key of :data:`FORMULAS`.

    Returns
    -------
    Formula

    Examples
    --------
    >>> print(formula("avg").latex)
    y = \\frac{1}{|W|} \\sum_{(i, j) \\in W} x_{ij}
    >>> formula("lp").sentence.startswith("Takes the p-th root")
    True
    """
    if name not in FORMULAS:
        raise ValueError(f"name ({name!r}) must be one of {', '.join(FORMULAS)}")
    return FORMULAS[name]


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
