"""Tests of ``pooling.stack_pool``: layers in turn, each final output traced to the input."""


import itertools

import numpy as np
import pytest
from helpers import coords, raises
from reference import reference_pool2d

import pooling
from pooling.analysis import stacking

MAX2 = {"mode": "max", "kernel_size": 2}


def brute_source(stack):
    """Follow each final output's index back through the layers, one cell at a time."""
    layers = stack.layers
    final = layers[-1].indices
    final = final[None] if final.ndim == 2 else final
    source = np.zeros(final.shape, np.int64)
    for c in range(final.shape[0]):
        for i in range(final.shape[1]):
            for j in range(final.shape[2]):
                index = final[c, i, j]
                for layer in reversed(layers[:-1]):
                    idx = layer.indices if layer.indices.ndim == 3 else layer.indices[None]
                    index = idx[c].flat[index]
                source[c, i, j] = index
    return source[0] if stack.layers[-1].values.ndim == 2 else source


def brute_spans(x, layers):
    """Input rows and cols each final output reaches, composed tap by tap with the reference geometry."""
    h, w = x.shape[-2:]
    rows = [{r} for r in range(h)]
    cols = [{c} for c in range(w)]
    current = x
    for layer in layers:
        options = {k: v for k, v in layer.items() if k not in ("mode", "kernel_size")}
        ref = reference_pool2d(current, "avg", layer["kernel_size"], **options)
        oh, ow, _ = ref.rows.shape
        rows = [set().union(*(rows[r] for r, inb in zip(ref.rows[i, 0], ref.in_bounds[i, 0]) if inb))
                for i in range(oh)]
        cols = [set().union(*(cols[c] for c, inb in zip(ref.cols[0, j], ref.in_bounds[0, j]) if inb))
                for j in range(ow)]
        current = np.zeros(ref.rows.shape[:2])
    return [[min(s), max(s)] for s in rows], [[min(s), max(s)] for s in cols]


def test_two_max_layers_by_hand():
    s = pooling.stack_pool(coords(8, 8), [MAX2, MAX2])
    assert s.values.tolist() == [[33, 37], [73, 77]]
    assert s.source.tolist() == [[27, 31], [59, 63]]  # (3, 3), (3, 7), (7, 3), (7, 7) on an 8-wide plane
    assert len(s.layers) == 2
    assert s.layers[0].values.shape == (4, 4)


def test_two_k2_s2_layers_see_4x4_blocks():
    s = pooling.stack_pool(coords(8, 8), [MAX2, MAX2])
    assert s.row_span.tolist() == [[0, 3], [4, 7]]
    assert s.col_span.tolist() == [[0, 3], [4, 7]]
    assert s.receptive_field(0, 1) == (0, 3, 4, 7)
    assert s.receptive_field(1, 0) == (4, 7, 0, 3)
    assert all(isinstance(v, int) for v in s.receptive_field(1, 1))


def test_source_is_the_original_cell_of_each_value():
    x = np.random.default_rng(0).permutation(81).reshape(9, 9)
    s = pooling.stack_pool(x, [{"mode": "max", "kernel_size": 3, "stride": 1}, MAX2])
    np.testing.assert_array_equal(x.flat[s.source], s.values)


