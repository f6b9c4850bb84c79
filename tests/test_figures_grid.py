"""grid_figure and pool_pair_figure, checked on fig.data and fig.layout."""

import numpy as np
import plotly.graph_objects as go
import pytest
from helpers import coords

import pooling
from figures import grid_figure, palette, pool_pair_figure


def outlined_cells(trace):
    """The (row, col) of each square in an outline trace (one closed polyline per cell)."""
    pts = np.stack([np.asarray(trace.x), np.asarray(trace.y)], axis=-1).reshape(-1, 6, 2)
    centres = pts[:, :4].mean(axis=1)
    return {(int(round(y)), int(round(x))) for x, y in centres}


def test_grid_is_one_heatmap_with_values_written_in():
    fig = grid_figure(coords(3, 4))
    assert isinstance(fig, go.Figure) and len(fig.data) == 1
    hm = fig.data[0]
    assert hm.type == "heatmap" and hm.texttemplate == "%{text}"
    assert hm.text[2][3] == "23"
    assert hm.hovertemplate.endswith("<extra></extra>")


def test_arrays_reach_plotly_as_compact_numpy():
    assert grid_figure(coords(2, 2)).data[0].z.dtype == np.float32
    assert grid_figure(np.zeros((2, 2), np.uint8)).data[0].z.dtype == np.uint8
    assert isinstance(grid_figure(coords(2, 2)).data[0].x, np.ndarray)


def test_row_zero_on_top_and_square_cells():
    fig = grid_figure(coords(3, 5))
    assert tuple(fig.layout.yaxis.range) == (2.5, -0.5)  # reversed, exactly on the grid's edges
    assert tuple(fig.layout.xaxis.range) == (-0.5, 4.5)
    assert fig.layout.xaxis.scaleanchor == "y"
    assert fig.layout.xaxis.constrain == "domain" and fig.layout.yaxis.constrain == "domain"


def test_values_all_share_one_colour_axis_over_their_range():
    fig = grid_figure(coords(3, 3))
    assert fig.data[0].coloraxis == "coloraxis"
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 22)
    assert fig.layout.coloraxis.colorscale[0][1].lower() == palette.VALUE_STOPS[0].lower()


def test_text_only_on_small_grids():
    assert grid_figure(np.zeros((32, 32))).data[0].text is not None
    assert grid_figure(np.zeros((33, 8))).data[0].text is None
    assert grid_figure(np.zeros((4, 4)), text=False).data[0].text is None


def test_highlight_by_mask_or_by_cells_lights_the_same_cells():
    x = coords(4, 4)
    by_mask = grid_figure(x, highlight=x % 11 == 0)
    by_cells = grid_figure(x, highlight=[(0, 0), (1, 1), (2, 2), (3, 3)])
    for fig in (by_mask, by_cells):
        halo, accent = fig.data[1], fig.data[2]
        assert halo.line.color == palette.HALO and accent.line.color == palette.ACCENT
        assert halo.line.width > accent.line.width
        assert outlined_cells(accent) == {(0, 0), (1, 1), (2, 2), (3, 3)}


def test_title_is_set():
    assert grid_figure(coords(2, 2), title="A grid").layout.title.text == "A grid"


@pytest.mark.parametrize("values", [np.arange(4), np.zeros((0, 3)), np.zeros((2, 2, 2))])
def test_grid_refuses_anything_but_a_2d_grid(values):
    with pytest.raises(ValueError, match="values must be a non-empty 2-D"):
        grid_figure(values)


def test_highlight_mask_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"highlight mask shape \(3, 3\) must match values shape \(2, 2\)"):
        grid_figure(coords(2, 2), highlight=np.ones((3, 3), bool))


# pool_pair_figure ---------------------------------------------------------------------------------


@pytest.fixture
def pair():
    x = coords(4, 4)
    return x, pooling.pool2d(x, "max", 2), pooling.pool2d(x, "avg", 2)


def test_pair_shows_input_max_and_average(pair):
    x, mx, av = pair
    fig = pool_pair_figure(x, mx, av)
    assert [t.name for t in fig.data[:3]] == ["input", "max", "average"]
    assert fig.data[1].z.tolist() == [[11, 13], [31, 33]]
    assert fig.data[2].z.tolist() == [[5.5, 7.5], [25.5, 27.5]]
    assert {t.coloraxis for t in fig.data[:3]} == {"coloraxis"}


def test_pair_lights_each_windows_argmax_on_the_input(pair):
    fig = pool_pair_figure(*pair)
    accent = next(t for t in fig.data if t.name == "argmax")
    assert accent.xaxis == "x" and accent.line.color == palette.ACCENT
    assert outlined_cells(accent) == {(1, 1), (1, 3), (3, 1), (3, 3)}


def test_pair_outlines_the_windows(pair):
    fig = pool_pair_figure(*pair)
    boxes = next(t for t in fig.data if t.name == "windows")
    pts = np.stack([np.asarray(boxes.x), np.asarray(boxes.y)], axis=-1).reshape(-1, 6, 2)
    corners = {(round(float(p[0, 1]), 2), round(float(p[0, 0]), 2)) for p in pts}
    assert corners == {(-0.46, -0.46), (-0.46, 1.54), (1.54, -0.46), (1.54, 1.54)}


def test_pair_hover_reads_each_window_in_words(pair):
    fig = pool_pair_figure(*pair)
    assert fig.data[1].hovertext[0][1] == "window rows 0-1, cols 2-3; max 13 at (1, 3)"
    assert fig.data[1].hovertemplate == "%{hovertext}<extra></extra>"


def test_pair_panels_are_square_with_row_zero_on_top(pair):
    fig = pool_pair_figure(*pair)
    for k in ("", "2", "3"):
        y = fig.layout[f"yaxis{k}"].range
        assert y[0] > y[1]
        assert fig.layout[f"xaxis{k}"].scaleanchor == f"y{k}"


def test_pair_checks_its_inputs(pair):
    x, mx, av = pair
    with pytest.raises(ValueError, match="max_result must come from a selecting mode"):
        pool_pair_figure(x, av, av)
    with pytest.raises(ValueError, match=r"avg_result pooled a \(6, 6\) input, but values is \(4, 4\)"):
        pool_pair_figure(x, mx, pooling.pool2d(coords(6, 6), "avg", 2))
    with pytest.raises(TypeError, match="max_result must be a PoolResult"):
        pool_pair_figure(x, x, av)
