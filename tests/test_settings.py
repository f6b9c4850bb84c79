"""Tests of poolinglab.settings: widget values, the layer's options, and the checks (links: test_links.py)."""


import numpy as np
import pytest
from helpers import EXAMPLE_SETTINGS

import pooling
from poolinglab.settings import (
    LIMITS,
    PoolSettings,
    from_form,
    layer_options,
    pool_options,
    psnr_options,
    to_form,
    validate,
)

EXAMPLES = EXAMPLE_SETTINGS


# ----------------------------------------------------------- widget values


@pytest.mark.parametrize("settings", EXAMPLES)
def test_form_round_trip(settings):
    assert from_form(to_form(settings)) == settings


def test_form_keeps_the_number_when_padding_is_a_word():
    form = to_form(PoolSettings(padding=1))
    form["padding_kind"] = "same"
    assert from_form(form).padding == "same"
    form["padding_kind"] = "number"
    assert from_form(form).padding == 1


def test_partial_form_keeps_the_base():
    base = PoolSettings(mode="avg", stride=1)
    assert from_form({"kernel_h": 3}, base) == PoolSettings(mode="avg", stride=1, kernel=(3, 2))


def test_limits_fit_the_defaults():
    defaults = PoolSettings()
    for name, value in (("kernel", defaults.kernel[0]), ("stride", defaults.stride), ("padding", defaults.padding),
                        ("dilation", defaults.dilation), ("p", defaults.p), ("alpha", defaults.alpha)):
        lo, hi = LIMITS[name]
        assert lo <= value <= hi


# ------------------------------------------------------------------ checks


def test_valid_settings_have_no_problems():
    assert validate(PoolSettings(), (6, 6)) == []
    assert validate(PoolSettings(kernel=(3, 3), stride=1, padding="same"), (5, 5)) == []


def test_padding_above_half_the_kernel_is_explained_with_the_cores_words():
    problems = validate(PoolSettings(kernel=(2, 2), padding=2), (6, 6))
    assert problems == [
        "padding (2) must be at most kernel_size // 2 (1): a larger pad makes windows that hold mostly padding"
    ]


def test_kernel_larger_than_the_input_is_explained():
    (problem,) = validate(PoolSettings(kernel=(8, 2)), (6, 6))
    assert problem.startswith("output height would be 0")


def test_validate_agrees_with_pool2d():
    x = np.arange(36.0).reshape(6, 6)
    for settings in EXAMPLES + [PoolSettings(kernel=(5, 5), dilation=2), PoolSettings(kernel=(3, 3), padding=2)]:
        problems = validate(settings, x.shape)
        try:
            pooling.pool2d(x, settings.mode, **pool_options(settings))
            assert problems == []
        except ValueError as err:
            assert problems == [str(err)]


def test_pool_options_carry_the_modes_own_options():
    assert pool_options(PoolSettings(mode="lp", p=3.0))["p"] == 3.0
    assert pool_options(PoolSettings(mode="stochastic", seed=7, train=False))["rng"] == 7
    assert pool_options(PoolSettings(mode="mixed", alpha=0.2))["alpha"] == 0.2
    assert pool_options(PoolSettings(mode="avg"))["divisor_override"] is None
    assert "alpha" not in pool_options(PoolSettings(mode="max"))


def test_psnr_options_pass_only_p_and_alpha_and_draw_stochastic_at_its_expected_value():
    assert psnr_options("mixed", {"alpha": 0.3, "kernel_size": 2}) == (("alpha", 0.3),)
    assert psnr_options("lp", {"p": 2.0, "alpha": 0.5}) == (("p", 2.0),)
    assert psnr_options("stochastic", {"train": True, "rng": 3}) == (("train", False),)
    assert psnr_options("max", {"kernel_size": 2}) == ()


@pytest.mark.parametrize("mode", ["max", "min", "avg", "lp", "stochastic", "mixed"])
def test_layer_options_of_a_pool2d_mode_are_its_pool_options(mode):
    settings = PoolSettings(mode="avg", kernel=(3, 2), stride=(1, 2), padding=1, dilation=1, ceil_mode=True)
    assert layer_options(settings, mode) == pool_options(settings, mode=mode)


def test_layer_options_of_antialiased_max_keep_only_kernel_and_stride():
    settings = PoolSettings(mode="max", kernel=(3, 3), stride=(2, 1), padding=1, dilation=2, ceil_mode=True)
    options = layer_options(settings, "blurmax")
    assert options == {"kernel_size": (3, 3), "stride": (2, 1)}
    x = np.arange(64, dtype=np.float64).reshape(1, 8, 8)
    assert pooling.antialiased_max_pool2d(x, **options).values.shape[-2:] == (3, 6)  # the core takes them as they are
