"""Feature maps and what pooling does to them: the numbers of the Feature maps lab.

A stage is ``conv2d`` (no padding, stride 1), a bias, ReLU, then pooling.
Photos are scaled to 0..1 first, so the bank's filters (see
:mod:`poolinglab.filters`) answer 1 at most and one threshold fits them all.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from pooling.conv import stage_weights

from .._engine import dense_window_max
from ..antialias import antialiased_max_pool2d, blur_shifts
from ..conv import conv2d, relu
from ..geometry import regular_grid
from ..pool import pool2d
from .invariance import pooled_values

__all__ = [
    "FeatureStage",
    "Persistence",
    "detection_persistence",
    "detection_sources",
    "feature_maps",
    "feature_stage",
    "filter_stage",
    "peak_survival",
    "persistence_from_maps",
    "persistence_from_responses",
    "pool_stage",
    "shifted_feature_maps",
    "shifted_responses",
    "sparsity",
    "stage_maps",
    "stage_responses",
    "strip_shifts",
    "strongest_kept",
    "unbiased_pooling",
    "unit_scale",
    "with_bias",
]


def unit_scale(planes):
    """``planes`` as float64, photos (uint8) divided by 255 so they run from 0 to 1; typed numbers as typed.

    Examples
    --------
    >>> unit_scale(np.array([[[0, 255]]], np.uint8)).tolist()
    [[[0.0, 1.0]]]
    """
    planes = np.asarray(planes)
    return planes / 255.0 if planes.dtype == np.uint8 else planes.astype(np.float64)


def feature_maps(x, weight, bias):
    """``relu(conv2d(x, weight, bias))``: the stage's feature maps.

    Parameters
    ----------
    x : (C, H, W) array_like
    weight : (F, C, K, K) array_like
    bias : (F,) array_like
        A negative bias is a threshold: responses weaker than ``-bias``
        become 0.

    Returns
    -------
    (F, H - K + 1, W - K + 1) float64 ndarray

    Examples
    --------
    >>> x = np.array([[[0.0, 0.0, 1.0, 1.0]] * 3])
    >>> feature_maps(x, np.array([[[[-1, 1]]]]), [-0.5]).tolist()
    [[[0.0, 0.5, 0.0], [0.0, 0.5, 0.0], [0.0, 0.5, 0.0]]]
    """
    return relu(conv2d(x, weight, bias))


def sparsity(maps):
    """The share of cells that are exactly 0, per map.

    Examples
    --------
    >>> sparsity(np.array([[[0.0, 1.0], [0.0, 0.0]]])).tolist()
    [0.75]
    """
    maps = np.asarray(maps)
    return (maps == 0).mean(axis=(-2, -1))


def peak_survival(mode, **pool_args):
    """What a pooling keeps of one lone response of 1 on a field of zeros: its largest output.

    The peak sits in the middle of a field wide enough for several windows,
    so no border matters; max keeps all of it, average spreads it over the
    window (``1 / (kh * kw)`` without a divisor override).

    Parameters
    ----------
    mode : str
        A mode of :func:`pooling.analysis.invariance.pooled_values` (``"max"``,
        ``"avg"``, ``"blurmax"``, ...).
    **pool_args
        The layer: ``kernel_size``, ``stride`` and the rest.

    Returns
    -------
    float

    Examples
    --------
    >>> peak_survival("max", kernel_size=2, stride=2), peak_survival("avg", kernel_size=3, stride=2)
    (1.0, 0.1111111111111111)
    """
    k = np.atleast_1d(pool_args.get("kernel_size", 2))
    reach = int(k.max()) * int(np.max(pool_args.get("dilation", 1))) + int(np.max(pool_args.get("stride") or 1))
    side = 4 * reach + 5
    field = np.zeros((side, side))
    field[side // 2, side // 2] = 1.0
    return float(np.max(pooled_values(field, mode, **pool_args)))


def strongest_kept(maps, pooled):
    """Per map, its pooled maximum as a share of its own maximum; NaN where a map is all 0 (nothing to keep).

    Examples
    --------
    >>> strongest_kept(np.array([[[0, 4.0]], [[0, 0.0]]]), np.array([[[1.0]], [[0.0]]])).tolist()
    [0.25, nan]
    """
    top = np.asarray(maps, dtype=np.float64).max(axis=(-2, -1))
    kept = np.asarray(pooled, dtype=np.float64).max(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(top > 0, kept / np.where(top > 0, top, 1), np.nan)


def detection_sources(result, threshold, *, offset=0):
    """Where each max-pooled detection came from: the argmax cell of every output above ``threshold``.

    Parameters
    ----------
    result : PoolResult
        Max pooling of ``(F, h, w)`` feature maps (it has ``indices``).
    threshold : float
        An output is a detection when it is above this.
    offset : int, optional
        Added to rows and columns: ``K // 2`` puts a cell of an unpadded
        ``K x K`` convolution's map on the photo pixel its filter is centred on.

    Returns
    -------
    list of (rows, cols)
        One pair of int arrays per map, sorted, without repeats (overlapping
        windows can pick the same cell).

    Examples
    --------
    >>> maps = np.zeros((1, 4, 4)); maps[0, 1, 2] = 3.0
    >>> [(r.tolist(), c.tolist()) for r, c in detection_sources(pool2d(maps, "max", 2), 1.0, offset=1)]
    [([2], [3])]
    """
    if result.tap is None:
        raise ValueError(f"result (mode {result.mode!r}) has no indices: pass a max pooling")
    width, hw = result.grid.input_shape[1], result.values.shape[-2:]
    out = []
    if result.channel_grids is not None:  # a grid per channel (fractional): every index, as PyTorch gives them
        for values, indices in zip(result.values.reshape(-1, *hw), result.indices.reshape(-1, *hw)):
            flat = np.unique(indices[values > threshold])
            out.append((flat // width + offset, flat % width + offset))
        return out
    # Only the detections' indices, from their tap numbers: what _engine.flat_indices does for every cell.
    rows, cols, kw = result.grid.rows.positions, result.grid.cols.positions, result.grid.cols.n_taps
    for values, taps in zip(result.values.reshape(-1, *hw), result.tap.reshape(-1, *hw)):
        i, j = np.nonzero(values > threshold)
        a, b = np.divmod(taps[i, j].astype(np.int64), kw)
        flat = np.unique(rows[i, a].astype(np.int64) * width + cols[j, b])
        out.append((flat // width + offset, flat % width + offset))
    return out


@dataclass(frozen=True, eq=False)
class Persistence:
    """How many detections stay on, in place, when the photo moves.

    Attributes
    ----------
    shifts : (S,) int ndarray
        Pixels the photo moved by (to the left: the view moves right).
    detections : dict of str to (F,) int ndarray
        Per mode (``"raw"``, ``"max"``, ...) and filter: the cells above the
        threshold before the shift.
    kept : dict of str to (S, F) int ndarray
        Of those, the cells still above it at each shift, in the same place.
    """

    shifts: np.ndarray
    detections: dict
    kept: dict

    def shares(self, mode):
        """``kept / detections`` over every filter, per shift; NaN when there were no detections.

        Examples
        --------
        >>> p = Persistence(np.array([1]), {"raw": np.array([4, 0])}, {"raw": np.array([[1, 0]])})
        >>> p.shares("raw").tolist()
        [0.25]
        """
        total = int(self.detections[mode].sum())
        kept = self.kept[mode].sum(axis=1)
        return kept / total if total else np.full(len(self.shifts), np.nan)

    @classmethod
    def join(cls, parts):
        """One Persistence of several made on the same shifts, each for some of the modes.

        Examples
        --------
        >>> a = Persistence(np.array([1]), {"raw": np.array([2])}, {"raw": np.array([[1]])})
        >>> b = Persistence(np.array([1]), {"raw": np.array([2]), "max": np.array([1])},
        ...                 {"raw": np.array([[1]]), "max": np.array([[1]])})
        >>> sorted(Persistence.join([a, b]).kept)
        ['max', 'raw']
        """
        parts = list(parts)
        if not parts or any(not np.array_equal(p.shifts, parts[0].shifts) for p in parts):
            raise ValueError("parts must be at least one, all on the same shifts")
        return cls(parts[0].shifts, {m: d for p in parts for m, d in p.detections.items()},
                   {m: k for p in parts for m, k in p.kept.items()})


def detection_persistence(x, weight, bias, *, threshold, max_shift, modes):
    """Shift the photo by 1 to ``max_shift`` pixels; count the detections that stay on, raw and pooled.

    The photo is cut to ``W - max_shift`` columns, at column 0 (before) and
    at column ``d`` (shifted by ``d``), so no wrapped or invented pixel
    enters. A detection is a cell above ``threshold``; it stays on when the
    same cell of the shifted photo's map (raw or pooled) is above it too:
    "the feature is still found in this region".

    Parameters
    ----------
    x : (C, H, W) array_like
    weight, bias :
        The stage's convolution (see :func:`feature_maps`).
    threshold : float
    max_shift : int
        At least 1, less than the photo's width.
    modes : dict of str to dict
        Each pooling's :func:`pooling.analysis.invariance.pooled_values` mode and
        its arguments, e.g. ``{"max": {"kernel_size": 2, "stride": 2}}``.
        The raw feature map is always measured too, as ``"raw"``.

    Returns
    -------
    Persistence

    Notes
    -----
    Cost: ``max_shift + 1`` convolutions and poolings of the photo.

    Examples
    --------
    >>> x = np.zeros((1, 6, 9)); x[0, :, 4] = 1.0  # a bright line, column 4
    >>> line = np.array([[[[-1.0, 2.0, -1.0]]]]) / 2
    >>> p = detection_persistence(x, line, [0.0], threshold=0.5, max_shift=1,
    ...                           modes={"max": {"kernel_size": 2, "stride": 2}})
    >>> p.shares("raw").tolist(), p.shares("max").tolist()
    ([0.0], [1.0])
    """
    return persistence_from_maps(shifted_feature_maps(x, weight, bias, max_shift=max_shift), threshold=threshold,
                                 modes=modes)


def shifted_responses(x, weight, *, max_shift):
    """The filter responses (no bias, no ReLU) of the photo cut ``max_shift`` columns narrower, at column 0 to
    ``max_shift``.

    They depend on neither the bias nor the pooling, so a page keeps them while either changes; add a bias and
    ReLU with :func:`with_bias`.

    Returns
    -------
    (max_shift + 1, F, h, w) ndarray

    Examples
    --------
    >>> shifted_responses(np.ones((1, 3, 5)), np.ones((1, 1, 1, 1)), max_shift=2).shape
    (3, 1, 3, 3)
    """
    x = np.asarray(x)
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) or not 1 <= max_shift < x.shape[-1]:
        raise ValueError(f"max_shift ({max_shift!r}) must be an int from 1 to the photo's width - 1 "
                         f"({x.shape[-1] - 1})")
    # Cutting the photo at column d and filtering it (no padding, stride 1) gives columns d onward of the whole
    # photo's filter responses: one convolution, sliced. Each shift is then, exactly, a slice of one strip, which
    # _by_phase uses to pool a strip once per phase rather than each shift.
    return strip_shifts(conv2d(x, weight), max_shift=max_shift)


def strip_shifts(strip, *, max_shift):
    """Columns 0 to ``max_shift`` onward of ``strip``, each ``max_shift`` columns narrower than it: the shifted
    responses of :func:`shifted_responses` from responses a page already has.

    Examples
    --------
    >>> strip_shifts(np.arange(5.0).reshape(1, 1, 5), max_shift=2)[:, 0, 0].tolist()
    [[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]]
    """
    strip = np.asarray(strip)
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) or \
            not 1 <= max_shift < strip.shape[-1]:
        raise ValueError(f"max_shift ({max_shift!r}) must be an int from 1 to the strip's width - 1 "
                         f"({strip.shape[-1] - 1})")
    width = strip.shape[-1] - max_shift
    # A read-only view, no copy: shift d starts d columns on, so a step along the first axis is a step of one
    # column, and _is_strip sees that from the strides alone.
    return np.moveaxis(np.lib.stride_tricks.sliding_window_view(strip, width, axis=-1), -2, 0)


def shifted_feature_maps(x, weight, bias, *, max_shift):
    """The feature maps of the photo cut ``max_shift`` columns narrower, at column 0, 1, ... ``max_shift``.

    The first half of :func:`detection_persistence`; it does not depend on
    the pooling, so a page can keep it while the layer changes.

    Returns
    -------
    (max_shift + 1, F, h, w) ndarray

    Examples
    --------
    >>> shifted_feature_maps(np.ones((1, 3, 5)), np.ones((1, 1, 1, 1)), [0.0], max_shift=2).shape
    (3, 1, 3, 3)
    """
    return with_bias(shifted_responses(x, weight, max_shift=max_shift), bias)


def with_bias(responses, bias):
    """``relu(responses + bias)``, one bias per filter on the third axis from the end: maps from responses.

    ``conv2d`` adds its bias after the sum, so this equals :func:`feature_maps` bit for bit.

    Examples
    --------
    >>> with_bias(np.array([[[0.2, 0.9]], [[0.5, -1.0]]]), [-0.5, 0.0]).tolist()
    [[[0.0, 0.4]], [[0.5, 0.0]]]
    """
    bias = np.asarray(bias, dtype=np.float64)
    maps = np.asarray(responses) + bias.reshape(bias.shape + (1, 1))
    return np.maximum(maps, 0, out=maps)  # relu, in place on the new array: NaN stays NaN


def persistence_from_maps(shifted, *, threshold, modes):
    """The second half of :func:`detection_persistence`: pool each shift's maps and count what stays on.

    Parameters
    ----------
    shifted : (S + 1, F, h, w) array_like
        From :func:`shifted_feature_maps`; index 0 is the unshifted photo.
    threshold : float
    modes : dict of str to dict

    Returns
    -------
    Persistence

    Examples
    --------
    >>> maps = np.zeros((2, 1, 2, 4)); maps[0, 0, 0, 1] = maps[1, 0, 0, 0] = 1.0
    >>> p = persistence_from_maps(maps, threshold=0.5, modes={"max": {"kernel_size": 2}})
    >>> p.kept["raw"].tolist(), p.kept["max"].tolist()
    ([[0]], [[1]])
    """
    shifted = np.asarray(shifted)
    found = {}
    for maps in shifted:
        outputs = {"raw": maps, **{m: pooled_values(maps, m, **args) for m, args in modes.items()}}
        for mode, values in outputs.items():
            found.setdefault(mode, []).append(values > threshold)
    detections = {m: on[0].sum(axis=(-2, -1)) for m, on in found.items()}
    kept = {m: np.array([(on[0] & later).sum(axis=(-2, -1)) for later in on[1:]]) for m, on in found.items()}
    return Persistence(np.arange(1, len(shifted)), detections, kept)


def _strip(shifts):
    """The strip whose columns ``d`` onward are ``shifts[d]`` (:func:`shifted_responses`): a view of the memory
    the shifts share when they are :func:`strip_shifts`'s view, else each shift's first column, then the last
    shift."""
    if _shares_strip(shifts):
        return np.lib.stride_tricks.as_strided(shifts[0], shifts.shape[1:-1] + (shifts.shape[-1] + len(shifts) - 1,),
                                               shifts.strides[1:], writeable=False)
    return np.concatenate([shifts[:-1, ..., 0].transpose(*range(1, shifts.ndim - 1), 0), shifts[-1]], axis=-1)


def _shares_strip(shifts):
    """Whether the shifts lie in memory as columns of one strip: a step to the next shift is a step of one column,
    so ``shifts[d + 1][..., j]`` is the very number ``shifts[d][..., j + 1]`` (:func:`strip_shifts` makes them so)."""
    return shifts.ndim >= 2 and shifts.strides[0] == shifts.strides[-1]


def _is_strip(shifts):
    """Whether each shift is the one before it moved one column: slices of one strip. Shifts that share the
    strip's memory are, NaN or not (seen from the strides, without a pass); others are compared (NaN-free)."""
    return len(shifts) > 1 and (_shares_strip(shifts) or np.array_equal(shifts[1:, ..., :-1], shifts[:-1, ..., 1:]))


