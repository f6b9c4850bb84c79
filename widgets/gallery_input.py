"""The Alternatives gallery's widgets: a mode's card (title, sentence, formula and pooled image, or why it cannot
run), and the controls of its sections with a seed or windows of their own."""

import streamlit as st

from poolinglab.formulas import formula
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import LIMITS

from .controls import reseed_button
from .pictures import show_figure
from .text import plain

VIEWS = {16: "16 × 16 pixels", 32: "32 × 32 pixels", 64: "64 × 64 pixels", 0: "the whole image"}

CHART_KEYS = {"blurmax": "alt_chart_antialiased"}  # anti-aliased max's chart keeps the key it had before its name


def card(place, name, compute, *args, note=None):
    """One mode: title, sentence, formula, pooled output (a picture, or a grid of numbers) and its size; or why it
    cannot run.

    Returns what ``compute`` gives beyond the figure and the output size (an empty list if it failed).
    """
    f = formula(name)
    place.subheader(f.title)
    place.write(f.sentence)
    place.latex(f.latex)
    if f.note:
        place.caption(f.note)
    done = attempt(compute, *args)
    if isinstance(done, Refusal):
        place.warning(plain(done))
        return []
    shown, (h, w), *more = done
    show_figure(place, shown, CHART_KEYS.get(name, f"alt_chart_{name}"), alt=f"{f.title}: the pooled image")
    place.caption(f"{f.title}: the pooled image, {h} × {w} (rows × columns)." + (f" {note}" if note else ""))
    return more


def seed_ui():
    """Draw the stochastic cards' seed and its Reseed button; return the seed."""
    st.session_state.setdefault("alt_seed", 0)
    seed_col, button_col = st.columns([3, 1])
    seed = seed_col.number_input("Random seed", *LIMITS["seed"], step=1, key="alt_seed")
    reseed_button("Reseed", key="alt_reseed", seed_key="alt_seed", place=button_col)
    return seed


def fractional_ui():
    """Draw fractional max pooling's controls; return its output ratio, window seed and view (a key of
    :data:`VIEWS`: the side of the centre its windows are drawn on, 0 for the whole image)."""
    ratio_col, seed_col, view_col = st.columns(3)
    ratio = ratio_col.slider("Output ratio", 0.5, 0.9, 0.7, step=0.05, key="alt_frac_ratio")
    frac_seed = seed_col.number_input("Window seed", *LIMITS["seed"], value=0, step=1, key="alt_frac_seed")
    view = view_col.selectbox("Show", list(VIEWS), index=1, key="alt_frac_view", format_func=VIEWS.get)
    return ratio, frac_seed, view
