"""Anti-aliased max pooling (Zhang 2019, "Making Convolutional Networks Shift-Invariant Again")."""

import functools
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_pair, check_input
from ._engine import dense_window_max
from .geometry import WindowGrid, regular_grid
from .pool import pool2d

__all__ = ["BlurPoolResult", "antialiased_max_pool2d", "binomial_filter", "blur_shifts"]


def binomial_filter(size):
    """The normalised 2-D binomial blur of ``size`` taps per axis (1 to 7).

    Examples
    --------
    >>> (binomial_filter(3) * 16).tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= 7:
        raise ValueError(f"blur_size ({size!r}) must be an int from 1 to 7")
    row = np.array([1.0])
    for _ in range(size - 1):
        row = np.convolve(row, [1.0, 1.0])
    filt = np.outer(row, row)
    return filt / filt.sum()


@dataclass(frozen=True, eq=False)
class BlurPoolResult:
    """Anti-aliased max pooling, with its stages.

    Attributes
    ----------
    values : ndarray
        The output, the input's number of dimensions, floating.
    maxima : (C, h, w) ndarray
        Stage 1: the maximum of each window, windows at stride 1 (the
        input's dtype). Always ``(C, h, w)``, even for 2-D input.
    grid : WindowGrid
        Stage 1's windows.
    blur : (b, b) ndarray
        The binomial filter.
    stride : (int, int)
    mode : str
        ``"blurmax"``.
    dense : PoolResult
        Stage 1 as :func:`pooling.pool2d` gives it, whose indices say which
        input cell each dense maximum came from. Made when first read.
    blurred : ndarray
        Stage 2: the dense maxima blurred (before subsampling), (C, h, w).
        Made when first read: the output needs the blur only at the cells it
        samples.
    """

    values: np.ndarray
    maxima: np.ndarray
    grid: WindowGrid
    blur: np.ndarray
    stride: tuple
    planes: np.ndarray = field(repr=False)
    mode: str = "blurmax"

    @functools.cached_property
    def dense(self):
        return pool2d(self.planes, "max", self.grid.kernel, stride=1)

    @functools.cached_property
    def blurred(self):
        return _blur(self.maxima, self.blur.sum(axis=1), (1, 1))


def antialiased_max_pool2d(x, kernel_size=2, stride=2, *, blur_size=3):
    """Max with stride 1, then a binomial blur, then subsample (MaxBlurPool).

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    kernel_size : int or (int, int), optional
        The max window, applied densely (stride 1).
    stride : int or (int, int), optional
        The subsampling step, applied after the blur.
    blur_size : int, optional
        Keyword only. Taps of the binomial blur per axis, 1 (no blur) to 7;
        Zhang's default 3.

    Returns
    -------
    BlurPoolResult

    Notes
    -----
    As the reference implementation (``antialiased-cnns``'s ``BlurPool``),
    the dense maxima are reflect-padded by ``(b - 1) // 2`` before and
    ``ceil((b - 1) / 2)`` after, then blurred and sampled every ``stride``.
    With ``blur_size=1`` this is plain max pooling with stride 1 followed by
    subsampling, the aliasing baseline.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((6, 6)); x[2, 2] = 16.0
    >>> antialiased_max_pool2d(x).values.shape
    (3, 3)
    """
    planes, was_2d = check_input(x)
    sy, sx = as_pair("stride", stride)
    grid = regular_grid(planes.shape[1:], kernel_size, stride=1)
    filt = binomial_filter(blur_size)
    _check_blur(blur_size, *grid.shape)
    maxima = dense_window_max(planes, grid.kernel)
    # The binomial blur is separable: b taps down the rows, then b across, not b * b.
    values = _blur(maxima, filt.sum(axis=1), (sy, sx))
    if was_2d:
        values = values[0]
    return BlurPoolResult(values, maxima, grid, filt, (sy, sx), planes)


def blur_shifts(maxima, width, stride=2, *, blur_size=3):
    """Stage 2 of :func:`antialiased_max_pool2d` (blur, then subsample) of every shift of one strip of maxima.

    Shift ``d`` is ``maxima[..., d:d + width]``, as the shift test cuts a
    photo. The blur down the rows does not depend on where a column lies, so
    it is done once for the whole strip; each shift then pads and blurs its
    own columns. Every number is the one the shift blurred on its own gives.

    Parameters
    ----------
    maxima : (C, h, W) or (h, W) array_like
        Dense (stride 1) maxima of the strip, checked as the core checks its
        input; a 2-D strip is one plane.
    width : int
        Each shift's width, at most ``W``: there are ``W - width + 1`` shifts.
    stride, blur_size
        As :func:`antialiased_max_pool2d`.

    Returns
    -------
    (W - width + 1, C, h', w') ndarray
        C is 1 for a 2-D strip.

    Examples
    --------
    >>> strip = np.arange(24.0).reshape(1, 4, 6)
    >>> shifts = blur_shifts(strip, 4)
    >>> alone = antialiased_max_pool2d(strip[..., 2:6], kernel_size=1).values
    >>> shifts.shape, bool((shifts[2] == alone).all())
    ((3, 1, 2, 2), True)
    """
    maxima, _ = check_input(maxima)
    sy, sx = as_pair("stride", stride)
    row = binomial_filter(blur_size).sum(axis=1)
    if not 1 <= width <= maxima.shape[-1]:
        raise ValueError(f"width ({width}) must be from 1 to the strip's width ({maxima.shape[-1]})")
    _check_blur(blur_size, maxima.shape[-2], width)
    down = _blur_rows(maxima, row, sy)
    return np.stack([_blur_columns(down[..., d:d + width], row, sx) for d in range(maxima.shape[-1] - width + 1)])


def _check_blur(blur_size, h, w):
    """Refuse dense maxima of ``h`` × ``w`` too small to reflect-pad for a blur of ``blur_size`` taps (already
    checked by :func:`binomial_filter`; numpy's reflect needs more cells than it pads)."""
    before, after = _pads(blur_size)
    if blur_size > 1 and (before >= h or after >= h or before >= w or after >= w):
        raise ValueError(f"blur_size ({blur_size}) needs the dense maxima to be larger than {h}x{w}")


def _pads(b):
    """The reflect padding of a blur of ``b`` taps, before and after (antialiased-cnns' ``BlurPool``)."""
    return (b - 1) // 2, b - 1 - (b - 1) // 2


def _blur(maxima, row, step):
    """The blur of ``row``'s taps per axis over reflect-padded ``maxima``, at every ``step``-th cell of each axis.

    Each output cell sums its taps in the same order whatever the step, so a
    sampled cell is exactly the full blur's cell there. ``maxima`` keeps its
    own dtype: each tap's float64 weight times it gives the float64 product of
    the value converted first, without a float64 copy of the whole map.
    """
    return _blur_columns(_blur_rows(maxima, row, step[0]), row, step[1])


def _blur_rows(maxima, row, sy):
    """The rows' half of :func:`_blur`: every column's rows reflect-padded and blurred, at every ``sy``-th row.

    A column's numbers do not depend on the columns beside it, so blurring the
    rows before the columns are padded gives the padded columns' numbers too.
    """
    row = np.asarray(row, dtype=np.float64)
    b = len(row)
    before, after = _pads(b)
    h = maxima.shape[1]
    padded = np.pad(maxima, ((0, 0), (before, after), (0, 0)), mode="reflect") if b > 1 else maxima
    n_rows = -(-h // sy)
    down = np.zeros((maxima.shape[0], n_rows, maxima.shape[2]))
    for a in range(b):  # loops over blur taps, not over pixels
        down += row[a] * padded[:, a: a + (n_rows - 1) * sy + 1: sy, :]
    return down


def _blur_columns(down, row, sx):
    """The columns' half of :func:`_blur`: ``down``'s columns reflect-padded and blurred, at every ``sx``-th."""
    row = np.asarray(row, dtype=np.float64)
    b = len(row)
    before, after = _pads(b)
    w = down.shape[2]
    padded = np.pad(down, ((0, 0), (0, 0), (before, after)), mode="reflect") if b > 1 else down
    n_cols = -(-w // sx)
    blurred = np.zeros((down.shape[0], down.shape[1], n_cols))
    for c in range(b):
        blurred += row[c] * padded[:, :, c: c + (n_cols - 1) * sx + 1: sx]
    return blurred
