"""How much noise in the input moves a pooling's output."""

from dataclasses import dataclass

import numpy as np

from ._checks import check_input, make_rng
from .invariance import pooled_values

__all__ = ["NOISE_KINDS", "NoiseReport", "add_noise", "noise_sensitivity"]

NOISE_KINDS = ("gaussian", "salt-and-pepper", "salt", "pepper")


def _value_range(planes):
    if planes.dtype.kind in "iu":
        info = np.iinfo(planes.dtype)
        return float(info.min), float(info.max)
    finite = planes[np.isfinite(planes)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def add_noise(x, level, kind="gaussian", rng=None):
    """Return a noisy float64 copy of ``x``.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    level : float
        Gaussian: standard deviation as a fraction of the value range.
        Salt-and-pepper: fraction of cells replaced (half by the range's
        maximum, half by its minimum; ``"salt"`` or ``"pepper"`` only one).
    kind : {"gaussian", "salt-and-pepper", "salt", "pepper"}
    rng : numpy.random.Generator or int, optional

    Examples
    --------
    >>> import numpy as np
    >>> noisy = add_noise(np.zeros((4, 4), np.uint8), 0.5, "salt", rng=0)
    >>> sorted(set(noisy.ravel().tolist()))
    [0.0, 255.0]
    """
    if kind not in NOISE_KINDS:
        raise ValueError(f"kind ({kind!r}) must be one of {', '.join(map(repr, NOISE_KINDS))}")
    if isinstance(level, bool) or not isinstance(level, (int, float, np.integer, np.floating)):
        raise TypeError(f"level ({level!r}) must be a number")
    level = float(level)
    if not level >= 0:
        raise ValueError(f"level ({level!r}) must be >= 0")
    if kind != "gaussian" and level > 1:
        raise ValueError(f"level ({level!r}) must be at most 1 for {kind}: it is the fraction of cells hit")
    planes, was_2d = check_input(x)
    gen = make_rng(rng)
    lo, hi = _value_range(planes)
    out = planes.astype(np.float64)
    if kind == "gaussian":
        out += gen.normal(0.0, level * (hi - lo), size=out.shape)
    else:
        hit = gen.random(out.shape) < level
        salt = {"salt": True, "pepper": False}.get(kind)
        bright = gen.random(out.shape) < 0.5 if salt is None else np.full(out.shape, salt)
        out[hit & bright] = hi
        out[hit & ~bright] = lo
    return out[0] if was_2d else out


@dataclass(frozen=True, eq=False)
class NoiseReport:
    """Output change against noise level.

    Attributes
    ----------
    levels : (N,) ndarray
    input_change : (N,) ndarray
        Mean ``|noisy - x|`` over the input, as a fraction of the value range.
    output_change : (N,) ndarray
        Mean ``|pool(noisy) - pool(x)|``, as a fraction of the value range.
    changed_fraction : (N,) ndarray
        Share of output cells that moved at all.
    kind : str
    """

    levels: np.ndarray
    input_change: np.ndarray
    output_change: np.ndarray
    changed_fraction: np.ndarray
    kind: str


def noise_sensitivity(x, levels, kind="gaussian", rng=None, mode="max", **pool_args):
    """Pool clean and noisy copies of ``x`` at each noise level and measure the change.

    A pooling damps noise where ``output_change < input_change``. Max
    pooling amplifies salt noise: one bright cell takes over its window.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    levels : sequence of float
    kind : str, optional
        See :func:`add_noise`.
    rng : numpy.random.Generator or int, optional
        One generator serves every level in turn, so a seed fixes the run.
    mode : str, optional
        Any mode of :func:`pooling.invariance.pooled_values`.
    **pool_args
        e.g. ``kernel_size=2``.

    Returns
    -------
    NoiseReport

    Examples
    --------
    >>> import numpy as np
    >>> x = np.full((8, 8), 100, np.uint8)
    >>> rep = noise_sensitivity(x, [0.1], "salt", rng=0, mode="max", kernel_size=2)
    >>> bool(rep.output_change[0] > rep.input_change[0])
    True
    """
    planes, _ = check_input(x)
    gen = make_rng(rng)
    lo, hi = _value_range(planes)
    span = hi - lo
    clean_in = planes.astype(np.float64)
    clean_out = pooled_values(clean_in, mode, **pool_args).astype(np.float64)
    levels = np.asarray(levels, dtype=np.float64).ravel()
    result = np.empty((3, levels.size))
    for n, level in enumerate(levels):  # one trial per level; each is vectorised
        noisy = add_noise(planes, level, kind, gen)
        out = pooled_values(noisy, mode, **pool_args).astype(np.float64)
        diff = np.abs(out - clean_out)
        result[:, n] = (np.mean(np.abs(noisy - clean_in)) / span, np.mean(diff) / span, np.mean(diff > 0))
    return NoiseReport(levels, result[0], result[1], result[2], kind)