@pytest.mark.parametrize(
    "layers",
    [
        [MAX2, MAX2],
        [{"mode": "max", "kernel_size": 3, "stride": 1, "padding": 1}, {"mode": "min", "kernel_size": 2}],
        [{"mode": "max", "kernel_size": 3, "stride": 2, "ceil_mode": True}, {"mode": "max", "kernel_size": 2,
                                                                             "stride": 1}, MAX2],
        [{"mode": "max", "kernel_size": (2, 3), "stride": (1, 2), "dilation": (2, 1)}, MAX2],
        [{"mode": "stochastic", "kernel_size": 2, "rng": 0}, {"mode": "max", "kernel_size": 3, "stride": 1}],
    ],
    ids=["max-max", "padded-max-min", "three-layers", "dilated", "stochastic-max"],
)
@pytest.mark.parametrize("channels", [None, 3])
def test_source_matches_the_brute_force_composition(layers, channels):
    rng = np.random.default_rng(1)
    shape = (13, 12) if channels is None else (channels, 13, 12)
    x = rng.integers(0, 6, size=shape).astype(np.float64)  # ties at every layer
    s = pooling.stack_pool(x, layers)
    assert s.source.shape == s.values.shape
    assert s.source.dtype == np.int64
    np.testing.assert_array_equal(s.source, brute_source(s))
    planes = x.reshape((-1,) + x.shape[-2:])
    source = s.source.reshape(planes.shape[0], -1)
    np.testing.assert_array_equal(np.take_along_axis(planes.reshape(planes.shape[0], -1), source, 1).ravel(),
                                  s.values.ravel())
    rows, cols = brute_spans(x, layers)
    assert s.row_span.tolist() == rows
    assert s.col_span.tolist() == cols


def test_each_source_lies_in_its_receptive_field():
    x = np.random.default_rng(2).random((2, 15, 14))
    s = pooling.stack_pool(x, [{"mode": "max", "kernel_size": 3, "stride": 2, "padding": 1}, MAX2])
    r, c = np.divmod(s.source, 14)
    for i in range(s.values.shape[1]):
        for j in range(s.values.shape[2]):
            r0, r1, c0, c1 = s.receptive_field(i, j)
            assert (r0 <= r[:, i, j]).all() and (r[:, i, j] <= r1).all()
            assert (c0 <= c[:, i, j]).all() and (c[:, i, j] <= c1).all()


def test_padding_is_clipped_from_the_spans():
    s = pooling.stack_pool(coords(6, 6), [{"mode": "max", "kernel_size": 3, "stride": 1, "padding": 1}, MAX2])
    assert s.row_span.tolist() == [[0, 2], [1, 4], [3, 5]]


def test_a_stack_with_an_average_has_no_source():
    s = pooling.stack_pool(coords(8, 8), [MAX2, {"mode": "avg", "kernel_size": 2}])
    assert s.source is None
    assert s.values.tolist() == [[(11 + 13 + 31 + 33) / 4, (15 + 17 + 35 + 37) / 4],
                                 [(51 + 53 + 71 + 73) / 4, (55 + 57 + 75 + 77) / 4]]
    assert s.row_span.tolist() == [[0, 3], [4, 7]]
    assert pooling.stack_pool(coords(8, 8), [{"mode": "lp", "kernel_size": 2}, MAX2]).source is None


def test_one_layer_is_that_layer():
    x = coords(6, 6)
    s = pooling.stack_pool(x, [{"mode": "max", "kernel_size": 3, "stride": 2}])
    r = pooling.pool2d(x, "max", 3, stride=2)
    np.testing.assert_array_equal(s.values, r.values)
    np.testing.assert_array_equal(s.source, r.indices)
    assert s.row_span.tolist() == [[0, 2], [2, 4]]


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize("layers", [[], ()])
def test_empty_layers(layers):
    with raises(ValueError, "layers is empty; give at least one layer, e.g. [{'mode': 'max', 'kernel_size': 2}]"):
        pooling.stack_pool(coords(4, 4), layers)


@pytest.mark.parametrize("layer", [5, "max", {"mode": "max"}, {"kernel_size": 2}])
def test_a_layer_that_is_not_a_full_dict(layer):
    with raises(ValueError, f"layers[1] ({layer!r}) must be a dict with at least 'mode' and 'kernel_size'"):
        pooling.stack_pool(coords(4, 4), [MAX2, layer])


def test_a_layer_that_does_not_fit_names_its_index():
    with raises(
        ValueError,
        "layers[2]: output height would be 0: input height 2 plus padding 0 is smaller than the dilated kernel 3",
    ):
        pooling.stack_pool(coords(8, 8), [MAX2, MAX2, {"mode": "max", "kernel_size": 3}])


