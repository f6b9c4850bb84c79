"""Where ``pooling.pool2d`` is tested: seven modules, one technique each. Start here.

=============================  ==================================================================
Module                         What it checks, and how
=============================  ==================================================================
test_hand_computed.py          Small cases worked out by hand on ``10 * i + j`` inputs
                               (:func:`helpers.coords`): values, argmax indices, weights, "same"
                               padding, ties, NaN and -inf, readable by eye.
test_pool2d_reference.py       Thousands of seeded random configurations against the brute-force
                               reference (``tests/reference.py``, one window at a time): every
                               mode, dtype, padding, dilation and ceil_mode; exact for max/min.
test_properties.py             hypothesis properties (``hypothesis.extra.numpy``) that hold for
                               every input: bounds, order, weights summing to the values.
test_torch_golden.py           PyTorch's recorded max/avg outputs and indices (format and reader:
                               ``tests/golden.py``), replayed without torch; exact equality.
test_against_torch.py          A larger live comparison, only where torch is installed.
test_errors.py                 Every bad argument: the exception and its message, pinned.
test_formulas.py               Each mode equals the formula the app writes for it.
=============================  ==================================================================

Related: window geometry (output sizes, padding, positions) in test_geometry.py; the result
object (cached read-only indices, weights as data) in test_result.py; the other public
functions each in their own module (test_adaptive.py, test_fractional.py, test_antialias.py,
test_temporal.py, test_unpool.py, test_backward.py). This module also holds the checks of
``pool2d``'s signature.
"""

import inspect
import pathlib

import numpy as np
import pytest
from helpers import coords, raises

import pooling

HERE = pathlib.Path(__file__).parent


def test_the_map_names_existing_modules():
    first_words = [line.split()[0] for line in __doc__.splitlines() if line.startswith("test_")]
    named = {word for word in first_words if word.endswith(".py")}
    assert len(named) == 7
    assert all((HERE / name).is_file() for name in named)


def test_every_option_after_kernel_size_is_keyword_only_and_named():
    params = inspect.signature(pooling.pool2d).parameters
    assert [p for p in params if params[p].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD] == \
        ["x", "mode", "kernel_size"]
    keyword = [p for p in params if params[p].kind is inspect.Parameter.KEYWORD_ONLY]
    assert keyword == ["stride", "padding", "dilation", "ceil_mode", "count_include_pad", "divisor_override", "p",
                       "train", "rng", "alpha"]
    assert not any(params[p].kind is inspect.Parameter.VAR_KEYWORD for p in params)
    doc = pooling.pool2d.__doc__
    assert all(f"\n    {name} : " in doc for name in keyword)


@pytest.mark.parametrize(("mode", "option"), [("max", {"alpha": 0.5}), ("avg", {"rng": None}), ("lp", {"train": True})])
def test_a_default_value_is_still_an_option_of_another_mode(mode, option):
    name = next(iter(option))
    with raises(TypeError, f"unexpected option {name!r} for mode {mode!r}"):
        pooling.pool2d(coords(4, 4), mode, 2, **option)


def test_options_given_as_their_defaults_change_nothing():
    x = coords(5, 5, np.float64)
    for mode, options in [("avg", {"count_include_pad": True, "divisor_override": None}), ("lp", {"p": 2}),
                          ("stochastic", {"train": True, "rng": 3}), ("mixed", {"alpha": 0.5})]:
        plain = pooling.pool2d(x, mode, 2, **({"rng": 3} if mode == "stochastic" else {}))
        np.testing.assert_array_equal(pooling.pool2d(x, mode, 2, **options).values, plain.values)


def test_params_record_the_options_given():
    r = pooling.pool2d(coords(4, 4), "lp", 2, p=3)
    assert r.params == {"kernel_size": 2, "stride": None, "padding": 0, "dilation": 1, "ceil_mode": False, "p": 3}
