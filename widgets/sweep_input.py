"""The small grid a sweep or a backward pass works on: random, typed, or a crop of the image or of a feature map."""

import functools
from dataclasses import fields

import numpy as np
import streamlit as st

from figures import crop_preview_figure, sweep_gif
from pooling.analysis.features import feature_maps
from pooling.conv import stage_weights
from poolinglab import settings
from poolinglab.filters import BANK
from poolinglab.intake import images
from poolinglab.settings import LIMITS, SweepInput
from widgets.cache import shared, shared_cache
from widgets.controls import plane_select, remembered_slider, reseed_button
from widgets.labels import FILTER_LABELS, SWEEP_LABELS
from widgets.links import mirror, restore, seed_widgets
from widgets.text import plain

_SWEEP = "_sweep_input"  # the last SweepInput
_SWEEP_TEXT_OK = "_sweep_text_ok"  # the last typed sweep grid that parsed
_SWEEP_KEYS = {f.name: f"sweep_{f.name}" for f in fields(SweepInput)}


@shared_cache
def _feature_plane(key, name, _planes):
    # On the image's own values (0 to 255 for a photo), not Feature maps' 0..1: a sweep writes every value in
    # its cell, and 0.003922 does not fit where 1 does.
    planes = np.asarray(_planes, dtype=np.float64)
    return feature_maps(planes, stage_weights([BANK[name].weights], planes.shape[0]), [0.0])


def feature_plane(planes, key, name):
    """The bank filter ``name``'s feature map of ``planes`` (bias 0, ReLU) as ``(1, h, w)``; None when the image
    is smaller than the filter. ``key`` names the image (:attr:`PageContext.key`)."""
    if min(planes.shape[1:]) < BANK[name].weights.shape[0]:
        return None
    return _feature_plane(key, name, planes)


def _preview(whole, top, left, shape):
    return crop_preview_figure(whole, top, left, *shape, title="Where the crop comes from").update_layout(height=260)


def crop_preview(lab, spec, whole, shape):
    """The sweep crop's place on the image, built once per image, source and rectangle (not on every rerun)."""
    key = images.sha256_key(lab.key.encode(), "crop preview", spec.source, spec.filter, spec.top, spec.left,
                            tuple(shape))
    return shared(key, functools.partial(_preview, whole, spec.top, spec.left, tuple(shape)))


def crop_source(planes, spec, key=""):
    """The planes a crop grid of ``spec`` is cut from: the image, or a feature map of it; None for other grids."""
    if spec.source == "feature":
        plane = feature_plane(planes, key, spec.filter)
        return planes if plane is None else plane
    return planes if spec.source == "crop" else None


def crop_preview_ui(lab, spec, shape, *, key, alt=None, caption=None):
    """Draw where a crop grid of ``shape`` comes from (the image, or a feature map of it); nothing for other grids."""
    whole = crop_source(lab.planes, spec, lab.key)
    if whole is None:
        return
    st.plotly_chart(crop_preview(lab, spec, whole, shape), key=key, alt=alt)
    if caption:
        st.caption(caption)


def sweep_input_ui(planes, key=""):
    """Draw the Window Sweep page's input-grid controls; return ``(SweepInput, (H, W) grid)``.

    ``key`` names the image (:attr:`PageContext.key`), for the cached feature map of a ``"feature"`` grid.
    """
    stored = restore(SweepInput, _SWEEP)
    seed_widgets({key: getattr(stored, name) for name, key in _SWEEP_KEYS.items()})
    side = LIMITS["sweep_side"]
    source = st.radio("Input grid", list(SWEEP_LABELS), key="sweep_source", format_func=SWEEP_LABELS.get,
                      horizontal=True)
    if source == "typed":
        text = st.text_area("Numbers, one row per line (up to 16 × 16)", key="sweep_text", height=160)
        try:
            grid = images.grid_from_text(text)
            st.session_state[_SWEEP_TEXT_OK] = text
        except images.ImageError as err:
            st.error(plain(err))
            grid = images.grid_from_text(st.session_state.get(_SWEEP_TEXT_OK, settings.DEFAULT_SWEEP_TEXT))
    else:
        cols = st.columns(2 if source == "crop" else 3)
        cols[0].number_input("Rows", *side, step=1, key="sweep_rows")
        cols[1].number_input("Columns", *side, step=1, key="sweep_cols")
        if source == "random":
            reseed_button("New numbers", key="sweep_reroll", seed_key="sweep_seed", place=cols[2])
            grid = images.random_grid((st.session_state["sweep_rows"], st.session_state["sweep_cols"]),
                                      rng=st.session_state["sweep_seed"])
        elif source == "feature":
            name = cols[2].selectbox("Filter", list(BANK), key="sweep_filter", format_func=FILTER_LABELS.get)
            plane = feature_plane(planes, key, name)
            if plane is None:
                st.warning(f"The image is smaller than the filter's {BANK[name].weights.shape[0]} × "
                           f"{BANK[name].weights.shape[0]} window, so it has no feature map: the grid is a crop "
                           "of the image instead.")
                plane = planes
            else:
                st.caption(plain(f"{FILTER_LABELS[name]} after ReLU, on the image's own values (0 to 255 for a "
                                 "photo): "
                                 f"{BANK[name].sentence}"))
            grid = _crop_ui(plane)
        else:
            grid = _crop_ui(planes)
    current = SweepInput(**{name: st.session_state[key] for name, key in _SWEEP_KEYS.items()})
    st.session_state[_SWEEP] = current
    mirror(current)
    return current, grid


def _crop_ui(planes):
    c, h, w = planes.shape
    rows, cols = min(st.session_state["sweep_rows"], h), min(st.session_state["sweep_cols"], w)
    # A corner or plane from a link or another image may not fit this one: each is pulled back inside.
    places = st.columns(3)
    top = remembered_slider("Top row", h - rows, key="sweep_top", place=places[0])
    left = remembered_slider("Left column", w - cols, key="sweep_left", place=places[1])
    ch = plane_select(c, key="sweep_channel", place=places[2])
    return planes[ch, top:top + rows, left:left + cols]


@st.cache_data(max_entries=4, ttl=1800, show_spinner=False)
def _gif_bytes(key, _sweep, _plane):
    return sweep_gif(_sweep, _plane)


def gif_maker(sweep, grid, pool_settings):
    """A no-argument function giving the sweep's GIF, for ``st.download_button(data=...)``.

    The GIF is only drawn when the user asks for it (Streamlit calls the
    function on click) and is cached on a hash of the grid and the settings.
    """
    grid = np.asarray(grid)
    key = images.sha256_key(grid.astype(np.float64).tobytes(), grid.shape, pool_settings)
    return lambda: _gif_bytes(key, sweep, grid)
