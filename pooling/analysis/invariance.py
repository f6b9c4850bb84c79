"""How much a pooling's output changes when its input moves by a few pixels."""

from dataclasses import dataclass

import numpy as np

from .._checks import as_pair, check_input
from ..adaptive import adaptive_pool2d
from ..antialias import antialiased_max_pool2d
from ..pool import pool2d

__all__ = [
    "ShiftComparison", "ShiftReport", "ShiftTest", "aligned_shift_invariance", "compare_shift", "draws", "pooled_values",
    "shift_grid", "shift_invariance",
]


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


def draws(mode, pool_args):
    """Whether pooling by ``mode`` with ``pool_args`` draws random numbers: stochastic pooling while training.

    Every other pooling makes each output cell from its window's pixels
    alone, the same at every call and wherever the window is.

    Examples
    --------
    >>> draws("stochastic", {}), draws("stochastic", {"train": False}), draws("max", {})
    (True, False, False)
    """
    return mode == "stochastic" and pool_args.get("train", True) is not False


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


def shift_invariance(x, shifts, mode="max", *, aligned=True, **pool_args):
    """Pool ``x`` and ``x`` shifted by each ``(dy, dx)``; the share of outputs unchanged and the mean change.

    By default this is exactly what the Shift invariance page shows: the
    shifted output is first moved back by the whole cells the shift moved
    it (:func:`aligned_shift_invariance`, through the page's own
    :class:`ShiftTest`), so only the shift's phase within the stride counts.
    ``aligned=False`` compares the outputs cell for cell as they are.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    shifts : (N, 2) array_like of int
        See :func:`shift_grid`. The shift is circular (``np.roll``), so the
        input keeps its size.
    mode : str, optional
        Any mode of :func:`pooled_values`.
    aligned : bool, optional
        Keyword only. True: undo whole-cell moves and compare fair pairs
        only (see :func:`compare_shift`). False: compare every output cell
        with the same cell of the unshifted output, so a shift by a whole
        stride counts as a change. Global pooling has no stride to align
        by, and its one window holds the whole (circularly shifted) image:
        it is always compared as with ``aligned=False``.
    **pool_args
        Keyword arguments of :func:`pooling.pool2d` (e.g. ``kernel_size=2``),
        or of :func:`pooling.antialiased_max_pool2d` for ``"blurmax"``.

    Returns
    -------
    ShiftReport

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((8, 8)); x[2, 2] = 1.0
    >>> shift_invariance(x, [(0, 0), (0, 1), (0, 2)], "max", kernel_size=2).unchanged.tolist()
    [1.0, 1.0, 1.0]
    >>> shift_invariance(x, [(0, 0), (0, 1), (0, 2)], "max", aligned=False, kernel_size=2).unchanged.tolist()
    [1.0, 1.0, 0.875]
    """
    if not isinstance(aligned, (bool, np.bool_)):
        raise TypeError(f"aligned ({aligned!r}) must be True or False")
    if aligned and not (isinstance(mode, str) and mode.startswith("global-")):
        return aligned_shift_invariance(x, shifts, mode, **pool_args)
    planes, _ = check_input(x)
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


# ------------------------------------------------------------ aligned comparison
#
# A shift by a whole stride moves the output by one whole cell: the cells are
# the same, one place over. So the comparison below first moves the shifted
# output back by ``shift // stride`` cells, and then compares only fair pairs:
# cells whose windows lie on the image in both outputs and, after the shift,
# read no pixel that the circular shift wrapped round from the far edge.


@dataclass(frozen=True, eq=False)
class _Pooled:
    values: np.ndarray  # (C, h, w) float64
    reach: tuple  # per axis (lo, hi, inside): input cells [lo, hi) each output reads; all taps on the input
    stride: tuple


def _axis_reach(axis):
    member, pos = axis.member, axis.positions
    lo = np.where(member, pos, np.iinfo(np.int64).max).min(axis=1)
    hi = np.where(member, pos, np.iinfo(np.int64).min).max(axis=1) + 1
    return lo, hi, (axis.in_bounds | ~member).all(axis=1)


def _blur_reach(axis, n_out, step, blur):
    # A blurred cell reads ``blur`` dense maxima around its centre; the dense maxima reach the input as their windows.
    lo, hi, inside = _axis_reach(axis)
    centres = np.arange(n_out) * step
    first, last = centres - (blur - 1) // 2, centres + blur - 1 - (blur - 1) // 2
    n = len(lo)
    on_map = (first >= 0) & (last < n)
    return lo[np.clip(first, 0, n - 1)], hi[np.clip(last, 0, n - 1)], on_map & inside[np.clip(centres, 0, n - 1)]


