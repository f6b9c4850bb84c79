"""Tests of the shift figures: ``shift_chart`` and ``shift_row_figure`` (fig.data and fig.layout, never pixels)."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from helpers import hypothesis_settings
from hypothesis import given
from hypothesis import strategies as st

from figures import palette
from figures.image import photo_pixels, scaled_pixels
from figures.invariance import LINE_STYLES, before_figure, shift_chart, shift_row_figure, shift_row_view
from pooling.analysis.invariance import ShiftReport, ShiftTest, aligned_shift_invariance, compare_shift


def report(unchanged, change, dy=0):
    n = len(unchanged)
    return ShiftReport(np.array([[dy, dx] for dx in range(n)]), np.array(unchanged), np.array(change))


def test_shift_chart_draws_each_report_in_two_rows():
    reports = {"Max": report([1.0, 0.4, 1.0], [0.0, 3.0, 0.0]), "Blur": report([1.0, 0.1, 1.0], [0.0, 2.0, 0.0])}
    fig = shift_chart(reports, stride=2, current=1, accent="Blur", title="t")
    assert [t.name for t in fig.data] == ["Max", "Max", "Blur", "Blur"]
    assert [t.showlegend for t in fig.data] == [None, False, None, False]
    assert fig.data[0].x == (0, 1, 2) and fig.data[0].y == (100.0, 40.0, 100.0)
    assert fig.data[1].y == (0.0, 3.0, 0.0)
    assert fig.data[0].yaxis == "y" and fig.data[1].yaxis == "y2"
    assert fig.data[2].line.color == palette.ACCENT and fig.data[0].line.color == LINE_STYLES[0][0]
    assert fig.layout.title.text == "t"
    # Whole strides 0 and 2 get thin lines in both rows; the current shift a dotted one with its label.
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert sorted(s.x0 for s in lines) == [0, 0, 1, 1, 2, 2]
    assert {s.line.dash for s in lines if s.x0 == 1} == {"dot"}
    assert [a.text for a in fig.layout.annotations if a.text] == ["dx = 1"]


def test_shift_chart_from_the_core_and_along_dy():
    x = np.random.default_rng(0).random((12, 12))
    rep = aligned_shift_invariance(x, [(dy, 1) for dy in range(5)], "max", kernel_size=2)
    fig = shift_chart({"Max": rep}, axis=0)
    assert fig.data[0].x == (0, 1, 2, 3, 4)
    np.testing.assert_allclose(fig.data[0].y, 100 * rep.unchanged)
    np.testing.assert_allclose(fig.data[1].y, rep.mean_abs_change)
    assert fig.layout.xaxis2.title.text == "shift dy (pixels)"


def test_shift_chart_errors():
    with pytest.raises(ValueError, match=r"axis \(2\) must be 0 \(dy\) or 1 \(dx\)"):
        shift_chart({"Max": report([1.0], [0.0])}, axis=2)
    with pytest.raises(ValueError, match="reports must hold at least one ShiftReport"):
        shift_chart({})


def dot_comparison():
    x = np.zeros((8, 8))
    x[2, 3] = 1.0
    return compare_shift(x, (0, 1), "max", kernel_size=2)


def test_shift_row_figure_has_three_panels_and_a_colour_bar():
    fig = shift_row_figure(dot_comparison(), value_range=(0, 1), span=0.5)
    assert [t.type for t in fig.data] == ["image", "image", "image", "scatter"]
    assert [t.xaxis for t in fig.data] == ["x", "x2", "x3", "x3"]
    assert [t.source[:t.source.index(",")] for t in fig.data[:3]] == ["data:image/png;base64"] * 3  # grey, grey, paletted
    bar = fig.data[3].marker
    assert (bar.cmin, bar.cmax, bar.colorscale[0][1]) == (-0.5, 0.5, "rgb(5,48,97)")  # RdBu_r, blue first
    assert [a.text for a in fig.layout.annotations] == ["Before", "After the shift", "After − before, aligned"]
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.yaxis2.scaleanchor == "x2"


def test_shift_row_figure_span_defaults_to_the_largest_change():
    fig = shift_row_figure(dot_comparison(), value_range=(0, 1))
    assert (fig.data[3].marker.cmin, fig.data[3].marker.cmax) == (-1.0, 1.0)


def test_shift_row_figure_shrinks_big_outputs():
    x = np.random.default_rng(1).random((3, 200, 120))
    fig = shift_row_figure(compare_shift(x, (1, 1), "avg", kernel_size=2), value_range=(0, 1), max_side=40)
    # 100 x 60 outputs, shrunk by 3 to 33 x 20 cells, each drawn 3 wide around the block's centre.
    assert {(t.dx, t.dy, t.x0) for t in fig.data[:3]} == {(3, 3, 1.0)}
    assert "(3 × 3)" in fig.data[0].hovertemplate


def test_shift_row_figure_draws_the_panels_asked_for_at_their_width():
    comparison = dot_comparison()
    whole = shift_row_figure(comparison, value_range=(0, 1), span=0.5)
    before = shift_row_figure(comparison, value_range=(0, 1), span=0.5, panels=("before",))
    rest = shift_row_figure(comparison, value_range=(0, 1), span=0.5, panels=("after", "difference"))
    assert [t.source for t in before.data] == [whole.data[0].source]
    assert [t.type for t in rest.data] == ["image", "image", "scatter"]
    assert [t.source for t in rest.data[:2]] == [t.source for t in whole.data[1:3]]
    assert rest.data[2].xaxis == "x2" and rest.data[2].marker.cmax == 0.5
    assert [a.text for a in rest.layout.annotations] == ["After the shift", "After − before, aligned"]
    # In columns of widths 1 and 2, a panel takes 0.9 of the first and 0.45 of the second: the same width.
    assert before.layout.xaxis.domain == (0.0, 0.9)
    assert (rest.layout.xaxis.domain, rest.layout.xaxis2.domain) == ((0.0, 0.45), (0.495, 0.945))
    assert whole.layout.xaxis3.domain == (0.66, 0.96)
    with pytest.raises(ValueError, match="panels"):
        shift_row_figure(comparison, value_range=(0, 1), panels=("after", "after"))


def test_shift_figures_are_valid_plotly():
    """Built as plain dicts and not checked on the way: plotly's own validation must accept every property."""
    reports = {"Max": report([1.0, 0.4, 1.0], [0.0, 3.0, 0.0]), "Blur": report([1.0, 0.1, 1.0], [0.0, 2.0, 0.0])}
    for fig in (shift_chart(reports, stride=2, current=1, accent="Blur", title="t"), shift_chart(reports, axis=0),
                shift_row_figure(dot_comparison(), value_range=(0, 1))):
        go.Figure(fig.to_dict())  # raises on any property plotly does not know or any value it refuses


