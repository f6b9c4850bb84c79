"""Max vs Average: one image pooled several ways at once, their difference, colour fringes, a zoom, and the cost."""

from dataclasses import replace
from functools import partial

import streamlit as st

import pooling
import widgets
from pooling import compare
from pooling.figures import image_figure
from pooling.figures.compare import DISPLAY_SIDE, channel_figure, fringe_figure, zoom_figure
from pooling.figures.maps import map_figure
from pooling.figures.palette import DIFF_SCALE
from pooling.settings import MODES, pool_options

FOCUS = "_mva_focus"  # the zoom's output cell last clicked
ZOOM_CHART = "mva_zoom_chart"


@st.cache_data(**widgets.CACHE)
def pool_modes(key, _planes, _settings, modes):
    """Each mode's pooled values and cost, or the core's reason it cannot pool this input."""
    pooled = {}
    for mode in modes:
        try:
            result = pooling.pool2d(_planes, mode, **pool_options(replace(_settings, mode=mode)))
        except ValueError as err:
            pooled[mode] = str(err)
        else:
            pooled[mode] = (result.values, compare.pool_cost(result))
    return pooled


@st.cache_data(**widgets.CACHE)
def difference(key, _a, _b):
    return compare.mode_difference(_a, _b)


@st.cache_data(**widgets.CACHE)
def fringe_mask(key, _max_result):
    return compare.channel_disagreement(_max_result.indices)


@st.cache_data(**widgets.CACHE)
def figure(key, _build):
    """``_build()``, cached on ``key``: the photo-sized figures stay put while the zoom moves."""
    return _build()


def label(mode):
    words = compare.describe_options(mode, pool_options(replace(lab.settings, mode=mode)))
    return widgets.MODE_LABELS[mode] + (f" ({words})" if words else "")


def remember_click():
    cell = widgets.clicked_cell(st.session_state.get(ZOOM_CHART))
    if cell is not None:
        st.session_state[FOCUS] = cell


