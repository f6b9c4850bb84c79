"""The figures package as a whole, its palette and its cell geometry."""

import ast
import inspect
import subprocess
import sys

import numpy as np
import plotly.colors
import pytest

import pooling
from figures import _cells, palette


def _run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_import_pooling_loads_neither_plotly_nor_figures():
    out = _run("import sys, pooling; "
               "print(sorted(m for m in ('plotly', 'PIL', 'figures') if m in sys.modules))")
    assert out == "[]"


def test_figures_never_import_streamlit():
    out = _run("import sys, figures; print('streamlit' in sys.modules)")
    assert out == "False"


def test_core_init_does_not_import_figures():
    tree = ast.parse(inspect.getsource(pooling))
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any("figures" in (m or "") for m in names)


def test_package_exports_the_builders():
    import figures as figures

    for name in ("grid_figure", "pool_pair_figure", "image_figure", "sweep_figure", "sweep_gif"):
        assert callable(getattr(figures, name))
    assert figures.OUTPUT_CELLS_TRACE == len(figures.sweep.TRACE_NAMES) - 1


# palette ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pad, label", [(-np.inf, "-inf"), (np.inf, "+inf"), (0.0, "0"), (0, "0")])
def test_pad_label(pad, label):
    assert palette.pad_label(pad) == label


def test_value_rgb_matches_plotlys_viridis_at_its_stops():
    stops = np.array([plotly.colors.hex_to_rgb(c) for c in plotly.colors.sequential.Viridis])
    t = np.linspace(0, 1, len(stops))
    np.testing.assert_array_equal(palette.value_rgb(t, 0, 1), stops)


def test_value_rgb_clips_and_handles_flat_and_nan():
    out = palette.value_rgb(np.array([-5.0, 50.0, np.nan]), 0, 10)
    assert out.dtype == np.uint8
    assert out[0].tolist() == list(plotly.colors.hex_to_rgb(palette.VALUE_STOPS[0]))
    assert out[1].tolist() == list(plotly.colors.hex_to_rgb(palette.VALUE_STOPS[-1]))
    assert palette.value_rgb(np.array([3.0]), 3, 3).shape == (1, 3)


def test_text_colour_contrasts_with_both_ends_of_the_scale():
    ends = palette.value_rgb(np.array([0.0, 1.0]), 0, 1)
    assert palette.text_rgb(ends).tolist() == [[255, 255, 255], [0, 0, 0]]


def test_marks_differ_in_shape_not_only_colour():
    assert palette.CHOSEN_WIDTH > palette.WINDOW_WIDTH
    assert palette.TIE_DASH != "solid"
    assert palette.HALO_WIDTH > palette.CHOSEN_WIDTH  # the halo shows on both sides of every mark
    assert palette.ACCENT.upper() == "#D55E00"


def test_mark_sizes_shrink_on_small_cells_and_never_vanish():
    big, small = palette.mark_sizes(80), palette.mark_sizes(5)
    assert big["halo"] == palette.HALO_WIDTH
    assert 0 < small["window"] < big["window"]
    assert small["inset"] < big["inset"]


def test_cell_font_size_falls_with_grid_size():
    sizes = [palette.cell_font_size(n) for n in (2, 8, 16, 32)]
    assert sizes == sorted(sizes, reverse=True)


# cell geometry ------------------------------------------------------------------------------------


def test_cell_outlines_are_closed_squares_separated_by_nan():
    x, y = _cells.cell_outlines([0, 2], [1, 3], inset=0.1)
    assert x.dtype == np.float32 and x.shape == (12,)
    assert np.isnan(x[5]) and np.isnan(y[11])
    assert (x[0], y[0]) == (x[4], y[4])
    np.testing.assert_allclose(x[:4], [0.6, 1.4, 1.4, 0.6])
    np.testing.assert_allclose(y[6:10], [1.6, 1.6, 2.4, 2.4])


def test_box_outlines_cover_whole_rows_and_columns():
    x, y = _cells.box_outlines([0], [1], [0], [2], inset=0)
    assert (np.nanmin(x), np.nanmax(x), np.nanmin(y), np.nanmax(y)) == (-0.5, 2.5, -0.5, 1.5)


def test_no_cells_give_empty_arrays():
    x, y = _cells.cell_outlines([], [])
    assert x.size == 0 and y.size == 0


def test_cell_text_is_blank_where_nan():
    assert _cells.cell_text(np.array([np.nan, 1.5, 255.0])).tolist() == ["", "1.5", "255"]


def test_value_range_ignores_infinities_and_nan():
    assert _cells.value_range(np.array([2.0, np.nan, -np.inf]), np.array([9])) == (2.0, 9.0)
    assert _cells.value_range(np.array([np.nan])) == (0.0, 1.0)
    assert _cells.value_range(np.array([4, 4])) == (3.5, 4.5)


def test_ring_of_padding_one_around_h_by_w():
    r, c = _cells.ring_cells((-1, 6, -1, 4), (6, 4))
    assert len(r) == 2 * (6 + 4) + 4
    inside = (r >= 0) & (r < 6) & (c >= 0) & (c < 4)
    assert not inside.any()


def test_padded_extent_follows_the_taps():
    x = np.arange(36).reshape(6, 6)
    s = pooling.sweep_steps(pooling.pool2d(x, "max", 3, stride=2, padding=1))
    assert _cells.padded_extent(s, x.shape) == (-1, 5, -1, 5)
    s = pooling.sweep_steps(pooling.pool2d(np.arange(25).reshape(5, 5), "max", 2, padding="same"))
    assert _cells.padded_extent(s, (5, 5)) == (0, 5, 0, 5)
    s = pooling.sweep_steps(pooling.pool2d(x, "max", 2))
    assert _cells.padded_extent(s, x.shape) == (0, 5, 0, 5)
