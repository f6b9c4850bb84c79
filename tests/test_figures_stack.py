"""Tests of the stacked-pooling figures: assertions on fig.data and fig.layout, never on pixels."""

import numpy as np
import plotly.graph_objects as go
import pytest
from helpers import coords, raises

import pooling
from figures import palette
from figures.stack import (
    CLICK_SIDE,
    DEEP_CELLS_TRACE,
    localisation_figure,
    mark_field,
    mark_path,
    original_figure,
    pyramid_figure,
    source_crop_figure,
)
from pooling.analysis.stacking import localisation_by_depth, localisation_by_stride, trace_to_source

MAX2 = {"mode": "max", "kernel_size": 2}


def pyramid_of(x, layers):
    stack = pooling.stack_pool(x, layers)
    return stack, [stack.layers[0].input[0]] + [r.values for r in stack.layers]


# --- pyramid_figure ---------------------------------------------------------------


def test_pyramid_has_one_image_panel_per_layer_then_the_click_layer():
    _, values = pyramid_of(coords(16, 16), [MAX2] * 3)
    fig = pyramid_figure(values, value_range=(0, 155))
    assert [t.name for t in fig.data] == ["layer 0", "layer 1", "layer 2", "layer 3", DEEP_CELLS_TRACE]
    assert [t.type for t in fig.data] == ["image"] * 4 + ["scatter"]
    assert all(t.source.startswith("data:image/png;base64,") for t in fig.data[:4])
    assert [a.text for a in fig.layout.annotations] == ["input<br>16 × 16", "round 1<br>8 × 8", "round 2<br>4 × 4",
                                                        "round 3<br>2 × 2"]
    assert [fig.data[k].xaxis for k in range(5)] == ["x", "x2", "x3", "x4", "x4"]
    widths = [fig.layout[f"xaxis{k or ''}"].domain[1] - fig.layout[f"xaxis{k or ''}"].domain[0]
              for k in ("", 2, 3, 4)]
    assert widths == sorted(widths, reverse=True)  # a pyramid: each panel narrower
    assert fig.layout.yaxis.range == (15.5, -0.5)  # row 0 at the top, the layer's own rows
    assert fig.layout.yaxis4.range == (1.5, -0.5)


def test_the_click_layer_covers_every_deep_cell_with_its_value():
    stack, values = pyramid_of(coords(16, 12), [MAX2])
    fig = pyramid_figure(values, value_range=(0, 155))
    clicks = fig.data[-1]
    assert fig.layout.meta["click_step"] == 1
    assert [tuple(c) for c in clicks.customdata] == [(i, j) for i in range(8) for j in range(6)]
    assert list(clicks.x) == [j for i in range(8) for j in range(6)]
    assert list(clicks.text) == [str(v) for v in stack.values.ravel()]
    assert clicks.marker.opacity == 0
    # Invisible, so one drawn marker is enough: hovers and clicks read every point from the data. Drawing all
    # 4,096 of a 64 x 64 layer took Chromium 400-600 ms per redraw (bench/bench_render.py); this, 50 ms.
    assert clicks.marker.maxdisplayed == 1


def test_the_click_layer_writes_fractional_values_as_format_value_does():
    deep = np.arange(12, dtype=np.float64).reshape(3, 4) / 4
    clicks = pyramid_figure([deep], value_range=(0, 3)).data[-1]
    assert list(clicks.text) == ["0", "0.25", "0.5", "0.75", "1", "1.25", "1.5", "1.75", "2", "2.25", "2.5", "2.75"]


def test_the_pyramid_is_valid_plotly():
    """Built as a plain dict and not checked on the way: plotly's own validation must accept every property."""
    stack, values = pyramid_of(coords(16, 12), [MAX2, MAX2])
    fig = mark_path(pyramid_figure(values, value_range=(0, 155)), trace_to_source(stack, 1, 1), (0, 3, 0, 3))
    for figure in (fig, source_crop_figure(coords(20, 20), 10, 3, title="t"),
                   localisation_figure(localisation_by_stride(coords(16, 16), [2, 4]), title="t"),
                   pyramid_figure([np.arange(12.0).reshape(3, 4) / 4], value_range=(0, 3))):
        go.Figure(figure.to_dict())  # raises on any property plotly does not know or any value it refuses


