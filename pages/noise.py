"""Noise: does pooling shrug off noise in the image, or pass it on, or make it worse?"""

from dataclasses import replace
from functools import partial

import numpy as np
import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures.image import image_picture
from figures.noise import NOISY_EFFORT, clean_row_view, noise_chart, noisy_row_view
from pooling.analysis.crops import centre_crop
from pooling.analysis.noise import compare_noisy, draw_noise, input_changes, noisy_copy, noisy_levels, value_range
from poolinglab.intake import images
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import pool_options
from poolinglab.words.noise import chart_level_words, moved_words, salt_words
from widgets.cache import shared, shared_cache
from widgets.controls import (
    IMAGE_SIDE,
    centre_ui,
    chart_centre_note,
    require_choice,
    require_layer,
)
from widgets.labels import MODE_LABELS
from widgets.noise_input import KIND_LABELS, noise_ui
from widgets.pictures import show_figure
from widgets.sidebar import sidebar
from widgets.text import plain
from widgets.workers import page_workers

CHART_MODES = ("max", "avg", "lp", "stochastic")
# Bigger images are tested on their centre. Two images side by side get about 340 px each on the screen: at this
# side each is sent pixel for pixel, as the noise really is. Shrunk by block means to fit, a 512 px image showed
# noise at about half its strength, on the page that asks how strong noise stays.
NOISE_SIDE = 256
# The chart pools 11 noisy copies with each of four layers, 44 poolings a layer change: on the centre 128 px, a
# kernel move stays near a bare app's time. Its numbers are means over thousands of values, steady at this size.
NOISE_CHART_SIDE = 128
CHART_LEVELS = np.round(np.linspace(0.0, 0.5, 11), 2)


def label(mode):
    return "Stochastic (test time)" if mode == "stochastic" else MODE_LABELS[mode]


@shared_cache
def noise_draws(key, shape, kind, seed):
    """The random numbers of the noise (they do not depend on its level): moving the level draws none."""
    return draw_noise(shape, kind, rng=seed)


@shared_cache
def noisy_image(key, _planes, _draws, level):
    return noisy_copy(_planes, _draws, level, clip=True)


@shared_cache
def input_picture(key, _image, _planes, effort=0):
    """The clean or noisy input's picture on the clean one's scale. The clean one's key names the image alone, so no
    noise or layer setting rebuilds it."""
    return image_picture(_image, value_range=value_range(_planes), max_side=IMAGE_SIDE, effort=effort)


@shared_cache
def clean_row(key, _planes, mode, _args):
    """:func:`~figures.noise.clean_row_view`: it depends on the layer, never on the noise."""
    return clean_row_view(_planes, mode, _args, max_side=IMAGE_SIDE)


@shared_cache
def noisy_row(key, _planes, _noisy, _clean, span, mode, _args):
    return noisy_row_view(_planes, _noisy, _clean, span, mode, _args, max_side=IMAGE_SIDE)


def chart_copies(chart_in, kind, seed):
    """The chart's noisy copies, one per level, and how far each moved from the clean input."""
    noisy = noisy_levels(chart_in, CHART_LEVELS, kind=kind, rng=seed, clip=True)
    return noisy, input_changes(chart_in, noisy)


def chart_report(copies_key, chart_in, kind, seed, name, layer):
    """:func:`~pooling.analysis.noise.compare_noise` of one layer, or the :class:`Refusal` of a layer that cannot
    pool this input. The noisy copies are shared by every layer and kept while the layer moves: a new kernel only
    pools them again."""
    noisy, moved = shared(copies_key, partial(chart_copies, chart_in, kind, seed))
    return attempt(compare_noisy, chart_in, noisy, CHART_LEVELS, {name: layer}, kind=kind, input_change=moved)


def mode_row(lab, work, noisy, mode, kind, level, seed):
    """One mode's clean and noisy rows (:func:`clean_row`, :func:`noisy_row`) with the page's noise."""
    args = pool_options(lab.settings, mode=mode)
    clean_fig, clean, span = clean_row(lab.cache_key("noise-clean", mode, NOISE_SIDE), work, mode, args)
    return clean_fig, *noisy_row(lab.cache_key("noise-row", kind, level, seed, mode, NOISE_SIDE), work, noisy, clean,
                                 span, mode, args)


lab = sidebar()
s = lab.settings
st.title("Noise")
st.write("**The claim:** max pooling is tolerant to noise.")
st.write(
    "**What holds:** it depends on the noise. Against salt (white specks) max pooling passes on every speck its "
    "windows read: one white pixel wins its whole window, so one noisy pixel takes over a whole output cell. A "
    "plain average dilutes it to a fraction of its jump (one over the window's area): the output looks smoother. "
    "Against pepper (black specks) max changes an output only when a speck hits its window's largest pixel, and "
    "then falls to the window's next largest value. For Gaussian noise, see what the chart shows on your image."
)
require_layer(lab, lab.planes.shape[1:])


