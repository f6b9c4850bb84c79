"""Sample images: three photos from ``assets/`` and five patterns drawn with numpy.

The patterns are 256 x 256 and exact, so they are best viewed at a working
size of 256 or more; shrinking them blurs the very detail they show.

Examples
--------
>>> SAMPLE_NAMES[:3]
('Astronaut', 'Photographer', 'Coffee')
>>> load_sample("Checkerboard").pixels.shape
(256, 256, 3)
"""

import functools
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .images import LoadedImage, decode_image

__all__ = ["ASSETS_DIR", "PATTERN_NAMES", "SAMPLE_NAMES", "SAMPLE_NOTES", "load_sample"]

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
_SIZE = 256


def checkerboard():
    """Black and white squares of 32 px, eight across.

    Examples
    --------
    >>> checkerboard()[[0, 0, 32], [0, 32, 32], 0].tolist()
    [0, 255, 0]
    """
    rows, cols = np.indices((_SIZE, _SIZE))
    return _gray_to_rgb(((rows // 32 + cols // 32) % 2) * 255)


def edges():
    """Step edges and shapes in colour on a two-tone grey ground.

    A vertical step down the middle, a red square, a blue disc, a green
    right-angled triangle (its long side a 45 degree edge) and a thin white
    bar 8 px high.
    """
    rows, cols = np.indices((_SIZE, _SIZE))
    pixels = np.where((cols >= 128)[..., None], 100, 40).repeat(3, axis=2)
    square = (rows >= 24) & (rows < 104) & (cols >= 24) & (cols < 104)
    disc = (rows - 80) ** 2 + (cols - 184) ** 2 <= 44**2
    triangle = (rows < 232) & (cols >= 24) & (cols - 24 <= rows - 140)
    bar = (rows >= 176) & (rows < 184) & (cols >= 144) & (cols < 240)
    shapes = ((square, (230, 60, 50)), (disc, (60, 110, 230)), (triangle, (70, 200, 90)), (bar, (255, 255, 255)))
    for mask, colour in shapes:
        pixels[mask] = colour
    return pixels.astype(np.uint8)


def text():
    """Dark text on white: Pillow's built-in bitmap font, enlarged 4x without smoothing.

    Every pixel of the font becomes a 4 x 4 block on a grid of 4, so a
    2 x 2, stride 2 window never straddles a block: the first two rounds of
    max or min pooling copy the letters exactly (9.35% of pixels dark). A
    third round of max pooling, windows of 8 x 8 input pixels, erases most
    strokes (2.05% dark) while min thickens them (17.9%). A 3 x 3, stride 2
    window straddles blocks from the first round: max thins the strokes
    (5.7% dark), min thickens them (13.4%).
    """
    scale = 4
    canvas = Image.new("L", (_SIZE // scale, _SIZE // scale), 255)
    draw = ImageDraw.Draw(canvas)
    # The bitmap font, not the FreeType default: its glyphs are identical on every machine.
    font = ImageFont.load_default_imagefont()
    for line, top in (("POOLING", 6), ("max avg", 24), ("2x2 s=2", 42)):
        left = (canvas.width - font.getbbox(line)[2]) // 2
        draw.text((left, top), line, font=font, fill=0)
    return _gray_to_rgb(np.asarray(canvas.resize((_SIZE, _SIZE), Image.Resampling.NEAREST)))


def bright_dot():
    """One white pixel at row 101, column 151, on black.

    Both are odd, so with a 2 x 2, stride 2 window the dot sits in the last
    row and column of its window: a shift by one pixel, down or right,
    takes it into the next window, and a shift by two brings it back to
    the same place in its window.

    Examples
    --------
    >>> int(np.argmax(bright_dot()[..., 0])) == 101 * 256 + 151
    True
    """
    pixels = np.zeros((_SIZE, _SIZE), dtype=np.uint8)
    pixels[101, 151] = 255
    return _gray_to_rgb(pixels)


def stripes():
    """Vertical stripes 1 px wide: white on even columns, black on odd ones.

    The period is 2 px, the Nyquist limit, so any stride-2 pooling aliases:
    2x2 max pooling with stride 2 gives flat white (every window holds one
    white column), average pooling flat grey (127.5), min pooling flat black,
    and plain stride-2 sampling keeps only the white columns.

    Examples
    --------
    >>> import pooling
    >>> planes = stripes().transpose(2, 0, 1)
    >>> np.unique(pooling.pool2d(planes, "max", 2).values).tolist()
    [255]
    >>> np.unique(pooling.pool2d(planes, "avg", 2).values).tolist()
    [127.5]
    """
    cols = np.arange(_SIZE)
    return _gray_to_rgb(np.broadcast_to(np.where(cols % 2 == 0, 255, 0), (_SIZE, _SIZE)))


def _gray_to_rgb(gray):
    return np.repeat(np.asarray(gray, dtype=np.uint8)[:, :, None], 3, axis=2)


_PHOTOS = {"Astronaut": "astronaut.jpg", "Photographer": "camera.jpg", "Coffee": "coffee.jpg"}
_PATTERNS = {"Checkerboard": checkerboard, "Edges": edges, "Text": text, "Bright dot": bright_dot, "Stripes": stripes}

SAMPLE_NAMES = tuple(_PHOTOS) + tuple(_PATTERNS)
PATTERN_NAMES = tuple(_PATTERNS)  # drawn pixel by pixel: shown at their own size, never resampled

# Each note holds at the default layer (2 x 2, stride 2) or names the layer it needs; tests/test_samples.py
# checks each one on the pixels.
SAMPLE_NOTES = {
    "Astronaut": "A portrait of astronaut Eileen Collins: see how much of a face survives each round of pooling.",
    "Photographer": "A grey cameraman and tripod on a lawn: thin lines, a dark coat, a bright sky. See what each mode "
                    "keeps.",
    "Coffee": "Smooth porcelain and rough wood grain in colour: see how pooling treats texture and flat areas.",
    "Checkerboard": "32 px squares: at 2 × 2, stride 2 no window crosses an edge, so every mode copies the board; at "
                    "3 × 3, grey averages.",
    "Edges": "Shapes: where a window straddles an edge (at 2 × 2, the disc and the slanted side), max keeps the "
             "larger value.",
    "Text": "Letters in 4 px blocks: two rounds of 2 × 2, stride 2 max or min copy them exactly; a third round of max "
            "erases most.",
    "Bright dot": "One white pixel at row 101, column 151: max keeps it, 2 × 2 averaging dims it to a quarter; a 1 px "
                  "shift moves it on.",
    "Stripes": "Stripes 1 px wide: 2x2 max pooling with stride 2 makes them flat white, averaging flat grey: aliasing.",
}


@functools.lru_cache(maxsize=16)
def load_sample(name):
    """Load a sample by its display name.

    Parameters
    ----------
    name : str
        One of ``SAMPLE_NAMES``.

    Returns
    -------
    LoadedImage
        Read-only RGB pixels; ``format`` is "JPEG" for photos and
        "generated" for patterns. Cached: every call with a name returns the
        same object.

    Examples
    --------
    >>> sample = load_sample("Stripes")
    >>> sample.format, sample.original_size, sample.pixels[0, :4, 0].tolist()
    ('generated', (256, 256), [255, 0, 255, 0])
    """
    if name in _PHOTOS:
        return decode_image((ASSETS_DIR / _PHOTOS[name]).read_bytes())
    if name in _PATTERNS:
        pixels = np.ascontiguousarray(_PATTERNS[name]())
        pixels.flags.writeable = False
        return LoadedImage(pixels, "generated", (pixels.shape[1], pixels.shape[0]), ())
    raise ValueError(f"name ({name!r}) is not a sample; choose one of {', '.join(repr(n) for n in SAMPLE_NAMES)}")
