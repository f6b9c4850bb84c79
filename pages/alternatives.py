"""Alternatives gallery: every pooling mode on the same image, each with its sentence and formula."""

from functools import partial

import numpy as np
import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures.gallery import fractional_view, global_figure, lp_continuum_figure, lp_scale, p_label, pooled_view
from pooling import global_pool2d
from pooling.analysis.crops import centre_crop
from pooling.analysis.lp import LP_STEPS, lp_ratios
from pooling.analysis.noise import value_range
from poolinglab.formulas import formula
from poolinglab.settings import pool_options
from poolinglab.words.gallery import global_words, lp_scale_words
from widgets.cache import shared, shared_cache
from widgets.context import working_copy
from widgets.controls import copy_note, require_layer
from widgets.gallery_input import VIEWS, card, fractional_ui, seed_ui
from widgets.layer_input import layer_summary
from widgets.sidebar import sidebar

SIDE = 256  # pooled images are sent at most this many pixels on a side: twelve figures stay under 2 MB
# A bigger photo is pooled as a copy this size, the default working size: a card pooled at stride 2 or more is then
# at most SIDE pixels, sent cell for cell rather than averaged to fit, and a full-size photo opens about as fast as a
# 512 px one (a 1024 px copy took 2.7 s in Chromium).
GALLERY_SIDE = 512


def options(settings, mode, **extra):
    """pool2d's options for ``mode`` with the sidebar's layer, plus ``extra``."""
    return {**pool_options(settings, mode=mode), **extra}


@shared_cache
def _pooled(key, mode, layer, scale, _planes):
    return pooled_view(_planes, mode, layer, value_range=scale, max_side=SIDE)


@shared_cache
def _fractional(key, kernel, ratio, seed, view, scale, _planes):
    return fractional_view(_planes, kernel, ratio, seed, view, value_range=scale, max_side=SIDE)


@shared_cache
def _global(key, _planes):
    return global_pool2d(_planes, "max").values.ravel(), global_pool2d(_planes, "avg").values.ravel()


CONTINUUM_SIDE = 256  # windows are local: a centre crop tells the same, at a quarter of the cost


@shared_cache
def _continuum(key, layer, _planes):
    return lp_ratios(centre_crop(_planes, CONTINUUM_SIDE), LP_STEPS, **layer)


# Each section with a control of its own is a fragment: moving p, a seed or the ratio reruns that section
# alone, not the sidebar and the other cards.
@st.fragment
def lp_section():
    st.header("Lp: from the sum to the max")
    p = st.select_slider("p", LP_STEPS, value=2.0, key="alt_p", format_func=p_label)
    scale_p = lp_scale(top_abs, n_taps, p)
    left, right = st.columns(2)
    card(left, "lp", _pooled, lab.cache_key("lp", p), "lp", options(s, "lp", p=p), scale_p, planes,
         note=lp_scale_words(scale_p[1], top_abs, n_taps))
    ratios = _continuum(lab.cache_key("continuum"), options(s, "max"), planes)
    continuum = shared(lab.cache_key("continuum-figure", p), partial(lp_continuum_figure, ratios, current_p=p))
    right.plotly_chart(continuum, key="alt_continuum", width="stretch")
    windows = f"{ratios.windows:,} window{'' if ratios.windows == 1 else 's'}"
    right.caption(f"Lp at each p as a share of the window's sum (1 at p = 1) and of its max (1 at p = ∞), averaged "
                  f"over {windows} (of the centre {CONTINUUM_SIDE} × {CONTINUUM_SIDE} at most). "
                  "p = 2 is not a mean or a normalisation: nothing is divided by a norm, it only sits between the sum "
                  "and the max.")


@st.fragment
def stochastic_section():
    st.header("Stochastic: training and test")
    seed = seed_ui()
    for place, train, name in zip(st.columns(2), (True, False), ("stochastic-train", "stochastic-test")):
        card(place, name, _pooled, lab.cache_key(name, seed), "stochastic",
             options(s, "stochastic", train=train, rng=seed if train else None), scale, planes)


