"""Every bad input gives a ValueError or TypeError that names the parameter and its value.

Messages are pinned with ``pytest.raises(..., match=...)``; the patterns are
copied from ``pooling/_checks.py``, ``pooling/geometry.py``, ``pooling/pool.py``
and ``pooling/analysis/sweep.py``.
"""

import re

import numpy as np
import pytest
from helpers import raises

import pooling

X = np.arange(16.0).reshape(4, 4)
MODES = ["max", "min", "avg", "lp", "stochastic", "mixed"]


# --- kernel_size, stride, dilation ----------------------------------------


@pytest.mark.parametrize("name", ["kernel_size", "stride", "dilation"])
@pytest.mark.parametrize("value", [0, -1, (2, 0), (-3, 2)])
def test_sizes_below_one(name, value):
    kwargs = {"kernel_size": 2, name: value}
    with raises(ValueError, f"{name} ({value!r}) must be at least 1"):
        pooling.pool2d(X, "max", **kwargs)


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name in ["kernel_size", "stride", "dilation"]
     for value in [2.0, (2, 1.5), "2", None, True, (np.float32(2), 2)] if (name, value) != ("stride", None)],
)
def test_sizes_that_are_not_ints(name, value):
    kwargs = {"kernel_size": 2, name: value}
    with raises(TypeError, f"{name} ({value!r}) must be an int or a pair of ints, not "):
        pooling.pool2d(X, "max", **kwargs)


@pytest.mark.parametrize("name", ["kernel_size", "stride", "dilation", "padding"])
@pytest.mark.parametrize("value", [(), (1, 1, 1), [1, 1, 1, 1]])
def test_sizes_of_the_wrong_length(name, value):
    kwargs = {"kernel_size": 2, name: value}
    with raises(ValueError, f"{name} ({value!r}) must be an int or a pair of ints (h, w)"):
        pooling.pool2d(X, "max", **kwargs)


def test_numpy_integers_are_accepted():
    r = pooling.pool2d(X, "max", np.int64(2), stride=(np.int32(2), 2), dilation=np.uint8(1), padding=np.int16(1))
    assert r.values.shape == (3, 3)


def test_a_zero_dimensional_array_size_is_named():
    """A 0-d array kernel_size is taken as its number, or refused by name (never numpy's own error)."""
    try:
        r = pooling.pool2d(X, "max", np.array(2))
    except (TypeError, ValueError) as err:
        assert "kernel_size" in str(err), str(err)
    else:
        np.testing.assert_array_equal(r.values, pooling.pool2d(X, "max", 2).values)


def test_a_huge_stride_is_a_value_error():
    """A stride of 2**63 is a ValueError naming ``stride``, not numpy's OverflowError."""
    try:
        r = pooling.pool2d(X, "max", 2, stride=2**63)
    except ValueError as err:
        assert "stride" in str(err)
    else:
        np.testing.assert_array_equal(r.values, [[5.0]])


def test_too_many_taps():
    with raises(ValueError, "kernel_size ((256, 256)) has more than 65535 taps; use a smaller kernel"):
        pooling.pool2d(np.zeros((256, 256), dtype=np.uint8), "max", (256, 256))


# --- padding --------------------------------------------------------------


@pytest.mark.parametrize("value", [-1, (0, -2)])
def test_negative_padding(value):
    with raises(ValueError, f"padding ({value!r}) must be at least 0"):
        pooling.pool2d(X, "max", 2, padding=value)


@pytest.mark.parametrize("value", ["full", "", "causal"])
def test_unknown_padding_word(value):
    with raises(ValueError, f"padding ({value!r}) must be an int, a pair of ints, 'valid' or 'same'"):
        pooling.pool2d(X, "max", 2, padding=value)


def test_padding_words_ignore_case():
    np.testing.assert_array_equal(pooling.pool2d(X, "max", 3, padding="SAME").values,
                                  pooling.pool2d(X, "max", 3, padding="same").values)


@pytest.mark.parametrize("value", [1.0, None, (1, 0.5)])
def test_padding_not_an_int(value):
    with pytest.raises(TypeError, match=re.escape(f"padding ({value!r}) must be an int or a pair of ints, not ")):
        pooling.pool2d(X, "max", 2, padding=value)