def _phase_layout(height, width, strip_width, kernel_size=2, stride=None, padding=0, dilation=1, ceil_mode=False,
                  **_other):
    """``(step, columns)`` when every shift's pooling is a slice of one pooling of the strip per phase, else None.

    ``step`` is the column stride and ``columns`` a shift's pooled width. It holds when a shift's windows start at
    column 0 and lie whole inside it, and the strip's are the same windows, continued: no column padding, no
    window cut short by ``ceil_mode``.
    """
    def columns(w):
        return regular_grid((height, w), kernel_size, stride=stride, padding=padding, dilation=dilation,
                            ceil_mode=ceil_mode).cols

    try:
        shift = columns(width)
        step = shift.step
        if not shift.in_bounds.all() or shift.positions[0, 0] != 0:
            return None
        for phase in range(min(step, strip_width - width + 1)):
            strip = columns(strip_width - phase)
            needed = (strip_width - width - phase) // step + shift.n_out  # the last shift of this phase reads these
            if strip.positions[0, 0] != 0 or strip.step != step or strip.n_out < needed or \
                    not strip.in_bounds[:needed].all():
                return None
    except ValueError:  # a layer that cannot pool these maps: pooling each shift says why
        return None
    return step, shift.n_out


def _by_phase(shifts, pool, layout):
    """``np.stack([pool(one) for one in shifts])``, the same numbers, pooling the strip once per phase.

    ``shifts[d]`` is columns ``d`` onward of one strip, as :func:`shifted_responses` makes them (any other stack
    is pooled shift by shift); ``layout`` is :func:`_phase_layout` of the pooling, or None (then too). Window
    ``i`` of shift ``d = p + q * step`` reads the columns that window ``i + q`` of the strip's columns ``p``
    onward reads: each phase is pooled once and each shift is a read-only view of the phases.
    """
    if layout is None or not _is_strip(shifts):
        return np.stack([pool(one) for one in shifts])
    step, columns = layout
    strip = _strip(shifts)
    phases = [pool(strip[..., p:]) for p in range(min(step, len(shifts)))]
    # Window i of phase p is the strip's window at column p + i * step. Interleaved, the phases are its windows at
    # every column, and shift d reads every step-th of them from column d: a read-only view, where a stack copied
    # every shift (a third of the shift test's time, for anti-aliased max's dense maxima).
    if step == 1:
        starts = phases[0]
    else:
        starts = np.zeros(phases[0].shape[:-1] + (step * phases[0].shape[-1],), dtype=phases[0].dtype)
        for p, phase in enumerate(phases):  # a later phase may be a window shorter: its last slot is never read
            starts[..., p::step][..., :phase.shape[-1]] = phase
    column = starts.strides[-1]
    return np.lib.stride_tricks.as_strided(starts, (len(shifts),) + starts.shape[:-1] + (columns,),
                                           (column,) + starts.strides[:-1] + (column * step,), writeable=False)


