"""Image intake: decode untrusted uploads into RGB pixels, shrink them, split them into planes.

Uses numpy and Pillow only, so every page shares one loader and the tests
can feed it hostile bytes. Every failure of :func:`decode_image` is an
:class:`ImageError` whose message can be shown to the user as it is.

The typed-grid helpers (:func:`grid_from_text`, :func:`random_grid`,
:func:`grid_to_text`) live in :mod:`poolinglab.intake.grid_text`, and the resizing and
channel helpers (:func:`working_image`, :func:`to_planes`) in
:mod:`poolinglab.intake.planes`; all are re-exported here.

Examples
--------
>>> import io
>>> from PIL import Image
>>> buffer = io.BytesIO()
>>> Image.new("LA", (4, 2), (0, 0)).save(buffer, "PNG")
>>> loaded = decode_image(buffer.getvalue())
>>> loaded.pixels.shape, loaded.pixels[0, 0].tolist(), loaded.notes
((2, 4, 3), [255, 255, 255], ('Transparent areas composited on white.',))
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from .errors import ImageError
from .grid_text import GRID_MAX_SIDE, grid_from_text, grid_to_text, random_grid
from .pillow_modes import to_rgb
from .planes import COLOR_MODES, WORKING_SIZES, shrink_planes, to_planes, working_image

__all__ = [
    "ALLOWED_FORMATS",
    "COLOR_MODES",
    "GRID_MAX_SIDE",
    "MAX_BYTES",
    "MAX_PIXELS",
    "UPLOAD_EXTENSIONS",
    "WORKING_SIZES",
    "LoadedImage",
    "decode_image",
    "grid_from_text",
    "grid_to_text",
    "random_grid",
    "sha256_key",
    "shrink_planes",
    "to_planes",
    "working_image",
]

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
UPLOAD_EXTENSIONS = ("png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff")
MAX_PIXELS = 40_000_000
MAX_BYTES = 20 * 1024 * 1024

_CHOOSE = "Choose a PNG, JPEG, WebP, GIF, BMP or TIFF image."
_MULTI_FRAME = {
    "TIFF": "Multi-page TIFF: using the first of {} pages.",
    "MPO": "Multi-picture JPEG: using the first of {} pictures.",
}


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A decoded image, upright and in 8-bit RGB.

    Attributes
    ----------
    pixels : (H, W, 3) uint8 ndarray
        Read-only.
    format : str
        Pillow's name of the file format ("PNG", "JPEG", ...).
    original_size : (int, int)
        ``(width, height)`` of the upright image at full size.
    notes : tuple of str
        What the loader changed, in words for the user (first frame only,
        EXIF rotation, transparency, bit depth, colour space).
    """

    pixels: np.ndarray
    format: str
    original_size: tuple
    notes: tuple = ()


