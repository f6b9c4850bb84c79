"""Backward routing: the gradient each input cell receives from a pooling."""

import numpy as np

from .loss import window_cells
from .result import PoolResult
from .unpool import scatter_add

__all__ = ["pool_backward"]


def pool_backward(result: PoolResult, grad_output=None):
    """The gradient that reaches the input, for an upstream gradient.

    Equals autograd's for the same forward pass: max (min, fractional,
    adaptive max, stochastic in training) sends all of a window's gradient
    to the recorded cell, so every other cell gets exactly 0; average sends
    ``1 / divisor`` of it to every cell of the window (the share that fell
    on padding is dropped); mixed sends ``alpha`` by the max route and
    ``1 - alpha`` by the average route.

    Nonlinear modes use their derivative at the input: Lp pooling gives cell
    ``i`` ``sign(x_i) |x_i|^(p-1) / y^(p-1)`` (0 where ``y = 0``), and
    stochastic pooling at test time ``(2 a_i S - Q) / S^2`` with
    ``S = sum(a)``, ``Q = sum(a^2)``.

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
    index, weight, in_bounds = window_cells(result)
    if result.mode == "lp" and not np.isinf(result.params.get("p", 2)):
        weight = _lp_derivative(result, index, in_bounds)
    elif result.mode == "stochastic" and not result.selecting:
        weight = _stochastic_derivative(result, index, in_bounds)
    elif result.mode == "lp":
        weight = weight * np.sign(_cell_values(result, index))
    out = scatter_add(index, grad[..., None] * weight, h * w).reshape(-1, h, w)
    return out[0] if result.squeeze else out


def _cell_values(result, index):
    planes = result.input.reshape(result.input.shape[0], -1).astype(np.float64)
    return np.take_along_axis(planes, index.reshape(index.shape[0], -1), 1).reshape(index.shape)


def _lp_derivative(result, index, inside):
    p = float(result.params.get("p", 2))
    x = _cell_values(result, index)
    y = result.values if not result.squeeze else result.values[None]
    y = y.astype(np.float64)[..., None]
    deriv = np.sign(x) * np.abs(x) ** (p - 1)
    return np.divide(deriv, y ** (p - 1), out=np.zeros_like(deriv), where=inside & (y > 0))


def _stochastic_derivative(result, index, inside):
    a = _cell_values(result, index)
    a = np.where(inside, a, 0.0)
    s = a.sum(-1, keepdims=True)
    q = (a * a).sum(-1, keepdims=True)
    return np.divide(2 * a * s - q, s * s, out=np.zeros_like(a), where=(s > 0) & inside)
