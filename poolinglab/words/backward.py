"""The Backward pass page's sentences that depend on the numbers: how much gradient each mode hands on, and why."""

import numpy as np

__all__ = ["overlap_words", "route_words", "sum_reason", "sums_note"]


def route_words(title, grad, upstream_sum):
    """One mode's line: how many input cells get a gradient, and its sum against the upstream gradient's.

    Parameters
    ----------
    title : str
        The mode's name on the page.
    grad : (H, W) ndarray
        The input gradient that mode hands back.
    upstream_sum : float
        The sum of the gradient that reached the outputs.

    Returns
    -------
    str

    Examples
    --------
    >>> route_words("max", np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0)
    'max: 1 of 4 input cells get a gradient; it sums to 1 (the upstream gradient sums to 1).'
    """
    return (f"{title}: {int(np.count_nonzero(grad))} of {grad.size} input cells get a gradient; "
            f"it sums to {grad.sum():.4g} (the upstream gradient sums to {upstream_sum:.4g}).")


def sum_reason(layer):
    """Why a mode's input gradient need not sum to the upstream gradient.

    Parameters
    ----------
    layer : poolinglab.settings.PoolSettings
        The mode's layer: its mode, ``train``, ``divisor_override`` and ``p`` decide.

    Returns
    -------
    str
        A clause, to follow a colon.

    Examples
    --------
    >>> from poolinglab.settings import PoolSettings
    >>> sum_reason(PoolSettings(mode="avg", divisor_override=3))
    'it divides by divisor_override (3), not by the number of cells it shares the gradient among'
    """
    if layer.mode == "lp":
        return ("Lp pooling does not share its gradient out: each cell of a window gets the upstream gradient times "
                "(|x| / Lp)^(p − 1) and the sign of x, and those factors need not add up to 1; at p = 1, Lp is the "
                "plain sum of |x|, so every nonzero cell gets the whole gradient")
    if layer.mode == "stochastic" and not layer.train:
        return ("at test time its output is the sum of x² over the sum of x, a nonlinear function of the window, "
                "and the gradient is that function's derivative at this input, which need not sum to the gradient "
                "that came from above")
    if layer.mode == "avg" and layer.divisor_override:
        return (f"it divides by divisor_override ({layer.divisor_override}), not by the number of cells it shares "
                "the gradient among")
    return ("part of it fell on padding (average pooling, and the average in mixed, counts padding in its divisor "
            "and sends that share to cells that do not exist)")


def sums_note(sums, layers, upstream):
    """Which modes hand on exactly the upstream gradient's sum, and why the others do not, from the numbers.

    Parameters
    ----------
    sums : dict of str to float
        Each mode's title and the sum of the input gradient it hands back.
    layers : dict of str to poolinglab.settings.PoolSettings
        Each title's layer, for :func:`sum_reason`.
    upstream : float
        The upstream gradient's sum.

    Returns
    -------
    str

    Examples
    --------
    >>> from poolinglab.settings import PoolSettings
    >>> print(sums_note({"max": 9.0, "average": 6.0}, {"max": PoolSettings(), "average": PoolSettings(mode="avg")},
    ...                 9.0))
    The sums match for max: each window hands on exactly the gradient it got. Average sums to 6, not 9: part of it
    fell on padding (average pooling, and the average in mixed, counts padding in its divisor and sends that share
    to cells that do not exist).
    """
    same = [title for title, total in sums.items() if np.isclose(total, upstream, rtol=1e-9, atol=1e-9)]
    names = ", ".join(same[:-1]) + " and " * (len(same) > 1) + "".join(same[-1:])
    notes = [f"The sums match for {names}: each window hands on exactly the gradient it got."] if same else []
    notes += [f"{title.capitalize()} sums to {total:.4g}, not {upstream:.4g}: {sum_reason(layers[title])}."
              for title, total in sums.items() if title not in same]
    return " ".join(notes)


def overlap_words(heard_twice):
    """What overlapping windows do to the gradient, from how many cells each mode sends it to from two or more outputs.

    Parameters
    ----------
    heard_twice : dict of str to int
        Each mode's title and its number of input cells that get gradient from two or more outputs.

    Returns
    -------
    sentence : str
    counts : str or None
        One line of the counts, when any cell hears from two or more outputs; None when none does.

    Examples
    --------
    >>> overlap_words({"max": 0, "average": 0})[1] is None
    True
    >>> overlap_words({"max": 3, "average": 9})[1]
    'max: 3 cell(s) from two or more outputs; average: 9 cell(s) from two or more outputs'
    """
    if max(heard_twice.values(), default=0) == 0:
        return ("No cell hears from more than one output: these windows do not overlap, so each cell gets at most "
                "one window's gradient. Make the stride smaller than the kernel to see gradients add up."), None
    return ("Where windows overlap, one input cell sits in several windows and receives the sum of their "
            "gradients. A strong cell that wins several max windows gets several gradients, and a cell that "
            "wins none gets no gradient at all from this layer, for this input."), "; ".join(
        f"{title}: {n} cell(s) from two or more outputs" for title, n in heard_twice.items())
