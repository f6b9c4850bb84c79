"""Tests of poolinglab.settings: links, widget values, checks, formula and code lines."""

import math
import re

import numpy as np
import pytest

import pooling
from poolinglab.intake.samples import SAMPLE_NAMES
from poolinglab.layer_code import keras_line, output_size_formula, torch_line
from poolinglab.links import from_query, query_keys, to_query
from poolinglab.settings import LIMITS, PoolSettings, SweepInput, from_form, output_hw, pool_options, to_form, validate

EXAMPLES = [
    PoolSettings(),
    PoolSettings(mode="avg", kernel=(3, 2), stride=1, padding=1, count_include_pad=False, divisor_override=5),
    PoolSettings(mode="lp", p=math.inf, padding="same", ceil_mode=True, working_size=None, color="gray"),
    PoolSettings(mode="lp", p=3.5, dilation=2, padding="valid"),
    PoolSettings(mode="stochastic", train=False, seed=12345, source="grid", grid="1 2\n3 4"),
    PoolSettings(mode="mixed", alpha=0.25, sample=SAMPLE_NAMES[-1], working_size=128),
    PoolSettings(mode="min", kernel=(32, 1), stride=32, padding=0),
]


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


# ---------------------------------------------------------- output size


@pytest.mark.parametrize("settings", EXAMPLES + [PoolSettings(kernel=(2, 2), ceil_mode=True, padding=1)])
@pytest.mark.parametrize("input_hw", [(6, 6), (7, 5), (32, 33)])
def test_formula_ends_with_the_true_output_size(settings, input_hw):
    if validate(settings, input_hw):
        return
    latex = output_size_formula(settings, input_hw)
    lines = latex.split("\\\\")
    oh, ow = output_hw(settings, input_hw)
    assert re.search(rf"= {oh}\b(?!.*= )", lines[1])
    assert re.search(rf"= {ow}\b(?!.*= )", lines[2])
    assert pooling.pool2d(np.zeros(input_hw), settings.mode, **pool_options(settings)).values.shape == (oh, ow)


def test_formula_fills_in_the_numbers():
    latex = output_size_formula(PoolSettings(kernel=(3, 3), stride=2, padding=1, dilation=1), (7, 5))
    assert r"\frac{7 + 2 \cdot 1 - 1 \cdot (3 - 1) - 1}{2}" in latex
    assert r"\lfloor" in latex


def test_formula_explains_the_dropped_ceil_window():
    # Input 5, kernel 2, stride 2, pad 1, ceil: the 4th window would start in the right padding.
    latex = output_size_formula(PoolSettings(kernel=(2, 2), ceil_mode=True, padding=1), (5, 5))
    assert r"\lceil" in latex and "would start in the padding" in latex
    assert output_hw(PoolSettings(kernel=(2, 2), ceil_mode=True, padding=1), (5, 5)) == (3, 3)


def test_formula_for_same_padding():
    latex = output_size_formula(PoolSettings(kernel=(3, 3), stride=2, padding="same"), (7, 6))
    assert r"\left\lceil \frac{7}{2} \right\rceil = 4" in latex
    assert r"\left\lceil \frac{6}{2} \right\rceil = 3" in latex


# ------------------------------------------------------------- code lines


def test_torch_line_for_max_matches_the_issue():
    s = PoolSettings(kernel=(3, 2), stride=1, padding=1, dilation=2, ceil_mode=True)
    assert torch_line(s) == "nn.MaxPool2d(kernel_size=(3, 2), stride=1, padding=1, dilation=2, ceil_mode=True)"


@pytest.mark.parametrize(
    "settings, expected",
    [
        (PoolSettings(mode="avg", count_include_pad=False, divisor_override=3), "nn.AvgPool2d(kernel_size=2, stride=2, "
         "padding=0, ceil_mode=False, count_include_pad=False, divisor_override=3)"),
        (PoolSettings(mode="lp", p=3.0), "nn.LPPool2d(norm_type=3, kernel_size=2, stride=2, ceil_mode=False)"),
        (PoolSettings(mode="min"), "-nn.MaxPool2d("),
        (PoolSettings(mode="mixed", alpha=0.25), "0.25 * nn.MaxPool2d("),
        (PoolSettings(mode="stochastic"), "# PyTorch has no stochastic pooling layer"),
        (PoolSettings(mode="avg", dilation=2), "# PyTorch's AvgPool2d has no dilation"),
    ],
)
def test_torch_lines(settings, expected):
    assert expected in torch_line(settings)


def test_lp_code_lines_warn_where_float32_powers_overflow():
    # pool2d gives the true norm there; PyTorch and Keras in float32 give inf, and the copied code must say so.
    # An outside review: the old note fired only where one 255 overflowed (p >= 16) and said "from |x| = 256",
    # which read as if photos were safe; a window's sum overflows sooner, and sooner still for bigger windows.
    torch16 = torch_line(PoolSettings(mode="lp", p=16.0))
    assert "# in float32, a window of 4 cells at 255 sums |x| ** p to inf from p = 15.76 on" in torch16
    assert "use x.double()" in torch_line(PoolSettings(mode="lp", p=64.0, padding=1))
    keras64 = keras_line(PoolSettings(mode="lp", p=64.0))
    assert "a window of 4 cells at 255 sums |x| ** p to inf from p = 15.76 on: use float64" in keras64
    big = torch_line(PoolSettings(mode="lp", p=15.0, kernel=(32, 32)))
    assert "a window of 1024 cells at 255" in big
    for p in (2.0, 15.0, math.inf):
        assert "float32" not in torch_line(PoolSettings(mode="lp", p=p)) + keras_line(PoolSettings(mode="lp", p=p))
    # The boundary is the true one: float32 overflows just past it and not before.
    import numpy as np

    for p, overflows in ((15.7, False), (15.9, True)):
        with np.errstate(over="ignore"):
            total = (np.full(4, 255, np.float32) ** np.float32(p)).sum(dtype=np.float32)
        assert np.isinf(total) == overflows


