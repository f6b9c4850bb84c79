"""Tests of ``pooling.figures.loss``: the PSNR chart's traces, the dimmed image and coloured map PNGs."""

import io

import numpy as np
import pytest
from helpers import raises
from PIL import Image

from pooling.figures import palette
from pooling.figures.loss import dim_discarded, map_png, psnr_chart
from pooling.figures.maps import color_map


def test_psnr_chart_has_one_line_per_mode_with_its_numbers():
    fig = psnr_chart([2, 3, 4], {"max": [6.5, 5.9, 5.6], "avg": [28.2, 25.0, 23.1]}, labels={"avg": "Average"})
    assert [t.name for t in fig.data] == ["max", "Average"]
    assert fig.data[0].x == (2, 3, 4) and fig.data[1].y == (28.2, 25.0, 23.1)
    assert fig.data[0].line.color == palette.ACCENT
    assert fig.data[0].line.dash != fig.data[1].line.dash and fig.data[0].marker.symbol != fig.data[1].marker.symbol
    assert fig.layout.xaxis.tickvals == (2, 3, 4)
    assert "PSNR" in fig.layout.yaxis.title.text and "stride k" in fig.layout.xaxis.title.text
    assert fig.data[1].hovertemplate.endswith("<extra></extra>")


def test_psnr_chart_leaves_infinite_points_off_and_says_exact():
    fig = psnr_chart([2, 3], {"max": [np.inf, 4.0]})
    assert fig.data[0].y == (None, 4.0)
    assert fig.data[0].customdata[0] == "exact (PSNR infinite)" and fig.data[0].customdata[1] == "4.00 dB"


def test_psnr_chart_refuses_a_line_of_the_wrong_length():
    with raises(ValueError, "psnr['avg'] has shape (1,), expected (2,) like kernels"):
        psnr_chart([2, 3], {"avg": [1.0]})
    with raises(ValueError, "psnr holds 7 modes"):
        psnr_chart([2], {str(i): [1.0] for i in range(7)})


def test_dim_discarded_dims_only_cells_with_no_output():
    planes = np.array([[[200, 100], [40, 255]], [[8, 9], [10, 11]]], np.uint8)
    survival = np.array([[[0, 1], [2, 0]], [[1, 1], [1, 0]]])
    out = dim_discarded(planes, survival)
    assert out.dtype == np.uint8
    assert out.tolist() == [[[50, 100], [40, 64]], [[8, 9], [10, 3]]]
    assert dim_discarded(planes, survival, factor=0.0)[0, 0, 0] == 0


def test_dim_discarded_refuses_bad_input():
    with raises(ValueError, "planes (1, 2, 2) and survival (1, 2, 3) must have the same shape"):
        dim_discarded(np.zeros((1, 2, 2), np.uint8), np.zeros((1, 2, 3)))
    with raises(ValueError, "factor (2) must be from 0 to 1"):
        dim_discarded(np.zeros((1, 1, 1), np.uint8), np.zeros((1, 1, 1)), factor=2)


@pytest.mark.parametrize("zmin, zmax", [(None, None), (0, 10)])
def test_map_png_is_the_map_coloured_at_full_resolution(zmin, zmax):
    values = np.arange(12.0).reshape(3, 4)
    rgb = np.asarray(Image.open(io.BytesIO(map_png(values, zmin=zmin, zmax=zmax))))
    lo, hi = (0, 11) if zmin is None else (zmin, zmax)
    assert rgb.shape == (3, 4, 3)
    np.testing.assert_array_equal(rgb, color_map(values, lo, hi))


def test_map_png_refuses_a_non_map():
    with raises(ValueError, "values must be a non-empty 2-D array, got shape (3,)"):
        map_png(np.zeros(3))