@st.fragment
def noise_lab():
    """The page below the claim: a fragment, so moving the noise's own controls reruns it alone, not the sidebar."""
    kind, level, seed, modes = noise_ui()
    st.caption(
        "Noise level: for Gaussian noise, its standard deviation as a fraction of the value range (0 to 255 for "
        "photos); for salt and pepper, the fraction of pixels hit. Noisy values are clipped to the value range, as "
        "a camera's would be. Every mode sees the same noise (the seed fixes it). How far the output moved: the mean "
        "of |pooled noisy − pooled clean|, in % of that mode's own output range (Lp sums its window, so at p = 2 "
        "a 2 × 2 window spans twice the input's range)."
    )
    work = centre_ui(lab.planes, NOISE_SIDE, why="so that every image below shows the noise as it is, no pixel "
                                                   "averaged with its neighbours to fit")

    # Clean and noisy images go in charts of their own, side by side: a move of the noise re-sends only the noisy
    # ones, while the clean ones (cached on what they depend on) go out byte for byte the same, as references.
    image_key = images.sha256_key(lab.key.encode(), "noise", NOISE_SIDE)
    draws = noise_draws(images.sha256_key(lab.key.encode(), "noise-draws", NOISE_SIDE, kind, seed), work.shape, kind,
                        seed)
    noisy = noisy_image(images.sha256_key(lab.key.encode(), "noisy", NOISE_SIDE, kind, seed, level), work, draws, level)
    # The noisy input, each mode's rows and the chart's layers are made on two worker threads, in the order the page
    # shows them, while this thread draws them as they come. Stochastic on the chart is test time (the expected
    # value), so its curve does not jump with each draw.
    layers = {label(m): (m, pool_options(replace(s, train=False), mode=m)) for m in CHART_MODES}
    chart_in = centre_crop(work, NOISE_CHART_SIDE)
    copies_key = images.sha256_key(lab.key.encode(), "noise-chart-copies", NOISE_SIDE, NOISE_CHART_SIDE, kind, seed)
    work_on = page_workers("noise")
    noisy_input = work_on.submit(input_picture, images.sha256_key(lab.key.encode(), "noise-in", NOISE_SIDE, kind, seed,
                                                                  level), noisy, work, NOISY_EFFORT)
    rows = {mode: work_on.submit(attempt, mode_row, lab, work, noisy, mode, kind, level, seed) for mode in modes}
    chart = {name: work_on.submit(shared, lab.cache_key("noise-chart", kind, seed, NOISE_CHART_SIDE, name), partial(
        chart_report, copies_key, chart_in, kind, seed, name, layer)) for name, layer in layers.items()}
    work_on.shutdown(wait=False)  # the jobs run on; their threads end with them

    # Every image is shown as wide as the input, whose pixels are drawn whole (a small input a whole number of times
    # bigger, near NOISE_SIDE): a pooled image's cell then covers about the pixels its window's stride steps over.
    shown_width = work.shape[-1] * max(1, round(NOISE_SIDE / work.shape[-1]))
    left, right = st.columns(2)
    show_figure(left, input_picture(image_key, work, work), "noise_clean_input", alt="The clean input",
                title="Clean input", width=shown_width)
    show_figure(right, noisy_input.result(), "noise_input", alt="The noisy input", title="Noisy input",
                width=shown_width)
    st.caption("The clean and the noisy input, side by side on one scale, each pixel drawn whole. The pooled images "
               "below are drawn as wide, so an output value covers about stride × stride input pixels.")
    white = {}  # mode label: (output values turned white by the noise, output values)
    for mode in require_choice(modes, stop=False):  # the chart below does not need a mode
        st.subheader(MODE_LABELS[mode])
        row = rows[mode].result()
        if isinstance(row, Refusal):
            st.warning(plain(f"{MODE_LABELS[mode]} cannot pool this noisy image: {row}"))
            continue
        clean_picture, picture, moved_in, moved_out, changed, white[MODE_LABELS[mode]] = row
        left, right = st.columns(2)
        show_figure(left, clean_picture, f"noise_clean_{mode}", alt=f"The clean input pooled by {MODE_LABELS[mode]}",
                    title="Pooled clean image", width=shown_width)
        show_figure(right, picture, f"noise_row_{mode}", alt=f"The noisy input pooled by {MODE_LABELS[mode]}",
                    title="Pooled noisy image", width=shown_width)
        st.text(moved_words(MODE_LABELS[mode], moved_in, moved_out, changed))

    st.subheader("Output change against noise level")
    reports = {name: job.result() for name, job in chart.items()}
    for name, reason in reports.items():
        if isinstance(reason, Refusal):
            st.warning(plain(f"{name} is left out of the chart: {reason}"))
    reports = {name: report[name] for name, report in reports.items() if not isinstance(report, Refusal)}
    if not reports:
        st.stop()
    st.plotly_chart(shared(lab.cache_key("noise-chart-figure", kind, seed, NOISE_CHART_SIDE, level), partial(
        noise_chart, reports, current=level, level_title=f"{KIND_LABELS[kind]} noise level",
        title=f"{KIND_LABELS[kind]} noise, the sidebar's window and stride")), key="noise_chart", width="stretch")
    st.caption("Line chart: how far each pooling's output moved (mean |change|, in % of that mode's own output "
               "range) at noise levels from 0 to 0.5; the dashed line is the input's change, in % of its range. "
               "Above it, the output moved more than the input did, each on its own scale.")
    chart_centre_note(chart_in, work.shape)
    st.write(chart_level_words(CHART_LEVELS, level, reports))
    if kind in ("salt", "salt-and-pepper"):
        st.write(salt_words(white))


noise_lab()
