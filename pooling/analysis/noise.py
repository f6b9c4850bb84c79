"""How much noise in the input moves a pooling's output."""

from dataclasses import dataclass

import numpy as np

from .._checks import check_input, make_rng
from .invariance import draws, pooled_values
from .ranges import input_scale

__all__ = [
    "NOISE_KINDS", "NoiseDraws", "NoiseReport", "NoisyPooling", "add_noise", "compare_noise", "draw_noise",
    "noise_sensitivity", "noisy_copy", "output_span", "pool_noisy", "value_range",
]

NOISE_KINDS = ("gaussian", "salt-and-pepper", "salt", "pepper")


value_range = input_scale
"""The range noise is measured against: :func:`pooling.analysis.ranges.input_scale` (this module's name for it)."""


def _check_kind(kind):
    if kind not in NOISE_KINDS:
        raise ValueError(f"kind ({kind!r}) must be one of {', '.join(map(repr, NOISE_KINDS))}")


def _check_level(level, kind):
    if isinstance(level, bool) or not isinstance(level, (int, float, np.integer, np.floating)):
        raise TypeError(f"level ({level!r}) must be a number")
    level = float(level)
    if not level >= 0:
        raise ValueError(f"level ({level!r}) must be >= 0")
    if kind != "gaussian" and level > 1:
        raise ValueError(f"level ({level!r}) must be at most 1 for {kind}: it is the fraction of cells hit")
    return level


@dataclass(frozen=True, eq=False)
class NoiseDraws:
    """The random numbers behind one noisy copy, drawn before any noise level scales or thresholds them.

    Attributes
    ----------
    kind : str
        One of :data:`NOISE_KINDS`.
    shape : tuple of int
        ``(C, H, W)`` of the input they were drawn for.
    normal : ndarray or None
        Gaussian: one standard normal per value, ``(C, H, W)``.
    hit : ndarray or None
        Salt and pepper: one uniform number in ``[0, 1)`` per pixel, ``(H, W)``;
        a pixel is hit when it is below the level.
    bright : ndarray or None
        Salt-and-pepper only: one uniform number per pixel, ``(H, W)``; a hit
        pixel turns white when it is below 0.5, else black.
    """

    kind: str
    shape: tuple
    normal: np.ndarray = None
    hit: np.ndarray = None
    bright: np.ndarray = None


def draw_noise(shape, kind="gaussian", *, rng=None):
    """Draw the random numbers of :func:`add_noise` for an input of ``shape``, for any noise level.

    ``add_noise(x, level, kind, rng=rng)`` is ``noisy_copy(x, draw_noise(x.shape,
    kind, rng=rng), level)``, to the last bit, and draws the same numbers from
    ``rng`` in the same order. The draws do not depend on the level, so one
    draw serves every level: a page that moves only the level keeps its draws
    and skips the random number generator.

    Parameters
    ----------
    shape : tuple of int
        ``(H, W)`` or ``(C, H, W)`` of the input.
    kind : {"gaussian", "salt-and-pepper", "salt", "pepper"}
    rng : numpy.random.Generator or int, optional
        Keyword only.

    Returns
    -------
    NoiseDraws

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((3, 4, 4), np.uint8)
    >>> draws = draw_noise(x.shape, "salt-and-pepper", rng=0)
    >>> draws.hit.shape, draws.normal is None
    ((4, 4), True)
    >>> bool(np.array_equal(noisy_copy(x, draws, 0.3), add_noise(x, 0.3, "salt-and-pepper", rng=0)))
    True
    """
    _check_kind(kind)
    shape = tuple(int(n) for n in shape)
    if len(shape) not in (2, 3):
        raise ValueError(f"shape must be (H, W) or (C, H, W), got {shape}")
    shape = shape if len(shape) == 3 else (1, *shape)
    gen = make_rng(rng)
    if kind == "gaussian":
        return NoiseDraws(kind, shape, normal=gen.standard_normal(size=shape))
    pixels = shape[1:]  # one draw per pixel, not per channel value: a hit pixel is hit in every plane
    hit = gen.random(pixels)
    return NoiseDraws(kind, shape, hit=hit, bright=gen.random(pixels) if kind == "salt-and-pepper" else None)


