"""Feature maps: a convolution, a bias and ReLU, then the sidebar's pooling: pooling where networks pool."""

from functools import partial

import numpy as np
import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures.features import persistence_chart, photo_source, scale_figure
from pooling.analysis.features import filter_stage, peak_survival, stage_responses
from pooling.analysis.noise import value_range
from pooling.conv import stage_weights
from poolinglab.intake import images
from poolinglab.layer_code import stage_code, stage_sizes
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import layer_options, pool_options
from poolinglab.words import features as feature_words
from widgets.cache import shared
from widgets.controls import centre_ui, require_choice, require_layer
from widgets.feature_parts import claim_parts, claim_test, joined_claim, map_pictures, sources_chart
from widgets.filters_input import filter_bank_ui, kernels_row
from widgets.layer_input import layer_summary
from widgets.pictures import show_pictures
from widgets.sidebar import sidebar
from widgets.text import plain
from widgets.workers import fresh_workers

# Bigger photos are filtered on their centre. Three maps side by side get about 250 px each on the screen: at this
# side each map's cell is one pixel there, neither averaged away by a shrink (which would dilute a peak before the
# page compares how pooling keeps peaks) nor sent at four times what is seen.
WORK_SIDE = 256
RAW = "the raw feature map"
LABELS = {"max": "max", "avg": "average", "blurmax": "anti-aliased max"}
MAPS = ("after ReLU", "max-pooled", "average-pooled")  # each filter's row of pictures
MAP_WIDTH = WORK_SIDE  # on the screen, about a pixel a cell of the map after ReLU, and a pooled map is as wide
JOBS = "_fm_jobs"  # the session's last run's worker threads


lab = sidebar()
s = lab.settings
st.title("Feature maps")
st.write("**Where networks pool.** A pooling layer works on the feature maps of a convolution, not on photos. Each "
         "filter below slides over the photo (cross-correlation, no padding, stride 1, as `nn.Conv2d` does), a bias "
         "and a ReLU set every weak response to 0, and the sidebar's pooling layer pools what is left: a sparse map "
         "with a few strong peaks, where max and average pooling part ways most.")

choice = filter_bank_ui()
require_choice(choice.keys, "filter")
kernels_row(choice)

work = centre_ui(lab.planes, WORK_SIDE, what="photo", does="filters",
                 why="so that the maps below show every cell as it is, none averaged with its neighbours to fit")
side = max(k.shape[0] for k in choice.kernels)
maps_hw = (work.shape[1] - side + 1, work.shape[2] - side + 1)
if min(maps_hw) < 1:
    st.warning(feature_words.no_map_words(work.shape[1:], side))
    st.stop()
require_layer(lab, maps_hw, what="these feature maps")

# The filters' responses depend on neither the bias nor the pooling layer: their key leaves both out, so a new
# bias only adds and rectifies, and a new kernel or stride only pools.
filters = (choice.keys, choice.kernel_text)
responses_key = images.sha256_key(lab.key.encode(), "filter-responses", filters, WORK_SIDE)
weight, responses = shared(responses_key, partial(stage_responses, work, choice.kernels))
biases = np.full(len(choice.keys), choice.bias)
# Keys: the layer (filters and pooling), then the bias too, then the threshold too; a move redoes only what it changes.
layer_key = lab.cache_key("feature-maps", filters, WORK_SIDE)
bias_key = (layer_key, "bias", choice.bias)
key = (bias_key, "threshold", choice.threshold)
max_args, avg_args = pool_options(s, mode="max"), pool_options(s, mode="avg")

# Each filter's maps and poolings, the sources figure, the shift test (the claim's fragment, below) and the map rows
# are jobs for two worker threads, on both cores (numpy and the image encoder let go of the interpreter), while this
# thread draws, in the order the page shows them. The shift test, the longest, goes last, in two parts, one a thread.
# This thread builds nothing itself: the shared store lets two builds run at once, and here it would wait for a turn.
every = {m: layer_options(s, m) for m in LABELS}
max_shift = min(2 * s.stride, maps_hw[1] - 1)  # the shift test cuts the photo this much narrower
claim_modes = tuple(st.session_state.get("fm_claim_modes", LABELS))
work_on = fresh_workers("feature-maps", JOBS)  # the jobs a run stopped by a newer move left behind are dropped
stages = [work_on.submit(shared, (bias_key, "stage", n), partial(
    filter_stage, weight, responses, n, choice.bias, max_args=max_args, avg_args=avg_args))
    for n in range(len(choice.keys))]
photo = shared(images.sha256_key(lab.key.encode(), "fm-photo", WORK_SIDE), partial(
    photo_source, work, value_range=value_range(work)))
sources = work_on.submit(sources_chart, (key, "sources"), stages, work, choice.labels, choice.threshold, side // 2,
                         photo)
