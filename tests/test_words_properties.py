"""Every sentence a page builds from numbers is a sentence: never an exception, never nan or inf in the text.

The settings are drawn within the sidebar's limits (``poolinglab.settings.LIMITS``)
and the inputs are what the sidebar can hand a page: photos (uint8, one or
three planes) and typed numbers (float64 within ±1e30, subnormals included),
with ties, flat regions, negatives and padding. Each word function is fed the
core's own outputs for them, as the page feeds it.
"""

import math
from dataclasses import replace

import numpy as np
import pytest
from helpers import NOT_A_NUMBER, hypothesis_settings
from hypothesis import HealthCheck, assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling
from figures import loss as loss_figures
from figures.backward import cell_labels
from figures.gallery import p_label
from pooling.analysis import compare, stacking
from pooling.analysis.invariance import aligned_shift_invariance, compare_shift
from pooling.analysis.lp import LP_STEPS
from pooling.analysis.noise import add_noise, compare_noise, pool_noisy
from pooling.backward import gradient_sources, pool_backward, upstream_gradient
from poolinglab import layer_code
from poolinglab.formulas import formula
from poolinglab.intake.grid_text import MAX_ABS_VALUE
from poolinglab.settings import LIMITS, MODES, PoolSettings, output_hw, pool_options, psnr_options, validate
from poolinglab.words import compare as compare_words
from poolinglab.words import loss as loss_words
from poolinglab.words import stack as stack_words
from poolinglab.words.compare import max_against_average
from poolinglab.words.shift import blur_against_max, nothing_to_compare, percent, shift_verdict
from poolinglab.words.stack import curve_words

SETTINGS = hypothesis_settings(80, HealthCheck.filter_too_much)


def sentence(text):
    """``text`` is a non-empty str that shows no nan or inf; returned for more checks."""
    assert isinstance(text, str) and text.strip(), text
    assert not NOT_A_NUMBER.search(text), text
    return text


# ------------------------------------------------------------------ strategies


def typed_grids(max_side=7):
    """What the Numbers box accepts: finite floats within ±1e30, subnormals too; or small whole numbers, with ties."""
    shape = st.tuples(st.just(1), st.integers(1, max_side), st.integers(1, max_side))
    wide = st.floats(-MAX_ABS_VALUE, MAX_ABS_VALUE, allow_nan=False, allow_infinity=False)
    small = st.integers(-9, 9).map(float)  # ties and flat regions
    tiny = st.sampled_from([0.0, 5e-324, -5e-324, 1e-310, 1e-300, 1e-30])
    big = st.sampled_from([1e5, -1e5, 1e15, 1e30, -1e30])
    return shape.flatmap(lambda s: hnp.arrays(np.float64, s, elements=st.one_of(small, wide, tiny, big)))


def photos(max_side=7):
    """What a sample or an upload becomes: uint8 planes, one or three, flat regions and ties likely."""
    shape = st.tuples(st.sampled_from([1, 3]), st.integers(1, max_side), st.integers(1, max_side))
    return shape.flatmap(lambda s: hnp.arrays(np.uint8, s, elements=st.one_of(
        st.sampled_from([0, 1, 128, 254, 255]), st.integers(0, 255))))


def inputs(max_side=7):
    return st.one_of(photos(max_side), typed_grids(max_side))


def p_values():
    lo, hi = LIMITS["p"]
    return st.one_of(st.sampled_from([lo, 1.0, 2.0, 3.0, 16.0, hi, math.inf]), st.floats(lo, hi))