def test_a_layer_with_a_bad_value_names_its_index():
    with raises(ValueError, "layers[0]: kernel_size (0) must be at least 1"):
        pooling.stack_pool(coords(8, 8), [{"mode": "max", "kernel_size": 0}])
    with raises(ValueError, "layers[1]: mode ('median') must be one of"):
        pooling.stack_pool(coords(8, 8), [MAX2, {"mode": "median", "kernel_size": 2}])


@pytest.mark.parametrize(
    ("layer", "text"),
    [
        ({"mode": "max", "kernel_size": 1.5}, "layers[1]: kernel_size (1.5) must be an int or a pair of ints"),
        ({"mode": "max", "kernel_size": 2, "p": 3}, "layers[1]: unexpected option 'p' for mode 'max'"),
    ],
)
def test_a_layer_with_a_bad_type_names_its_index(layer, text):
    with raises(TypeError, text):
        pooling.stack_pool(coords(8, 8), [MAX2, layer])


def test_bad_input():
    with raises(ValueError, "x must be (H, W) or (C, H, W), got 1-D shape (8,)"):
        pooling.stack_pool(np.arange(8), [MAX2])


# --- trace_to_source --------------------------------------------------------


def test_trace_by_hand():
    s = pooling.stack_pool(coords(8, 8), [MAX2, MAX2])
    path = stacking.trace_to_source(s, 1, 0)
    assert [(t.layer, t.row, t.col, t.value) for t in path] == [(0, 7, 3, 73), (1, 3, 1, 73), (2, 1, 0, 73)]
    assert all(isinstance(v, int) for t in path for v in (t.layer, t.row, t.col, t.value))


def test_trace_follows_each_layers_own_index_to_the_source():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, size=(3, 17, 15)).astype(np.uint8)  # ties everywhere
    layers = [{"mode": "max", "kernel_size": 3, "stride": 2, "padding": 1}, {"mode": "min", "kernel_size": 2},
              {"mode": "max", "kernel_size": 2, "stride": 1}]
    s = pooling.stack_pool(x, layers)
    for c in range(3):
        for i in range(s.values.shape[1]):
            for j in range(s.values.shape[2]):
                path = stacking.trace_to_source(s, i, j, channel=c)
                assert [t.layer for t in path] == [0, 1, 2, 3]
                assert path[0].row * 15 + path[0].col == s.source[c, i, j]
                assert {t.value for t in path} == {s.values[c, i, j]}
                for below, above in itertools.pairwise(path):
                    layer = s.layers[above.layer - 1]
                    width = layer.grid.input_shape[1]
                    assert layer.indices[c, above.row, above.col] == below.row * width + below.col


def test_trace_of_a_2d_input_and_one_layer():
    x = coords(5, 6)
    s = pooling.stack_pool(x, [{"mode": "min", "kernel_size": 2, "stride": 3}])
    assert [(t.layer, t.row, t.col, t.value) for t in stacking.trace_to_source(s, 1, 1)] == [
        (0, 3, 3, 33), (1, 1, 1, 33)]


def test_trace_errors():
    s = pooling.stack_pool(coords(8, 8), [MAX2, MAX2])
    with raises(ValueError, "row (2) must be from 0 to 1: the final output's row count has 2"):
        stacking.trace_to_source(s, 2, 0)
    with raises(ValueError, "col (-1) must be from 0 to 1"):
        stacking.trace_to_source(s, 0, -1)
    with raises(ValueError, "channel (1) must be from 0 to 0"):
        stacking.trace_to_source(s, 0, 0, channel=1)
    with raises(TypeError, "row (True) must be an int, not bool"):
        stacking.trace_to_source(s, True, 0)
    with raises(TypeError, "col (1.0) must be an int, not float"):
        stacking.trace_to_source(s, 0, 1.0)
    with raises(TypeError, "stack must be a StackResult (from stack_pool), not list"):
        stacking.trace_to_source([s], 0, 0)
    averaged = pooling.stack_pool(coords(8, 8), [MAX2, {"mode": "avg", "kernel_size": 2}])
    with raises(ValueError, "stack layer 1 ('avg') mixes its window, so no single input cell is the source"):
        stacking.trace_to_source(averaged, 0, 0)


