"""The Noise page's sentences that depend on the numbers."""

import numpy as np

__all__ = ["chart_level_words", "moved_words", "salt_words", "turned_white"]


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


def moved_words(label, moved_in, moved_out, changed):
    """One mode's line under its noisy row: how far its output moved against its input, and how much changed.

    Parameters
    ----------
    label : str
        The mode's name, e.g. ``"Max"``.
    moved_in, moved_out : float
        Mean ``|noisy - clean|`` of the input and of the output, each as a
        fraction of its own range.
    changed : float
        Share of output values that moved at all.

    Returns
    -------
    str
        "more than" the input when the output moved over 5% more, "less
        than" when over 5% less, else "about".

    Examples
    --------
    >>> print(moved_words("Max", 0.02, 0.05, 0.25))
    Max: the output moved 5.00% of its own range on average, more than the input's 2.00%; 25.0% of output
    values changed.
    >>> "about the input's 2.00%" in moved_words("Average", 0.02, 0.0201, 0.9)
    True
    """
    verdict = ("more than" if moved_out > moved_in * 1.05 else "less than" if moved_out < moved_in * 0.95
               else "about")
    return (f"{label}: the output moved {100 * moved_out:.2f}% of its own range on average, {verdict} the input's "
            f"{100 * moved_in:.2f}%; {100 * changed:.1f}% of output values changed.")


def chart_level_words(levels, level, reports):
    """What the noise chart shows at its level nearest ``level``: the input's change and each curve's.

    Parameters
    ----------
    levels : (L,) ndarray
        The chart's noise levels.
    level : float
        The level the page's slider shows.
    reports : dict of str to NoiseReport
        Each curve's label and its :func:`pooling.analysis.noise.compare_noise` report (at least one).

    Returns
    -------
    str

    Examples
    --------
    >>> from pooling.analysis.noise import compare_noise
    >>> x = np.full((8, 8), 100, np.uint8)
    >>> reps = compare_noise(x, [0.0, 0.1], {"Max": ("max", {"kernel_size": 2})}, kind="salt", rng=0)
    >>> chart_level_words(np.array([0.0, 0.1]), 0.08, reps)
    'On the chart at level 0.1: the input moved 5.70%; Max 22.79%.'
    """
    near = int(np.argmin(np.abs(np.asarray(levels) - level)))  # the chart's level nearest the slider's
    moved = {name: 100 * rep.output_change[near] for name, rep in reports.items()}
    base = 100 * next(iter(reports.values())).input_change[near]
    return (f"On the chart at level {levels[near]:g}: the input moved {base:.2f}%; "
            + ", ".join(f"{name} {value:.2f}%" for name, value in moved.items()) + ".")
