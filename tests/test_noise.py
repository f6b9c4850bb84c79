"""Tests of ``pooling.add_noise`` and ``pooling.noise_sensitivity``.

The honest point these tests pin down: "max pooling is tolerant to noise" is
false for salt noise. One bright cell takes over its whole window, so the
output moves more than the input did. Averaging does damp Gaussian noise.
"""


import numpy as np
import pytest
from helpers import raises

import pooling


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
