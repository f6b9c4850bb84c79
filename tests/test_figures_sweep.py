"""sweep_figure: the animated window sweep, checked on its traces, frames and controls."""

import base64
from types import SimpleNamespace

import numpy as np
import pytest
from helpers import coords

import pooling
from figures import OUTPUT_CELLS_TRACE, palette, sweep_figure
from figures.sweep import ANIMATED_TRACES, TRACE_NAMES


def outlined_cells(xy):
    """The (row, col) of each square of an outline (one closed polyline per cell)."""
    x, y = (np.asarray(v) for v in xy)
    if x.size == 0:
        return set()
    centres = np.stack([x, y], axis=-1).reshape(-1, 6, 2)[:, :4].mean(axis=1)
    return {(int(round(r)), int(round(c))) for c, r in centres}


def trace(fig, name):
    return fig.data[TRACE_NAMES.index(name)]


def decoded(value):
    """A plotly typed-array spec (how frames carry their numbers) as the numpy array it holds; others as they are."""
    if not (isinstance(value, dict) and "bdata" in value):
        return value
    array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return array.reshape([int(n) for n in value["shape"].split(",")]) if "shape" in value else array


def raw_frame_trace(frame, name):
    return frame.data[list(frame.traces).index(TRACE_NAMES.index(name))]


def frame_trace(frame, name):
    """A frame's trace ``name`` with its numbers decoded, read as attributes like a trace's."""
    return SimpleNamespace(**{k: decoded(v) for k, v in raw_frame_trace(frame, name).to_plotly_json().items()})


def swept(x, mode="max", kernel=2, **kw):
    return pooling.sweep_steps(pooling.pool2d(x, mode, kernel, **kw)), x


@pytest.fixture
def max_sweep():
    return swept(coords(4, 6))


# structure ----------------------------------------------------------------------------------------


def test_traces_are_named_and_ordered_as_documented(max_sweep):
    fig = sweep_figure(*max_sweep)
    assert tuple(t.name for t in fig.data) == TRACE_NAMES
    assert OUTPUT_CELLS_TRACE == len(fig.data) - 1


def test_input_traces_sit_left_and_output_traces_right(max_sweep):
    fig = sweep_figure(*max_sweep)
    for name in ("input", "padding", "window", "chosen", "ties", "window taps"):
        assert trace(fig, name).xaxis == "x"
    for name in ("output", "output cell", "source", "output cells", "output background"):
        assert trace(fig, name).xaxis == "x2"


def test_click_layer_has_one_invisible_marker_per_output_cell(max_sweep):
    fig = sweep_figure(*max_sweep)
    layer = fig.data[OUTPUT_CELLS_TRACE]
    assert layer.type == "scatter" and layer.mode == "markers" and layer.name == "output cells"
    assert [list(c) for c in layer.customdata] == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]
    np.testing.assert_array_equal(layer.x, [0, 1, 2, 0, 1, 2])
    np.testing.assert_array_equal(layer.y, [0, 0, 0, 1, 1, 1])
    assert layer.marker.opacity == 0 and layer.unselected.marker.opacity == 0
    assert layer.hovertemplate.endswith("<extra></extra>")
    assert layer.text[5] == "35, from input (3, 5)"


def test_customdata_is_a_plain_list_so_selection_events_carry_lists(max_sweep):
    as_json = sweep_figure(*max_sweep).to_plotly_json()["data"][OUTPUT_CELLS_TRACE]["customdata"]
    assert isinstance(as_json, (list, tuple)) and list(as_json[4]) == [1, 1]


def test_every_hovertemplate_ends_with_extra(max_sweep):
    fig = sweep_figure(*max_sweep)
    for t in fig.data:
        if t.hovertemplate:
            assert t.hovertemplate.endswith("<extra></extra>"), t.name


