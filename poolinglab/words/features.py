"""The Feature maps page's sentences, each built from the numbers the core computed.

Plain numbers in, a sentence out: no Streamlit, no figures. NaN means "no
data" (a map that is all zero, no detection to follow); the sentences then
say so in words instead of printing a number made from nothing.
"""

import math

import numpy as np

from .shift import and_list, percent

__all__ = ["custom_sentence", "detection_words", "kept_words", "no_map_words", "peak_words", "persistence_verdict",
           "sizes_words", "sparsity_words", "stage_words"]


def _pct(share):
    return f"{percent(share):g}%"


def sparsity_words(label, shares):
    """How much of each map is zero, e.g. after ReLU and after each pooling.

    Parameters
    ----------
    label : str
        The filter's name.
    shares : dict of str to float
        Each map's name and its share of zeros (0 to 1).

    Examples
    --------
    >>> sparsity_words("Sobel", {"after ReLU": 0.9, "max-pooled": 0.75})
    'Sobel: 90% of the cells are 0 after ReLU, 75% max-pooled.'
    """
    parts = [f"{_pct(share)} of the cells are 0 {name}" if n == 0 else f"{_pct(share)} {name}"
             for n, (name, share) in enumerate(shares.items())]
    return f"{label}: {', '.join(parts)}."


def peak_words(survival, window_cells):
    """What a lone strong response keeps through each pooling, from :func:`pooling.analysis.features.peak_survival`.

    Parameters
    ----------
    survival : dict of str to float
        Each mode's label and the share of a lone response of 1 it keeps.
    window_cells : int
        Cells in one window (``kh * kw``).

    Examples
    --------
    >>> print(peak_words({"Max": 1.0, "Average": 0.25}, 4))
    A lone response of 1 on a map of zeros comes out of Max as 1 (100%) and of Average as 0.25
    (25%, divided by 4: the window has 4 cells and the other 3 are 0).
    """
    parts = []
    for label, share in survival.items():
        if not math.isfinite(share):
            parts.append(f"{label} (not measured)")
            continue
        text = f"{label} as {share:.3g} ({_pct(min(share, 1.0)) if share <= 1 else f'{share:.3g} times'}"
        if 0 < share < 1:
            divisor = 1 / share
            text += f", divided by {divisor:.3g}"
            if math.isclose(divisor, window_cells, rel_tol=1e-9):
                text += f": the window has {window_cells} cells and the other {window_cells - 1} are 0"
        elif share == 0:
            text += ": none of it"
        parts.append(text + ")")
    return "A lone response of 1 on a map of zeros comes out of " + " and of ".join(parts) + "."


def kept_words(label, kept):
    """How much of a map's strongest response each pooling keeps, from :func:`pooling.analysis.features.strongest_kept`.

    Examples
    --------
    >>> kept_words("Sobel", {"max": 1.0, "average": 0.4})
    'Sobel: its strongest response keeps 100% of its height after max pooling, 40% after average pooling.'
    >>> kept_words("Sobel", {"max": float("nan"), "average": float("nan")})[:40]
    'Sobel: this feature map is 0 everywhere '
    """
    if not all(math.isfinite(v) for v in kept.values()):
        return (f"{label}: this feature map is 0 everywhere after ReLU, so there is no response to keep. "
                "Raise the bias (towards 0) or choose another image.")
    parts = [f"{_pct(v)} after {name} pooling" for name, v in kept.items()]
    return f"{label}: its strongest response keeps {parts[0].replace(' after', ' of its height after', 1)}" + (
        ", " + ", ".join(parts[1:]) if len(parts) > 1 else "") + "."


def _mean_share(shares, where):
    values = np.asarray(shares, dtype=np.float64)[where]
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else math.nan


