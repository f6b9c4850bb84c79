"""``pool2d``: every strided pooling mode, with PyTorch's semantics."""

import numbers

import numpy as np

from ._checks import MODE_DEFAULT, MODES, accumulator_dtype, check_input, check_mode, float_dtype, make_rng
from ._engine import sample_reduce, scaled_sums, select_reduce, sum_reduce
from .geometry import regular_grid
from .result import PoolResult, WeightRule

__all__ = ["float_dtype", "mode_options", "pool2d"]

_MODE_DEFAULTS = {
    "max": {},
    "min": {},
    "avg": {"count_include_pad": True, "divisor_override": None},
    "lp": {"p": 2},
    "stochastic": {"train": True, "rng": None},
    "mixed": {"alpha": 0.5},
}


def mode_options(mode, **given):
    """The options ``mode`` runs with: ``given`` (those not :data:`MODE_DEFAULT`) over the mode's defaults.

    Parameters
    ----------
    mode : str
        One of :data:`pooling.MODES`, checked.
    **given
        Every mode option by name; :data:`MODE_DEFAULT` where not given.

    Returns
    -------
    all_options : dict
        Every option of ``mode``, with its value.
    given_options : dict
        The options the caller gave (what :attr:`PoolResult.params` records).

    Raises
    ------
    TypeError
        When an option is given to a mode that does not use it.

    Examples
    --------
    >>> mode_options("lp", p=3, alpha=MODE_DEFAULT)
    ({'p': 3}, {'p': 3})
    >>> mode_options("avg", p=MODE_DEFAULT)
    ({'count_include_pad': True, 'divisor_override': None}, {})
    """
    defaults = _MODE_DEFAULTS[mode]
    given = {name: value for name, value in given.items() if value is not MODE_DEFAULT}
    unknown = set(given) - set(defaults)
    if unknown:
        allowed = ", ".join(sorted(defaults)) or "none"
        raise TypeError(f"unexpected option {sorted(unknown)[0]!r} for mode {mode!r} (allowed: {allowed})")
    return {**defaults, **given}, given


def pool2d(
    x, mode, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False,
    count_include_pad=MODE_DEFAULT, divisor_override=MODE_DEFAULT, p=MODE_DEFAULT, train=MODE_DEFAULT,
    rng=MODE_DEFAULT, alpha=MODE_DEFAULT,
):
    """Pool a 2-D plane or a stack of channels, recording where each value came from.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
        Any real dtype. Channels are pooled independently.
    mode : {"max", "min", "avg", "lp", "stochastic", "mixed"}
        See :data:`pooling.MODES`.
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int, (int, int), "valid" or "same", optional
        Symmetric zero/-inf padding as PyTorch (at most ``kernel_size // 2``),
        or ``"same"``: TensorFlow's rule, ``out = ceil(L / s)`` with
        the odd padding cell at the bottom/right.
    dilation : int or (int, int), optional
        Spacing between taps.
    ceil_mode : bool, optional
        Round the output size up, as PyTorch.
    count_include_pad : bool, optional
        avg only (default True): padding cells count in the divisor, as
        PyTorch's ``avg_pool2d``.
    divisor_override : int, optional
        avg only (default None): divide every window's sum by this instead.
    p : float, optional
        lp only (default 2): the norm's power; ``np.inf`` gives max ``|x|``.
    train : bool, optional
        stochastic only (default True): sample a cell with probability
        ``a / sum(a)``; False gives the expectation ``sum(a^2) / sum(a)``.
    rng : numpy.random.Generator or int, optional
        stochastic only (default None, fresh entropy): the source of the
        draws; never global state.
    alpha : float, optional
        mixed only (default 0.5): ``alpha * max + (1 - alpha) * avg``.

    Every option after ``kernel_size`` is keyword only. A mode's own
    options are accepted by that mode alone.

    Returns
    -------
    PoolResult
        ``values`` has the dimensions of ``x``; max and min keep its dtype,
        the others are floating (see :func:`float_dtype`).

    Raises
    ------
    TypeError
        When an option is given to a mode that does not use it (e.g. ``p``
        to ``"max"``), or an option has the wrong type.
    ValueError
        When ``mode`` is unknown or a setting is out of range; the message
        names the parameter.

    Notes
    -----
    Output size per axis is ``floor((L + 2p - d(k - 1) - 1) / s) + 1``
    (ceil under ``ceil_mode``, dropping a last window that would start in
    the right padding), exactly PyTorch's. Max and min: padding never wins,
    ties keep the first cell in row-major window order, NaN propagates and
    reports the last NaN. Average: PyTorch's ``avg_pool2d``; padding counts
    in the divisor, the ceil_mode overhang does not; with ``"same"`` padding
    it divides by in-bounds cells (TensorFlow). PyTorch's ``AvgPool2d`` has
    no dilation; here dilated averages count the same way. Integer averages
    are returned as floats (PyTorch would truncate them). Lp: PyTorch's
    ``(sum |x| ** p) ** (1 / p)``, except where that sum leaves the float
    range (PyTorch gives inf, e.g. a float32 255 at p = 17): those windows
    are scaled by their largest ``|x|`` first, so the result is the true norm.

    Cost: one pass over the input per kernel tap, tiled so each pass reads
    from cache; no Python loop over output cells.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[5, 6, 1, 2],
    ...               [7, 9, 3, 4]])
    >>> r = pool2d(x, "max", 2)
    >>> r.values.tolist(), r.indices.tolist()
    ([[9, 4]], [[5, 7]])
    >>> pool2d(x, "avg", 2).values.tolist()
    [[6.75, 2.5]]
    >>> pool2d(x, "lp", 2, p=1).values.tolist()
    [[27.0, 10.0]]
    """
    mode = check_mode(mode, MODES)
    options, given = mode_options(
        mode, count_include_pad=count_include_pad, divisor_override=divisor_override, p=p, train=train, rng=rng,
        alpha=alpha,
    )
    planes, was_2d = check_input(x)
    grid = regular_grid(planes.shape[1:], kernel_size, stride=stride, padding=padding, dilation=dilation,
                        ceil_mode=ceil_mode)
    params = dict(
        kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode, **given
    )
    # inf - inf and 0 * inf give NaN here exactly as in PyTorch; no warnings.
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        values, tap, weight_rule = _MODE_FUNCS[mode](planes, grid, **options)
    if was_2d:
        values = values[0]
    return PoolResult(values, mode, grid, tap, params, _input=planes, weight_rule=weight_rule)


