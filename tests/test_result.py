"""Tests of ``pooling.result``: PoolResult's fields, its cached indices and its weights as data."""

import dataclasses
import gc
import weakref

import numpy as np
import pytest
from helpers import coords

import pooling
from pooling.result import PoolResult, WeightRule


def test_private_fields_are_keyword_only():
    r = pooling.pool2d(coords(4, 4), "max", 2)
    with pytest.raises(TypeError, match="positional arguments"):
        PoolResult(r.values, r.mode, r.grid, r.tap, r.params, r.input)
    again = PoolResult(r.values, r.mode, r.grid, r.tap, r.params, _input=r.input)
    assert again.indices.tolist() == [[5, 7], [13, 15]]  # flat h * 4 + w of each window's bottom-right cell


@pytest.mark.parametrize("x", [coords(6, 6), np.stack([coords(6, 6), -coords(6, 6)])])
def test_indices_are_computed_once_and_read_only(x):
    r = pooling.pool2d(x, "max", 3, stride=2, padding=1)
    first = r.indices
    assert r.indices is first
    assert not first.flags.writeable and first.dtype == np.int64
    with pytest.raises(ValueError, match="read-only"):
        first[..., 0, 0] = 0


def test_fractional_indices_are_cached_and_read_only_too():
    r = pooling.fractional_max_pool2d(np.stack([coords(7, 7)] * 2), 2, output_size=3, rng=0)
    assert r.indices is r.indices and not r.indices.flags.writeable


def test_weighting_and_adaptive_max_results():
    assert pooling.pool2d(coords(4, 4), "avg", 2).indices is None
    r = pooling.adaptive_pool2d(coords(5, 5), "max", 2)
    assert r.indices is r.indices and not r.indices.flags.writeable


# --- weights: data, not closures ----------------------------------------------------------------------------


def _holds_only_documented_fields(r):
    """Every field is data (arrays, numbers, strings, grids, rules): no function that could hide a reference."""
    for f in dataclasses.fields(r):
        value = getattr(r, f.name)
        assert not callable(value) or isinstance(value, type), f.name
    rule = r.weight_rule
    if rule is not None:
        for f in dataclasses.fields(rule):
            assert not callable(getattr(rule, f.name)), f.name


@pytest.mark.parametrize(
    ("mode", "options", "kind"),
    [("avg", {}, "share"), ("avg", {"divisor_override": 3}, "share"), ("lp", {"p": 3.0}, "lp"),
     ("lp", {"p": np.inf}, "onehot"), ("stochastic", {"train": False}, "probability"),
     ("mixed", {"alpha": 0.25}, "mixed")],
)
def test_each_weighting_mode_keeps_a_rule_of_data(mode, options, kind):
    r = pooling.pool2d(coords(5, 5, np.float64), mode, 2, ceil_mode=True, **options)
    assert isinstance(r.weight_rule, WeightRule) and r.weight_rule.kind == kind
    _holds_only_documented_fields(r)
    assert r.weights.shape == (3, 3, 4)


def test_the_input_is_kept_only_through_the_result():
    x = coords(6, 6, np.float64)
    watch = weakref.ref(x)
    r = pooling.pool2d(x, "lp", 2)
    del x
    gc.collect()
    assert watch() is not None  # the documented r.input
    del r
    gc.collect()
    assert watch() is None


def test_share_weights_by_hand():
    # 3x3 windows at stride 2 with padding 1 over a 3x3 input: every window is a corner, 4 cells on the input.
    r = pooling.pool2d(coords(3, 3, np.float64), "avg", 3, stride=2, padding=1, count_include_pad=False)
    assert r.weight_rule.mask == "in_bounds" and int(r.weight_rule.divisor) == 4
    w = r.weights
    assert w.shape == (2, 2, 9) and np.all(w.sum(-1) == 1.0)
    assert (w[0, 0] == [0, 0, 0, 0, 0.25, 0.25, 0, 0.25, 0.25]).all()
