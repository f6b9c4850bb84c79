"""The app's pages, as ``app.py`` lists them in its menu and the Home page describes them.

:class:`PageEntry` is one page; :data:`PAGES` lists them in menu order.
"""

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError


@dataclass(frozen=True)
class PageEntry:
    """One page of the app, as ``app.py`` lists it and the Home page describes it."""

    section: str
    path: str
    title: str
    icon: str
    what: str = ""


PAGES = [
    PageEntry("Start", "pages/home.py", "Home", ":material/home:"),
    PageEntry("Start", "pages/window_sweep.py", "Window Sweep", ":material/animation:",
            "Watch the window move over a small grid step by step, see which cell each output copies, "
            "click an output cell to light its window, and download the sweep as a GIF for slides."),
    PageEntry("Image labs", "pages/max_vs_average.py", "Max vs Average", ":material/compare:",
            "Up to four modes side by side on one scale, their difference, the colour fringes that come from "
            "the R, G and B argmaxes landing on different pixels, and a zoom onto the cells."),
    PageEntry("Image labs", "pages/information_loss.py", "Information loss", ":material/blur_on:",
            "Which input cells survive a max pooling, how well max-unpooling and spreading the average back "
            "rebuild the image, and how that falls as the kernel grows."),
    PageEntry("Image labs", "pages/stacked_pooling.py", "Stacked pooling", ":material/layers:",
            "Up to five rounds of pooling as a pyramid: pick a deep cell and follow its argmax back to the one "
            "pixel it came from, and see how sure its position is at each depth."),
    PageEntry("Image labs", "pages/feature_maps.py", "Feature maps", ":material/filter_alt:",
            "Where networks pool: edge, blob and Gabor filters on your photo, ReLU, then max and average pooling "
            "of the sparse maps, where each feature was found, and whether its detections survive a small shift."),
    PageEntry("Concept labs", "pages/shift_invariance.py", "Shift invariance", ":material/open_with:",
            "Shift the image by a pixel or two and count the outputs that stay the same; anti-aliased max "
            "pooling on the same chart."),
    PageEntry("Concept labs", "pages/noise.py", "Noise", ":material/grain:",
            "Add Gaussian or salt-and-pepper noise and see how far each mode's output moves: max pooling "
            "amplifies salt, averaging smooths it."),
    PageEntry("Concept labs", "pages/alternatives.py", "Alternatives gallery", ":material/apps:",
            "Every kind of pooling on one image, each with its formula: min, Lp, stochastic, fractional, "
            "mixed, global and anti-aliased."),
    PageEntry("Concept labs", "pages/backward_pass.py", "Backward pass", ":material/undo:",
            "Where the gradient goes: max sends it to the argmax cells, average spreads it, and overlapping "
            "windows add up on shared cells."),
    PageEntry("Concept labs", "pages/pooling_over_time.py", "Pooling over time", ":material/notes:",
            "A typed sentence becomes a fixed-size vector: max and average over its tokens, and which token "
            "won each feature."),
]


def link_to_page(page, label, icon):
    """A link to another lab page; plain text when the page runs on its own, outside ``app.py``."""
    try:
        st.page_link(page, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        st.text(f"{label} (open app.py to reach it)")