def unbiased_pooling(responses, mode, **pool_args):
    """The part of a pooling that a bias and ReLU after it would not change, worked out on the responses.

    Max commutes with ``relu(. + bias)``: adding a number and rounding never
    swaps two values, so ``max(relu(r + b)) == relu(max(r) + b)`` exactly,
    NaN included. A page can keep this while the bias moves:
    :func:`persistence_from_responses` adds the bias after it.

    Parameters
    ----------
    responses : (..., h, w) array_like
        Filter responses before the bias (:func:`shifted_responses`).
    mode : str
        ``"max"``: the max-pooled responses. ``"blurmax"``: the dense (stride 1)
        maxima that anti-aliased max pooling blurs. Other modes: None, nothing
        of them commutes with the bias.
    **pool_args
        The pooling's arguments, as for :func:`pooling.analysis.invariance.pooled_values`.

    Returns
    -------
    (..., h', w') ndarray or None
        Read-only, and a view of one pooling per phase, when the shifts are one strip's.

    Examples
    --------
    >>> r = np.array([[[-1.0, 3.0, 0.5, 2.0]]])
    >>> unbiased_pooling(r, "max", kernel_size=(1, 2)).tolist(), unbiased_pooling(r, "avg", kernel_size=2)
    ([[[3.0, 2.0]]], None)
    >>> unbiased_pooling(r, "blurmax", kernel_size=(1, 2), stride=2).tolist()
    [[[3.0, 3.0, 2.0]]]
    """
    if mode not in ("max", "blurmax"):
        return None
    r = np.asarray(responses)
    h, w = r.shape[-2:]
    if mode == "max":
        def planes_pooled(flat):  # every map of every shift is one plane: pooling is per plane
            return pool2d(flat, "max", **pool_args).values

        layout = _phase_layout(h, w, w + len(r) - 1, **pool_args)
    else:
        # antialiased_max_pool2d's first stage, its windows checked as it checks them: stride 1, no padding.
        kernel = regular_grid((h, w), pool_args.get("kernel_size", 2), stride=1).kernel

        def planes_pooled(flat):
            return dense_window_max(flat, kernel)

        layout = _phase_layout(h, w, w + len(r) - 1, kernel_size=kernel, stride=1)

    def pool(maps):
        values = planes_pooled(maps.reshape(-1, *maps.shape[-2:]))
        return values.reshape(*maps.shape[:-2], *values.shape[-2:])

    return _by_phase(r, pool, layout)


