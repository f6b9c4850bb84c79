"""Small cases computed by hand, readable by eye.

Most inputs are ``x[i, j] = 10 * i + j``: a value names its own cell, so
every window and every argmax can be read off the array.
"""

import numpy as np
import pytest
from helpers import coords

import pooling


def test_coords_input_reads_as_its_cells():
    np.testing.assert_array_equal(coords(2, 3), [[0, 1, 2], [10, 11, 12]])


# --- max and min ----------------------------------------------------------


def test_max_2x2_picks_the_bottom_right_cell():
    x = coords(4, 4)
    r = pooling.pool2d(x, "max", 2)
    np.testing.assert_array_equal(r.values, [[11, 13], [31, 33]])
    # Flat index h * W + w of cells (1, 1), (1, 3), (3, 1), (3, 3).
    np.testing.assert_array_equal(r.indices, [[5, 7], [13, 15]])
    assert r.values.dtype == x.dtype and r.indices.dtype == np.int64


def test_min_2x2_picks_the_top_left_cell():
    r = pooling.pool2d(coords(4, 4), "min", 2)
    np.testing.assert_array_equal(r.values, [[0, 2], [20, 22]])
    np.testing.assert_array_equal(r.indices, [[0, 2], [8, 10]])


def test_rectangular_kernel_and_stride():
    # Windows are 2 rows by 3 columns: rows 0-1 / 2-3, cols 0-2 / 3-5.
    r = pooling.pool2d(coords(4, 6), "max", (2, 3), stride=(2, 3))
    np.testing.assert_array_equal(r.values, [[12, 15], [32, 35]])
    np.testing.assert_array_equal(r.indices, [[8, 11], [20, 23]])


def test_overlapping_windows_with_stride_one():
    r = pooling.pool2d(coords(3, 3), "max", 2, stride=1)
    np.testing.assert_array_equal(r.values, [[11, 12], [21, 22]])


def test_dilation_spreads_the_taps():
    # k=2, d=2: window (i, j) reads cells (i, j), (i, j+2), (i+2, j), (i+2, j+2).
    x = coords(5, 5)
    r = pooling.pool2d(x, "max", 2, stride=1, dilation=2)
    np.testing.assert_array_equal(r.values, [[22, 23, 24], [32, 33, 34], [42, 43, 44]])
    rows, cols, _ = r.grid.taps(0, 1)
    assert rows.tolist() == [0, 0, 2, 2] and cols.tolist() == [1, 3, 1, 3]
    np.testing.assert_array_equal(pooling.pool2d(x, "min", 2, stride=1, dilation=2).values, coords(3, 3))


def test_ceil_mode_5x5_with_k2_gives_3x3():
    x = coords(5, 5)
    assert pooling.pool2d(x, "max", 2).values.shape == (2, 2)
    r = pooling.pool2d(x, "max", 2, ceil_mode=True)
    # The last row and column of windows hang over the edge and hold one row / column.
    np.testing.assert_array_equal(r.values, [[11, 13, 14], [31, 33, 34], [41, 43, 44]])
    np.testing.assert_array_equal(r.indices, [[6, 8, 9], [16, 18, 19], [21, 23, 24]])


def test_tie_goes_to_the_first_cell_in_row_major_order():
    r = pooling.pool2d(np.array([[1, 7], [7, 3]]), "max", 2)
    assert r.values[0, 0] == 7 and r.indices[0, 0] == 1
    r = pooling.pool2d(np.full((2, 2), 4.0), "max", 2)
    assert r.indices[0, 0] == 0
    r = pooling.pool2d(np.array([[5, 1], [1, 5]]), "min", 2)
    assert r.values[0, 0] == 1 and r.indices[0, 0] == 1


def test_nan_wins_and_reports_the_last_nan():
    x = np.array([[np.nan, 5.0],
                  [np.nan, 9.0]])
    for mode in ("max", "min"):
        r = pooling.pool2d(x, mode, 2)
        assert np.isnan(r.values[0, 0]) and r.indices[0, 0] == 2, mode


def test_padding_never_wins():
    # All cells negative: the zero/-inf padding must not be the max.
    x = -1.0 - coords(2, 2)
    r = pooling.pool2d(x, "max", 2, stride=1, padding=1)
    np.testing.assert_array_equal(r.values, [[-1, -1, -2], [-1, -1, -2], [-11, -11, -12]])
    np.testing.assert_array_equal(r.indices, [[0, 0, 1], [0, 0, 1], [2, 2, 3]])


