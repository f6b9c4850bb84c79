"""The Feature maps page's parts that worker threads make while the page draws: the shift test, the sources
figure and each filter's maps as pictures, each kept in the shared store. Nothing here reads a widget or draws on the
page."""

from functools import partial

from figures.features import map_picture, sources_figure
from pooling.analysis.features import (
    Persistence,
    detection_sources,
    persistence_from_responses,
    strip_shifts,
    unbiased_pooling,
)
from pooling.analysis.noise import value_range
from poolinglab.refusal import Refusal, attempt

from .cache import shared


def claim_test(responses_key, layer_key, key, responses, biases, *, max_shift, threshold, modes, raw=True):
    """The shift test's :class:`~pooling.analysis.features.Persistence` on the page's filter ``responses`` (keyed
    ``responses_key``), each step shared: their shifts (slices, no convolution again) and bias-free poolings (keyed
    without the bias, on ``layer_key``) stay while the bias moves. ``raw``: count the raw maps too
    (:func:`claim_parts` leaves them to one part). Reads no widget, so a worker thread can run it."""
    moved = shared((responses_key, "shifted", max_shift), partial(strip_shifts, responses, max_shift=max_shift))
    unbiased = {m: shared((layer_key, "claim-unbiased", m, max_shift), partial(
        unbiased_pooling, moved, m, **args)) for m, args in modes.items()}
    return shared((key, "claim", tuple(modes), raw), partial(
        persistence_from_responses, moved, biases, threshold=threshold, modes=modes, unbiased=unbiased, raw=raw))


def claim_parts(modes):
    """The shift test's modes in two groups of about equal work, for two worker threads, as :func:`claim_test`'s
    keyword arguments: the raw maps, max and average (max pooling is cheap once kept without the bias), then
    anti-aliased max (its blur of each shift's columns, and of the strip's rows once)."""
    first = {m: a for m, a in modes.items() if m != "blurmax"}
    second = {m: a for m, a in modes.items() if m == "blurmax"}
    return [{"modes": first, "raw": True}] + ([{"modes": second, "raw": False}] if second else [])


def joined_claim(jobs):
    """One :class:`~pooling.analysis.features.Persistence` of the :func:`claim_test` jobs of :func:`claim_parts`;
    their :class:`~poolinglab.refusal.Refusal`, if one refused."""
    done = [attempt(job.result) for job in jobs]
    return next((one for one in done if isinstance(one, Refusal)), None) or Persistence.join(done)


def sources_chart(chart_key, stage_jobs, work, labels, threshold, offset, photo):
    """The photo with every filter's detections, once the :func:`~pooling.analysis.features.filter_stage` jobs (submitted
    before this one) are done. Reads no widget, so a worker thread can run it."""
    stages = [job.result() for job in stage_jobs]
    return shared(chart_key, lambda: sources_figure(
        work, {label: detection_sources(one.max_pooled, threshold, offset=offset)[0]
               for label, one in zip(labels, stages)}, value_range=value_range(work), photo=photo))


def map_pictures(relu_key, row_key, stage_job, top):
    """A filter's maps as :func:`~figures.features.map_picture` pictures on the scale up to ``top``: after ReLU,
    max-pooled and average-pooled, once its :func:`~pooling.analysis.features.filter_stage` job is done (submitted
    before this one, so already running). ``relu_key`` names the map after ReLU without the pooling layer, so a new
    layer encodes only the pooled maps; ``row_key`` names those. Reads no widget, so a worker thread can run it."""
    one = stage_job.result()
    relu = shared(relu_key, partial(map_picture, one.maps[0], zmax=top))
    return (relu, *shared(row_key, lambda: tuple(
        map_picture(values, zmax=top) for values in (one.max_pooled.values[0], one.avg_pooled[0]))))