def zoom_ui(out_hw, limit, n_planes):
    """Region controls; pulls remembered values back inside this output. Returns top, left, rows, cols, plane."""
    cols = st.columns(5)
    sizes = []
    for place, key, name, most in ((cols[0], "mva_zoom_rows", "Rows of cells", limit[0]),
                                   (cols[1], "mva_zoom_cols", "Columns of cells", limit[1])):
        st.session_state[key] = min(int(st.session_state.get(key, 8)), most)
        sizes.append(place.number_input(name, 1, most, step=1, key=key, disabled=most == 1))
    corner = []
    for place, key, name, room in ((cols[2], "mva_zoom_top", "Top output row", out_hw[0] - sizes[0]),
                                   (cols[3], "mva_zoom_left", "Left output column", out_hw[1] - sizes[1])):
        st.session_state[key] = max(0, min(int(st.session_state.get(key, room // 2)), room))  # start mid-image
        corner.append(place.slider(name, 0, room, key=key) if room > 0 else 0)
    st.session_state["mva_zoom_plane"] = min(int(st.session_state.get("mva_zoom_plane", 0)), n_planes - 1)
    plane = cols[4].selectbox("Plane", range(n_planes), key="mva_zoom_plane",
                              format_func=("red", "green", "blue").__getitem__) if n_planes > 1 else 0
    return *corner, *sizes, plane


lab = widgets.sidebar()
planes, hw = lab.planes, lab.planes.shape[1:]

st.title("Max vs Average")
st.write("The claim: max pooling keeps an image's strongest details while average pooling blurs them, and a "
         "2 × 2 pooling keeps a quarter of the values. Test it on your image with the sidebar's layer.")
st.write("What holds: max is never below the average of the same window, so it keeps bright thin details; but "
         "dark details on a bright ground vanish under max (min keeps them). On a colour photo max picks red, "
         "green and blue separately and can make colours no pixel had. How much is kept depends on kernel, "
         "stride, padding and ceil mode, and the bytes depend on the dtypes.")

modes = st.multiselect("Modes to compare (up to four)", MODES, default=["max", "avg"], max_selections=4,
                       key="mva_modes", format_func=widgets.MODE_LABELS.get)
if not widgets.check_layer(lab, hw):
    st.warning("This layer cannot pool this input: the sidebar says why. Change a setting there.")
    st.stop()
if not modes:
    st.info("Choose at least one mode above.")
    st.stop()

pooled = pool_modes(lab.cache_key("mva", tuple(modes)), planes, lab.settings, tuple(modes))
shown = {m: p for m, p in pooled.items() if not isinstance(p, str)}
lo, hi = compare.shared_value_range(planes, [values for values, _ in shown.values()])

st.subheader("Side by side")
for place, mode in zip(st.columns(len(modes)), modes):
    if isinstance(pooled[mode], str):
        place.warning(widgets.plain(f"{label(mode)} cannot pool this image: {pooled[mode]}"))
        continue
    values, cost = pooled[mode]
    fig = figure(lab.cache_key("mva_image", mode, lo, hi),
                 partial(image_figure, values, title=label(mode), value_range=(lo, hi), max_side=DISPLAY_SIDE))
    place.plotly_chart(fig, key=f"mva_image_{mode}", width="stretch")
    place.text(f"{cost.output_shape[1]} × {cost.output_shape[2]} output")
st.caption(f"Every image uses one scale: black is {lo:g} and white is {hi:g}. Options such as p, alpha or the "
           "seed come from the sidebar: choose that mode there to change them.")

if len(shown) >= 2:
    st.subheader("Difference")
    names = list(shown)
    pick_a, pick_b = st.columns(2)
    a = pick_a.selectbox("First mode", names, index=0, key="mva_diff_a", format_func=label)
    b = pick_b.selectbox("minus", names, index=1, key="mva_diff_b", format_func=label)
    if a == b:
        st.info("Pick two different modes.")
    else:
        diff, mean_abs = difference(lab.cache_key("mva_diff", a, b), shown[a][0], shown[b][0])
        colours = " (mean of the three colour planes)" if planes.shape[0] == 3 else ""
        fig = figure(lab.cache_key("mva_diff_map", a, b), partial(
            map_figure, diff, title=f"{label(a)} − {label(b)}{colours}", colorscale=DIFF_SCALE, zmid=0,
            colorbar_title="difference"))
        st.plotly_chart(fig, key="mva_diff_chart", width="stretch")
        st.text(f"Mean |{label(a)} − {label(b)}| = {mean_abs:.4g} per value; lowest {diff.min():.4g}, "
                f"highest {diff.max():.4g}. Red: the first is higher; blue: lower; white: equal.")

geometry = pool_options(replace(lab.settings, mode="max"))
max_result = pooling.pool2d(planes, "max", **geometry)
out_hw = max_result.grid.shape

st.subheader("Colour channels")
if planes.shape[0] == 3:
    mask = fringe_mask(lab.cache_key("mva_fringes"), max_result)
    fig = figure(lab.cache_key("mva_channels", lo, hi), partial(channel_figure, max_result.values, value_range=(lo, hi)))
    st.plotly_chart(fig, key="mva_channels", width="stretch")
    st.caption("Each channel of the max pooling, in grey on the shared scale.")
    st.text(f"In {mask.mean():.1%} of the output cells ({int(mask.sum()):,} of {mask.size:,}) the red, green and "
            "blue maxima come from different pixels: such a cell mixes colours of several pixels, the source of "
            "colour fringes in max-pooled photos.")
    fig = figure(lab.cache_key("mva_fringes", lo, hi), partial(
        fringe_figure, max_result.values, mask, value_range=(lo, hi), title="Cells whose channels came from different pixels"))
    st.plotly_chart(fig, key="mva_fringes", width="stretch")
    st.caption("Orange: such cells; grey: the rest of the max-pooled photo, faded.")
else:
    st.info('The image has one plane. Set the sidebar\'s Colour to "RGB (3 planes)" to compare the channels.')

st.subheader("Zoom into the max pooling")
top, left, rows, cols, plane = zoom_ui(out_hw, compare.zoom_limit(max_result.grid), planes.shape[0])
zoom = compare.zoom_region(max_result, top=top, left=left, height=rows, width=cols, channel=plane)
focus = st.session_state.get(FOCUS)
st.plotly_chart(zoom_figure(zoom, focus=focus), key=ZOOM_CHART, on_select=remember_click,
                selection_mode="points", width="stretch")
st.caption("Left: max-pooled cells; right: the input pixels under their windows, each source pixel outlined in "
           "orange; colours span this crop's own range. Hover a cell to read its source pixel; click it to outline its "
           "window in white.")
if focus is not None and top <= focus[0] < top + rows and left <= focus[1] < left + cols:
    i, j = focus[0] - top, focus[1] - left
    st.text(f"Output ({focus[0]}, {focus[1]}) = {pooling.format_value(zoom.values[i, j])} is the max of its "
            f"window: it copies input ({zoom.source_rows[i, j]}, {zoom.source_cols[i, j]}).")

st.subheader("Size and cost")
st.text(f"Input: {hw[0]} × {hw[1]} × {planes.shape[0]} = {planes.size:,} values of {planes.dtype}: "
        f"{compare.format_bytes(planes.nbytes)}")
st.table(compare.cost_table({label(mode): cost for mode, (_, cost) in shown.items()}))
st.caption("Max and min keep the input's dtype; average, Lp and mixed pooling of uint8 give float32, 4 bytes a "
           "value, so with a 2 × 2 window an average-pooled photo takes as many bytes as the photo. PyTorch's "
           "return_indices=True adds an int64 (8 bytes) per output value; this app keeps a small tap number "
           "instead (1 byte for windows of up to 255 cells) and builds those indices on demand.")
widgets.layer_summary(lab, hw)