def test_a_big_deep_layer_gets_click_points_on_every_step_th_cell():
    deep = np.arange(200 * 130, dtype=np.float64).reshape(200, 130)
    fig = pyramid_figure([deep], value_range=(0, deep.max()))
    step = fig.layout.meta["click_step"]
    assert step == -(-200 // CLICK_SIDE) == 4
    cells = np.array(fig.data[-1].customdata)
    assert set(cells[:, 0]) == set(range(0, 200, 4)) and set(cells[:, 1]) == set(range(0, 130, 4))
    np.testing.assert_array_equal([float(t) for t in fig.data[-1].text], deep[cells[:, 0], cells[:, 1]])


def test_big_panels_are_shrunk_but_keep_their_own_coordinates():
    x = np.random.default_rng(0).integers(0, 256, (1200, 900), dtype=np.uint8)
    _, values = pyramid_of(x, [MAX2, MAX2])
    fig = pyramid_figure(values, value_range=(0, 255), max_side=300)
    first = fig.data[0]
    assert (first.dx, first.dy, first.x0) == (4, 4, 1.5)  # 1200 / 300
    assert "shrunk 4×" in first.hovertemplate
    # Round 2 is 300 rows, in a panel 1/7 of the width: at most 2 * 300 / 7 = 85 pixels, so shrunk 4 times.
    assert (fig.data[2].dx, fig.data[2].x0) == (4, 1.5)
    assert fig.layout.xaxis.range == (-0.5, 899.5)


def test_pyramid_errors():
    with raises(ValueError, "layers must be non-empty 2-D arrays, got shapes [(3,)]"):
        pyramid_figure([np.zeros(3)], value_range=(0, 1))
    with raises(ValueError, "layers must be non-empty 2-D arrays, got shapes []"):
        pyramid_figure([], value_range=(0, 1))
    with raises(ValueError, "titles (1) must be one per layer (2)"):
        pyramid_figure([np.zeros((2, 2)), np.zeros((1, 1))], value_range=(0, 1), titles=["a"])


# --- mark_path ---------------------------------------------------------------------


def test_mark_path_rings_the_traced_cell_on_each_panel_and_outlines_the_field():
    stack, values = pyramid_of(coords(8, 8), [MAX2, MAX2])
    path = trace_to_source(stack, 1, 0)
    fig = mark_path(pyramid_figure(values, value_range=(0, 77)), path, stack.receptive_field(1, 0))
    marks = fig.data[4:]
    assert [t.name for t in marks] == ["path halo 0", "path 0", "path halo 1", "path 1", "path halo 2", "path 2"]
    assert [(t.x[0], t.y[0], t.xaxis) for t in marks[1::2]] == [(3, 7, "x"), (1, 3, "x2"), (0, 1, "x3")]
    assert {t.marker.color for t in marks[1::2]} == {palette.ACCENT}
    assert {t.marker.color for t in marks[::2]} == {palette.HALO}
    (shape,) = fig.layout.shapes
    assert (shape.name, shape.xref, shape.x0, shape.x1, shape.y0, shape.y1) == (
        "receptive field", "x", -0.5, 3.5, 3.5, 7.5)


# --- original_figure and mark_field ------------------------------------------------


@pytest.mark.parametrize("layout", ["planes", "pixels"])
def test_original_figure_keeps_the_image_coordinates(layout):
    planes = np.zeros((3, 1000, 700), np.uint8)
    fig = original_figure(planes if layout == "planes" else np.moveaxis(planes, 0, -1), max_side=250)
    assert (fig.data[0].type, fig.data[0].dx, fig.data[0].x0) == ("image", 4, 1.5)
    fig = mark_field(fig, (10, 41, 600, 631), (17, 699))
    shape = fig.layout.shapes[0]
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (599.5, 631.5, 9.5, 41.5)
    assert [(t.name, t.x, t.y) for t in fig.data[1:]] == [("source halo", (699,), (17,)), ("source", (699,), (17,))]
    assert fig.data[2].marker.color == palette.ACCENT


def test_a_small_original_is_not_shrunk():
    fig = original_figure(np.zeros((40, 30), np.uint8))
    assert (fig.data[0].dx, fig.data[0].x0) == (1, 0)
    assert fig.data[0].hovertemplate == "row %{y}, col %{x}<extra></extra>"


# --- source_crop_figure --------------------------------------------------------------


def test_source_crop_shows_the_cells_around_the_pixel_in_image_coordinates():
    plane = coords(20, 20)
    fig = source_crop_figure(plane, 10, 3, radius=2)
    crop = fig.data[0]
    assert list(crop.x) == [1, 2, 3, 4, 5] and list(crop.y) == [8, 9, 10, 11, 12]
    np.testing.assert_array_equal(crop.z, plane[8:13, 1:6])
    x, y = fig.data[2].x, fig.data[2].y
    assert fig.data[2].name == "pixel" and fig.data[2].line.color == palette.ACCENT
    assert np.nanmin(x) > 2.5 and np.nanmax(x) < 3.5 and np.nanmin(y) > 9.5 and np.nanmax(y) < 10.5
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (81, 125)


def test_source_crop_is_clipped_at_the_corner():
    fig = source_crop_figure(coords(5, 5), 0, 4, radius=3)
    assert list(fig.data[0].x) == [1, 2, 3, 4] and list(fig.data[0].y) == [0, 1, 2, 3]


# --- localisation_figure ------------------------------------------------------------


def test_localisation_figure_draws_one_line_per_stride_and_your_stack():
    x = np.random.default_rng(1).integers(0, 256, (64, 64), dtype=np.uint8)
    curves = localisation_by_stride(x, [3, 2])
    yours = localisation_by_depth(pooling.stack_pool(x, [{"mode": "max", "kernel_size": 3, "stride": 2}] * 2))
    fig = localisation_figure(curves, yours=yours)
    assert [t.name for t in fig.data] == ["stride 2", "stride 3", "your stack"]
    assert list(fig.data[0].x) == [1, 2, 3, 4, 5] and list(fig.data[1].x) == [1, 2, 3]
    np.testing.assert_array_equal(fig.data[0].y, curves[2].mean_error)
    np.testing.assert_array_equal(fig.data[2].y, yours.mean_error)
    assert [c[1] for c in fig.data[1].customdata] == [3, 9, 27]  # the grid step
    assert [c[2] for c in fig.data[2].customdata] == [3, 7]  # the field's size
    assert fig.data[2].line.color == palette.ACCENT and fig.data[2].line.dash == "dash"
    assert fig.layout.yaxis.title.text == "mean error (input pixels)"


def test_localisation_figure_with_no_strides_shows_only_your_stack():
    yours = localisation_by_depth(pooling.stack_pool(coords(8, 8), [MAX2]))
    assert [t.name for t in localisation_figure({}, yours=yours).data] == ["your stack"]
    assert localisation_figure({}).data == ()
