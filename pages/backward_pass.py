"""Backward pass: where each pooling mode sends the gradient on its way back to the input."""

from dataclasses import replace
from functools import partial

import numpy as np
import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures.backward import fan_in_figure, routing_figure, upstream_figure
from pooling import pool2d, pool_backward
from pooling.backward import gradient_sources, upstream_gradient
from poolinglab.intake import images
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import output_hw, pool_options
from poolinglab.words.backward import overlap_words, route_words, sums_note
from widgets.cache import shared, shared_cache
from widgets.controls import require_layer, reseed_button
from widgets.labels import MODE_LABELS
from widgets.sidebar import sidebar
from widgets.sweep_input import crop_preview_ui, sweep_input_ui
from widgets.text import plain

GRADIENT_LABELS = {"ones": "Ones", "random": "Random", "typed": "Typed"}
_GRAD_SEED = "_bwd_grad_seed"


def compared_layers(settings):
    """(title, settings) of the modes shown: max, average, stochastic in training, and the sidebar's own."""
    layers = [("max", replace(settings, mode="max")), ("average", replace(settings, mode="avg")),
              ("stochastic (training)", replace(settings, mode="stochastic", train=True))]
    if settings.mode not in ("max", "avg") and not (settings.mode == "stochastic" and settings.train):
        layers.append((f"sidebar: {MODE_LABELS[settings.mode].lower()}", settings))
    return layers


def _fit_text(shape):
    st.session_state["bwd_grad_text"] = images.grid_to_text(np.arange(1, shape[0] * shape[1] + 1).reshape(shape))


def _overlap_windows():
    # The sidebar's own widgets read these keys on the rerun; a kernel of 1 cannot overlap at any stride.
    st.session_state["stride"] = 1
    for key in ("kernel_h", "kernel_w"):
        st.session_state[key] = max(2, int(st.session_state.get(key, 2)))


def gradient_ui(out_shape):
    """Draw the upstream-gradient controls; return the ``out_shape`` gradient, or None with the reason shown."""
    kind = st.radio("Upstream gradient (one number per output cell)", list(GRADIENT_LABELS), key="bwd_grad_source",
                    format_func=GRADIENT_LABELS.get, horizontal=True)
    if kind == "random":
        reseed_button("New gradient", key="bwd_grad_reroll", seed_key=_GRAD_SEED)
        return upstream_gradient(out_shape, "random", rng=st.session_state.get(_GRAD_SEED, 0))
    if kind == "ones":
        return upstream_gradient(out_shape)
    if "bwd_grad_text" not in st.session_state:
        _fit_text(out_shape)
    text = st.text_area("Gradient, one row per line", key="bwd_grad_text", height=120)
    try:
        grad = images.grid_from_text(text)
    except images.ImageError as err:
        st.error(plain(err))
        return None
    if grad.shape != tuple(out_shape):
        st.error(plain(f"The typed gradient is {grad.shape[0]} × {grad.shape[1]} but the output is "
                               f"{out_shape[0]} × {out_shape[1]} (rows × columns): type one number per output cell."))
        st.button("Refill with the output's shape", key="bwd_grad_fit", on_click=_fit_text, args=(out_shape,))
        return None
    return grad



def backward_route(grid, grad, layer):
    """One mode's input gradient and gradient sources (the core's)."""
    result = pool2d(grid, layer.mode, **pool_options(layer))
    return {"grad": pool_backward(result, grad), "sources": gradient_sources(result), "selecting": result.selecting}


@shared_cache
def backward_routes(key, _grid, _grad, _layers):
    """Per compared mode's title: :func:`backward_route`, or the core's :class:`Refusal`."""
    return {title: attempt(backward_route, _grid, _grad, layer) for title, layer in _layers}


lab = sidebar()

st.title("Backward pass")
st.write(
    "The claim: in training, a pooling layer hands each output's gradient back only to the input cells that "
    "made that output. It holds, and each mode does it its own way. Max pooling sends all of it to one cell per "
    "window, the one it recorded on the way forward (the \"switch\"), and exactly 0 to the others, even to a cell "
    "that was only a little smaller. Average pooling splits it evenly over the window. Stochastic pooling, in "
    "training, sends all of it to the cell it sampled. Max pooling does have a gradient: only on a tie must a "
    "rule choose, and PyTorch (and this lab) gives it to the first cell of the window."
)

st.subheader("On a small grid")
spec, grid = sweep_input_ui(lab.planes, lab.key)
crop_preview_ui(lab, spec, grid.shape, key="bwd_crop_preview",
                alt="The sidebar's image, shrunk, with the crop's rectangle on it",
                caption="The same view on your image: the grid is a crop of the sidebar's image (pick its corner "
                        "above).")
grid = np.asarray(grid, dtype=np.float64)
require_layer(lab, grid.shape, what="this grid")
out_shape = output_hw(lab.settings, grid.shape)
grad = gradient_ui(out_shape)
if grad is None:
    st.stop()

layers = compared_layers(lab.settings)
key = images.sha256_key(grid.tobytes(), grid.shape, grad.tobytes(), grad.shape, *(s for _, s in layers))
routes = backward_routes(key, grid, grad, layers)
for title, refused in ((t, r) for t, r in routes.items() if isinstance(r, Refusal)):
    st.warning(plain(f"{title}: {refused}"))
routes = [{"title": t, **r} for t, r in routes.items() if not isinstance(r, Refusal)]

st.plotly_chart(shared((key, "upstream"), partial(
                    upstream_figure, grid, grad, titles=(f"input {grid.shape[0]}×{grid.shape[1]}",
                                                         f"upstream gradient {out_shape[0]}×{out_shape[1]}"))),
                key="bwd_upstream", alt="The input grid beside the upstream gradient, one number per output cell")
st.caption("Left, the grid the layer pools; right, the gradient that reaches each of its outputs from above.")
st.plotly_chart(shared((key, "routing"), partial(
                    routing_figure, grid, [r["grad"] for r in routes], titles=[r["title"] for r in routes],
                    chosen=[r["sources"] > 0 if r["selecting"] else None for r in routes])),
                key="bwd_routing", alt="The gradient each input cell receives under each pooling mode")
st.caption("The gradient each input cell receives, per mode (blue below 0, red above). Outlined: the cells "
           "that max and stochastic pooling route to; every other cell of theirs gets exactly 0.")
for r in routes:
    st.text(route_words(r["title"], r["grad"], grad.sum()))
st.caption(sums_note({r["title"]: r["grad"].sum() for r in routes}, dict(layers), grad.sum()))

st.subheader("Why it matters: overlapping windows add gradients up")
st.plotly_chart(shared((key, "fan in"), partial(
                    fan_in_figure, [r["sources"] for r in routes], titles=[r["title"] for r in routes])),
                key="bwd_fan_in", alt="How many outputs send gradient to each input cell, per mode")
st.caption("How many outputs send gradient to each input cell; outlined: cells that hear from two or more.")
sentence, counts = overlap_words({r["title"]: int(np.count_nonzero(r["sources"] >= 2)) for r in routes})
st.write(sentence)
if counts is None:
    st.button("Overlap the windows (stride 1)", key="bwd_overlap", on_click=_overlap_windows)
else:
    st.text(counts)
