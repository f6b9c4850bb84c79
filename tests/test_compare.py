"""Tests of ``pooling.analysis.compare``: colour-fringe cells, differences, sizes and costs, and the zoom.

Brute forces take window geometry from ``tests/reference.py``, which shares
no code with ``pooling/``.
"""

import numpy as np
import pytest
from helpers import coords, hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st
from reference import reference_pool2d

import pooling
from pooling import regular_grid
from pooling.analysis.compare import (
    PoolCost,
    _packed_colours,
    channel_disagreement,
    mixed_channels,
    mode_difference,
    new_colours,
    picks_one_cell,
    pool_cost,
    pool_modes,
    shared_value_range,
    zoom_limit,
    zoom_region,
    zoom_start,
)
from poolinglab.words.compare import (
    describe_options,
    difference_words,
    focus_words,
    format_bytes,
    fringe_words,
    input_words,
)

SETTINGS = hypothesis_settings(40)

geometries = st.fixed_dictionaries({
    "kernel_size": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "stride": st.integers(1, 3),
    "dilation": st.integers(1, 2),
    "ceil_mode": st.booleans(),
}).flatmap(lambda g: st.fixed_dictionaries({
    "padding": st.tuples(st.integers(0, g["kernel_size"][0] // 2), st.integers(0, g["kernel_size"][1] // 2)),
}).map(lambda p: {**g, **p}))


# ------------------------------------------------------- channel disagreement


def test_disagreement_marks_cells_where_any_channel_picks_another_pixel():
    # Three channels of a 2 x 2 input, one 2 x 2 window: red and blue peak at (0, 0), green at (1, 1).
    x = np.zeros((3, 2, 4), np.uint8)
    x[:, 0, 0] = 9  # left window: every channel's max at flat index 0
    x[0, 0, 2], x[1, 1, 3], x[2, 0, 2] = 9, 9, 9  # right window: green disagrees
    r = pooling.pool2d(x, "max", 2)
    assert r.indices[:, 0, :].tolist() == [[0, 2], [0, 7], [0, 2]]
    assert channel_disagreement(r.indices).tolist() == [[False, True]]


def test_disagreement_matches_a_loop_over_cells():
    x = np.random.default_rng(1).integers(0, 256, (3, 9, 11), dtype=np.uint8)
    idx = pooling.pool2d(x, "max", 3, stride=2, padding=1).indices
    expected = [[len({int(idx[c, i, j]) for c in range(3)}) > 1 for j in range(idx.shape[2])]
                for i in range(idx.shape[1])]
    assert channel_disagreement(idx).tolist() == expected


def test_grey_copies_never_disagree():
    plane = coords(4, 6, np.uint8)
    idx = pooling.pool2d(np.stack([plane] * 3), "max", 2).indices
    assert not channel_disagreement(idx).any()


@SETTINGS
@given(geometries, st.sampled_from(["max", "min"]), st.sampled_from([2, 3]), st.integers(2, 9), st.integers(2, 9),
       st.integers(0, 2**16), st.booleans())
def test_mixed_channels_from_taps_is_disagreement_of_indices(geometry, mode, channels, h, w, seed, with_nan):
    # Taps instead of flat indices: the same cells, with ties, padding, dilation, partial windows and NaN.
    x = np.random.default_rng(seed).integers(0, 3, (channels, h, w)).astype(np.float64)
    if with_nan:
        x[0, h // 2, w // 2] = np.nan
    try:
        result = pooling.pool2d(x, mode, **geometry)
    except ValueError:
        return  # a layer the core refuses for this input
    np.testing.assert_array_equal(mixed_channels(result), channel_disagreement(result.indices))


def test_packed_colours_in_blocks():
    planes = np.random.default_rng(5).integers(0, 256, (3, 70, 1100)).astype(np.uint8)  # rows cross block edges
    packed = _packed_colours(planes)
    expected = planes[0].astype(np.uint32) | planes[1].astype(np.uint32) << 8 | planes[2].astype(np.uint32) << 16
    np.testing.assert_array_equal(packed, expected)
    np.testing.assert_array_equal(_packed_colours(planes[:2]), expected & 0xFFFF)


def test_disagreement_rejects_one_channel_and_floats():
    with raises(ValueError, "indices must be (C, out_h, out_w) with C >= 2, got shape (1, 2, 2)"):
        channel_disagreement(np.zeros((1, 2, 2), np.int64))
    with raises(ValueError, "got shape (2, 2)"):
        channel_disagreement(np.zeros((2, 2), np.int64))
    with raises(TypeError, "indices must hold integers, not float64"):
        channel_disagreement(np.zeros((3, 2, 2)))


# ------------------------------------------------------------- differences


def test_difference_widens_uint8_before_subtracting():
    a = np.array([[[3, 200]]], np.uint8)
    b = np.array([[[5, 100]]], np.uint8)
    diff, mean_abs = mode_difference(a, b)
    assert diff.dtype == np.float64
    assert diff.tolist() == [[-2.0, 100.0]] and mean_abs == 51.0


def test_difference_averages_channels_but_mean_abs_does_not_cancel():
    a = np.array([[[4.0]], [[0.0]]])
    b = np.array([[[0.0]], [[4.0]]])
    diff, mean_abs = mode_difference(a, b)
    assert diff.tolist() == [[0.0]] and mean_abs == 4.0


def test_max_minus_average_is_never_negative():
    x = np.random.default_rng(2).integers(0, 256, (3, 16, 16), dtype=np.uint8)
    diff, mean_abs = mode_difference(pooling.pool2d(x, "max", 2).values, pooling.pool2d(x, "avg", 2).values)
    assert diff.min() >= 0 and mean_abs > 0


def test_difference_rejects_mismatched_or_empty_shapes():
    with raises(ValueError, "a and b must have one shape, got (2, 2) and (2, 3)"):
        mode_difference(np.zeros((2, 2)), np.zeros((2, 3)))
    with raises(ValueError, "a must be a non-empty (out_h, out_w) or (C, out_h, out_w) array, got shape (4,)"):
        mode_difference(np.zeros(4), np.zeros(4))


# ------------------------------------------------------------- value range


def test_a_photo_keeps_its_full_scale_whatever_it_holds():
    photo = np.full((3, 4, 4), 100, np.uint8)
    assert shared_value_range(photo, [pooling.pool2d(photo, "avg", 2).values]) == (0.0, 255.0)


def test_the_range_widens_to_outputs_beyond_the_photo_scale():
    photo = np.full((1, 4, 4), 200, np.uint8)
    lp1 = pooling.pool2d(photo, "lp", 2, p=1).values  # sums of 4 cells: 800
    assert shared_value_range(photo, [lp1]) == (0.0, 800.0)


def test_typed_numbers_use_their_own_finite_range():
    x = np.array([[[-3.0, 7.0], [np.inf, 1.0]]])
    assert shared_value_range(x, [np.array([[9.0, np.nan]])]) == (-3.0, 9.0)
    assert shared_value_range(np.full((1, 2, 2), 4.0), []) == (4.0, 5.0)


@SETTINGS
@given(st.lists(st.sampled_from([0.5, -2.0, 7.25, np.nan, np.inf, -np.inf]), min_size=1, max_size=8),
       st.sampled_from([np.float32, np.float64]))
def test_shared_value_range_keeps_to_the_finite_values(values, dtype):
    # The ends of the finite values, whether or not NaN or infinity is among them.
    out = np.array(values, dtype)
    finite = out[np.isfinite(out)]
    lo, hi = shared_value_range(np.full((1, 1, 1), 1.0), [out])
    assert (lo, hi) == ((min(1.0, float(finite.min())), max(1.0, float(finite.max()))) if finite.size else (1.0, 2.0))
    lo, hi = shared_value_range(np.full((1, 2, 2), 1e30), [])
    assert lo == 1e30 < hi  # 1e30 + 1 is 1e30
    assert shared_value_range(np.full((1, 1, 1), np.nan), []) == (0.0, 1.0)


# ------------------------------------------------------------------ labels


@pytest.mark.parametrize(("mode", "options", "words"), [
    ("max", {}, ""),
    ("min", {"kernel_size": 2}, ""),
    ("avg", {"count_include_pad": True, "divisor_override": None}, ""),
    ("avg", {"count_include_pad": False, "divisor_override": None}, "padding not counted"),
    ("avg", {"count_include_pad": True, "divisor_override": 3}, "divided by 3"),
    ("lp", {"p": 2.0}, "p = 2"),
    ("lp", {"p": 1.5}, "p = 1.5"),
    ("lp", {"p": np.inf}, "p = ∞"),
    ("stochastic", {"train": True, "rng": 4}, "one sampled cell, seed 4"),
    ("stochastic", {"train": False, "rng": 4}, "expected value"),
    ("mixed", {"alpha": 0.25}, "alpha = 0.25"),
])
def test_describe_options(mode, options, words):
    assert describe_options(mode, options) == words


# -------------------------------------------------------------------- cost


def test_cost_of_max_counts_int64_indices_and_the_compact_taps():
    x = coords(6, 8, np.uint8)[None].repeat(3, 0)
    cost = pool_cost(pooling.pool2d(x, "max", 2))
    assert cost == PoolCost(mode="max", input_shape=(3, 6, 8), output_shape=(3, 3, 4), input_dtype="uint8",
                            output_dtype="uint8", input_bytes=144, output_bytes=36, index_bytes=288, tap_bytes=36)
    assert cost.kept == 0.25


def test_cost_of_average_is_float32_and_has_no_indices():
    cost = pool_cost(pooling.pool2d(np.zeros((3, 6, 8), np.uint8), "avg", 2))
    assert (cost.output_dtype, cost.output_bytes, cost.index_bytes, cost.tap_bytes) == ("float32", 144, 0, 0)


def test_kept_share_is_not_always_a_quarter():
    # A 3 x 3 kernel with stride 2 and padding 1 on 7 x 7 keeps 4 x 4 = 16 of 49 values.
    cost = pool_cost(pooling.pool2d(np.zeros((7, 7)), "max", 3, stride=2, padding=1))
    assert cost.output_shape == (1, 4, 4) and cost.kept == 16 / 49
    assert pool_cost(pooling.pool2d(np.zeros((7, 7)), "max", 3, stride=1, padding=1)).kept == 1.0


def test_pytorch_index_bytes_only_for_layers_pytorch_has():
    # "+ int64 indices (PyTorch)": PyTorch has no stochastic pooling layer, so it stores no indices for one,
    # even though training-time stochastic pooling copies one cell per window.
    x = np.ones((4, 4), np.uint8)
    assert pool_cost(pooling.pool2d(x, "stochastic", 2, train=True, rng=0)).index_bytes == 0
    assert pool_cost(pooling.pool2d(x, "stochastic", 2, train=False)).index_bytes == 0
    assert pool_cost(pooling.pool2d(x, "max", 2)).index_bytes == 4 * 8


@pytest.mark.parametrize("mode, options, picks", [
    ("max", {}, True), ("min", {}, True), ("stochastic", {"train": True, "rng": 0}, True),
    ("lp", {"p": np.inf}, True), ("mixed", {"alpha": 1.0}, True),
    ("avg", {}, False), ("lp", {"p": 2}, False), ("lp", {"p": 1}, False), ("mixed", {"alpha": 0.5}, False),
    ("stochastic", {"train": False}, False),
])
def test_picks_one_cell_reads_the_result_not_the_mode_name(mode, options, picks):
    x = coords(4, 6) + 1.0  # positive, no ties: each window's cells all differ
    result = pooling.pool2d(x, mode, 2, **options)
    assert picks_one_cell(result) is picks
    survival = pooling.information_loss(result).survival
    assert picks_one_cell(result, survival=survival) is picks
    if picks:  # each output kept one cell: the survival map sums to the number of outputs
        assert survival.sum() == result.values.size


def test_picks_one_cell_on_edge_cases():
    assert picks_one_cell(pooling.pool2d(coords(3, 3), "avg", 1))  # a 1 x 1 window is its one cell
    sparse = np.array([[0.0, 0.0, 5.0, 0.0], [3.0, 0.0, 0.0, 0.0]])  # one non-zero cell per 2 x 2 window
    assert picks_one_cell(pooling.pool2d(sparse, "lp", 2))  # Lp weighs a zero cell 0
    assert picks_one_cell(pooling.pool2d(sparse, "stochastic", 2, train=False))
    assert not picks_one_cell(pooling.pool2d(np.zeros((2, 2)), "lp", 2))  # the one output uses no cell
    with raises(ValueError, "survival (shape (3,)) must have the input's shape (1, 2, 2)"):
        picks_one_cell(pooling.pool2d(np.ones((2, 2)), "avg", 2), survival=np.ones(3))
    with raises(TypeError, "result must be a PoolResult, not ndarray"):
        picks_one_cell(np.ones((2, 2)))


def test_cost_needs_a_pool_result():
    with raises(TypeError, "result must be a PoolResult, not ndarray"):
        pool_cost(np.zeros((2, 2)))


@pytest.mark.parametrize(("n", "text"), [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"),
                                         (3 * 2**20, "3.0 MiB"), (5 * 2**30, "5.0 GiB"), (2**50, "1048576.0 GiB")])
def test_format_bytes(n, text):
    assert format_bytes(n) == text


@pytest.mark.parametrize("n", [-1, 1.5, True, "3"])
def test_format_bytes_rejects_non_counts(n):
    with pytest.raises(ValueError, match=r"n \(.*\) must be a non-negative int"):
        format_bytes(n)


# -------------------------------------------------------------------- zoom


def crop_span(grid, n, axis):
    """Brute force: the widest input span of any n consecutive windows along ``axis``, by a loop over starts."""
    windows = grid.rows if axis == 0 else grid.cols
    spans = []
    for start in range(windows.n_out - n + 1):
        taps = [p for i in range(start, start + n) for p, inb in zip(windows.positions[i], windows.in_bounds[i])
                if inb]
        spans.append(max(taps) - min(taps) + 1)
    return max(spans)


@pytest.mark.parametrize(("kernel", "stride", "dilation", "expected"), [
    (2, 2, 1, (16, 16)),  # 16 windows of 2 span 32 pixels
    (3, 1, 1, (16, 16)),
    (4, 4, 1, (12, 12)),  # 12 * 4 = 48
    ((3, 5), 5, 1, (10, 9)),  # rows: 5 (n - 1) + 3 <= 48; columns: 5 n <= 48
    (3, 4, 3, (11, 11)),  # a dilated window spans 7 pixels; n of them 4 (n - 1) + 7
    (32, 32, 1, (1, 1)),  # one window is already 32 wide, and two are 64
    (16, 1, 8, (1, 1)),  # one dilated window spans 121 pixels: still one cell
])
def test_zoom_limit_keeps_the_crop_small(kernel, stride, dilation, expected):
    grid = regular_grid((300, 300), kernel, stride=stride, dilation=dilation)
    got = zoom_limit(grid)
    assert got == expected
    for axis, n in enumerate(got):
        assert n == 1 or crop_span(grid, n, axis) <= 48
        if n < 16:
            assert crop_span(grid, n + 1, axis) > 48


def test_zoom_limit_is_at_most_the_output():
    assert zoom_limit(regular_grid((5, 9), 2)) == (2, 4)
    assert zoom_limit(regular_grid((64, 64), 2), max_cells=4, max_pixels=1000) == (4, 4)


@pytest.mark.parametrize(("name", "value"), [("max_cells", 0), ("max_pixels", 0), ("max_cells", 2.0)])
def test_zoom_limit_rejects_bad_bounds(name, value):
    with raises(ValueError, f"{name} ({value!r}) must be a positive int"):
        zoom_limit(regular_grid((4, 4), 2), **{name: value})


def test_zoom_reads_sources_and_crop_by_eye():
    x = coords(6, 6)  # x[i, j] = 10 i + j
    zoom = zoom_region(pooling.pool2d(x, "max", 3, stride=2, padding=1), top=1, left=1, height=2, width=2)
    # Windows of output rows 1-2 cover input rows 1..5 (row 2 of the output reaches 5 and the pad row 6).
    assert zoom.values.tolist() == [[33, 35], [53, 55]]
    assert zoom.source_rows.tolist() == [[3, 3], [5, 5]]
    assert zoom.source_cols.tolist() == [[3, 5], [3, 5]]
    assert (zoom.crop_top, zoom.crop_left) == (1, 1)
    np.testing.assert_array_equal(zoom.crop, x[1:6, 1:6])
    assert (zoom.crop[zoom.source_rows - zoom.crop_top, zoom.source_cols - zoom.crop_left] == zoom.values).all()


def test_zoom_of_min_and_of_one_channel():
    x = np.stack([coords(4, 4), -coords(4, 4)])
    zoom = zoom_region(pooling.pool2d(x, "min", 2), top=0, left=0, height=2, width=2, channel=1)
    assert zoom.values.tolist() == [[-11, -13], [-31, -33]]
    assert zoom.source_rows.tolist() == [[1, 1], [3, 3]]


@SETTINGS
@given(geometry=geometries, data=st.data())
def test_zoom_agrees_with_the_core_indices_and_the_reference_windows(geometry, data):
    h, w = data.draw(st.integers(6, 12)), data.draw(st.integers(6, 12))
    x = np.random.default_rng(data.draw(st.integers(0, 99))).integers(0, 50, (2, h, w)).astype(np.float64)
    result = pooling.pool2d(x, "max", **geometry)
    oh, ow = result.values.shape[1:]
    top, left = data.draw(st.integers(0, oh - 1)), data.draw(st.integers(0, ow - 1))
    height, width = data.draw(st.integers(1, oh - top)), data.draw(st.integers(1, ow - left))
    channel = data.draw(st.integers(0, 1))
    zoom = zoom_region(result, top=top, left=left, height=height, width=width, channel=channel)
    idx = result.indices[channel, top:top + height, left:left + width]
    np.testing.assert_array_equal(zoom.source_rows * w + zoom.source_cols, idx)
    np.testing.assert_array_equal(zoom.values, result.values[channel, top:top + height, left:left + width])
    ref = reference_pool2d(x, "max", **geometry)
    rows = ref.rows[top:top + height, left:left + width][ref.in_bounds[top:top + height, left:left + width]]
    cols = ref.cols[top:top + height, left:left + width][ref.in_bounds[top:top + height, left:left + width]]
    assert (zoom.crop_top, zoom.crop_left) == (rows.min(), cols.min())
    assert zoom.crop.shape == (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1)
    np.testing.assert_array_equal(zoom.crop, x[channel, rows.min():rows.max() + 1, cols.min():cols.max() + 1])
    i, j = top + height - 1, left + width - 1
    tr, tc = zoom.window_taps(i, j)
    inb = ref.in_bounds[i, j]
    assert sorted(zip(tr.tolist(), tc.tolist())) == sorted(zip(ref.rows[i, j][inb].tolist(),
                                                               ref.cols[i, j][inb].tolist()))


def test_zoom_of_a_2d_input():
    zoom = zoom_region(pooling.pool2d(coords(4, 4), "max", 2), top=1, left=1, height=1, width=1)
    assert zoom.values.tolist() == [[33]] and zoom.crop.tolist() == [[22, 23], [32, 33]]


def test_zoom_rejects_bad_regions_and_modes():
    r = pooling.pool2d(coords(4, 4), "max", 2)  # a 2 x 2 output
    with raises(ValueError, "top (2) must be from 0 to 1, the output's last cell"):
        zoom_region(r, top=2, left=0, height=1, width=1)
    with raises(ValueError, "left size (2) must be from 1 to 1: the zoom must end on the output"):
        zoom_region(r, top=0, left=1, height=1, width=2)
    with raises(ValueError, "top size (0) must be from 1 to 2"):
        zoom_region(r, top=0, left=0, height=0, width=1)
    with raises(TypeError, "left (1.0) must be an int"):
        zoom_region(r, top=0, left=1.0, height=1, width=1)
    with raises(ValueError, "channel (1) must be from 0 to 0"):
        zoom_region(r, top=0, left=0, height=1, width=1, channel=1)
    with raises(ValueError, "result must come from a mode that copies one cell (max, min), not 'avg'"):
        zoom_region(pooling.pool2d(coords(4, 4), "avg", 2), top=0, left=0, height=1, width=1)
    with raises(TypeError, "result must be a PoolResult, not list"):
        zoom_region([], top=0, left=0, height=1, width=1)


def test_pool_modes_gives_values_and_cost_or_the_cores_reason():
    x = coords(4, 4)[None] - 5
    out = pool_modes(x, {"max": {"kernel_size": 2}, "stochastic": {"kernel_size": 2}, "avg": {"kernel_size": 2}})
    assert list(out) == ["max", "stochastic", "avg"]
    values, cost = out["max"]
    np.testing.assert_array_equal(values, pooling.pool2d(x, "max", 2).values)
    assert cost.output_shape == (1, 2, 2) and cost.index_bytes == 4 * 8
    assert out["stochastic"].startswith("stochastic pooling needs x >= 0")
    np.testing.assert_array_equal(out["avg"][0], pooling.pool2d(x, "avg", 2).values)


def test_page_words_of_the_comparison():
    new, mixed = np.array([[True, False], [False, True]]), np.array([[True, True], [False, True]])
    text = fringe_words(new, mixed)
    assert text.startswith("In 50.0% of the output cells (2 of 4) max pooling made a colour that no pixel of the "
                           "window has")
    assert text.endswith("In 1 more cells the channels come from different pixels that share values (ties), so the "
                         "colour is still one pixel's.")
    assert "ties" not in fringe_words(new, new)
    with raises(ValueError, "new must be a non-empty bool array, got dtype int64"):
        fringe_words(np.ones((2, 2), np.int64), mixed)
    assert difference_words("A", "B", np.array([-1.5, 2.0]), 0.75) == (
        "Mean |A − B| = 0.75 per value; lowest -1.5, highest 2. Red: the first is higher; blue: lower; white: equal.")
    assert input_words(np.zeros((1, 1000, 3), np.float64)) == "Input: 1000 × 3 × 1 = 3,000 values of float64: 23.4 KiB"
    with raises(ValueError, "planes must be (C, H, W), got shape (2, 2)"):
        input_words(np.zeros((2, 2)))


def test_focus_words_name_the_copied_pixel_inside_the_block_only():
    x = coords(6, 6)  # 10 * i + j: the max of each 2 x 2 window is its bottom-right cell
    zoom = zoom_region(pooling.pool2d(x, "max", 2), top=1, left=1, height=2, width=2)
    assert focus_words(zoom, (2, 1)) == "Output (2, 1) = 53 is the max of its window: it copies input (5, 3)."
    assert focus_words(zoom, (0, 0)) is None and focus_words(zoom, None) is None
    low = zoom_region(pooling.pool2d(x, "min", 2), top=0, left=0, height=1, width=1)
    assert focus_words(low, (0, 0), mode="min") == "Output (0, 0) = 0 is the min of its window: it copies input (0, 0)."
    with raises(TypeError, "zoom must be a ZoomRegion, not tuple"):
        focus_words((0, 0), (0, 0))


@pytest.mark.parametrize("remembered, expected", [
    ({}, {"rows": 6, "cols": 6, "top": 29, "left": 29, "plane": 0}),
    ({"rows": 3, "cols": 40, "top": 100, "left": -4, "plane": 2}, {"rows": 3, "cols": 16, "top": 61, "left": 0,
                                                                   "plane": 2}),
])
def test_zoom_start_pulls_remembered_values_inside_the_output(remembered, expected):
    assert zoom_start((64, 64), (16, 16), 3, **remembered) == expected


def test_zoom_start_on_a_tiny_output():
    assert zoom_start((2, 2), (2, 2), 1, rows=8, cols=8, top=5, left=5, plane=2) == {
        "rows": 2, "cols": 2, "top": 0, "left": 0, "plane": 0}


def test_new_colours_counts_colours_not_indices():
    # A tie in one channel sends two channels' argmaxes to different pixels, yet the colour is one pixel's.
    x = np.array([[[170, 165]], [[166, 160]], [[157, 157]]], np.uint8)  # blue ties: its argmax is the first pixel
    r = pooling.pool2d(x, "max", (1, 2))
    assert channel_disagreement(r.indices).tolist() == [[False]]  # red, green, blue all from the first pixel
    y = np.array([[[170, 165]], [[160, 166]], [[157, 157]]], np.uint8)  # red from the first, green from the second
    r = pooling.pool2d(y, "max", (1, 2))
    assert channel_disagreement(r.indices).tolist() == [[True]]
    assert new_colours(y, r).tolist() == [[True]]  # (170, 166, 157) is no pixel's colour
    z = np.array([[[5, 5]], [[7, 7]], [[1, 1]]], np.uint8)  # two identical pixels: every channel ties
    assert new_colours(z, pooling.pool2d(z, "max", (1, 2))).tolist() == [[False]]


def test_new_colours_matches_a_brute_force_check_with_padding_and_ties():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 3, size=(3, 9, 11)).astype(np.float64)  # few values: many ties
    r = pooling.pool2d(x, "max", 3, stride=2, padding=1)
    expected = np.zeros(r.values.shape[1:], bool)
    for i in range(expected.shape[0]):
        for j in range(expected.shape[1]):
            rows, cols, inb = r.grid.taps(i, j)
            colours = {tuple(x[:, a, b]) for a, b, ok in zip(rows, cols, inb) if ok}
            expected[i, j] = tuple(r.values[:, i, j]) not in colours
    np.testing.assert_array_equal(new_colours(x, r, chunk=50), expected)


@pytest.mark.parametrize("channels", [2, 3, 4])  # 4 takes the general route
@pytest.mark.parametrize(("kernel", "stride", "padding", "dilation", "ceil"), [
    ((3, 2), (1, 2), (1, 1), (1, 1), False), ((2, 3), (3, 1), (1, 0), (2, 1), True), ((4, 4), (2, 2), (2, 1), (1, 2), True)])
def test_new_colours_of_a_photo_compares_whole_colours(channels, kernel, stride, padding, dilation, ceil):
    # uint8 colours are compared packed into one number each: the answer is the brute force's, ties and padding in.
    rng = np.random.default_rng(2)
    x = rng.integers(0, 3, size=(channels, 12, 13)).astype(np.uint8)
    x[:, 5, 5] = 255  # a high value in every channel, so no level reaches into the next channel's bits
    layer = {"stride": stride, "padding": padding, "dilation": dilation, "ceil_mode": ceil}
    r = pooling.pool2d(x, "max", kernel, **layer)
    expected = np.zeros(r.values.shape[1:], bool)
    for i in range(expected.shape[0]):
        for j in range(expected.shape[1]):
            expected[i, j] = tuple(r.values[:, i, j]) not in _window_colours(x, i, j, kernel, stride, padding, dilation)
    assert 0 < expected.sum() < expected.size
    np.testing.assert_array_equal(new_colours(x, r, chunk=40), expected)
    np.testing.assert_array_equal(new_colours(x.astype(np.float64), pooling.pool2d(
        x.astype(np.float64), "max", kernel, **layer)), expected)


def _window_colours(x, i, j, kernel, stride, padding, dilation):
    """Colours of the in-bounds pixels of output cell (i, j)'s window, from PyTorch's window formula."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    rows = [i * sh - ph + dh * t for t in range(kh)]
    cols = [j * sw - pw + dw * t for t in range(kw)]
    return [tuple(x[:, a, b]) for a in rows for b in cols if 0 <= a < x.shape[1] and 0 <= b < x.shape[2]]


@hypothesis_settings(300)
@given(data=st.data(), mode=st.sampled_from(["max", "min", "avg", "mixed", "lp"]),
       channels=st.integers(2, 3), h=st.integers(1, 9), w=st.integers(1, 9),
       k=st.tuples(st.integers(1, 3), st.integers(1, 3)), s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       d=st.tuples(st.integers(1, 2), st.integers(1, 2)), ceil=st.booleans(), levels=st.integers(1, 4))
def test_new_colours_is_the_brute_force_answer_in_every_mode(data, mode, channels, h, w, k, s, d, ceil, levels):
    # Few levels make ties and flat windows common; NaN and negative values come in too.
    x = data.draw(st.lists(st.sampled_from([float(v) for v in range(-1, levels)] + [np.nan]),
                           min_size=channels * h * w, max_size=channels * h * w))
    x = np.array(x).reshape(channels, h, w)
    p = (data.draw(st.integers(0, k[0] // 2)), data.draw(st.integers(0, k[1] // 2)))
    if (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) < 0 or (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) < 0:
        return  # no window fits
    options = {"p": 2} if mode == "lp" else {"alpha": 0.5} if mode == "mixed" else {}
    if mode in ("lp", "mixed") and d != (1, 1):
        d = (1, 1)
    r = pooling.pool2d(x, mode, k, stride=s, padding=p, dilation=d, ceil_mode=ceil, **options)
    expected = np.zeros(r.values.shape[1:], bool)
    for i in range(expected.shape[0]):
        for j in range(expected.shape[1]):
            value = tuple(r.values[:, i, j])
            expected[i, j] = value not in _window_colours(x, i, j, k, s, p, d)  # NaN equals nothing, as ==
    np.testing.assert_array_equal(new_colours(x, r, chunk=7), expected)


@hypothesis_settings(300)
@given(data=st.data(), mode=st.sampled_from(["max", "min", "avg"]), channels=st.integers(2, 4),
       h=st.integers(1, 9), w=st.integers(1, 9), k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)), d=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       ceil=st.booleans(), levels=st.sampled_from([(0, 1), (0, 1, 2), (0, 128, 255), (254, 255), tuple(range(256))]))
def test_new_colours_of_a_uint8_photo_is_the_brute_force_answer(data, mode, channels, h, w, k, s, d, ceil, levels):
    # Max and min of uint8 planes compare channel sums (one pooling); ties, flat windows, 0 and 255, padding,
    # dilation and ceil mode must give the brute force's answer all the same.
    x = np.array(data.draw(st.lists(st.sampled_from(levels), min_size=channels * h * w, max_size=channels * h * w)),
                 np.uint8).reshape(channels, h, w)
    p = (data.draw(st.integers(0, k[0] // 2)), data.draw(st.integers(0, k[1] // 2)))
    if (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) < 0 or (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) < 0:
        return  # no window fits
    if mode == "avg":
        d = (1, 1)
    try:
        r = pooling.pool2d(x, mode, k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
    except ValueError as refused:  # a window of padding alone: the core refuses the layer, as PyTorch does
        assert "holds only padding" in str(refused)
        return
    expected = np.zeros(r.values.shape[1:], bool)
    for i in range(expected.shape[0]):
        for j in range(expected.shape[1]):
            expected[i, j] = tuple(r.values[:, i, j]) not in _window_colours(x, i, j, k, s, p, d)
    np.testing.assert_array_equal(new_colours(x, r), expected)


def test_new_colours_refuses_a_result_of_other_planes():
    # A pooling of one plane, or of a crop, is not a pooling of these planes: said, never a wrong mask.
    x = np.random.default_rng(3).integers(0, 256, (3, 6, 4)).astype(np.uint8)
    for other in (pooling.pool2d(x[0], "max", 2), pooling.pool2d(x[:, :4, :4], "max", 2),
                  pooling.pool2d(x[:2], "max", 2)):
        with pytest.raises(ValueError, match="result must pool these planes"):
            new_colours(x, other)
