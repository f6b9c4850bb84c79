"""Controls and notices that several pages share: each pattern drawn one way, with the same keys as before.

A page reads as settings, core, figure, show; these are the settings
helpers (a remembered slider, a plane picker, a reseed button) and the
guards that stop a page with a reason (the layer cannot pool its input; no
mode chosen), plus the centre a quick page works on and what it says about it.
"""

import streamlit as st

from pooling.analysis.crops import centre_crop
from poolinglab.settings import LIMITS
from poolinglab.words.sizes import centre_words, chart_centre_words, copy_words
from widgets.labels import PLANE_NAMES
from widgets.layer_input import check_layer

# Pages that test a claim on a big photo (Shift invariance, Noise) work on its centre: the page on at most
# WORK_SIDE pixels, its chart's sweep on at most CHART_SIDE, and images are sent at most IMAGE_SIDE across.
WORK_SIDE = 1024
CHART_SIDE = 256
IMAGE_SIDE = 256


def require_layer(lab, input_hw, *, what="this image", advice="Change a setting there.", otherwise=None):
    """Say next to the layer's controls what it makes of ``input_hw``; if it cannot pool it, say so here and stop.

    ``what`` names the input (``"these feature maps"``); ``otherwise`` is
    drawn before the page stops, for a part that does not need the layer.
    """
    if check_layer(lab, input_hw):
        return
    st.warning(f"This layer cannot pool {what}: the sidebar says why. {advice}")
    if otherwise is not None:
        otherwise()
    st.stop()


def require_choice(chosen, what="mode", *, stop=True):
    """Ask for at least one ``what`` when ``chosen`` is empty, and stop the page (or fragment) unless ``stop`` is False.

    Returns ``chosen``.
    """
    if not chosen:
        st.warning(f"Choose at least one {what} above.")
        if stop:
            st.stop()
    return chosen


def remembered_slider(label, top, *, key, default=0, place=None):
    """A slider from 0 to ``top`` that keeps its value from run to run and page to page; 0 when ``top`` is 0.

    A value kept from a bigger image, stride or link is pulled back to ``top``
    first, so the slider never refuses it.
    """
    st.session_state[key] = min(int(st.session_state.get(key, default)), max(top, 0))
    return (place or st).slider(label, 0, top, key=key) if top > 0 else 0


def crop_ui(hw, side, *, keys, labels=("Crop: top row", "Crop: left column"), place=None):
    """Two remembered sliders for the corner of a crop at most ``side`` square of an ``hw`` image, centred at first.

    Another image may be smaller: the corner is pulled back inside it. Returns ``top, left, rows, cols``.
    """
    rows, cols = min(side, hw[0]), min(side, hw[1])
    top = remembered_slider(labels[0], hw[0] - rows, key=keys[0], default=(hw[0] - rows) // 2, place=place)
    left = remembered_slider(labels[1], hw[1] - cols, key=keys[1], default=(hw[1] - cols) // 2, place=place)
    return top, left, rows, cols


def plane_select(n_planes, *, key, label="Plane", place=None):
    """A red/green/blue pick of one of ``n_planes`` planes, its value kept inside them; 0 for a one-plane image."""
    if key in st.session_state:
        st.session_state[key] = min(int(st.session_state[key]), n_planes - 1)
    if n_planes < 2:
        return 0
    return (place or st).selectbox(label, range(n_planes), key=key, format_func=PLANE_NAMES.__getitem__)


def _next_seed(seed_key):
    st.session_state[seed_key] = (st.session_state.get(seed_key, 0) + 1) % LIMITS["seed"][1]


def reseed_button(label, *, key, seed_key, place=None):
    """A button that moves the seed under ``seed_key`` (a widget's key or a plain one) on to the next."""
    (place or st).button(label, key=key, on_click=_next_seed, args=(seed_key,))


def centre_ui(planes, side=WORK_SIDE, *, what="image", does="tests", why=None):
    """The centre of ``planes`` at most ``side`` pixels across; says so (and ``why``) when that is not the whole
    image."""
    centre = centre_crop(planes, side)
    if centre.shape != planes.shape:
        st.info(centre_words(side, centre.shape[1:], what=what, does=does, why=why))
    return centre


def copy_note(chosen, lab, what, why, *, full_parts=""):
    """Say that ``lab`` works on a copy of ``chosen``'s image (:func:`widgets.context.working_copy`), when it does:
    :func:`~poolinglab.words.sizes.copy_words` with both sizes."""
    if lab is not chosen:
        st.info(copy_words(chosen.planes.shape[1:], lab.planes.shape[1:], what, why, full_parts=full_parts))


def chart_centre_note(chart_in, whole_shape):
    """Under a chart that runs on ``chart_in``, the centre of an image of ``whole_shape``: say so when it is smaller."""
    if chart_in.shape != tuple(whole_shape):
        st.text(chart_centre_words(chart_in.shape[1:]))
