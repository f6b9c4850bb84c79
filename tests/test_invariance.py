"""Tests of ``pooling.shift_invariance``, ``shift_grid``, ``pooled_values``, ``compare_shift`` and ``ShiftTest``.

The first tests pin the raw cell-for-cell comparison (``aligned=False``); the default, aligned one is the
Shift invariance page's :class:`ShiftTest`, tested below.
"""

import functools

import numpy as np
import pytest
from helpers import hypothesis_settings
from hypothesis import assume, given
from hypothesis import strategies as st

import pooling
from pooling.analysis.invariance import ShiftTest, aligned_shift_invariance, compare_shift

raw_shift_invariance = functools.partial(pooling.shift_invariance, aligned=False)


def dot(h=8, w=8, at=(2, 2)):
    x = np.zeros((h, w))
    x[at] = 1.0
    return x


def smooth_noise(seed, size=40):
    """Random but spatially correlated: iid noise under a circular 3x3 box blur."""
    noise = np.random.default_rng(seed).random((size, size))
    return sum(np.roll(noise, (a, b), (0, 1)) for a in (-1, 0, 1) for b in (-1, 0, 1)) / 9


def test_shift_grid_is_row_major():
    assert pooling.shift_grid(0).tolist() == [[0, 0]]
    assert pooling.shift_grid(1).tolist() == [
        [-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 0], [0, 1], [1, -1], [1, 0], [1, 1]
    ]
    assert pooling.shift_grid(3).shape == (49, 2)