def test_torch_line_spells_out_same_padding():
    code = torch_line(PoolSettings(kernel=(2, 2), stride=2, padding="same"), (5, 5))
    assert code.splitlines()[0].startswith("x = F.pad(x, (0, 1, 0, 1), value=float('-inf'))")
    assert code.splitlines()[-1].startswith("nn.MaxPool2d(kernel_size=2, stride=2, padding=0")


@pytest.mark.parametrize(
    "settings, expected",
    [
        (PoolSettings(), 'keras.layers.MaxPooling2D(pool_size=2, strides=2, padding="valid")'),
        (PoolSettings(mode="avg", padding="same"), 'keras.layers.AveragePooling2D(pool_size=2, strides=2, padding="same")'),
        (PoolSettings(padding=1), "keras.layers.ZeroPadding2D(padding=1)"),
        (PoolSettings(ceil_mode=True), "# Keras has no ceil_mode"),
        (PoolSettings(dilation=2), "# Keras pooling has no dilation"),
        (PoolSettings(mode="lp", p=math.inf), "keras.ops.abs(x)"),
        (PoolSettings(mode="stochastic"), "# Keras has no stochastic pooling layer"),
    ],
)
def test_keras_lines(settings, expected):
    assert expected in keras_line(settings)


@pytest.mark.parametrize("settings", EXAMPLES)
def test_code_lines_compile_as_python(settings):
    for code in (torch_line(settings, (6, 6)), keras_line(settings)):
        compile(code, "<code>", "exec")


# ------------------------------------------- the PyTorch lines compute what the app shows

RUNNABLE_LINES = [
    PoolSettings(mode="max", kernel=(3, 2), stride=1, padding=1, dilation=2, ceil_mode=True),
    PoolSettings(mode="min", kernel=(2, 2), stride=2, padding="same"),
    PoolSettings(mode="avg", kernel=(3, 3), stride=2, padding=1, ceil_mode=True),
    PoolSettings(mode="lp", kernel=(2, 2), stride=2, ceil_mode=True, p=2.0),
    PoolSettings(mode="lp", kernel=(3, 3), stride=2, padding=1, p=3.0),
    PoolSettings(mode="lp", kernel=(2, 2), stride=2, p=2.0),
    PoolSettings(mode="mixed", kernel=(2, 2), stride=1, padding="same", alpha=1.0),
    PoolSettings(mode="mixed", kernel=(3, 3), stride=2, padding=1, alpha=0.3),
]


@pytest.mark.parametrize("settings", RUNNABLE_LINES, ids=lambda s: f"{s.mode}-{s.padding}-{s.ceil_mode}")
def test_the_pytorch_line_computes_what_the_app_shows(settings):
    torch = pytest.importorskip("torch", reason="torch is optional; this runs the copied line when it is there")
    rng = np.random.default_rng(0)
    x_np = rng.normal(size=(1, 1, 7, 6))
    code = torch_line(settings, (7, 6))
    scope = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "x": torch.from_numpy(x_np)}
    *setup, last = code.split("\n")
    for line in setup:
        if not line.startswith("#"):
            exec(line, scope)
    y = eval(last.split("  #")[0], scope)
    y = y(scope["x"]) if isinstance(y, torch.nn.Module) else y
    expected = pooling.pool2d(x_np[0, 0], settings.mode, **pool_options(settings)).values
    if settings.padding == "same" and settings.mode == "mixed":
        # Keras's 'same' average divides by real cells only; the line says so in a comment.
        expected = pooling.pool2d(x_np[0, 0], "mixed", **pool_options(settings)).values  # alpha = 1: the max
    np.testing.assert_allclose(y.numpy()[0, 0], expected, rtol=1e-12, atol=1e-12)


def test_mixed_with_dilation_does_not_pretend_avgpool2d_dilates():
    code = torch_line(PoolSettings(mode="mixed", kernel=(2, 2), stride=1, dilation=2), (5, 5))
    assert "has no dilation" in code and "dilated_avg_pool2d(x)" in code


def test_code_line_comments_fire_only_where_they_hold():
    # An outside review found comments that did not hold for the settings they were printed under.
    same_override = keras_line(PoolSettings(mode="avg", padding="same", divisor_override=1))
    assert "with 'same' it divides edge windows by their real cells: pad with ZeroPadding2D, use 'valid'" in (
        same_override)
    assert "multiply by kh * kw / 1" in keras_line(PoolSettings(mode="avg", divisor_override=1))
    ceil = keras_line(PoolSettings(ceil_mode=True))
    assert "padding='same' keeps the partial windows" not in ceil and "neither matches it in general" in ceil
    assert "overcounts" not in keras_line(PoolSettings(mode="lp", p=math.inf, padding="same"))
    assert "overcounts" in keras_line(PoolSettings(mode="lp", p=2.0, padding="same"))
    for mode in ("lp", "stochastic", "max"):
        assert "real cells" not in torch_line(PoolSettings(mode=mode, padding="same"), (5, 5))
    assert "edge values come out smaller" in torch_line(PoolSettings(mode="avg", padding="same"), (5, 5))
