"""Tests of ``pooling.fractional_max_pool2d`` (Graham 2014) against PyTorch's interval rule.

The brute force re-implements ``generate_intervals`` of PyTorch's
``FractionalMaxPool2d.cpp`` one scalar at a time, in the input's float type::

    alpha = (L - k) / (n - 1)
    start[i] = int((i + u) * alpha) - int(u * alpha)   for i < n - 1
    start[n - 1] = L - k

``u`` is ``samples[c, 0]`` for the width and ``samples[c, 1]`` for the
height. Each window is then scanned in row-major order; a cell replaces the
running best when it is strictly larger or NaN.
"""

import math

import numpy as np
import pytest
from helpers import coords, hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling

SETTINGS = hypothesis_settings(60)


def torch_starts(u, length, n, k, ftype):
    """PyTorch's ``generate_intervals``, scalar by scalar in ``ftype``."""
    u = ftype(u)
    starts = []
    if n > 1:
        alpha = ftype(length - k) / ftype(n - 1)
        for i in range(n - 1):
            starts.append(int((ftype(i) + u) * alpha) - int(u * alpha))
    starts.append(length - k)
    return starts


def brute_fractional(x, kernel, out, samples):
    """Fractional max pooling cell by cell: values, flat indices and window starts per channel."""
    planes = x[None] if x.ndim == 2 else x
    n_ch, h, w = planes.shape
    (kh, kw), (oh, ow) = kernel, out
    ftype = np.float64 if x.dtype == np.float64 else np.float32
    values = np.zeros((n_ch, oh, ow), dtype=x.dtype)
    indices = np.zeros((n_ch, oh, ow), dtype=np.int64)
    starts = []
    for c in range(n_ch):
        row_starts = torch_starts(samples[c][1], h, oh, kh, ftype)
        col_starts = torch_starts(samples[c][0], w, ow, kw, ftype)
        starts.append((row_starts, col_starts))
        for i, r0 in enumerate(row_starts):
            for j, c0 in enumerate(col_starts):
                best, best_index = -math.inf, r0 * w + c0
                for r in range(r0, r0 + kh):
                    for q in range(c0, c0 + kw):
                        v = float(planes[c, r, q])
                        if v > best or math.isnan(v):
                            best, best_index = v, r * w + q
                values[c, i, j] = best
                indices[c, i, j] = best_index
    if x.ndim == 2:
        return values[0], indices[0], starts
    return values, indices, starts


# --- the interval rule by hand ----------------------------------------------


def test_docstring_case_by_hand():
    # u = 0.3 (width) and 0.7 (height), alpha = 3 / 2: both axes start at 0, 1, 3.
    r = pooling.fractional_max_pool2d(coords(5, 5, np.float64), 2, output_size=3, samples=[[0.3, 0.7]])
    assert r.grid.rows.positions[:, 0].tolist() == [0, 1, 3]
    assert r.grid.cols.positions[:, 0].tolist() == [0, 1, 3]
    assert r.values.tolist() == [[11, 12, 14], [21, 22, 24], [41, 42, 44]]
    assert r.indices.tolist() == [[6, 7, 9], [11, 12, 14], [21, 22, 24]]
    assert r.mode == "fractional"


def test_column_0_drives_the_width_and_column_1_the_height():
    # L = 10, n = 4, k = 2, alpha = 8 / 3: u = 0 starts 0, 2, 5, 8; u = 0.5 starts 0, 3, 5, 8.
    x = coords(10, 10, np.float64)
    r = pooling.fractional_max_pool2d(x, 2, output_size=4, samples=[[0.0, 0.5]])
    assert r.grid.cols.positions[:, 0].tolist() == [0, 2, 5, 8]
    assert r.grid.rows.positions[:, 0].tolist() == [0, 3, 5, 8]
    # Each max is its window's bottom-right cell: rows 1, 4, 6, 9 and cols 1, 3, 6, 9.
    assert r.values.tolist() == [[10 * a + b for b in (1, 3, 6, 9)] for a in (1, 4, 6, 9)]
    swapped = pooling.fractional_max_pool2d(x, 2, output_size=4, samples=[[0.5, 0.0]])
    assert swapped.grid.cols.positions[:, 0].tolist() == [0, 3, 5, 8]
    assert swapped.grid.rows.positions[:, 0].tolist() == [0, 2, 5, 8]