def _pool(planes, mode, pool_args):
    if mode == "blurmax":
        r = antialiased_max_pool2d(planes, **pool_args)
        values = r.values.astype(np.float64, copy=False)
        reach = tuple(_blur_reach(axis, values.shape[1 + i], r.stride[i], r.blur.shape[0])
                      for i, axis in enumerate((r.grid.rows, r.grid.cols)))
        return _Pooled(values, reach, r.stride)
    if mode.startswith("global-"):
        raise ValueError(f"mode ({mode!r}) has no stride to align by; use shift_invariance for global pooling")
    r = pool2d(planes, mode, **pool_args)
    grid = r.grid
    return _Pooled(r.values.astype(np.float64, copy=False), (_axis_reach(grid.rows), _axis_reach(grid.cols)),
                   (grid.rows.step, grid.cols.step))


def _fair_pairs(before, after, d, axis, length):
    """Cells ``j`` of ``before`` paired with ``j + d // stride`` of ``after``, and which pairs are fair."""
    lo, hi, inside = after.reach[axis]
    clean = inside & (lo >= d) if d > 0 else inside & (hi <= length + d)
    offset = d // before.stride[axis]
    j = np.arange(before.values.shape[1 + axis])
    partner = j + offset
    fair = (partner >= 0) & (partner < len(clean)) & before.reach[axis][2]
    fair[fair] &= clean[partner[fair]]
    return offset, np.flatnonzero(fair)


def _check_shift(planes, shift):
    dy, dx = as_pair("shift", shift, minimum=-(2**31 - 1))
    h, w = planes.shape[1:]
    if abs(dy) >= h or abs(dx) >= w:
        raise ValueError(f"shift ({(dy, dx)!r}) must be smaller than the image ({h} x {w}) on each axis")
    return dy, dx


@dataclass(frozen=True, eq=False)
class ShiftComparison:
    """One shift, compared cell by cell after moving the output back by whole cells.

    Attributes
    ----------
    shift : (int, int)
        ``(dy, dx)`` of the circular shift of the input.
    offset : (int, int)
        Whole output cells the content moved, ``(dy // stride_h, dx // stride_w)``.
    before, after : (C, h, w) float64 ndarray
        The pooled input and the pooled shifted input.
    difference : (C, h, w) float64 ndarray
        ``after`` at cell ``(i + offset_y, j + offset_x)`` minus ``before`` at
        ``(i, j)``; NaN where the pair is not fair (see
        :func:`compare_shift`).
    compared : (h, w) bool ndarray
        The cells of ``before`` with a fair partner.
    unchanged : float
        Share of the compared values that are equal (to 1e-9 relative); NaN
        when no cell could be compared.
    mean_abs_change : float
        Mean ``|difference|`` over the compared values.
    """

    shift: tuple
    offset: tuple
    before: np.ndarray
    after: np.ndarray
    difference: np.ndarray
    compared: np.ndarray
    unchanged: float
    mean_abs_change: float


def _span(index):
    """``index`` (sorted, no repeats) as a slice when it is one run of neighbours, else itself."""
    if len(index) and index[-1] - index[0] == len(index) - 1:
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def _shifted(index, offset):
    return slice(index.start + offset, index.stop + offset) if isinstance(index, slice) else index + offset


def _pairs(before, planes, shift, mode, pool_args):
    """The shifted input pooled, and its fair pairs: ``after``, ``(oy, ox)``, the kept cells, the moved cells."""
    dy, dx = shift
    after = _pool(np.roll(planes, (dy, dx), axis=(1, 2)), mode, pool_args)
    h, w = planes.shape[1:]
    (oy, rows), (ox, cols) = _fair_pairs(before, after, dy, 0, h), _fair_pairs(before, after, dx, 1, w)
    # The fair cells are nearly always one block: slices then read it in place, where index arrays would copy.
    rows, cols = _span(rows), _span(cols)
    if not isinstance(rows, slice) or not isinstance(cols, slice):
        rows, cols = np.r_[rows][:, None], np.r_[cols]
    return after, (oy, ox), (rows, cols), (_shifted(rows, oy), _shifted(cols, ox))


