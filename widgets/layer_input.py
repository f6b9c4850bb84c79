"""The pooling layer's controls in the sidebar, and what a page says when the layer cannot pool its input."""

import numpy as np
import streamlit as st

from pooling import pool2d
from poolinglab import layer_code, settings
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import LIMITS, MODES
from widgets.labels import MODE_LABELS, PADDING_LABELS
from widgets.text import plain


def pooling_ui():
    """Draw the pooling layer's controls; return the slot under them for problems and the output size."""
    mode = st.selectbox("Mode", MODES, key="mode", format_func=MODE_LABELS.get)
    kmin, kmax = LIMITS["kernel"]
    left, right = st.columns(2)
    left.number_input("Kernel height", kmin, kmax, step=1, key="kernel_h")
    right.number_input("Kernel width", kmin, kmax, step=1, key="kernel_w")
    st.number_input("Stride", *LIMITS["stride"], step=1, key="stride")
    kind = st.radio("Padding", list(PADDING_LABELS), key="padding_kind", horizontal=True,
                    format_func=PADDING_LABELS.get, help="A number of cells on each side, or Keras's valid/same.")
    if kind == "number":
        st.number_input("Padding cells on each side", *LIMITS["padding"], step=1, key="padding")
    st.number_input("Dilation (spacing of the taps)", *LIMITS["dilation"], step=1, key="dilation")
    st.checkbox("Ceil mode (keep a last partial window)", key="ceil_mode")
    problem_slot = st.empty()
    if mode == "avg":
        st.checkbox("Count padding in the average (count_include_pad)", key="count_include_pad")
        st.number_input("Divisor override (0 = none)", *LIMITS["divisor_override"], step=1, key="divisor_override")
    elif mode == "lp":
        st.checkbox("p = ∞ (the largest |x|)", key="lp_inf")
        st.number_input("p", *LIMITS["p"], step=0.5, key="lp_p", disabled=st.session_state["lp_inf"])
    elif mode == "stochastic":
        st.checkbox("Training: sample one cell (off: the expected value)", key="stochastic_train")
        st.number_input("Random seed", *LIMITS["seed"], step=1, key="stochastic_seed")
    elif mode == "mixed":
        st.slider("alpha: weight of the max", *LIMITS["alpha"], step=0.05, key="mixed_alpha")
    return problem_slot


def check_layer(lab, input_hw):
    """Say, next to the layer's controls, what it makes of an ``input_hw`` input or why it cannot pool it.

    Returns True when it can.
    """
    problems = settings.validate(lab.settings, input_hw)
    with lab.problem_slot.container():
        for problem in problems:
            st.error(plain(problem))
        if not problems:
            out_h, out_w = settings.output_hw(lab.settings, input_hw)
            st.text(f"Output: {out_h} × {out_w} from {input_hw[0]} × {input_hw[1]} (rows × columns)")
    return not problems


def layer_summary(lab, input_hw):
    """Draw the live output-size formula and the same layer in PyTorch and Keras, ready to copy."""
    s = lab.settings
    st.subheader("Output size")
    st.latex(layer_code.output_size_formula(s, input_hw))  # full width: the numbers must not be cut off
    st.subheader("The same layer in code")
    torch, keras = st.columns(2)
    torch.caption("PyTorch: x is (N, C, H, W)")
    torch.code(layer_code.torch_line(s, input_hw), language="python", wrap_lines=True)
    keras.caption("Keras: x is (N, H, W, C), its default channels_last")
    keras.code(layer_code.keras_line(s), language="python", wrap_lines=True)


def pool_or_explain(lab, values):
    """Pool ``values`` with the sidebar's layer, or say in words why it cannot; None then."""
    values = np.asarray(values)
    if not check_layer(lab, values.shape[-2:]):
        st.warning("This layer cannot pool this input: the sidebar says why. Change a setting there.")
        return None
    result = attempt(pool2d, values, lab.settings.mode, **settings.pool_options(lab.settings))
    if isinstance(result, Refusal):
        st.error(plain(result))
        return None
    return result