def test_padding_above_half_the_kernel():
    with raises(ValueError, "padding (2) must be at most kernel_size // 2 (1)"):
        pooling.pool2d(X, "max", 3, padding=2)
    with raises(ValueError, "padding (1) must be at most kernel_size // 2 (0)"):
        pooling.pool2d(X, "avg", (1, 3), padding=1)
    # Dilation does not raise the limit (as PyTorch's max_pool2d).
    with raises(ValueError, "padding (2) must be at most kernel_size // 2 (1)"):
        pooling.pool2d(X, "max", 2, dilation=3, padding=2)


# --- geometry -------------------------------------------------------------


def test_output_smaller_than_one():
    with raises(ValueError, "output height would be -1: input height 4 plus padding 0 is smaller than "
                            "the dilated kernel 6; use a smaller kernel_size or dilation, or more padding"):
        pooling.pool2d(X, "max", (6, 1), stride=1)
    with raises(ValueError, "output height would be 0: input height 4 plus padding 0"):
        pooling.pool2d(X, "max", (6, 1))
    with raises(ValueError, "output width would be 0: input width 4 plus padding 0 is smaller than "
                            "the dilated kernel 5"):
        pooling.pool2d(X, "max", (1, 3), dilation=2)


def test_window_of_padding_only():
    # L=1, k=2, p=1, d=2: the one window reads positions -1 and 1, both off the input.
    with raises(ValueError, "window 0 along the width holds only padding (dilation 2, padding 1, input width 1); "
                            "lower the padding or the dilation"):
        pooling.pool2d(np.ones((3, 1)), "max", (1, 2), padding=(0, 1), dilation=(1, 2))


@pytest.mark.parametrize("value", ["yes", 1, None, 0.0])
def test_ceil_mode_not_bool(value):
    with raises(TypeError, f"ceil_mode ({value!r}) must be True or False"):
        pooling.pool2d(X, "max", 2, ceil_mode=value)


def test_ceil_mode_numpy_bool_is_accepted():
    assert pooling.pool2d(X[:3, :3], "max", 2, ceil_mode=np.bool_(True)).values.shape == (2, 2)


# --- the input ------------------------------------------------------------


@pytest.mark.parametrize("x", [np.zeros((0, 3)), np.zeros((3, 0)), np.zeros((2, 0, 3)), np.zeros((0, 2, 2))])
def test_empty_input(x):
    with raises(ValueError, f"x is empty (shape {x.shape}); it needs at least one cell"):
        pooling.pool2d(x, "max", 1)


@pytest.mark.parametrize("x", [np.arange(4.0), np.zeros((1, 1, 2, 2)), np.float64(3.0), np.zeros(0)])
def test_input_with_the_wrong_number_of_dimensions(x):
    with raises(ValueError, f"x must be (H, W) or (C, H, W), got {x.ndim}-D shape {x.shape}"):
        pooling.pool2d(x, "max", 1)


def test_complex_input():
    with raises(TypeError, "x has complex dtype complex128; pooling needs real numbers"):
        pooling.pool2d(X + 1j, "max", 2)


def test_bool_input():
    with raises(TypeError, "x has dtype bool; pool a numeric array (e.g. x.astype(np.uint8))"):
        pooling.pool2d(X > 3, "max", 2)


@pytest.mark.parametrize(
    ("x", "dtype"),
    [(np.array([["a", "b"], ["c", "d"]]), "<U1"), ([["ab", "c"]], "<U2"), (np.array([[None]]), "object"),
     (None, "object"), (np.zeros((2, 2), dtype="datetime64[s]"), "datetime64[s]")],
)
def test_non_numeric_input(x, dtype):
    with raises(TypeError, f"x has dtype {dtype}; pooling needs a real numeric dtype"):
        pooling.pool2d(x, "max", 1)


def test_ragged_input():
    with raises(TypeError, "x must be a numeric array, could not convert it: "):
        pooling.pool2d([[1, 2], [3]], "max", 1)