def persistence_verdict(shifts, stride, shares, *, raw):
    """What the shift test shows: do pooled detections stay on more often than the raw map's?

    Parameters
    ----------
    shifts : (S,) array_like of int
        The shifts tested, in pixels (1 to 2 x stride).
    stride : int
        The pooling's stride (along the shift).
    shares : dict of str to (S,) array_like of float
        Each map's label (the raw feature map's among them) and its share of
        detections still on at each shift; NaN where it had no detection.
    raw : str
        The raw feature map's label in ``shares``.

    Returns
    -------
    str

    Examples
    --------
    >>> print(persistence_verdict([1, 2], 2, {"the raw map": [0.5, 0.25], "max": [0.75, 0.5]}, raw="the raw map"))
    Moved by shifts between whole strides (1 px), max keeps 75% of its detections on in place, the raw map
    50%: pooling keeps more (max). Moved by whole strides (2 px), the pooled grid moves by whole cells too:
    max keeps 50%, the raw map 25%.
    >>> persistence_verdict([1, 2], 2, {"the raw map": [np.nan] * 2, "max": [np.nan] * 2}, raw="the raw map")[:45]
    'No cell of the raw map is above the threshold'
    """
    shifts = np.asarray(shifts)
    if not np.isfinite(np.asarray(shares[raw], dtype=np.float64)).any():
        return ("No cell of the raw map is above the threshold on this image, so there is no detection to follow. "
                "Lower the detection threshold or raise the bias.")
    pooled = [label for label in shares if label != raw]
    silent = [label for label in pooled if not np.isfinite(np.asarray(shares[label], dtype=np.float64)).any()]
    measured = [label for label in pooled if label not in silent]
    sentences = []
    between = shifts % stride != 0
    groups = ((between, "Moved by shifts between whole strides" if stride > 1 else None),
              (~between, "Moved by whole strides"))
    for where, opening in groups:
        if not where.any() or opening is None or not measured:
            continue
        px = and_list(shifts[where])
        raw_share = _mean_share(shares[raw], where)
        mean = {label: _mean_share(shares[label], where) for label in measured}
        mean = {label: v for label, v in mean.items() if math.isfinite(v)}
        if not mean or not math.isfinite(raw_share):  # no detection to follow at these shifts
            continue
        listed = ", ".join(f"{label} {'keeps ' if n == 0 else ''}{_pct(v)}" for n, (label, v) in enumerate(
            mean.items()))
        average = " on average" if where.sum() > 1 else ""
        if where is between:
            more = [label for label, v in mean.items() if v > raw_share]
            verdict = (f"pooling keeps more ({and_list(more)})" if len(more) == len(mean) else
                       f"only {and_list(more)} keep{'s' if len(more) == 1 else ''} more" if more else
                       "no pooling keeps more than the raw map")
            whose = "its" if len(mean) == 1 else "their"
            sentences.append(f"{opening} ({px} px), {listed} of {whose} detections on in place{average}, "
                             f"{raw} {_pct(raw_share)}: {verdict}.")
        else:
            lead = ("With stride 1 every shift is a whole stride: the pooled map moves with the photo, as the raw "
                    "map does" if stride == 1 else f"{opening} ({px} px), the pooled grid moves by whole cells too")
            sentences.append(f"{lead}: {listed}{average}, {raw} {_pct(raw_share)}.")
    if not measured or not sentences and not silent:
        sentences.insert(0, "No pooled detection can be followed at these shifts, so there is nothing to set "
                            "against the raw map. Lower the detection threshold or raise the bias.")
    if silent:
        sentences.append(f"{and_list(silent)} {'has' if len(silent) == 1 else 'have'} no detection above the "
                         "threshold at all: averaging spreads every peak below it.")
    return " ".join(sentences)


def custom_sentence(kernel):
    """What the page says under a typed kernel, read from its weights.

    Examples
    --------
    >>> print(custom_sentence(np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1.0]])))
    Your kernel, used as typed: its weights add up to 0 (a flat image answers 0); its positive weights add up
    to 3, so a response can reach 3 on a photo scaled to 0..1.
    """
    k = np.asarray(kernel, dtype=np.float64)
    total, positive = float(k.sum()), float(k[k > 0].sum())
    flat = "a flat image answers 0" if total == 0 else f"a flat image of brightness b answers {total:g} × b"
    reach = (f"its positive weights add up to {positive:g}, so a response can reach {positive:g} on a photo scaled "
             "to 0..1" if positive > 0 else "it has no positive weight, so on a photo scaled to 0..1 every response "
             "is 0 or less and the ReLU leaves nothing")
    return f"Your kernel, used as typed: its weights add up to {total:g} ({flat}); {reach}."


def detection_words(counts):
    """How many detections each map had before the shift test moved the photo, over every filter.

    Parameters
    ----------
    counts : dict of str to int
        Each map's label (the raw map first) and its number of detections.

    Returns
    -------
    str

    Examples
    --------
    >>> detection_words({"the raw feature map": 12345, "max": 310})
    'Detections before the shift, over every filter: the raw feature map 12,345, max 310.'
    """
    return ("Detections before the shift, over every filter: "
            + ", ".join(f"{label} {int(n):,}" for label, n in counts.items()) + ".")


def stage_words(label, sparsity, kept, *, plane=0):
    """One filter's line under its maps: :func:`sparsity_words` after ReLU and after each pooling, then
    :func:`kept_words`.

    Parameters
    ----------
    label : str
        The filter's name.
    sparsity : dict
        ``"maps"``, ``"max"`` and ``"avg"``: each plane's share of zeros after ReLU, max- and average-pooled.
    kept : dict
        ``"max"`` and ``"avg"``: each plane's share of its strongest response kept by each pooling.
    plane : int, optional
        The plane the line is about.

    Examples
    --------
    >>> stage_words("Sobel", {"maps": [0.9], "max": [0.75], "avg": [0.75]}, {"max": [1.0], "avg": [0.4]})[:66]
    'Sobel: 90% of the cells are 0 after ReLU, 75% max-pooled, 75% aver'
    """
    zeros = {"after ReLU": sparsity["maps"][plane], "max-pooled": sparsity["max"][plane],
             "average-pooled": sparsity["avg"][plane]}
    return (sparsity_words(label, zeros) + " "
            + kept_words(label, {"max": kept["max"][plane], "average": kept["avg"][plane]}))


def sizes_words(steps):
    """The stage's sizes in one line, from :func:`poolinglab.layer_code.stage_sizes`.

    Examples
    --------
    >>> sizes_words([("photo", (10, 12)), ("conv 3 × 3", (8, 10))])
    'Sizes (rows × columns): photo 10 × 12 → conv 3 × 3 8 × 10'
    """
    return "Sizes (rows × columns): " + " → ".join(f"{step} {h} × {w}" for step, (h, w) in steps)


def no_map_words(input_hw, side):
    """Why there is no feature map: the image is smaller than the ``side`` × ``side`` filters.

    Examples
    --------
    >>> no_map_words((4, 9), 5)[:58]
    'The image (4 × 9) is smaller than the 5 × 5 filters, so th'
    """
    return (f"The image ({input_hw[0]} × {input_hw[1]}) is smaller than the {side} × {side} filters, so there is no "
            "feature map. Choose a photo, or type a larger grid.")
