"""Backward routing: the gradient each input cell receives from a pooling."""

import numpy as np

from ._checks import as_pair, make_rng
from .analysis.loss import window_cells
from .result import PoolResult
from .unpool import scatter_add

__all__ = ["GRADIENT_KINDS", "gradient_sources", "pool_backward", "upstream_gradient"]

GRADIENT_KINDS = ("ones", "random")


def pool_backward(result: PoolResult, grad_output=None):
    """The gradient that reaches the input, for an upstream gradient.

    Equals autograd's for the same forward pass: max (min, fractional,
    adaptive max, stochastic in training) sends all of a window's gradient
    to the recorded cell, so every other cell gets exactly 0; average sends
    ``1 / divisor`` of it to every cell of the window (the share that fell
    on padding is dropped); mixed sends ``alpha`` by the max route and
    ``1 - alpha`` by the average route.

    Nonlinear modes use their derivative at the input: Lp pooling gives cell
    ``i`` ``sign(x_i) (|x_i| / y)^(p-1)`` (0 where ``x_i = 0`` or ``y = 0``),
    and stochastic pooling at test time ``(2 a_i S - Q) / S^2`` with
    ``S = sum(a)``, ``Q = sum(a^2)``, computed as ``2 r_i - sum(r^2)`` with
    ``r = a / S``. Written so, neither overflows nor underflows where the
    derivative itself is a float: autograd's ``|x|^(p-1)`` gives NaN at
    p = 64 on a 1e5 cell.

    Parameters
    ----------
    result : PoolResult
    grad_output : array_like, optional
        Same shape as ``result.values``; ones if omitted.

    Returns
    -------
    float64 ndarray of the input's shape

    Examples
    --------
    >>> import numpy as np, pooling
    >>> x = np.array([[1.0, 3.0], [2.0, 0.0]])
    >>> pool_backward(pooling.pool2d(x, "max", 2)).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    >>> pool_backward(pooling.pool2d(x, "avg", 2)).tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    """
    values = result.values
    grad = np.ones(values.shape) if grad_output is None else np.asarray(grad_output, dtype=np.float64)
    if grad.shape != values.shape:
        raise ValueError(f"grad_output has shape {grad.shape}; it must match the output's {values.shape}")
    if result.squeeze:
        grad = grad[None]
    h, w = result.grid.input_shape
    index, weight = _routes(result)
    out = scatter_add(index, grad[..., None] * weight, h * w).reshape(-1, h, w)
    return out[0] if result.squeeze else out


def gradient_sources(result: PoolResult):
    """How many outputs send gradient to each input cell.

    An output sends gradient to a cell when the derivative of that output
    with respect to the cell is not zero: for max (and the other selecting
    modes) only its recorded cell, for average every cell of its window.
    Where windows overlap (stride below the kernel), a cell can hear from
    several outputs, and :func:`pool_backward` adds their gradients up.
    The count depends on the forward pass only, not on the upstream
    gradient's values.

    Parameters
    ----------
    result : PoolResult

    Returns
    -------
    int64 ndarray of the input's shape
        0 where no output sends gradient, above 1 where several do. For the
        selecting modes it sums to the number of outputs.

    Examples
    --------
    >>> import numpy as np, pooling
    >>> x = np.array([[1.0, 5.0, 2.0], [0.0, 1.0, 9.0]])
    >>> gradient_sources(pooling.pool2d(x, "max", 2, stride=1)).tolist()
    [[0, 1, 0], [0, 0, 1]]
    >>> gradient_sources(pooling.pool2d(x, "avg", 2, stride=1)).tolist()
    [[1, 2, 1], [1, 2, 1]]
    """
    if not isinstance(result, PoolResult):
        raise TypeError(f"result must be a PoolResult, not {type(result).__name__}")
    h, w = result.grid.input_shape
    index, weight = _routes(result)
    counts = scatter_add(index, weight != 0, h * w).reshape(-1, h, w)
    counts = np.rint(counts).astype(np.int64)
    return counts[0] if result.squeeze else counts


