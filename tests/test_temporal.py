"""Tests of ``pooling.pool_over_time``: pooling a ``(T, F)`` sequence along time."""

import math
import re

import numpy as np
import pytest
from helpers import hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling

SETTINGS = hypothesis_settings(60)

# Six time steps (rows) of three features (columns); the winners can be read by eye.
SEQ = np.array(
    [
        [0.1, 0.9, 0.0],
        [0.7, 0.2, 0.0],
        [0.3, 0.4, 0.5],
        [0.2, 0.8, 0.1],
        [0.6, 0.1, 0.3],
        [0.0, 0.5, 0.2],
    ]
)


def brute_max_over_time(seq, k, s, p, d):
    """Max over time window by window: values and winning steps (padding never wins)."""
    t_len, n_feat = seq.shape
    n_out = (t_len + 2 * p - d * (k - 1) - 1) // s + 1
    values = np.zeros((n_out, n_feat))
    steps = np.zeros((n_out, n_feat), np.int64)
    for i in range(n_out):
        taps = [i * s - p + a * d for a in range(k)]
        taps = [t for t in taps if 0 <= t < t_len]
        for f in range(n_feat):
            best = taps[0]
            for t in taps[1:]:
                if seq[t, f] > seq[best, f] or math.isnan(seq[t, f]):
                    best = t
            values[i, f], steps[i, f] = seq[best, f], best
    return values, steps


def test_max_over_time_by_hand():
    r = pooling.pool_over_time(SEQ)
    assert r.values.tolist() == [[0.7, 0.9, 0.5]]
    assert r.steps.tolist() == [[1, 0, 2]]
    assert r.steps.dtype == np.int64
    assert r.values.dtype == SEQ.dtype


def test_windows_of_two_steps():
    r = pooling.pool_over_time(SEQ, kernel_size=2)
    assert r.values.tolist() == [[0.7, 0.9, 0.0], [0.3, 0.8, 0.5], [0.6, 0.5, 0.3]]
    assert r.steps.tolist() == [[1, 0, 0], [2, 3, 2], [4, 5, 4]]  # feature 2's tie at steps 0, 1 -> 0


def test_overlapping_windows_with_stride():
    r = pooling.pool_over_time(SEQ, kernel_size=3, stride=2)
    assert r.values.tolist() == [[0.7, 0.9, 0.5], [0.6, 0.8, 0.5]]
    assert r.steps.tolist() == [[1, 0, 2], [4, 3, 2]]


def test_ties_go_to_the_first_step_and_nan_to_the_last():
    seq = np.array([[1.0, np.nan], [3.0, 2.0], [3.0, np.nan]])
    r = pooling.pool_over_time(seq)
    assert r.steps.tolist() == [[1, 2]]
    assert r.values[0, 0] == 3.0 and np.isnan(r.values[0, 1])


def test_average_over_time_has_no_steps():
    r = pooling.pool_over_time(SEQ, "avg", kernel_size=3)
    np.testing.assert_allclose(r.values, [SEQ[:3].mean(0), SEQ[3:].mean(0)])
    assert r.steps is None
    assert r.result.mode == "avg"


def test_the_underlying_result_pools_features_as_channels():
    r = pooling.pool_over_time(SEQ, kernel_size=2)
    assert r.result.values.shape == (3, 1, 3)  # (F, 1, T_out)
    np.testing.assert_array_equal(r.result.values[:, 0, :].T, r.values)


@st.composite
def sequences(draw):
    t_len = draw(st.integers(1, 12))
    seq = draw(hnp.arrays(np.float64, (t_len, draw(st.integers(1, 4))),
                          elements=st.sampled_from([0.0, 1.0, 2.0, -1.0, np.nan, -np.inf])))
    k = draw(st.integers(1, t_len))
    s = draw(st.integers(1, 4))
    p = draw(st.integers(0, k // 2))
    d = draw(st.integers(1, 3))
    if d * (k - 1) + 1 > t_len + 2 * p:
        d = 1
    return seq, k, s, p, d


@SETTINGS
@given(sequences())
def test_max_over_time_matches_brute_force(case):
    seq, k, s, p, d = case
    try:
        r = pooling.pool_over_time(seq, kernel_size=k, stride=s, padding=p, dilation=d)
    except ValueError as err:
        assert "holds only padding" in str(err)  # a dilated window that skips the whole input
        return
    values, steps = brute_max_over_time(seq, k, s, p, d)
    np.testing.assert_array_equal(r.values, values)
    np.testing.assert_array_equal(r.steps, steps)


def test_integer_sequences_keep_their_dtype():
    seq = (10 * np.arange(4)[:, None] + np.arange(3)[None, :]).astype(np.int16)[::-1]
    r = pooling.pool_over_time(seq, kernel_size=2)
    assert r.values.dtype == np.int16
    assert r.values.tolist() == [[30, 31, 32], [10, 11, 12]]
    assert r.steps.tolist() == [[0, 0, 0], [2, 2, 2]]


def test_ceil_mode_keeps_the_short_last_window():
    r = pooling.pool_over_time(SEQ[:5], kernel_size=2, ceil_mode=True)
    assert r.values.tolist() == [[0.7, 0.9, 0.0], [0.3, 0.8, 0.5], [0.6, 0.1, 0.3]]
    assert r.steps[-1].tolist() == [4, 4, 4]


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(6,), (2, 3, 4), ()])
def test_seq_must_be_2d(shape):
    with raises(ValueError, f"seq must be (T, F), got shape {shape}"):
        pooling.pool_over_time(np.zeros(shape))


def test_kernel_longer_than_the_sequence():
    with raises(ValueError, "output width would be 0: input width 6 plus padding 0 is smaller than the dilated "
                            "kernel 7"):
        pooling.pool_over_time(SEQ, kernel_size=7)


@pytest.mark.parametrize(("name", "value"), [("kernel_size", 0), ("stride", 0), ("dilation", -1)])
def test_sizes_below_one(name, value):
    kwargs = {"kernel_size": 2, name: value}
    with raises(ValueError, f"{name} ({value!r}) must be at least 1"):
        pooling.pool_over_time(SEQ, **kwargs)


def test_padding_above_half_the_kernel():
    with raises(ValueError, "padding (2) must be at most kernel_size // 2 (1)"):
        pooling.pool_over_time(SEQ, kernel_size=2, padding=2)


def test_unknown_mode():
    with raises(ValueError, "mode ('median') must be one of"):
        pooling.pool_over_time(SEQ, "median")


def test_a_pair_for_a_time_length_is_an_error():
    with pytest.raises(ValueError, match=re.escape("kernel_size ((2, 3))")):
        pooling.pool_over_time(SEQ, kernel_size=(2, 3))