_PHASED = ("avg", "min", "lp", "mixed")  # pool2d's modes whose every window is worked out alike, with no draw


def _biased_pooling(responses, *, bias, mode, args):
    return pooled_values(with_bias(responses, bias), mode, **args)


def persistence_from_responses(responses, bias, *, threshold, modes, unbiased=None, raw=True):
    """:func:`persistence_from_maps` of ``with_bias(responses, bias)``, the same numbers, with less work per bias.

    Max pooling and anti-aliased max's dense maxima are taken from
    ``unbiased`` (:func:`unbiased_pooling` of ``responses``, kept by the
    caller while the bias moves) with the bias added after them; only the
    other poolings, and the blur, pool the biased maps.

    Parameters
    ----------
    responses : (S + 1, F, h, w) array_like
        From :func:`shifted_responses`.
    bias : (F,) array_like
    threshold : float
    modes : dict of str to dict
    unbiased : dict of str to ndarray, optional
        Per mode, :func:`unbiased_pooling` of ``responses``; worked out here where missing.
    raw : bool, optional
        Whether to count the raw maps' detections too (``"raw"``); a part of the
        modes worked out apart and joined (:meth:`Persistence.join`) may leave
        them to another part.

    Returns
    -------
    Persistence

    Examples
    --------
    >>> r = np.zeros((2, 1, 2, 4)); r[0, 0, 0, 1] = r[1, 0, 0, 0] = 1.5
    >>> p = persistence_from_responses(r, [-0.5], threshold=0.5, modes={"max": {"kernel_size": 2}})
    >>> p.kept["raw"].tolist(), p.kept["max"].tolist()
    ([[0]], [[1]])
    """
    responses = np.asarray(responses)
    unbiased = dict(unbiased or {})
    for mode, args in modes.items():
        if mode not in unbiased:
            unbiased[mode] = unbiased_pooling(responses, mode, **args)
    h, w = responses.shape[-2:]
    # Windows of fixed cells, worked out the same in every window: the strip is pooled once per phase (_by_phase).
    phased = {mode: _by_phase(responses, partial(_biased_pooling, bias=bias, mode=mode, args=args),
                              _phase_layout(h, w, w + len(responses) - 1, **args))
              for mode, args in modes.items() if mode in _PHASED}
    # The shifts of one strip: the raw maps' detections, and anti-aliased max's blur down the rows, are worked out
    # once on the strip, each shift a slice of them (every number the one the shift on its own gives).
    raw_on = with_bias(_strip(responses), bias) > threshold if raw and _is_strip(responses) else None
    blurred = {}
    blur = {k: v for k, v in modes.get("blurmax", {}).items() if k != "kernel_size"}  # its stride and blur size
    if "blurmax" in modes and _is_strip(unbiased["blurmax"]):
        blurred["blurmax"] = blur_shifts(with_bias(_strip(unbiased["blurmax"]), bias), unbiased["blurmax"].shape[-1],
                                         **blur)
    others = set(modes) - {"max", "blurmax"} - set(phased)  # poolings of each shift's maps
    found = {}
    for d, shift in enumerate(responses):  # a shift at a time: its arrays stay in the processor's cache
        maps = with_bias(shift, bias) if others or (raw and raw_on is None) else None
        on = {} if not raw else {"raw": maps > threshold if raw_on is None else raw_on[..., d:d + w]}
        for mode, args in modes.items():
            if mode == "max":
                values = with_bias(unbiased[mode][d], bias)
            elif mode in blurred:
                values = blurred[mode][d]
            elif mode == "blurmax":
                values = antialiased_max_pool2d(with_bias(unbiased[mode][d], bias), kernel_size=1, **blur).values
            elif mode in phased:
                values = phased[mode][d]
            else:
                values = pooled_values(maps, mode, **args)
            on[mode] = values > threshold
        for mode, cells in on.items():
            found.setdefault(mode, []).append(cells)
    detections = {m: _counts(cells[0]) for m, cells in found.items()}
    kept = {m: np.array([_counts(cells[0] & later) for later in cells[1:]]) for m, cells in found.items()}
    return Persistence(np.arange(1, len(responses)), detections, kept)