@st.fragment
def fractional_section():
    st.header("Fractional max")
    ratio, frac_seed, view = fractional_ui()
    args = (lab.cache_key("fractional", ratio, frac_seed, view), kernel, ratio, frac_seed, view, scale, planes)
    left, right = st.columns(2)
    for grid_fig in card(left, "fractional", _fractional, *args,
                         note=f"Kernel {kernel[0]} × {kernel[1]} from the sidebar; stride, padding, dilation and ceil "
                              "mode do not apply."):
        right.plotly_chart(grid_fig, key="alt_frac_grid", width="stretch")
        right.caption(f"The centre of the input ({VIEWS[view]}) with a white line at the start of every window. The "
                      f"gaps are a pseudo-random mix of sizes and each window is {kernel[0]} × {kernel[1]}: windows "
                      "overlap wherever a gap is smaller than the kernel, and where a gap is larger, the pixels in "
                      "between are skipped (no window reads them). The same windows pool every plane here.")


@st.fragment
def mixed_section():
    st.header("Mixed and anti-aliased max")
    mixed_col, aa_col = st.columns(2)
    alpha = mixed_col.slider("alpha: weight of the max", 0.0, 1.0, 0.5, step=0.05, key="alt_alpha")
    card(mixed_col, "mixed", _pooled, lab.cache_key("mixed", alpha), "mixed", options(s, "mixed", alpha=alpha), scale,
         planes, note=f"alpha = {alpha:g}: 1 is max pooling, 0 is average pooling.")
    card(aa_col, "blurmax", _pooled, lab.cache_key("blurmax"), "blurmax", options(s, "max"), scale, planes,
         note="Kernel and stride from the sidebar; padding, dilation and ceil mode do not apply. The max runs with "
              "stride 1 before the blur and the subsampling.")


chosen = sidebar()
lab = working_copy(chosen, GALLERY_SIDE)
s = lab.settings
st.title("Alternatives gallery")
st.write("Claim: max pooling is one choice among many. Every pooling below summarises the same image with the "
         "sidebar's kernel and stride, and each keeps something different: the brightest cell, the darkest, "
         "the mean, something in between, or a random pick.")
planes, hw = lab.planes, lab.planes.shape[1:]
copy_note(chosen, lab, "This gallery pools", f"no card shows more than {SIDE} pixels a side, and pooling every pixel "
          "nine ways would keep you waiting", full_parts="The global max and average use every pixel.")
require_layer(lab, hw)
photo = planes.dtype == np.uint8
scale = value_range(planes)  # one scale for every pooled image: 0 to 255 for photos
top_abs = scale[1] if photo else float(np.abs(planes).max())
kernel = s.kernel
n_taps = kernel[0] * kernel[1]

st.header("Max, min and average")
st.caption("All three on one scale: " + ("0 (black) to 255 (white)." if photo else "the input's smallest to largest."))
max_col, min_col, avg_col = st.columns(3)
for place, mode in ((max_col, "max"), (min_col, "min")):
    card(place, mode, _pooled, lab.cache_key(mode), mode, options(s, mode), scale, planes)
# The card shows the mean its formula states: a divisor override from the sidebar would make it a scaled sum.
card(avg_col, "avg", _pooled, lab.cache_key("avg", "mean"), "avg", options(s, "avg", divisor_override=None), scale,
     planes, note=(f"The sidebar's divisor override ({s.divisor_override}) is left out here: this card shows the "
                   "mean." if s.divisor_override else None))

lp_section()

stochastic_section()

fractional_section()

st.header("Global max and average")
maxima, means = _global(chosen.cache_key("global"), chosen.planes)
st.write(formula("global-max").sentence + " " + formula("global-avg").sentence)
st.latex(formula("global-max").latex + r", \qquad " + formula("global-avg").latex)
st.plotly_chart(shared(lab.cache_key("global-figure", scale), partial(global_figure, maxima, means,
                                                                             value_range=scale)),
                key="alt_global", width="stretch")
st.text(global_words(maxima, means))

mixed_section()

layer_summary(lab, hw)