def test_single_output_window_sits_at_the_end():
    r = pooling.fractional_max_pool2d(coords(5, 6, np.float64), (2, 3), output_size=1, samples=[[0.9, 0.1]])
    assert r.grid.rows.positions.tolist() == [[3, 4]]
    assert r.grid.cols.positions.tolist() == [[3, 4, 5]]
    assert r.values.tolist() == [[45]]


def test_output_plus_kernel_minus_one_equal_to_input_is_stride_one():
    # alpha = 1: every window starts one cell after the last, whatever u is.
    x = coords(4, 5, np.float64)
    r = pooling.fractional_max_pool2d(x, 2, output_size=(3, 4), samples=[[0.77, 0.31]])
    dense = pooling.pool2d(x, "max", 2, stride=1)
    np.testing.assert_array_equal(r.values, dense.values)
    np.testing.assert_array_equal(r.indices, dense.indices)


# --- against the brute force ------------------------------------------------


@st.composite
def fractional_cases(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    n_ch = draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 16)), draw(st.integers(1, 16))
    kh, kw = draw(st.integers(1, min(h, 4))), draw(st.integers(1, min(w, 4)))
    oh, ow = draw(st.integers(1, h - kh + 1)), draw(st.integers(1, w - kw + 1))
    elements = st.sampled_from([0.0, 1.0, 2.0, -3.5, 9.0, -np.inf, np.nan])
    x = draw(hnp.arrays(dtype, (n_ch, h, w), elements=elements))
    width = 32 if dtype == np.float32 else 64
    samples = draw(hnp.arrays(dtype, (n_ch, 2), elements=st.floats(0, 1, exclude_max=True, width=width)))
    if n_ch == 1 and draw(st.booleans()):
        x = x[0]
    return x, (kh, kw), (oh, ow), samples


@SETTINGS
@given(fractional_cases())
def test_matches_brute_force(case):
    x, kernel, out, samples = case
    r = pooling.fractional_max_pool2d(x, kernel, output_size=out, samples=samples)
    values, indices, starts = brute_fractional(x, kernel, out, samples)
    np.testing.assert_array_equal(r.values, values)
    np.testing.assert_array_equal(r.indices, indices)
    assert r.values.dtype == x.dtype
    assert r.indices.dtype == np.int64
    for grid, (row_starts, col_starts) in zip(r.channel_grids, starts):
        assert grid.rows.positions[:, 0].tolist() == row_starts
        assert grid.cols.positions[:, 0].tolist() == col_starts
        assert grid.kernel == kernel


@SETTINGS
@given(fractional_cases())
def test_indices_point_to_the_window_max(case):
    x, kernel, out, samples = case
    x = np.where(np.isnan(x), 0, x).astype(x.dtype)
    r = pooling.fractional_max_pool2d(x, kernel, output_size=out, samples=samples)
    planes = x.reshape((-1,) + x.shape[-2:])
    values = r.values.reshape((-1,) + out)
    indices = r.indices.reshape((-1,) + out)
    for c, grid in enumerate(r.channel_grids):
        np.testing.assert_array_equal(planes[c].flat[indices[c]], values[c])
        window_max = grid.gather(planes[c : c + 1], fill=-np.inf)[0].max(axis=-1)
        np.testing.assert_array_equal(values[c], window_max)


def test_matches_torch_on_random_cases():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for trial in range(60):
        dtype = (np.float32, np.float64)[trial % 2]
        n_ch, h, w = int(rng.integers(1, 4)), int(rng.integers(2, 30)), int(rng.integers(2, 30))
        kh, kw = int(rng.integers(1, min(h, 5) + 1)), int(rng.integers(1, min(w, 5) + 1))
        oh, ow = int(rng.integers(1, h - kh + 2)), int(rng.integers(1, w - kw + 2))
        x = rng.integers(-3, 4, size=(n_ch, h, w)).astype(dtype)  # small integers: many ties
        samples = rng.random((n_ch, 2)).astype(dtype)
        expected, expected_idx = torch.nn.functional.fractional_max_pool2d(
            torch.from_numpy(x)[None], (kh, kw), output_size=(oh, ow), return_indices=True,
            _random_samples=torch.from_numpy(samples)[None],
        )
        r = pooling.fractional_max_pool2d(x, (kh, kw), output_size=(oh, ow), samples=samples)
        np.testing.assert_array_equal(r.values, expected[0].numpy())
        np.testing.assert_array_equal(r.indices, expected_idx[0].numpy())


