"""How much a pooling's output changes when its input moves by a few pixels."""

from dataclasses import dataclass

import numpy as np

from ._checks import check_input
from .adaptive import adaptive_pool2d
from .antialias import antialiased_max_pool2d
from .pool import pool2d

__all__ = ["ShiftReport", "pooled_values", "shift_grid", "shift_invariance"]


def pooled_values(x, mode, **pool_args):
    """Values of any pooling by mode name: pool2d's modes, ``"blurmax"`` or ``"global-max"``/``"global-avg"``.

    Examples
    --------
    >>> import numpy as np
    >>> pooled_values(np.arange(16.0).reshape(4, 4), "global-max").tolist()
    [[15.0]]
    """
    if mode == "blurmax":
        return antialiased_max_pool2d(x, **pool_args).values
    if mode in ("global-max", "global-avg"):
        return adaptive_pool2d(x, mode.split("-")[1], 1).values
    return pool2d(x, mode, **pool_args).values


def shift_grid(max_shift):
    """All ``(dy, dx)`` shifts with ``|dy|, |dx| <= max_shift``, row-major.

    Examples
    --------
    >>> shift_grid(1).shape
    (9, 2)
    """
    r = np.arange(-max_shift, max_shift + 1)
    dy, dx = np.meshgrid(r, r, indexing="ij")
    return np.stack([dy.ravel(), dx.ravel()], axis=1)


@dataclass(frozen=True, eq=False)
class ShiftReport:
    """Output change under input shifts.

    Attributes
    ----------
    shifts : (N, 2) int ndarray
        ``(dy, dx)`` of each trial.
    unchanged : (N,) float ndarray
        Fraction of output cells equal (to 1e-9 relative) before and after.
    mean_abs_change : (N,) float ndarray
        Mean absolute output change, NaN cells ignored.
    """

    shifts: np.ndarray
    unchanged: np.ndarray
    mean_abs_change: np.ndarray


def shift_invariance(x, shifts, mode="max", **pool_args):
    """Pool ``x`` and ``x`` shifted by each ``(dy, dx)``; compare the outputs cell by cell.

    The shift is circular (``np.roll``), so the input keeps its size and
    the outputs line up cell for cell. A pooling is invariant to a shift
    only where the fraction unchanged is 1.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    shifts : (N, 2) array_like of int
        See :func:`shift_grid`.
    mode : str, optional
        Any mode of :func:`pooled_values`.
    **pool_args
        Passed on (e.g. ``kernel_size=2``).

    Returns
    -------
    ShiftReport

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((8, 8)); x[2, 2] = 1.0
    >>> rep = shift_invariance(x, [(0, 0), (0, 1), (0, 2)], "max", kernel_size=2)
    >>> rep.unchanged.tolist()
    [1.0, 1.0, 0.875]
    """
    planes, was_2d = check_input(x)
    shifts = np.asarray(shifts, dtype=np.int64).reshape(-1, 2)
    base = pooled_values(planes, mode, **pool_args).astype(np.float64)
    unchanged = np.empty(len(shifts))
    change = np.empty(len(shifts))
    for n, (dy, dx) in enumerate(shifts):  # a loop over trials, each fully vectorised
        moved = pooled_values(np.roll(planes, (dy, dx), axis=(1, 2)), mode, **pool_args).astype(np.float64)
        same = np.isclose(moved, base, rtol=1e-9, atol=0) | (np.isnan(moved) & np.isnan(base))
        unchanged[n] = same.mean()
        diff = np.abs(moved - base)
        change[n] = np.nanmean(diff) if np.isfinite(diff).any() else np.nan
    return ShiftReport(shifts, unchanged, change)
