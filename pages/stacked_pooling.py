"""Stacked pooling: rounds of pooling in turn, one deep cell traced back to the one pixel it copies."""

from functools import partial

import numpy as np
import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures import stack as stack_figures
from pooling.analysis import stacking
from pooling.analysis.noise import value_range as display_range
from poolinglab.intake import images
from poolinglab.words.stack import curve_words, describe_misfit, describe_source, describe_trend, path_table
from widgets.cache import shared, shared_cache
from widgets.context import working_copy
from widgets.controls import copy_note
from widgets.labels import MODE_LABELS
from widgets.sidebar import sidebar
from widgets.stack_input import PLANES, cell_ui, plane_ui, rounds_ui, take_click
from widgets.text import plain
from widgets.workers import page_workers

CHART = "stk_pyramid"
# A bigger photo is stacked as a copy this size: the pyramid shows each layer at most 480 px a side, and pooling,
# tracing and measuring 12 MP made every step of a full-size photo take 1.5 s.
STACK_SIDE = 1024
DEFAULT_STRIDES = [2, 3]


@shared_cache
def _traced_plane(key, _planes, plane):
    """The plane to trace: the image's one plane, or ``plane`` of a photo's three, as the sidebar's Colour makes it."""
    return _planes[0] if _planes.shape[0] == 1 else images.to_planes(np.moveaxis(_planes, 0, -1), plane)[0]


@shared_cache
def _stack(key, _plane, layers):
    stack = stacking.stack_pool(_plane, [dict(layer) for layer in layers])
    return stack, stacking.localisation_by_depth(stack), stacking.localisation_error(stack)


@shared_cache
def _pyramid(key, _stack, value_range, plane_key):
    layers = [_stack.layers[0].input[0]] + [r.values for r in _stack.layers]
    # The input's picture depends on the plane alone: kept from one pyramid to the next, not encoded each time.
    side = stack_figures.panel_sides([v.shape for v in layers])[0]
    first = shared((plane_key, "pyramid input", side, value_range),
                           partial(stack_figures.layer_image, layers[0], value_range, side, 0))
    return stack_figures.pyramid_figure(layers, value_range=value_range, images={0: first})


@shared_cache
def _field_backdrop(key, _plane, value_range):
    """The traced plane, grey as in the pyramid: the receptive field is drawn on the pixels the stack pooled."""
    return stack_figures.original_figure(_plane, value_range=value_range)


@shared_cache
def _curves(key, _plane, strides, mode):
    return stacking.localisation_by_stride(_plane, strides, mode=mode)


@st.fragment
def trace_section(key, plane_key, stack, errors, plane, plane_name, value_range):
    """Pick a deep cell and follow it back to its pixel: a fragment, so a click reruns this part alone."""
    row, col = cell_ui(stack.values.shape)
    path = stacking.trace_to_source(stack, row, col)
    field = stack.receptive_field(row, col)
    fig = shared((key, "marked pyramid", row, col),
                         partial(stack_figures.mark_path, _pyramid(key, stack, value_range, plane_key), path, field))
    st.plotly_chart(fig, key=CHART, on_select=partial(take_click, CHART), selection_mode="points",
                    alt="The input and each pooled layer side by side, each smaller; the traced cell ringed on each")
    step = fig.layout.meta["click_step"]
    st.caption("Grey images, black to white: the traced plane and each round's output. Orange squares ring the "
               "traced cell on every layer; the dashed rectangle on the input is its receptive field. Click a cell "
               "of the last layer to trace it" + (f" (on this big layer a click picks every {step}th cell; type the "
                                                   "row and column for any other)." if step > 1 else "."))

    st.subheader("Back to the one pixel")
    for line in describe_source(path, field, errors[row, col], plane=PLANES.get(plane_name, plane_name)):
        st.text(line)
    source = path[0]
    left, right = st.columns(2)
    with left:
        shown = _field_backdrop((plane_key, "field backdrop", value_range), plane, value_range)
        shown = shared((key, "marked original", row, col),
                               partial(stack_figures.mark_field, shown, field, (source.row, source.col)))
        st.plotly_chart(shown, key="stk_field",
                        alt="The traced plane, the receptive field outlined, the pixel ringed")
    with right:
        crop = shared((plane_key, "source crop", source.row, source.col),
                              partial(stack_figures.source_crop_figure, plane, source.row, source.col))
        st.plotly_chart(crop, key="stk_pixel", alt="The cells around the source pixel with their values")
    st.dataframe(path_table(path), key="stk_path", hide_index=True)
    st.caption("Left: the traced plane, grey as in the pyramid, with the receptive field outlined and the source pixel "
               "ringed. Right: the cells around that pixel. Below: the argmax path, deepest first; each round copied the cell in the next row.")