def test_float16_windows_follow_half_precision_arithmetic():
    # L = 9, n = 7, k = 2, u = 0.140625: alpha = 7/6 rounds to 1.167 in half, and
    # (5 + u) * alpha rounds to 6.0 (start 6), where float32 gives 5.9997 (start 5).
    x = np.arange(18, dtype=np.float16).reshape(9, 2)
    r = pooling.fractional_max_pool2d(x, 2, output_size=(7, 1), samples=np.array([[0.0, 0.140625]], np.float16))
    assert torch_starts(0.140625, 9, 7, 2, np.float16) == [0, 1, 2, 3, 4, 6, 7]
    # The indices PyTorch 2.x returns for this input (each window's bottom-right cell).
    assert r.indices[:, 0].tolist() == [3, 5, 7, 9, 11, 15, 17]


# --- output_ratio, rng, channels ----------------------------------------------


def test_output_ratio_truncates_like_torch():
    x = coords(10, 7, np.float64)
    r = pooling.fractional_max_pool2d(x, 2, output_ratio=0.5, samples=[[0.2, 0.4]])
    assert r.values.shape == (5, 3)  # int(10 * 0.5), int(7 * 0.5)
    assert r.params["output_size"] == (5, 3)
    r = pooling.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.75), samples=[[0.2, 0.4]])
    assert r.values.shape == (5, 5)  # int(7 * 0.75) = 5
    same = pooling.fractional_max_pool2d(x, 2, output_size=(5, 5), samples=[[0.2, 0.4]])
    np.testing.assert_array_equal(r.values, same.values)


def test_same_seed_same_result():
    x = np.random.default_rng(1).random((3, 12, 11))
    a = pooling.fractional_max_pool2d(x, 2, output_size=(7, 6), rng=42)
    b = pooling.fractional_max_pool2d(x, 2, output_size=(7, 6), rng=42)
    np.testing.assert_array_equal(a.params["samples"], b.params["samples"])
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.indices, b.indices)
    c = pooling.fractional_max_pool2d(x, 2, output_size=(7, 6), rng=43)
    assert not np.array_equal(a.params["samples"], c.params["samples"])


def test_generator_is_used_and_samples_are_recorded():
    x = np.random.default_rng(1).random((2, 12, 11)).astype(np.float32)
    r = pooling.fractional_max_pool2d(x, 2, output_size=(7, 6), rng=np.random.default_rng(5))
    samples = r.params["samples"]
    assert samples.shape == (2, 2)
    assert samples.dtype == np.float32
    assert ((samples >= 0) & (samples < 1)).all()
    again = pooling.fractional_max_pool2d(x, 2, output_size=(7, 6), samples=samples)
    np.testing.assert_array_equal(again.indices, r.indices)


def test_each_channel_has_its_own_windows():
    x = np.stack([coords(10, 10, np.float64), coords(10, 10, np.float64)[::-1, ::-1].copy()])
    r = pooling.fractional_max_pool2d(x, 2, output_size=4, samples=[[0.0, 0.0], [0.5, 0.5]])
    g0, g1 = r.channel_grids
    assert g0.rows.positions[:, 0].tolist() == [0, 2, 5, 8]
    assert g1.rows.positions[:, 0].tolist() == [0, 3, 5, 8]
    assert g1.cols.positions[:, 0].tolist() == [0, 3, 5, 8]
    assert r.grid_for(1) is g1
    assert r.grid is g0
    # Channel 1 is reversed: each window's max is its top-left cell, on channel 1's own grid.
    expected = [[a * 10 + b for b in (0, 3, 5, 8)] for a in (0, 3, 5, 8)]
    assert r.indices[1].tolist() == expected
    for c in range(2):
        np.testing.assert_array_equal(x[c].flat[r.indices[c]], r.values[c])


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize("sizes", [{}, {"output_size": 2, "output_ratio": 0.5}])
def test_exactly_one_of_output_size_and_ratio(sizes):
    with raises(ValueError, "give exactly one of output_size and output_ratio"):
        pooling.fractional_max_pool2d(coords(6, 6, np.float64), 2, **sizes)


