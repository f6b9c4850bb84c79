"""Tests of ``pooling.geometry``: output sizes, padding, window positions, by hand and against the formula.

Inputs are ``x[i, j] = 10 * i + j`` (:func:`helpers.coords`) where values
appear, so each tap's cell can be read off its value.
"""

import math

import numpy as np
import pytest
from helpers import coords, hypothesis_settings, raises
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

import pooling
from pooling.geometry import regular_axis, regular_grid, resolve_padding

# --- output_length ------------------------------------------------------------------------------------------


def test_output_length_examples():
    assert pooling.output_length(5, 2, 2, 0, 0, 1, False) == 2
    assert pooling.output_length(5, 2, 2, 0, 0, 1, True) == 3
    # L=3, k=2, s=2, p=1: ceil(3 / 2) + 1 = 3, but the third window would start at
    # 2 * 2 - 1 = 3, in the right padding: dropped.
    assert pooling.output_length(3, 2, 2, 1, 1, 1, True) == 2
    assert pooling.output_length(3, 2, 2, 1, 1, 1, False) == 2
    assert pooling.output_length(5, 3, 2, 1, 1, 2, False) == 2


@hypothesis_settings(60, HealthCheck.filter_too_much)
@given(length=st.integers(1, 40), kernel=st.integers(1, 6), stride=st.integers(1, 6), dilation=st.integers(1, 3),
       data=st.data(), ceil_mode=st.booleans())