def _counts(cells):
    """The number of True cells of each map of ``cells`` (..., h, w), as ``cells.sum(axis=(-2, -1))`` gives them:
    counted map by map, three to four times quicker than a sum of booleans."""
    flat = cells.reshape(-1, *cells.shape[-2:])
    return np.array([np.count_nonzero(one) for one in flat], dtype=np.int64).reshape(cells.shape[:-2])


@dataclass(frozen=True, eq=False)
class FeatureStage:
    """One stage on a photo: its feature maps, both poolings of them, and what the page reports.

    Attributes
    ----------
    weight : (F, C, K, K) ndarray
        The convolution's weight (:func:`pooling.conv.stage_weights`).
    maps : (F, h, w) ndarray
        After the bias and ReLU.
    max_pooled : PoolResult
        Max pooling of ``maps`` (its indices give the sources).
    avg_pooled : (F, h', w') ndarray
    sparsity : dict of str to (F,) ndarray
        Share of zeros in ``"maps"``, ``"max"`` and ``"avg"``.
    kept : dict of str to (F,) ndarray
        :func:`strongest_kept` for ``"max"`` and ``"avg"``.
    sources : list of (rows, cols), or None
        Per filter, the photo pixels its max-pooled detections came from;
        None when made without a threshold.
    """

    weight: np.ndarray
    maps: np.ndarray
    max_pooled: object
    avg_pooled: np.ndarray
    sparsity: dict
    kept: dict
    sources: list