@pytest.mark.parametrize("ratio", [0, 1, 1.5, -0.25, (0.5, 1.0), (0.5,), (0.5, 0.5, 0.5), "0.5", np.nan])
def test_ratio_outside_the_open_unit_interval(ratio):
    with raises(ValueError, f"output_ratio ({ratio!r}) must be a number or pair in (0, 1)"):
        pooling.fractional_max_pool2d(coords(6, 6, np.float64), 2, output_ratio=ratio)


def test_ratio_that_gives_an_empty_output():
    with raises(ValueError, "output_ratio (0.1) gives output size (0, 0) on a 5x5 input"):
        pooling.fractional_max_pool2d(coords(5, 5, np.float64), 2, output_ratio=0.1)


def test_output_that_does_not_fit_the_height():
    with raises(
        ValueError,
        "fractional output height 5 with kernel 2 does not fit the input height 5: "
        "output + kernel_size - 1 (6) must be at most 5",
    ):
        pooling.fractional_max_pool2d(coords(5, 5, np.float64), 2, output_size=5)


def test_output_that_does_not_fit_the_width():
    with raises(
        ValueError,
        "fractional output width 4 with kernel 3 does not fit the input width 5: "
        "output + kernel_size - 1 (6) must be at most 5",
    ):
        pooling.fractional_max_pool2d(coords(8, 5, np.float64), 3, output_size=(2, 4))


@pytest.mark.parametrize(("name", "value"), [("kernel_size", 0), ("output_size", 0), ("output_size", (2, -1))])
def test_sizes_below_one(name, value):
    kwargs = {"kernel_size": 2, "output_size": 2, name: value}
    with raises(ValueError, f"{name} ({value!r}) must be at least 1"):
        pooling.fractional_max_pool2d(coords(6, 6, np.float64), **kwargs)


def test_kernel_size_float():
    with raises(TypeError, "kernel_size (2.0) must be an int or a pair of ints, not float"):
        pooling.fractional_max_pool2d(coords(6, 6, np.float64), 2.0, output_size=2)


@pytest.mark.parametrize(("samples", "shape"), [([0.5, 0.5], "(2,)"), ([[0.1, 0.2], [0.3, 0.4]], "(2, 2)"),
                                                ([[0.1, 0.2, 0.3]], "(1, 3)")])
def test_samples_of_the_wrong_shape(samples, shape):
    with raises(ValueError, f"samples must have shape (1, 2), got {shape}"):
        pooling.fractional_max_pool2d(coords(6, 6, np.float64), 2, output_size=3, samples=samples)


def test_samples_of_the_wrong_shape_for_channels():
    with raises(ValueError, "samples must have shape (3, 2), got (1, 2)"):
        pooling.fractional_max_pool2d(np.zeros((3, 6, 6)), 2, output_size=3, samples=[[0.1, 0.2]])


@pytest.mark.parametrize("bad", [1.0, -0.1, 2.0, np.nan])
def test_samples_outside_the_unit_interval(bad):
    with raises(ValueError, "samples must lie in [0, 1)"):
        pooling.fractional_max_pool2d(coords(6, 6, np.float64), 2, output_size=3, samples=[[0.5, bad]])


def test_drawn_samples_never_round_up_to_one():
    rng = np.random.default_rng(0)
    # The 14,817,373rd double of this stream is 0.9999999984..., 1.0 in float32.
    rng.bit_generator.advance(14_817_372)
    r = pooling.fractional_max_pool2d(np.zeros((4, 4), np.float32), 2, output_size=2, rng=rng)
    assert (r.params["samples"] < 1).all()


def test_bad_input():
    with raises(ValueError, "x must be (H, W) or (C, H, W), got 4-D shape (1, 1, 4, 4)"):
        pooling.fractional_max_pool2d(np.zeros((1, 1, 4, 4)), 2, output_size=2)
    with raises(TypeError, "x has complex dtype complex128"):
        pooling.fractional_max_pool2d(np.zeros((4, 4), complex), 2, output_size=2)
