"""Home: what pooling is, what each lab shows, and a live 4 × 4 example."""

from functools import partial

import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures import pool_pair_figure
from pooling import pool2d
from poolinglab.intake.images import grid_from_text, random_grid
from poolinglab.settings import DEFAULT_GRID
from widgets.cache import shared
from widgets.controls import reseed_button
from widgets.layer_input import check_layer, layer_summary
from widgets.registry import PAGES, link_to_page
from widgets.sidebar import sidebar

_SEED = "_home_seed"



def example_figure(seed):
    """The 4 × 4 example (the default grid, or random numbers from ``seed``) beside its max and average."""
    values = grid_from_text(DEFAULT_GRID) if seed == 0 else random_grid((4, 4), rng=seed)
    return pool_pair_figure(values, pool2d(values, "max", 2), pool2d(values, "avg", 2))


lab = sidebar()
check_layer(lab, lab.planes.shape[1:])

st.title("Pooling Lab")
st.write(
    "A pooling layer slides a small window over an image and keeps one number per window: "
    "the largest (max pooling), the mean (average pooling), or another summary. "
    "The image shrinks by the stride (not always by half: kernel, padding, dilation and ceil mode change the size), "
    "and later layers see a wider area. Pick a sample or upload a photo in the sidebar, set the layer "
    "there, and see what it does."
)
st.write(
    "Pooling is often said to make a network tolerant of small shifts and of noise. Those claims hold "
    "less than the textbooks say: a one-pixel shift can change a max-pooled output, and one bright "
    "noisy pixel takes over its whole window. The labs let you test each claim on your own image."
)

for section in dict.fromkeys(entry.section for entry in PAGES):
    st.subheader("Start here" if section == "Start" else section)
    for entry in PAGES[1:]:
        if entry.section == section:
            link_to_page(entry.path, entry.title, entry.icon)
            st.write(entry.what)

st.subheader("Try it: a 4 × 4 grid, pooled with a 2 × 2 window")
seed = st.session_state.get(_SEED, 0)
reseed_button("New numbers", key="home_reroll", seed_key=_SEED)
fig = shared(("home example", seed), partial(example_figure, seed))
st.plotly_chart(fig, key="home_example", alt="A 4 by 4 grid beside its 2 by 2 max pooling and average pooling")
st.write("Each window is outlined on the input. Max pooling copies the largest cell of its window "
         "(framed in thick orange and black); average pooling mixes all four, so no single cell is framed.")

st.subheader("Your layer on your image")
st.write("The sidebar's layer, applied to the sidebar's image: how big its output is, and how to write it.")
layer_summary(lab, lab.planes.shape[1:])