def test_nested_lists_are_accepted():
    assert pooling.pool2d([[5, 6], [7, 9]], "avg", 2).values.tolist() == [[6.75]]


# --- modes and their options ----------------------------------------------


@pytest.mark.parametrize("mode", ["maximum", "MAX", "average", "", None, 1])
def test_unknown_mode(mode):
    with raises(ValueError, f"mode ({mode!r}) must be one of 'max', 'min', 'avg', 'lp', 'stochastic', 'mixed'"):
        pooling.pool2d(X, mode, 2)


@pytest.mark.parametrize(
    ("mode", "option", "allowed"),
    [("max", "p", "none"), ("min", "count_include_pad", "none"),
     ("avg", "alpha", "count_include_pad, divisor_override"), ("lp", "train", "p"),
     ("stochastic", "p", "rng, train"), ("mixed", "rng", "alpha")],
)
def test_option_of_another_mode(mode, option, allowed):
    with raises(TypeError, f"unexpected option {option!r} for mode {mode!r} (allowed: {allowed})"):
        pooling.pool2d(X, mode, 2, **{option: 1})


def test_an_option_no_mode_has():
    with raises(TypeError, "pool2d() got an unexpected keyword argument 'return_indices'"):
        pooling.pool2d(X, "max", 2, return_indices=True)


def test_options_after_kernel_size_are_keyword_only():
    with raises(TypeError, "pool2d() takes 3 positional arguments but 4 were given"):
        pooling.pool2d(X, "max", 2, 2)


@pytest.mark.parametrize("p", [0, -1, -np.inf, np.nan, 0.0])
def test_lp_p_not_positive(p):
    with raises(ValueError, f"p ({p!r}) must be > 0: p = 1 sums |x|, p = 2 is L2 pooling, p = inf is max |x|"):
        pooling.pool2d(X, "lp", 2, p=p)


@pytest.mark.parametrize("p", ["2", None, True, 1j])
def test_lp_p_not_a_number(p):
    with raises(TypeError, f"p ({p!r}) must be a positive number or np.inf"):
        pooling.pool2d(X, "lp", 2, p=p)


@pytest.mark.parametrize("train", [True, False])
def test_stochastic_on_negative_input(train):
    with raises(ValueError, "stochastic pooling needs x >= 0 (it samples cells with probability a / sum(a)); "
                            "min(x) is -1"):
        pooling.pool2d(X - 1, "stochastic", 2, train=train)
    with raises(ValueError, "min(x) is -3"):
        pooling.pool2d(np.array([[1, -3], [2, 0]], dtype=np.int8), "stochastic", 2, train=train)


@pytest.mark.parametrize("train", [True, False])
def test_stochastic_on_nan_input(train):
    x = X.copy()
    x[3, 3] = np.nan
    with raises(ValueError, "stochastic pooling needs x without NaN: its cells are probabilities' weights"):
        pooling.pool2d(x, "stochastic", 2, train=train)


@pytest.mark.parametrize("train", ["yes", 1, None])
def test_stochastic_train_not_bool(train):
    with raises(TypeError, f"train ({train!r}) must be True or False"):
        pooling.pool2d(X, "stochastic", 2, train=train)


@pytest.mark.parametrize("rng", ["abc", 1.5, -1])
def test_stochastic_bad_rng(rng):
    with pytest.raises((TypeError, ValueError)):
        pooling.pool2d(X, "stochastic", 2, rng=rng)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, np.inf, np.nan])
def test_alpha_outside_zero_one(alpha):
    with raises(ValueError, f"alpha ({alpha!r}) must be in [0, 1]: it mixes alpha * max + (1 - alpha) * avg"):
        pooling.pool2d(X, "mixed", 2, alpha=alpha)


@pytest.mark.parametrize("alpha", ["0.5", None, True])
def test_alpha_not_a_number(alpha):
    with raises(TypeError, f"alpha ({alpha!r}) must be a number in [0, 1]"):
        pooling.pool2d(X, "mixed", 2, alpha=alpha)