def test_shift_row_figure_is_the_same_after_its_colour_bar_is_kept():
    # The colour bar's trace is made once per span and panel and copied: a figure must not share it with another.
    comparison = dot_comparison()
    first = shift_row_figure(comparison, value_range=(0, 1), span=0.5)
    first.to_dict()["data"][-1]["marker"]["cmax"] = 99.0  # what one page does to its figure reaches no other
    again = shift_row_figure(comparison, value_range=(0, 1), span=0.5).to_dict()
    bar = again["data"][-1]
    assert (bar["marker"]["cmin"], bar["marker"]["cmax"], bar["xaxis"], bar["x"]) == (-0.5, 0.5, "x3", [0.0])
    assert json.loads(pio.to_json(again, validate=False)) == json.loads(pio.to_json(go.Figure(again), validate=False))


@hypothesis_settings(200)
@given(st.integers(1, 3), st.integers(1, 6), st.integers(1, 6), st.floats(-5, 5), st.floats(0, 10),
       st.sampled_from(["finite", "nan", "inf"]), st.integers(0, 2**16))
def test_photo_pixels_are_scaled_pixels(planes, h, w, lo, width, kind, seed):
    # The pixels of the before and after panels: image.scaled_pixels's, to the bit, in pixel order.
    if planes == 2:
        planes = 3
    rng = np.random.default_rng(seed)
    values = rng.normal(lo + width / 2, width + 1, (planes, h, w))
    values[0, 0, 0] = lo  # an end of the range, exactly
    if kind != "finite":
        values[-1, -1, -1] = np.nan if kind == "nan" else -np.inf
        values[0, -1, 0] = np.inf
    with np.errstate(all="ignore"):  # infinity scaled overflows, in the reference as in the page
        expected = scaled_pixels(np.moveaxis(values, 0, -1), lo, lo + width)
        got = photo_pixels(values, lo, lo + width)
    expected = expected[..., 0] if planes == 1 else expected
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, expected)


def test_before_figure_is_the_rows_before_panel():
    comparison = compare_shift(np.random.default_rng(1).random((3, 12, 10)), (1, 2), "avg", kernel_size=2)
    alone = before_figure(comparison.before, value_range=(0, 1), max_side=4)
    assert alone.to_dict() == shift_row_figure(comparison, value_range=(0, 1), max_side=4, panels=("before",)).to_dict()


def test_shift_row_view_is_the_after_and_difference_panels_and_the_comparisons_numbers():
    x = np.zeros((2, 8, 8))
    x[:, 2, 3] = 1.0
    test = ShiftTest.of(x, "max", kernel_size=2)
    fig, unchanged, change, count, offset = shift_row_view(test, (0, 1), value_range=(0, 1), span=0.25)
    rep = compare_shift(x, (0, 1), "max", kernel_size=2)
    expected = shift_row_figure(rep, value_range=(0, 1), span=0.25, panels=("after", "difference"))
    assert fig.to_plotly_json() == expected.to_plotly_json()
    assert (unchanged, change, offset) == (rep.unchanged, rep.mean_abs_change, rep.offset)
    assert count == int(rep.compared.sum()) * 2  # cells times planes