def noisy_copy(x, draws, level, *, clip=False):
    """A noisy float64 copy of ``x`` at ``level``, from the random numbers in ``draws``.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
        The input; ``draws`` must have been drawn for its shape.
    draws : NoiseDraws
        From :func:`draw_noise`.
    level : float
        As in :func:`add_noise`.
    clip : bool, optional
        As in :func:`add_noise`.

    Returns
    -------
    ndarray
        What :func:`add_noise` returns for the same input, level, kind and
        random numbers.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.full((2, 3), 100, np.uint8)
    >>> draws = draw_noise(x.shape, "gaussian", rng=1)
    >>> bool(np.array_equal(noisy_copy(x, draws, 0.1, clip=True), add_noise(x, 0.1, rng=1, clip=True)))
    True
    """
    if not isinstance(draws, NoiseDraws):
        raise TypeError(f"draws must be a NoiseDraws from draw_noise, not {type(draws).__name__}")
    level = _check_level(level, draws.kind)
    planes, was_2d = check_input(x)
    if planes.shape != draws.shape:
        raise ValueError(f"draws were drawn for shape {draws.shape}, but x is {planes.shape}")
    if not isinstance(clip, (bool, np.bool_)):
        raise TypeError(f"clip ({clip!r}) must be True or False")
    lo, hi = input_scale(planes)
    out = planes.astype(np.float64)
    if draws.kind == "gaussian":
        # Generator.normal(0, scale) is 0.0 + scale * standard_normal, value by value.
        out += 0.0 + (level * (hi - lo)) * draws.normal
    else:
        hit = draws.hit < level
        salt = {"salt": True, "pepper": False}.get(draws.kind)
        bright = draws.bright < 0.5 if salt is None else np.full(hit.shape, salt)
        out[:, hit & bright] = hi
        out[:, hit & ~bright] = lo
    if clip:
        np.clip(out, lo, hi, out=out)
    return out[0] if was_2d else out


def add_noise(x, level, kind="gaussian", *, rng=None, clip=False):
    """Return a noisy float64 copy of ``x``.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    level : float
        Gaussian: standard deviation as a fraction of the value range.
        Salt-and-pepper: fraction of pixels hit (half set to the range's
        maximum, half to its minimum; ``"salt"`` or ``"pepper"`` only one).
        A pixel is hit in every channel at once: in an RGB image a hit
        pixel is white (or black) in all three planes, as a dead or stuck
        camera pixel would be, never a red, green or blue speck.
    kind : {"gaussian", "salt-and-pepper", "salt", "pepper"}
    rng : numpy.random.Generator or int, optional
        Keyword only.
    clip : bool, optional
        Keep the noisy values inside the value range (as a camera's pixels
        saturate); off by default, so Gaussian noise may leave it.

    Notes
    -----
    Gaussian noise is drawn per value (each channel of each pixel); the
    salt-and-pepper hit mask is drawn per pixel, ``(H, W)``, and shared by
    the channels. The same as :func:`noisy_copy` of :func:`draw_noise`.

    Examples
    --------
    >>> import numpy as np
    >>> noisy = add_noise(np.zeros((4, 4), np.uint8), 0.5, "salt", rng=0)
    >>> sorted(set(noisy.ravel().tolist()))
    [0.0, 255.0]
    >>> rgb = add_noise(np.zeros((3, 4, 4), np.uint8), 0.5, "salt", rng=0)
    >>> bool((rgb == rgb[0]).all())  # every hit pixel is white in all three planes
    True
    >>> float(add_noise(np.full((4, 4), 250, np.uint8), 0.5, rng=0, clip=True).max())
    255.0
    """
    _check_kind(kind)
    _check_level(level, kind)
    planes, _ = check_input(x)
    if not isinstance(clip, (bool, np.bool_)):
        raise TypeError(f"clip ({clip!r}) must be True or False")
    return noisy_copy(x, draw_noise(planes.shape, kind, rng=rng), level, clip=clip)