def feature_stage(planes, kernels, bias, *, threshold, max_args, avg_args):
    """Filter a photo with ``kernels``, add ``bias``, ReLU, then max- and average-pool the maps.

    Parameters
    ----------
    planes : (C, H, W) array_like
        Scaled by :func:`unit_scale`.
    kernels : sequence of (k, k) array_like
        Square, odd sides; see :func:`pooling.conv.stage_weights`.
    bias : float
        Every filter's bias (negative: a threshold before the ReLU).
    threshold : float
        A max-pooled cell above it is a detection, traced to its source.
    max_args, avg_args : dict
        :func:`pooling.pool2d` arguments of the two poolings.

    Returns
    -------
    FeatureStage

    Examples
    --------
    >>> x = np.zeros((1, 6, 6), np.uint8); x[0, 2, 3] = 255
    >>> st = feature_stage(x, [np.array([[1.0]])], 0.0, threshold=0.5, max_args={"kernel_size": 2},
    ...                    avg_args={"kernel_size": 2})
    >>> st.avg_pooled.max(), [r.tolist() for r in st.sources[0]], st.sparsity["maps"].tolist()
    (np.float64(0.25), [[2], [3]], [0.9722222222222222])
    """
    weight, maps = stage_maps(planes, kernels, bias)
    return pool_stage(weight, maps, threshold=threshold, max_args=max_args, avg_args=avg_args)


