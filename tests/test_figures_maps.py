"""map_figure and block_mean: small maps hover their values, big ones travel as one small image."""

import numpy as np
import pytest
from helpers import hypothesis_settings, image_pixels, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from figures import image_figure, palette
from figures.maps import HOVER_CELLS, _block_mean_by_sum, block_mean, color_map, map_figure


def test_block_mean_averages_whole_blocks_and_drops_the_ragged_edge():
    a = np.arange(7 * 9, dtype=float).reshape(7, 9)
    shrunk, f = block_mean(a, 4)
    assert f == 3 and shrunk.shape == (2, 3)
    assert shrunk[1, 2] == a[3:6, 6:9].mean()


def test_block_mean_keeps_small_arrays_and_leading_axes():
    a = np.ones((3, 4, 4))
    same, f = block_mean(a, 4)
    assert f == 1 and same is a
    shrunk, f = block_mean(np.ones((3, 10, 2)), 5)
    assert f == 2 and shrunk.shape == (3, 5, 1)


def test_block_mean_does_not_alias_a_periodic_pattern():
    stripes = np.tile([0.0, 1.0], (8, 4))  # columns alternate 0, 1: thinning by 2 would show all zeros
    shrunk, f = block_mean(stripes, 4)
    assert f == 2 and np.all(shrunk == 0.5)


def test_block_mean_rejects_a_side_below_one():
    with pytest.raises(ValueError, match=r"max_side \(0\) must be at least 1"):
        block_mean(np.ones((2, 2)), 0)


def test_color_map_ends_and_nan():
    out = color_map(np.array([-1.0, 0.0, 1.0, 2.0, np.nan]), 0, 1)
    assert out[0].tolist() == out[1].tolist() == list(palette.rgb(palette.VALUE_STOPS[0]))
    assert out[2].tolist() == out[3].tolist() == list(palette.rgb(palette.VALUE_STOPS[-1]))
    assert out[4].tolist() == list(palette.rgb(palette.EMPTY_CELL))


def test_color_map_reads_rgb_text_scales():
    out = color_map(np.array([0.0, 0.5, 1.0]), 0, 1, palette.DIFF_SCALE)
    assert out.dtype == np.uint8 and out.shape == (3, 3)
    assert out[0, 2] > out[0, 0] and out[2, 0] > out[2, 2]  # blue below, red above


def test_a_small_map_is_a_heatmap_with_its_values():
    v = np.arange(12.0).reshape(3, 4)
    v[0, 0] = np.nan
    fig = map_figure(v, title="Errors", colorbar_title="MSE")
    (trace,) = fig.data
    assert trace.type == "heatmap" and trace.z[0][0] is None and trace.z[2][3] == 11.0
    assert (trace.zmin, trace.zmax) == (1.0, 11.0)
    assert trace.hovertemplate.endswith("<extra></extra>")
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.title.text == "Errors"


def test_zmid_centres_the_range():
    trace = map_figure(np.array([[-1.0, 3.0]]), zmid=0, colorscale=palette.DIFF_SCALE).data[0]
    assert (trace.zmin, trace.zmax) == (-3.0, 3.0)


def test_a_big_map_is_one_shrunk_png_with_a_colour_bar_in_input_coordinates():
    v = np.random.default_rng(0).random((1500, 2000))
    fig = map_figure(v, max_side=400, zmin=0, zmax=1)
    image, scale = fig.data
    assert image.type == "image" and image.dx == image.dy == 5 and image.x0 == 2
    assert image_pixels(image).shape[:2] == (300, 400)
    assert scale.marker.showscale and (scale.marker.cmin, scale.marker.cmax) == (0, 1)
    assert len(fig.to_json()) < 2 * 1024 * 1024


def test_the_switch_from_heatmap_to_image_is_at_hover_cells():
    assert map_figure(np.zeros((1, HOVER_CELLS))).data[0].type == "heatmap"
    assert map_figure(np.zeros((1, HOVER_CELLS + 1))).data[0].type == "image"


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((0, 2)), np.zeros((2, 2, 2))])
def test_map_figure_rejects_what_is_not_a_map(bad):
    with pytest.raises(ValueError, match="values must be a non-empty 2-D array"):
        map_figure(bad)


def test_image_figure_value_range_puts_images_on_one_scale():
    fig = image_figure(np.array([[0.0, 127.5, 255.0, 300.0]]), value_range=(0, 255))
    pixels = image_pixels(fig.data[0])
    grey = pixels if pixels.ndim == 2 else pixels[..., 0]
    assert grey[0].tolist() == [0, 128, 255, 255]


def test_image_figure_max_side_shrinks_a_big_photo():
    planes = np.zeros((3, 3000, 4000), np.uint8)
    planes[0, :, ::2] = 255  # fine stripes average to mid red, not to stripes
    fig = image_figure(planes, max_side=500)
    pixels = image_pixels(fig.data[0])
    assert pixels.shape[:2] == (375, 500)
    assert np.all(pixels[..., 0] == 128) and np.all(pixels[..., 1] == 0)


@hypothesis_settings(80)
@given(hnp.arrays(st.sampled_from([np.uint8, np.float32, np.float64]),
                  hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=40),
                  elements={"min_value": 0, "max_value": 255, "allow_nan": False}),
       st.integers(1, 45))
def test_block_mean_by_strided_adds_is_numpys_sum_bit_for_bit(values, side):
    shrunk, f = block_mean(values, side)
    if f == 1:
        assert shrunk is values
        return
    np.testing.assert_array_equal(shrunk, _block_mean_by_sum(values, f))
    assert shrunk.dtype == np.float64


def test_block_mean_on_a_photo_and_its_refusal():
    photo = np.random.default_rng(0).integers(0, 256, (3, 3000, 4000), dtype=np.uint8)[:, :1000, :1333]
    for side in (400, 256, 150):  # blocks of 3, 6 and 9 (numpy's own sum from 8 on)
        shrunk, f = block_mean(photo, side)
        np.testing.assert_array_equal(shrunk, _block_mean_by_sum(photo, f))
    with raises(ValueError, "max_side (0) must be at least 1"):
        block_mean(photo, 0)