def output_span(shape, lo, hi, mode, **pool_args):
    """The range a pooling's output spans on inputs of ``shape`` whose values lie in ``[lo, hi]``.

    Each mode's change under noise is measured on this range, its own. For
    max, min, average and the other means it is ``hi - lo``; Lp pooling
    sums, so a window of ``n`` cells at ``hi`` gives ``hi * n ** (1 / p)``
    (twice the input's range at p = 2 on a 2 x 2 window); a divisor
    override scales the average. Measured on the input's range instead, Lp
    would seem to amplify noise that it damps.

    Parameters
    ----------
    shape : tuple of int
        ``(C, H, W)`` of the input.
    lo, hi : float
        The input's value range.
    mode : str
        Any mode of :func:`pooling.analysis.invariance.pooled_values`.
    **pool_args
        e.g. ``kernel_size=2``.

    Returns
    -------
    float
        The largest output of an input that is ``hi`` everywhere minus the
        smallest of one that is ``lo`` everywhere; ``hi - lo`` when that is
        not positive.

    Examples
    --------
    >>> output_span((1, 4, 4), 0, 255, "max", kernel_size=2)
    255.0
    >>> output_span((1, 4, 4), 0, 255, "lp", kernel_size=2, p=2.0)
    510.0
    """
    plane = (1, *shape[-2:])
    top = float(np.max(pooled_values(np.full(plane, float(hi)), mode, **pool_args)))
    bottom = float(np.min(pooled_values(np.full(plane, float(lo)), mode, **pool_args)))
    span = top - bottom
    return span if np.isfinite(span) and span > 0 else float(hi - lo)


@dataclass(frozen=True, eq=False)
class NoiseReport:
    """Output change against noise level.

    Attributes
    ----------
    levels : (N,) ndarray
    input_change : (N,) ndarray
        Mean ``|noisy - x|`` over the input, as a fraction of the value range.
    output_change : (N,) ndarray
        Mean ``|pool(noisy) - pool(x)|``, as a fraction of the pooling's own
        output range (:func:`output_span`).
    changed_fraction : (N,) ndarray
        Share of output cells that moved at all.
    kind : str
    """

    levels: np.ndarray
    input_change: np.ndarray
    output_change: np.ndarray
    changed_fraction: np.ndarray
    kind: str