def decode_image(data, *, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS):
    """Decode untrusted image bytes into upright 8-bit RGB pixels.

    Parameters
    ----------
    data : bytes, bytearray or memoryview
        The whole file.
    max_bytes : int, optional
        Larger files are refused before Pillow sees them.
    max_pixels : int, optional
        Images with more pixels are refused from their header, before any
        pixel data is decoded.

    Returns
    -------
    LoadedImage

    Raises
    ------
    ImageError
        For empty, oversized, unknown, refused, truncated or corrupt files;
        never Pillow's own exceptions.

    Notes
    -----
    Only the formats in ``ALLOWED_FORMATS`` are tried. Animated and
    multi-page files give their first frame. The EXIF orientation is
    applied. Palette, grey-alpha and RGBA images are composited on white;
    16-bit, 32-bit and float images are scaled from their own minimum and
    maximum to 0..255; every other mode is converted to RGB. Each change is
    recorded in ``notes``.

    Pillow's ``DecompressionBombWarning`` is raised as an error while this
    runs (``warnings.catch_warnings``, which Python < 3.14 does not make
    thread-local); the ``max_pixels`` check does not depend on it.

    Cost: one full decode, plus one temporary array the size of the image
    for modes that need converting.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (3, 2), (200, 10, 10)).save(buffer, "BMP")
    >>> loaded = decode_image(buffer.getvalue())
    >>> loaded.format, loaded.original_size, loaded.pixels[1, 2].tolist()
    ('BMP', (3, 2), [200, 10, 10])
    >>> decode_image(b"")
    Traceback (most recent call last):
    ...
    poolinglab.intake.errors.ImageError: This file is empty (0 bytes). Choose a PNG, JPEG, WebP, GIF, BMP or TIFF image.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ImageError(f"This file is empty (0 bytes). {_CHOOSE}")
    if len(data) > max_bytes:
        raise ImageError(
            f"This file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB. "
            "Save a smaller or more compressed copy and upload that."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _decode(data, max_pixels)
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
            # Pillow's own cap fired first, so it is the one to report.
            raise _too_many_pixels(_pixel_count(err), min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)) from None
        except Exception as err:
            raise ImageError(
                "This image is damaged or incomplete (perhaps cut off while copying), so it cannot be read. "
                f"Save it again from its source, or choose another image. ({type(err).__name__}: {str(err)[:100]})"
            ) from err


def _decode(data, max_pixels):
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except Image.UnidentifiedImageError:
        raise _unidentified(data) from None
    width, height = image.size
    if width * height > max_pixels:
        raise _too_many_pixels(width * height, max_pixels, image.size)
    fmt = image.format or "unknown"
    notes = []
    frames = _frame_count(image)
    if frames != 1:
        template = _MULTI_FRAME.get(fmt, f"Animated {fmt}: using the first of {{}} frames.")
        notes.append(template.format(frames or "several"))
    image.load()
    if _orientation(image) in range(2, 9):
        image = ImageOps.exif_transpose(image)
        notes.append("Rotated upright from its EXIF orientation.")
    pixels, mode_notes = to_rgb(image)
    pixels.flags.writeable = False
    fmt = "JPEG" if fmt == "MPO" else fmt
    return LoadedImage(pixels, fmt, image.size, tuple(notes + mode_notes))


def _frame_count(image):
    try:
        frames = getattr(image, "n_frames", 1)
        if image.tell() != 0:
            image.seek(0)
        return frames
    except Exception:
        # A later frame is broken; the first may still be fine.
        image.seek(0)
        return None


def _orientation(image):
    # Malformed EXIF should not cost the user a readable picture.
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:
        return 1


def _too_many_pixels(pixels, max_pixels, size=None):
    if pixels is None:
        found = "too many pixels"
    else:
        shape = f"{size[0]} x {size[1]} pixels, " if size else ""
        found = f"too many pixels ({shape}{pixels / 1e6:.1f} MP; the limit is {max_pixels / 1e6:g} MP)"
    limit = f"{max_pixels / 1e6:g}"
    return ImageError(f"This image has {found}. Shrink it to at most {limit} megapixels and upload it again.")


def _pixel_count(bomb):
    found = re.search(r"\((\d+) pixels\)", str(bomb))
    return int(found.group(1)) if found else None


def _unidentified(data):
    fmt = _sniff_format(data[:16])
    if fmt in ALLOWED_FORMATS or fmt == "MPO":
        return ImageError(
            f"This looks like a {fmt} file, but its header is damaged, so it cannot be read. "
            "Save it again from its source, or choose another image."
        )
    if fmt:
        return ImageError(
            f"This file is in {fmt} format, which Pooling Lab does not open. Save it as PNG or JPEG and upload that."
        )
    if _looks_like_text(data):
        return ImageError(f"This file contains text, not an image, whatever its name says. {_CHOOSE}")
    return ImageError(f"This file is not an image in a format Pooling Lab can read. {_CHOOSE}")


def _sniff_format(prefix):
    """The first Pillow format whose magic-number check accepts ``prefix``; allowed formats first."""
    Image.init()
    names = list(ALLOWED_FORMATS) + [name for name in Image.OPEN if name not in ALLOWED_FORMATS]
    for name in names:
        accept = Image.OPEN.get(name, (None, None))[1]
        if accept is None:
            continue
        try:
            verdict = accept(prefix)
        except Exception:
            continue
        if verdict and not isinstance(verdict, str):
            return name
    return None


def _looks_like_text(data):
    head = np.frombuffer(data[:1024], dtype=np.uint8)
    control = (head < 32) & ~np.isin(head, (9, 10, 12, 13))
    return not (control.any() or (head == 127).any())


def sha256_key(data, *settings):
    """A cache key: the sha256 of ``data`` together with the ``repr`` of ``settings``.

    Streamlit hashes large arrays from a sample, so caches key on this
    instead. Settings must have a stable ``repr`` (numbers, strings, None,
    tuples of them).

    Examples
    --------
    >>> key = sha256_key(b"image bytes", 512, "gray")
    >>> len(key), key == sha256_key(b"image bytes", 512, "gray"), key == sha256_key(b"image bytes", 256, "gray")
    (64, True, False)
    """
    digest = hashlib.sha256()
    # The length prefix keeps the bytes and the settings from running into each other.
    digest.update(memoryview(data).nbytes.to_bytes(8, "big"))
    digest.update(data)
    digest.update(repr(settings).encode())
    return digest.hexdigest()