@st.composite
def layers(draw, modes=MODES, small=True):
    """A PoolSettings the sidebar can make; ``small`` keeps the window to what a 7 x 7 input can hold."""
    top = 4 if small else LIMITS["kernel"][1]
    kernel = (draw(st.integers(1, top)), draw(st.integers(1, top)))
    padding = draw(st.one_of(st.sampled_from(["valid", "same"]),
                             st.integers(0, min(kernel) // 2 if small else LIMITS["padding"][1])))
    return PoolSettings(
        mode=draw(st.sampled_from(modes)),
        kernel=kernel,
        stride=draw(st.integers(1, 4 if small else LIMITS["stride"][1])),
        padding=padding,
        dilation=draw(st.integers(1, 2 if small else LIMITS["dilation"][1])),
        ceil_mode=draw(st.booleans()),
        count_include_pad=draw(st.booleans()),
        divisor_override=draw(st.sampled_from([0, 1, 3, LIMITS["divisor_override"][1]])),
        p=draw(p_values()),
        train=draw(st.booleans()),
        seed=draw(st.integers(*LIMITS["seed"])),
        alpha=draw(st.floats(*LIMITS["alpha"])),
    )


def pooled(x, layer, mode=None):
    """The core's result for the sidebar's layer, or None (assumed away) when the layer cannot pool ``x``."""
    assume(not validate(layer, x.shape[1:]))
    try:
        return pooling.pool2d(x, mode or layer.mode, **pool_options(layer, mode=mode))
    except ValueError:  # stochastic pooling of negative numbers: the pages say so in words
        assume(False)


# ------------------------------------------------------------ the sidebar's layer


@SETTINGS
@given(layer=layers(small=False), hw=st.tuples(st.integers(1, 4096), st.integers(1, 4096)))
def test_the_formula_and_code_lines_are_text_for_any_layer_the_sidebar_makes(layer, hw):
    # The Window Sweep draws them even when the layer cannot pool the grid.
    for problem in validate(layer, hw):
        sentence(problem)
    sentence(layer_code.output_size_formula(layer, hw))
    for line in (layer_code.torch_line(layer, hw), layer_code.keras_line(layer)):
        assert isinstance(line, str) and "nan" not in line.lower()


@SETTINGS
@given(layer=layers())
def test_each_modes_options_read_as_words(layer):
    for mode in MODES:
        words = compare_words.describe_options(mode, pool_options(layer, mode=mode))
        assert words == "" or sentence(words)


def test_every_formula_card_is_words():
    for name in ("max", "min", "avg", "lp", "stochastic-train", "stochastic-test", "fractional", "global-max",
                 "global-avg", "mixed", "blurmax"):
        f = formula(name)
        sentence(f.title), sentence(f.sentence), sentence(f.latex)
    for p in LP_STEPS:
        sentence(p_label(p))


# ------------------------------------------------------------- Window Sweep


@SETTINGS
@given(x=inputs(), layer=layers())
def test_every_sweep_step_is_a_sentence(x, layer):
    result = pooled(x, layer)
    sweep = pooling.sweep_steps(result)
    for line in sweep.descriptions():
        sentence(line)


# ----------------------------------------------------------- Max vs Average


@SETTINGS
@given(x=inputs(), layer=layers(), data=st.data())
def test_max_vs_average_words_come_from_the_numbers(x, layer, data):
    first, second = data.draw(st.sampled_from(MODES)), data.draw(st.sampled_from(MODES))
    a, b = pooled(x, layer, first), pooled(x, layer, second)
    diff, mean_abs = compare.mode_difference(a.values, b.values)
    sentence(compare_words.difference_words(first, second, diff, mean_abs))
    sentence(compare_words.input_words(x))
    table = compare_words.cost_table({first: compare.pool_cost(a), second: compare.pool_cost(b)})
    sentence(str(table))
    top = pooled(x, layer, "max")
    if x.shape[0] == 3:
        sentence(compare_words.fringe_words(compare.new_colours(x, top), compare.channel_disagreement(top.indices)))
        sentence(max_against_average(top.values, pooled(x, layer, "avg").values, padding_counted=True,
                                     divisor_override=data.draw(st.sampled_from([None, 1, 3]))))
    rows, cols = top.grid.shape
    limit = compare.zoom_limit(top.grid)
    start = compare.zoom_start((rows, cols), limit, x.shape[0])
    zoom = compare.zoom_region(top, top=start["top"], left=start["left"], height=start["rows"], width=start["cols"])
    focus = (data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1)))
    words = compare_words.focus_words(zoom, focus)
    assert words is None or sentence(words)


# ------------------------------------------------------------ Information loss


@SETTINGS
@given(x=inputs(), layer=layers())
def test_information_loss_words_come_from_the_numbers(x, layer):
    views = {mode: loss_figures.loss_view(pooled(x, layer, mode)) for mode in dict.fromkeys((layer.mode, "max", "avg"))}
    view = views[layer.mode]
    sentence(loss_words.survival_words(view["picks"]))
    for share in (1 - view["kept"], view["kept"], view["reused"]):
        sentence(f"{share:.1%}")
    for mode in ("max", "avg"):
        sentence(loss_words.psnr_text(views[mode]["mse"], views[mode]["psnr"]))
    sentence(loss_words.closer_words(views["max"]["psnr"], views["avg"]["psnr"]))


@SETTINGS
@given(x=inputs(), modes=st.lists(st.sampled_from(["max", "min", "avg", "lp", "stochastic", "mixed"]), min_size=1,
                                  unique=True), p=p_values())
def test_the_psnr_chart_says_what_it_drew(x, modes, p):
    from pooling.analysis.loss import psnr_by_kernel

    kernels = tuple(range(2, min(8, *x.shape[1:]) + 1))
    assume(kernels)
    sentence(loss_words.psnr_caption(kernels))
    for mode in modes:
        options = dict(psnr_options(mode, {"p": p, "alpha": 0.5}))
        try:
            curve = psnr_by_kernel(x, modes=(mode,), kernels=kernels, options={mode: options})[mode]
        except ValueError:
            continue
        assert not np.isnan(curve).any(), curve  # +inf is exact, and the chart says so


# ------------------------------------------------------------ Stacked pooling


@SETTINGS
@given(x=inputs(max_side=12), mode=st.sampled_from(["max", "min"]),
       rounds=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=5),
       strides=st.lists(st.sampled_from([2, 3, 4, 5, 6, 8]), unique=True), data=st.data())
