"""The Feature maps page's filter controls (filters from the bank, a typed kernel, the bias and the threshold), and
the chosen filters' weights."""

from dataclasses import dataclass
from functools import partial

import streamlit as st

from figures.features import kernel_figure
from poolinglab.filters import BANK, CUSTOM, parse_kernel
from poolinglab.words.features import custom_sentence
from widgets.cache import shared
from widgets.labels import FILTER_LABELS
from widgets.text import plain

DEFAULT_FILTERS = ("sobel-v", "sobel-h", "laplacian", "gabor-45")
DEFAULT_KERNEL = "1 1 1\n0 0 0\n-1 -1 -1"
_KERNEL_OK = "_fm_kernel_ok"  # the last typed kernel that parsed


@dataclass(frozen=True, eq=False)
class FilterChoice:
    """The Feature maps page's chosen filters, with their labels, kernels, bias and detection threshold."""

    keys: tuple
    labels: tuple
    kernels: tuple  # (k, k) ndarrays
    kernel_text: str  # the typed kernel in use ("" when it is not chosen)
    bias: float
    threshold: float


def filter_bank_ui():
    """Draw the filter controls (bank, a typed kernel, bias, threshold); return a :class:`FilterChoice`."""
    keys = st.multiselect("Filters (up to six)", list(FILTER_LABELS), default=DEFAULT_FILTERS, key="fm_filters",
                          format_func=FILTER_LABELS.get, max_selections=6)
    left, right = st.columns(2)
    bias = left.slider("Bias: responses weaker than −bias become 0 after ReLU", -0.5, 0.0, -0.05, 0.01,
                       key="fm_bias")
    threshold = right.slider("Detection threshold: a value above it is a detection", 0.01, 1.0, 0.2, 0.01,
                             key="fm_threshold")
    text = ""
    if CUSTOM in keys:
        typed = st.text_area("Your kernel: 3 × 3 or 5 × 5 numbers, one row per line", DEFAULT_KERNEL,
                             key="fm_kernel", height=130)
        try:
            parse_kernel(typed)
            st.session_state[_KERNEL_OK] = typed
        except ValueError as err:
            st.error(plain(f"{err} The last kernel that worked stays in use."))
        text = st.session_state.get(_KERNEL_OK, DEFAULT_KERNEL)
    kernels = tuple(parse_kernel(text) if k == CUSTOM else BANK[k].weights for k in keys)
    return FilterChoice(tuple(keys), tuple(FILTER_LABELS[k] for k in keys), kernels, text, float(bias),
                        float(threshold))


def kernels_row(choice):
    """Draw each chosen filter's weights, side by side, with the sentence that says what it finds."""
    for col, key, label, kernel in zip(st.columns(len(choice.keys)), choice.keys, choice.labels, choice.kernels):
        fig = shared(("fm-kernel", label, kernel.tobytes(), kernel.shape), partial(kernel_figure, kernel, title=label))
        col.plotly_chart(fig, key=f"fm_kernel_{key.replace('-', '_')}", config={"displayModeBar": False})
        col.caption(BANK[key].sentence if key in BANK else custom_sentence(kernel))
