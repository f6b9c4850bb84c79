"""Max vs Average: one image pooled several ways at once, their difference, colour fringes, a zoom, and the cost."""

from functools import partial

import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures.compare import DISPLAY_SIDE
from pooling.analysis import compare
from poolinglab.refusal import Refusal
from poolinglab.settings import MODES
from poolinglab.words.compare import cost_table, focus_words, fringe_words, input_words
from widgets.cache import shared
from widgets.clicks import remember_click
from widgets.compare_parts import compare_parts, difference_part, max_pooling, mode_label, pool_modes
from widgets.context import working_copy
from widgets.controls import copy_note, require_choice, require_layer
from widgets.labels import MODE_LABELS
from widgets.layer_input import layer_summary
from widgets.pictures import show_figure
from widgets.sidebar import sidebar
from widgets.text import plain
from widgets.workers import make_ahead
from widgets.zoom_input import zoom_part, zoom_start, zoom_ui

FOCUS = "_mva_focus"  # the zoom's output cell last clicked
ZOOM_CHART = "mva_zoom_chart"
DIFF_KEYS = ("mva_diff_a", "mva_diff_b")
# A bigger photo is compared as a copy this size: its pooled images are shown at most 480 px a side anyway, and
# comparing four poolings, their channels and fringes over 12 MP made every step of a full-size photo take 3 s.
COMPARE_SIDE = 1024
ZOOM = "mva_zoom"  # the zoom's widget keys: mva_zoom_rows, mva_zoom_cols, mva_zoom_top, mva_zoom_left, mva_zoom_plane


@st.fragment
def difference_section(shown):
    """Two of the shown modes and their difference; a fragment, so picking others reruns this part alone."""
    st.subheader("Difference")
    names = list(shown)
    pick_a, pick_b = st.columns(2)
    a = pick_a.selectbox("First mode", names, index=0, key="mva_diff_a", format_func=label)
    b = pick_b.selectbox("minus", names, index=1, key="mva_diff_b", format_func=label)
    if a == b:
        st.info("Pick two different modes.")
    else:
        fig, words = shared(*difference_part(lab.cache_key, lab.settings, shown, a, b))
        st.plotly_chart(fig, key="mva_diff_chart", width="stretch")
        st.text(words)


@st.fragment
def zoom_section(max_result, n_planes):
    """The zoom and its controls; a fragment, so moving it reruns this part alone."""
    st.subheader("Zoom into the max pooling")
    top, left, rows, cols, plane = zoom_ui(max_result.grid.shape, compare.zoom_limit(max_result.grid), n_planes,
                                           prefix=ZOOM)
    part, zoom = zoom_part(lab.cache_key, max_result, top, left, rows, cols, plane, prefix=ZOOM, focus_key=FOCUS)
    st.plotly_chart(shared(*part), key=ZOOM_CHART, on_select=partial(remember_click, ZOOM_CHART, FOCUS),
                    selection_mode="points", width="stretch")
    st.caption("Left: max-pooled cells; right: the input pixels under their windows, each source pixel outlined in "
               "orange; colours span this crop's own range. Hover a cell to read its source pixel; click it to outline "
               "its window in white.")
    if (words := focus_words(zoom, st.session_state.get(FOCUS))) is not None:
        st.text(words)


chosen = sidebar()
lab = working_copy(chosen, COMPARE_SIDE)
planes, hw = lab.planes, lab.planes.shape[1:]
label = partial(mode_label, settings=lab.settings)

st.title("Max vs Average")
st.write("The claim: max pooling keeps an image's strongest details while average pooling blurs them, and a "
         "2 × 2 pooling keeps a quarter of the values. Test it on your image with the sidebar's layer.")
st.write("What holds: for the real cells of a window the largest is never below their mean, so max keeps bright "
         "thin details (zero padding counted in the average, or a divisor override, can change that; with max and "
         "average both chosen, the page counts it under the images). But dark details on a bright ground vanish "
         "under max (min keeps them). On a colour photo max picks red, green and blue separately and can make "
         "colours no pixel had. How much is kept depends on kernel, stride, padding, dilation and ceil mode, and "
         "the bytes depend on the dtypes.")