def test_both_panels_are_square_fixed_and_row_zero_on_top(max_sweep):
    fig = sweep_figure(*max_sweep)
    for k in ("", "2"):
        x, y = fig.layout[f"xaxis{k}"], fig.layout[f"yaxis{k}"]
        assert x.scaleanchor == f"y{k}" and x.constrain == "domain"
        assert y.range[0] > y.range[1]  # reversed: row 0 at the top
    assert tuple(fig.layout.xaxis.range) == (-0.5, 5.5)


def test_one_colour_axis_spans_input_and_output(max_sweep):
    fig = sweep_figure(*max_sweep)
    assert trace(fig, "input").coloraxis == trace(fig, "output").coloraxis == "coloraxis"
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 35)


# frames -------------------------------------------------------------------------------------------


def test_one_frame_per_step_updating_only_the_animated_traces(max_sweep):
    s, x = max_sweep
    fig = sweep_figure(s, x)
    assert [f.name for f in fig.frames] == [str(n) for n in range(len(s))]
    assert all(tuple(f.traces) == ANIMATED_TRACES for f in fig.frames)
    assert len(ANIMATED_TRACES) <= 10


def test_each_frame_title_carries_the_step_sentence(max_sweep):
    s, x = max_sweep
    fig = sweep_figure(s, x)
    for n, f in enumerate(fig.frames):
        assert f.layout.title.text.replace("<br>", " ") == s.describe(n)
    assert fig.layout.title.text == s.describe(0)


def test_output_fills_cell_by_cell(max_sweep):
    s, x = max_sweep
    fig = sweep_figure(s, x)
    assert np.isnan(trace(fig, "output").z[1:]).all()
    for n, f in enumerate(fig.frames):
        out = frame_trace(f, "output")
        np.testing.assert_array_equal(out.z, s.output_so_far(n).astype(np.float32))
        assert out.z.dtype == np.float32
        written = ~np.isnan(s.output_so_far(n))
        assert (np.asarray(out.text) != "").tolist() == written.tolist()
    assert frame_trace(fig.frames[4], "output").text[1][1] == "33"


def test_window_chosen_and_new_output_cell_move_with_the_steps(max_sweep):
    s, x = max_sweep
    fig = sweep_figure(s, x)
    f = fig.frames[4]  # window rows 2-3, cols 2-3
    assert outlined_cells((frame_trace(f, "window").x, frame_trace(f, "window").y)) == {(2, 2), (2, 3), (3, 2), (3, 3)}
    assert outlined_cells((frame_trace(f, "chosen").x, frame_trace(f, "chosen").y)) == {(3, 3)}
    assert outlined_cells((frame_trace(f, "output cell").x, frame_trace(f, "output cell").y)) == {(1, 1)}
    assert frame_trace(f, "source").text[0] == "output (1, 1) = 33, from input (3, 3)"


def test_frame_numbers_travel_as_float32_typed_arrays_not_lists(max_sweep):
    fig = sweep_figure(*max_sweep)
    f = fig.frames[0]
    assert raw_frame_trace(f, "window").x["dtype"] == "f4" and frame_trace(f, "window").x.dtype == np.float32
    assert raw_frame_trace(f, "window taps").x["dtype"] == "f4"
    assert fig.to_dict()["frames"][0]["data"][TRACE_NAMES.index("output") - ANIMATED_TRACES[0]]["z"]["dtype"] == "f4"


def test_marks_differ_by_width_and_dash(max_sweep):
    fig = sweep_figure(*max_sweep)
    window, chosen, ties = trace(fig, "window"), trace(fig, "chosen"), trace(fig, "ties")
    assert chosen.line.color == ties.line.color == palette.ACCENT
    assert window.line.color == palette.WINDOW
    assert chosen.line.width > window.line.width and ties.line.dash == palette.TIE_DASH
    assert trace(fig, "window halo").line.width > chosen.line.width


def test_ties_are_marked_apart_from_the_winner():
    x = np.array([[7, 7], [1, 7]])
    s, _ = swept(x)
    f = sweep_figure(s, x).frames[0]
    assert outlined_cells((frame_trace(f, "chosen").x, frame_trace(f, "chosen").y)) == {(0, 0)}
    assert outlined_cells((frame_trace(f, "ties").x, frame_trace(f, "ties").y)) == {(0, 1), (1, 1)}
    taps = frame_trace(f, "window taps").hovertext
    assert taps[0] == "(0, 0) = 7, chosen" and taps[1].startswith("(0, 1) = 7, tie")


