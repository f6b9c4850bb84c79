"""Tests of ``poolinglab.export``: each encoder reads back to what it was given, and bad input is named."""

import io

import numpy as np
import pytest
from helpers import coords, raises
from PIL import Image

from poolinglab.export import csv_text, npy_bytes, png_bytes


def read_png(data):
    return np.asarray(Image.open(io.BytesIO(data)))


@pytest.mark.parametrize("shape", [(4, 5), (4, 5, 3)])
def test_png_reads_back_exactly(shape):
    image = (np.arange(np.prod(shape)) % 256).astype(np.uint8).reshape(shape)
    np.testing.assert_array_equal(read_png(png_bytes(image)), image)


def test_png_takes_planes_as_the_core_keeps_them():
    planes = coords(3, 4, np.uint8)[None].repeat(3, axis=0) + np.arange(3, dtype=np.uint8)[:, None, None]
    np.testing.assert_array_equal(read_png(png_bytes(planes)), np.moveaxis(planes, 0, -1))
    np.testing.assert_array_equal(read_png(png_bytes(planes[:1])), planes[0])


def test_png_refuses_other_dtypes_and_shapes():
    with raises(TypeError, "image must be uint8, got dtype float64"):
        png_bytes(np.zeros((2, 2)))
    with raises(ValueError, "got shape (2, 2, 2)"):
        png_bytes(np.zeros((2, 2, 2), np.uint8))
    with raises(ValueError, "got shape (0, 3)"):
        png_bytes(np.zeros((0, 3), np.uint8))


def test_csv_of_planes_by_hand():
    a = np.stack([coords(2, 3), 100 + coords(2, 3)])
    assert csv_text(a, value_name="index").splitlines() == [
        "channel,row,index_0,index_1,index_2",
        "0,0,0,1,2",
        "0,1,10,11,12",
        "1,0,100,101,102",
        "1,1,110,111,112",
    ]


def test_csv_of_a_plane_is_channel_zero_and_floats_read_back_exactly():
    a = np.array([[0.1, 1 / 3], [-2.5e-300, 7.0]])
    lines = csv_text(a).splitlines()
    assert lines[0] == "channel,row,value_0,value_1"
    table = np.loadtxt(io.StringIO("\n".join(lines[1:])), delimiter=",")
    np.testing.assert_array_equal(table[:, :2], [[0, 0], [0, 1]])
    np.testing.assert_array_equal(table[:, 2:], a)


def test_csv_reads_back_with_numpy_for_a_random_map():
    a = np.random.default_rng(1).integers(0, 9, size=(3, 7, 5))
    table = np.loadtxt(io.StringIO(csv_text(a)), delimiter=",", skiprows=1, dtype=np.int64)
    np.testing.assert_array_equal(table[:, 2:].reshape(a.shape), a)
    np.testing.assert_array_equal(table[:, 0], np.repeat(np.arange(3), 7))
    np.testing.assert_array_equal(table[:, 1], np.tile(np.arange(7), 3))


def test_csv_refuses_bad_input():
    with raises(ValueError, "array must be a non-empty (H, W) or (C, H, W) array, got shape (3,)"):
        csv_text(np.arange(3))
    with raises(TypeError, "array must hold numbers, got dtype <U1"):
        csv_text(np.array([["a"]]))
    with raises(ValueError, "value_name ('a,b') must be letters, digits and _ only"):
        csv_text(np.zeros((1, 1)), value_name="a,b")


@pytest.mark.parametrize("a", [np.arange(24).reshape(2, 3, 4), np.array([[0.5, np.nan]]), np.zeros((2, 2), bool)])
def test_npy_reads_back_with_dtype_and_shape(a):
    back = np.load(io.BytesIO(npy_bytes(a)), allow_pickle=False)
    assert back.dtype == a.dtype and back.shape == a.shape
    np.testing.assert_array_equal(back, a)


def test_npy_refuses_objects():
    with raises(TypeError, "array must not hold Python objects, got dtype object"):
        npy_bytes(np.array([None, 1]))
