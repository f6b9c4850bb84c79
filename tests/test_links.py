"""Tests of poolinglab.links: the query-string codec that makes every setting a shareable link."""

import math
import re

import numpy as np
import pytest
from helpers import EXAMPLE_SETTINGS

from poolinglab.links import from_query, query_keys, to_query
from poolinglab.settings import PoolSettings, SweepInput

EXAMPLES = EXAMPLE_SETTINGS


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


