"""1-D pooling of a ``(T, F)`` sequence over time, as in text CNNs."""

from dataclasses import dataclass

import numpy as np

from ._checks import MODE_DEFAULT, as_pair
from .pool import pool2d

__all__ = ["TemporalResult", "pool_over_time"]


def _length(name, value, minimum=1):
    """One length along time: an int, never a pair."""
    if isinstance(value, (tuple, list, np.ndarray)):
        raise ValueError(f"{name} ({value!r}) must be one int: pooling over time has one axis")
    return as_pair(name, value, minimum=minimum)[0]


@dataclass(frozen=True, eq=False)
class TemporalResult:
    """Pooling over time.

    Attributes
    ----------
    values : (T_out, F) ndarray
    steps : (T_out, F) int64 ndarray or None
        The winning time step of each output, for selecting modes.
    result : PoolResult
        The underlying 2-D result over ``(F, 1, T)``.
    """

    values: np.ndarray
    steps: np.ndarray
    result: object


def pool_over_time(
    seq, mode="max", kernel_size=None, *, stride=None, padding=0, dilation=1, ceil_mode=False,
    count_include_pad=MODE_DEFAULT, divisor_override=MODE_DEFAULT, p=MODE_DEFAULT, train=MODE_DEFAULT,
    rng=MODE_DEFAULT, alpha=MODE_DEFAULT,
):
    """Pool each feature of a ``(T, F)`` sequence along time.

    Parameters
    ----------
    seq : (T, F) array_like
        T time steps (e.g. words), F features (e.g. filters).
    mode : str, optional
        Any :func:`pooling.pool2d` mode; ``"max"`` by default.
    kernel_size : int, optional
        Window length in steps; ``None`` pools the whole sequence (max over
        time: one value per feature).
    stride, padding, dilation, ceil_mode : optional
        As in :func:`pooling.pool2d`, along time; one int each. Keyword only.
    count_include_pad, divisor_override, p, train, rng, alpha : optional
        The mode's own options, as in :func:`pooling.pool2d`. Keyword only;
        each is accepted by its mode alone.

    Returns
    -------
    TemporalResult

    Examples
    --------
    >>> import numpy as np
    >>> seq = np.array([[0.1, 0.9], [0.7, 0.2], [0.3, 0.4]])
    >>> r = pool_over_time(seq)
    >>> r.values.tolist(), r.steps.tolist()
    ([[0.7, 0.9]], [[1, 0]])
    """
    seq = np.asarray(seq)
    if seq.ndim != 2:
        raise ValueError(f"seq must be (T, F), got shape {seq.shape}")
    if seq.shape[0] == 0 or seq.shape[1] == 0:
        raise ValueError(f"seq is empty (shape {seq.shape}); it needs at least one step and one feature")
    t = seq.shape[0]
    k = _length("kernel_size", t if kernel_size is None else kernel_size)
    s = None if stride is None else _length("stride", stride)
    planes = np.ascontiguousarray(seq.T)[:, None, :]
    pad = padding if isinstance(padding, str) else (0, _length("padding", padding, minimum=0))
    res = pool2d(
        planes, mode, (1, k), stride=None if s is None else (1, s), padding=pad,
        dilation=(1, _length("dilation", dilation)), ceil_mode=ceil_mode, count_include_pad=count_include_pad,
        divisor_override=divisor_override, p=p, train=train, rng=rng, alpha=alpha,
    )
    values = res.values[:, 0, :].T
    steps = res.indices[:, 0, :].T if res.selecting else None
    return TemporalResult(values, steps, res)
