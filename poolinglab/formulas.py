"""What each pooling mode computes: one plain sentence and its formula in LaTeX.

The sentences and formulas follow what :func:`pooling.pool2d` and the other
core functions compute (PyTorch's definitions), not the popular paraphrases:
Lp pooling with ``p = 1`` is the *sum* of ``|x|`` (not the mean), and
``p = 2`` is the root of the sum of squares (it divides by no norm). Lp is
the one deliberate difference: the core raises ``|x|`` to the p, PyTorch's
``LPPool2d`` raises ``x`` itself (its ``p = 1`` is the plain sum and can be
negative); the two agree on non-negative inputs such as photos.
"""

from dataclasses import dataclass

__all__ = ["FORMULAS", "Formula", "formula"]


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
    "blurmax": Formula(
        "Anti-aliased max",
        "Takes the max with stride 1, blurs the result with a small binomial filter, then keeps every "
        "stride-th value (Zhang 2019).",
        r"y = \operatorname{subsample}_s\bigl(B * \max_{k \times k,\ \text{stride } 1} x\bigr), \qquad "
        r"B = \tfrac{1}{16}\begin{bmatrix} 1 & 2 & 1 \\ 2 & 4 & 2 \\ 1 & 2 & 1 \end{bmatrix}"),
}

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


