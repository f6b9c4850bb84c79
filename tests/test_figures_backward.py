"""The backward-pass figures, checked on fig.data and fig.layout."""

import numpy as np
import pytest
from helpers import coords, raises

import pooling
from figures import palette
from figures.backward import cell_labels, cell_px, fan_in_figure, routing_figure, upstream_figure
from pooling.backward import gradient_sources, upstream_gradient


def outlined_cells(trace):
    """The (row, col) of each square in an outline trace (one closed polyline per cell)."""
    if len(trace.x) == 0:
        return set()
    pts = np.stack([np.asarray(trace.x), np.asarray(trace.y)], axis=-1).reshape(-1, 6, 2)
    centres = pts[:, :4].mean(axis=1)
    return {(round(float(y)), round(float(x))) for x, y in centres}


def routes(x, grad_output=None, **geometry):
    results = [pooling.pool2d(x, "max", **geometry), pooling.pool2d(x, "avg", **geometry),
               pooling.pool2d(x, "stochastic", **geometry, rng=0)]
    return results, [pooling.pool_backward(r, grad_output) for r in results], [gradient_sources(r) for r in results]


# ------------------------------------------------------------------ upstream


def test_upstream_shows_the_input_on_values_and_the_gradient_on_the_signed_scale():
    x = coords(4, 4)
    grad = np.array([[1.0, -3.0], [2.0, 0.5]])
    fig = upstream_figure(x, grad, titles=("in", "up"))
    inp, up = fig.data
    assert inp.coloraxis == "coloraxis" and up.coloraxis == "coloraxis2"
    assert inp.z.tolist() == x.tolist() and up.z.tolist() == grad.tolist()
    assert up.text.tolist() == [["1", "-3"], ["2", "0.5"]]
    assert fig.layout.coloraxis.colorscale[0][1].lower() == palette.VALUE_STOPS[0].lower()
    assert (fig.layout.coloraxis2.cmin, fig.layout.coloraxis2.cmax) == (-3.0, 3.0)  # symmetric about 0
    assert [a.text for a in fig.layout.annotations] == ["in", "up"]
    assert fig.layout.yaxis.range == (3.5, -0.5) and fig.layout.yaxis2.range == (1.5, -0.5)


def test_an_all_zero_gradient_still_has_a_colour_range():
    fig = upstream_figure(np.ones((2, 2)), np.zeros((1, 1)))
    assert (fig.layout.coloraxis2.cmin, fig.layout.coloraxis2.cmax) == (-1.0, 1.0)


def test_diverging_scale_is_the_palette_one():
    fig = upstream_figure(np.ones((2, 2)), [[1.0]])
    reference = routing_figure(np.ones((2, 2)), [np.ones((2, 2))], titles=["a"])
    assert fig.layout.coloraxis2.colorscale == reference.layout.coloraxis.colorscale
    assert fig.layout.coloraxis2.colorscale[0][1] != fig.layout.coloraxis.colorscale[0][1]


# ------------------------------------------------------------------ routing


def test_routing_draws_each_gradient_as_the_core_returned_it():
    x = coords(4, 4).astype(np.float64)
    grad_output = np.array([[1.0, 2.0], [3.0, 4.0]])
    _, grads, sources = routes(x, grad_output, kernel_size=2)
    fig = routing_figure(x, grads, titles=["max", "avg", "stochastic"],
                         chosen=[sources[0] > 0, None, sources[2] > 0])
    assert len(fig.data) == 9
    for panel, grad in enumerate(grads):
        heatmap = fig.data[3 * panel]
        assert heatmap.type == "heatmap"
        np.testing.assert_array_equal(heatmap.z, grad.astype(np.float32))
        assert heatmap.customdata.tolist() == x.tolist()  # the input value on hover
        assert "gradient %{z" in heatmap.hovertemplate and heatmap.hovertemplate.endswith("<extra></extra>")
    # Max of 10 * i + j: every 2x2 window's bottom-right cell is its switch.
    assert outlined_cells(fig.data[2]) == {(1, 1), (1, 3), (3, 1), (3, 3)}
    assert fig.data[2].line.color == palette.ACCENT
    assert outlined_cells(fig.data[5]) == set()  # average lights nothing
    assert outlined_cells(fig.data[8]) == set(zip(*np.nonzero(sources[2])))
    assert fig.data[3].text.tolist() == [["0.25", "0.25", "0.5", "0.5"], ["0.25", "0.25", "0.5", "0.5"],
                                         ["0.75", "0.75", "1", "1"], ["0.75", "0.75", "1", "1"]]


