"""The Alternatives gallery's sentences that depend on the numbers: the Lp card's scale and the global poolings."""

__all__ = ["global_words", "lp_scale_words"]


def global_words(maxima, means):
    """One line per plane with its global max and average: red, green and blue for three planes.

    Parameters
    ----------
    maxima, means : (C,) array_like of float
        Each plane's global max and mean; ``C`` is 1 or 3.

    Examples
    --------
    >>> print(global_words([255, 200, 10], [127.5, 100.25, 3.33333]))
    red: max 255, average 127.5
    green: max 200, average 100.2
    blue: max 10, average 3.333
    >>> global_words([-0.5], [-2.0])
    'one plane: max -0.5, average -2'
    """
    names = ("red", "green", "blue") if len(maxima) == 3 else ("one plane",)
    return "\n".join(f"{n}: max {a:g}, average {b:.4g}" for n, a, b in zip(names, maxima, means))


def lp_scale_words(lp_top, top, n_taps):
    """What the Lp card's own colour scale is, against the shared one.

    Parameters
    ----------
    lp_top : float
        The top of the Lp card's scale (:func:`figures.gallery.lp_scale`).
    top : float
        The largest absolute value of the input: the shared scale's top.
    n_taps : int
        Cells in a window.

    Examples
    --------
    >>> lp_scale_words(510.0, 255.0, 4)[:69]
    'Its own scale, 0 to 510: what a window whose 4 cells all hold 255 giv'
    """
    return (f"Its own scale, 0 to {lp_top:.4g}: what a window whose {n_taps} cells all hold {top:g} gives. "
            f"On the shared 0 to {top:g} scale, p = 1 would be up to {n_taps} times too bright.")