# The strongest response after ReLU tops every map's scale: relu(max + bias) is max(relu(. + bias)) exactly.
peak = shared((responses_key, "peak"), partial(np.max, responses))
top = float(np.maximum(peak + choice.bias, 0.0))
rows = [work_on.submit(map_pictures, (responses_key, "relu-picture", n, choice.bias), (bias_key, "pooled-pictures", n),
                       stage, top) for n, stage in enumerate(stages)]
early_claim = [] if max_shift < 1 else [work_on.submit(
    claim_test, responses_key, layer_key, key, responses, biases, max_shift=max_shift,
    threshold=choice.threshold, **part) for part in claim_parts({m: every[m] for m in claim_modes})]
work_on.shutdown(wait=False)  # the jobs run on; their threads end with them
stages = [attempt(job.result) for job in stages]
if refused := next((one for one in stages if isinstance(one, Refusal)), None):
    st.error(plain(f"This layer cannot pool these feature maps: {refused}"))
    st.stop()

st.subheader("Where each feature was found")
st.plotly_chart(sources.result(), key="fm_sources", width="stretch")
st.caption(f"Each mark is the pixel a max-pooled detection (a pooled value above {choice.threshold:g}) copied: the "
           "argmax of its window, where the filter is centred. The legend counts the marks of each filter. The "
           "photo is drawn in grey, so that the coloured marks stand out.")

st.subheader("Feature maps after ReLU, and pooled")
st.caption("Every map of every filter on one colour scale: 0 is dark purple, the strongest response yellow. Max- "
           "and average-pooled maps always have the same share of zeros (after ReLU no value is negative, so a "
           "window averages to 0 exactly where its maximum is 0); they differ in how high their peaks stay. A "
           "filter's three maps are drawn equally wide, whatever their number of cells: their sizes are under \"The "
           "stage\" below.")
st.plotly_chart(scale_figure(top), key="fm_scale", width="stretch")  # built here: under a millisecond, no turn taken
for n, (label, one, row) in enumerate(zip(choice.labels, stages, rows)):
    st.markdown(f"**{plain(label)}**")
    show_pictures(st, row.result(), f"fm_maps_{n}", alts=[f"{label}: the feature map {name}" for name in MAPS],
                  captions=MAPS, width=MAP_WIDTH)
    st.text(feature_words.stage_words(label, one.sparsity, one.kept))

survival = {"max pooling": peak_survival("max", **max_args), "average pooling": peak_survival("avg", **avg_args),
            "anti-aliased max": peak_survival("blurmax", **every["blurmax"])}
st.write(feature_words.peak_words(survival, s.kernel[0] * s.kernel[1]))


@st.fragment
def claim_lab():
    """The shift test: a fragment, so choosing its poolings reruns it alone."""
    st.subheader("The claim tested: does a detection stay on when the photo moves?")
    st.write("**The claim:** pooling records whether a feature appears in a region, not exactly where, so a "
             "feature is still found when the photo moves by a pixel or two.")
    modes = st.multiselect("Poolings to test", list(LABELS), default=list(LABELS), key="fm_claim_modes",
                           format_func=LABELS.get)
    if max_shift < 1:
        st.text("The image is too narrow to shift and still filter it: choose a photo.")
        return
    if early_claim and tuple(modes) == claim_modes:  # a full rerun: started before the maps
        p = joined_claim(early_claim)
    else:  # the fragment's own rerun, with other poolings
        p = attempt(claim_test, responses_key, layer_key, key, responses, biases, max_shift=max_shift,
                    threshold=choice.threshold, modes={m: every[m] for m in modes})
    if isinstance(p, Refusal):
        st.warning(plain(f"The test cannot pool this image with this layer: {p}"))
        return
    shares = {RAW: p.shares("raw"), **{LABELS[m]: p.shares(m) for m in modes}}
    fig = shared((key, "claim-chart", tuple(modes)), partial(
        persistence_chart, p.shifts, shares, stride=s.stride, accent=LABELS["blurmax"],
        title=f"Shifts from 1 to {max_shift} px (stride {s.stride})"))
    st.plotly_chart(fig, key="fm_claim_chart", width="stretch")
    counts = {RAW: p.detections["raw"].sum(), **{LABELS[m]: p.detections[m].sum() for m in modes}}
    st.text(feature_words.detection_words(counts))
    st.write(feature_words.persistence_verdict(p.shifts, s.stride, shares, raw=RAW))
    st.caption(f"How it is measured: on the {work.shape[1]} × {work.shape[2]} photo filtered above, cut "
               f"{max_shift} px narrower, once at column 0 and once at column d (the photo moved d px to the left; "
               "no pixel is wrapped or made up). A detection is a cell above the threshold; it stays on when the "
               "same cell is still above it after the shift. Thin vertical lines mark whole strides.")


claim_lab()

st.subheader("The stage: sizes and PyTorch code")
st.text(feature_words.sizes_words(stage_sizes(work.shape[1:], side, s)))
code = stage_code(stage_weights(list(choice.kernels), 1)[:, 0], choice.labels, choice.bias, work.shape[0], s,
                  work.shape[1:])
st.code(code, language="python", wrap_lines=True)
layer_summary(lab, maps_hw)
