"""Figures of the Max vs Average page, read from fig.data and fig.layout (never pixels)."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from helpers import coords, image_pixels, raises

import pooling
from figures import palette
from figures.compare import ZOOM_TRACES, channel_figure, difference_figure, fringe_picture, zoom_figure
from figures.maps import map_figure
from pooling.analysis.compare import channel_disagreement, zoom_region


def traces(fig):
    return {t.name: t for t in fig.data}


# ------------------------------------------------------------ channels


def test_channel_figure_shows_each_channel_on_one_scale():
    v = np.stack([np.full((2, 3), 0, np.uint8), np.full((2, 3), 255, np.uint8), np.full((2, 3), 51, np.uint8)])
    fig = channel_figure(v)
    assert [t.type for t in fig.data] == ["image"] * 3
    assert [a.text for a in fig.layout.annotations] == ["red", "green", "blue"]
    # Grey levels keep the shared 0-255 scale: a flat plane is not stretched to its own range.
    assert [int(image_pixels(t).ravel()[0]) for t in fig.data] == [0, 255, 51]


def test_channel_figure_uses_the_value_range_and_shrinks_big_planes():
    v = np.full((3, 1000, 500), 300.0)
    fig = channel_figure(v, value_range=(0, 600), max_side=100)
    pixels = image_pixels(fig.data[0])
    assert pixels.shape[:2] == (100, 50)
    assert abs(int(pixels.ravel()[0]) - 128) <= 1


@pytest.mark.parametrize("names", [("red", "green", "blue"), ("a", "b")])
def test_channel_figure_built_unvalidated_is_the_validated_figure(names):
    fig = channel_figure(np.arange(len(names) * 12, dtype=np.uint8).reshape(len(names), 3, 4), names=names)
    again = go.Figure(fig.to_dict())
    assert json.loads(pio.to_json(fig, validate=False)) == json.loads(pio.to_json(again, validate=False))


def test_channel_and_fringe_figures_without_a_value_range():
    # As image_figure: uint8 shown as it is, other dtypes stretched to their own range.
    v = np.stack([np.full((2, 2), 10, np.uint8), np.full((2, 2), 20, np.uint8), np.full((2, 2), 30, np.uint8)])
    v[:, 0, 0] = 0
    assert int(image_pixels(channel_figure(v, value_range=None).data[0])[1, 1]) == 10
    assert int(image_pixels(channel_figure(v / 2.0, value_range=None).data[0])[1, 1]) == 255
    assert image_pixels(fringe_picture(v, np.zeros((2, 2), bool), value_range=None).uri).shape[:2] == (2, 2)


def test_channel_figure_rejects_a_name_count_that_does_not_match():
    with raises(ValueError, "values must be (C, H, W) with one name per channel (3), got shape (2, 4, 4)"):
        channel_figure(np.zeros((2, 4, 4)))


# -------------------------------------------------------------- fringes


def test_fringe_figure_paints_marked_cells_in_the_accent():
    v = np.zeros((3, 2, 2), np.uint8)
    mask = np.array([[True, False], [False, False]])
    pixels = image_pixels(fringe_picture(v, mask).uri)
    assert tuple(pixels[0, 0, :3]) == palette.rgb(palette.ACCENT)
    assert tuple(pixels[1, 1, :3]) == (96, 96, 96)  # black faded to grey


def test_fringe_figure_shades_by_share_when_shrunk():
    v = np.zeros((3, 4, 4), np.uint8)
    mask = np.zeros((4, 4), bool)
    mask[:2, :2] = [[True, True], [False, False]]  # half the top-left block
    pixels = image_pixels(fringe_picture(v, mask, max_side=2).uri).astype(int)
    assert pixels.shape[:2] == (2, 2)
    expected = np.rint(96 * 0.5 + np.array(palette.rgb(palette.ACCENT)) * 0.5)
    assert np.abs(pixels[0, 0, :3] - expected).max() <= 1
    assert tuple(pixels[1, 1, :3]) == (96, 96, 96)


def test_fringe_figure_of_a_real_max_pooling():
    x = np.random.default_rng(0).integers(0, 256, (3, 8, 8), dtype=np.uint8)
    r = pooling.pool2d(x, "max", 2)
    mask = channel_disagreement(r.indices)
    pixels = image_pixels(fringe_picture(r.values, mask).uri)
    painted = (pixels[..., :3] == palette.rgb(palette.ACCENT)).all(-1)
    assert painted.tolist() == mask.tolist()


def test_fringe_figure_checks_shapes():
    with raises(ValueError, "values must be (3, H, W) and mask an (H, W) bool array, got (3, 2, 2) and (2, 3)"):
        fringe_picture(np.zeros((3, 2, 2)), np.zeros((2, 3), bool))


# ------------------------------------------------------------------ zoom


@pytest.fixture
def zoom():
    x = coords(6, 6)  # x[i, j] = 10 i + j
    return zoom_region(pooling.pool2d(x, "max", 3, stride=2, padding=1), top=1, left=1, height=2, width=2)


def test_zoom_figure_traces_and_values(zoom):
    fig = zoom_figure(zoom)
    assert [t.name for t in fig.data] == list(ZOOM_TRACES)
    t = traces(fig)
    assert np.asarray(t["output"].z).tolist() == [[33, 35], [53, 55]]
    assert list(t["output"].x) == [1, 2] and list(t["output"].y) == [1, 2]  # output coordinates
    assert np.asarray(t["input crop"].z).tolist() == coords(6, 6)[1:6, 1:6].tolist()
    assert list(t["input crop"].x) == [1, 2, 3, 4, 5]
    assert [a.text for a in fig.layout.annotations] == ["max, output rows 1–2, cols 1–2",
                                                        "input rows 1–5, cols 1–5"]
    assert fig.layout.coloraxis.cmin == 11 and fig.layout.coloraxis.cmax == 55


def test_zoom_figure_lights_each_source_pixel_and_names_its_cells(zoom):
    t = traces(zoom_figure(zoom))
    assert t["sources"].line.color == palette.ACCENT
    x, y = np.asarray(t["sources"].x, float), np.asarray(t["sources"].y, float)
    centres = {(round(np.nanmean(y[k:k + 5])), round(np.nanmean(x[k:k + 5]))) for k in range(0, x.size, 6)}
    assert centres == {(3, 3), (3, 5), (5, 3), (5, 5)}
    assert list(zip(t["source points"].y, t["source points"].x)) == [(3, 3), (3, 5), (5, 3), (5, 5)]
    assert t["source points"].text[0] == "input (3, 3) = 33<br>the max of output (1, 1)"


def test_zoom_figure_click_layer_carries_output_cells(zoom):
    t = traces(zoom_figure(zoom))
    assert [list(c) for c in t["output cells"].customdata] == [[1, 1], [1, 2], [2, 1], [2, 2]]
    assert t["output cells"].text[1].startswith("output (1, 2) = 35<br>copied from input (3, 5)")
    assert t["output cells"].marker.opacity == 0


def test_overlapping_windows_share_one_hover_point_per_pixel():
    x = np.zeros((4, 4))
    x[1, 1] = 9  # the max of every 3 x 3 stride-1 window that holds it
    zoom = zoom_region(pooling.pool2d(x, "max", 3, stride=1), top=0, left=0, height=2, width=2)
    t = traces(zoom_figure(zoom))
    assert len(t["source points"].x) == 1
    assert t["source points"].text[0] == "input (1, 1) = 9<br>the max of output (0, 0), (0, 1), (1, 0), (1, 1)"


def test_focus_outlines_the_cell_and_its_window(zoom):
    t = traces(zoom_figure(zoom, focus=(2, 1)))
    corners = np.stack([t["focus cell"].y[:4], t["focus cell"].x[:4]], axis=1)  # the 5th closes the square
    assert corners.mean(0).round(3).tolist() == [2, 1]
    wx = np.asarray(t["focus window"].x, float)
    assert np.count_nonzero(np.isnan(wx)) == 9  # a 3 x 3 window, all in bounds, one outline per tap
    assert t["focus window"].line.color == palette.WINDOW
    assert np.nanmin(wx) > 0 and np.nanmax(wx) < 4  # window of output (2, 1): rows 3-5, cols 1-3


def test_focus_outside_the_zoom_draws_nothing(zoom):
    t = traces(zoom_figure(zoom, focus=(0, 0)))
    assert len(t["focus cell"].x) == 0 and len(t["focus window"].x) == 0


def test_zoom_figure_takes_a_shared_value_range(zoom):
    fig = zoom_figure(zoom, value_range=(0, 255), title="Zoom")
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 255)
    assert fig.layout.title.text == "Zoom"


@pytest.mark.parametrize("focus", [None, (2, 1), (0, 0)])
def test_zoom_figure_built_unvalidated_is_the_validated_figure(zoom, focus):
    # zoom_figure skips plotly's validation for speed: its spec must already be in the forms validation gives.
    from figures.compare import _zoom_spec

    for value_range, title in ((None, None), ((0, 255), "Zoom")):
        built = zoom_figure(zoom, focus=focus, value_range=value_range, title=title)
        validated = go.Figure(_zoom_spec(zoom, focus, value_range, title))
        assert json.loads(pio.to_json(built, validate=False)) == json.loads(pio.to_json(validated, validate=False))


def test_zoom_figure_needs_a_zoom():
    with raises(TypeError, "zoom must be a ZoomRegion, not dict"):
        zoom_figure({})


def test_difference_figure_is_a_signed_map_centred_on_zero():
    x = coords(4, 4)[None].repeat(3, axis=0)
    diff, _ = pooling.analysis.compare.mode_difference(pooling.pool2d(x, "max", 2).values, pooling.pool2d(x, "avg", 2).values)
    fig = difference_figure(diff, first="Max", second="Average", n_planes=3)
    assert fig.layout.title.text == "Max − Average (mean of the three colour planes)"
    (trace,) = fig.data
    assert trace.type == "heatmap" and np.array(trace.z).tolist() == diff.tolist()
    assert (trace.zmin, trace.zmax) == (-5.5, 5.5)  # symmetric about 0: white is equal
    assert trace.colorscale == map_figure(diff, colorscale=palette.DIFF_SCALE).data[0].colorscale
    assert difference_figure(diff, first="A", second="B").layout.title.text == "A − B"
    two = difference_figure(diff, first="A", second="B", n_planes=2)
    assert two.layout.title.text == "A − B (mean of the 2 planes)"


@pytest.mark.parametrize("values", [
    np.arange(12.0).reshape(3, 4), np.array([[np.nan, 1.0], [2.0, np.inf]]), np.arange(6, dtype=np.uint16).reshape(2, 3),
    np.random.default_rng(0).random((150, 130)).astype(np.float32), np.full((200, 100), np.nan)])
@pytest.mark.parametrize("options", [
    {}, {"title": "T", "colorscale": palette.DIFF_SCALE, "zmid": 0, "colorbar_title": "c", "value_format": "d"},
    {"zmin": 0, "zmax": 5, "max_side": 40}])
def test_map_figure_built_unvalidated_is_the_validated_figure(values, options):
    # map_figure (which difference_figure and Information loss draw with) skips plotly's validation for speed: its
    # figure must already be in the forms validation gives, so validating it again changes nothing.
    fig = map_figure(values, **options)
    again = go.Figure(fig.to_dict())
    assert json.loads(pio.to_json(fig, validate=False)) == json.loads(pio.to_json(again, validate=False))