def test_routing_panels_share_one_signed_range():
    grads = [np.array([[0.0, 5.0]]), np.array([[-2.0, 1.0]])]
    fig = routing_figure(np.zeros((1, 2)), grads, titles=["a", "b"])
    assert {t.coloraxis for t in fig.data[::3]} == {"coloraxis"}
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (-5.0, 5.0)
    assert fig.layout.coloraxis.colorbar.title.text == "gradient"


def test_big_grids_have_no_numbers_written_in_but_keep_hover():
    x = np.zeros((16, 16))
    fig = routing_figure(x, [x] * 4, titles=list("abcd"))
    assert cell_px((16, 16), 4) < 18
    assert fig.data[0].text is None and fig.data[0].hovertemplate


def test_routing_checks_its_inputs():
    with raises(ValueError, "titles has 1 entries; it needs one per grid (2)"):
        routing_figure(np.zeros((2, 2)), [np.zeros((2, 2))] * 2, titles=["a"])
    with raises(ValueError, "chosen has 1 entries; it needs one per grid (2)"):
        routing_figure(np.zeros((2, 2)), [np.zeros((2, 2))] * 2, titles=["a", "b"], chosen=[None])
    with raises(ValueError, "each gradient must have the input's shape (2, 2), got (3, 3)"):
        routing_figure(np.zeros((2, 2)), [np.zeros((3, 3))], titles=["a"])
    with raises(ValueError, "grads must hold at least one grid"):
        routing_figure(np.zeros((2, 2)), [], titles=[])
    with raises(ValueError, "grads must hold non-empty 2-D (H, W) grids, got shape (2,)"):
        routing_figure(np.zeros((2, 2)), [np.zeros(2)], titles=["a"])


# ------------------------------------------------------------------ fan-in


def test_fan_in_lights_the_cells_that_hear_from_several_outputs():
    x = np.random.default_rng(0).integers(0, 9, size=(5, 5)).astype(np.float64)
    _, _, sources = routes(x, kernel_size=3, stride=1)
    fig = fan_in_figure(sources, titles=["max", "avg", "stochastic"])
    assert len(fig.data) == 9
    for panel, counts in enumerate(sources):
        assert fig.data[3 * panel].z.tolist() == counts.tolist()
        assert outlined_cells(fig.data[3 * panel + 2]) == set(zip(*np.nonzero(counts >= 2)))
    assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == sources[1].max() == 9
    assert fig.data[3].text.tolist()[2][2] == "9"  # the centre of a 5x5 grid is in all nine 3x3 windows


def test_fan_in_without_overlap_lights_nothing():
    _, _, sources = routes(coords(4, 4).astype(np.float64), kernel_size=2)
    fig = fan_in_figure(sources, titles=["a", "b", "c"])
    assert all(outlined_cells(t) == set() for t in fig.data[2::3])
    assert fig.layout.coloraxis.cmax == 2  # room for "2" even when no cell has it


# ------------------------------------------------------------------ helpers


@pytest.mark.parametrize(("value", "text"), [(3.0, "3"), (-0.0, "0"), (1 / 3, "0.333"), (-12.5, "-12.5"),
                                             (1234.5, "1.23e+03"), (np.nan, "nan"), (-np.inf, "-inf")])
def test_cell_labels(value, text):
    assert cell_labels(np.array([[value]])).tolist() == [[text]]


def test_upstream_gradient_feeds_the_figure_unchanged():
    grad = upstream_gradient((3, 3), "random", rng=2)
    fig = upstream_figure(np.zeros((6, 6)), grad)
    assert fig.data[1].z.tolist() == grad.tolist()
