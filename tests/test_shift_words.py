"""The Shift invariance page's sentences: read from the numbers, and sound when there are none."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from poolinglab.words.shift import blur_against_max, nothing_to_compare, percent, shift_verdict, sweep_words

NAN = math.nan


def test_percent_rounds_down_and_refuses_nan():
    assert percent(0.9996) == 99.9
    assert percent(1.0) == 100.0
    assert percent(0.0) == 0.0
    with pytest.raises(ValueError, match="NaN means nothing was compared"):
        percent(NAN)


def test_no_compared_value_gives_no_verdict():
    assert shift_verdict([0, 1, 2], {"Max": [NAN] * 3, "Average": [NAN] * 3}, 2, 0) is None
    assert shift_verdict([0], {"Max": [NAN]}, 1, 1) is None
    text = nothing_to_compare((1, 7), 0)
    assert "1 × 7" in text and "nothing to compare" in text and "%" not in text


def test_a_mode_with_nothing_to_compare_is_named_not_scored():
    text = shift_verdict([0, 1, 2], {"Max": [1, 0.5, 1], "Anti-aliased max": [NAN] * 3}, 2, 0)
    assert text.startswith("dy = 0 is a whole number of strides: every mode compared is back to 100% at dx = 0 and 2")
    assert "Anti-aliased max had nothing to compare" in text
    assert "nan" not in text.lower()


def test_whole_dy_names_the_lowest_share_in_between():
    text = shift_verdict([0, 1, 2, 3, 4], {"Max": [1, .4, 1, .6, 1], "Average": [1, .2, 1, .3, 1]}, 2, 2)
    assert "back to 100% at dx = 0, 2 and 4" in text
    assert "as low as 20.0% (Average at dx = 1)" in text


def test_whole_dy_with_nothing_changed_in_between_says_so():
    # Stripes that repeat with the stride: no shift changes anything.
    text = shift_verdict([0, 1, 2], {"Max": [1, 1, 1]}, 2, 0)
    assert "In between, nothing changed on this image either" in text
    assert "phase of the stride at work" not in text


def test_training_stochastic_is_named_apart():
    text = shift_verdict([0, 1, 2], {"Max": [1, .5, 1], "Stochastic (training)": [.7, .6, .8]}, 2, 0,
                         fresh=["Stochastic (training)"])
    assert text.startswith("dy = 0 is a whole number of strides: every deterministic mode compared is back")
    assert "Stochastic (training) is not: 70.0% unchanged at dx = 0." in text
    assert "draws its random picks afresh" in text


def test_a_deterministic_mode_off_at_a_whole_stride_is_reported():
    text = shift_verdict([0, 1, 2], {"Max": [1, .5, 1], "Lp": [1, .5, .9]}, 2, 0)
    assert "Max is back to 100%" in text
    assert "Lp is not: 90.0% unchanged at dx = 2." in text
    assert "afresh" not in text


def test_no_mode_back_at_a_whole_stride():
    text = shift_verdict([0, 1], {"Max": [.5, .4]}, 1, 0)
    assert "no mode shown is back to 100%" in text


def test_between_dy_lets_the_numbers_speak():
    # Stripes at dy = 1: the image repeats, every output comes back; the sentence must not deny it.
    same = shift_verdict([0, 1, 2, 3, 4], {"Max": [1] * 5, "Average": [1] * 5}, 2, 1)
    assert "no dx is guaranteed" in same
    assert "every mode compared stays 100% unchanged at dx = 0, 1, 2, 3 and 4" in same
    assert "no dx brings" not in same
    changed = shift_verdict([0, 1, 2], {"Max": [.5, .3, .6], "Average": [.2, .1, NAN]}, 2, 1)
    assert changed.endswith("the most that stays unchanged is 60.0% (Max at dx = 2).")


def test_blur_against_max_handles_zero_and_nothing():
    assert blur_against_max([NAN], [NAN]) is None
    assert blur_against_max([0.0, NAN], [NAN]) is None
    assert "neither anti-aliased max nor plain max changed" in blur_against_max([0, 0], [0, 0])
    assert "while plain max changes none" in blur_against_max([0.2, 0.4], [0, 0])
    assert "anti-aliased max changes none of its outputs" in blur_against_max([0, 0], [1, 3])
    assert "by 25% as much as plain max on average (0.5 against 2)" in blur_against_max([0.5, NAN], [2, 2])


shares = st.lists(st.one_of(st.just(NAN), st.floats(0, 1)), min_size=1, max_size=9)


@given(st.integers(1, 4), st.integers(0, 8), st.lists(shares, min_size=1, max_size=4), st.booleans())
def test_any_numbers_give_a_sentence_or_none(stride, dy, columns, train):
    n = min(len(c) for c in columns)
    unchanged = {f"mode {i}": c[:n] for i, c in enumerate(columns)}
    text = shift_verdict(np.arange(n), unchanged, stride, dy, fresh=["mode 0"] if train else [])
    if all(math.isnan(v) for c in unchanged.values() for v in c):
        assert text is None
    else:
        assert isinstance(text, str) and "nan" not in text.lower() and "inf" not in text.lower()


@given(shares, shares)
def test_blur_against_max_never_prints_nan(blurred, plain):
    text = blur_against_max(blurred, plain)
    assert text is None or ("nan" not in text.lower() and "inf" not in text)


def test_sweep_words_is_the_verdict_then_blur_against_max_over_the_in_between_shifts():
    dxs = np.arange(5)
    unchanged = {"Max": [1.0, 0.4, 1.0, 0.6, 1.0], "Anti-aliased max": [1.0, 0.2, 1.0, 0.3, 1.0]}
    blurred, plain = [9.0, 1.0, 9.0, 3.0, 9.0], [9.0, 4.0, 9.0, 4.0, 9.0]  # whole-stride values must be ignored
    said = sweep_words(dxs, unchanged, 2, 0, changes=(blurred, plain))
    assert said == [shift_verdict(dxs, unchanged, 2, 0), blur_against_max([1.0, 3.0], [4.0, 4.0])]


def test_sweep_words_at_stride_1_adds_the_price_and_compares_no_in_between_shift():
    dxs, unchanged = np.arange(3), {"Max": [1.0, 1.0, 1.0]}
    said = sweep_words(dxs, unchanged, 1, 0, changes=([0.5] * 3, [1.0] * 3))
    assert said == [shift_verdict(dxs, unchanged, 1, 0) + " With stride 1 every shift is a whole stride; the price: "
                    "the image does not shrink."]


def test_sweep_words_without_both_maxes_or_with_nothing_compared():
    dxs, unchanged = np.arange(3), {"Max": [1.0, 0.5, 1.0]}
    assert sweep_words(dxs, unchanged, 2, 1) == [shift_verdict(dxs, unchanged, 2, 1)]
    # ties: no change at all in between reads as such; NaN (nothing compared) leaves the comparison out
    assert sweep_words(dxs, unchanged, 2, 0, changes=([0.0] * 3, [0.0] * 3))[1].endswith(
        "neither anti-aliased max nor plain max changed any output.")
    assert len(sweep_words(dxs, unchanged, 2, 0, changes=([NAN] * 3, [1.0] * 3))) == 1
    assert sweep_words(dxs, {"Max": [NAN] * 3}, 2, 0) is None
