"""The Noise page's sentences that depend on the numbers."""

import numpy as np

__all__ = ["salt_words", "turned_white"]


def turned_white(clean, noisy, top):
    """How many pooled values reached ``top`` (white) only once noise was added, and how many values there are.

    Examples
    --------
    >>> turned_white(np.array([0.0, 255.0, 10.0]), np.array([255.0, 255.0, 60.0]), 255.0)
    (1, 3)
    """
    clean, noisy = np.asarray(clean, dtype=np.float64), np.asarray(noisy, dtype=np.float64)
    return int(np.count_nonzero((noisy >= top) & ~(clean >= top))), int(noisy.size)


def salt_words(white):
    """What salt did to each mode's output, from :func:`turned_white` counts per mode label.

    Max pooling keeps the largest value of each window, so one white speck
    turns its whole output cell white: that much holds for any image. How
    many cells each mode turned white is read from the numbers.

    Parameters
    ----------
    white : dict of str to (int, int)
        Each mode's label and its ``(turned white, output values)``.

    Returns
    -------
    str

    Examples
    --------
    >>> salt_words({"Max": (120, 1000), "Average": (0, 1000)})[-52:]
    'Max 12.0% (120 of 1,000), Average 0.0% (0 of 1,000).'
    """
    text = ("Salt is max pooling's weak spot: max keeps the largest value of each window, so one white speck turns "
            "its whole output cell white. Averaging spreads a speck over its window instead.")
    counted = {label: (n, total) for label, (n, total) in white.items() if total}
    if not counted:
        return text
    return text + " Output values turned white by the noise here: " + ", ".join(
        f"{label} {n / total:.1%} ({n:,} of {total:,})" for label, (n, total) in counted.items()) + "."
