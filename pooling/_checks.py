"""Argument checks and dtype rules shared by the core: every message names the parameter and its value."""

import numbers

import numpy as np

__all__ = [
    "MODES", "MODE_DEFAULT", "accumulator_dtype", "as_pair", "check_input", "check_mode", "float_dtype", "make_rng",
    "tap_dtype",
]


def as_pair(name, value, *, minimum=1):
    """Return ``value`` as an ``(h, w)`` tuple of Python ints, checked.

    Parameters
    ----------
    name : str
        The parameter's name, used in error messages.
    value : int or pair of int
        The user's value.
    minimum : int, optional
        The smallest allowed entry.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> as_pair("kernel_size", 3)
    (3, 3)
    >>> as_pair("stride", (1, 2))
    (1, 2)
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    items = tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else (value,)
    if len(items) == 1:
        items = items * 2
    if len(items) != 2:
        raise ValueError(f"{name} ({value!r}) must be an int or a pair of ints (h, w)")
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} ({value!r}) must be an int or a pair of ints, not {type(item).__name__}")
        if item < minimum:
            raise ValueError(f"{name} ({value!r}) must be at least {minimum}")
        if item > 2**31 - 1:
            raise ValueError(f"{name} ({value!r}) is too large; it must be below 2**31")
    return int(items[0]), int(items[1])


def check_input(x):
    """Return ``x`` as a real ``(C, H, W)`` array, and whether it was 2-D.

    Examples
    --------
    >>> planes, was_2d = check_input(np.zeros((2, 3)))
    >>> planes.shape, was_2d
    ((1, 2, 3), True)
    """
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except (ValueError, TypeError) as err:
            raise TypeError(f"x must be a numeric array, could not convert it: {err}") from None
    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError("x has dtype bool; pool a numeric array (e.g. x.astype(np.uint8))")
    if kind == "c":
        raise TypeError(f"x has complex dtype {arr.dtype}; pooling needs real numbers")
    if kind not in "uif":
        raise TypeError(f"x has dtype {arr.dtype}; pooling needs a real numeric dtype")
    if arr.ndim not in (2, 3):
        raise ValueError(f"x must be (H, W) or (C, H, W), got {arr.ndim}-D shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"x is empty (shape {arr.shape}); it needs at least one cell")
    was_2d = arr.ndim == 2
    return (arr[None] if was_2d else arr), was_2d


MODES = ("max", "min", "avg", "lp", "stochastic", "mixed")
"""The modes of :func:`pooling.pool2d`, in the order the app lists them."""


class _ModeDefault:
    """The default of a mode option that was not given (as numpy's ``np._NoValue``).

    ``None`` cannot stand for "not given": it is a real value of ``rng`` and
    ``divisor_override``, and a wrong one of ``p``, ``train``, ``alpha`` and
    ``count_include_pad``.
    """

    def __repr__(self):
        return "<mode default>"

    def __reduce__(self):
        return "MODE_DEFAULT"  # a pickled copy is the one sentinel


MODE_DEFAULT = _ModeDefault()


def check_mode(mode, allowed=MODES):
    """Check ``mode`` against ``allowed``; return it.

    Examples
    --------
    >>> check_mode("max")
    'max'
    """
    if not isinstance(mode, str) or mode not in allowed:
        raise ValueError(f"mode ({mode!r}) must be one of {', '.join(repr(m) for m in allowed)}")
    return mode


def make_rng(rng):
    """``np.random.default_rng(rng)``, with an error that names ``rng``.

    Examples
    --------
    >>> make_rng(0).integers(10) == make_rng(0).integers(10)
    np.True_
    """
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise TypeError(f"rng ({rng!r}) must be None, an int seed or a numpy.random.Generator") from None


def tap_dtype(n_taps):
    """The narrowest unsigned type that numbers ``n_taps`` window taps (0 to n_taps - 1): uint8 up to 256.

    Adaptive and global windows can hold a whole plane, far more than 65,535 taps.

    Examples
    --------
    >>> tap_dtype(256), tap_dtype(257), tap_dtype(512 * 512)
    (dtype('uint8'), dtype('uint16'), dtype('uint32'))
    """
    for dtype in (np.uint8, np.uint16, np.uint32):
        if n_taps - 1 <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.uint64)


def float_dtype(dtype):
    """The floating dtype that averages of ``dtype`` are computed and returned in.

    Floats keep their type; 8- and 16-bit integers give float32 (their window
    sums are exact there); wider integers give float64.

    Examples
    --------
    >>> float_dtype(np.uint8), float_dtype(np.int64), float_dtype(np.float16)
    (dtype('float32'), dtype('float64'), dtype('float16'))
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    return np.dtype(np.float32) if dtype.itemsize <= 2 else np.dtype(np.float64)


def accumulator_dtype(dtype):
    """The dtype window sums of ``dtype`` are accumulated in: :func:`float_dtype`, but float32 for float16.

    PyTorch accumulates half precision in float32 ("opmath").

    Examples
    --------
    >>> accumulator_dtype(np.float16), accumulator_dtype(np.uint8), accumulator_dtype(np.int32)
    (dtype('float32'), dtype('float32'), dtype('float64'))
    """
    out = float_dtype(dtype)
    return np.dtype(np.float32) if out == np.float16 else out
