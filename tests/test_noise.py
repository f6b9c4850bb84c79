"""Tests of ``pooling.add_noise`` and ``pooling.noise_sensitivity``.

The honest point these tests pin down: "max pooling is tolerant to noise" is
false for salt noise. One bright cell takes over its whole window, so the
output moves more than the input did. Averaging does damp Gaussian noise.
"""


import re

import numpy as np
import pytest
from helpers import hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling
from pooling.analysis import noise as pooling_noise
from pooling.analysis.noise import compare_noise


def landscape(size=32):
    """A smooth uint8 image with room above and below for noise."""
    t = np.arange(size)
    return (128 + 60 * np.sin(t / 5)[:, None] * np.cos(t / 7)[None, :]).astype(np.uint8)


# --- add_noise ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["gaussian", "salt-and-pepper", "salt", "pepper"])
def test_add_noise_is_reproducible_from_a_seed(kind):
    x = landscape()
    a = pooling.add_noise(x, 0.2, kind, rng=3)
    b = pooling.add_noise(x, 0.2, kind, rng=3)
    c = pooling.add_noise(x, 0.2, kind, rng=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float64 and a.shape == x.shape
    np.testing.assert_array_equal(a, pooling.add_noise(x, 0.2, kind, rng=np.random.default_rng(3)))


def test_add_noise_leaves_the_input_alone():
    x = landscape()
    before = x.copy()
    pooling.add_noise(x, 0.5, "salt-and-pepper", rng=0)
    pooling.add_noise(x.astype(np.float64), 0.5, "gaussian", rng=0)
    np.testing.assert_array_equal(x, before)


def test_level_zero_is_a_float_copy():
    x = landscape()
    for kind in ("gaussian", "salt-and-pepper", "salt", "pepper"):
        np.testing.assert_array_equal(pooling.add_noise(x, 0, kind, rng=0), x.astype(np.float64))


def test_salt_and_pepper_use_the_dtype_range_for_integers():
    x = np.full((40, 50), 100, np.uint8)
    salt = pooling.add_noise(x, 0.3, "salt", rng=1)
    assert set(np.unique(salt).tolist()) == {100.0, 255.0}
    assert abs(np.mean(salt == 255) - 0.3) < 0.05
    pepper = pooling.add_noise(x, 0.3, "pepper", rng=1)
    assert set(np.unique(pepper).tolist()) == {0.0, 100.0}
    both = pooling.add_noise(x, 1.0, "salt-and-pepper", rng=1)
    assert set(np.unique(both).tolist()) == {0.0, 255.0}
    assert abs(np.mean(both == 255) - 0.5) < 0.05


def test_salt_uses_the_data_range_for_floats():
    x = np.linspace(-2.0, 3.0, 100).reshape(10, 10)
    noisy = pooling.add_noise(x, 1.0, "salt-and-pepper", rng=0)
    assert set(np.unique(noisy).tolist()) == {-2.0, 3.0}


@pytest.mark.parametrize(("kind", "colours"), [("salt", {255}), ("pepper", {0}), ("salt-and-pepper", {0, 255})])
def test_salt_and_pepper_hit_whole_pixels_not_channel_values(kind, colours):
    # Mid-grey RGB with a different value per plane, so a hit in one plane only would show as a coloured speck.
    x = np.stack([np.full((60, 70), v, np.uint8) for v in (90, 120, 150)])
    noisy = pooling.add_noise(x, 0.2, kind, rng=3)
    hit = (noisy != x).any(axis=0)
    assert (noisy[:, hit] == noisy[0, hit]).all()  # every hit pixel is the same in all three planes
    assert set(np.unique(noisy[:, hit]).tolist()) == colours
    assert (noisy[:, ~hit] == x[:, ~hit]).all()
    assert abs(hit.mean() - 0.2) < 0.02  # the level is the fraction of pixels hit


def test_salt_and_pepper_on_2d_input_is_the_first_plane_of_the_same_draw():
    x = np.full((30, 40), 100, np.uint8)
    flat = pooling.add_noise(x, 0.4, "salt-and-pepper", rng=2)
    stacked = pooling.add_noise(np.stack([x, x]), 0.4, "salt-and-pepper", rng=2)
    np.testing.assert_array_equal(flat, stacked[0])
    np.testing.assert_array_equal(flat, stacked[1])


def test_float_rgb_hits_take_the_data_range_in_every_plane():
    x = np.stack([np.full((20, 20), v) for v in (-1.0, 0.5, 2.0)])
    noisy = pooling.add_noise(x, 1.0, "salt", rng=0)
    assert (noisy == 2.0).all()  # the range of all planes together: white is 2.0 in each


def test_gaussian_noise_scales_with_the_value_range():
    x = np.zeros((2, 200, 200), np.uint8)
    noise = pooling.add_noise(x, 0.1, "gaussian", rng=0)
    assert noise.std() == pytest.approx(0.1 * 255, rel=0.02)
    assert abs(noise.mean()) < 0.5
    assert noise.min() < 0  # no clipping: the noisy copy is float64


# --- noise_sensitivity -------------------------------------------------------------


def test_noise_sensitivity_is_reproducible_and_reports_its_inputs():
    x = landscape()
    a = pooling.noise_sensitivity(x, [0.01, 0.1], "salt", rng=0, mode="max", kernel_size=2)
    b = pooling.noise_sensitivity(x, [0.01, 0.1], "salt", rng=0, mode="max", kernel_size=2)
    for field in ("input_change", "output_change", "changed_fraction"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.levels.tolist() == [0.01, 0.1]
    assert a.kind == "salt"
    assert ((a.changed_fraction >= 0) & (a.changed_fraction <= 1)).all()


def test_level_zero_changes_nothing():
    rep = pooling.noise_sensitivity(landscape(), [0.0], "gaussian", rng=0, mode="avg", kernel_size=2)
    assert rep.input_change.tolist() == rep.output_change.tolist() == rep.changed_fraction.tolist() == [0.0]


def test_input_change_is_measured_against_the_value_range():
    x = np.full((40, 40), 100, np.uint8)
    rep = pooling.noise_sensitivity(x, [0.25], "salt", rng=5, mode="max", kernel_size=2)
    noisy = pooling.add_noise(x, 0.25, "salt", rng=np.random.default_rng(5))
    assert rep.input_change[0] == pytest.approx(np.mean(noisy != 100) * 155 / 255)


@pytest.mark.parametrize("image", [np.full((32, 32), 100, np.uint8), landscape()], ids=["flat", "landscape"])
def test_salt_noise_is_amplified_by_max_pooling(image):
    levels = [0.01, 0.05, 0.1]
    rep = pooling.noise_sensitivity(image, levels, "salt", rng=0, mode="max", kernel_size=2)
    # A salt cell moves one input cell but takes over a 4-cell window's output.
    assert (rep.output_change > rep.input_change).all()
    assert (rep.output_change > 2 * rep.input_change).all()


def test_gaussian_noise_is_damped_by_average_pooling():
    rep = pooling.noise_sensitivity(landscape(), [0.02, 0.05, 0.1], "gaussian", rng=0, mode="avg", kernel_size=2)
    # The mean of 4 independent errors has half their spread.
    assert (rep.output_change < rep.input_change).all()
    np.testing.assert_allclose(rep.output_change / rep.input_change, 0.5, atol=0.05)
    assert (rep.changed_fraction == 1.0).all()


def test_multichannel_and_other_modes():
    x = np.stack([landscape(), landscape()[::-1]])
    rep = pooling.noise_sensitivity(x, [0.05], "pepper", rng=1, mode="global-max")
    assert rep.output_change.shape == (1,)
    # Pepper only darkens cells; the brightest cell of a 32x32 channel almost surely survives.
    assert rep.output_change[0] < rep.input_change[0]


# --- errors ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["speckle", "Gaussian", None])
def test_unknown_kind(kind):
    with raises(ValueError, f"kind ({kind!r}) must be one of 'gaussian', 'salt-and-pepper', 'salt', 'pepper'"):
        pooling.add_noise(landscape(), 0.1, kind)


@pytest.mark.parametrize(("level", "kind"), [(-0.1, "gaussian"), (-1, "salt"), (np.nan, "gaussian"), (np.nan, "salt")])
def test_level_below_zero(level, kind):
    with raises(ValueError, f"level ({float(level)!r}) must be >= 0"):
        pooling.add_noise(landscape(), level, kind)


@pytest.mark.parametrize(("level", "kind"), [(1.5, "salt-and-pepper"), (1.01, "pepper")])
def test_fraction_above_one(level, kind):
    with raises(ValueError, f"level ({level!r}) must be at most 1 for {kind}: it is the fraction of cells hit"):
        pooling.add_noise(landscape(), level, kind)


def test_gaussian_level_may_exceed_one():
    noisy = pooling.add_noise(np.zeros((3, 3)), 2.5, "gaussian", rng=0)
    assert noisy.shape == (3, 3)


def test_noise_sensitivity_checks_every_level():
    with raises(ValueError, "level (1.5) must be at most 1 for salt"):
        pooling.noise_sensitivity(landscape(), [0.1, 1.5], "salt", rng=0, kernel_size=2)


@pytest.mark.parametrize("level", ["abc", None])
def test_level_that_is_not_a_number(level):
    with pytest.raises((TypeError, ValueError), match=r"^level \("):
        pooling.add_noise(landscape(), level, "gaussian")


def test_bad_input():
    with raises(TypeError, "x has dtype bool"):
        pooling.add_noise(np.ones((4, 4), bool), 0.1)
    with raises(ValueError, "x must be (H, W) or (C, H, W), got 1-D shape (4,)"):
        pooling.noise_sensitivity(np.ones(4), [0.1])


# --- clip, compare_noise, pool_noisy, value_range ------------------------------------


def test_clip_keeps_the_value_range():
    x = landscape()
    noisy = pooling.add_noise(x, 0.5, "gaussian", rng=0, clip=True)
    assert noisy.min() == 0.0 and noisy.max() == 255.0
    unclipped = pooling.add_noise(x, 0.5, "gaussian", rng=0)
    np.testing.assert_array_equal(noisy, np.clip(unclipped, 0, 255))
    with raises(TypeError, "clip ('yes') must be True or False"):
        pooling.add_noise(x, 0.1, clip="yes")


def test_compare_noise_gives_every_layer_the_same_noise():
    x = landscape()
    layers = {"max": ("max", {"kernel_size": 2}), "avg 3": ("avg", {"kernel_size": 3, "stride": 2})}
    reps = compare_noise(x, [0.0, 0.05, 0.2], layers, kind="salt-and-pepper", rng=7)
    assert list(reps) == ["max", "avg 3"]
    for label, (mode, args) in layers.items():
        alone = pooling.noise_sensitivity(x, [0.0, 0.05, 0.2], "salt-and-pepper", rng=7, mode=mode, **args)
        for field in ("levels", "input_change", "output_change", "changed_fraction"):
            np.testing.assert_array_equal(getattr(reps[label], field), getattr(alone, field))
        assert reps[label].kind == "salt-and-pepper"
    np.testing.assert_array_equal(reps["max"].input_change, reps["avg 3"].input_change)


def test_compare_noise_clips_for_stochastic_pooling():
    x = landscape()
    layers = {"stochastic": ("stochastic", {"kernel_size": 2, "train": False})}
    with pytest.raises(ValueError, match="stochastic pooling needs x >= 0"):
        compare_noise(x, [0.5], layers, rng=0)
    rep = compare_noise(x, [0.5], layers, rng=0, clip=True)["stochastic"]
    assert rep.output_change[0] > 0


def test_compare_noise_needs_layers():
    with raises(TypeError, "layers ({}) must be a non-empty dict of label to (mode, pool_args)"):
        compare_noise(landscape(), [0.1], {})


def test_pool_noisy_by_hand():
    x = np.full((2, 4, 4), 100, np.uint8)
    noisy = x.astype(np.float64)
    noisy[0, 0, 0] = 255  # one salt pixel: max spreads it over its window's output cell
    noisy[1, 3, 3] = 0  # one pepper pixel: max ignores it
    r = pooling_noise.pool_noisy(x, noisy, "max", kernel_size=2)
    assert r.clean.tolist() == [[[100.0] * 2] * 2] * 2
    assert r.noisy.tolist() == [[[255.0, 100.0], [100.0, 100.0]], [[100.0, 100.0], [100.0, 100.0]]]
    assert r.input_change == pytest.approx((155 + 100) / 32 / 255)
    assert r.output_change == pytest.approx(155 / 8 / 255)
    assert r.changed_fraction == 1 / 8 and r.value_range == (0.0, 255.0)
    avg = pooling_noise.pool_noisy(x, noisy, "avg", kernel_size=2)
    assert avg.noisy[0, 0, 0] == pytest.approx(100 + 155 / 4) and avg.noisy[1, 1, 1] == 75.0
    assert avg.output_change == pytest.approx(r.input_change)  # averaging spreads the change, keeps its mean


def test_pool_noisy_matches_pooling_the_two_inputs():
    x = landscape()
    noisy = pooling.add_noise(x, 0.1, "gaussian", rng=3)
    r = pooling_noise.pool_noisy(x, noisy, "lp", kernel_size=3, stride=2, p=3.0)
    np.testing.assert_array_equal(r.clean, pooling.pool2d(x.astype(np.float64), "lp", 3, stride=2, p=3.0).values)
    np.testing.assert_array_equal(r.noisy, pooling.pool2d(noisy, "lp", 3, stride=2, p=3.0).values)
    span = pooling_noise.output_span(x.shape, 0, 255, "lp", kernel_size=3, stride=2, p=3.0)
    assert span == pytest.approx(255 * 9 ** (1 / 3))  # a 3 x 3 window of 255s: Lp sums, its range is its own
    assert r.output_change == pytest.approx(np.mean(np.abs(r.noisy - r.clean)) / span)


def test_each_mode_is_measured_on_its_own_output_range():
    # An outside review: on the input's range, Lp (p = 2, 2 x 2, spanning 0 to 510) seemed to amplify Gaussian
    # noise (4.16% against the input's 3.74%); on its own range it damps it, as a sum of four cells should.
    from poolinglab.intake.images import to_planes, working_image
    from poolinglab.intake.samples import load_sample

    x = to_planes(working_image(load_sample("Astronaut").pixels, 256), "rgb")
    layers = {m: (m, {"kernel_size": 2, **({"p": 2.0} if m == "lp" else {})}) for m in ("max", "avg", "lp")}
    reps = compare_noise(x, [0.05], layers, kind="gaussian", rng=0, clip=True)
    assert reps["lp"].output_change[0] < reps["lp"].input_change[0]
    assert pooling_noise.output_span(x.shape, 0, 255, "avg", kernel_size=2, divisor_override=1) == 1020
    assert pooling_noise.output_span(x.shape, 0, 255, "max", kernel_size=2) == 255


def test_pool_noisy_needs_matching_shapes():
    with raises(ValueError, "noisy has shape (4, 5); it must have the shape of x, (4, 4)"):
        pooling_noise.pool_noisy(np.zeros((4, 4)), np.zeros((4, 5)), "max", kernel_size=2)


def test_value_range():
    assert pooling_noise.value_range(np.zeros((3, 3), np.int16)) == (-32768.0, 32767.0)
    assert pooling_noise.value_range(np.array([[2.0, np.nan, 5.0]])) == (2.0, 5.0)
    assert pooling_noise.value_range(np.full((2, 2), 7.0)) == (7.0, 8.0)
    lo, hi = pooling_noise.value_range(np.full((2, 2), 1e30))  # 1e30 + 1 == 1e30: the next float up instead
    assert lo == 1e30 and hi == np.nextafter(1e30, np.inf)


def test_a_flat_grid_of_large_numbers_measures_its_noise_in_numbers():
    # Its span was 1e30 - 1e30 = 0, and every change read 0 / 0 = NaN% on the Noise page.
    x = np.full((4, 4), 1e30)
    r = pooling_noise.pool_noisy(x, pooling_noise.add_noise(x, 0.5, "salt-and-pepper", rng=0, clip=True), "max",
                                 kernel_size=2)
    assert np.isfinite([r.input_change, r.output_change, r.changed_fraction]).all()
    rep = pooling_noise.noise_sensitivity(x, [0.0, 0.5], "gaussian", rng=0, kernel_size=2)
    assert np.isfinite(rep.input_change).all() and np.isfinite(rep.output_change).all()


# --- draw_noise and noisy_copy: one draw, every level ----------------------------------


@pytest.mark.parametrize("kind", ["gaussian", "salt-and-pepper", "salt", "pepper"])
@pytest.mark.parametrize("x", [landscape(), np.stack([landscape(), 255 - landscape(), landscape() // 2]),
                               np.linspace(-3.0, 5.0, 64).reshape(8, 8)])
def test_one_draw_gives_add_noise_at_every_level_to_the_last_bit(kind, x):
    draws = pooling_noise.draw_noise(x.shape, kind, rng=11)
    for level in (0.0, 0.01, 0.05, 0.2, 0.5, 1.0):
        for clip in (False, True):
            expected = pooling.add_noise(x, level, kind, rng=11, clip=clip)
            got = pooling_noise.noisy_copy(x, draws, level, clip=clip)
            assert got.dtype == expected.dtype and got.shape == expected.shape
            np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))


@pytest.mark.parametrize("kind", ["gaussian", "salt-and-pepper", "salt"])
def test_draw_noise_takes_from_a_generator_what_add_noise_takes(kind):
    x = landscape()
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    pooling.add_noise(x, 0.1, kind, rng=a)
    pooling_noise.draw_noise(x.shape, kind, rng=b)
    assert a.random() == b.random()


def test_noisy_copy_checks_what_it_is_given():
    x = landscape()
    draws = pooling_noise.draw_noise(x.shape, "salt", rng=0)
    with raises(ValueError, "draws were drawn for shape (1, 32, 32), but x is (1, 16, 16)"):
        pooling_noise.noisy_copy(x[:16, :16], draws, 0.1)
    with raises(ValueError, "level (1.5) must be at most 1 for salt: it is the fraction of cells hit"):
        pooling_noise.noisy_copy(x, draws, 1.5)
    with raises(TypeError, "draws must be a NoiseDraws from draw_noise, not ndarray"):
        pooling_noise.noisy_copy(x, np.zeros(3), 0.1)
    with raises(TypeError, "clip ('yes') must be True or False"):
        pooling_noise.noisy_copy(x, draws, 0.1, clip="yes")
    with raises(ValueError, "kind ('speckle') must be one of 'gaussian', 'salt-and-pepper', 'salt', 'pepper'"):
        pooling_noise.draw_noise(x.shape, "speckle")


def test_pool_noisy_takes_the_clean_pooling_and_span_it_would_compute():
    x = np.stack([landscape(), 255 - landscape()])
    noisy = pooling.add_noise(x, 0.2, "salt-and-pepper", rng=2, clip=True)
    args = {"kernel_size": 3, "stride": 2, "p": 2.0}
    alone = pooling_noise.pool_noisy(x, noisy, "lp", **args)
    clean = pooling.pool2d(x.astype(np.float64), "lp", **args).values
    span = pooling_noise.output_span(x.shape, 0, 255, "lp", **args)
    given = pooling_noise.pool_noisy(x, noisy, "lp", clean=clean, span=span, **args)
    np.testing.assert_array_equal(given.clean, alone.clean)
    np.testing.assert_array_equal(given.noisy, alone.noisy)
    assert (given.input_change, given.output_change, given.changed_fraction) == (
        alone.input_change, alone.output_change, alone.changed_fraction)
    with raises(ValueError, "clean has shape (2, 2, 2); the pooled noisy input has (2, 15, 15)"):
        pooling_noise.pool_noisy(x, noisy, "lp", clean=clean[:, :2, :2], **args)


@hypothesis_settings(200)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(2, 9), st.integers(2, 9)),
                  elements=st.floats(0, 255) | st.sampled_from([0.0, 255.0, 128.0])),
       st.sampled_from(["gaussian", "salt", "pepper", "salt-and-pepper"]),
       st.sampled_from([("max", {}), ("avg", {"count_include_pad": False}), ("min", {}), ("lp", {"p": 3.0}),
                        ("mixed", {"alpha": 0.3}), ("stochastic", {"train": False}), ("blurmax", {}),
                        ("stochastic", {"train": True, "rng": 5})]),
       st.integers(1, 3), st.integers(1, 2), st.integers(0, 1))