def test_stacked_pooling_words_come_from_the_numbers(x, mode, rounds, strides, data):
    plane = x[0]
    layers_ = [{"mode": mode, "kernel_size": k, "stride": s} for k, s in rounds]
    misfit = stack_words.describe_misfit(rounds, plane.shape)
    if misfit is not None:
        sentence(misfit)
        return
    stack = stacking.stack_pool(plane, layers_)
    errors = stacking.localisation_error(stack)
    rows, cols = stack.values.shape
    row, col = data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1))
    path = stacking.trace_to_source(stack, row, col)
    for line in stack_words.describe_source(path, stack.receptive_field(row, col), errors[row, col], plane="grey"):
        sentence(line)
    sentence(str(stack_words.path_table(path)))
    curves = stacking.localisation_by_stride(plane, sorted(strides), mode=mode)
    for s, c in curves.items():
        sentence(curve_words(f"Stride {s}", c))
    sentence(stack_words.describe_trend(*stacking.localisation_trend(curves)))


# ------------------------------------------------------------ Shift invariance


@SETTINGS
@given(x=inputs(max_side=9), layer=layers(), shift=st.tuples(st.integers(0, 8), st.integers(0, 8)))
def test_shift_numbers_and_words_come_from_the_numbers(x, layer, shift):
    assume(not validate(layer, x.shape[1:]))
    s = layer.stride
    dy, dx = (min(v, 2 * s, n - 1) for v, n in zip(shift, x.shape[1:]))
    args = pool_options(layer)
    try:
        rep = compare_shift(x, (dy, dx), layer.mode, **args)
        limit = min(2 * s, x.shape[2] - 1)
        sweep = {m: aligned_shift_invariance(x, [(dy, d) for d in range(limit + 1)], m, **a)
                 for m, a in ((layer.mode, args), ("max", pool_options(layer, mode="max")),
                              ("blurmax", {"kernel_size": layer.kernel, "stride": s}))}
    except ValueError:
        assume(False)
    count = int(rep.compared.sum()) * rep.before.shape[0]
    if count:
        # What the page prints under each row.
        sentence(f"{percent(rep.unchanged):.1f}% of {count:,} compared output values unchanged; "
                 f"mean |change| {rep.mean_abs_change:.3g}")
    dxs = sweep["max"].shifts[:, 1]
    verdict = shift_verdict(dxs, {m: r.unchanged for m, r in sweep.items()}, s, dy,
                            fresh=[layer.mode] if layer.mode == "stochastic" and layer.train else [])
    sentence(verdict if verdict is not None else nothing_to_compare(x.shape[1:], dy))
    between = dxs % s != 0
    if between.any():
        words = blur_against_max(sweep["blurmax"].mean_abs_change[between], sweep["max"].mean_abs_change[between])
        assert words is None or sentence(words)


