"""Value ranges: the one place that says what range an input or a pooling's values span.

Three meanings, one function each, each with one rule for flat input (all
values equal), where a range of zero width would leave no scale:

- :func:`finite_range`: the span of the finite values, for measuring and
  for scales shared by an input and its poolings. Flat: one unit above,
  ``(v, v + 1)``, so that changes can be divided by the span.
- :func:`input_scale`: the scale an input's values live on: the dtype's
  whole range for integers (0 to 255 for a photo), the finite data's for
  floats (flat as in :func:`finite_range`).
- :func:`centred_range`: colour scales of cell grids. Flat: half a unit
  either side, ``(v - 0.5, v + 0.5)``, so a flat grid shows the middle
  colour of the scale, as the grid figures always have.
"""

import numpy as np

from .._checks import check_input

__all__ = ["centred_range", "finite_range", "input_scale"]


def _finite_ends(arrays):
    """``(lo, hi)`` of the finite entries of all ``arrays``, or None when there is none.

    Min and max per array, in its own dtype: no float copy of a big photo
    unless it holds NaN or infinity.
    """
    ends = []
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind not in "iuf":
            a = a.astype(np.float64)
        if not a.size:
            continue
        lo, hi = a.min(), a.max()
        if np.isfinite(lo) and np.isfinite(hi):  # no NaN, no infinity: the finite ends, without a filtered copy
            ends.append((float(lo), float(hi)))
            continue
        finite = a[np.isfinite(a)]
        if finite.size:
            ends.append((float(finite.min()), float(finite.max())))
    if not ends:
        return None
    return min(e[0] for e in ends), max(e[1] for e in ends)


def finite_range(*arrays, cover=None):
    """``(lo, hi)`` over the finite entries of ``arrays``, with ``lo < hi``.

    Parameters
    ----------
    *arrays : array_like
        Any shapes, any real dtypes; NaN and infinities are left out.
    cover : (float, float), optional
        A range the result always holds, e.g. ``(0, 255)`` for a photo's
        scale whatever it holds.

    Returns
    -------
    (float, float)
        ``(0.0, 1.0)`` when no entry is finite and nothing is covered. Flat
        values ``v`` give ``(v, v + 1)``, or the next float above ``v``
        from 1e16 up, where ``v + 1 == v``: a span, for a scale and a unit,
        where a zero span would make every change 0 / 0.

    Examples
    --------
    >>> finite_range(np.array([3, 1]), np.array([np.inf, 7.0]))
    (1.0, 7.0)
    >>> finite_range(np.full((2, 2), 4.0)), finite_range(np.array([np.nan]))
    ((4.0, 5.0), (0.0, 1.0))
    >>> finite_range(np.array([300.0]), cover=(0, 255))
    (0.0, 300.0)
    """
    ends = _finite_ends(arrays)
    if cover is not None:
        ends = (float(cover[0]), float(cover[1])) if ends is None else (
            min(ends[0], float(cover[0])), max(ends[1], float(cover[1])))
    if ends is None:
        return 0.0, 1.0
    lo, hi = ends
    return (lo, hi) if hi > lo else (lo, max(lo + 1.0, float(np.nextafter(lo, np.inf))))


def input_scale(x):
    """The scale the values of ``x`` live on: the dtype's for integers, the finite data's for floats.

    Noise is measured against it, and pages show an input and its poolings on
    it (0 to 255 for a photo, whatever it holds).

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like

    Returns
    -------
    (float, float)
        For floats as :func:`finite_range` (flat values ``v`` give
        ``(v, v + 1)``).

    Examples
    --------
    >>> input_scale(np.zeros((2, 2), np.uint8)), input_scale(np.array([[-1.0, 3.0]]))
    ((0.0, 255.0), (-1.0, 3.0))
    >>> input_scale(np.full((2, 2), 7.0))
    (7.0, 8.0)
    """
    planes, _ = check_input(x)
    if planes.dtype.kind in "iu":
        info = np.iinfo(planes.dtype)
        return float(info.min), float(info.max)
    return finite_range(planes)


def centred_range(*arrays):
    """``(lo, hi)`` over the finite entries of ``arrays`` for a colour scale; flat values sit in its middle.

    Returns
    -------
    (float, float)
        ``(0.0, 1.0)`` when no entry is finite. Flat values ``v`` give
        ``(v - 0.5, v + 0.5)``: a flat grid shows the scale's middle colour,
        not its first, which is how the grid figures have always drawn one
        (:func:`finite_range` would put it at the bottom of the scale).

    Examples
    --------
    >>> centred_range(np.array([3, 1]), np.array([np.inf, 7.0]))
    (1.0, 7.0)
    >>> centred_range(np.full((2, 2), 4.0))
    (3.5, 4.5)
    """
    ends = _finite_ends(arrays)
    if ends is None:
        return 0.0, 1.0
    lo, hi = ends
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)