def test_divisor_override_zero():
    with raises(ValueError, "divisor_override (0) must not be zero: it would divide by zero"):
        pooling.pool2d(X, "avg", 2, divisor_override=0)


@pytest.mark.parametrize("value", [1.5, "2", True])
def test_divisor_override_not_an_int(value):
    with raises(TypeError, f"divisor_override ({value!r}) must be an int or None"):
        pooling.pool2d(X, "avg", 2, divisor_override=value)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_count_include_pad_not_bool(value):
    with raises(TypeError, f"count_include_pad ({value!r}) must be True or False"):
        pooling.pool2d(X, "avg", 2, count_include_pad=value)


# --- sweeps ---------------------------------------------------------------


def test_sweep_of_too_many_steps():
    r = pooling.pool2d(np.zeros((65, 64)), "max", 1)
    with raises(ValueError, "the sweep would have 4160 steps; at most 4096 (pool a smaller grid)"):
        pooling.sweep_steps(r)


@pytest.mark.parametrize("channel", [-1, 2])
def test_sweep_channel_out_of_range(channel):
    r = pooling.pool2d(np.zeros((2, 4, 4)), "max", 2)
    with raises(ValueError, f"channel ({channel}) must be in [0, 2)"):
        pooling.sweep_steps(r, channel=channel)


# --- no other exception type, whatever the input --------------------------

BAD_SETTINGS = [
    dict(kernel_size=0), dict(kernel_size=-2), dict(kernel_size=2.5), dict(kernel_size=(2, 2, 2)),
    dict(kernel_size=(1, 0)), dict(kernel_size=100), dict(kernel_size=2, stride=0), dict(kernel_size=2, stride=-1),
    dict(kernel_size=2, stride=1.0), dict(kernel_size=2, stride=(1,) * 3), dict(kernel_size=2, dilation=0),
    dict(kernel_size=2, dilation=-1), dict(kernel_size=2, dilation=0.5), dict(kernel_size=2, dilation=(1, 1, 1)),
    dict(kernel_size=2, padding=-1), dict(kernel_size=2, padding="nope"), dict(kernel_size=2, padding=2),
    dict(kernel_size=3, dilation=5), dict(kernel_size=(1, 2), padding=(0, 1), dilation=(1, 9)),
    dict(kernel_size=2, ceil_mode="yes"), dict(kernel_size=10**6),
]
BAD_INPUTS = [
    np.zeros((0, 4)), np.zeros(4), np.zeros((1, 1, 4, 4)), X + 0j, X > 0, np.full((4, 4), "a"), [[1], [1, 2]],
    np.zeros((2, 0, 2)),
]


@pytest.mark.parametrize("mode", MODES)
def test_only_value_and_type_errors(mode):
    for settings in BAD_SETTINGS:
        with pytest.raises((ValueError, TypeError)) as info:
            pooling.pool2d(X, mode, **settings)
        assert type(info.value) in (ValueError, TypeError), (settings, info.value)
    for x in BAD_INPUTS:
        with pytest.raises((ValueError, TypeError)) as info:
            pooling.pool2d(x, mode, 2)
        assert type(info.value) in (ValueError, TypeError), (x, info.value)


@pytest.mark.parametrize("mode", MODES)
def test_tiny_inputs_and_edge_geometries_never_crash(mode):
    """Every combination either pools or raises ValueError; never IndexError or ZeroDivisionError."""
    for shape in [(1, 1), (1, 3), (3, 1), (2, 2, 2)]:
        x = np.ones(shape)
        for k in [1, 2, 3, (1, 3), (3, 1)]:
            for s in [1, 2, 5]:
                for p in [0, 1, "same"]:
                    for d in [1, 2, 4]:
                        for ceil_mode in [False, True]:
                            try:
                                r = pooling.pool2d(x, mode, k, stride=s, padding=p, dilation=d, ceil_mode=ceil_mode)
                            except ValueError:
                                continue
                            assert np.isfinite(r.values).all()
                            if r.selecting:
                                assert (r.indices >= 0).all() and (r.indices < x.shape[-1] * x.shape[-2]).all()
                            else:
                                assert np.isfinite(r.weights).all()
