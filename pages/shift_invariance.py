"""Shift invariance: does a pooled output stay the same when the image moves by a few pixels?"""

import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from poolinglab.refusal import Refusal
from poolinglab.settings import layer_options
from poolinglab.words.shift import nothing_to_compare, row_words, sweep_words
from widgets.controls import CHART_SIDE, centre_ui, require_choice, require_layer
from widgets.labels import MODE_LABELS
from widgets.shift_input import shift_ui
from widgets.shift_parts import BLURMAX, plan_shift_parts
from widgets.sidebar import sidebar
from widgets.text import plain

LABELS = {**MODE_LABELS, BLURMAX: "Anti-aliased max (Zhang 2019)"}
# Bigger images are tested on their centre, the chart's own: the rows and the chart then count the same cells, and a
# shift resends three small pooled images (128 px at stride 2) rather than three 256 px ones.
SHIFT_SIDE = CHART_SIDE

lab = sidebar()
s = lab.settings
labels = {**LABELS, "stochastic": "Stochastic (training)" if s.train else "Stochastic (test time)"}
st.title("Shift invariance")
st.write("**The claim:** pooling makes the output stay the same when the image moves by a pixel or two.")
st.write(
    "**What holds:** a shift by a whole number of strides is guaranteed to leave the output alone away from the "
    "borders: the whole output just moves over by whole cells. Any other shift may change outputs or not, "
    "depending on the image; on most photos it changes many, even under max pooling. Blurring before subsampling "
    "(anti-aliased max, Zhang 2019) is meant to make the changes smaller; the chart below shows whether it does here."
)
st.write("Pick the **Bright dot** sample in the sidebar to see it plainly: one white pixel jumps to the next "
         "window at some shifts and not at others.")

require_layer(lab, lab.planes.shape[1:])
work = centre_ui(lab.planes, SHIFT_SIDE, why="so that the rows and the chart below test the same pixels")


@st.fragment
def shift_lab():
    """The page below the claim: a fragment, so moving a shift reruns it alone, not the sidebar."""
    (dy, dx), modes = shift_ui(s.stride, work.shape[1:], labels)
    st.caption(
        "How it is measured: the image is shifted circularly by (dy, dx) (pixels pushed off one edge come back at the "
        "other). The shifted image's output is moved back by whole cells, (dy // stride, dx // stride), then compared "
        "cell by cell with the original's; cells whose window touches padding or wrapped pixels are left out. "
        "Unchanged means equal to within one part in a billion."
    )
    require_choice(modes)

    args = {m: layer_options(s, m) for m in modes}
    chart_modes = tuple(dict.fromkeys((*modes, BLURMAX)))
    chart_args = {m: args.get(m) or layer_options(s, m) for m in chart_modes}
    jobs, chart = plan_shift_parts(lab.cache_key("shift"), work, (dy, dx), s.stride, args=args,
                                   chart_args=chart_args, labels=labels)
    for mode in modes:
        st.subheader(labels[mode])
        before, row = (job.result() for job in jobs[mode])
        if isinstance(refused := row if isinstance(row, Refusal) else before, Refusal):
            st.warning(plain(f"{labels[mode]} cannot pool this image with this layer: {refused}"))
            continue
        fig, unchanged, change, count, offset = row
        left, right = st.columns([1, 2.25])  # the second holds the colour bar too
        left.plotly_chart(before, key=f"shift_before_{mode}", width="stretch")
        right.plotly_chart(fig, key=f"shift_row_{mode}", width="stretch")
        st.text(row_words(labels[mode], unchanged, count, change, offset))
    st.caption("Each row: the pooled image before and after the shift, on one grey scale, and the aligned "
               "difference (blue: went down, red: went up, white: unchanged, grey: not compared; the colours end at a "
               "quarter of the value range, the same for every mode).")

    st.subheader("Every shift from 0 to 2 × stride")
    fig, reports, done = chart.result()
    for mode, reason in ((m, r) for m, r in done.items() if isinstance(r, Refusal)):
        st.warning(plain(f"The chart leaves out {labels[mode]}: it cannot pool this image with this layer: "
                                 f"{reason}"))
    if fig is None:
        st.stop()
    st.plotly_chart(fig, key="shift_chart", width="stretch")
    st.caption(f"Line chart: top, the share of output values unchanged at each dx (dy = {dy}); bottom, their mean "
               "change. Thin vertical lines mark whole strides; the dotted one the shift shown above.")
    dxs = next(iter(reports.values())).shifts[:, 1]
    both = {"max", BLURMAX} <= reports.keys()
    blur_and_max = [reports[m].mean_abs_change for m in (BLURMAX, "max")] if both else None
    said = sweep_words(dxs, {labels[m]: r.unchanged for m, r in reports.items()}, s.stride, dy,
                       fresh=[labels["stochastic"]] if s.train else [], changes=blur_and_max)
    if said is None:
        st.write(nothing_to_compare(work.shape[1:], dy))
        st.stop()
    for paragraph in said:
        st.write(paragraph)


shift_lab()
