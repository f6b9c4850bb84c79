"""The Shift invariance page's sentences, each read from the numbers of a sweep of shifts.

Every function takes plain numbers (no Streamlit, no figures) and returns a
sentence. A share of NaN means "no output cell could be compared at that
shift": the sentences then say so instead of printing a number made from
no data.
"""

import math

import numpy as np

__all__ = ["and_list", "blur_against_max", "nothing_to_compare", "percent", "row_words", "shift_verdict", "sweep_words"]


def and_list(items):
    """Items as a list in words: ``a``, ``a and b``, ``a, b and c``.

    Examples
    --------
    >>> and_list([1]), and_list(["max", "average"]), and_list(range(3))
    ('1', 'max and average', '0, 1 and 2')
    """
    items = [str(i) for i in items]
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def percent(unchanged):
    """A share unchanged as a percentage rounded down, so that 2 changed values never read as 100%.

    Examples
    --------
    >>> percent(0.99999), percent(1.0), percent(0.125)
    (99.9, 100.0, 12.5)
    """
    if not math.isfinite(unchanged):
        raise ValueError(f"unchanged ({unchanged!r}) must be a finite share; NaN means nothing was compared")
    return math.floor(1000 * unchanged) / 10


def row_words(label, unchanged, count, change, offset):
    """One mode's line under its row at one shift: the share of compared values unchanged, the mean change, and
    how many whole cells the output moved.

    Parameters
    ----------
    label : str
        The mode's name.
    unchanged : float
        Share of the compared output values that stayed the same.
    count : int
        How many output values were compared (0: none could be).
    change : float
        Mean ``|change|`` of the compared values.
    offset : (int, int)
        Whole output cells the output moved, down and right.

    Returns
    -------
    str

    Examples
    --------
    >>> print(row_words("Max", 0.75, 1200, 3.25, (0, 1)))
    Max: 75.0% of 1,200 compared output values unchanged (300 changed); mean |change| 3.25; output moved by 0 × 1
    whole cells.
    >>> row_words("Max", float("nan"), 0, float("nan"), (0, 0))
    'No output cell could be compared: the image is too small for this shift and layer.'
    """
    if count == 0:
        return "No output cell could be compared: the image is too small for this shift and layer."
    changed = round((1 - unchanged) * count)
    return (f"{label}: {percent(unchanged):.1f}% of {count:,} compared output values unchanged ({changed:,} changed); "
            f"mean |change| {change:.3g}; output moved by {offset[0]} × {offset[1]} whole cells.")


def nothing_to_compare(input_hw, dy):
    """What the page says when no shift of this sweep leaves an output cell to compare.

    Examples
    --------
    >>> nothing_to_compare((4, 4), 0)[:58]
    'On this 4 × 4 input every output window touches the border'
    """
    return (f"On this {input_hw[0]} × {input_hw[1]} input every output window touches the border or a wrapped "
            f"pixel at dy = {dy} and every dx shown, so there is nothing to compare. Use a larger grid or a photo.")