# ---------------------------------------------------------------------- Noise


@SETTINGS
@given(x=inputs(), layer=layers(), kind=st.sampled_from(["gaussian", "salt-and-pepper", "salt", "pepper"]),
       level=st.sampled_from([0.0, 0.01, 0.05, 0.5]), seed=st.integers(0, 3))
def test_noise_numbers_are_numbers(x, layer, kind, level, seed):
    assume(not validate(layer, x.shape[1:]))
    noisy = add_noise(x, level, kind, rng=seed, clip=True)
    try:
        r = pool_noisy(x, noisy, layer.mode, **pool_options(layer))
    except ValueError:
        assume(False)
    # What the page prints for each mode.
    sentence(f"the output moved {100 * r.output_change:.2f}% of its own range on average, the input's "
             f"{100 * r.input_change:.2f}%; {100 * r.changed_fraction:.1f}% of output values changed.")
    chart = {m: (m, pool_options(replace(layer, train=False), mode=m)) for m in ("max", "avg", "lp", "stochastic")}
    if x.min() < 0:
        chart.pop("stochastic")
    for name, rep in compare_noise(x, [0.0, level], chart, kind=kind, rng=seed, clip=True).items():
        sentence(f"{name} {100 * rep.output_change[-1]:.2f}% against {100 * rep.input_change[-1]:.2f}%")


# --------------------------------------------------------------- Backward pass


@SETTINGS
@given(x=inputs(), layer=layers(), kind=st.sampled_from(["ones", "random"]))
def test_backward_numbers_and_cell_labels_are_numbers(x, layer, kind):
    grid = x[0].astype(np.float64)  # the page pools one plane, in float64
    assume(not validate(layer, grid.shape))
    grad = upstream_gradient(output_hw(layer, grid.shape), kind, rng=0)
    for mode in dict.fromkeys(("max", "avg", "stochastic", layer.mode)):
        try:
            result = pooling.pool2d(grid, mode, **pool_options(layer, mode=mode))
        except ValueError:
            continue
        g = pool_backward(result, grad)
        sentence(f"{int(np.count_nonzero(g))} of {grid.size} input cells get a gradient; it sums to {g.sum():.4g}")
        for labels in (cell_labels(g), cell_labels(grid)):
            sentence(" ".join(labels.ravel()))
        sentence(str(gradient_sources(result).sum()))


@pytest.mark.parametrize("mode, options", [("lp", {"p": 0.5}), ("lp", {"p": 64.0}), ("stochastic", {"train": False})])
def test_backward_gradients_stay_numbers_on_tiny_and_large_cells(mode, options):
    for grid in (np.array([[1e-320, 0.0], [5e-324, 1e-310]]), np.array([[1e5, 2e5], [3.0, 0.0]]),
                 np.array([[1e30, 1e30], [1e30, 0.0]])):
        g = pool_backward(pooling.pool2d(grid, mode, 2, **options))
        assert np.isfinite(g).all(), (mode, options, grid, g)
