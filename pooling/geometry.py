"""Window geometry: where each output cell's window lies on the input.

Every pooling result carries a :class:`WindowGrid`, so that no page or figure
recomputes window positions. A grid is the product of two :class:`AxisWindows`,
one for rows and one for columns, because every window in this package is a
rectangle of taps (possibly dilated).
"""

from dataclasses import dataclass

import numpy as np

from ._checks import as_pair

__all__ = [
    "AxisWindows",
    "WindowGrid",
    "output_length",
    "resolve_padding",
    "regular_axis",
    "regular_grid",
]


@dataclass(frozen=True, eq=False)
class AxisWindows:
    """The taps of every window along one axis.

    Attributes
    ----------
    positions : (n_out, K) int64 ndarray
        Input coordinate of tap ``k`` of window ``i``; may lie outside
        ``[0, length)`` where the window overlaps padding.
    member : (n_out, K) bool ndarray
        Whether tap ``k`` belongs to window ``i`` (adaptive windows vary in
        length; their surplus taps are not members).
    in_bounds : (n_out, K) bool ndarray
        Member taps that fall on the input (not on padding).
    counted : (n_out, K) bool ndarray
        Member taps that count towards an average's divisor.
    length : int
        Input length along this axis.
    step : int or None
        Stride for regularly spaced windows, ``None`` for adaptive or
        fractional ones.
    """

    positions: np.ndarray
    member: np.ndarray
    in_bounds: np.ndarray
    counted: np.ndarray
    length: int
    step: int = None

    @property
    def n_out(self):
        return self.positions.shape[0]

    @property
    def n_taps(self):
        return self.positions.shape[1]

    def first_in_bounds(self):
        """Tap number of each window's first in-bounds tap, shape (n_out,)."""
        return np.argmax(self.in_bounds, axis=1)

    def in_bounds_span(self, tap):
        """Output range ``[lo, hi)`` whose tap ``tap`` is in bounds (regular axes).

        Positions grow with the output index, so that range is contiguous.
        """
        inside = np.flatnonzero(self.in_bounds[:, tap])
        if inside.size == 0:
            return 0, 0
        return int(inside[0]), int(inside[-1]) + 1


@dataclass(frozen=True, eq=False)
class WindowGrid:
    """Window geometry of a 2-D pooling: rows times columns.

    Taps are numbered in row-major window order: tap ``t`` is kernel row
    ``t // kw`` and kernel column ``t % kw``, the order PyTorch scans.

    Examples
    --------
    >>> grid = regular_grid((4, 4), kernel_size=2)
    >>> grid.shape, grid.kernel
    ((2, 2), (2, 2))
    >>> rows, cols, in_bounds = grid.taps(1, 0)
    >>> rows.tolist(), cols.tolist()
    ([2, 2, 3, 3], [0, 1, 0, 1])
    """

    rows: AxisWindows
    cols: AxisWindows

    @property
    def shape(self):
        """Output size ``(out_h, out_w)``."""
        return self.rows.n_out, self.cols.n_out

    @property
    def kernel(self):
        """Taps per window along each axis ``(kh, kw)``."""
        return self.rows.n_taps, self.cols.n_taps

    @property
    def input_shape(self):
        """Input plane size ``(H, W)``."""
        return self.rows.length, self.cols.length

    @property
    def regular(self):
        """True when windows are evenly spaced (the fast paths slice, not gather)."""
        return self.rows.step is not None and self.cols.step is not None

    def taps(self, i, j):
        """Rows, columns and in-bounds flags of the member taps of window ``(i, j)``.

        Returns
        -------
        rows, cols : (K,) int64 ndarray
        in_bounds : (K,) bool ndarray
            False for taps on padding.
        """
        member = np.logical_and.outer(self.rows.member[i], self.cols.member[j]).ravel()
        rows = np.repeat(self.rows.positions[i], self.cols.n_taps)[member]
        cols = np.tile(self.cols.positions[j], self.rows.n_taps)[member]
        inb = np.logical_and.outer(self.rows.in_bounds[i], self.cols.in_bounds[j]).ravel()[member]
        return rows, cols, inb

    def tap_mask(self, name):
        """A per-tap flag for every window: shape ``(out_h, out_w, kh * kw)``.

        ``name`` is ``"member"``, ``"in_bounds"`` or ``"counted"``.
        """
        r, c = getattr(self.rows, name), getattr(self.cols, name)
        oh, ow = self.shape
        return (r[:, None, :, None] & c[None, :, None, :]).reshape(oh, ow, -1)

    def tap_positions(self):
        """Input row and column of every tap: two ``(out_h, out_w, kh * kw)`` arrays."""
        (oh, ow), (kh, kw) = self.shape, self.kernel
        rows = np.broadcast_to(self.rows.positions[:, None, :, None], (oh, ow, kh, kw))
        cols = np.broadcast_to(self.cols.positions[None, :, None, :], (oh, ow, kh, kw))
        return rows.reshape(oh, ow, -1), cols.reshape(oh, ow, -1)

    def first_in_bounds_tap(self):
        """Tap number of each window's first in-bounds tap, shape ``(out_h, out_w)``."""
        a = self.rows.first_in_bounds()
        b = self.cols.first_in_bounds()
        return a[:, None] * self.cols.n_taps + b[None, :]

    def gather(self, planes, fill=0):
        """Every tap's input value: ``(C, out_h, out_w, kh * kw)``, ``fill`` off the input.

        Memory grows with ``kh * kw`` times the output; meant for small grids
        and for the analysis functions, not for photo-sized fast paths.
        """
        rows, cols = self.tap_positions()
        inb = self.tap_mask("in_bounds")
        h, w = self.input_shape
        vals = planes[:, np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)]
        return np.where(inb, vals, np.asarray(fill, dtype=vals.dtype))