# --- localisation -----------------------------------------------------------


def brute_error(stack, width):
    """Distance from each source to its field's centre, one output at a time, with receptive_field."""
    source = stack.source if stack.source.ndim == 3 else stack.source[None]
    out = np.zeros(source.shape)
    for c, i, j in np.ndindex(*source.shape):
        r0, r1, c0, c1 = stack.receptive_field(i, j)
        r, q = divmod(int(source[c, i, j]), width)
        out[c, i, j] = ((r - (r0 + r1) / 2) ** 2 + (q - (c0 + c1) / 2) ** 2) ** 0.5
    return out if stack.source.ndim == 3 else out[0]


def test_localisation_error_by_hand():
    # A rising ramp: every window's max is its bottom-right cell, half a field minus a half from the centre.
    s = pooling.stack_pool(coords(8, 8), [MAX2, MAX2, MAX2])
    np.testing.assert_allclose(stacking.localisation_error(s), [[3.5 * 2**0.5]])
    loc = stacking.localisation_by_depth(s)
    np.testing.assert_allclose(loc.mean_error, np.array([0.5, 1.5, 3.5]) * 2**0.5)
    np.testing.assert_allclose(loc.max_error, loc.mean_error)
    assert loc.grid_step.tolist() == [[2, 2], [4, 4], [8, 8]]
    assert loc.field_size.tolist() == [[2, 2], [4, 4], [8, 8]]
    assert loc.depth.tolist() == [1, 2, 3]


@pytest.mark.parametrize("channels", [None, 2])
def test_localisation_matches_brute_force_on_every_prefix(channels):
    rng = np.random.default_rng(4)
    x = rng.random((19, 16) if channels is None else (channels, 19, 16))
    layers = [{"mode": "max", "kernel_size": 3, "stride": 2, "padding": 1}, MAX2,
              {"mode": "min", "kernel_size": (2, 3), "stride": (1, 2)}]
    full = pooling.stack_pool(x, layers)
    np.testing.assert_allclose(stacking.localisation_error(full), brute_error(full, 16))
    loc = stacking.localisation_by_depth(full)
    for d in range(1, 4):
        prefix = brute_error(pooling.stack_pool(x, layers[:d]), 16)
        assert loc.mean_error[d - 1] == pytest.approx(prefix.mean())
        assert loc.max_error[d - 1] == pytest.approx(prefix.max())
    assert loc.grid_step.tolist() == [[2, 2], [4, 4], [4, 8]]


def test_localisation_by_stride_goes_as_deep_as_fits():
    x = coords(20, 30)
    curves = stacking.localisation_by_stride(x, [2, 3, 25], max_depth=5)
    assert {s: c.depth.tolist() for s, c in curves.items()} == {2: [1, 2, 3, 4], 3: [1, 2]}
    ref = stacking.localisation_by_depth(pooling.stack_pool(x, [{"mode": "max", "kernel_size": 3}] * 2))
    np.testing.assert_array_equal(curves[3].mean_error, ref.mean_error)
    assert stacking.localisation_by_stride(x, [2], max_depth=2)[2].depth.tolist() == [1, 2]


def test_more_rounds_and_larger_strides_guess_worse_on_a_photo_like_plane():
    x = np.random.default_rng(5).integers(0, 256, size=(64, 64), dtype=np.uint8)
    curves = stacking.localisation_by_stride(x, [2, 4])
    assert np.all(np.diff(curves[2].mean_error) > 0)
    assert np.all(curves[4].mean_error[:2] > curves[2].mean_error[:2])


