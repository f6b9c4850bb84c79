"""The Max vs Average page's parts: its poolings, kept in the shared store, and what it draws of them, each as
``(key, build)`` for :func:`~widgets.cache.shared`, for worker threads to make ahead
(:func:`~widgets.workers.make_ahead`). Nothing here draws on the page."""

from functools import partial

import pooling
from figures.compare import DISPLAY_SIDE, channel_figure, difference_view, fringe_picture
from figures.image import image_picture
from pooling.analysis import compare
from poolinglab.refusal import Refusal
from poolinglab.settings import pool_options
from poolinglab.words.compare import describe_options, max_against_average

from .cache import shared, shared_cache
from .labels import MODE_LABELS
from .zoom_input import zoom_part


@shared_cache
def pool_modes(key, _planes, _settings, modes, _max_result):
    """Each mode's pooled values and cost, or the :class:`Refusal` of a mode that cannot pool this input; max is
    ``_max_result``."""
    pooled = compare.pool_modes(_planes, {mode: pool_options(_settings, mode=mode) for mode in modes},
                                done={"max": _max_result})
    return {mode: Refusal(p) if isinstance(p, str) else p for mode, p in pooled.items()}  # the core says why in words


# A resource, not data: st.cache_data would unpickle the result and the input it holds on every rerun, which at
# 12 MP takes longer than pooling again; the result is never written to, so every rerun can share it.
@shared_cache
def max_pooling(key, _planes, _settings):
    """Max pooling with the sidebar's window: its indices feed the fringe mask and the zoom."""
    return pooling.pool2d(_planes, "max", **pool_options(_settings, mode="max"))


def mode_label(mode, settings):
    """The mode's label, with its own options from ``settings`` (p, alpha, the seed...) when it has some."""
    words = describe_options(mode, pool_options(settings, mode=mode))
    return MODE_LABELS[mode] + (f" ({words})" if words else "")


def difference_part(cache_key, settings, shown, a, b):
    """``(key, build)`` for :func:`shared`: the map of ``a`` minus ``b`` (two of ``shown``'s modes) and the words
    under it."""
    first, second = shown[a][0], shown[b][0]
    return cache_key("mva_diff_map", a, b), partial(
        difference_view, first, second, mode_label(a, settings), mode_label(b, settings), first.shape[0])


def compare_parts(cache_key, settings, planes, shown, max_result, value_range, *, pair, zoom, prefix, focus_key):
    """What the page draws, in page order, each as ``(key, build)``; and the new colours' mask's part.

    ``shown`` holds the modes that could pool (mode -> values and cost), ``pair`` the difference's two modes as
    its pickers will show them (None when fewer than two modes are shown), ``zoom`` the zoom's region and plane
    (:func:`~widgets.zoom_input.zoom_start`). The parts are named ``"image <mode>"`` (a picture), ``"max against
    avg"`` (with both), ``"difference"`` (a pair of two shown modes), ``"mixed"``, ``"channels"``, ``"fringes"``
    (a colour photo) and ``"zoom"``; the new colours' mask (a colour photo, else None) is built by the fringes' job.
    """
    lo, hi = value_range
    parts = {f"image {mode}": (cache_key("mva_image", mode, lo, hi), partial(
        image_picture, shown[mode][0], value_range=(lo, hi), max_side=DISPLAY_SIDE)) for mode in shown}
    if {"max", "avg"} <= shown.keys():
        padded = settings.padding not in (0, "valid", "same")
        parts["max against avg"] = (cache_key("mva_max_against_avg"), partial(
            max_against_average, shown["max"][0], shown["avg"][0],
            padding_counted=padded and settings.count_include_pad, divisor_override=settings.divisor_override or None))
    # The pair the fragment's pickers will show, if they keep their values: a guess that costs only time if wrong.
    if pair is not None and pair[0] in shown and pair[1] in shown and pair[0] != pair[1]:
        parts["difference"] = difference_part(cache_key, settings, shown, *pair)
    new_part = None
    if planes.shape[0] == 3:
        new_part = (cache_key("mva_new_colours"), partial(compare.new_colours, planes, max_result))
        parts["mixed"] = (cache_key("mva_mixed_mask"), partial(compare.mixed_channels, max_result))
        parts["channels"] = (cache_key("mva_channels", lo, hi), partial(
            channel_figure, max_result.values, value_range=(lo, hi)))
        # The mask is the new colours' (compare.new_colours), not the channels' disagreement: a tie can give one
        # pixel's colour from two pixels.
        parts["fringes"] = (cache_key("mva_fringes", lo, hi), lambda: fringe_picture(
            max_result.values, shared(*new_part), value_range=(lo, hi)))
    parts["zoom"] = zoom_part(cache_key, max_result, *(zoom[k] for k in ("top", "left", "rows", "cols", "plane")),
                              prefix=prefix, focus_key=focus_key)[0]
    return parts, new_part