def shift_verdict(dxs, unchanged, stride, dy, fresh=()):
    """What a sweep over dx (at one dy) shows, in words, from its shares of unchanged outputs.

    Parameters
    ----------
    dxs : (N,) array_like of int
        The horizontal shifts of the sweep.
    unchanged : dict of str to (N,) array_like of float
        Each mode's label and its share of unchanged outputs at each dx;
        NaN where nothing could be compared.
    stride : int
        The layer's stride along both axes.
    dy : int
        The vertical shift of the whole sweep.
    fresh : collection of str, optional
        Labels of modes that draw fresh random picks for the shifted image
        (training-time stochastic pooling), which no shift is expected to
        leave alone.

    Returns
    -------
    str or None
        None when no mode has a single compared value at any dx.

    Notes
    -----
    What holds in general: a shift by whole strides moves every window's
    content to the next window, so away from the borders the output only
    moves over by whole cells. Any other shift may change outputs or not,
    depending on the image. The sentence states the guarantee and then lets
    the numbers say what happened on this image.

    Examples
    --------
    >>> print(shift_verdict([0, 1, 2], {"Max": [1.0, 0.5, 1.0]}, 2, 0))
    dy = 0 is a whole number of strides: every mode compared is back to 100% at dx = 0 and 2, where the output only moves over by whole cells. In between, the share drops as low as 50.0% (Max at dx = 1): the phase of the stride at work.
    >>> print(shift_verdict([0, 1, 2], {"Max": [1.0, 1.0, 1.0], "Blur": [np.nan] * 3}, 2, 1))
    dy = 1 is not a whole number of strides, so no dx is guaranteed to bring the outputs back. On this image, though, every mode compared stays 100% unchanged at dx = 0, 1 and 2: its content repeats, or is flat, at this phase. Blur had nothing to compare: every one of its output windows touches the border or a wrapped pixel.
    """
    dxs = np.asarray(dxs, dtype=np.int64)
    shares = {label: np.asarray(values, dtype=np.float64) for label, values in unchanged.items()}
    measured = {label: np.isfinite(values) for label, values in shares.items()}
    if not any(ok.any() for ok in measured.values()):
        return None
    blind = [label for label, ok in measured.items() if not ok.any()]
    shares = {label: values for label, values in shares.items() if label not in blind}
    if dy % stride == 0:
        text = _whole_dy(dxs, shares, measured, stride, dy, set(fresh))
    else:
        text = _between_dy(dxs, shares, measured, dy)
    if blind:
        text += (f" {and_list(blind)} had nothing to compare: every one of {'their' if len(blind) > 1 else 'its'} "
                 "output windows touches the border or a wrapped pixel.")
    return text


def _whole_dy(dxs, shares, measured, stride, dy, fresh):
    whole = dxs % stride == 0
    seen = [label for label in shares if (measured[label] & whole).any()]
    lost = [label for label in seen if (shares[label][measured[label] & whole] < 1).any()]
    kept = [label for label in seen if label not in lost]
    text = f"dy = {dy} is a whole number of strides: "
    if kept:
        every = len(kept) == len(shares)
        only_fresh_lost = bool(lost) and set(lost) <= fresh
        who = ("every mode compared is" if every else "every deterministic mode compared is" if only_fresh_lost
               else f"{and_list(kept)} {'are' if len(kept) > 1 else 'is'}")
        at = sorted({int(x) for label in kept for x in dxs[measured[label] & whole]})
        text += f"{who} back to 100% at dx = {and_list(at)}, where the output only moves over by whole cells."
    else:
        text += "no mode shown is back to 100% at a whole-stride dx on this image."
    between = [(percent(shares[label][n]), label, int(dxs[n]))
               for label in shares for n in np.flatnonzero(measured[label] & ~whole)]
    if between:
        low, label, x = min(between)
        text += (f" In between, the share drops as low as {low:.1f}% ({label} at dx = {x}): the phase of the stride "
                 "at work." if low < 100 else
                 " In between, nothing changed on this image either: a shift off the stride may change outputs, "
                 "but here it did not.")
    for label in lost:
        ok = np.flatnonzero(measured[label] & whole)
        n = ok[np.argmin(shares[label][ok])]
        text += f" {label} is not: {percent(shares[label][n]):.1f}% unchanged at dx = {int(dxs[n])}."
        if label in fresh:
            text += (" In training it draws its random picks afresh for the shifted image, so even a whole-stride "
                     "shift changes which cell many windows keep.")
    return text


def _between_dy(dxs, shares, measured, dy):
    text = f"dy = {dy} is not a whole number of strides, so no dx is guaranteed to bring the outputs back."
    all_kept = [int(x) for n, x in enumerate(dxs)
                if all(measured[label][n] for label in shares) and all(shares[label][n] == 1 for label in shares)]
    if all_kept:
        return (text + f" On this image, though, every mode compared stays 100% unchanged at dx = {and_list(all_kept)}: "
                "its content repeats, or is flat, at this phase.")
    best, label, x = max((percent(shares[label][n]), label, int(dxs[n]))
                         for label in shares for n in np.flatnonzero(measured[label]))
    return text + f" On this image the most that stays unchanged is {best:.1f}% ({label} at dx = {x})."


