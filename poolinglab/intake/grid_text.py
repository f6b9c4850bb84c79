"""Small numeric grids that the user types or randomises, and their text form."""

import re

import numpy as np

from pooling._checks import as_pair

from .errors import ImageError

__all__ = ["GRID_MAX_SIDE", "grid_from_text", "grid_to_text", "random_grid"]

GRID_MAX_SIDE = 16
_MAX_CHARS = 20_000
_SEPARATORS = re.compile(r"[,\s]+")


def _grid_error(message):
    return ImageError(message)


def grid_from_text(text):
    """Parse a typed grid: one row per line, values separated by spaces or commas.

    Parameters
    ----------
    text : str
        Blank lines are ignored. Any number ``float`` accepts, except
        NaN and infinities.

    Returns
    -------
    (H, W) float64 ndarray
        ``1 <= H, W <= GRID_MAX_SIDE``.

    Raises
    ------
    ImageError
        A ``ValueError`` whose message names the row and value at fault.

    Examples
    --------
    >>> grid_from_text("1 2 3\\n4, 5, 6.5").tolist()
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]
    >>> grid_from_text("1 2\\n3 x")
    Traceback (most recent call last):
    ...
    poolinglab.intake.errors.ImageError: In row 2, value 2 ('x') is not a number. Use digits such as 3, -1.5 or 2e3.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if len(text) > _MAX_CHARS:
        raise _grid_error(
            f"The grid text is {len(text)} characters long; the limit is {_MAX_CHARS}. Type a smaller grid."
        )
    rows = [_SEPARATORS.split(line.strip(" \t,")) for line in text.splitlines() if line.strip(" \t,")]
    if not rows:
        raise _grid_error("The grid is empty. Type one row of numbers per line, such as '1 2' and then '3 4'.")
    if len(rows) > GRID_MAX_SIDE:
        raise _grid_error(f"The grid has {len(rows)} rows; the limit is {GRID_MAX_SIDE}. Remove some rows.")
    for number, row in enumerate(rows, start=1):
        if len(row) > GRID_MAX_SIDE:
            raise _grid_error(f"Row {number} has {len(row)} values; the limit is {GRID_MAX_SIDE}. Remove some columns.")
        if len(row) != len(rows[0]):
            raise _grid_error(
                f"Row {number} has {len(row)} values but row 1 has {len(rows[0])}. Every row needs the same number."
            )
    return np.array([[_parse(token, r, c) for c, token in enumerate(row, 1)] for r, row in enumerate(rows, 1)])


MAX_ABS_VALUE = 1e30


def _parse(token, row, col):
    try:
        value = float(token)
    except ValueError:
        raise _grid_error(
            f"In row {row}, value {col} ({token[:20]!r}) is not a number. Use digits such as 3, -1.5 or 2e3."
        ) from None
    if not np.isfinite(value):
        raise _grid_error(f"In row {row}, value {col} ({token[:20]!r}) is not a finite number. Use an ordinary number.")
    if abs(value) > MAX_ABS_VALUE:
        # Larger numbers overflow sums and squares (and float32 drawing) into inf.
        raise _grid_error(f"In row {row}, value {col} ({token[:20]!r}) is too large. Keep numbers within ±1e30.")
    return value


def grid_to_text(grid):
    """Write a grid as :func:`grid_from_text` reads it, in right-aligned columns.

    Whole numbers lose their ``.0``; other floats keep every digit, so the
    text parses back to the same values.

    Parameters
    ----------
    grid : (H, W) array_like of real numbers

    Returns
    -------
    str

    Examples
    --------
    >>> print(grid_to_text([[1.0, 10.0], [2.5, -3.0]]))
      1 10
    2.5 -3
    >>> grid_from_text(grid_to_text([[0.1, 2]])).tolist()
    [[0.1, 2.0]]
    """
    grid = np.asarray(grid)
    if grid.ndim != 2 or grid.size == 0 or grid.dtype.kind not in "uif":
        raise ValueError(f"grid must be a non-empty 2-D numeric array, got shape {grid.shape} and dtype {grid.dtype}")
    cells = [[_format(v) for v in row] for row in grid.tolist()]
    width = max(len(cell) for row in cells for cell in row)
    return "\n".join(" ".join(cell.rjust(width) for cell in row) for row in cells)


def _format(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def random_grid(shape, rng=None, low=0, high=9):
    """A grid of random integers from ``low`` to ``high``, both included.

    Parameters
    ----------
    shape : int or (int, int)
        ``(H, W)``, each side from 1 to ``GRID_MAX_SIDE``.
    rng : numpy.random.Generator, int or None, optional
        Passed to ``np.random.default_rng``; a seed gives the same grid
        every time.
    low, high : int, optional

    Returns
    -------
    (H, W) int64 ndarray

    Examples
    --------
    >>> grid = random_grid((2, 3), rng=0)
    >>> grid.shape, grid.dtype, bool(((grid >= 0) & (grid <= 9)).all())
    ((2, 3), dtype('int64'), True)
    >>> bool((random_grid(4, rng=7) == random_grid(4, rng=7)).all())
    True
    """
    height, width = as_pair("shape", shape)
    if max(height, width) > GRID_MAX_SIDE:
        raise ValueError(f"shape ({shape!r}) must be at most {GRID_MAX_SIDE} on each side")
    if low > high:
        raise ValueError(f"low ({low!r}) must be at most high ({high!r})")
    return np.random.default_rng(rng).integers(low, high, size=(height, width), endpoint=True, dtype=np.int64)
