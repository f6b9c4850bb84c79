"""A bank of named filters for the Feature maps lab, and a kernel the user types.

Every filter is scaled so that its positive weights add up to 1: on a photo
scaled to 0..1 its strongest possible response is 1, so one threshold means
the same for every filter. A typed kernel is used as typed.
"""

from dataclasses import dataclass

import numpy as np

from .intake.grid_text import grid_from_text

__all__ = ["BANK", "CUSTOM", "KERNEL_SIDES", "Filter", "gabor", "parse_kernel"]

KERNEL_SIDES = (3, 5)
CUSTOM = "custom"


@dataclass(frozen=True, eq=False)
class Filter:
    """One filter: a key, a label, a sentence for a student, and its ``(k, k)`` weights (read-only)."""

    key: str
    label: str
    sentence: str
    weights: np.ndarray


def _unit(weights):
    w = np.asarray(weights, dtype=np.float64)
    w = w / w[w > 0].sum()
    w.setflags(write=False)
    return w


def gabor(angle, *, size=5, wavelength=4.0, sigma=1.4, aspect=0.6):
    """An even (cosine) Gabor filter: a bright bar at ``angle`` degrees, zero mean, positive weights adding to 1.

    Parameters
    ----------
    angle : float
        The bar's direction, in degrees anticlockwise from horizontal.
    size : int, optional
        Taps per side, odd.
    wavelength, sigma, aspect : float, optional
        The stripe period and the Gaussian envelope's width and
        across/along ratio, in pixels.

    Returns
    -------
    (size, size) ndarray

    Examples
    --------
    >>> g = gabor(0)
    >>> bool(abs(g.sum()) < 1e-12), float(round(g[g > 0].sum(), 12)), bool(g[2, 0] > 0 > g[0, 2])
    (True, 1.0, True)
    """
    if size < 1 or size % 2 == 0:
        raise ValueError(f"size ({size}) must be a positive odd number")
    half = size // 2
    y, x = np.mgrid[-half:half + 1, -half:half + 1].astype(np.float64)
    theta = np.deg2rad(angle)
    across = -x * np.sin(theta) - y * np.cos(theta)  # rows grow downwards: flip y so angles turn anticlockwise
    along = x * np.cos(theta) - y * np.sin(theta)
    g = np.exp(-(along**2 + (across / aspect) ** 2) / (2 * sigma**2)) * np.cos(2 * np.pi * across / wavelength)
    return _unit(g - g.mean())


_SOBEL = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
_DIAGONAL = np.array([[-2, -1, 0], [-1, 0, 1], [0, 1, 2]])

BANK = {f.key: f for f in (
    Filter("sobel-v", "Sobel vertical edges",
           "Answers where the image gets brighter from left to right: a vertical edge, dark on its left.",
           _unit(_SOBEL)),
    Filter("sobel-h", "Sobel horizontal edges",
           "Answers where the image gets brighter from top to bottom: a horizontal edge, dark above it.",
           _unit(_SOBEL.T)),
    Filter("sobel-d1", "Sobel diagonal edges (↘)",
           "Answers where the image gets brighter towards the bottom right: a diagonal edge running ↗.",
           _unit(_DIAGONAL)),
    Filter("sobel-d2", "Sobel diagonal edges (↙)",
           "Answers where the image gets brighter towards the bottom left: a diagonal edge running ↘.",
           _unit(_DIAGONAL[:, ::-1])),
    Filter("laplacian", "Laplacian blobs",
           "Answers where a pixel is brighter than its four neighbours: small bright spots and thin bright lines.",
           _unit([[0, -1, 0], [-1, 4, -1], [0, -1, 0]])),
    *(Filter(f"gabor-{a}", f"Gabor {a}°",
             f"Answers where a thin bright bar runs at {a}° (0° is horizontal), about two pixels wide.",
             gabor(a)) for a in (0, 45, 90, 135)),
)}


def parse_kernel(text):
    """A kernel the user typed: 3 x 3 or 5 x 5 numbers, one row per line.

    Parameters
    ----------
    text : str

    Returns
    -------
    (k, k) float64 ndarray
        ``k`` is 3 or 5; used as typed, not rescaled.

    Raises
    ------
    ValueError
        Naming what is wrong: a value that is not a number, ragged rows, the
        wrong size, or all zeros.

    Examples
    --------
    >>> parse_kernel("0 1 0\\n1 -4 1\\n0 1 0").shape
    (3, 3)
    >>> parse_kernel("1 2\\n3 4")
    Traceback (most recent call last):
    ...
    ValueError: kernel: the kernel is 2 × 2; type 3 × 3 or 5 × 5 numbers (3 or 5 rows of 3 or 5 each).
    """
    try:
        kernel = grid_from_text(text)
    except ValueError as err:  # grid_text's ImageError: its message says which row and value
        raise ValueError(f"kernel: {err}") from None
    if kernel.shape[0] != kernel.shape[1] or kernel.shape[0] not in KERNEL_SIDES:
        raise ValueError(f"kernel: the kernel is {kernel.shape[0]} × {kernel.shape[1]}; type 3 × 3 or 5 × 5 "
                         "numbers (3 or 5 rows of 3 or 5 each).")
    if not kernel.any():
        raise ValueError("kernel: every weight is 0, so every response would be 0. Type at least one other number.")
    return kernel