copy_note(chosen, lab, "This page compares", f"its images are shown at most {DISPLAY_SIDE} pixels a side, and "
          "comparing every pixel four ways would keep you waiting")
modes = st.multiselect("Modes to compare (up to four)", MODES, default=["max", "avg"], max_selections=4,
                       key="mva_modes", format_func=MODE_LABELS.get)
require_layer(lab, hw, what="this input")
require_choice(modes)

max_result = max_pooling(lab.cache_key("mva_max"), planes, lab.settings)
pooled = pool_modes(lab.cache_key("mva", tuple(modes)), planes, lab.settings, tuple(modes), max_result)
shown = {m: p for m, p in pooled.items() if not isinstance(p, Refusal)}
lo, hi = compare.shared_value_range(planes, [values for values, _ in shown.values()])

# What the page draws, each as (key, build) for shared. The figures are made ahead, in page order, by
# page_workers threads (the image encoders let go of the interpreter), while this thread draws them as
# they come; a figure already made is taken from the cache, one being made is waited for, never made twice.
names = list(shown)
pair = tuple(st.session_state.get(k, names[n]) for n, k in enumerate(DIFF_KEYS)) if len(names) >= 2 else None
start = zoom_start(max_result.grid.shape, compare.zoom_limit(max_result.grid), planes.shape[0], prefix=ZOOM)
parts, new_part = compare_parts(lab.cache_key, lab.settings, planes, shown, max_result, (lo, hi), pair=pair,
                                zoom=start, prefix=ZOOM, focus_key=FOCUS)
ahead = make_ahead("max-vs-average", parts)

st.subheader("Side by side")
for place, mode in zip(st.columns(len(modes)), modes):
    if isinstance(pooled[mode], Refusal):
        place.warning(plain(f"{label(mode)} cannot pool this image: {pooled[mode]}"))
        continue
    show_figure(place, ahead(f"image {mode}"), f"mva_image_{mode}", alt=f"The image pooled by {label(mode)}",
                title=label(mode))
    place.text(f"{pooled[mode][1].output_shape[1]} × {pooled[mode][1].output_shape[2]} output")
if "max against avg" in parts:
    st.text(ahead("max against avg"))
st.caption(f"Every image uses one scale: black is {lo:g} and white is {hi:g}. Options such as p, alpha or the "
           "seed come from the sidebar: choose that mode there to change them.")

if len(shown) >= 2:
    difference_section(shown)

st.subheader("Colour channels")
if planes.shape[0] == 3:
    st.plotly_chart(ahead("channels"), key="mva_channels", width="stretch")
    st.caption("Each channel of the max pooling, in grey on the shared scale.")
    st.text(fringe_words(shared(*new_part), ahead("mixed")))
    show_figure(st, ahead("fringes"), "mva_fringes", alt="The max-pooled photo in faded grey, each cell whose colour "
                "no pixel of its window has in orange", title="Cells whose colour no pixel of the window has")
    st.caption("Orange: such cells; grey: the rest of the max-pooled photo, faded.")
else:
    st.info('The image has one plane. Set the sidebar\'s Colour to "RGB (3 planes)" to compare the channels.')

zoom_section(max_result, planes.shape[0])

st.subheader("Size and cost")
st.text(input_words(planes))
st.table(cost_table({label(mode): cost for mode, (_, cost) in shown.items()}))
st.caption("Max and min keep the input's dtype; average, Lp and mixed pooling of uint8 give float32, 4 bytes a "
           "value, so with a 2 × 2 window at stride 2 an average-pooled photo takes as many bytes as the photo. "
           "PyTorch's return_indices=True adds an int64 (8 bytes) per output value; this app keeps a small tap number "
           "instead (1 byte for windows of up to 255 cells) and builds those indices on demand.")
layer_summary(lab, hw)
