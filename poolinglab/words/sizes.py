"""What a page says when it computes on a smaller copy, or the centre, of a big image rather than the one chosen."""

__all__ = ["centre_words", "chart_centre_words", "copy_words"]


def article(n):
    """"a" or "an" before the whole number ``n`` said aloud: "an" before eight, eleven and eighteen (and 80, 800,
    8,000, 11,000 ...).

    Examples
    --------
    >>> [f"{article(n)} {n:,}" for n in (1, 8, 11, 18, 80, 805, 1024)]
    ['a 1', 'an 8', 'an 11', 'an 18', 'an 80', 'an 805', 'a 1,024']
    >>> [f"{article(n)} {n:,}" for n in (11000, 18500, 110000, 8000000)]
    ['an 11,000', 'an 18,500', 'a 110,000', 'an 8,000,000']
    """
    lead = f"{int(n):,}".split(",")[0]  # the group said first: "eleven thousand", "one hundred and ten thousand"
    return "an" if lead.startswith("8") or lead in ("11", "18") else "a"


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
    text = (f"Your image is {h:,} × {w:,} pixels ({h * w / 1e6:.1f} megapixels). {what} {article(ch)} {ch:,} × "
            f"{cw:,} copy of it ({ch * cw / 1e6:.1f} megapixels), resampled as the working size resamples: {why}. "
            "Sizes below are the copy's.")
    return f"{text} {full_parts}" if full_parts else text


def centre_words(side, centre_hw, *, what="image", does="tests", why=None):
    """The sentence that says a page works on the centre of an image larger than ``side`` pixels.

    Parameters
    ----------
    side : int
        The longest side the page works on.
    centre_hw : (int, int)
        Rows and columns of the centre it works on.
    what : str, optional
        What the image is called, e.g. ``"photo"``.
    does : str, optional
        What the page does with it, e.g. ``"filters"``.
    why : str, optional
        Why, as the end of the sentence, e.g. ``"to stay quick"``.

    Returns
    -------
    str

    Examples
    --------
    >>> centre_words(1024, (1024, 1024))
    'The image is larger than 1024 px: this page tests its centre 1024 × 1024.'
    >>> centre_words(512, (512, 300), what="photo", does="filters")
    'The photo is larger than 512 px: this page filters its centre 512 × 300.'
    >>> centre_words(256, (256, 256), why="to stay quick")
    'The image is larger than 256 px: this page tests its centre 256 × 256, to stay quick.'
    """
    said = f"The {what} is larger than {side} px: this page {does} its centre {centre_hw[0]} × {centre_hw[1]}"
    return f"{said}, {why}." if why else f"{said}."


def chart_centre_words(centre_hw):
    """The sentence under a chart that works on a centre of the image, to stay quick.

    Examples
    --------
    >>> chart_centre_words((256, 200))
    'The chart uses the centre 256 × 200 of the image, to stay quick.'
    """
    return f"The chart uses the centre {centre_hw[0]} × {centre_hw[1]} of the image, to stay quick."
