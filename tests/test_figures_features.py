"""figures.features: the figures hold the numbers they are given, on the scales they promise."""

import json

import numpy as np
import pytest
from helpers import image_pixels, scale_colors

from figures import palette
from figures.features import (
    SOURCE_MARKS,
    kernel_figure,
    map_picture,
    persistence_chart,
    scale_figure,
    sources_figure,
)


def test_kernel_figure_writes_every_weight_on_a_signed_scale():
    w = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 4
    fig = kernel_figure(w, title="Sobel")
    heat = fig.data[0]
    assert heat.type == "heatmap" and heat.colorscale[0][1].startswith("rgb") and heat.zmid == 0
    assert np.array(heat.z).tolist() == w.tolist()
    assert [list(row) for row in heat.text] == [["-0.25", "0", "0.25"], ["-0.5", "0", "0.5"], ["-0.25", "0", "0.25"]]
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.yaxis.scaleanchor == "x"
    assert heat.hovertemplate.endswith("<extra></extra>")
    gabor = kernel_figure(np.array([[0.3612, -0.0041, 10.0], [-0.053, 0.0, 1.5]]))
    assert [list(row) for row in gabor.data[0].text] == [["0.36", "0", "10"], ["-0.05", "0", "1.5"]]
    with pytest.raises(ValueError, match="weights must be a non-empty 2-D array"):
        kernel_figure(np.ones(3))


def test_map_pictures_share_one_scale_and_the_scale_figure_is_that_scale():
    raw = np.array([[0.0, 2.0], [0.0, 0.0]])
    pooled = np.array([[2.0]])
    pictures = [map_picture(m, zmax=2.0) for m in (raw, pooled, pooled / 4)]
    assert [(p.height, p.width) for p in pictures] == [(2, 2), (1, 1), (1, 1)]
    np.testing.assert_array_equal(image_pixels(pictures[0].uri), scale_colors(raw, 0.0, 2.0))
    np.testing.assert_array_equal(image_pixels(pictures[2].uri), scale_colors([[0.5]], 0.0, 2.0))
    # Above the top is the top's colour; NaN is an empty cell.
    np.testing.assert_array_equal(image_pixels(map_picture([[5.0, np.nan]], zmax=2.0).uri),
                                  scale_colors([[2.0, np.nan]], 0.0, 2.0))
    bar = scale_figure(2.0).data[0].marker
    assert bar.cmin == 0.0 and bar.cmax == 2.0 and bar.colorscale[0][1] == "#440154"
    assert bar.colorbar.orientation == "h" and bar.colorbar.title.text == "response"
    # An all-zero stage still gets a scale: no division by zero, and the maps are all dark.
    for top in (0.0, np.nan, np.inf, -1.0):
        assert scale_figure(top).data[0].marker.cmax == 1.0
        np.testing.assert_array_equal(image_pixels(map_picture(np.zeros((2, 2)), zmax=top).uri),
                                      scale_colors(np.zeros((2, 2)), 0.0, 1.0))


def test_a_map_bigger_than_max_side_is_shrunk_by_block_means():
    values = np.arange(16.0).reshape(4, 4)
    picture = map_picture(values, zmax=15.0, max_side=2)
    assert (picture.height, picture.width) == (2, 2)
    means = values.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    np.testing.assert_array_equal(image_pixels(picture.uri), scale_colors(means, 0.0, 15.0))


def test_sources_figure_marks_each_filter_in_its_own_colour_and_shape():
    planes = np.zeros((3, 6, 8), np.uint8)
    planes[0] = 255
    sources = {"edges": (np.array([1, 2]), np.array([3, 4])), "blobs": (np.array([5]), np.array([0]))}
    fig = sources_figure(planes, sources)
    assert [t.type for t in fig.data] == ["image", "scatter", "scatter"]
    # The photo in grey, as Pillow's mode "L" turns pure red: (255 * 19595 + 0x8000) >> 16 = 76.
    assert image_pixels(fig.data[0].source)[0, 0].tolist() == 76
    assert list(fig.data[1].x) == [3, 4] and list(fig.data[1].y) == [1, 2] and fig.data[1].name == "edges (2)"
    assert (fig.data[2].marker.color, fig.data[2].marker.symbol) == SOURCE_MARKS[1]
    assert fig.data[1].marker.symbol != fig.data[2].marker.symbol
    assert fig.layout.yaxis.autorange == "reversed"
    big = sources_figure(np.zeros((1, 1200, 600)), {}, value_range=(0, 1), max_side=300)
    assert big.data[0].dx == 4  # shrunk to at most 300 px, still in photo pixels


def test_persistence_chart_in_percent_with_gaps_for_no_data():
    fig = persistence_chart([1, 2, 3, 4], {"raw": [0.5, 0.25, 0.2, 0.1], "max": [np.nan] * 4,
                                           "anti-aliased max": [1, 1, 1, 1]}, stride=2, accent="anti-aliased max")
    assert list(fig.data[0].y) == [50.0, 25.0, 20.0, 10.0] and list(fig.data[1].y) == [None] * 4
    assert fig.data[2].line.color == palette.ACCENT and fig.data[0].line.color != palette.ACCENT
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [2, 4]  # whole strides
    assert fig.layout.yaxis.range == (0, 105)
    with pytest.raises(ValueError, match="at least one line"):
        persistence_chart([1], {}, stride=1)


def test_scale_figure_built_unvalidated_is_in_plotly_validated_form():
    import plotly.graph_objects as go

    for top in (0.37, 0.0, np.nan):
        fig = scale_figure(top)
        assert go.Figure(fig.to_dict()).to_dict() == fig.to_dict()


def test_sources_figure_and_persistence_chart_built_unvalidated_are_in_plotly_validated_form():
    import plotly.graph_objects as go
    import plotly.io as pio

    def spec(fig):  # what st.plotly_chart sends, read back (an empty array stays an array in to_dict)
        return json.loads(pio.to_json(fig.to_dict(), validate=False))

    rng = np.random.default_rng(1)
    planes = rng.integers(0, 256, (3, 30, 40)).astype(np.uint8)
    sources = {"Sobel": (np.array([1, 2, 29]), np.array([3, 39, 0])), "Laplacian": (np.array([], int), np.array([], int))}
    for title in (None, "Where"):
        fig = sources_figure(planes, sources, title=title)
        assert spec(go.Figure(fig.to_dict())) == spec(fig)
        chart = persistence_chart([1, 2, 3], {"raw": [0.5, np.nan, 0.25], "max": [1, 1, 0.0]}, stride=2,
                                  accent="max", title=title)
        assert go.Figure(chart.to_dict()).to_dict() == chart.to_dict()