def test_output_size_formula(length, kernel, stride, dilation, data, ceil_mode):
    padding = data.draw(st.integers(0, kernel // 2))
    numerator = length + 2 * padding - dilation * (kernel - 1) - 1
    if ceil_mode:
        expected = math.ceil(numerator / stride) + 1
        if (expected - 1) * stride >= length + padding:
            expected -= 1
    else:
        expected = math.floor(numerator / stride) + 1
    assert pooling.output_length(length, kernel, stride, padding, padding, dilation, ceil_mode) == expected
    x = np.zeros((1, length))
    settings_ = dict(kernel_size=(1, kernel), stride=(1, stride), padding=(0, padding),
                     dilation=(1, dilation), ceil_mode=ceil_mode)
    if expected < 1:
        with pytest.raises(ValueError, match="output width would be"):
            pooling.pool2d(x, "max", **settings_)
        return
    try:
        r = pooling.pool2d(x, "max", **settings_)
    except ValueError as err:  # a window of padding only
        assert "holds only padding" in str(err)
        return
    assert r.values.shape == (1, expected)
    same = pooling.pool2d(x, "avg", kernel_size=(1, kernel), stride=(1, stride), padding="same")
    assert same.values.shape == (1, math.ceil(length / stride))


# --- resolve_padding ----------------------------------------------------------------------------------------


def test_resolve_padding_numbers_valid_and_same():
    assert resolve_padding(1, (5, 5), (3, 3), (2, 2), (1, 1)) == (((1, 1), (1, 1)), False)
    assert resolve_padding((0, 1), (5, 5), (3, 3), (2, 2), (1, 1)) == (((0, 0), (1, 1)), False)
    assert resolve_padding("valid", (5, 5), (3, 3), (2, 2), (1, 1)) == (((0, 0), (0, 0)), False)
    # "same": out = ceil(L / s); rows 5 at k 3, s 1 need 2 cells, one each side; cols 6 at k 2, s 2 need none.
    assert resolve_padding("same", (5, 6), (3, 2), (1, 2), (1, 1)) == (((1, 1), (0, 0)), True)
    # An odd total puts the extra cell after (bottom/right), as TensorFlow does.
    assert resolve_padding("SAME", (5, 5), (2, 2), (2, 2), (1, 1)) == (((0, 1), (0, 1)), True)


def test_resolve_padding_refuses():
    with raises(ValueError, "padding (2) must be at most kernel_size // 2 (1)"):
        resolve_padding(2, (5, 5), (3, 3), (1, 1), (1, 1))
    with raises(ValueError, "padding ('full') must be an int, a pair of ints, 'valid' or 'same'"):
        resolve_padding("full", (5, 5), (3, 3), (1, 1), (1, 1))


# --- regular_axis and regular_grid --------------------------------------------------------------------------


def test_ceil_mode_adds_a_partial_window_whose_overhang_does_not_count():
    # L=5, k=2, s=2: floor gives windows at 0 and 2; ceil adds one at 4 that hangs over the end by one cell.
    ax = regular_axis(5, 2, 2, 0, 0, 1, True)
    assert ax.positions.tolist() == [[0, 1], [2, 3], [4, 5]]
    assert ax.in_bounds.tolist() == [[True, True], [True, True], [True, False]]
    assert ax.counted.tolist() == ax.in_bounds.tolist()  # the overhang is no padding: not in the divisor
    assert regular_axis(5, 2, 2, 0, 0, 1, False).positions.tolist() == [[0, 1], [2, 3]]


def test_padding_counts_in_the_divisor_unless_same():
    ax = regular_axis(5, 2, 2, 1, 1, 1, True)  # the window that would start in the right padding is dropped
    assert ax.positions.tolist() == [[-1, 0], [1, 2], [3, 4]]
    assert ax.in_bounds[0].tolist() == [False, True] and ax.counted[0].tolist() == [True, True]
    same = regular_axis(5, 2, 2, 1, 1, 1, True, tf_same=True)
    assert same.counted.tolist() == same.in_bounds.tolist()


def test_dilation_spaces_the_taps():
    grid = regular_grid((7, 7), 3, stride=2, dilation=2)
    assert grid.shape == (2, 2) and grid.kernel == (3, 3)
    assert grid.rows.positions.tolist() == [[0, 2, 4], [2, 4, 6]]
    rows, cols, _ = grid.taps(1, 0)
    x = coords(7, 7)
    assert x[rows, cols].tolist() == [20, 22, 24, 40, 42, 44, 60, 62, 64]
    assert pooling.pool2d(x, "max", 3, stride=2, dilation=2).values.tolist() == [[44, 46], [64, 66]]


def test_regular_grid_by_hand():
    grid = regular_grid((5, 7), 3, stride=2, padding=1, ceil_mode=True)
    assert grid.shape == (3, 4) and grid.input_shape == (5, 7) and grid.regular
    assert grid.rows.positions.tolist() == [[-1, 0, 1], [1, 2, 3], [3, 4, 5]]
    assert grid.cols.positions.tolist() == [[-1, 0, 1], [1, 2, 3], [3, 4, 5], [5, 6, 7]]
    assert grid.first_in_bounds_tap().tolist() == [[4, 3, 3, 3], [1, 0, 0, 0], [1, 0, 0, 0]]


def test_padded_window_taps():
    r = pooling.pool2d(coords(3, 3), "max", 3, stride=2, padding=1)
    rows, cols, in_bounds = r.grid.taps(0, 0)
    assert rows.tolist() == [-1, -1, -1, 0, 0, 0, 1, 1, 1]
    assert cols.tolist() == [-1, 0, 1, -1, 0, 1, -1, 0, 1]
    assert in_bounds.tolist() == [False, False, False, False, True, True, False, True, True]
    np.testing.assert_array_equal(r.values, [[11, 12], [21, 22]])


def test_gather_reads_every_tap_and_fills_padding():
    grid = regular_grid((3, 3), 2, stride=1, padding=1)
    taps = grid.gather(coords(3, 3)[None], fill=-1)[0]
    assert taps[0, 0].tolist() == [-1, -1, -1, 0] and taps[1, 1].tolist() == [0, 1, 10, 11]
    assert grid.tap_mask("in_bounds")[0, 0].tolist() == [False, False, False, True]


def test_regular_grid_options_are_keyword_only():
    with raises(TypeError, "regular_grid() takes 2 positional arguments but 3 were given"):
        regular_grid((4, 4), 2, 2)


def test_a_window_of_padding_only_is_refused():
    # Width 4, taps 5 apart from -1: the one window reads columns -1 and 4, both padding.
    with raises(ValueError, "window 0 along the width holds only padding (dilation 5, padding 1, input width 4)"):
        regular_grid((1, 4), (1, 2), padding=(0, 1), dilation=(1, 5))


def test_grids_are_kept_read_only_and_never_confuse_2_with_2_0_or_true():
    grid = regular_grid((6, 7), 2, stride=2, padding=1)
    assert regular_grid((6, 7), [2, 2], stride=(2, 2), padding=[1, 1]) is not None
    assert regular_grid((6, 7), 2, stride=2, padding=1) is grid  # kept: built once
    with pytest.raises(ValueError, match="read-only"):
        grid.cols.positions[0, 0] = 3
    regular_grid((4, 4), 1)
    with pytest.raises(TypeError, match=r"kernel_size \(True\) must be an int or a pair of ints, not bool"):
        regular_grid((4, 4), True)
    regular_grid((4, 4), (2, 2))
    with pytest.raises(TypeError, match=r"kernel_size \(\(2\.0, 2\)\) must be an int or a pair of ints"):
        regular_grid((4, 4), (2.0, 2))
    with pytest.raises(TypeError, match="ceil_mode"):
        regular_grid((4, 4), 2, ceil_mode=1)
