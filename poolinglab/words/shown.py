"""What a page says when it shows an image as block means, fewer pixels than the image has."""

__all__ = ["block_words", "shrunk_size"]


def shrunk_size(hw, side):
    """The block side and the size :func:`figures.maps.block_mean` gives an ``hw`` image at most ``side`` long.

    Returns
    -------
    factor : int
    shrunk_hw : (int, int)

    Examples
    --------
    >>> shrunk_size((512, 512), 400), shrunk_size((768, 1024), 400), shrunk_size((300, 200), 400)
    ((2, (256, 256)), (3, (256, 341)), (1, (300, 200)))
    """
    h, w = hw
    factor = max(1, -(-max(h, w) // side))
    return factor, (max(1, h // factor), max(1, w // factor))


def block_words(full_hw, shown_hw, factor, what, why, *, full_parts=""):
    """The sentence that says images are shown as block means: the block, both sizes, why, and where every pixel is.

    Parameters
    ----------
    full_hw, shown_hw : (int, int)
        Rows and columns of the image and of what is shown.
    factor : int
        The side of the blocks (:func:`figures.maps.block_mean`'s factor).
    what : str
        What is shown so, e.g. ``"The photos below are"``.
    why : str
        Why, as a clause, e.g. ``"they show at most about 400 pixels high on screen"``.
    full_parts : str, optional
        A sentence naming what still has every pixel, if anything does.

    Returns
    -------
    str
        Empty when ``factor`` is 1: nothing is shrunk, nothing to say.

    Examples
    --------
    >>> print(block_words((512, 512), (256, 256), 2, "The photos below are", "they show about 400 pixels high"))
    The photos below are shown as means of 2 × 2 pixel blocks, 256 × 256 for the image's 512 × 512 pixels: they
    show about 400 pixels high.
    >>> block_words((300, 200), (300, 200), 1, "The photos below are", "they fit")
    ''
    """
    if factor == 1:
        return ""
    (h, w), (sh, sw) = full_hw, shown_hw
    text = (f"{what} shown as means of {factor} × {factor} pixel blocks, {sh:,} × {sw:,} for the image's "
            f"{h:,} × {w:,} pixels: {why}.")
    return f"{text} {full_parts}" if full_parts else text
