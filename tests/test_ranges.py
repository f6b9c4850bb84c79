"""Tests of ``pooling.analysis.ranges``: one function per meaning of "value range", each with its flat rule."""

import numpy as np
import pytest
from helpers import coords

from figures import _cells
from pooling.analysis import compare, noise
from pooling.analysis.ranges import centred_range, finite_range, input_scale


def test_finite_range_by_hand():
    assert finite_range(coords(3, 4)) == (0.0, 23.0)
    assert finite_range(coords(2, 2), np.array([np.nan, -np.inf, 50.0])) == (0.0, 50.0)
    assert finite_range(np.array([np.nan, np.inf])) == (0.0, 1.0)
    assert finite_range() == (0.0, 1.0)
    assert finite_range([[1, 2], [3, 4]], np.array([True])) == (1.0, 4.0)


def test_finite_range_covers_a_given_scale():
    assert finite_range(np.array([10.0, 20.0]), cover=(0, 255)) == (0.0, 255.0)
    assert finite_range(np.array([-5.0, 300.0]), cover=(0, 255)) == (-5.0, 300.0)
    assert finite_range(np.array([np.nan]), cover=(0, 255)) == (0.0, 255.0)


@pytest.mark.parametrize(("value", "expected"), [(7.0, (7.0, 8.0)), (-2, (-2.0, -1.0))])
def test_flat_values_get_one_unit_above(value, expected):
    assert finite_range(np.full((2, 2), value)) == expected
    assert input_scale(np.full((2, 2), float(value))) == expected


def test_flat_values_beyond_1e16_get_the_next_float():
    lo, hi = finite_range(np.full((2, 2), 1e30))  # 1e30 + 1 == 1e30
    assert lo == 1e30 and hi == np.nextafter(1e30, np.inf)


def test_input_scale_is_the_dtype_range_for_integers():
    assert input_scale(np.zeros((2, 2), np.uint8)) == (0.0, 255.0)
    assert input_scale(np.zeros((2, 2), np.int16)) == (-32768.0, 32767.0)
    assert input_scale(np.array([[2.0, np.nan, 5.0]])) == (2.0, 5.0)


def test_centred_range_puts_a_flat_grid_mid_scale():
    assert centred_range(np.full((3, 3), 4)) == (3.5, 4.5)
    assert centred_range(coords(2, 3), np.array([np.inf])) == (0.0, 12.0)
    assert centred_range(np.array([np.nan])) == (0.0, 1.0)


def test_the_old_names_are_these_functions():
    # Pages import value_range from pooling.analysis.noise; figures from figures._cells.
    assert noise.value_range is input_scale
    assert _cells.value_range is centred_range


def test_shared_value_range_is_finite_range_with_a_photos_scale():
    photo = np.full((3, 4, 4), 9, np.uint8)
    outputs = [np.full((3, 2, 2), 300.0)]
    assert compare.shared_value_range(photo, outputs) == finite_range(*outputs, cover=(0, 255)) == (0.0, 300.0)
    x = coords(3, 3, np.float64)[None]
    assert compare.shared_value_range(x, [x[:, :2, :2] * 2]) == finite_range(x, x[:, :2, :2] * 2) == (0.0, 22.0)