def stage_responses(planes, kernels):
    """The convolution's weight and its responses on ``planes`` before any bias: what a new bias does not change.

    Returns
    -------
    weight : (F, C, K, K) ndarray
    responses : (F, H - K + 1, W - K + 1) ndarray

    Examples
    --------
    >>> weight, responses = stage_responses(np.full((3, 4, 4), 255, np.uint8), [np.ones((3, 3))])
    >>> responses.tolist()
    [[[9.0, 9.0], [9.0, 9.0]]]
    """
    x = unit_scale(planes)
    weight = stage_weights(list(kernels), x.shape[0])
    return weight, conv2d(x, weight)


def stage_maps(planes, kernels, bias):
    """The convolution's weight and the feature maps of ``planes``: the part of a stage that is not pooling.

    Returns
    -------
    weight : (F, C, K, K) ndarray
    maps : (F, H - K + 1, W - K + 1) ndarray

    Examples
    --------
    >>> weight, maps = stage_maps(np.full((3, 4, 4), 255, np.uint8), [np.ones((3, 3))], -8.5)
    >>> weight.shape, maps.tolist()
    ((1, 3, 3, 3), [[[0.5, 0.5], [0.5, 0.5]]])
    """
    weight, responses = stage_responses(planes, kernels)
    return weight, with_bias(responses, np.full(weight.shape[0], float(bias)))