def blur_against_max(blurred, plain):
    """Anti-aliased max against plain max, from their mean changes over the shifts between whole strides.

    Parameters
    ----------
    blurred, plain : array_like of float
        Mean ``|change|`` at each in-between shift; NaN where nothing was
        compared.

    Returns
    -------
    str or None
        None when either has no compared value.

    Examples
    --------
    >>> blur_against_max([0.5, 1.5], [2.0, 2.0])[:77]
    'On this image, between whole strides, anti-aliased max changes by 50% as much'
    >>> blur_against_max([0.0], [0.0])
    'On this image, between whole strides, neither anti-aliased max nor plain max changed any output.'
    """
    blurred, plain = (np.asarray(v, dtype=np.float64) for v in (blurred, plain))
    if not (np.isfinite(blurred).any() and np.isfinite(plain).any()):
        return None
    b, p = float(np.nanmean(blurred[np.isfinite(blurred)])), float(np.nanmean(plain[np.isfinite(plain)]))
    start = "On this image, between whole strides, "
    if b == 0 and p == 0:
        return start + "neither anti-aliased max nor plain max changed any output."
    if p == 0:
        how = f"anti-aliased max changes its outputs ({b:.3g} on average) while plain max changes none"
    elif b == 0:
        how = f"anti-aliased max changes none of its outputs while plain max changes by {p:.3g} on average"
    else:
        with np.errstate(over="ignore"):
            ratio = np.float64(b) / np.float64(p)
        times = f"by {ratio:.0%} as much as" if ratio < 1e4 else "by far more than"
        how = f"anti-aliased max changes {times} plain max on average ({b:.3g} against {p:.3g})"
    return (start + how + ". Exact equality is a hard test for anything that blurs or averages: almost any change "
            "in a window moves its result a little.")


def sweep_words(dxs, unchanged, stride, dy, *, fresh=(), changes=None):
    """What the sweep's chart shows: :func:`shift_verdict` (with a note at stride 1), then, when the chart has both,
    :func:`blur_against_max` over the shifts between whole strides.

    Parameters
    ----------
    dxs, unchanged, stride, dy, fresh
        As :func:`shift_verdict` takes them.
    changes : (array_like, array_like), optional
        Anti-aliased max's and plain max's mean ``|change|`` at each dx; None when the chart lacks either.

    Returns
    -------
    list of str or None
        One paragraph each; None when no mode had anything to compare (:func:`nothing_to_compare` says why).

    Examples
    --------
    >>> said = sweep_words([0, 1, 2], {"Max": [1.0, 0.5, 1.0]}, 2, 0, changes=([0.0, 0.5, 0.0], [0.0, 1.0, 0.0]))
    >>> len(said), said[1][:77]
    (2, 'On this image, between whole strides, anti-aliased max changes by 50% as much')
    >>> sweep_words([0, 1], {"Max": [1.0, 1.0]}, 1, 0)[0].endswith("the price: the image does not shrink.")
    True
    >>> sweep_words([0, 1, 2], {"Max": [float("nan")] * 3}, 2, 0) is None
    True
    """
    verdict = shift_verdict(dxs, unchanged, stride, dy, fresh=fresh)
    if verdict is None:
        return None
    said = [verdict + (" With stride 1 every shift is a whole stride; the price: the image does not shrink."
                       if stride == 1 else "")]
    between = np.asarray(dxs) % stride != 0
    if changes is not None and between.any():
        if sentence := blur_against_max(*(np.asarray(c, dtype=np.float64)[between] for c in changes)):
            said.append(sentence)
    return said