def test_all_minus_inf_window_reports_its_first_in_bounds_cell():
    x = np.full((2, 2), -np.inf)
    r = pooling.pool2d(x, "max", 2, stride=1, padding=1)
    np.testing.assert_array_equal(r.values, np.full((3, 3), -np.inf))
    # Window (1, 1) covers the whole input: first cell (0, 0). Window (2, 2): only (1, 1).
    np.testing.assert_array_equal(r.indices, [[0, 0, 1], [0, 0, 1], [2, 2, 3]])


def test_channels_pool_independently():
    a = coords(2, 4)
    r = pooling.pool2d(np.stack([a, -a]), "max", 2)
    np.testing.assert_array_equal(r.values, [[[11, 13]], [[0, -2]]])
    np.testing.assert_array_equal(r.indices, [[[5, 7]], [[0, 2]]])


# --- averages -------------------------------------------------------------


def test_average_of_5_6_7_9_is_6_75():
    r = pooling.pool2d(np.array([[5, 6], [7, 9]]), "avg", 2)
    assert r.values.tolist() == [[6.75]]
    np.testing.assert_array_equal(r.weights, [[[0.25, 0.25, 0.25, 0.25]]])
    assert r.indices is None


def test_average_of_coords():
    # Window rows 0-1, cols 0-1 of 10 i + j: (0 + 1 + 10 + 11) / 4 = 5.5.
    r = pooling.pool2d(coords(4, 4), "avg", 2)
    np.testing.assert_array_equal(r.values, [[5.5, 7.5], [25.5, 27.5]])


def test_padding_counts_in_the_divisor():
    r = pooling.pool2d(np.ones((3, 3)), "avg", 3, stride=1, padding=1)
    # Corners see 4 cells of 9, edges 6 of 9, the centre all 9.
    np.testing.assert_allclose(r.values, [[4 / 9, 6 / 9, 4 / 9], [6 / 9, 1, 6 / 9], [4 / 9, 6 / 9, 4 / 9]])
    np.testing.assert_allclose(r.weights[0, 0], np.full(9, 1 / 9))
    r = pooling.pool2d(np.ones((3, 3)), "avg", 3, stride=1, padding=1, count_include_pad=False)
    np.testing.assert_array_equal(r.values, np.ones((3, 3)))
    np.testing.assert_allclose(r.weights[0, 0], [0, 0, 0, 0, 1 / 4, 1 / 4, 0, 1 / 4, 1 / 4])


def test_ceil_mode_overhang_is_not_counted_but_padding_is():
    # 1..6, k=3, s=2, p=1, ceil_mode: windows [-1, 0, 1], [1, 2, 3], [3, 4, 5], [5, 6, 7].
    # Position 6 is right padding (counted), 7 is overhang (not counted): (6 + 0) / 2.
    x = np.arange(1.0, 7.0)[None]
    kwargs = dict(kernel_size=(1, 3), stride=(1, 2), padding=(0, 1), ceil_mode=True)
    np.testing.assert_array_equal(pooling.pool2d(x, "avg", **kwargs).values, [[1, 3, 5, 3]])
    np.testing.assert_array_equal(
        pooling.pool2d(x, "avg", count_include_pad=False, **kwargs).values, [[1.5, 3, 5, 6]]
    )


def test_ceil_mode_average_of_5x5():
    r = pooling.pool2d(coords(5, 5), "avg", 2, ceil_mode=True)
    # The last column of windows holds cols 4 only: (4 + 14) / 2 = 9; the corner is 44 alone.
    np.testing.assert_array_equal(r.values, [[5.5, 7.5, 9], [25.5, 27.5, 29], [40.5, 42.5, 44]])


def test_divisor_override():
    r = pooling.pool2d(np.array([[5, 6], [7, 9]]), "avg", 2, divisor_override=2)
    assert r.values.tolist() == [[13.5]]


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [(np.uint8, np.float32), (np.int8, np.float32), (np.int16, np.float32), (np.int32, np.float64),
     (np.int64, np.float64), (np.float16, np.float16), (np.float32, np.float32), (np.float64, np.float64)],
)
def test_average_dtypes(dtype, expected):
    r = pooling.pool2d(np.array([[5, 6], [7, 9]], dtype=dtype), "avg", 2)
    assert r.values.dtype == expected and r.values[0, 0] == 6.75
    assert pooling.float_dtype(dtype) == expected


def test_uint8_average_does_not_wrap():
    r = pooling.pool2d(np.array([[250, 250], [250, 251]], dtype=np.uint8), "avg", 2)
    assert r.values[0, 0] == np.float32(250.25)


# --- "same" padding -------------------------------------------------------