def upstream_gradient(shape, kind="ones", *, rng=None):
    """An upstream gradient to send back through a pooling, for teaching.

    Parameters
    ----------
    shape : (int, int)
        The pooling's output shape ``(out_h, out_w)``.
    kind : {"ones", "random"}, optional
        ``"ones"``: every output sends 1, the gradient of a plain sum.
        ``"random"``: whole numbers from -4 to 4 other than 0, so every
        output sends something and sums stay easy to check by eye.
    rng : numpy.random.Generator, int or None, optional
        Passed to ``np.random.default_rng``; a seed gives the same numbers.

    Returns
    -------
    (out_h, out_w) float64 ndarray

    Examples
    --------
    >>> upstream_gradient((1, 2)).tolist()
    [[1.0, 1.0]]
    >>> g = upstream_gradient((2, 3), "random", rng=0)
    >>> g.shape, bool(np.all((np.abs(g) >= 1) & (np.abs(g) <= 4)))
    ((2, 3), True)
    """
    if kind not in GRADIENT_KINDS:
        raise ValueError(f"kind ({kind!r}) must be one of {', '.join(GRADIENT_KINDS)}")
    if isinstance(shape, (tuple, list, np.ndarray)) and len(shape) != 2:
        raise ValueError(f"shape ({shape!r}) must be a pair (out_h, out_w)")
    shape = as_pair("shape", shape)
    if kind == "ones":
        return np.ones(shape)
    gen = make_rng(rng)
    magnitude = gen.integers(1, 5, size=shape)
    sign = np.where(gen.integers(0, 2, size=shape) == 1, 1, -1)
    return (sign * magnitude).astype(np.float64)


def _routes(result):
    """Flat input index and local derivative of every tap of every window, each ``(C, out_h, out_w, K)``.

    The derivative is 0 off the input and, for the selecting modes, on every
    tap but the recorded one.
    """
    index, weight, in_bounds = window_cells(result)
    if result.mode == "lp" and not np.isinf(result.params.get("p", 2)):
        weight = _lp_derivative(result, index, in_bounds)
    elif result.mode == "stochastic" and not result.selecting:
        weight = _stochastic_derivative(result, index, in_bounds)
    elif result.mode == "lp":
        weight = weight * np.sign(_cell_values(result, index))
    return index, weight


def _cell_values(result, index):
    planes = result.input.reshape(result.input.shape[0], -1).astype(np.float64)
    return np.take_along_axis(planes, index.reshape(index.shape[0], -1), 1).reshape(index.shape)


def _lp_derivative(result, index, inside):
    p = float(result.params.get("p", 2))
    x = _cell_values(result, index)
    y = result.values if not result.squeeze else result.values[None]
    y = np.broadcast_to(y.astype(np.float64)[..., None], x.shape)
    # (|x| / y) ** (p - 1), not |x| ** (p - 1) / y ** (p - 1): at p = 64 both powers overflow and give NaN, and
    # |x| <= y keeps the ratio at most 1. A zero cell gets 0, autograd's choice for |x| at 0; for p < 1 the
    # formula there reads 0 * inf.
    live = inside & (x != 0) & (y > 0) & np.isfinite(y)
    ratio = np.divide(np.abs(x), y, out=np.zeros_like(x), where=live)
    with np.errstate(divide="ignore"):
        deriv = np.power(ratio, p - 1, out=np.zeros_like(x), where=live)
    gone = live & (ratio == 0)  # a subnormal cell under a large y, p < 1: the ratio underflows, its power does not
    deriv[gone] = np.exp((p - 1) * (np.log(np.abs(x[gone])) - np.log(y[gone])))
    return np.sign(x) * deriv


def _stochastic_derivative(result, index, inside):
    # d/da_i of sum(a^2) / sum(a) is (2 a_i S - Q) / S^2 = 2 r_i - sum(r^2) with r = a / S: no S^2 to underflow
    # (subnormal cells) or overflow.
    a = _cell_values(result, index)
    a = np.where(inside, a, 0.0)
    s = a.sum(-1, keepdims=True)
    r = np.divide(a, s, out=np.zeros_like(a), where=s > 0)
    return np.where((s > 0) & inside, 2 * r - (r * r).sum(-1, keepdims=True), 0.0)