def _max(planes, grid):
    values, tap = select_reduce(planes, grid, largest=True)
    return values, tap, None


def _min(planes, grid):
    values, tap = select_reduce(planes, grid, largest=False)
    return values, tap, None


def _divisor(grid, count_include_pad, divisor_override):
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, numbers.Integral):
            raise TypeError(f"divisor_override ({divisor_override!r}) must be an int or None")
        if divisor_override == 0:
            raise ValueError("divisor_override (0) must not be zero: it would divide by zero")
        return np.int64(divisor_override)
    # Under padding="same" the grid's counted taps are its in-bounds ones (TensorFlow's divisor).
    name = "counted" if count_include_pad else "in_bounds"
    per_row, per_col = getattr(grid.rows, name).sum(1), getattr(grid.cols, name).sum(1)
    if (per_row == per_row[0]).all() and (per_col == per_col[0]).all():
        return np.int64(per_row[0] * per_col[0])  # one divisor for every window
    return per_row[:, None] * per_col[None, :]


def _avg(planes, grid, count_include_pad=True, divisor_override=None):
    if not isinstance(count_include_pad, (bool, np.bool_)):
        raise TypeError(f"count_include_pad ({count_include_pad!r}) must be True or False")
    divisor = _divisor(grid, count_include_pad, divisor_override)
    acc_t = accumulator_dtype(planes.dtype)
    div = divisor.astype(acc_t) if divisor.ndim else acc_t.type(divisor)
    values = sum_reduce(planes, grid, acc_t, divisor=div).astype(float_dtype(planes.dtype), copy=False)
    mask = "counted" if (count_include_pad and not divisor_override) else "in_bounds"
    return values, None, WeightRule("share", mask=mask, divisor=divisor)


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"p ({p!r}) must be a positive number or np.inf")
    if not p > 0:
        raise ValueError(f"p ({p!r}) must be > 0: p = 1 sums |x|, p = 2 is L2 pooling, p = inf is max |x|")
    return float(p)


def _lp(planes, grid, p=2):
    p = _check_p(p)
    out_t = float_dtype(planes.dtype)
    acc_t = accumulator_dtype(planes.dtype)
    if np.isinf(p):
        mags, tap = select_reduce(planes, grid, largest=True, key=lambda v: np.abs(v.astype(acc_t, copy=False)))
        return mags.astype(out_t, copy=False), None, WeightRule("onehot", tap=tap)

    def power(v):
        v = np.abs(v.astype(acc_t, copy=False))
        return v * v if p == 2 else v**p

    sums = sum_reduce(planes, grid, acc_t, transform=power)
    values = (np.sqrt(sums) if p == 2 else sums ** (1.0 / p)).astype(out_t, copy=False)
    _rescue_lp(values, sums, planes, grid, p)
    return values, None, WeightRule("lp", p=p)


