"""Tests of ``pooling.sweep_steps``: a pooling unrolled into one step per output cell."""


import numpy as np
import pytest
from helpers import coords, raises

import pooling

# Rows 0-1 are the docstring's example; the third window (rows 0-1, cols 4-5) has its max 8 at (1, 5).
X66 = np.array(
    [
        [1, 2, 0, 0, 3, 4],
        [0, 5, 0, 0, 6, 8],
        [7, 7, 1, 9, 2, 2],
        [7, 1, 9, 1, 2, 2],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 3],
    ]
)


# --- max ------------------------------------------------------------------------


def test_max_sweep_by_hand():
    s = pooling.sweep_steps(pooling.pool2d(X66, "max", 2))
    assert len(s) == 9
    assert s.output_shape == (3, 3)
    assert s.describe(2) == "Step 3 of 9: window rows 0-1, cols 4-5; max 8 at (1, 5)"
    assert s.describe(3) == (
        "Step 4 of 9: window rows 2-3, cols 0-1; max 7 at (2, 0), "
        "tied with (2, 1), (3, 0) (the first in row-major order wins)"
    )
    assert s.describe(4) == (
        "Step 5 of 9: window rows 2-3, cols 2-3; max 9 at (2, 3), tied with (3, 2) (the first in row-major order wins)"
    )
    assert s.describe(6) == (
        "Step 7 of 9: window rows 4-5, cols 0-1; max 0 at (4, 0), "
        "tied with (4, 1), (5, 0), (5, 1) (the first in row-major order wins)"
    )
    assert s.describe(8) == "Step 9 of 9: window rows 4-5, cols 4-5; max 3 at (5, 5)"
    assert s.descriptions()[2] == s.describe(2)
    assert len(s.descriptions()) == 9


def test_max_sweep_arrays():
    r = pooling.pool2d(X66, "max", 2)
    s = pooling.sweep_steps(r)
    assert s.out_rows.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert s.out_cols.tolist() == [0, 1, 2] * 3
    assert s.rows[2].tolist() == [0, 0, 1, 1]
    assert s.cols[2].tolist() == [4, 5, 4, 5]
    assert s.chosen[2].tolist() == [False, False, False, True]
    assert s.ties[2].tolist() == [False] * 4
    assert s.chosen[3].tolist() == [True, False, False, False]
    assert s.ties[3].tolist() == [False, True, True, False]
    assert s.chosen.sum(axis=1).tolist() == [1] * 9  # exactly one chosen cell per step
    assert s.weights is None
    assert s.pad_value == -np.inf
    assert s.mode == "max"
    np.testing.assert_array_equal(s.values, r.values.ravel())
    # The chosen tap is the cell PoolResult.indices records.
    for step in range(9):
        assert s.source(step) == divmod(int(r.indices.ravel()[step]), 6)


def test_output_so_far():
    s = pooling.sweep_steps(pooling.pool2d(X66, "max", 2))
    nan = np.nan
    np.testing.assert_array_equal(s.output_so_far(0), [[5, nan, nan], [nan, nan, nan], [nan, nan, nan]])
    np.testing.assert_array_equal(s.output_so_far(3), [[5, 0, 8], [7, nan, nan], [nan, nan, nan]])
    np.testing.assert_array_equal(s.output_so_far(8), pooling.pool2d(X66, "max", 2).values)
    assert s.output_so_far(8).dtype == np.float64


def test_padding_flags_and_text():
    # 3x3 windows at stride 2 with padding 1: the first window hangs over the top and the left.
    s = pooling.sweep_steps(pooling.pool2d(coords(3, 3), "max", 3, stride=2, padding=1))
    assert s.rows[0].tolist() == [-1, -1, -1, 0, 0, 0, 1, 1, 1]
    assert s.cols[0].tolist() == [-1, 0, 1] * 3
    padded = s.member[0] & ~s.in_bounds[0]
    assert padded.tolist() == [True, True, True, True, False, False, True, False, False]
    assert not (s.chosen & ~s.in_bounds).any()  # padding never wins
    assert s.describe(0) == "Step 1 of 4: window rows 0-1, cols 0-1 and 5 padded cells; max 11 at (1, 1)"
    # The last window spans rows/cols 1-3: row 3 and col 3 are the bottom/right padding.
    assert s.describe(3) == "Step 4 of 4: window rows 1-2, cols 1-2 and 5 padded cells; max 22 at (2, 2)"


