"""Tests of poolinglab.words.stack: the trend verdict, the path table and source lines, and describe_misfit (computed
from the rounds and the image's size, the core's own sentence)."""

import re

import numpy as np
from helpers import coords, hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st

import pooling
from pooling.analysis import stacking
from pooling.analysis.stacking import stack_pool
from poolinglab.words import stack as stack_words
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


def test_describe_trend():
    assert stack_words.describe_trend(True, True) == (
        "On this image, more rounds always make the guess worse, and a larger stride always does.")
    assert stack_words.describe_trend(False, False) == (
        "On this image, more rounds do not always make the guess worse, and a larger stride does not always.")
    assert stack_words.describe_trend(True, None) == (
        "On this image, more rounds always make the guess worse. Pick a second stride to compare strides.")
    assert stack_words.describe_trend(None, False).startswith(
        "On this image, a larger stride does not always make the guess worse. No stride picked fits two rounds")
    assert "always" not in stack_words.describe_trend(None, None)
    assert stack_words.describe_trend(*stacking.localisation_trend({})).startswith("No verdict yet")
    with raises(TypeError, "wider_worse ('yes') must be True, False or None"):
        stack_words.describe_trend(True, "yes")


def test_path_table_and_describe_source_read_the_trace():
    s = pooling.stack_pool(coords(8, 8), [{"mode": "max", "kernel_size": 2}] * 2)  # 10 * i + j: the max is bottom-right
    path = stacking.trace_to_source(s, 1, 0)
    assert stack_words.path_table(path) == {"layer": ["round 2", "round 1", "input"], "row": [1, 3, 7],
                                         "column": [0, 1, 3], "value": [73, 73, 73]}
    lines = stack_words.describe_source(path, s.receptive_field(1, 0), 2.12, plane="red")
    assert lines == ["Deep cell (1, 0) after 2 round(s) = 73. It copies input pixel (7, 3) of the red plane, value 73.",
                     ("Its receptive field: rows 4 to 7, columns 0 to 3 (4 × 4 pixels); the pixel lies 2.1 px from "
                      "the field's centre.")]
    with raises(TypeError, "path must be a non-empty list of TraceStep, got []"):
        stack_words.path_table([])
    with raises(TypeError, "path must be a list of two or more TraceStep"):
        stack_words.describe_source(path[:1], (0, 0, 0, 0), 0.0)