def test_compare_noisy_pools_every_copy_at_once_to_each_copys_own_numbers(x, kind, layer, k, s, padding):
    # The chart pools all its noisy copies in one call per layer: every number must be the one each copy pooled on
    # its own gives (a layer that draws, stochastic while training, still pools copy by copy: here each call draws
    # from a generator seeded alike).
    from pooling.analysis.noise import compare_noisy, input_changes, noisy_levels, output_span

    mode, args = layer
    args = {"kernel_size": k, "stride": s, **({} if mode == "blurmax" else {"padding": min(padding, k // 2)}), **args}
    levels = [0.0, 0.2, 0.5]
    noisy = noisy_levels(x, levels, kind=kind, rng=3, clip=True)
    try:
        clean = pooling_noise.pooled_values(x, mode, **args)
    except ValueError as err:  # a layer that cannot pool x refuses it in the same words
        with pytest.raises(ValueError, match=re.escape(str(err))):
            compare_noisy(x, noisy, levels, {mode: (mode, args)}, kind=kind)
        return
    got = compare_noisy(x, noisy, levels, {mode: (mode, args)}, kind=kind)[mode]
    span = output_span(x.shape, *pooling_noise.input_scale(x), mode, **args)
    alone = [np.abs(pooling_noise.pooled_values(copy, mode, **args).astype(np.float64) - clean) for copy in noisy]
    np.testing.assert_array_equal(got.input_change, input_changes(x, noisy))
    np.testing.assert_array_equal(got.output_change, [np.mean(d) / span for d in alone])
    np.testing.assert_array_equal(got.changed_fraction, [np.mean(d > 0) for d in alone])


def test_kept_noisy_copies_pooled_by_another_layer_give_that_layers_own_numbers():
    # The Noise page keeps noisy_levels while the layer moves: pooling them again must be compare_noise itself.
    from pooling.analysis.noise import compare_noisy, input_changes, noisy_levels

    x = np.random.default_rng(2).integers(0, 256, (3, 12, 10)).astype(np.uint8)
    levels = [0.0, 0.1, 0.4]
    for kind in ("gaussian", "salt", "pepper", "salt-and-pepper"):
        kept = noisy_levels(x, levels, kind=kind, rng=7, clip=True)
        assert kept.shape == (3, 3, 12, 10)
        for layer in ({"max": ("max", {"kernel_size": 3, "stride": 2})},
                      {"lp": ("lp", {"kernel_size": 2, "p": 3.0}), "avg": ("avg", {"kernel_size": (2, 3)})}):
            want = compare_noise(x, levels, layer, kind=kind, rng=7, clip=True)
            got = compare_noisy(x, kept, levels, layer, kind=kind)
            given = compare_noisy(x, kept, levels, layer, kind=kind, input_change=input_changes(x, kept))
            for label in layer:
                for field in ("input_change", "output_change", "changed_fraction"):
                    np.testing.assert_array_equal(getattr(got[label], field), getattr(want[label], field))
                    np.testing.assert_array_equal(getattr(given[label], field), getattr(want[label], field))
    with pytest.raises(ValueError, match="one copy of x"):
        compare_noisy(x, kept[:2], levels, {"max": ("max", {"kernel_size": 2})})
