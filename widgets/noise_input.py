"""The Noise page's controls: the kind of noise, its level and seed, and the modes to compare."""

import streamlit as st

from poolinglab.settings import LIMITS, MODES

from .labels import MODE_LABELS

KIND_LABELS = {"gaussian": "Gaussian", "salt-and-pepper": "Salt and pepper", "salt": "Salt only (white)",
               "pepper": "Pepper only (black)"}


def noise_ui():
    """Draw the noise's kind, level and seed and the modes' pick; return ``kind, level, seed, modes``."""
    kind = st.radio("Noise", tuple(KIND_LABELS), index=1, key="noise_kind", format_func=KIND_LABELS.get,
                    horizontal=True)
    left, right = st.columns([3, 1])
    level = left.slider("Noise level", 0.0, 0.5, value=0.05, step=0.01, key="noise_level")
    seed = right.number_input("Random seed", *LIMITS["seed"], value=0, step=1, key="noise_seed")
    modes = st.multiselect("Modes (up to three)", MODES, default=("max", "avg"), key="noise_modes",
                           format_func=MODE_LABELS.get, max_selections=3)
    return kind, level, int(seed), modes