def pool_stage(weight, maps, *, threshold, max_args, avg_args):
    """Max- and average-pool a stage's feature maps and measure them: a :class:`FeatureStage`.

    ``threshold=None`` leaves out the sources: :func:`detection_sources` finds
    them later, so a page can keep the poolings while the threshold moves.

    Examples
    --------
    >>> maps = np.zeros((1, 4, 4)); maps[0, 1, 1] = 1.0
    >>> st = pool_stage(np.zeros((1, 1, 3, 3)), maps, threshold=0.5, max_args={"kernel_size": 2},
    ...                 avg_args={"kernel_size": 2})
    >>> st.kept["avg"].tolist(), [r.tolist() for r in st.sources[0]]
    ([0.25], [[2], [2]])
    """
    max_pooled = pool2d(maps, "max", **max_args)
    avg_pooled = pool2d(maps, "avg", **avg_args).values
    return FeatureStage(
        weight, maps, max_pooled, avg_pooled,
        sparsity={"maps": sparsity(maps), "max": sparsity(max_pooled.values), "avg": sparsity(avg_pooled)},
        kept={"max": strongest_kept(maps, max_pooled.values), "avg": strongest_kept(maps, avg_pooled)},
        sources=None if threshold is None else detection_sources(max_pooled, threshold,
                                                                 offset=weight.shape[-1] // 2))


def filter_stage(weight, responses, n, bias, *, max_args, avg_args):
    """Filter ``n`` of a stage alone, from its responses: :func:`pool_stage` of its one map, without sources.

    Pooling works map by map, so this is filter ``n``'s part of the whole
    stage, number for number; a page can work the filters out side by side.

    Parameters
    ----------
    weight : (F, C, K, K) ndarray
    responses : (F, h, w) ndarray
        From :func:`stage_responses`.
    n : int
    bias : float

    Returns
    -------
    FeatureStage
        With one map, and ``sources`` None.

    Examples
    --------
    >>> responses = np.zeros((2, 4, 4)); responses[1, 1, 1] = 1.5
    >>> one = filter_stage(np.zeros((2, 1, 3, 3)), responses, 1, -0.5, max_args={"kernel_size": 2},
    ...                    avg_args={"kernel_size": 2})
    >>> one.maps.shape, one.kept["avg"].tolist(), one.sources
    ((1, 4, 4), [0.25], None)
    """
    return pool_stage(weight, with_bias(responses[n:n + 1], [bias]), threshold=None, max_args=max_args,
                      avg_args=avg_args)