def test_same_padding_5x5_k2_s2_pads_bottom_right():
    # out = ceil(5 / 2) = 3; total padding (3 - 1) * 2 + 2 - 5 = 1, all of it at the bottom/right.
    x = coords(5, 5)
    r = pooling.pool2d(x, "max", 2, padding="same")
    np.testing.assert_array_equal(r.values, [[11, 13, 14], [31, 33, 34], [41, 43, 44]])
    rows, cols, in_bounds = r.grid.taps(2, 2)
    assert rows.tolist() == [4, 4, 5, 5] and cols.tolist() == [4, 5, 4, 5]
    assert in_bounds.tolist() == [True, False, False, False]
    # Averages divide by the in-bounds cells only (TensorFlow).
    avg = pooling.pool2d(x, "avg", 2, padding="same")
    np.testing.assert_array_equal(avg.values, [[5.5, 7.5, 9], [25.5, 27.5, 29], [40.5, 42.5, 44]])


def test_same_padding_k3_s1_keeps_the_size_and_pads_both_sides():
    r = pooling.pool2d(np.ones((5, 5)), "avg", 3, stride=1, padding="same")
    np.testing.assert_array_equal(r.values, np.ones((5, 5)))
    assert r.grid.taps(0, 0)[0].tolist() == [-1, -1, -1, 0, 0, 0, 1, 1, 1]


def test_same_padding_k2_s1_puts_the_odd_cell_at_the_bottom_right():
    x = coords(3, 3)
    r = pooling.pool2d(x, "avg", 2, stride=1, padding="same")
    # Last column: (x[i, 2] + x[i+1, 2]) / 2; last row: (x[2, j] + x[2, j+1]) / 2; corner 22.
    np.testing.assert_array_equal(r.values, [[5.5, 6.5, 7], [15.5, 16.5, 17], [20.5, 21.5, 22]])


def test_valid_padding_is_no_padding():
    x = coords(5, 5)
    np.testing.assert_array_equal(pooling.pool2d(x, "max", 2, padding="valid").values,
                                  pooling.pool2d(x, "max", 2).values)


# --- lp, stochastic, mixed ------------------------------------------------


def test_lp_norms():
    x = np.array([[3.0, -4.0]])
    assert pooling.pool2d(x, "lp", (1, 2)).values[0, 0] == 5.0
    assert pooling.pool2d(x, "lp", (1, 2), p=1).values[0, 0] == 7.0
    assert pooling.pool2d(x, "lp", (1, 2), p=np.inf).values[0, 0] == 4.0
    w = pooling.pool2d(x, "lp", (1, 2)).weights
    np.testing.assert_allclose(w, [[[9 / 25, 16 / 25]]])


def test_lp_ignores_padding():
    # ||(1, 2, 2)||_2 = 3 whatever the zero padding around it.
    x = np.array([[1.0, 2.0, 2.0]])
    r = pooling.pool2d(x, "lp", (1, 3), stride=1, padding=(0, 1))
    np.testing.assert_allclose(r.values, [[np.sqrt(5), 3, np.sqrt(8)]])


def test_lp_where_the_powers_leave_the_float_range_is_the_true_norm():
    # float32 255 ** 64 and float64 2e5 ** 64 overflow, 1e-200 ** 2 underflows: PyTorch gives inf and 0 there.
    np.testing.assert_allclose(pooling.pool2d(np.full((2, 2), 255, np.uint8), "lp", 2, p=64).values,
                               [[255 * 4 ** (1 / 64)]], rtol=1e-6)
    np.testing.assert_allclose(pooling.pool2d(np.array([[2e5, 0.0], [0.0, 0.0]]), "lp", 2, p=64).values, [[2e5]])
    np.testing.assert_allclose(pooling.pool2d(np.array([[3e-200, 4e-200]]), "lp", (1, 2), p=2).values, [[5e-200]])
    x = np.array([[3.0, 4.0, 1e5, 0.0], [0.0, 0.0, 0.0, 0.0]])
    r = pooling.pool2d(x, "lp", 2, p=64)
    assert r.values[0, 0] == (3.0**64 + 4.0**64) ** (1 / 64)  # a window that fits keeps PyTorch's arithmetic
    np.testing.assert_array_equal(r.weights[0, 1], [1, 0, 0, 0])  # the 1e5 window: all weight on 1e5
    inf = pooling.pool2d(np.array([[np.inf, 1.0]]), "lp", (1, 2), p=64).values
    assert np.isinf(inf).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.0, 64.0])
def test_lp_windows_of_zeros_stay_0_beside_windows_whose_powers_underflow(dtype, p):
    # A window of zeros (a black or clipped region) sums to 0, its true norm: it needs no rescue. A window whose
    # powers underflow still gets its true norm, in the same pooling or with no zeros around.
    tiny = float(np.finfo(dtype).smallest_subnormal)
    x = np.zeros((2, 6), dtype)
    x[:, 2:4] = 3.0
    x[0, 4] = tiny
    r = pooling.pool2d(x, "lp", 2, p=p).values
    assert r[0, 0] == 0 and r[0, 2] == dtype(tiny)
    np.testing.assert_allclose(r[0, 1], (4 * 3.0**p) ** (1 / p), rtol=1e-6)
    photo = np.zeros((4, 4), dtype)
    photo[2:, 2:] = 200.0
    pooled = pooling.pool2d(photo, "lp", 2, p=p).values
    assert pooled[0, 0] == pooled[0, 1] == pooled[1, 0] == 0
    np.testing.assert_allclose(pooled[1, 1], (4 * 200.0**p) ** (1 / p), rtol=1e-6)