@pytest.mark.parametrize(
    ("mode", "pool_args"),
    [
        ("max", {"kernel_size": 2}),
        ("avg", {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("blurmax", {"kernel_size": 2, "stride": 2}),
        ("global-max", {}),
        ("lp", {"kernel_size": 2, "p": 3}),
    ],
)
def test_no_shift_changes_nothing(mode, pool_args):
    x = np.random.default_rng(0).random((2, 9, 10))
    rep = raw_shift_invariance(x, [(0, 0)], mode, **pool_args)
    assert rep.unchanged.tolist() == [1.0]
    assert rep.mean_abs_change.tolist() == [0.0]
    assert rep.shifts.tolist() == [[0, 0]]


def test_a_dot_moving_within_its_window_leaves_max_unchanged():
    # The dot at (2, 2) sits in the window of rows 2-3, cols 2-3; shifts of +1 keep it there.
    rep = raw_shift_invariance(dot(), [(0, 1), (1, 0), (1, 1)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [1.0, 1.0, 1.0]
    assert rep.mean_abs_change.tolist() == [0.0, 0.0, 0.0]


def test_a_dot_crossing_a_window_border_changes_max():
    # Shifts of -1 or +2 move the dot to a neighbouring window: 2 of the 16 outputs change.
    rep = raw_shift_invariance(dot(), [(0, -1), (-1, 0), (0, 2), (2, 2)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [0.875, 0.875, 0.875, 0.875]
    assert rep.mean_abs_change.tolist() == [2 / 16] * 4


def test_the_shift_is_circular():
    # The dot at (0, 7) shifted right by 1 wraps to (0, 0): a different window.
    x = dot(at=(0, 7))
    rep = raw_shift_invariance(x, [(0, 1)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [0.875]
    moved = pooling.pooled_values(np.roll(x, 1, axis=1), "max", kernel_size=2)
    assert moved[0, 0] == 1.0 and moved[0, 3] == 0.0


def test_global_max_is_invariant_to_every_circular_shift():
    x = np.random.default_rng(1).random((3, 7, 9))
    rep = raw_shift_invariance(x, pooling.shift_grid(3), "global-max")
    assert (rep.unchanged == 1.0).all()
    assert (rep.mean_abs_change == 0.0).all()


def test_blurmax_is_more_shift_stable_than_max():
    shifts = pooling.shift_grid(3)
    moved = np.any(shifts != 0, axis=1)
    for x in (np.random.default_rng(0).random((32, 32)), smooth_noise(1)):
        plain = raw_shift_invariance(x, shifts, "max", kernel_size=2)
        blur = raw_shift_invariance(x, shifts, "blurmax", kernel_size=2, stride=2)
        assert blur.mean_abs_change[moved].mean() < 0.8 * plain.mean_abs_change[moved].mean()


def test_blurmax_stability_is_more_than_a_smaller_spread():
    # On a smooth image blurmax wins even relative to the spread of its own output.
    shifts = pooling.shift_grid(3)
    x = smooth_noise(2)
    ratios = []
    for mode, args in (("max", {"kernel_size": 2}), ("blurmax", {"kernel_size": 2, "stride": 2})):
        rep = raw_shift_invariance(x, shifts, mode, **args)
        ratios.append(rep.mean_abs_change.mean() / pooling.pooled_values(x, mode, **args).std())
    assert ratios[1] < ratios[0]


def test_nan_in_the_same_place_counts_as_unchanged():
    x = np.ones((4, 4))
    x[0, 0] = np.nan
    rep = raw_shift_invariance(x, [(0, 0), (0, 1)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [1.0, 1.0]  # (0, 1) stays in the top-left window
    assert rep.mean_abs_change.tolist() == [0.0, 0.0]


def test_one_shift_pair_and_channels():
    x = np.stack([dot(), dot(at=(5, 5))])
    rep = raw_shift_invariance(x, (0, 1), "max", kernel_size=2)
    # Channel 0's dot stays in its window; channel 1's (5, 5) -> (5, 6) crosses: 2 of 32 outputs change.
    assert rep.shifts.tolist() == [[0, 1]]
    assert rep.unchanged.tolist() == [30 / 32]


def test_pooled_values_dispatch():
    x = np.arange(36.0).reshape(6, 6)
    assert pooling.pooled_values(x, "global-max").tolist() == [[35.0]]
    assert pooling.pooled_values(x, "global-avg").tolist() == [[17.5]]
    np.testing.assert_array_equal(pooling.pooled_values(x, "avg", kernel_size=3), pooling.pool2d(x, "avg", 3).values)
    np.testing.assert_array_equal(
        pooling.pooled_values(x, "blurmax", kernel_size=2, stride=2),
        pooling.antialiased_max_pool2d(x, kernel_size=2, stride=2).values,
    )


@pytest.mark.parametrize("aligned", [True, False])
def test_bad_input_and_mode(aligned):
    with pytest.raises(TypeError, match="x has dtype bool"):
        pooling.shift_invariance(np.ones((4, 4), bool), [(0, 1)], "max", aligned=aligned, kernel_size=2)
    with pytest.raises(ValueError, match=r"mode \('median'\) must be one of"):
        pooling.shift_invariance(np.ones((4, 4)), [(0, 1)], "median", aligned=aligned, kernel_size=2)
    with pytest.raises(TypeError, match=r"aligned \(1\) must be True or False"):
        pooling.shift_invariance(np.ones((4, 4)), [(0, 1)], "max", aligned=1, kernel_size=2)


@pytest.mark.parametrize(
    ("mode", "args"),
    [("max", {"kernel_size": 2}), ("avg", {"kernel_size": 3, "stride": 2, "padding": 1}),
     ("blurmax", {"kernel_size": 2, "stride": 2}), ("stochastic", {"kernel_size": 2, "train": False})],
)
def test_the_public_function_computes_what_the_page_shows(mode, args):
    x = smooth_noise(3, size=16)
    shifts = pooling.shift_grid(2)
    rep = pooling.shift_invariance(x, shifts, mode, **args)
    page = ShiftTest.of(x, mode, **args).report(shifts)  # pages/shift_invariance.py's chart
    np.testing.assert_array_equal(rep.unchanged, page.unchanged)
    np.testing.assert_array_equal(rep.mean_abs_change, page.mean_abs_change)


def test_global_pooling_is_compared_as_it_is():
    x = np.random.default_rng(1).random((3, 7, 9))
    rep = pooling.shift_invariance(x, pooling.shift_grid(1), "global-avg")
    raw = raw_shift_invariance(x, pooling.shift_grid(1), "global-avg")
    np.testing.assert_array_equal(rep.unchanged, raw.unchanged)


# --- compare_shift and aligned_shift_invariance: the output moved back by whole cells ----------------------


def reference_compare(x, shift, k, s, p):
    """Plain loops: which cells of ``before`` have a fair partner, and the difference there (2-D, no dilation)."""
    dy, dx = shift
    h, w = x.shape
    before = pooling.pool2d(x, "max", k, stride=s, padding=p).values
    after = pooling.pool2d(np.roll(x, shift, axis=(0, 1)), "max", k, stride=s, padding=p).values
    oy, ox = dy // s, dx // s
    diff = np.full(before.shape, np.nan)
    for i in range(before.shape[0]):
        for j in range(before.shape[1]):
            pi, pj = i + oy, j + ox
            if not (0 <= pi < after.shape[0] and 0 <= pj < after.shape[1]):
                continue
            old_rows = range(i * s - p, i * s - p + k)
            old_cols = range(j * s - p, j * s - p + k)
            new_rows = range(pi * s - p, pi * s - p + k)
            new_cols = range(pj * s - p, pj * s - p + k)
            on_image = all(0 <= r < h for r in (*old_rows, *new_rows)) and all(0 <= c < w for c in (*old_cols, *new_cols))
            wrapped = any(r < dy if dy > 0 else r >= h + dy for r in new_rows if dy) or any(
                c < dx if dx > 0 else c >= w + dx for c in new_cols if dx)
            if on_image and not wrapped:
                diff[i, j] = after[pi, pj] - before[i, j]
    return diff


def test_compare_shift_by_hand():
    x = dot(at=(2, 3))  # the right edge of the window of output cell (1, 1)
    one = compare_shift(x, (0, 1), "max", kernel_size=2)
    assert one.offset == (0, 0) and one.shift == (0, 1)
    # The shifted image's column 0 holds the wrapped column 7: output column 0 is left out.
    assert one.compared[:, 0].tolist() == [False] * 4 and one.compared[:, 1:].all()
    assert one.difference[0, 1, 1] == -1.0 and one.difference[0, 1, 2] == 1.0
    assert np.nansum(np.abs(one.difference)) == 2.0
    assert one.unchanged == 10 / 12 and one.mean_abs_change == 2 / 12
    np.testing.assert_array_equal(one.before, pooling.pool2d(x[None], "max", 2).values)
    np.testing.assert_array_equal(one.after, pooling.pool2d(np.roll(x, 1, axis=1)[None], "max", 2).values)


@pytest.mark.parametrize("shift", [(0, 2), (2, 0), (2, 4), (4, 2), (-2, 0), (0, -4)])
@pytest.mark.parametrize(
    ("mode", "args"),
    [("max", {"kernel_size": 2}), ("avg", {"kernel_size": 3, "stride": 2, "padding": 1}),
     ("lp", {"kernel_size": 3, "stride": 2, "p": 2.0}), ("min", {"kernel_size": 2, "dilation": 2, "stride": 2}),
     ("blurmax", {"kernel_size": 2, "stride": 2}), ("stochastic", {"kernel_size": 2, "train": False})],
)
def test_whole_strides_leave_every_compared_cell_unchanged(shift, mode, args):
    x = np.random.default_rng(0).integers(0, 256, (2, 14, 13)).astype(np.uint8)
    rep = compare_shift(x, shift, mode, **args)
    assert rep.offset == (shift[0] // 2, shift[1] // 2)
    assert rep.compared.any()
    assert rep.unchanged == 1.0 and rep.mean_abs_change == 0.0


@pytest.mark.parametrize("shift", [(0, 1), (1, 0), (1, 3), (3, -1), (-1, -3), (2, 5), (0, 0)])
@pytest.mark.parametrize(("k", "s", "p"), [(2, 2, 0), (3, 2, 1), (3, 3, 0), (2, 1, 1)])
def test_compare_shift_matches_plain_loops(shift, k, s, p):
    x = np.random.default_rng(1).random((11, 12))
    rep = compare_shift(x, shift, "max", kernel_size=k, stride=s, padding=p)
    expected = reference_compare(x, shift, k, s, p)
    np.testing.assert_array_equal(rep.difference[0], expected)
    np.testing.assert_array_equal(rep.compared, np.isfinite(expected))
    assert rep.unchanged == pytest.approx(np.mean(expected[np.isfinite(expected)] == 0))


def test_a_phase_shift_changes_max_pooling_of_noise():
    x = np.random.default_rng(2).random((3, 32, 32))
    rep = compare_shift(x, (0, 1), "max", kernel_size=2)
    assert 0.2 < rep.unchanged < 0.8


def test_blurmax_leaves_out_cells_whose_blur_reaches_the_edge():
    x = np.random.default_rng(3).random((12, 12))
    rep = compare_shift(x, (0, 0), "blurmax", kernel_size=2, stride=2)
    # 11 dense maxima; blurred cells 0 (reads dense -1) and 5 (reads dense 11) are reflected, so left out.
    assert rep.compared.tolist() == [[0 < i < 5 and 0 < j < 5 for j in range(6)] for i in range(6)]


def test_no_fair_pair_gives_nan():
    rep = compare_shift(np.ones((2, 2)), (1, 1), "max", kernel_size=2)
    assert not rep.compared.any()
    assert np.isnan(rep.unchanged) and np.isnan(rep.mean_abs_change)


def test_aligned_shift_invariance_is_compare_shift_per_shift():
    x = np.random.default_rng(4).random((2, 16, 15))
    shifts = [(dy, dx) for dy in range(3) for dx in range(5)]
    for mode, args in (("max", {"kernel_size": 2}), ("blurmax", {"kernel_size": 3, "stride": 2})):
        rep = aligned_shift_invariance(x, shifts, mode, **args)
        assert rep.shifts.tolist() == [list(s) for s in shifts]
        for n, shift in enumerate(shifts):
            one = compare_shift(x, shift, mode, **args)
            assert rep.unchanged[n] == one.unchanged
            assert rep.mean_abs_change[n] == one.mean_abs_change


@st.composite
def shift_layers(draw):
    """A mode and its options, an input (photo bytes, or floats with ties and maybe NaN) and shifts of it."""
    mode = draw(st.sampled_from(["max", "min", "avg", "lp", "mixed", "stochastic", "blurmax"]))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if mode == "blurmax":
        args = {"kernel_size": kernel, "stride": stride, "blur_size": draw(st.integers(1, 4))}
    else:
        args = {"kernel_size": kernel, "stride": stride, "dilation": draw(st.integers(1, 2)),
                "padding": (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2))),
                "ceil_mode": draw(st.booleans())}
        args.update({"avg": {"count_include_pad": draw(st.booleans()), "divisor_override": draw(st.sampled_from([None, 3]))},
                     "lp": {"p": draw(st.sampled_from([1.0, 2.0, 3.5]))}, "mixed": {"alpha": 0.3},
                     "stochastic": {"train": False}}.get(mode, {}))
    h, w = draw(st.integers(4, 14)), draw(st.integers(4, 14))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    kind = draw(st.sampled_from(["photo", "ties", "nan"]))
    if kind == "photo":
        x = rng.integers(0, 256, (3, h, w)).astype(np.uint8)
    else:
        x = rng.integers(0, 4, (2, h, w)).astype(np.float64) / 3
        if kind == "nan":
            x[0, rng.integers(h), rng.integers(w)] = np.nan
    shifts = draw(st.lists(st.tuples(st.integers(-h + 1, h - 1), st.integers(-w + 1, w - 1)), min_size=1, max_size=6))
    return mode, args, x, shifts


@hypothesis_settings(300)
@given(shift_layers())
def test_report_is_compare_per_shift_bit_for_bit(case):
    # report() pools once per phase within the stride; compare() pools every shift afresh: the numbers must agree
    # exactly, for every mode whose cells depend on their window alone.
    mode, args, x, shifts = case
    try:
        test = ShiftTest.of(x, mode, **args)
    except ValueError:
        assume(False)  # a layer the core refuses for this input (too small, padding too large)
    assert test.windows_only
    rep = test.report(shifts)
    for n, shift in enumerate(shifts):
        one = test.compare(shift)
        np.testing.assert_array_equal([rep.unchanged[n], rep.mean_abs_change[n]], [one.unchanged, one.mean_abs_change])


def test_training_stochastic_pools_every_shift():
    # Training-time stochastic pooling draws a pixel per cell: a cell's value depends on where it is, so report()
    # may not share poolings between shifts; it still agrees with compare() shift by shift.
    x = np.random.default_rng(2).random((1, 12, 12))
    test = ShiftTest.of(x, "stochastic", kernel_size=2, train=True, rng=3)
    assert not test.windows_only and ShiftTest.of(x, "stochastic", kernel_size=2, train=False).windows_only
    shifts = [(0, 2), (0, 4), (1, 3)]
    rep = test.report(shifts)
    for n, shift in enumerate(shifts):
        one = test.compare(shift)
        assert (rep.unchanged[n], rep.mean_abs_change[n]) == (one.unchanged, one.mean_abs_change)


def test_compare_shift_errors():
    x = np.zeros((4, 5))
    with pytest.raises(ValueError, match=r"shift \(\(4, 0\)\) must be smaller than the image \(4 x 5\) on each axis"):
        compare_shift(x, (4, 0), "max", kernel_size=2)
    with pytest.raises(TypeError, match=r"shift \(\(0, 1.5\)\) must be an int or a pair of ints"):
        compare_shift(x, (0, 1.5), "max", kernel_size=2)
    with pytest.raises(ValueError, match=r"mode \('global-max'\) has no stride to align by"):
        compare_shift(x, (0, 1), "global-max")
    with pytest.raises(ValueError, match=r"mode \('median'\) must be one of"):
        compare_shift(x, (0, 1), "median", kernel_size=2)
    with pytest.raises(ValueError, match=r"shift \(\(0, -5\)\) must be smaller"):
        aligned_shift_invariance(x, [(0, 1), (0, -5)], "max", kernel_size=2)
