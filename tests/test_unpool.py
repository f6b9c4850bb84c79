"""Tests of ``pooling.max_unpool2d``: zeros except at the recorded cells, as PyTorch."""


import numpy as np
import pytest
from helpers import coords, hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling
from pooling.unpool import scatter_add

SETTINGS = hypothesis_settings(60)


def brute_unpool(values, indices, h, w):
    """Write each value at its flat index, cell by cell."""
    vals = values[None] if values.ndim == 2 else values
    idx = indices[None] if indices.ndim == 2 else indices
    out = np.zeros((vals.shape[0], h, w), dtype=values.dtype)
    for c in range(vals.shape[0]):
        for v, i in zip(vals[c].ravel(), idx[c].ravel()):
            out[c, i // w, i % w] = v
    return out[0] if values.ndim == 2 else out


def test_round_trip_by_hand():
    r = pooling.pool2d(coords(4, 4), "max", 2)
    out = pooling.max_unpool2d(r.values, r.indices, (4, 4))
    assert out.tolist() == [[0, 0, 0, 0], [0, 11, 0, 13], [0, 0, 0, 0], [0, 31, 0, 33]]
    assert out.dtype == r.values.dtype


def test_values_land_at_their_indices_not_at_window_corners():
    x = np.array([[1, 9, 0, 0], [2, 3, 0, 8]])
    r = pooling.pool2d(x, "max", 2)
    assert pooling.max_unpool2d(r.values, r.indices, (2, 4)).tolist() == [[0, 9, 0, 0], [0, 0, 0, 8]]


def test_overlapping_windows_write_one_cell_twice():
    x = np.zeros((3, 3))
    x[1, 1] = 5.0
    r = pooling.pool2d(x, "max", 2, stride=1)
    assert (r.indices == 4).all()
    out = pooling.max_unpool2d(r.values, r.indices, (3, 3))
    assert out.tolist() == [[0, 0, 0], [0, 5, 0], [0, 0, 0]]


@st.composite
def max_results(draw):
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int32, np.uint8]))
    shape = draw(st.tuples(st.integers(1, 3), st.integers(2, 9), st.integers(2, 9)))
    x = draw(hnp.arrays(dtype, shape, elements=st.integers(1, 50)))
    if draw(st.booleans()):
        x = x[0]
    kernel = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return x, pooling.pool2d(x, draw(st.sampled_from(["max", "min"])), kernel, stride=stride)


@SETTINGS
@given(max_results())
def test_round_trip_matches_brute_force(case):
    x, r = case
    h, w = x.shape[-2:]
    out = pooling.max_unpool2d(r.values, r.indices, (h, w))
    assert out.shape == x.shape
    assert out.dtype == r.values.dtype
    np.testing.assert_array_equal(out, brute_unpool(r.values, r.indices, h, w))
    planes = out.reshape(-1, h * w)
    idx = r.indices.reshape(planes.shape[0], -1)
    # Values at the indices, and (inputs are >= 1) zeros everywhere else.
    np.testing.assert_array_equal(np.take_along_axis(planes, idx, 1), r.values.reshape(idx.shape))
    kept = np.zeros(planes.shape, bool)
    np.put_along_axis(kept, idx, True, 1)
    assert (planes[~kept] == 0).all()
    assert (planes[kept] != 0).all()


def test_three_d_channels_are_independent():
    x = np.stack([coords(4, 4), 100 - coords(4, 4)])
    r = pooling.pool2d(x, "max", 2)
    out = pooling.max_unpool2d(r.values, r.indices, (4, 4))
    assert out[0].tolist() == [[0, 0, 0, 0], [0, 11, 0, 13], [0, 0, 0, 0], [0, 31, 0, 33]]
    assert out[1].tolist() == [[100, 0, 98, 0], [0, 0, 0, 0], [80, 0, 78, 0], [0, 0, 0, 0]]


def test_channels_do_not_spill_into_each_other_at_plane_edges():
    # The unpooling writes all channels into one flat buffer: the last cell of one plane and the
    # first of the next must stay apart.
    values = np.array([[[7]], [[8]], [[9]]], dtype=np.int16)
    indices = np.array([[[5]], [[0]], [[5]]])
    out = pooling.max_unpool2d(values, indices, (2, 3))
    assert out.tolist() == [[[0, 0, 0], [0, 0, 7]], [[8, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 9]]]
    assert out.dtype == np.int16


def test_output_size_may_be_a_full_shape_or_a_list():
    r = pooling.pool2d(np.arange(32.0).reshape(2, 4, 4), "max", 2)
    a = pooling.max_unpool2d(r.values, r.indices, (2, 4, 4))
    b = pooling.max_unpool2d(r.values, r.indices, [4, 4])
    c = pooling.max_unpool2d(r.values, r.indices, (np.int64(4), np.int64(4)))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_output_size_larger_than_the_pooled_input():
    # As PyTorch: the index is read in the plane of output_size, here 5 wide.
    out = pooling.max_unpool2d(np.array([[7.0]]), np.array([[6]]), (2, 5))
    assert out.tolist() == [[0, 0, 0, 0, 0], [0, 7, 0, 0, 0]]


def test_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.standard_normal((2, int(rng.integers(2, 12)), int(rng.integers(2, 12))))
        r = pooling.pool2d(x, "max", 2, ceil_mode=True)
        expected = torch.nn.functional.max_unpool2d(
            torch.from_numpy(r.values)[None], torch.from_numpy(r.indices)[None], 2, output_size=x.shape[1:]
        )[0].numpy()
        np.testing.assert_array_equal(pooling.max_unpool2d(r.values, r.indices, x.shape[1:]), expected)


def test_scatter_add_sums_duplicates():
    out = scatter_add(np.array([[0, 0, 2], [1, 1, 1]]), np.array([[1.0, 2.0, 5.0], [1.0, 1.0, 1.0]]), 3)
    assert out.tolist() == [[3.0, 0.0, 5.0], [0.0, 3.0, 0.0]]


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize(("bad", "index"), [(16, 16), (99, 99), (-1, -1)])
def test_indices_out_of_range(bad, index):
    indices = np.array([[0, 3], [5, bad]])
    with raises(ValueError, f"indices hold {index}, outside [0, 16) for output_size (4, 4)"):
        pooling.max_unpool2d(np.ones((2, 2)), indices, (4, 4))


def test_shape_mismatch():
    with raises(ValueError, "values (2, 2) and indices (2, 3) must have the same shape"):
        pooling.max_unpool2d(np.ones((2, 2)), np.zeros((2, 3), np.int64), (4, 4))


@pytest.mark.parametrize("shape", [(4,), (1, 1, 2, 2)])
def test_values_of_the_wrong_dimensions(shape):
    with raises(ValueError, f"values must be (out_h, out_w) or (C, out_h, out_w), got shape {shape}"):
        pooling.max_unpool2d(np.ones(shape), np.zeros(shape, np.int64), (4, 4))


@pytest.mark.parametrize("size", [None, 4, (4,), (0, 4), (4, -2), (4.0, 4), "44"])
def test_bad_output_size(size):
    with raises(ValueError, f"output_size ({size!r}) must be a pair of positive ints (H, W)"):
        pooling.max_unpool2d(np.ones((2, 2)), np.zeros((2, 2), np.int64), size)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, bool])
def test_indices_that_are_not_integers(dtype):
    with raises(TypeError, f"indices must be integers, got dtype {np.dtype(dtype)}"):
        pooling.max_unpool2d(np.ones((2, 2)), np.zeros((2, 2), dtype), (4, 4))