def test_stochastic_eval_is_sum_of_squares_over_sum():
    x = np.array([[1.0, 2.0], [3.0, 0.0]])
    r = pooling.pool2d(x, "stochastic", 2, train=False)
    np.testing.assert_allclose(r.values, [[14 / 6]])
    np.testing.assert_allclose(r.weights, [[[1 / 6, 2 / 6, 3 / 6, 0]]])
    assert pooling.pool2d(np.zeros((2, 2)), "stochastic", 2, train=False).values[0, 0] == 0


def test_stochastic_eval_where_the_squares_leave_the_float_range_is_the_true_value():
    # sum(a^2) underflows on subnormal cells and overflows float32 from 1.9e19; sum(a^2) / sum(a) does neither.
    tiny = pooling.pool2d(np.array([[1e-320, 0.0], [5e-324, 1e-310]]), "stochastic", 2, train=False).values
    np.testing.assert_allclose(tiny, [[1e-310]], rtol=1e-9)
    small = pooling.pool2d(np.array([[1e-160, 2e-160]]), "stochastic", (1, 2), train=False).values
    np.testing.assert_allclose(small, [[5e-160 / 3]], rtol=1e-14)
    big = pooling.pool2d(np.array([[1e20, 3e20]], np.float32), "stochastic", (1, 2), train=False).values
    np.testing.assert_allclose(big, [[2.5e20]], rtol=1e-6)


def test_stochastic_train_picks_a_positive_cell():
    x = np.array([[0, 0, 0, 0],
                  [0, 8, 0, 0]], dtype=np.uint8)
    r = pooling.pool2d(x, "stochastic", 2, rng=3)
    # Window 0 has one positive cell, which must be picked; window 1 is all zero: its first cell.
    np.testing.assert_array_equal(r.values, [[8, 0]])
    np.testing.assert_array_equal(r.indices, [[5, 2]])
    assert r.values.dtype == np.uint8


def test_mixed_of_5_6_7_9():
    # 0.25 * 9 + 0.75 * 6.75 = 7.3125
    r = pooling.pool2d(np.array([[5, 6], [7, 9]]), "mixed", 2, alpha=0.25)
    assert r.values[0, 0] == 7.3125
    np.testing.assert_allclose(r.weights, [[[0.1875, 0.1875, 0.1875, 0.4375]]])


# --- sweep (window geometry: test_geometry.py) ---------------------------------------------------


def test_sweep_of_a_2x2_max():
    s = pooling.sweep_steps(pooling.pool2d(coords(4, 4), "max", 2))
    assert len(s) == 4
    assert [s.source(n) for n in range(4)] == [(1, 1), (1, 3), (3, 1), (3, 3)]
    assert s.describe(3) == "Step 4 of 4: window rows 2-3, cols 2-3; max 33 at (3, 3)"
    np.testing.assert_array_equal(s.output_so_far(0), [[11, np.nan], [np.nan, np.nan]])
    np.testing.assert_array_equal(s.output_so_far(3), [[11, 13], [31, 33]])


def test_format_value():
    assert pooling.format_value(8.0) == "8"
    assert pooling.format_value(6.75) == "6.75"
    assert pooling.format_value(1 / 3) == "0.3333"
    assert pooling.format_value(np.uint8(255)) == "255"
    assert pooling.format_value(float("nan")) == "nan"
    assert pooling.format_value(-np.inf) == "-inf"


# --- signed zeros ---------------------------------------------------------


def test_max_value_is_the_indexed_cell_down_to_the_sign_of_zero():
    """Down to the sign of zero, max returns the first maximum in window order (PyTorch: -0.0 here)."""
    x = np.array([[-0.0, 0.0]], dtype=np.float32)
    r = pooling.pool2d(x, "max", (1, 2))
    assert r.indices[0, 0] == 0
    assert np.signbit(r.values[0, 0]) == np.signbit(x.flat[r.indices[0, 0]])


def test_average_of_negative_zeros_is_positive_zero():
    """PyTorch sums from +0.0, so an all -0.0 window averages to +0.0."""
    r = pooling.pool2d(np.full((2, 2), -0.0, dtype=np.float32), "avg", 2)
    assert not np.signbit(r.values[0, 0])
