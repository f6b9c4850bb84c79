"""Tests of poolinglab.settings: links, widget values and checks (formula and code lines: test_layer_code.py)."""

import math
import re

import numpy as np
import pytest
from helpers import EXAMPLE_SETTINGS

import pooling
from poolinglab.settings import (
    LIMITS,
    PoolSettings,
    SweepInput,
    from_form,
    from_query,
    pool_options,
    query_keys,
    to_form,
    to_query,
    validate,
)

EXAMPLES = EXAMPLE_SETTINGS


# ------------------------------------------------------------------ links


@pytest.mark.parametrize("settings", EXAMPLES)
def test_query_round_trip(settings):
    query = to_query(settings)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    restored, warnings = from_query(query)
    assert restored == settings
    assert warnings == []


def test_default_settings_give_an_empty_query():
    assert to_query(PoolSettings()) == {}
    assert from_query({}) == (PoolSettings(), [])


def test_query_is_readable():
    query = to_query(PoolSettings(mode="avg", kernel=(3, 2), padding="same", ceil_mode=True, p=math.inf))
    assert query == {"mode": "avg", "kernel": "3x2", "padding": "same", "ceil": "1", "p": "inf"}


def test_sweep_input_round_trip():
    spec = SweepInput(source="crop", rows=16, cols=3, seed=9, text="1 2", top=40, left=7, channel=2)
    query = to_query(spec)
    assert set(query) <= set(query_keys(SweepInput))
    assert from_query(query, SweepInput) == (spec, [])


def test_sweep_and_pool_keys_do_not_collide():
    assert not set(query_keys(PoolSettings)) & set(query_keys(SweepInput))


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"kernel": "abc"}, "kernel", r"kernel \('abc'\) was ignored: it is not a whole number"),
        ({"kernel": "999"}, "kernel", r"kernel \('999'\) was ignored: it must be from 1 to 32"),
        ({"kernel": "2x3x4"}, "kernel", r"kernel .* was ignored"),
        ({"stride": "0"}, "stride", r"stride \('0'\) was ignored: it must be from 1 to 32"),
        ({"stride": "-1"}, "stride", r"stride"),
        ({"padding": "huge"}, "padding", r"padding \('huge'\) was ignored"),
        ({"mode": "<script>"}, "mode", r"mode \('<script>'\) was ignored: it must be one of max, min"),
        ({"sample": "../../etc/passwd"}, "sample", r"sample .* was ignored"),
        ({"size": "1000"}, "working_size", r"size \('1000'\) was ignored"),
        ({"ceil": "maybe"}, "ceil_mode", r"ceil .* it must be 1 or 0"),
        ({"p": "nan"}, "p", r"p \('nan'\) was ignored: it is not a number"),
        ({"p": "0"}, "p", r"p \('0'\) was ignored: it must be from 0.5 to 64"),
        ({"alpha": "2"}, "alpha", r"alpha"),
        ({"seed": "9" * 5000}, "seed", r"seed was ignored: it is longer than 2000 characters"),
        ({"seed": "9" * 1999}, "seed", r"seed .* was ignored"),
        ({"divisor": "1e3"}, "divisor_override", r"divisor"),
    ],
)
def test_bad_query_values_fall_back_to_defaults_with_a_warning(params, field, message):
    settings, warnings = from_query(params)
    assert getattr(settings, field) == getattr(PoolSettings(), field)
    assert len(warnings) == 1
    assert re.search(message, warnings[0])


def test_a_hostile_query_never_raises():
    rng = np.random.default_rng(0)
    keys = list(query_keys(PoolSettings)) + list(query_keys(SweepInput)) + ["unknown", ""]
    junk = ["", " ", "x", "-0", "1e309", "inf", "-inf", "nan", "0x10", "\x00", "é", "2x", "x2", "3 x 3", "[1]", "∞"]
    for _ in range(300):
        params = {str(rng.choice(keys)): str(rng.choice(junk)) for _ in range(5)}
        for kind in (PoolSettings, SweepInput):
            settings, warnings = from_query(params, kind)
            assert isinstance(settings, kind)
            assert all(isinstance(w, str) for w in warnings)


def test_repeated_keys_take_the_last_value_and_unknown_keys_are_ignored():
    settings, warnings = from_query({"kernel": ["2", "3"], "page_only": "1"})
    assert settings.kernel == (3, 3)
    assert warnings == []


def test_a_link_keeps_source_upload_so_that_the_sidebar_asks_for_the_photo():
    settings, warnings = from_query({"source": "upload"})
    assert settings.source == "upload"
    assert warnings == []


def test_long_values_are_shortened_in_warnings():
    _, warnings = from_query({"mode": "m" * 500})
    assert len(warnings[0]) < 200


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
