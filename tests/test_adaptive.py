"""Tests of ``pooling.adaptive_pool2d`` and ``global_pool2d`` (PyTorch's adaptive pooling).

The brute force below derives each window from the rule in PyTorch's
``adaptive_max_pool2d`` / ``adaptive_avg_pool2d`` kernels, with exact
rational arithmetic: output ``i`` of ``n`` over a length ``L`` pools input
``[floor(i L / n), ceil((i + 1) L / n))``. The max scan is PyTorch's: a cell
replaces the running best when it is strictly larger or NaN, so ties keep
the first cell in row-major order and a NaN window reports its last NaN.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from helpers import coords, hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling
from pooling.adaptive import adaptive_axis

SETTINGS = hypothesis_settings(60)


def window(i, length, n):
    """Input cells of adaptive window ``i`` of ``n`` over ``length`` cells."""
    start = math.floor(Fraction(i * length, n))
    end = math.ceil(Fraction((i + 1) * length, n))
    return range(start, end)


def brute_adaptive(x, mode, oh, ow):
    """Adaptive pooling cell by cell: values, and flat indices for max."""
    planes = x[None] if x.ndim == 2 else x
    n_ch, h, w = planes.shape
    values = np.zeros((n_ch, oh, ow))
    indices = np.zeros((n_ch, oh, ow), dtype=np.int64)
    for c in range(n_ch):
        for i in range(oh):
            for j in range(ow):
                cells = [(r, q) for r in window(i, h, oh) for q in window(j, w, ow)]
                vals = [float(planes[c, r, q]) for r, q in cells]
                if mode == "max":
                    best = 0
                    for t in range(1, len(vals)):
                        if vals[t] > vals[best] or math.isnan(vals[t]):
                            best = t
                    values[c, i, j] = vals[best]
                    indices[c, i, j] = cells[best][0] * w + cells[best][1]
                else:
                    values[c, i, j] = math.fsum(vals) / len(vals)
    if x.ndim == 2:
        return values[0], indices[0]
    return values, indices


# --- windows -----------------------------------------------------------------


def test_axis_windows_by_hand():
    # 5 cells into 3: [0, 5/3) -> 0..1, [5/3, 10/3) -> 1..3, [10/3, 5) -> 3..4.
    ax = adaptive_axis(5, 3)
    assert [ax.positions[i, ax.member[i]].tolist() for i in range(3)] == [[0, 1], [1, 2, 3], [3, 4]]
    assert ax.step is None


def test_axis_windows_when_output_exceeds_input():
    # 3 cells into 5: windows overlap and repeat cells, as PyTorch allows.
    ax = adaptive_axis(3, 5)
    assert [ax.positions[i, ax.member[i]].tolist() for i in range(5)] == [[0], [0, 1], [1], [1, 2], [2]]


@pytest.mark.parametrize(("length", "n"), [(1, 1), (7, 1), (7, 7), (8, 3), (9, 4), (4, 9), (12, 5)])
def test_axis_windows_follow_floor_and_ceil(length, n):
    ax = adaptive_axis(length, n)
    assert ax.n_out == n
    for i in range(n):
        assert ax.positions[i, ax.member[i]].tolist() == list(window(i, length, n))
    assert (ax.in_bounds == ax.member).all()
    assert (ax.counted == ax.member).all()


def test_max_on_coordinates_by_hand():
    # Rows and cols both split into 0..1, 1..3, 3..4: each max is the window's bottom-right cell.
    r = pooling.adaptive_pool2d(coords(5, 5), "max", 3)
    assert r.values.tolist() == [[11, 13, 14], [31, 33, 34], [41, 43, 44]]
    assert r.indices.tolist() == [[6, 8, 9], [16, 18, 19], [21, 23, 24]]
    assert r.mode == "adaptive-max"
    assert r.values.dtype == coords(5, 5).dtype


def test_avg_on_coordinates_by_hand():
    # Window (0, 0) is rows 0..1, cols 0..1: (0 + 1 + 10 + 11) / 4; window (1, 1) is 3x3 around 22.
    r = pooling.adaptive_pool2d(coords(5, 5).astype(np.float64), "avg", 3)
    assert r.values[0, 0] == 5.5
    assert r.values[1, 1] == 22.0
    assert r.values[2, 2] == 38.5
    assert r.mode == "adaptive-avg"
    assert r.indices is None


def test_rectangular_output_and_none_keeps_a_side():
    x = coords(4, 6)
    r = pooling.adaptive_pool2d(x, "max", (2, None))
    assert r.values.tolist() == [[10, 11, 12, 13, 14, 15], [30, 31, 32, 33, 34, 35]]
    assert pooling.adaptive_pool2d(x, "max", (None, 3)).values.tolist() == [
        [1, 3, 5], [11, 13, 15], [21, 23, 25], [31, 33, 35]
    ]


# --- against the brute force ------------------------------------------------


@st.composite
def adaptive_cases(draw):
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int16, np.uint8]))
    shape = draw(st.tuples(st.integers(1, 2), st.integers(1, 9), st.integers(1, 9)))
    if np.dtype(dtype).kind == "f":
        # A few distinct values make ties common; NaN and -inf test the scan.
        elements = st.sampled_from([0.0, 1.0, 2.0, -1.5, 7.25, -np.inf, np.nan])
    else:
        elements = st.integers(0, 4)
    x = draw(hnp.arrays(dtype, shape, elements=elements))
    if draw(st.booleans()):
        x = x[0]
    out = (draw(st.integers(1, 11)), draw(st.integers(1, 11)))
    return x, out


@SETTINGS
@given(adaptive_cases())
def test_max_matches_brute_force(case):
    x, (oh, ow) = case
    r = pooling.adaptive_pool2d(x, "max", (oh, ow))
    values, indices = brute_adaptive(x, "max", oh, ow)
    np.testing.assert_array_equal(r.values.astype(np.float64), values)
    np.testing.assert_array_equal(r.indices, indices)
    assert r.values.dtype == x.dtype
    assert r.indices.dtype == np.int64


@SETTINGS
@given(adaptive_cases())
def test_avg_matches_brute_force(case):
    x, (oh, ow) = case
    x = np.where(np.isfinite(x), x, 3.0).astype(x.dtype) if x.dtype.kind == "f" else x
    r = pooling.adaptive_pool2d(x, "avg", (oh, ow))
    values, _ = brute_adaptive(x, "avg", oh, ow)
    assert r.values.dtype == pooling.float_dtype(x.dtype)
    rtol = 1e-12 if r.values.dtype == np.float64 else 1e-6
    np.testing.assert_allclose(r.values, values, rtol=rtol, atol=1e-12)


@SETTINGS
@given(adaptive_cases())
def test_avg_weights_reproduce_the_values(case):
    x, (oh, ow) = case
    x = np.where(np.isfinite(x), x, 3.0) if x.dtype.kind == "f" else x.astype(np.float64)
    r = pooling.adaptive_pool2d(x, "avg", (oh, ow))
    planes = x[None] if x.ndim == 2 else x
    weights = r.weights if x.ndim == 3 else r.weights[None]
    np.testing.assert_allclose(weights.sum(-1), 1.0)
    gathered = r.grid.gather(planes)
    np.testing.assert_allclose((weights * gathered).sum(-1), r.values if x.ndim == 3 else r.values[None])


# --- identity and global pooling --------------------------------------------


@SETTINGS
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=3, max_dims=3, max_side=8),
                  elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_own_size_is_the_identity(x):
    _c, h, w = x.shape
    r = pooling.adaptive_pool2d(x, "max", (h, w))
    np.testing.assert_array_equal(r.values, x)
    np.testing.assert_array_equal(r.indices, np.broadcast_to(np.arange(h * w).reshape(h, w), x.shape))
    np.testing.assert_array_equal(pooling.adaptive_pool2d(x, "avg", (h, w)).values, x)


def test_own_size_is_the_identity_for_integers_in_2d():
    x = coords(3, 7).astype(np.uint8)
    r = pooling.adaptive_pool2d(x, "max", x.shape)
    assert r.values.dtype == np.uint8
    np.testing.assert_array_equal(r.values, x)
    np.testing.assert_array_equal(r.indices, np.arange(21).reshape(3, 7))
    avg = pooling.adaptive_pool2d(x, "avg", x.shape).values
    assert avg.dtype == np.float32
    np.testing.assert_array_equal(avg, x)


@SETTINGS
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=3, max_dims=3, max_side=8),
                  elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_output_size_one_is_global_pooling(x):
    c, _h, _w = x.shape
    r = pooling.adaptive_pool2d(x, "max", 1)
    np.testing.assert_array_equal(r.values[:, 0, 0], x.max(axis=(1, 2)))
    # np.argmax keeps the first maximum in row-major order: PyTorch's tie rule.
    np.testing.assert_array_equal(r.indices[:, 0, 0], x.reshape(c, -1).argmax(axis=1))
    avg = pooling.adaptive_pool2d(x, "avg", 1).values[:, 0, 0]
    np.testing.assert_allclose(avg, x.mean(axis=(1, 2)), rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(pooling.global_pool2d(x, "max").values, r.values)
    np.testing.assert_array_equal(pooling.global_pool2d(x).values, pooling.adaptive_pool2d(x, "avg", 1).values)


def test_global_pooling_by_hand():
    x = np.array([[5, 6], [7, 9]])
    assert pooling.global_pool2d(x, "avg").values.tolist() == [[6.75]]
    r = pooling.global_pool2d(x, "max")
    assert r.values.tolist() == [[9]]
    assert r.indices.tolist() == [[3]]


# --- ties and NaN, as max_pool ----------------------------------------------


def test_ties_go_to_the_first_cell_of_each_window():
    r = pooling.adaptive_pool2d(np.full((5, 5), 7.0), "max", 3)
    # Window starts are rows/cols 0, 1, 3: the first cell of each window wins.
    assert r.indices.tolist() == [[0, 1, 3], [5, 6, 8], [15, 16, 18]]


def test_nan_propagates_and_reports_the_last_nan():
    x = np.zeros((4, 4))
    x[0, 1] = np.nan
    x[1, 0] = np.nan
    x[3, 3] = 5.0
    r = pooling.adaptive_pool2d(x, "max", 2)
    assert np.isnan(r.values[0, 0])
    assert r.indices[0, 0] == 4  # (1, 0) comes after (0, 1) in row-major order
    assert r.values[1, 1] == 5.0


def test_nan_on_an_uneven_grid():
    # 5 into 2: windows 0..2 and 2..4 share row/col 2, so a NaN there poisons all four.
    x = coords(5, 5).astype(np.float64)
    x[2, 2] = np.nan
    r = pooling.adaptive_pool2d(x, "max", 2)
    assert np.isnan(r.values).all()
    assert (r.indices == 12).all()


def test_minus_infinity_window_reports_its_first_cell():
    x = np.full((4, 4), -np.inf)
    x[3, 3] = 1.0
    r = pooling.adaptive_pool2d(x, "max", 2)
    assert r.values.tolist() == [[-np.inf, -np.inf], [-np.inf, 1.0]]
    assert r.indices.tolist() == [[0, 2], [8, 15]]


def test_adaptive_max_agrees_with_pool2d_when_the_size_divides():
    x = np.random.default_rng(0).integers(0, 5, size=(2, 6, 8)).astype(np.float32)
    a = pooling.adaptive_pool2d(x, "max", (3, 2))
    p = pooling.pool2d(x, "max", (2, 4))
    np.testing.assert_array_equal(a.values, p.values)
    np.testing.assert_array_equal(a.indices, p.indices)


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize("size", [0, -1, (0, 2), (2, -3)])
def test_output_size_below_one(size):
    with raises(ValueError, f"output_size ({size!r}) must be at least 1 in each dimension"):
        pooling.adaptive_pool2d(coords(4, 4), "max", size)


def test_output_size_list_of_wrong_length():
    with raises(ValueError, "output_size ([1, 2, 3]) must be an int or a pair of ints (h, w)"):
        pooling.adaptive_pool2d(coords(4, 4), "avg", [1, 2, 3])


def test_output_size_tuple_of_wrong_length():
    with raises(ValueError, "output_size ((1, 2, 3)) must be an int or a pair of ints (h, w)"):
        pooling.adaptive_pool2d(coords(4, 4), "max", (1, 2, 3))


@pytest.mark.parametrize(("size", "kind"), [(2.0, "float"), (None, "NoneType"), ((2, 1.5), "float")])
def test_output_size_not_an_int(size, kind):
    with raises(TypeError, f"output_size ({size!r}) must be an int or a pair of ints, not {kind}"):
        pooling.adaptive_pool2d(coords(4, 4), "max", size)


@pytest.mark.parametrize("mode", ["min", "lp", "MAX", None])
def test_unknown_mode(mode):
    with raises(ValueError, f"mode ({mode!r}) must be one of 'max', 'avg'"):
        pooling.adaptive_pool2d(coords(4, 4), mode, 2)


def test_bad_input():
    with raises(ValueError, "x must be (H, W) or (C, H, W), got 1-D shape (4,)"):
        pooling.adaptive_pool2d(np.arange(4), "max", 1)
    with raises(TypeError, "x has dtype bool"):
        pooling.adaptive_pool2d(np.ones((2, 2), bool), "avg", 1)
    with raises(ValueError, "x is empty (shape (0, 3))"):
        pooling.adaptive_pool2d(np.zeros((0, 3)), "avg", 1)


# --- global pooling of photo-sized planes -----------------------------------


def test_global_pooling_of_a_photo_sized_plane_has_no_tap_overflow():
    # One window of 512 x 512 = 262144 taps: more than a uint16 tap number holds.
    x = np.random.default_rng(1).integers(0, 256, (3, 512, 512), dtype=np.uint8)
    x[1, 300, 7] = 255
    r = pooling.global_pool2d(x, "max")
    np.testing.assert_array_equal(r.values[:, 0, 0], x.max(axis=(1, 2)))
    np.testing.assert_array_equal(r.indices[:, 0, 0], x.reshape(3, -1).argmax(axis=1))
    avg = pooling.global_pool2d(x, "avg").values
    assert avg.dtype == np.float32 and avg.shape == (3, 1, 1)
    # Exact integer sums: the mean is right to float32's last bit, not float32 accumulation's drift.
    np.testing.assert_array_equal(avg[:, 0, 0], x.mean(axis=(1, 2)).astype(np.float32))


def test_global_pooling_keeps_the_nan_and_tie_rules():
    x = np.zeros((2, 3, 4))
    x[0, 0, 1] = x[0, 2, 2] = np.nan
    x[1] = 7.0
    r = pooling.global_pool2d(x, "max")
    assert np.isnan(r.values[0, 0, 0]) and r.indices[0, 0, 0] == 10  # the last NaN
    assert r.values[1, 0, 0] == 7.0 and r.indices[1, 0, 0] == 0  # ties: the first cell


def test_global_average_weights_sum_to_one():
    r = pooling.global_pool2d(coords(3, 4).astype(float))
    np.testing.assert_allclose(r.weights.sum(-1), 1.0)
    np.testing.assert_allclose((r.weights * r.input.reshape(1, 1, 1, -1)).sum(-1), r.values[None])


def test_global_pooling_names_a_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        pooling.global_pool2d(np.ones((2, 2)), "min")


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_windows_of_more_than_65535_cells_number_their_taps_in_uint32(mode):
    x = np.zeros((1, 300, 300))
    x[0, 299, 298] = 7.0
    r = pooling.adaptive_pool2d(x, mode, 1)
    if mode == "avg":
        assert r.values[0, 0, 0] == 7.0 / 90000
    else:
        assert r.tap.dtype == np.uint32 and r.indices[0, 0, 0] == 299 * 300 + 298
