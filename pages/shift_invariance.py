"""Shift invariance: does a pooled output stay the same when the image moves by a few pixels?"""

from functools import partial

import streamlit as st

from figures.invariance import before_figure, shift_chart, shift_row_figure
from pooling.analysis.crops import centre_crop
from pooling.analysis.invariance import ShiftTest
from pooling.analysis.noise import value_range
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import MODES, pool_options
from poolinglab.words.shift import blur_against_max, nothing_to_compare, row_words, shift_verdict
from widgets.cache import shared, shared_cache
from widgets.controls import (
    CHART_SIDE,
    IMAGE_SIDE,
    WORK_SIDE,
    centre_ui,
    chart_centre_note,
    remembered_slider,
    require_choice,
    require_layer,
)
from widgets.labels import MODE_LABELS
from widgets.sidebar import sidebar
from widgets.text import plain
from widgets.workers import page_workers

BLURMAX = "blurmax"
LABELS = {**MODE_LABELS, BLURMAX: "Anti-aliased max (Zhang 2019)"}

def layer_args(settings, mode):
    """The sidebar's layer for ``mode``; anti-aliased max takes only its kernel and stride."""
    if mode == BLURMAX:
        return {"kernel_size": settings.kernel, "stride": settings.stride}
    return pool_options(settings, mode=mode)


@shared_cache
def shift_test(key, _planes, mode, _args):
    """The image pooled once by ``mode``, for every shift of it that follows (``key`` names image, layer, mode).

    Six entries: three modes, on the image and on the chart's centre. Each holds the pooled image in float64,
    1.5 MB for a 512 px photo at stride 2, 25 MB for the 1024 px centre of a big photo at stride 1.
    """
    return ShiftTest.of(_planes, mode, **_args)


@shared_cache
def mode_panel(key, _test, shift, value_range, span):
    """The row's figure of one mode at one shift (after and difference) and its numbers.

    The before panel does not move with the shift: it is a figure of its own (:func:`before_of`), so a shift
    sends the same bytes for it, which Streamlit does not send again.
    """
    rep = _test.compare(shift)
    fig = shift_row_figure(rep, value_range=value_range, span=span, max_side=IMAGE_SIDE, panels=("after", "difference"))
    return fig, rep.unchanged, rep.mean_abs_change, int(rep.compared.sum()) * rep.before.shape[0], rep.offset


def test_of(base, planes, mode, args, side):
    """:func:`shift_test` of ``planes`` (the image's centre of at most ``side`` pixels) and its key."""
    key = (base, "shift-test", mode, side)
    return key, shift_test(key, planes, mode, args)


def before_of(base, planes, mode, args):
    """The before panel of one mode's row: made once per image and layer. Draws nothing on the page."""
    key, test = test_of(base, planes, mode, args, WORK_SIDE)
    lo, hi = value_range(planes)
    return shared((key, "before", (lo, hi)), partial(
        before_figure, test.before.values, value_range=(lo, hi), max_side=IMAGE_SIDE))


def row_of(base, planes, mode, args, shift):
    """What one mode's row shows right of its before panel at ``shift``: :func:`mode_panel` of ``planes``. Draws
    nothing on the page, so it can run in a worker thread; ``base`` is the key of the image and layer."""
    lo, hi = value_range(planes)
    key, test = test_of(base, planes, mode, args, WORK_SIDE)
    return mode_panel((key, *shift), test, shift, (lo, hi), (hi - lo) / 4)


def sweep_of(base, planes, dy, stride, mode, args):
    """One mode's share unchanged and mean change for dx = 0 .. 2 * stride at this dy. Draws nothing."""
    limit = min(2 * stride, planes.shape[2] - 1)
    return _sweep((base, "shift-sweep", mode, dy, stride, CHART_SIDE),
                  test_of(base, planes, mode, args, CHART_SIDE)[1], [(dy, x) for x in range(limit + 1)])


def chart_of(base, swept, shift, stride, labels):
    """The chart of the modes' sweeps (``swept``: mode -> future of :func:`sweep_of` or its :class:`Refusal`): its
    figure (None when no mode could be swept), the modes' reports, and the refusals. Draws nothing on the page: its
    figure is made off the thread that draws."""
    dy, dx = shift
    done = {m: job.result() for m, job in swept.items()}
    reports = {m: r for m, r in done.items() if not isinstance(r, Refusal)}
    if not reports:
        return None, reports, done
    fig = shared((base, "shift-chart", tuple(swept), dy, dx, CHART_SIDE), partial(
        shift_chart, {labels[m]: r for m, r in reports.items()}, axis=1, stride=stride, current=dx,
        accent=labels[BLURMAX], title=f"dy = {dy}, dx from 0 to {2 * stride}"))
    return fig, reports, done


@shared_cache
def _sweep(key, _test, shifts):
    return _test.report(shifts)


def shift_ui(stride, hw, labels):
    left, right = st.columns(2)
    # A value kept from a larger stride or image is pulled back to fit its slider.
    shift = (remembered_slider("dy (down)", min(2 * stride, hw[0] - 1), key="shift_dy", place=left),
             remembered_slider("dx (right)", min(2 * stride, hw[1] - 1), key="shift_dx", default=1, place=right))
    modes = st.multiselect("Modes (up to three)", (*MODES, BLURMAX), default=("max", "avg", BLURMAX),
                           key="shift_modes", format_func=labels.get, max_selections=3)
    return shift, modes


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
work = centre_ui(lab.planes, WORK_SIDE)


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

    args = {m: layer_args(s, m) for m in modes}
    chart_modes = tuple(dict.fromkeys((*modes, BLURMAX)))
    chart_args = {m: args.get(m) or layer_args(s, m) for m in chart_modes}
    chart_in = centre_crop(work, CHART_SIDE)
    # Each mode's row and the chart's sweep are independent: they are worked out side by side, on both cores
    # where numpy and the image encoder let go of the interpreter, while this thread draws them in order.
    base = lab.cache_key("shift")  # names the image and the layer; each job's key adds what else it depends on
    work_on = page_workers("shift-lab")
    # Small jobs, so that both threads stay busy to the end: first each mode's before panel, which pools the
    # image once for the mode, then the rows, which find that pooling made (a row started first would wait
    # for it), then the chart's sweeps.
    befores = {m: work_on.submit(attempt, before_of, base, work, m, args[m]) for m in modes}
    jobs = {m: (befores[m], work_on.submit(attempt, row_of, base, work, m, args[m], (dy, dx))) for m in modes}
    swept = {m: work_on.submit(attempt, sweep_of, base, chart_in, dy, s.stride, m, chart_args[m])
             for m in chart_modes}
    chart = work_on.submit(chart_of, base, swept, (dy, dx), s.stride, labels)
    work_on.shutdown(wait=False)  # the jobs run on; their threads end with them
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
    chart_centre_note(chart_in, work.shape)
    dxs = next(iter(reports.values())).shifts[:, 1]
    verdict = shift_verdict(dxs, {labels[m]: r.unchanged for m, r in reports.items()}, s.stride,
                            dy, fresh=[labels["stochastic"]] if s.train else [])
    if verdict is None:
        st.write(nothing_to_compare(chart_in.shape[1:], dy))
        st.stop()
    st.write(verdict + (" With stride 1 every shift is a whole stride; the price: the image does not shrink."
                        if s.stride == 1 else ""))
    between = dxs % s.stride != 0
    if {"max", BLURMAX} <= reports.keys() and between.any():
        sentence = blur_against_max(reports[BLURMAX].mean_abs_change[between], reports["max"].mean_abs_change[between])
        if sentence:
            st.write(sentence)


shift_lab()