def noise_sensitivity(x, levels, kind="gaussian", *, rng=None, mode="max", clip=False, **pool_args):
    """Pool clean and noisy copies of ``x`` at each noise level and measure the change.

    A pooling damps noise where ``output_change < input_change``. Max
    pooling amplifies salt noise: one bright cell takes over its window.
    This is :func:`compare_noise` with one layer, the function the Noise
    page charts with: the same noise, the same numbers.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    levels : sequence of float
    kind : str, optional
        See :func:`add_noise`.
    rng : numpy.random.Generator or int, optional
        Keyword only. One generator serves every level in turn, so a seed fixes the run.
    mode : str, optional
        Any mode of :func:`pooling.analysis.invariance.pooled_values`.
    clip : bool, optional
        See :func:`add_noise`.
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
    return compare_noise(x, levels, {mode: (mode, pool_args)}, kind=kind, rng=rng, clip=clip)[mode]


def compare_noise(x, levels, layers, *, kind="gaussian", rng=None, clip=False):
    """:func:`noise_sensitivity` for several poolings at once, all on the same noisy copies.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
    levels : sequence of float
    layers : dict of str to (str, dict)
        ``{label: (mode, pool_args)}``, each mode one of
        :func:`pooling.analysis.invariance.pooled_values`.
    kind : str, optional
        See :func:`add_noise`.
    rng : numpy.random.Generator or int, optional
        Keyword only. One generator draws the noise of every level in turn; every layer sees
        the same noise, so their curves differ only by the pooling.
    clip : bool, optional
        See :func:`add_noise`.

    Returns
    -------
    dict of str to NoiseReport
        In the order of ``layers``.

    Notes
    -----
    One noisy copy per level (:func:`noisy_levels`) and one pooling per level
    and layer (:func:`compare_noisy`): a caller that keeps the noisy copies
    can pool them again with another layer, and gets the same numbers.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.full((8, 8), 100, np.uint8)
    >>> reps = compare_noise(x, [0.1], {"max": ("max", {"kernel_size": 2}), "avg": ("avg", {"kernel_size": 2})},
    ...                      kind="salt", rng=0)
    >>> bool(reps["max"].output_change[0] > reps["avg"].output_change[0])
    True
    """
    return compare_noisy(x, noisy_levels(x, levels, kind=kind, rng=rng, clip=clip), levels, layers, kind=kind)


def noisy_levels(x, levels, *, kind="gaussian", rng=None, clip=False):
    """The noisy copies of :func:`compare_noise`: one per level, drawn in turn by one generator.

    They depend on neither the pooling nor its layer, so a page can keep them
    while the layer changes and pool them with :func:`compare_noisy`.

    Returns
    -------
    (L, C, H, W) ndarray
        ``L`` is the number of levels; the planes as :func:`add_noise` returns them.

    Examples
    --------
    >>> noisy_levels(np.zeros((4, 5)), [0.0, 0.1], rng=0).shape
    (2, 1, 4, 5)
    """
    planes, _ = check_input(x)
    gen = make_rng(rng)
    levels = np.asarray(levels, dtype=np.float64).ravel()
    return np.stack([add_noise(planes, level, kind, rng=gen, clip=clip) for level in levels])


def input_changes(x, noisy):
    """How far each noisy copy moved from ``x``: mean ``|noisy - x|``, as a fraction of ``x``'s value range.

    Examples
    --------
    >>> input_changes(np.array([[0.0, 10.0]]), np.array([[[[1.0, 10.0]]], [[[0.0, 5.0]]]])).tolist()
    [0.05, 0.25]
    """
    planes, _ = check_input(x)
    lo, hi = input_scale(planes)
    clean_in = planes.astype(np.float64)
    return np.array([np.mean(np.abs(copy - clean_in)) for copy in np.asarray(noisy)]) / (hi - lo)


def compare_noisy(x, noisy, levels, layers, *, kind="gaussian", input_change=None):
    """:func:`compare_noise` of noisy copies made before (:func:`noisy_levels` of ``x``, ``levels`` and ``kind``).

    ``input_change``, :func:`input_changes` of ``x`` and ``noisy``, is worked
    out here when not given; a caller that pools the same copies with several
    layers can give it once.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> noisy = noisy_levels(x, [0.2], rng=1)
    >>> layers = {"max": ("max", {"kernel_size": 2})}
    >>> kept = compare_noisy(x, noisy, [0.2], layers)["max"].output_change
    >>> bool(kept == compare_noise(x, [0.2], layers, rng=1)["max"].output_change)
    True
    """
    planes, _ = check_input(x)
    if not isinstance(layers, dict) or not layers:
        raise TypeError(f"layers ({layers!r}) must be a non-empty dict of label to (mode, pool_args)")
    levels = np.asarray(levels, dtype=np.float64).ravel()
    noisy = np.asarray(noisy)
    if noisy.shape != (levels.size, *planes.shape):
        raise ValueError(f"noisy ({noisy.shape}) must be one copy of x ({planes.shape}) per level ({levels.size})")
    lo, hi = input_scale(planes)
    clean_in = planes.astype(np.float64)
    clean_out = {label: pooled_values(clean_in, mode, **args).astype(np.float64)
                 for label, (mode, args) in layers.items()}
    result = {label: np.empty((3, levels.size)) for label in layers}
    out_span = {label: output_span(planes.shape, lo, hi, mode, **args) for label, (mode, args) in layers.items()}
    moved = input_changes(planes, noisy) if input_change is None else np.asarray(input_change, dtype=np.float64)
    for label, (mode, args) in layers.items():
        if draws(mode, args) or not len(noisy):  # a draw per call: each copy pooled on its own, in turn
            pooled = [pooled_values(copy, mode, **args) for copy in noisy]
        else:  # every copy's planes in one pooling, a fifth to a third quicker than eleven: planes are pooled
            # apart, so each copy's numbers are the ones it pooled alone gives
            batch = pooled_values(noisy.reshape(-1, *planes.shape[1:]), mode, **args)
            pooled = batch.reshape(levels.size, planes.shape[0], *batch.shape[-2:])
        for n, one in enumerate(pooled):
            diff = np.abs(one.astype(np.float64) - clean_out[label])
            result[label][:, n] = moved[n], np.mean(diff) / out_span[label], np.mean(diff > 0)
    return {label: NoiseReport(levels, r[0], r[1], r[2], kind) for label, r in result.items()}


@dataclass(frozen=True, eq=False)
class NoisyPooling:
    """One pooling of a clean input and of its noisy copy.

    Attributes
    ----------
    clean, noisy : ndarray
        The pooled clean and noisy inputs, float64, the input's dimensions.
    input_change : float
        Mean ``|noisy - x|`` over the input, as a fraction of the value range.
    output_change : float
        Mean ``|noisy - clean|`` over the output, as a fraction of the
        pooling's own output range (:func:`output_span`).
    changed_fraction : float
        Share of output cells that moved at all.
    value_range : (float, float)
        The clean input's range (:func:`value_range`), for showing both on one scale.
    """

    clean: np.ndarray
    noisy: np.ndarray
    input_change: float
    output_change: float
    changed_fraction: float
    value_range: tuple


def pool_noisy(x, noisy, mode="max", *, clean=None, span=None, **pool_args):
    """Pool ``x`` and its noisy copy ``noisy`` the same way and measure how far the output moved.

    Parameters
    ----------
    x : (H, W) or (C, H, W) array_like
        The clean input.
    noisy : array_like
        The same shape, e.g. from :func:`add_noise`.
    mode : str, optional
        Any mode of :func:`pooling.analysis.invariance.pooled_values`.
    clean : array_like, optional
        ``pooled_values(x, mode, **pool_args)`` when the caller has it already:
        it does not depend on the noise, so a page that moves only the noise
        pools the clean input once. Pooled here when not given.
    span : float, optional
        ``output_span(x.shape, *value_range(x), mode, **pool_args)``, likewise:
        computed here when not given.
    **pool_args
        e.g. ``kernel_size=2``.

    Returns
    -------
    NoisyPooling

    Examples
    --------
    >>> import numpy as np
    >>> x = np.full((4, 4), 100, np.uint8)
    >>> noisy = x.astype(float); noisy[0, 0] = 255
    >>> r = pool_noisy(x, noisy, "max", kernel_size=2)
    >>> r.noisy.tolist(), round(r.input_change * 255, 4), round(r.output_change * 255, 4)
    ([[255.0, 100.0], [100.0, 100.0]], 9.6875, 38.75)
    >>> again = pool_noisy(x, noisy, "max", clean=r.clean, span=255.0, kernel_size=2)
    >>> again.output_change == r.output_change
    True
    """
    planes, was_2d = check_input(x)
    noisy_planes, _ = check_input(noisy)
    if noisy_planes.shape != planes.shape:
        raise ValueError(f"noisy has shape {np.shape(noisy)}; it must have the shape of x, {np.shape(x)}")
    lo, hi = input_scale(planes)
    if clean is None:
        clean = pooled_values(planes.astype(np.float64), mode, **pool_args)
    clean = np.asarray(clean, dtype=np.float64).reshape(-1, *np.shape(clean)[-2:])
    noisy_planes = np.asarray(noisy_planes, dtype=np.float64)  # pooling reads its input, never writes it
    moved = np.asarray(pooled_values(noisy_planes, mode, **pool_args), dtype=np.float64)
    if clean.shape != moved.shape:
        raise ValueError(f"clean has shape {clean.shape}; the pooled noisy input has {moved.shape}")
    diff = np.abs(moved - clean)
    input_change = float(np.mean(np.abs(noisy_planes - planes)) / (hi - lo))  # planes widen to float64 exactly
    out_span = output_span(planes.shape, lo, hi, mode, **pool_args) if span is None else float(span)
    return NoisyPooling(clean[0] if was_2d else clean, moved[0] if was_2d else moved, input_change,
                        float(np.mean(diff) / out_span), float(np.mean(diff > 0)), (lo, hi))