def output_length(length, kernel, stride, pad_left, pad_right, dilation, ceil_mode):
    """Number of windows along one axis, exactly as PyTorch computes it.

    ``floor((L + pl + pr - d * (k - 1) - 1) / s) + 1``, with ceil instead of
    floor under ``ceil_mode``; then, under ``ceil_mode``, a last window that
    would start in the right padding is dropped.

    Examples
    --------
    >>> output_length(5, 2, 2, 0, 0, 1, False)
    2
    >>> output_length(5, 2, 2, 0, 0, 1, True)
    3
    """
    span = length + pad_left + pad_right - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and out > 0 and (out - 1) * stride >= length + pad_left:
        out -= 1
    return out


def resolve_padding(padding, length_hw, kernel, stride, dilation):
    """Turn ``padding`` into ``((top, bottom), (left, right))`` and a divisor rule.

    Parameters
    ----------
    padding : int, pair of int, "valid" or "same"
    length_hw, kernel, stride, dilation : pairs of int

    Returns
    -------
    pads : tuple of two (before, after) pairs
    tf_same : bool
        True for ``"same"``: averages then divide by in-bounds cells only
        (TensorFlow/Keras).

    Examples
    --------
    >>> resolve_padding("same", (5, 5), (2, 2), (2, 2), (1, 1))
    (((0, 1), (0, 1)), True)
    """
    if isinstance(padding, str):
        word = padding.lower()
        if word == "valid":
            return ((0, 0), (0, 0)), False
        if word != "same":
            raise ValueError(f"padding ({padding!r}) must be an int, a pair of ints, 'valid' or 'same'")
        pads = []
        for n, k, s, d in zip(length_hw, kernel, stride, dilation):
            out = -(-n // s)
            total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        return tuple(pads), True
    ph, pw = as_pair("padding", padding, minimum=0)
    for p, k in zip((ph, pw), kernel):
        if p > k // 2:
            raise ValueError(
                f"padding ({p}) must be at most kernel_size // 2 ({k // 2}): "
                "a larger pad makes windows that hold mostly padding"
            )
    return ((ph, ph), (pw, pw)), False


def regular_axis(length, kernel, stride, pad_left, pad_right, dilation, ceil_mode, tf_same=False, axis="height"):
    """Windows of one axis for a kernel/stride/padding/dilation setting.

    Examples
    --------
    >>> ax = regular_axis(5, 3, 2, 1, 1, 1, False)
    >>> ax.positions.tolist()
    [[-1, 0, 1], [1, 2, 3], [3, 4, 5]]
    >>> ax.counted.sum(axis=1).tolist()
    [3, 3, 3]
    """
    n_out = output_length(length, kernel, stride, pad_left, pad_right, dilation, ceil_mode)
    if n_out < 1:
        raise ValueError(
            f"output {axis} would be {n_out}: input {axis} {length} plus padding "
            f"{pad_left + pad_right} is smaller than the dilated kernel "
            f"{dilation * (kernel - 1) + 1}; use a smaller kernel_size or dilation, or more padding"
        )
    starts = np.arange(n_out, dtype=np.int64) * stride - pad_left
    positions = starts[:, None] + np.arange(kernel, dtype=np.int64)[None, :] * dilation
    in_bounds = (positions >= 0) & (positions < length)
    empty = ~in_bounds.any(axis=1)
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise ValueError(
            f"window {i} along the {axis} holds only padding (dilation {dilation}, padding "
            f"{pad_left}, input {axis} {length}); lower the padding or the dilation"
        )
    if tf_same:
        counted = in_bounds
    else:
        # PyTorch's count_include_pad counts padding, never the ceil_mode overhang.
        counted = positions < length + pad_right
    member = np.ones_like(in_bounds)
    return AxisWindows(positions, member, in_bounds, counted, int(length), int(stride))


def regular_grid(input_hw, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False):
    """The window grid of a strided pooling over an ``(H, W)`` plane.

    Parameters
    ----------
    input_hw : (int, int)
        Input plane size.
    kernel_size : int or (int, int)
    stride, padding, dilation, ceil_mode
        As in :func:`pooling.pool2d`, keyword only.

    Returns
    -------
    WindowGrid
        With ``padding="same"`` its axes count only in-bounds taps towards an
        average (``counted == in_bounds``, TensorFlow's rule): the grid
        carries the divisor rule, so no mode needs to be told it.

    Examples
    --------
    >>> regular_grid((5, 5), 2, ceil_mode=True).shape
    (3, 3)
    >>> regular_grid((5, 5), 3, stride=1, padding="same").shape
    (5, 5)
    """
    if not isinstance(ceil_mode, (bool, np.bool_)):
        raise TypeError(f"ceil_mode ({ceil_mode!r}) must be True or False")
    try:
        key = _typed((tuple(input_hw), _hashable(kernel_size), _hashable(stride), _hashable(padding),
                      _hashable(dilation), bool(ceil_mode)))
        grid = _GRIDS.get(key)
    except TypeError:  # an argument of a kind no layer uses: worked out afresh, which says what is wrong with it
        return _regular_grid(input_hw, kernel_size, stride, padding, dilation, ceil_mode)
    if grid is None:
        # Built from the arguments as given, so that an error names them as the caller wrote them.
        grid = _read_only(_regular_grid(input_hw, kernel_size, stride, padding, dilation, ceil_mode))
        if len(_GRIDS) >= _GRIDS_KEPT:
            _GRIDS.clear()
        _GRIDS[key] = grid
    return grid


# Grids kept by their arguments (and their arguments' types): pages pool the same sizes again and again, dozens of
# poolings a slider move, and a grid's arrays cost more to build than many a pooling of a small map.
_GRIDS = {}
_GRIDS_KEPT = 512


def _hashable(value):
    """Lists as tuples, so that a grid's arguments can key the cache; anything else as it is."""
    return tuple(value) if isinstance(value, list) else value


def _typed(value):
    """``value`` with the type of every part: 2, 2.0 and True are equal, but only 2 is a valid size."""
    if isinstance(value, tuple):
        return tuple(_typed(v) for v in value)
    return type(value), value


def _read_only(grid):
    """``grid`` with its arrays read-only: a kept grid is shared, and no caller may change another's."""
    for axis in (grid.rows, grid.cols):
        for array in (axis.positions, axis.member, axis.in_bounds, axis.counted):
            array.flags.writeable = False
    return grid


def _regular_grid(input_hw, kernel_size, stride, padding, dilation, ceil_mode):
    kernel = as_pair("kernel_size", kernel_size)
    stride = kernel if stride is None else as_pair("stride", stride)
    dilation = as_pair("dilation", dilation)
    if not isinstance(ceil_mode, (bool, np.bool_)):
        raise TypeError(f"ceil_mode ({ceil_mode!r}) must be True or False")
    pads, tf_same = resolve_padding(padding, input_hw, kernel, stride, dilation)
    axes = [
        regular_axis(n, k, s, p0, p1, d, bool(ceil_mode), tf_same, axis)
        for n, k, s, (p0, p1), d, axis in zip(input_hw, kernel, stride, pads, dilation, ("height", "width"))
    ]
    if axes[0].n_taps * axes[1].n_taps > 65535:
        raise ValueError(f"kernel_size ({kernel_size!r}) has more than 65535 taps; use a smaller kernel")
    return WindowGrid(*axes)