def _stats(moved, kept, difference):
    """Share of the paired values unchanged (to 1e-9 relative) and their mean ``|difference|``; NaN for no pairs."""
    if moved.size == 0:
        return np.nan, np.nan
    with np.errstate(invalid="ignore"):
        change = np.abs(difference)
        finite = np.isfinite(change)
        if finite.all():
            # No NaN and no infinity: equal values differ by 0, which the tolerance already admits.
            return float((change <= 1e-9 * np.abs(kept)).mean()), float(change.mean())
        same = (change <= 1e-9 * np.abs(kept)) | (np.isnan(moved) & np.isnan(kept)) | (moved == kept)
    return float(same.mean()), float(change[finite].mean()) if finite.any() else np.nan


def _compare(before, planes, shift, mode, pool_args):
    after, offset, (rows, cols), partners = _pairs(before, planes, shift, mode, pool_args)
    moved = after.values[:, partners[0], partners[1]]
    kept = before.values[:, rows, cols]
    change = moved - kept
    difference = np.full(before.values.shape, np.nan)
    difference[:, rows, cols] = change
    compared = np.zeros(before.values.shape[1:], bool)
    compared[rows, cols] = True
    return ShiftComparison(tuple(shift), offset, before.values, after.values, difference, compared,
                           *_stats(moved, kept, change))


@dataclass(frozen=True, eq=False)
class ShiftTest:
    """An input pooled once, ready to be compared with any shift of itself.

    :func:`compare_shift` pools the input afresh on every call; a page that
    shows one shift after another keeps a ``ShiftTest`` and pools only the
    shifted input each time.

    Attributes
    ----------
    planes : (C, H, W) ndarray
        The input.
    mode : str
        A mode of :func:`pooling.pool2d` or ``"blurmax"``.
    pool_args : dict
        The pooling's settings, e.g. ``{"kernel_size": 2, "stride": 2}``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((8, 8)); x[2, 3] = 1.0
    >>> test = ShiftTest.of(x, "max", kernel_size=2)
    >>> test.compare((0, 1)).unchanged, test.compare((0, 2)).unchanged
    (0.8333333333333334, 1.0)
    """

    planes: np.ndarray
    mode: str
    pool_args: dict
    before: _Pooled

    @classmethod
    def of(cls, x, mode="max", **pool_args):
        """Pool ``x`` (``(H, W)`` or ``(C, H, W)``) with ``mode`` and ``pool_args``, once."""
        planes, _ = check_input(x)
        return cls(planes, mode, pool_args, _pool(planes, mode, pool_args))

    def compare(self, shift):
        """:func:`compare_shift` of this input at ``shift``: a :class:`ShiftComparison`."""
        return _compare(self.before, self.planes, _check_shift(self.planes, shift), self.mode, self.pool_args)

    def report(self, shifts):
        """:func:`aligned_shift_invariance` of this input over ``shifts``: a :class:`ShiftReport`.

        For a mode whose cells depend only on their window's pixels (all but
        training-time stochastic), shifts that differ by whole strides share
        one pooling: see :meth:`_phase_pairs`.
        """
        shifts = np.asarray(shifts, dtype=np.int64).reshape(-1, 2)
        stats = np.empty((2, len(shifts)))
        phases = {}  # (dy % stride_h, dx % stride_w) -> the input shifted by that much, pooled
        for n, shift in enumerate(shifts):  # a loop over trials, each vectorised
            shift = _check_shift(self.planes, tuple(shift))
            # The numbers of compare(shift), without its maps of the difference and of the compared cells.
            if self.windows_only:
                moved, kept = self._phase_pairs(shift, phases)
            else:
                after, _, (rows, cols), partners = _pairs(self.before, self.planes, shift, self.mode, self.pool_args)
                moved, kept = after.values[:, partners[0], partners[1]], self.before.values[:, rows, cols]
            stats[:, n] = _stats(moved, kept, moved - kept)
        return ShiftReport(shifts, stats[0], stats[1])

    @property
    def windows_only(self):
        """True when each output cell is a function of its window's pixels alone, the same wherever the window is.

        So for every mode but stochastic pooling in training, which draws a
        random pixel per cell.
        """
        return not draws(self.mode, self.pool_args)

    def _phase_pairs(self, shift, phases):
        """The fair pairs of ``shift`` (``moved``, ``kept``), from the pooling of its phase within the stride.

        Write a shift as ``k * stride + r`` per axis, ``0 <= r < stride``. A
        fair cell ``j + k`` of the pooled shifted input reads pixels that no
        wrap moved, so its window holds the pixels that cell ``j`` reads in
        the input shifted by ``r`` alone; in the same order, so its value is
        the same, bit for bit. So ``after[j + k] == after_r[j]``: the pairs'
        moved values are ``after_r``'s at the kept cells, and every shift
        with the phase ``r`` needs one pooling (none for ``r == 0``, whose
        ``after_r`` is the unshifted pooling). ``phases`` keeps them.
        """
        before = self.before
        phase = tuple(d % s for d, s in zip(shift, before.stride))
        if phase not in phases:
            phases[phase] = before if phase == (0, 0) else _pool(
                np.roll(self.planes, phase, axis=(1, 2)), self.mode, self.pool_args)
        after = phases[phase]
        h, w = self.planes.shape[1:]
        (_, rows), (_, cols) = _fair_pairs(before, after, shift[0], 0, h), _fair_pairs(before, after, shift[1], 1, w)
        rows, cols = _span(rows), _span(cols)
        if not isinstance(rows, slice) or not isinstance(cols, slice):
            rows, cols = np.r_[rows][:, None], np.r_[cols]
        return after.values[:, rows, cols], before.values[:, rows, cols]