def test_one_padded_cell_is_singular():
    s = pooling.sweep_steps(pooling.pool2d(coords(2, 3), "max", (1, 2), padding=(0, 1)))
    assert s.describe(0) == "Step 1 of 4: window rows 0, cols 0 and 1 padded cell; max 0 at (0, 0)"


def test_min_sweep():
    s = pooling.sweep_steps(pooling.pool2d(coords(4, 4), "min", 2))
    assert s.pad_value == np.inf
    assert s.describe(3) == "Step 4 of 4: window rows 2-3, cols 2-3; min 22 at (2, 2)"


def test_nan_window_reports_its_last_nan():
    x = np.array([[np.nan, 1.0], [np.nan, 2.0]])
    s = pooling.sweep_steps(pooling.pool2d(x, "max", 2))
    assert s.source(0) == (1, 0)
    assert s.describe(0) == (
        "Step 1 of 1: window rows 0-1, cols 0-1; max nan at (1, 0) "
        "(NaN propagates: the last NaN in row-major order is reported)"
    )


# --- weighting modes ----------------------------------------------------------------


def test_avg_sweep():
    s = pooling.sweep_steps(pooling.pool2d(np.array([[5, 6, 1, 2], [7, 9, 3, 4]]), "avg", 2))
    assert s.describe(0) == "Step 1 of 2: window rows 0-1, cols 0-1; avg 6.75 from 4 weighted cells"
    assert s.describe(1) == "Step 2 of 2: window rows 0-1, cols 2-3; avg 2.5 from 4 weighted cells"
    assert s.weights.tolist() == [[0.25] * 4] * 2
    assert s.chosen.all()
    assert not s.ties.any()
    assert s.source(0) is None
    assert s.pad_value == 0.0


def test_avg_with_counted_padding_weights_the_padding():
    s = pooling.sweep_steps(pooling.pool2d(coords(3, 3), "avg", 3, stride=2, padding=1))
    # count_include_pad: all 9 taps weigh 1/9, the 5 padded ones on a zero.
    assert s.chosen[0].all()
    np.testing.assert_allclose(s.weights[0], 1 / 9)
    assert s.describe(0) == "Step 1 of 4: window rows 0-1, cols 0-1 and 5 padded cells; avg 2.444 from 9 weighted cells"
    s = pooling.sweep_steps(pooling.pool2d(coords(3, 3), "avg", 3, stride=2, padding=1, count_include_pad=False))
    assert s.chosen[0].tolist() == s.in_bounds[0].tolist()
    assert s.describe(0) == "Step 1 of 4: window rows 0-1, cols 0-1 and 5 padded cells; avg 5.5 from 4 weighted cells"


def test_lp_counts_only_cells_with_weight():
    s = pooling.sweep_steps(pooling.pool2d(np.array([[3.0, 0.0], [0.0, 4.0]]), "lp", 2))
    assert s.describe(0) == "Step 1 of 1: window rows 0-1, cols 0-1; lp 5 from 2 weighted cells"
    assert s.chosen[0].tolist() == [True, False, False, True]


# --- adaptive and fractional ----------------------------------------------------------


def test_adaptive_max_sweep():
    # 5 into 3: windows 0..1, 1..3, 3..4 on each axis; the kernel array is 3 taps wide.
    s = pooling.sweep_steps(pooling.adaptive_pool2d(coords(5, 5), "max", 3))
    assert len(s) == 9
    assert s.member.shape == (9, 9)
    assert s.member.sum(axis=1).tolist() == [4, 6, 4, 6, 9, 6, 4, 6, 4]
    assert (s.in_bounds == s.member).all()  # adaptive windows have no padding
    assert s.describe(0) == "Step 1 of 9: window rows 0-1, cols 0-1; max 11 at (1, 1)"
    assert s.describe(4) == "Step 5 of 9: window rows 1-3, cols 1-3; max 33 at (3, 3)"
    assert s.describe(8) == "Step 9 of 9: window rows 3-4, cols 3-4; max 44 at (4, 4)"
    assert not (s.chosen & ~s.member).any()


