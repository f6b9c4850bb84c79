"""Shift invariance: does a pooled output stay the same when the image moves by a few pixels?"""

import math
from dataclasses import replace

import streamlit as st

import widgets
from pooling.figures.invariance import shift_chart, shift_row_figure
from pooling.invariance import aligned_shift_invariance, compare_shift
from pooling.noise import value_range
from pooling.settings import MODES, pool_options

BLURMAX = "blurmax"
LABELS = {**widgets.MODE_LABELS, BLURMAX: "Anti-aliased max (Zhang 2019)"}
WORK_SIDE = 1024  # bigger images are tested on their centre, so a 12 MP photo stays quick
CHART_SIDE = 256  # the chart's sweep of shifts runs on at most this centre, to stay quick
IMAGE_SIDE = 256  # pooled images are sent at most this many pixels across


def centre(planes, side):
    h, w = planes.shape[1:]
    top, left = max(0, (h - side) // 2), max(0, (w - side) // 2)
    return planes[:, top:top + side, left:left + side]


def layer_args(settings, mode):
    """The sidebar's layer for ``mode``; anti-aliased max takes only its kernel and stride."""
    if mode == BLURMAX:
        return {"kernel_size": settings.kernel, "stride": settings.stride}
    return pool_options(replace(settings, mode=mode))


@st.cache_data(**widgets.CACHE)
def mode_panel(key, _planes, shift, mode, _args, span):
    """The figure and numbers of one mode at one shift (the figure caches small; the arrays would not)."""
    rep = compare_shift(_planes, shift, mode, **_args)
    fig = shift_row_figure(rep, value_range=value_range(_planes), span=span, max_side=IMAGE_SIDE)
    return fig, rep.unchanged, rep.mean_abs_change, int(rep.compared.sum()) * rep.before.shape[0], rep.offset


@st.cache_data(**widgets.CACHE)
def sweep(key, _planes, dy, stride, modes, _args):
    """Share unchanged and mean change for dx = 0 .. 2 * stride at this dy, per mode."""
    limit = min(2 * stride, _planes.shape[2] - 1)
    shifts = [(dy, dx) for dx in range(limit + 1)]
    return {LABELS[m]: aligned_shift_invariance(_planes, shifts, m, **_args[m]) for m in modes}


def shift_ui(stride, hw):
    left, right = st.columns(2)
    shift = []
    for place, name, size in ((left, "dy (down)", hw[0]), (right, "dx (right)", hw[1])):
        top, key = min(2 * stride, size - 1), f"shift_{name[:2]}"
        # A value kept from a larger stride or image must fit this slider.
        st.session_state[key] = min(int(st.session_state.get(key, 1 if name[1] == "x" else 0)), top)
        shift.append(place.slider(name, 0, top, key=key) if top > 0 else 0)
    modes = st.multiselect("Modes (up to three)", (*MODES, BLURMAX), default=("max", "avg", BLURMAX),
                           key="shift_modes", format_func=LABELS.get, max_selections=3)
    return tuple(shift), modes


lab = widgets.sidebar()
s = lab.settings
st.title("Shift invariance")
st.write("**The claim:** pooling makes the output stay the same when the image moves by a pixel or two.")
st.write(
    "**What holds:** only shifts by a whole number of strides leave the output alone, and then only because the "
    "whole output moves over by whole cells. A shift in between changes many outputs, even under max pooling. "
    "Blurring before subsampling (anti-aliased max, Zhang 2019) makes the changes smaller, not zero."
)
st.write("Pick the **Bright dot** sample in the sidebar to see it plainly: one white pixel jumps to the next "
         "window at some shifts and not at others.")

work = centre(lab.planes, WORK_SIDE)
if not widgets.check_layer(lab, lab.planes.shape[1:]):
    st.warning("This layer cannot pool this image: the sidebar says why. Change a setting there.")
    st.stop()
(dy, dx), modes = shift_ui(s.stride, work.shape[1:])
st.caption(
    "How it is measured: the image is shifted circularly by (dy, dx) (pixels pushed off one edge come back at the "
    "other). The shifted image's output is moved back by whole cells, (dy // stride, dx // stride), then compared "
    "cell by cell with the original's; cells whose window touches padding or wrapped pixels are left out. "
    "Unchanged means equal to within one part in a billion."
)
if work.shape != lab.planes.shape:
    st.info(f"The image is larger than {WORK_SIDE} px: this page tests its centre {work.shape[1]} × {work.shape[2]}.")
if not modes:
    st.warning("Choose at least one mode above.")
    st.stop()

args = {m: layer_args(s, m) for m in modes}
lo, hi = value_range(work)
for mode in modes:
    st.subheader(LABELS[mode])
    try:
        fig, unchanged, change, count, offset = mode_panel(
            lab.cache_key("shift", mode, dy, dx, WORK_SIDE), work, (dy, dx), mode, args[mode], (hi - lo) / 4)
    except ValueError as err:
        st.warning(widgets.plain(f"{LABELS[mode]} cannot pool this image with this layer: {err}"))
        continue
    st.plotly_chart(fig, key=f"shift_row_{mode}", width="stretch")
    if count == 0:
        st.text("No output cell could be compared: the image is too small for this shift and layer.")
    else:
        changed = round((1 - unchanged) * count)
        share = math.floor(1000 * unchanged) / 10  # rounded down: 2 changed values must not read as 100%
        st.text(f"{LABELS[mode]}: {share:.1f}% of {count:,} compared output values unchanged ({changed:,} changed); "
                f"mean |change| {change:.3g}; output moved by {offset[0]} × {offset[1]} whole cells.")
st.caption("Each row: the pooled image before and after the shift, on one grey scale, and the aligned "
           "difference (blue: went down, red: went up, white: unchanged, grey: not compared; the colours end at a "
           "quarter of the value range, the same for every mode).")

st.subheader("Every shift from 0 to 2 × stride")
chart_modes = tuple(dict.fromkeys((*modes, BLURMAX)))
chart_args = {m: args.get(m) or layer_args(s, m) for m in chart_modes}
chart_in = centre(work, CHART_SIDE)
try:
    reports = sweep(lab.cache_key("shift-sweep", chart_modes, dy, CHART_SIDE), chart_in, dy, s.stride,
                    chart_modes, chart_args)
except ValueError as err:
    st.warning(widgets.plain(f"The sweep cannot run on this image with this layer: {err}"))
    st.stop()
fig = shift_chart(reports, axis=1, stride=s.stride, current=dx, accent=LABELS[BLURMAX],
                  title=f"dy = {dy}, dx from 0 to {2 * s.stride}")
st.plotly_chart(fig, key="shift_chart", width="stretch")
st.caption(f"Line chart: top, the share of output values unchanged at each dx (dy = {dy}); bottom, their mean "
           "change. Thin vertical lines mark whole strides; the dotted one the shift shown above.")
if chart_in.shape != work.shape:
    st.text(f"The chart uses the centre {chart_in.shape[1]} × {chart_in.shape[2]} of the image, to stay quick.")
plain_max, blur = reports.get(LABELS["max"]), reports[LABELS[BLURMAX]]
if s.stride == 1:
    st.write("With stride 1 every shift is a whole stride: the output only moves over, so a shift changes "
             "nothing but cells at the edges. The price: the image does not shrink at all.")
elif dy % s.stride == 0:
    st.write(f"dy = {dy} is a whole number of strides: every mode is back to 100% at dx = 0, {s.stride} and "
             f"{2 * s.stride}, and drops in between. That is the phase of the stride at work.")
else:
    st.write(f"dy = {dy} is not a whole number of strides, so no dx brings every output back: the phase in dy "
             "alone already changes them.")
between = [n for n, (_, x) in enumerate(blur.shifts) if x % s.stride]
if plain_max is not None and between:
    ratio = blur.mean_abs_change[between].mean() / max(plain_max.mean_abs_change[between].mean(), 1e-12)
    st.write(f"On this image, between whole strides, anti-aliased max changes by {ratio:.0%} as much as plain max "
             f"on average ({blur.mean_abs_change[between].mean():.3g} against "
             f"{plain_max.mean_abs_change[between].mean():.3g}). Exact equality is a hard test for anything that "
             "blurs or averages: almost any change in a window moves its result a little.")
