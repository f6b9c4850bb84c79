"""Colours, line widths and font sizes: the one place every figure takes them from.

Values use viridis, which is perceptually uniform and readable with every
common colour-vision deficiency (and has no grey, so grey padding cannot be
mistaken for a value). Everything that marks a cell is drawn as an outline on
a black halo, so it shows on both the dark and the light end of the scale, and
each mark differs in shape as well as colour:

- window taps: a thin white line;
- the chosen cell: a thick solid vermillion line (Okabe-Ito #D55E00);
- ties: a dashed vermillion line, which reads as black-and-vermillion stripes;
- padding: light grey cells with corner hatching and the pad value written in.
"""

import numpy as np
from plotly.colors import hex_to_rgb, sequential

__all__ = [
    "ACCENT", "HALO", "WINDOW", "VALUE_SCALE", "VALUE_STOPS", "DIFF_SCALE", "PAD_FILL", "PAD_HATCH", "PAD_TEXT",
    "EMPTY_CELL", "EMPTY_EDGE", "BACKGROUND", "TEXT", "FONT_FAMILY", "FONT_SIZE", "TITLE_FONT_SIZE",
    "GIF_CAPTION_SIZE", "GIF_LABEL_SIZE", "MAX_TEXT_CELLS",
    "HALO_WIDTH", "WINDOW_WIDTH", "CHOSEN_WIDTH", "TIE_WIDTH", "TIE_DASH",
    "cell_font_size", "mark_sizes", "pad_label", "value_rgb", "text_rgb", "rgb",
]

# Values.
VALUE_SCALE = "Viridis"
VALUE_STOPS = tuple(sequential.Viridis)
# Signed differences: blue below zero, red above, white at zero; readable with red-green colour blindness.
DIFF_SCALE = "RdBu_r"

# Marks.
ACCENT = "#D55E00"  # chosen cell; vermillion stands out on both ends of viridis
HALO = "#000000"  # drawn under every mark
WINDOW = "#FFFFFF"  # the window's taps
TIE_DASH = "dash"

# Padding and empty cells.
PAD_FILL = "#E3E3E3"
PAD_HATCH = "#9A9A9A"
PAD_TEXT = "#3C3C3C"
EMPTY_CELL = "#F4F4F4"  # output cells not yet written
EMPTY_EDGE = "#D0D0D0"
BACKGROUND = "#FFFFFF"
TEXT = "#1A1A1A"

# Line widths in pixels (plotly) and at the GIF's scale.
HALO_WIDTH = 6
WINDOW_WIDTH = 2
CHOSEN_WIDTH = 4
TIE_WIDTH = 3



def mark_sizes(cell_px):
    """Line widths and inset (a fraction of a cell) of the marks on cells ``cell_px`` wide.

    Full widths from 45 px cells up; thinner lines, drawn nearer the cell
    edge, on smaller cells, so the marks never cover the numbers in them.

    Examples
    --------
    >>> mark_sizes(60)
    {'halo': 6.0, 'window': 2.0, 'chosen': 4.0, 'tie': 3.0, 'inset': 0.08}
    >>> mark_sizes(20)["halo"], mark_sizes(20)["inset"]
    (3.6, 0.03)
    """
    f = min(1.0, max(0.6, cell_px / 45))
    sizes = {name: round(w * f, 1) for name, w in
             (("halo", HALO_WIDTH), ("window", WINDOW_WIDTH), ("chosen", CHOSEN_WIDTH), ("tie", TIE_WIDTH))}
    sizes["inset"] = 0.08 if cell_px >= 30 else 0.03
    return sizes


# Fonts.
FONT_FAMILY = "Open Sans, Arial, sans-serif"
FONT_SIZE = 13
TITLE_FONT_SIZE = 15
GIF_CAPTION_SIZE = 24
GIF_LABEL_SIZE = 20

# Grids wider or taller than this get no numbers written in their cells.
MAX_TEXT_CELLS = 32


def cell_font_size(n_cells):
    """Font size for numbers in cells of a grid ``n_cells`` long on its longer side.

    Examples
    --------
    >>> cell_font_size(4), cell_font_size(16), cell_font_size(32)
    (16, 11, 8)
    """
    if n_cells <= 6:
        return 16
    if n_cells <= 10:
        return 13
    if n_cells <= 18:
        return 11
    return 8


def pad_label(pad_value):
    """What padding is written as: ``"-inf"`` (max), ``"+inf"`` (min), ``"0"`` otherwise.

    Examples
    --------
    >>> pad_label(float("-inf")), pad_label(float("inf")), pad_label(0.0)
    ('-inf', '+inf', '0')
    """
    v = float(pad_value)
    if np.isinf(v):
        return "-inf" if v < 0 else "+inf"
    return f"{v:g}"


def rgb(colour):
    """An ``"#RRGGBB"`` colour as an ``(r, g, b)`` tuple of ints (for Pillow)."""
    return tuple(int(c) for c in hex_to_rgb(colour))


_STOPS_RGB = np.array([rgb(c) for c in VALUE_STOPS], dtype=np.float64)


def value_rgb(values, lo, hi):
    """Viridis colours of ``values`` scaled from ``[lo, hi]``, as uint8 ``(..., 3)``.

    The same interpolation plotly applies to its colour scale, for the
    Pillow-drawn GIF. NaN maps to the first colour.

    Examples
    --------
    >>> value_rgb(np.array([0.0, 1.0]), 0, 1).tolist()
    [[68, 1, 84], [253, 231, 37]]
    """
    values = np.asarray(values, dtype=np.float64)
    span = hi - lo if hi > lo else 1.0
    t = np.clip(np.nan_to_num((values - lo) / span), 0.0, 1.0) * (len(_STOPS_RGB) - 1)
    i = np.minimum(t.astype(np.intp), len(_STOPS_RGB) - 2)
    f = (t - i)[..., None]
    out = _STOPS_RGB[i] * (1 - f) + _STOPS_RGB[i + 1] * f
    return np.rint(out).astype(np.uint8)


def text_rgb(fill_rgb):
    """Black or white, whichever reads better on a ``(..., 3)`` uint8 fill.

    Examples
    --------
    >>> text_rgb(np.array([[253, 231, 37], [68, 1, 84]], np.uint8)).tolist()
    [[0, 0, 0], [255, 255, 255]]
    """
    lum = np.asarray(fill_rgb, dtype=np.float64) @ np.array([0.2126, 0.7152, 0.0722])
    dark = (lum > 128)[..., None]
    return np.where(dark, 0, 255).astype(np.uint8) * np.ones(3, np.uint8)