def test_localisation_errors():
    averaged = pooling.stack_pool(coords(8, 8), [{"mode": "avg", "kernel_size": 2}])
    with raises(ValueError, "stack layer 0 ('avg') mixes its window"):
        stacking.localisation_error(averaged)
    with raises(ValueError, "stack layer 0 ('avg') mixes its window"):
        stacking.localisation_by_depth(averaged)
    with raises(ValueError, "mode ('avg') must be 'max' or 'min': only they copy one input cell"):
        stacking.localisation_by_stride(coords(8, 8), [2], mode="avg")
    with raises(ValueError, "strides ([2, 0]) must hold ints of at least 1, not 0"):
        stacking.localisation_by_stride(coords(8, 8), [2, 0])
    with raises(ValueError, "max_depth (0) must be an int of at least 1"):
        stacking.localisation_by_stride(coords(8, 8), [2], max_depth=0)


def test_localisation_trend():
    curves = stacking.localisation_by_stride(coords(16, 16), [2, 4])  # a ramp: errors (k - 1) / sqrt(2)
    assert stacking.localisation_trend(curves) == (True, True)
    flat = stacking.localisation_by_stride(coords(16, 16), [1], max_depth=3)  # 1 x 1 windows never move
    np.testing.assert_array_equal(flat[1].mean_error, [0, 0, 0])
    assert stacking.localisation_trend(flat) == (False, None)
    assert stacking.localisation_trend({1: flat[1], 2: curves[2]}) == (False, True)
    assert stacking.localisation_trend({2: flat[1], 1: curves[2]}) == (False, False)


def test_localisation_trend_draws_no_verdict_from_no_data():
    assert stacking.localisation_trend({}) == (None, None)
    one_round = stacking.localisation_by_stride(coords(16, 16), [8, 16])  # 16 // 8 = 2 cells: no second round
    assert [c.depth.tolist() for c in one_round.values()] == [[1], [1]]
    assert stacking.localisation_trend(one_round) == (None, True)
    assert stacking.localisation_trend({8: one_round[8]}) == (None, None)
    two = stacking.localisation_by_stride(coords(16, 16), [2])
    assert stacking.localisation_trend(two) == (True, None)
    # Strides without a second round add nothing to the depth verdict.
    assert stacking.localisation_trend({2: two[2], 16: one_round[16]})[0] is True


def test_tied_sources_are_left_out_of_the_localisation_error():
    # An outside review: in a flat receptive field the "pixel it copies" is the tie rule's first cell, so the
    # error measured the tie rule (4.95 px on every constant 8 x 8 field) and not lost position.
    from poolinglab.intake.samples import checkerboard, text
    
    board = checkerboard()[..., 0].astype(np.float64)
    loc = stacking.localisation_by_depth(stacking.stack_pool(board, [{"mode": "max", "kernel_size": 2}] * 3))
    assert (loc.tied == 1).all() and np.isnan(loc.mean_error).all()
    letters = text()[..., 0].astype(np.float64)  # 4 px blocks: every field holds its value more than once
    loc = stacking.localisation_by_depth(stacking.stack_pool(letters, [{"mode": "max", "kernel_size": 2}] * 3))
    assert (loc.tied == 1).all()
    noisy = np.random.default_rng(0).integers(0, 200, size=(64, 64)).astype(np.float64)  # some ties, not all
    loc = stacking.localisation_by_depth(stacking.stack_pool(noisy, [{"mode": "max", "kernel_size": 2}] * 3))
    assert 0 < loc.tied[-1] < 1 and np.isfinite(loc.mean_error).all()
    x = np.arange(64.0).reshape(8, 8)  # every value once: nothing tied
    s = stacking.stack_pool(x, [{"mode": "max", "kernel_size": 2}] * 2)
    assert not stacking.tied_sources(x[None], s.values[None], s.row_span, s.col_span).any()
    assert stacking.localisation_by_depth(s).tied.tolist() == [0.0, 0.0]