def test_adaptive_avg_sweep():
    s = pooling.sweep_steps(pooling.adaptive_pool2d(coords(5, 5).astype(float), "avg", 3))
    assert s.describe(4) == "Step 5 of 9: window rows 1-3, cols 1-3; avg 22 from 9 weighted cells"
    assert s.describe(0) == "Step 1 of 9: window rows 0-1, cols 0-1; avg 5.5 from 4 weighted cells"
    assert (s.chosen == s.member).all()


def test_fractional_sweep_uses_each_channels_own_grid():
    x = np.stack([coords(10, 10), coords(10, 10)[::-1, ::-1]])
    r = pooling.fractional_max_pool2d(x, 2, output_size=4, samples=[[0.0, 0.0], [0.5, 0.5]])
    s0, s1 = pooling.sweep_steps(r, channel=0), pooling.sweep_steps(r, channel=1)
    # Channel 0 starts at 0, 2, 5, 8 on both axes; channel 1 at 0, 3, 5, 8.
    assert s0.rows[:4, 0].tolist() == [0, 0, 0, 0] and s0.cols[:4, 0].tolist() == [0, 2, 5, 8]
    assert s1.rows[::4, 0].tolist() == [0, 3, 5, 8] and s1.cols[:4, 0].tolist() == [0, 3, 5, 8]
    assert s1.describe(5) == "Step 6 of 16: window rows 3-4, cols 3-4; fractional 66 at (3, 3)"
    assert s0.describe(5) == "Step 6 of 16: window rows 2-3, cols 2-3; fractional 33 at (3, 3)"
    for c, s in enumerate((s0, s1)):
        np.testing.assert_array_equal(s.values, r.values[c].ravel())
        for step in range(16):
            assert s.source(step) == divmod(int(r.indices[c].ravel()[step]), 10)


# --- the step limit and errors -----------------------------------------------------------


def test_the_4096_step_limit():
    assert len(pooling.sweep_steps(pooling.adaptive_pool2d(np.zeros((64, 64)), "max", 64))) == 4096
    with raises(ValueError, "the sweep would have 4160 steps; at most 4096 (pool a smaller grid)"):
        pooling.sweep_steps(pooling.adaptive_pool2d(np.zeros((65, 64)), "max", (65, 64)))


@pytest.mark.parametrize("channel", [-1, 2])
def test_channel_out_of_range_on_a_shared_grid(channel):
    r = pooling.adaptive_pool2d(np.zeros((2, 4, 4)), "avg", 2)
    with raises(ValueError, f"channel ({channel}) must be in [0, 2)"):
        pooling.sweep_steps(r, channel=channel)


@pytest.mark.parametrize("channel", [2, 5])
def test_channel_out_of_range_on_fractional(channel):
    r = pooling.fractional_max_pool2d(np.zeros((2, 5, 5)), 2, output_size=3, samples=[[0.1, 0.2], [0.3, 0.4]])
    with raises(ValueError, f"channel ({channel}) must be in [0, 2)"):
        pooling.sweep_steps(r, channel=channel)


def test_negative_channel_on_fractional():
    r = pooling.fractional_max_pool2d(np.zeros((2, 5, 5)), 2, output_size=3, samples=[[0.1, 0.2], [0.3, 0.4]])
    with raises(ValueError, "channel (-1) must be in [0, 2)"):
        pooling.sweep_steps(r, channel=-1)


def test_format_value():
    assert [pooling.format_value(v) for v in (8.0, 6.75, -3, 1 / 3, 1e20, float("-inf"), float("nan"))] == [
        "8", "6.75", "-3", "0.3333", "1e+20", "-inf", "nan"
    ]
