"""figures.gallery: checked on fig.data and fig.layout, and a picture on the pixels it carries."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest
from helpers import coords, image_pixels

from figures import palette
from figures.gallery import (
    fractional_grid_figure,
    fractional_view,
    global_figure,
    lp_continuum_figure,
    lp_scale,
    pooled_picture,
    pooled_view,
)
from figures.image import Picture
from pooling import antialiased_max_pool2d, fractional_max_pool2d, pool2d
from pooling.analysis.lp import lp_ratios

# ----------------------------------------------------------- pooled outputs


def test_a_small_plane_is_a_grid_with_its_numbers_on_the_shared_scale():
    values = pool2d(coords(4, 4, np.float64), "max", 2).values
    fig = pooled_picture(values, title="Max", value_range=(0, 33))
    hm = fig.data[0]
    assert hm.type == "heatmap" and hm.text.tolist() == [["11", "13"], ["31", "33"]]
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 33)
    assert fig.layout.title.text == "Max"


def test_one_channel_stack_is_drawn_as_its_plane():
    fig = pooled_picture(coords(3, 3, np.float64)[None])
    assert fig.data[0].type == "heatmap" and fig.data[0].z.shape == (3, 3)


def test_a_photo_output_is_one_shrunk_picture_of_block_means():
    values = np.random.default_rng(0).integers(0, 256, (3, 1000, 600), dtype=np.uint8)
    picture = pooled_picture(values, value_range=(0, 255), max_side=250)
    assert isinstance(picture, Picture) and picture.uri.startswith("data:image/webp;base64,")
    pixels = image_pixels(picture.uri)
    assert pixels.shape == (picture.height, picture.width, 3) == (250, 150, 3)
    means = values.reshape(3, 250, 4, 150, 4).mean(axis=(2, 4))
    np.testing.assert_array_equal(pixels, np.rint(np.moveaxis(means, 0, -1)).astype(np.uint8))
    assert len(picture.uri) < 600_000


def test_a_float_output_is_scaled_onto_the_shared_range_and_a_grey_one_is_a_png():
    values = np.array([[[-1.0, 0.0, 5.0] * 6, [10.0, 20.0, np.nan] * 6] * 9])  # 1 x 18 x 18: past NUMBER_CELLS
    picture = pooled_picture(values, value_range=(0, 10))
    assert picture.uri.startswith("data:image/png;base64,")
    assert image_pixels(picture.uri)[:2, :3].tolist() == [[0, 0, 128], [255, 255, 0]]  # clipped; NaN black


# --------------------------------------------------------- the Lp continuum


def test_continuum_lines_carry_the_cores_ratios_and_mark_the_chosen_p():
    ratios = lp_ratios(coords(4, 4, np.float64), (1, 2, 8, math.inf), kernel_size=2)
    fig = lp_continuum_figure(ratios, current_p=8.0, title="Lp")
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Lp ÷ sum"].x) == ["1", "2", "8", "∞"]
    np.testing.assert_allclose(by_name["Lp ÷ sum"].y, ratios.to_sum)
    np.testing.assert_allclose(by_name["Lp ÷ max"].y, ratios.to_max)
    chosen = by_name["chosen p"]
    assert list(chosen.x) == ["8", "8"] and chosen.marker.color == palette.ACCENT
    np.testing.assert_allclose(chosen.y, [ratios.to_sum[2], ratios.to_max[2]])
    assert fig.layout.xaxis.type == "category" and fig.layout.shapes[0].y0 == 1.0


def test_continuum_without_a_chosen_p_has_two_lines():
    ratios = lp_ratios(coords(4, 4, np.float64), (1, 2), kernel_size=2)
    assert [t.name for t in lp_continuum_figure(ratios, current_p=3.0).data] == ["Lp ÷ sum", "Lp ÷ max"]


# ----------------------------------------------------- fractional windows


def line_coords(trace):
    """(y of each horizontal line, x of each vertical line) in a window-starts trace."""
    x, y = np.asarray(trace.x, dtype=object), np.asarray(trace.y, dtype=object)
    seg_x, seg_y = x.reshape(-1, 3)[:, :2], y.reshape(-1, 3)[:, :2]
    horizontal = seg_y[:, 0] == seg_y[:, 1]
    return sorted(seg_y[horizontal, 0].astype(float)), sorted(seg_x[~horizontal, 0].astype(float))


def test_lines_sit_on_the_grids_window_starts_in_a_zoomed_view():
    x = np.random.default_rng(2).integers(0, 256, (3, 40, 30), dtype=np.uint8)
    r = fractional_max_pool2d(x, 2, output_ratio=0.7, samples=np.full((3, 2), 0.4))
    fig = fractional_grid_figure(r.input, r.grid, top=10, left=5, size=12, value_range=(0, 255))
    assert [t.name for t in fig.data][1:] == ["window start halo", "window starts"]
    assert fig.data[0].type == "image"
    rows, cols = line_coords(fig.data[2])
    starts_r, starts_c = r.grid.rows.positions[:, 0], r.grid.cols.positions[:, 0]
    assert rows == sorted(s - 10 - 0.5 for s in starts_r if 10 <= s < 22)
    assert cols == sorted(s - 5 - 0.5 for s in starts_c if 5 <= s < 17)
    assert fig.data[1].line.color == palette.HALO and fig.data[2].line.color == palette.WINDOW


def test_the_whole_image_view_scales_the_lines_with_the_shrunk_image():
    x = np.zeros((1, 200, 100), np.uint8)
    r = fractional_max_pool2d(x, 2, output_ratio=0.5, rng=0)
    fig = fractional_grid_figure(r.input, r.grid, max_side=50)  # shrunk by 4
    rows, cols = line_coords(fig.data[2])
    assert rows == sorted(s / 4 - 0.5 for s in r.grid.rows.positions[:, 0] if s / 4 - 0.5 < 49.5)
    assert len(cols) == len(r.grid.cols.positions)


def test_fractional_view_names_bad_arguments():
    r = fractional_max_pool2d(np.zeros((10, 10)), 2, output_size=5, rng=0)
    with pytest.raises(ValueError, match="planes must be"):
        fractional_grid_figure(np.zeros((10, 10)), r.grid)
    with pytest.raises(ValueError, match=r"grid is for a \(10, 10\) input"):
        fractional_grid_figure(np.zeros((1, 8, 8)), r.grid)
    with pytest.raises(ValueError, match="must start inside"):
        fractional_grid_figure(r.input, r.grid, top=10, size=4)


# ------------------------------------------------------------ global pooling


def test_global_swatches_colour_and_number_each_channel():
    fig = global_figure([255, 128, 0], [10.5, 20.25, 30], value_range=(0, 255))
    assert isinstance(fig, go.Figure) and len(fig.layout.shapes) == 2
    assert fig.layout.shapes[0].fillcolor == "rgb(255, 128, 0)"
    assert fig.layout.annotations[1].text == "Global average<br>R 10.5, G 20.25, B 30"


def test_one_channel_is_a_grey_swatch_on_the_given_scale():
    fig = global_figure([4.0], [2.0], value_range=(0, 4))
    assert fig.layout.shapes[0].fillcolor == "rgb(255, 255, 255)"
    assert fig.layout.shapes[1].fillcolor == "rgb(128, 128, 128)"
    assert fig.layout.annotations[0].text == "Global max<br>4"


def test_global_figure_names_mismatched_channels():
    with pytest.raises(ValueError, match="must both hold 1 or 3 numbers, got 3 and 1"):
        global_figure([1, 2, 3], [1], value_range=(0, 1))


def test_pooled_view_pools_with_the_layer_and_blurmax_with_kernel_and_stride_only():
    x = np.arange(64, dtype=np.float64).reshape(1, 8, 8)
    layer = {"kernel_size": (2, 2), "stride": (2, 2), "padding": 1, "dilation": 1, "ceil_mode": False}
    fig, hw = pooled_view(x, "max", layer, value_range=(0, 63), max_side=256)
    assert tuple(hw) == pool2d(x, "max", **layer).values.shape[-2:] == (5, 5)
    _, hw = pooled_view(x, "blurmax", layer, value_range=(0, 63), max_side=256)  # padding ignored
    assert tuple(hw) == antialiased_max_pool2d(x, (2, 2), (2, 2)).values.shape[-2:]


def test_fractional_view_draws_the_windows_of_the_pooling_it_shows():
    x = np.arange(3 * 20 * 20, dtype=np.float64).reshape(3, 20, 20)
    fig, hw, grid_fig = fractional_view(x, (2, 2), 0.7, 5, 16, value_range=(0, x.max()), max_side=256)
    samples = np.tile(np.random.default_rng(5).random(2), (3, 1))
    expected = fractional_max_pool2d(x, (2, 2), output_ratio=0.7, samples=samples)
    assert tuple(hw) == expected.values.shape[-2:]
    again = fractional_view(x, (2, 2), 0.7, 5, 16, value_range=(0, x.max()), max_side=256)
    assert again[2].to_json() == grid_fig.to_json()  # the seed fixes the windows


def test_lp_scale_tops_at_a_window_of_equal_cells():
    assert lp_scale(2.0, 9, 1.0) == (0.0, 18.0)
    assert lp_scale(2.0, 9, 2.0) == (0.0, 6.0)
    assert lp_scale(2.0, 9, np.inf) == (0.0, 2.0)
