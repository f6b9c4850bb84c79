"""poolinglab.words.stack.describe_misfit: computed from the rounds and the image's size, the core's own sentence."""

import re

import numpy as np
from helpers import hypothesis_settings
from hypothesis import given
from hypothesis import strategies as st

from pooling.analysis.stacking import stack_pool
from poolinglab.words.stack import describe_misfit


def from_the_cores_message(error, shape):
    """The sentence the page showed before, made from the core's error message: the reference."""
    message = re.sub(r"layers\[(\d+)\]", lambda m: f"round {int(m[1]) + 1}", str(error)).split("; use ")[0]
    return (f"These rounds do not fit this {shape[0]} × {shape[1]} image: {message}. "
            "Use fewer rounds, or smaller kernels and strides.")


def test_the_first_round_too_big_is_named_from_one():
    assert describe_misfit([(2, 2), (3, 3)], (4, 4)) == (
        "These rounds do not fit this 4 × 4 image: round 2: output height would be 0: input height 2 plus padding 0 "
        "is smaller than the dilated kernel 3. Use fewer rounds, or smaller kernels and strides.")
    assert describe_misfit([(2, 1)], (9, 1)) == (
        "These rounds do not fit this 9 × 1 image: round 1: output width would be 0: input width 1 plus padding 0 "
        "is smaller than the dilated kernel 2. Use fewer rounds, or smaller kernels and strides.")
    assert describe_misfit([(2, 2)] * 3, (8, 8)) is None


@hypothesis_settings(80)
@given(st.integers(1, 40), st.integers(1, 40),
       st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6)), min_size=1, max_size=5))
def test_it_says_what_the_core_says_exactly_when_the_core_refuses(h, w, rounds):
    layers = [{"mode": "max", "kernel_size": k, "stride": s} for k, s in rounds]
    try:
        stack_pool(np.zeros((h, w)), layers)
    except ValueError as err:
        assert describe_misfit(rounds, (h, w)) == from_the_cores_message(err, (h, w))
    else:
        assert describe_misfit(rounds, (h, w)) is None
