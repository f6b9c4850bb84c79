"""Stacked pooling's sentences that depend on the numbers."""

import math

__all__ = ["curve_words"]


def _error(value):
    return "no deep cell to measure" if math.isnan(value) else f"{value:.1f} px"


def curve_words(label, curve):
    """One line on a localisation curve: its mean error after the first and the last round, and what was left out.

    Deep cells whose value occurs more than once in their receptive field
    copy the pixel the tie rule picks (the first of each window), so they
    are left out of the mean; the line says how many.

    Parameters
    ----------
    label : str
        e.g. ``"Stride 2"``.
    curve : pooling.analysis.stacking.DepthLocalisation

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.analysis.stacking import localisation_by_stride
    >>> curve_words("Stride 2", localisation_by_stride(np.arange(64).reshape(8, 8), [2])[2])
    'Stride 2: 0.7 px after 1 round, 4.9 px after 3; no deep cell was left out for a tie.'
    >>> curve_words("Stride 2", localisation_by_stride(np.zeros((8, 8)), [2])[2])[:78]
    'Stride 2: no deep cell to measure after 1 round, no deep cell to measure after'
    """
    first, last, depth = float(curve.mean_error[0]), float(curve.mean_error[-1]), int(curve.depth[-1])
    text = f"{label}: {_error(first)} after 1 round"
    if depth > 1:
        text += f", {_error(last)} after {depth}"
    tied_first, tied_last = float(curve.tied[0]), float(curve.tied[-1])
    if tied_first == 0 and tied_last == 0:
        return text + "; no deep cell was left out for a tie."
    left_out = f"{tied_first:.0%} after 1 round" + (f", {tied_last:.0%} after {depth}" if depth > 1 else "")
    return (text + f"; left out, because their value occurs more than once in their receptive field (the tie "
            f"rule, not the image, picks their pixel): {left_out}.")
