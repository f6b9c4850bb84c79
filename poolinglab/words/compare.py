"""Max vs Average's sentences that depend on the numbers, read from the pooled values."""

import numpy as np

__all__ = ["max_against_average"]

_BLOCK = 1 << 15  # values compared at a time: float64 temporaries that stay in cache


def _count_below(top, mean):
    """How many ``top < mean - 1e-9 * |mean|``, both in float64, block by block (12 MP: 9 million values)."""
    below = 0
    size = min(_BLOCK, top.size)
    t, m, limit = np.empty(size), np.empty(size), np.empty(size)
    with np.errstate(invalid="ignore"):
        for start in range(0, top.size, _BLOCK):  # blocks of values, each vectorised
            n = min(_BLOCK, top.size - start)
            np.copyto(t[:n], top[start:start + n], casting="unsafe")
            np.copyto(m[:n], mean[start:start + n], casting="unsafe")
            np.abs(m[:n], out=limit[:n])
            np.multiply(limit[:n], 1e-9, out=limit[:n])
            np.subtract(m[:n], limit[:n], out=limit[:n])  # mean - 1e-9 * |mean|
            below += int(np.count_nonzero(np.less(t[:n], limit[:n])))
    return below


def max_against_average(max_values, avg_values, *, padding_counted=False, divisor_override=None):
    """Whether max came out at or above the average in every window, in words, from the two pooled outputs.

    For the real cells of one window the largest is never below their mean.
    Two settings make PyTorch's "average" something else: zero padding
    counted in the divisor (``count_include_pad``), which pulls a window of
    negative numbers up towards 0, and ``divisor_override``, which divides
    the sum by another number. The sentence counts what happened and names
    the setting that can explain it.

    Parameters
    ----------
    max_values, avg_values : (C, h, w) array_like
        The same layer's max and average pooling of one input.
    padding_counted : bool, optional
        The layer pads and counts the padding in the average.
    divisor_override : int, optional
        The layer's divisor override, if any.

    Returns
    -------
    str

    Examples
    --------
    >>> max_against_average([[[4.0, 2.0]]], [[[2.5, 2.0]]])
    'Here max is at or above the average in all 2 output values, as it must be for the real cells of a window.'
    >>> max_against_average([[[-1.0]]], [[[-0.5]]], padding_counted=True)[:56]
    'Here max is below the average in 1 of 1 output values (1'
    """
    top, mean = np.asarray(max_values), np.asarray(avg_values)
    if top.shape != mean.shape:
        raise ValueError(f"max_values {top.shape} and avg_values {mean.shape} must have one shape")
    total = top.size
    if total == 0:
        return "There are no output values to compare."
    below = _count_below(top.reshape(-1), mean.reshape(-1))
    if below == 0:
        return (f"Here max is at or above the average in all {total:,} output values, as it must be for the real "
                "cells of a window.")
    causes = []
    if padding_counted:
        causes.append("the zero padding counts in the average (count_include_pad), which pulls windows of "
                      "negative numbers up towards 0")
    if divisor_override:
        causes.append(f"the divisor override divides each window's sum by {divisor_override}, not by its count")
    why = ("; ".join(causes) if causes else
           "the average here is not the mean of the window's real cells")
    return (f"Here max is below the average in {below:,} of {total:,} output values ({below / total:.0%}): {why}. "
            "For the real cells of one window, the largest is never below their mean.")