# padding, dilation, weights ------------------------------------------------------------------------


@pytest.mark.parametrize("mode, label", [("max", "-inf"), ("min", "+inf"), ("avg", "0")])
def test_padding_ring_is_drawn_grey_and_labelled_with_the_pad_value(mode, label):
    x = coords(6, 6)
    s, _ = swept(x, mode, 3, stride=1, padding=1)
    fig = sweep_figure(s, x)
    pad = trace(fig, "padding")
    labelled = np.asarray(pad.text) == label
    assert labelled.sum() == 2 * (6 + 6) + 4
    assert not labelled[1:-1, 1:-1].any()
    assert pad.colorscale[0][1] == palette.PAD_FILL and pad.coloraxis is None
    assert np.asarray(trace(fig, "padding hatch").x).size > 0
    assert tuple(fig.layout.xaxis.range) == (-1.5, 6.5)


def test_padding_on_one_side_only_draws_that_side():
    x = coords(6, 6)
    s, _ = swept(x, "max", 3, stride=2, padding=1)  # windows start at -1, 1, 3: nothing past column 5
    fig = sweep_figure(s, x)
    assert (np.asarray(trace(fig, "padding").text) == "-inf").sum() == 6 + 6 + 1
    assert tuple(fig.layout.xaxis.range) == (-1.5, 5.5)


def test_padded_taps_are_part_of_the_window_and_say_so():
    x = coords(6, 6)
    s, _ = swept(x, "max", 3, stride=2, padding=1)
    f = sweep_figure(s, x).frames[0]
    window = outlined_cells((frame_trace(f, "window").x, frame_trace(f, "window").y))
    assert (-1, -1) in window and len(window) == 9
    assert "padding (-1, -1) = -inf" in list(frame_trace(f, "window taps").hovertext)


def test_no_padding_means_empty_padding_traces_at_the_same_indices(max_sweep):
    fig = sweep_figure(*max_sweep)
    assert np.asarray(trace(fig, "padding").z).size == 0
    assert np.asarray(trace(fig, "padding hatch").x).size == 0


def test_dilated_taps_are_separate_cells_with_gaps_between():
    x = coords(6, 6)
    s, _ = swept(x, "max", 2, stride=1, dilation=2)
    f = sweep_figure(s, x).frames[0]
    window = frame_trace(f, "window")
    assert np.asarray(window.x).size == 4 * 6  # four closed squares, not one rectangle
    assert outlined_cells((window.x, window.y)) == {(0, 0), (0, 2), (2, 0), (2, 2)}


def test_weighting_modes_light_every_weighted_tap_and_show_weights():
    x = coords(4, 4)
    s, _ = swept(x, "avg", 2)
    fig = sweep_figure(s, x)
    f = fig.frames[3]
    assert outlined_cells((frame_trace(f, "chosen").x, frame_trace(f, "chosen").y)) == {(2, 2), (2, 3), (3, 2), (3, 3)}
    assert np.asarray(frame_trace(f, "ties").x).size == 0
    assert list(frame_trace(f, "window taps").hovertext)[0] == "(2, 2) = 22, weight 0.25"
    assert frame_trace(f, "source").text[0] == "output (1, 1) = 27.5, from 4 weighted cells"


# controls -----------------------------------------------------------------------------------------


def test_play_and_pause_run_in_the_browser(max_sweep):
    fig = sweep_figure(*max_sweep, frame_ms=400)
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.method == pause.method == "animate"
    assert play.args[0] is None
    assert play.args[1] == {"frame": {"duration": 400.0, "redraw": True}, "mode": "immediate",
                            "fromcurrent": True, "transition": {"duration": 0}}
    assert list(pause.args[0]) == [None] and pause.args[1]["mode"] == "immediate"


