"""Centre crops: the middle of an image, so a page can test a big photo on a part of it quickly."""

import numbers

import numpy as np

__all__ = ["centre_crop", "centre_offset"]


def centre_offset(hw, side):
    """Top-left corner of the centred ``side`` × ``side`` square of an ``(H, W)`` image.

    Parameters
    ----------
    hw : (int, int)
        Image height and width.
    side : int
        Side of the square, at least 1. An axis shorter than ``side`` is
        kept whole, so its offset is 0.

    Returns
    -------
    (int, int)
        ``((H - side) // 2, (W - side) // 2)``, each at least 0.

    Examples
    --------
    >>> centre_offset((512, 300), 256)
    (128, 22)
    >>> centre_offset((100, 100), 256)
    (0, 0)
    """
    if isinstance(side, (bool, np.bool_)) or not isinstance(side, numbers.Integral):
        raise TypeError(f"side ({side!r}) must be an int")
    if side < 1:
        raise ValueError(f"side ({side!r}) must be at least 1")
    h, w = (int(n) for n in hw)
    return max(0, (h - int(side)) // 2), max(0, (w - int(side)) // 2)


def centre_crop(planes, side):
    """The centred ``side`` × ``side`` part of an image, as a view (no copy).

    Parameters
    ----------
    planes : (..., H, W) ndarray
        e.g. ``(C, H, W)`` planes or one ``(H, W)`` plane; the crop is taken
        over the last two axes.
    side : int
        Side of the crop, at least 1. An axis shorter than ``side`` is kept
        whole: a 300 × 800 image cropped to 512 gives 300 × 512.

    Returns
    -------
    ndarray
        A view of ``planes``, ``(..., min(H, side), min(W, side))``; when
        both axes fit, ``planes`` itself is returned whole.

    Notes
    -----
    When ``H - side`` is odd the extra row goes below the crop (the top is
    rounded down), and likewise for columns.

    Examples
    --------
    >>> import numpy as np
    >>> x = 10 * np.arange(5)[:, None] + np.arange(6)
    >>> centre_crop(x, 2)
    array([[12, 13],
           [22, 23]])
    >>> centre_crop(np.zeros((3, 300, 800)), 512).shape
    (3, 300, 512)
    """
    planes = np.asarray(planes)
    if planes.ndim < 2:
        raise ValueError(f"planes must have at least 2 dimensions (H, W), got shape {planes.shape}")
    top, left = centre_offset(planes.shape[-2:], side)
    return planes[..., top:top + side, left:left + side]