def test_tied_sources_by_brute_force_with_uneven_fields():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(2, 9, 10)).astype(np.float64)
    s = stacking.stack_pool(x, [{"mode": "max", "kernel_size": 3, "stride": 2}, {"mode": "max", "kernel_size": 2}])
    got = stacking.tied_sources(x, s.values, s.row_span, s.col_span)
    for c in range(2):
        for i, (r0, r1) in enumerate(s.row_span):
            for j, (c0, c1) in enumerate(s.col_span):
                assert got[c, i, j] == ((x[c, r0:r1 + 1, c0:c1 + 1] == s.values[c, i, j]).sum() > 1)


def test_the_trend_reads_each_curve_up_to_its_first_fully_tied_depth():
    from pooling.analysis.stacking import DepthLocalisation

    def curve(errors):
        n = len(errors)
        return DepthLocalisation(np.array(errors, float), np.array(errors, float), np.ones((n, 2)),
                                 np.ones((n, 2), np.int64), np.zeros(n))

    # Stride 3 is all tied at its last depth: its first three depths still count, against stride 2's.
    curves = {2: curve([0.7, 2.0, 4.0, 7.0]), 3: curve([1.2, 4.0, 12.0, np.nan])}
    assert stacking.localisation_trend(curves) == (True, True)
    assert stacking.localisation_trend({2: curve([np.nan, np.nan])}) == (None, None)


def brute_tied(x, values, row_span, col_span):
    """Whether each output's value occurs more than once in its receptive field, counted cell by cell."""
    tied = np.zeros(values.shape, bool)
    for c in range(values.shape[0]):
        for i, (r0, r1) in enumerate(row_span):
            for j, (c0, c1) in enumerate(col_span):
                tied[c, i, j] = (x[c, r0:r1 + 1, c0:c1 + 1] == values[c, i, j]).sum() > 1
    return tied


@pytest.mark.parametrize(("mode", "layers", "levels"), [
    ("max", [(2, 2)], 5),  # small fields: every field cell against every output
    ("max", [(7, 2)], 4),  # big fields: two passes for the maximum and its count
    ("min", [(6, 1)], 3),  # the minimum and its count
    ("max", [(5, 1)], 200),  # many values, few ties
    ("min", [(2, 1), (3, 2)], 256),  # two layers
    ("max", [(2, 3), (2, 3)], 3),  # stride above the kernel: cells no window reads lie inside the field
])
def test_tied_sources_by_brute_force_on_many_outputs(mode, layers, levels):
    # Enough outputs (1024 and more) that tied_sources takes its faster ways.
    rng = np.random.default_rng(len(layers) + levels)
    x = rng.integers(0, levels, size=(2, 130, 136) if layers[0][1] < 3 else (1, 400, 410)).astype(np.uint8)
    s = stacking.stack_pool(x, [{"mode": mode, "kernel_size": k, "stride": st} for k, st in layers])
    got = stacking.tied_sources(x, s.values, s.row_span, s.col_span)
    np.testing.assert_array_equal(got, brute_tied(x, s.values, s.row_span, s.col_span))
    np.testing.assert_array_equal(stacking.tied_sources(x.astype(np.float64), s.values.astype(np.float64), s.row_span,
                                                        s.col_span), got)


def test_tied_sources_of_values_that_are_neither_the_largest_nor_the_smallest():
    x = np.random.default_rng(3).integers(0, 6, size=(1, 130, 136)).astype(np.uint8)
    s = stacking.stack_pool(x, [{"mode": "max", "kernel_size": 8, "stride": 2}])
    corner = x[:, s.row_span[:, 0][:, None], s.col_span[:, 0][None, :]]  # each field's top-left cell
    got = stacking.tied_sources(x, corner, s.row_span, s.col_span)
    np.testing.assert_array_equal(got, brute_tied(x, corner, s.row_span, s.col_span))