def test_speed_buttons_play_at_half_normal_and_double_speed(max_sweep):
    fig = sweep_figure(*max_sweep, frame_ms=400)
    speed = fig.layout.updatemenus[1].buttons
    assert [b.label for b in speed] == ["0.5×", "1×", "2×"]
    assert [b.args[1]["frame"]["duration"] for b in speed] == [800.0, 400.0, 200.0]
    assert all(b.args[0] is None and b.args[1]["fromcurrent"] for b in speed)


def test_slider_has_one_step_per_frame(max_sweep):
    s, x = max_sweep
    slider = sweep_figure(s, x).layout.sliders[0]
    assert [st.label for st in slider.steps] == [str(n + 1) for n in range(len(s))]
    assert [list(st.args[0]) for st in slider.steps] == [[str(n)] for n in range(len(s))]
    assert all(st.method == "animate" and st.args[1]["frame"]["redraw"] for st in slider.steps)


# focus ---------------------------------------------------------------------------------------------


def test_focus_step_is_a_still_figure_of_that_step(max_sweep):
    s, x = max_sweep
    fig = sweep_figure(s, x, focus_step=4)
    assert len(fig.frames) == 0 and not fig.layout.updatemenus and not fig.layout.sliders
    assert fig.layout.title.text == s.describe(4)
    assert not np.isnan(trace(fig, "output").z).any()  # the whole output
    assert outlined_cells((trace(fig, "chosen").x, trace(fig, "chosen").y)) == {(3, 3)}
    assert outlined_cells((trace(fig, "output cell").x, trace(fig, "output cell").y)) == {(1, 1)}
    assert tuple(t.name for t in fig.data) == TRACE_NAMES


# size and errors -----------------------------------------------------------------------------------


def test_biggest_sweep_stays_under_two_megabytes():
    x = np.random.default_rng(0).integers(0, 256, (16, 16)).astype(np.uint8)
    s, _ = swept(x, "max", 2, stride=1)
    assert len(s) == 225
    assert len(sweep_figure(s, x).to_json()) < 2_000_000


def test_default_sized_sweep_is_small():
    x = np.random.default_rng(0).integers(0, 10, (6, 6))
    s, _ = swept(x, "max", 2)
    assert len(sweep_figure(s, x).to_json()) < 100_000


def test_height_grows_with_the_grid():
    small, big = swept(coords(4, 4)), swept(coords(14, 14))
    assert sweep_figure(*small).layout.height < sweep_figure(*big).layout.height <= 820
    assert sweep_figure(*small, height=700).layout.height == 700


def test_bad_arguments_are_refused(max_sweep):
    s, x = max_sweep
    with pytest.raises(ValueError, match=r"focus_step \(6\) must be in \[0, 6\)"):
        sweep_figure(s, x, focus_step=6)
    with pytest.raises(ValueError, match=r"frame_ms \(0\) must be positive"):
        sweep_figure(s, x, frame_ms=0)
    with pytest.raises(ValueError, match="plane must be the 2-D"):
        sweep_figure(s, x[None])
    with pytest.raises(ValueError, match="smaller than the input"):
        sweep_figure(s, x[:2])
    with pytest.raises(TypeError, match="sweep must be a Sweep"):
        sweep_figure(x, x)


def test_hover_words_hold_for_stochastic_ties_and_mixed_padding():
    # An outside review: a stochastic draw among equal values was hovered as "loses: not first in row-major
    # order", and mixed pooling's padding as "acts as 0" although its max half treats padding as -inf.
    x = np.array([[3.0, 3.0], [1.0, 1.0]])
    r = pooling.pool2d(x, "stochastic", 2, train=True, rng=0)
    s = pooling.sweep_steps(r)
    words = " ".join(frame_trace(sweep_figure(s, x).frames[0], "window taps").hovertext)
    assert "not first in row-major order" not in words
    m = coords(4, 4)
    s = pooling.sweep_steps(pooling.pool2d(m, "mixed", 2, padding=1))
    assert "-inf in the max, 0 in the average" in trace(sweep_figure(s, m), "padding").hovertemplate