def _rescue_lp(values, sums, planes, grid, p):
    """Redo, in place, the windows whose ``sum |x| ** p`` left the float range, each scaled by its largest ``|x|``.

    ``(sum |x| ** p) ** (1 / p)`` is PyTorch's arithmetic, and the sum
    overflows to inf (or underflows to 0 or to imprecise subnormals) long
    before the result does: in float32 a 255 pixel at p = 17, in float64 a
    1e5 cell at p = 64 or a 1e-160 cell at p = 2. Such windows are pooled
    again as ``m * (sum (|x| / m) ** p) ** (1 / p)`` in float64, ``m`` the
    window's largest ``|x|``; every other window keeps PyTorch's value bit
    for bit. A window that holds inf or NaN keeps its inf or NaN.
    """
    lost = _out_of_range(sums, planes, p)
    if not lost.any():
        return
    largest, (shares,) = scaled_sums(planes, grid, (p,))
    lost &= np.isfinite(largest) & (largest > 0)
    values[lost] = (largest[lost] * shares[lost] ** (1.0 / p)).astype(values.dtype)


def _out_of_range(sums, planes, p=2):
    """Where a sum of ``p``-th powers overflowed, or (for float input) fell below the normal floats.

    A sum below the normal floats is only in doubt when a nonzero ``|x|``
    has a power below them. When none has, every term is 0 or normal, so
    such a sum is 0 exactly, a window of zeros (black, clipped or ReLU'd
    cells), and its value 0 stands: the windows are not redone.
    """
    lost = ~np.isfinite(sums)
    if planes.dtype.kind == "f":  # powers of whole numbers of 1 or more never underflow
        tiny = np.finfo(sums.dtype).tiny
        below = sums < tiny
        if below.any():
            mags = np.abs(planes)
            # Twice the bound, for the rounding of the power itself.
            if ((mags > 0) & (mags < 2 * tiny ** (1.0 / p))).any():
                lost |= below
    return lost


def _stochastic(planes, grid, train=True, rng=None):
    if not isinstance(train, (bool, np.bool_)):
        raise TypeError(f"train ({train!r}) must be True or False")
    if planes.dtype.kind == "f" and np.isnan(planes).any():
        raise ValueError("stochastic pooling needs x without NaN: its cells are probabilities' weights")
    if planes.dtype.kind != "u" and (planes < 0).any():
        raise ValueError(
            f"stochastic pooling needs x >= 0 (it samples cells with probability a / sum(a)); min(x) is {planes.min()}"
        )
    acc_t = accumulator_dtype(planes.dtype)
    out_t = float_dtype(planes.dtype)
    sums = sum_reduce(planes, grid, acc_t)
    if not train:
        squares = sum_reduce(planes, grid, acc_t, transform=lambda v: np.square(v.astype(acc_t, copy=False)))
        values = np.divide(squares, sums, out=np.zeros_like(sums), where=sums > 0).astype(out_t, copy=False)
        # sum(a^2) overflows, or underflows on subnormal cells, before sum(a^2) / sum(a) does: redo those windows
        # as m * sum(r^2) / sum(r) with r = a / m, m the window's largest cell.
        lost = _out_of_range(squares, planes, 2) & (sums > 0)
        if lost.any():
            largest, (ones, twos) = scaled_sums(planes, grid, (1, 2))
            lost &= np.isfinite(largest)
            values[lost] = (largest[lost] * twos[lost] / ones[lost]).astype(out_t)
        return values, None, WeightRule("probability")
    threshold = make_rng(rng).random(sums.shape) * sums
    values, tap = sample_reduce(planes, grid, acc_t, sums, threshold)
    return values, tap, None


def _mixed(planes, grid, alpha=0.5):
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha ({alpha!r}) must be a number in [0, 1]")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha ({alpha!r}) must be in [0, 1]: it mixes alpha * max + (1 - alpha) * avg")
    maxima, tap = select_reduce(planes, grid, largest=True)
    averages, _, share = _avg(planes, grid)
    out_t = averages.dtype
    if alpha == 1:  # the end points are exactly max and avg, even where a window holds inf
        values = maxima.astype(out_t)
    elif alpha == 0:
        values = averages
    else:
        values = (alpha * maxima.astype(out_t) + (1 - alpha) * averages).astype(out_t, copy=False)
    return values, None, WeightRule("mixed", mask=share.mask, divisor=share.divisor, tap=tap, alpha=alpha)


_MODE_FUNCS = {"max": _max, "min": _min, "avg": _avg, "lp": _lp, "stochastic": _stochastic, "mixed": _mixed}
