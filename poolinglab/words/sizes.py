"""What a page says when it computes on a smaller copy of a big image than the one chosen."""

__all__ = ["copy_words"]


def copy_words(full_hw, copy_hw, what, why, *, full_parts=""):
    """The sentence that says a page works on a copy: the sizes, why, and what still uses every pixel.

    Parameters
    ----------
    full_hw, copy_hw : (int, int)
        Rows and columns of the image and of the copy.
    what : str
        What runs on the copy, e.g. ``"This gallery pools"``.
    why : str
        Why, as a clause, e.g. ``"its cards show at most 256 pixels a side"``.
    full_parts : str, optional
        A sentence naming what still uses every pixel, if anything does.

    Examples
    --------
    >>> print(copy_words((3000, 4000), (768, 1024), "This gallery pools", "its cards show at most 256 pixels a side"))
    Your image is 3,000 × 4,000 pixels (12.0 megapixels). This gallery pools a 768 × 1,024 copy of it
    (0.8 megapixels), resampled as the working size resamples: its cards show at most 256 pixels a side.
    Sizes below are the copy's.
    """
    (h, w), (ch, cw) = full_hw, copy_hw
    text = (f"Your image is {h:,} × {w:,} pixels ({h * w / 1e6:.1f} megapixels). {what} a {ch:,} × {cw:,} copy of "
            f"it ({ch * cw / 1e6:.1f} megapixels), resampled as the working size resamples: {why}. Sizes below are "
            "the copy's.")
    return f"{text} {full_parts}" if full_parts else text