@st.fragment
def localisation_section(key, plane, plane_name, mode, loc):
    """The localisation chart and its verdict: a fragment, so choosing strides reruns this part alone."""
    st.subheader("Does stacking lose the position?")
    st.write("Localisation error, as measured here: the distance, in input pixels, from the pixel a deep cell "
             "copies to the centre of that cell's receptive field, which is where you would guess the feature is "
             "if you knew only the deep cell's position. The chart shows its mean over the deep cells whose pixel "
             "the image decides: a deep cell whose value occurs more than once in its receptive field (a flat "
             "patch, say) copies the first of them by the tie rule, and is left out and counted apart.")
    strides = st.multiselect("Strides to compare (kernel = stride, as many rounds as fit, up to 5)", [2, 3, 4, 5, 6, 8],
                             default=DEFAULT_STRIDES, key="stk_strides")
    curves = _curves((plane_key, "curves"), plane, tuple(sorted(strides)), mode)
    chart = shared((key, "localisation", tuple(sorted(strides))),
                           partial(stack_figures.localisation_figure, curves, yours=loc))
    st.plotly_chart(chart, key="stk_localisation",
                    alt="Mean localisation error against rounds of pooling, one line per stride, and your stack")
    st.caption("One line per stride; the dashed orange line is the pyramid above. Hover for the largest error, "
               "the grid step (input pixels between neighbouring deep cells) and the receptive field's size.")
    for s, c in sorted(curves.items()):
        st.text(curve_words(f"Stride {s}", c))
    st.write(describe_trend(*stacking.localisation_trend(curves)))
    st.write("Hover a point to compare its error with the grid step, the product of the strides. The argmax itself "
             "loses nothing: the path above still names the exact winning pixel, which is what max unpooling uses to "
             "put values back in place. What is lost is every other pixel, and the position of anything that did not "
             "win.")


chosen = sidebar()
lab = working_copy(chosen, STACK_SIDE)
st.title("Stacked pooling")
st.write("The claim: more rounds of pooling, and larger strides, lose where things are in the image. "
         "Stack up to five rounds on your image, trace any deep cell back to the pixel it copies, "
         "and measure how far that pixel lies from where the deep cell's position says it is.")
st.caption("This page sets its own kernel and stride for each round (no padding); from the sidebar it takes "
           "the image and the mode. The sidebar's kernel, stride, padding, dilation and ceil mode are not used here.")

copy_note(chosen, lab, "This page stacks", f"the pyramid shows each layer at most {stack_figures.PANEL_SIDE} pixels a "
          "side, and tracing every pixel would keep you waiting: a traced pixel is a pixel of the copy")
mode = lab.settings.mode if lab.settings.mode in ("max", "min") else "max"
if mode != lab.settings.mode:
    st.info(f"The sidebar's mode ({MODE_LABELS[lab.settings.mode]}) does not keep the largest or the "
            "smallest cell of each window, and tracing follows one chosen cell: this page traces max pooling instead.")
plane_name = plane_ui(lab)
plane_key = images.sha256_key(lab.key.encode(), "traced plane", plane_name)  # the image and the plane, no layer
plane = _traced_plane(plane_key, lab.planes, plane_name)
value_range = display_range(plane)
# The localisation curves depend on the plane, the mode and the strides compared, not on the rounds: they are worked
# out on the other core while this thread pools and draws the pyramid (at 12 MP each takes about half a second).
# The section below finds them made, or waits for the same build.
ahead = page_workers("stacked-pooling", workers=1)
ahead.submit(_curves, (plane_key, "curves"), plane, tuple(sorted(st.session_state.get("stk_strides", DEFAULT_STRIDES))),
             mode)
ahead.shutdown(wait=False)  # the job runs on; its thread ends with it

st.subheader("The pyramid")
sizes = rounds_ui()
layers = tuple((("mode", mode), ("kernel_size", k), ("stride", s)) for k, s in sizes)
if (misfit := describe_misfit(sizes, plane.shape)) is not None:
    st.error(plain(misfit))
    st.stop()
key = lab.cache_key(plane_name, layers)
stack, loc, errors = _stack(key, plane, layers)

trace_section(key, plane_key, stack, errors, plane, plane_name, value_range)
localisation_section(key, plane, plane_name, mode, loc)
