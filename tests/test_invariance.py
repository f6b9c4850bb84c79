"""Tests of ``pooling.shift_invariance``, ``shift_grid`` and ``pooled_values``."""

import numpy as np
import pytest

import pooling


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
    rep = pooling.shift_invariance(x, [(0, 0)], mode, **pool_args)
    assert rep.unchanged.tolist() == [1.0]
    assert rep.mean_abs_change.tolist() == [0.0]
    assert rep.shifts.tolist() == [[0, 0]]


def test_a_dot_moving_within_its_window_leaves_max_unchanged():
    # The dot at (2, 2) sits in the window of rows 2-3, cols 2-3; shifts of +1 keep it there.
    rep = pooling.shift_invariance(dot(), [(0, 1), (1, 0), (1, 1)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [1.0, 1.0, 1.0]
    assert rep.mean_abs_change.tolist() == [0.0, 0.0, 0.0]


def test_a_dot_crossing_a_window_border_changes_max():
    # Shifts of -1 or +2 move the dot to a neighbouring window: 2 of the 16 outputs change.
    rep = pooling.shift_invariance(dot(), [(0, -1), (-1, 0), (0, 2), (2, 2)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [0.875, 0.875, 0.875, 0.875]
    assert rep.mean_abs_change.tolist() == [2 / 16] * 4


def test_the_shift_is_circular():
    # The dot at (0, 7) shifted right by 1 wraps to (0, 0): a different window.
    x = dot(at=(0, 7))
    rep = pooling.shift_invariance(x, [(0, 1)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [0.875]
    moved = pooling.pooled_values(np.roll(x, 1, axis=1), "max", kernel_size=2)
    assert moved[0, 0] == 1.0 and moved[0, 3] == 0.0


def test_global_max_is_invariant_to_every_circular_shift():
    x = np.random.default_rng(1).random((3, 7, 9))
    rep = pooling.shift_invariance(x, pooling.shift_grid(3), "global-max")
    assert (rep.unchanged == 1.0).all()
    assert (rep.mean_abs_change == 0.0).all()


def test_blurmax_is_more_shift_stable_than_max():
    shifts = pooling.shift_grid(3)
    moved = np.any(shifts != 0, axis=1)
    for x in (np.random.default_rng(0).random((32, 32)), smooth_noise(1)):
        plain = pooling.shift_invariance(x, shifts, "max", kernel_size=2)
        blur = pooling.shift_invariance(x, shifts, "blurmax", kernel_size=2, stride=2)
        assert blur.mean_abs_change[moved].mean() < 0.8 * plain.mean_abs_change[moved].mean()


def test_blurmax_stability_is_more_than_a_smaller_spread():
    # On a smooth image blurmax wins even relative to the spread of its own output.
    shifts = pooling.shift_grid(3)
    x = smooth_noise(2)
    ratios = []
    for mode, args in (("max", {"kernel_size": 2}), ("blurmax", {"kernel_size": 2, "stride": 2})):
        rep = pooling.shift_invariance(x, shifts, mode, **args)
        ratios.append(rep.mean_abs_change.mean() / pooling.pooled_values(x, mode, **args).std())
    assert ratios[1] < ratios[0]


def test_nan_in_the_same_place_counts_as_unchanged():
    x = np.ones((4, 4))
    x[0, 0] = np.nan
    rep = pooling.shift_invariance(x, [(0, 0), (0, 1)], "max", kernel_size=2)
    assert rep.unchanged.tolist() == [1.0, 1.0]  # (0, 1) stays in the top-left window
    assert rep.mean_abs_change.tolist() == [0.0, 0.0]


def test_one_shift_pair_and_channels():
    x = np.stack([dot(), dot(at=(5, 5))])
    rep = pooling.shift_invariance(x, (0, 1), "max", kernel_size=2)
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


def test_bad_input_and_mode():
    with pytest.raises(TypeError, match="x has dtype bool"):
        pooling.shift_invariance(np.ones((4, 4), bool), [(0, 1)], "max", kernel_size=2)
    with pytest.raises(ValueError, match=r"mode \('median'\) must be one of"):
        pooling.shift_invariance(np.ones((4, 4)), [(0, 1)], "median", kernel_size=2)