def compare_shift(x, shift, mode="max", **pool_args):
    """Pool ``x`` and ``x`` shifted by ``(dy, dx)``; compare the outputs after undoing whole-cell moves.

    The input is shifted circularly (``np.roll``). A shift by a whole stride
    moves every window's content to the next window, so the output moves by
    one whole cell without changing: the shifted output is therefore moved
    back by ``(dy // stride_h, dx // stride_w)`` cells before the compare.
    What is left is the shift's phase within the stride, which is what
    changes the values. Only fair pairs are compared: both windows lie on the
    image (no padding, no partial ``ceil_mode`` window, for ``"blurmax"`` no
    reflected blur) and the shifted one reads no pixel wrapped round from the
    far edge. So, with no padding, a shift by whole strides leaves every
    compared cell unchanged, for every mode but training-time stochastic.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    shift : int or (int, int)
        ``(dy, dx)``: the content moves down by ``dy`` and right by ``dx``
        (negative: up, left); each smaller than the image.
    mode : str, optional
        A mode of :func:`pooling.pool2d` or ``"blurmax"`` (anti-aliased max).
    **pool_args
        Passed on, e.g. ``kernel_size=2, stride=2``.

    Returns
    -------
    ShiftComparison

    Notes
    -----
    Two poolings of the input; the comparison is a few slices.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((8, 8)); x[2, 3] = 1.0  # the right edge of the window of cell (1, 1)
    >>> one = compare_shift(x, (0, 1), "max", kernel_size=2)  # the dot crosses into cell (1, 2)
    >>> one.offset, float(one.difference[0, 1, 1]), float(one.difference[0, 1, 2]), one.unchanged
    ((0, 0), -1.0, 1.0, 0.8333333333333334)
    >>> two = compare_shift(x, (0, 2), "max", kernel_size=2)  # a whole stride: one cell over, unchanged
    >>> two.offset, two.unchanged
    ((0, 1), 1.0)
    """
    planes, _ = check_input(x)
    shift = _check_shift(planes, shift)
    return ShiftTest.of(planes, mode, **pool_args).compare(shift)


def aligned_shift_invariance(x, shifts, mode="max", **pool_args):
    """:func:`compare_shift` for many shifts: the share unchanged and the mean change of each.

    What the Shift invariance page charts, and what :func:`pooling.shift_invariance`
    returns by default.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    shifts : (N, 2) array_like of int
        ``(dy, dx)`` of each trial.
    mode : str, optional
        A mode of :func:`pooling.pool2d` or ``"blurmax"``.
    **pool_args
        Passed on.

    Returns
    -------
    ShiftReport
        ``unchanged`` and ``mean_abs_change`` over the fair pairs of each shift.

    Notes
    -----
    One pooling of ``x`` and one per shift.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(64.0).reshape(8, 8) % 5
    >>> aligned_shift_invariance(x, [(0, 0), (0, 1), (0, 2)], "max", kernel_size=2).unchanged.tolist()
    [1.0, 0.5, 1.0]
    """
    return ShiftTest.of(x, mode, **pool_args).report(shifts)
