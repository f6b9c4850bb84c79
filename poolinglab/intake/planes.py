"""Pixels to pooling input: shrink to a working size, split into channel planes."""

import numpy as np
from PIL import Image

__all__ = ["COLOR_MODES", "WORKING_SIZES", "shrink_planes", "to_planes", "working_image"]

WORKING_SIZES = (128, 256, 512, 1024, None)
COLOR_MODES = ("rgb", "gray", "red", "green", "blue")

_CHANNEL = {"red": 0, "green": 1, "blue": 2}
# Pillow's fixed-point ITU-R 601-2 luma for mode "L": (R*19595 + G*38470 + B*7471 + 0x8000) >> 16.
_LUMA_WEIGHTS = np.array([19595, 38470, 7471], dtype=np.uint32)


def working_image(pixels, working_size=512):
    """Shrink an image so its long side is ``working_size``; never enlarge it.

    Parameters
    ----------
    pixels : (H, W, 3) uint8 array_like
    working_size : int or None, optional
        The long side in pixels; ``None`` keeps the full size. The app
        offers ``WORKING_SIZES``.

    Returns
    -------
    (H', W', 3) uint8 ndarray
        ``pixels`` itself when it is already small enough, otherwise a new
        read-only array resampled with Lanczos filtering.

    Notes
    -----
    Cost: Pillow first box-averages by a whole factor to within 3x of the
    target (``reducing_gap=3``), then applies Lanczos; about 0.1 s for a
    24 MP photo to 512 px.

    Examples
    --------
    >>> import numpy as np
    >>> working_image(np.zeros((600, 1200, 3), np.uint8), 512).shape
    (256, 512, 3)
    >>> working_image(np.zeros((60, 120, 3), np.uint8), 512).shape
    (60, 120, 3)
    """
    pixels = _check_pixels(pixels)
    if working_size is None:
        return pixels
    if isinstance(working_size, bool) or not isinstance(working_size, (int, np.integer)) or working_size < 1:
        raise ValueError(f"working_size ({working_size!r}) must be a positive int or None")
    height, width = pixels.shape[:2]
    if max(height, width) <= working_size:
        return pixels
    size = _long_side_size(height, width, working_size)
    # reducing_gap: a cheap box reduction first, then Lanczos over the last factor of 3.
    small = Image.fromarray(pixels).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = np.array(small, dtype=np.uint8)
    out.flags.writeable = False
    return out


def shrink_planes(planes, side):
    """uint8 planes shrunk so their long side is ``side``, each plane as :func:`working_image` shrinks a photo.

    Parameters
    ----------
    planes : (C, H, W) uint8 array_like
    side : int
        The long side of the copy; planes already that small come back as they are.

    Returns
    -------
    (C, H', W') uint8 ndarray
        Read-only. Each plane is resampled on its own (box reduction, then
        Lanczos), which is what Pillow does to each channel of an RGB image,
        so ``shrink_planes(to_planes(p), n)`` equals ``to_planes(working_image(p, n))``.

    Examples
    --------
    >>> import numpy as np
    >>> shrink_planes(np.zeros((3, 600, 1200), np.uint8), 512).shape
    (3, 256, 512)
    """
    planes = np.asarray(planes)
    if planes.ndim != 3 or planes.dtype != np.uint8:
        raise ValueError(f"planes must be (C, H, W) uint8, got {planes.dtype} of shape {planes.shape}")
    height, width = planes.shape[1:]
    if max(height, width) <= side:
        return planes
    size = _long_side_size(height, width, side)
    out = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(plane)).resize(
        size, Image.Resampling.LANCZOS, reducing_gap=3.0)) for plane in planes])
    out.flags.writeable = False
    return out


def to_planes(pixels, color="rgb"):
    """Split RGB pixels into the channel planes that pooling works on.

    Parameters
    ----------
    pixels : (H, W, 3) uint8 array_like
    color : {"rgb", "gray", "red", "green", "blue"}, optional
        ``"gray"`` is ITU-R 601-2 luma, exactly as Pillow's mode ``"L"``.

    Returns
    -------
    (C, H, W) uint8 ndarray
        C is 3 for ``"rgb"`` and 1 otherwise; a new array.

    Examples
    --------
    >>> import numpy as np
    >>> pixels = np.array([[[255, 0, 0], [0, 0, 255]]], dtype=np.uint8)
    >>> to_planes(pixels).shape
    (3, 1, 2)
    >>> to_planes(pixels, "gray").tolist()
    [[[76, 29]]]
    >>> to_planes(pixels, "blue").tolist()
    [[[0, 255]]]
    """
    pixels = _check_pixels(pixels)
    if not isinstance(color, str) or color not in COLOR_MODES:
        raise ValueError(f"color ({color!r}) must be one of {', '.join(repr(c) for c in COLOR_MODES)}")
    if color == "rgb":
        return np.ascontiguousarray(pixels.transpose(2, 0, 1))
    if color == "gray":
        # A weighted sum channel by channel in uint32, in place: a uint8 @ uint32 matmul has no fast path in numpy
        # and took 360 ms on a 12 MP photo; this takes 80 ms, with the same integers.
        luma = np.multiply(pixels[..., 0], _LUMA_WEIGHTS[0], dtype=np.uint32)
        for c in (1, 2):
            luma += np.multiply(pixels[..., c], _LUMA_WEIGHTS[c], dtype=np.uint32)
        luma += 0x8000
        luma >>= 16
        return luma.astype(np.uint8)[None]
    return pixels[None, :, :, _CHANNEL[color]].copy()


def _long_side_size(height, width, side):
    """Pillow's ``(width, height)`` for an image shrunk so its long side is ``side``, the other in proportion."""
    if width >= height:
        return int(side), max(1, round(height * side / width))
    return max(1, round(width * side / height)), int(side)


def _check_pixels(pixels):
    arr = np.asarray(pixels)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3 or arr.size == 0:
        raise ValueError(
            f"pixels must be a non-empty (H, W, 3) uint8 array, got shape {arr.shape} and dtype {arr.dtype}"
        )
    return arr
