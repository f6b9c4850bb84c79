"""pooling.analysis.features: feature maps, sparsity, a lone peak through each pooling, argmax sources, the shift test."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pooling import pool2d
from pooling.analysis.features import (
    Persistence,
    detection_persistence,
    detection_sources,
    feature_maps,
    peak_survival,
    persistence_from_maps,
    persistence_from_responses,
    shifted_responses,
    sparsity,
    stage_maps,
    stage_responses,
    strip_shifts,
    strongest_kept,
    unbiased_pooling,
    unit_scale,
    with_bias,
)
from pooling.analysis.invariance import pooled_values
from pooling.conv import stage_weights
from poolinglab.filters import BANK


def test_feature_maps_are_relu_of_the_convolution_with_the_bias_as_threshold():
    x = np.zeros((1, 3, 6))
    x[0, :, 3:] = 1.0  # an edge, dark on the left
    w = stage_weights([BANK["sobel-v"].weights], 1)
    maps = feature_maps(x, w, [0.0])
    assert maps.shape == (1, 1, 4) and maps[0, 0].tolist() == [0.0, 1.0, 1.0, 0.0]  # a full step answers 1
    assert feature_maps(x * 0.5, w, [-0.6]).tolist() == [[[0.0] * 4]]  # weaker than the threshold: gone
    assert feature_maps(x[:, :, ::-1], w, [0.0]).max() == 0  # bright to dark: the ReLU drops it


def test_unit_scale_and_sparsity():
    assert unit_scale(np.full((1, 1, 1), 51, np.uint8)).tolist() == [[[0.2]]]
    assert unit_scale(np.array([[[3.0]]])).tolist() == [[[3.0]]]
    maps = np.array([[[0.0, 0.0], [0.0, 2.0]], [[1.0, 1.0], [1.0, 1.0]]])
    assert sparsity(maps).tolist() == [0.75, 0.0]


@pytest.mark.parametrize("mode, args, expected", [
    ("max", {"kernel_size": 2, "stride": 2}, 1.0),
    ("max", {"kernel_size": 5, "stride": 1, "dilation": 2}, 1.0),
    ("avg", {"kernel_size": 2, "stride": 2}, 1 / 4),
    ("avg", {"kernel_size": (3, 2), "stride": 1}, 1 / 6),
    ("avg", {"kernel_size": 3, "stride": 2, "divisor_override": 2}, 1 / 2),
    # Dense 2 x 2 maxima make a 2 x 2 block of ones; the 3 x 3 binomial blur keeps (4 + 2 + 2 + 1) / 16 of it.
    ("blurmax", {"kernel_size": 2, "stride": 2}, 9 / 16),
])
def test_a_lone_peak_through_each_pooling(mode, args, expected):
    assert peak_survival(mode, **args) == pytest.approx(expected)


def test_strongest_kept_on_a_map_and_on_an_empty_one():
    maps = np.zeros((2, 4, 4))
    maps[0, 1, 1] = 8.0
    kept_max = strongest_kept(maps, pool2d(maps, "max", 2).values)
    kept_avg = strongest_kept(maps, pool2d(maps, "avg", 2).values)
    assert kept_max[0] == 1.0 and kept_avg[0] == 0.25
    assert np.isnan(kept_max[1]) and np.isnan(kept_avg[1])


def test_detection_sources_are_the_argmax_cells_above_the_threshold():
    # Values that name their coordinates (10 * row + col): every argmax can be read by eye.
    maps = (10 * np.arange(4)[:, None] + np.arange(6))[None].astype(float)
    result = pool2d(maps, "max", 2)
    (rows, cols), = detection_sources(result, 20.0, offset=0)
    # Window maxima: 11, 13, 15, 31, 33, 35; those above 20 sit in row 3.
    assert rows.tolist() == [3, 3, 3] and cols.tolist() == [1, 3, 5]
    (rows, cols), = detection_sources(result, 20.0, offset=2)
    assert rows.tolist() == [5, 5, 5] and cols.tolist() == [3, 5, 7]
    overlapping = pool2d(np.pad(np.ones((1, 1, 1)), ((0, 0), (1, 1), (1, 1))), "max", 2, stride=1)
    (rows, cols), = detection_sources(overlapping, 0.5)
    assert rows.tolist() == [1] and cols.tolist() == [1]  # four windows pick one cell: one source
    with pytest.raises(ValueError, match="has no indices"):
        detection_sources(pool2d(maps, "avg", 2), 0.0)


def brute_persistence(x, weight, bias, threshold, max_shift, modes):
    """Cell by cell, shift by shift: a detection before stays on if the same cell is above the threshold after."""
    width = x.shape[-1] - max_shift
    outs = []
    for d in range(max_shift + 1):
        maps = feature_maps(x[..., d:d + width], weight, bias)
        outs.append({"raw": maps, **{m: pooled_values(maps, m, **a) for m, a in modes.items()}})
    kept = {}
    for mode in outs[0]:
        before = outs[0][mode]
        counts = np.zeros((max_shift, before.shape[0]), int)
        for d in range(1, max_shift + 1):
            for f, i, j in np.ndindex(*before.shape):
                if before[f, i, j] > threshold and outs[d][mode][f, i, j] > threshold:
                    counts[d - 1, f] += 1
        kept[mode] = (counts, int((before > threshold).sum()))
    return kept


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, (2, 9, 12), elements=st.floats(0, 1)), st.floats(0, 0.6), st.integers(1, 4))
def test_persistence_matches_a_brute_force_count(x, threshold, max_shift):
    w = stage_weights([BANK["sobel-v"].weights, BANK["laplacian"].weights], 2)
    modes = {"max": {"kernel_size": 2, "stride": 2}, "avg": {"kernel_size": 2, "stride": 2},
             "blurmax": {"kernel_size": 2, "stride": 2}}
    p = detection_persistence(x, w, [-0.05, 0.0], threshold=threshold, max_shift=max_shift, modes=modes)
    expected = brute_persistence(x, w, [-0.05, 0.0], threshold, max_shift, modes)
    assert p.shifts.tolist() == list(range(1, max_shift + 1))
    for mode, (counts, total) in expected.items():
        np.testing.assert_array_equal(p.kept[mode], counts)
        assert int(p.detections[mode].sum()) == total
        shares = p.shares(mode)
        assert np.isnan(shares).all() if total == 0 else np.allclose(shares, counts.sum(1) / total)


def test_a_sharp_line_stays_on_in_the_pooled_map_but_not_the_raw_one():
    x = np.zeros((1, 8, 16))
    x[0, :, 7] = 1.0  # map column 5: the right cell of pooled column 2
    w = stage_weights([BANK["gabor-90"].weights], 1)
    p = detection_persistence(x, w, [0.0], threshold=0.3, max_shift=4, modes={"max": {"kernel_size": 2, "stride": 2}})
    raw, pooled = p.shares("raw"), p.shares("max")
    assert raw.tolist() == [0.0] * 4  # one pixel off and the one-pixel line has left its cell
    assert pooled.tolist() == [1.0, 0.0, 0.0, 0.0]  # one pixel stays in the window; two leave it


def test_persistence_errors_and_no_detection():
    w = stage_weights([BANK["sobel-v"].weights], 1)
    with pytest.raises(ValueError, match=r"max_shift \(0\) must be an int from 1 to the photo's width - 1 \(9\)"):
        detection_persistence(np.zeros((1, 6, 10)), w, [0.0], threshold=0.1, max_shift=0, modes={})
    p = detection_persistence(np.zeros((1, 6, 10)), w, [0.0], threshold=0.1, max_shift=2, modes={})
    assert np.isnan(p.shares("raw")).all() and isinstance(p, Persistence)


@pytest.mark.parametrize("bias", [0.0, -0.05, -0.3])
def test_a_bias_added_to_the_responses_gives_the_feature_maps_bit_for_bit(bias):
    planes = np.random.default_rng(2).integers(0, 256, (3, 40, 50), dtype=np.uint8)
    kernels = [BANK[k].weights for k in list(BANK)[:3]]
    weight, responses = stage_responses(planes, kernels)
    _, maps = stage_maps(planes, kernels, bias)
    biases = np.full(len(kernels), bias)
    np.testing.assert_array_equal(with_bias(responses, biases), feature_maps(unit_scale(planes), weight, biases))
    np.testing.assert_array_equal(maps, feature_maps(unit_scale(planes), weight, biases))
    shifted = with_bias(shifted_responses(unit_scale(planes), weight, max_shift=3), biases)
    # The page slices the responses it already has: the same numbers, with no convolution again.
    np.testing.assert_array_equal(strip_shifts(responses, max_shift=3),
                                  shifted_responses(unit_scale(planes), weight, max_shift=3))
    with pytest.raises(ValueError, match="max_shift"):
        strip_shifts(responses, max_shift=responses.shape[-1])
    whole = feature_maps(unit_scale(planes), weight, biases)
    for d in range(4):
        # Columns d onward of the whole photo's maps, bit for bit; the maps of the photo cut at column d, to within
        # rounding (the matrix product may add in another order for another width).
        np.testing.assert_array_equal(shifted[d], whole[..., d:d + 45])
        np.testing.assert_allclose(shifted[d], feature_maps(unit_scale(planes)[..., d:d + 47], weight, biases),
                                   rtol=1e-12, atol=1e-15)


LAYERS = st.sampled_from([
    {"max": {"kernel_size": (3, 2), "stride": (2, 3), "padding": 0, "dilation": 1, "ceil_mode": False},
     "blurmax": {"kernel_size": (3, 2), "stride": (2, 3)}},
    {"max": {"kernel_size": 4}, "avg": {"kernel_size": 4}},
    {"max": {"kernel_size": 2, "stride": 2}, "avg": {"kernel_size": 2, "stride": 2},
     "blurmax": {"kernel_size": 2, "stride": 2}},
    {"max": {"kernel_size": (3, 2), "stride": (1, 2), "padding": 1, "dilation": 1, "ceil_mode": True},
     "blurmax": {"kernel_size": (3, 2), "stride": (2, 1), "blur_size": 4}},
    {"max": {"kernel_size": 2, "stride": 1, "dilation": 2}, "avg": {"kernel_size": 3, "stride": 2, "padding": 1},
     "blurmax": {"kernel_size": 1, "stride": 3, "blur_size": 1}},
    {},
])


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, (3, 2, 9, 11), elements=st.floats(-1, 1) | st.sampled_from([0.0, 0.5, np.nan])),
       st.lists(st.sampled_from([0.0, -0.05, -0.3, 0.5, -0.5, 1e-17]), min_size=2, max_size=2),
       st.sampled_from([0.0, 0.01, 0.2, 0.5, -0.1]), LAYERS)
def test_persistence_from_responses_is_persistence_from_maps_of_the_biased_maps(r, bias, threshold, modes):
    expected = persistence_from_maps(with_bias(r, bias), threshold=threshold, modes=modes)
    kept = {m: unbiased_pooling(r, m, **args) for m, args in list(modes.items())[:1]}  # one kept, the rest made
    for unbiased in (None, kept):
        p = persistence_from_responses(r, bias, threshold=threshold, modes=modes, unbiased=unbiased)
        assert p.shifts.tolist() == expected.shifts.tolist() and set(p.kept) == set(expected.kept)
        for mode in expected.kept:
            np.testing.assert_array_equal(p.kept[mode], expected.kept[mode])
            np.testing.assert_array_equal(p.detections[mode], expected.detections[mode])


def test_unbiased_pooling_then_the_bias_is_the_pooling_of_the_biased_maps():
    r = np.random.default_rng(3).normal(0, 0.3, (2, 3, 12, 10))
    bias = np.array([-0.1, 0.0, -0.25])
    maps = with_bias(r, bias)
    for args in ({"kernel_size": 2, "stride": 2}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
                 {"kernel_size": (3, 2), "stride": (1, 3), "padding": 0, "dilation": 1, "ceil_mode": False},
                 {"kernel_size": (2, 4)}, {"kernel_size": 2, "stride": 3, "dilation": (1, 2)},
                 {"kernel_size": 5, "stride": 4}):
        np.testing.assert_array_equal(with_bias(unbiased_pooling(r, "max", **args), bias),
                                      [[pool2d(m, "max", **args).values for m in shift] for shift in maps])
    from pooling.antialias import antialiased_max_pool2d

    dense = with_bias(unbiased_pooling(r, "blurmax", kernel_size=(2, 3), stride=2), bias)
    np.testing.assert_array_equal(dense, [[antialiased_max_pool2d(m, (2, 3), 2).maxima[0] for m in shift]
                                          for shift in maps])
    assert unbiased_pooling(r, "avg", kernel_size=2) is None
    with pytest.raises(ValueError):
        unbiased_pooling(r, "blurmax", kernel_size=13)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(3, 12), st.integers(3, 12)),
                  elements=st.floats(0, 1) | st.sampled_from([0.0, 0.5])),
       st.sampled_from([0.0, 0.3, 0.7]),
       st.sampled_from([{"kernel_size": 2}, {"kernel_size": (3, 2), "stride": (1, 2), "padding": 1},
                        {"kernel_size": 2, "stride": 1, "dilation": 2, "ceil_mode": True},
                        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}]),
       st.integers(0, 2))
def test_detection_sources_are_every_index_above_the_threshold(maps, threshold, args, offset):
    result = pool2d(maps, "max", **args)
    width = maps.shape[-1]
    for (rows, cols), values, indices in zip(detection_sources(result, threshold, offset=offset), result.values,
                                             result.indices):
        flat = np.unique(indices[values > threshold])
        assert rows.tolist() == (flat // width + offset).tolist() and cols.tolist() == (flat % width + offset).tolist()


# Layers for the shift test's strip: each mode's windows, with and without column padding, ceil_mode's short last
# window, dilation, "same" padding (TensorFlow's, per width), strides 1 to 3.
STRIP_LAYER = st.fixed_dictionaries({
    "kernel_size": st.tuples(st.integers(1, 3), st.integers(1, 4)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "padding": st.sampled_from([0, 0, 1, (0, 1), (1, 0), "same", "valid"]),
    "dilation": st.tuples(st.integers(1, 2), st.integers(1, 2)),
    "ceil_mode": st.booleans(),
})


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 2), st.integers(4, 9), st.integers(9, 16)),
                  elements=st.floats(-1, 1) | st.sampled_from([0.0, 0.25, -0.25, np.nan])),
       st.integers(1, 5), STRIP_LAYER, st.sampled_from(["avg", "min", "lp", "mixed"]),
       st.sampled_from([0.0, -0.1, 0.3]), st.sampled_from([0.0, 0.1, 0.4]), st.integers(1, 4))
def test_shifts_of_one_strip_pooled_once_per_phase_are_each_shift_pooled(strip, max_shift, layer, other, bias,
                                                                          threshold, blur_size):
    # The shift test's responses are columns d onward of one strip (shifted_responses): max, anti-aliased max's
    # dense maxima and the other poolings pool the strip once per phase of the stride and slice each shift from it.
    # Every number must be the one each shift pooled on its own gives.
    # Twice: as copies (compared to find that they are one strip's slices, NaN-free) and as strip_shifts' view of
    # the strip's memory (seen from the strides, NaN or not).
    width = strip.shape[-1] - max_shift
    copies = np.stack([strip[..., d:d + width] for d in range(max_shift + 1)])
    viewed = strip_shifts(strip, max_shift=max_shift)
    np.testing.assert_array_equal(viewed, copies)
    for shifts in (copies, viewed):
        _check_the_shift_test(strip, shifts, layer, other, bias, threshold, blur_size)


def _check_the_shift_test(strip, shifts, layer, other, bias, threshold, blur_size):
    biases = np.full(strip.shape[0], bias)
    if layer["padding"] == "same":
        layer = {**layer, "dilation": 1}  # PyTorch's rule for padding="same"
    try:
        plain = [pool2d(one, "max", **layer).values for one in shifts]
    except ValueError:  # this layer cannot pool a shift: the phased path must say so too
        with pytest.raises(ValueError):
            unbiased_pooling(shifts, "max", **layer)
        return
    np.testing.assert_array_equal(unbiased_pooling(shifts, "max", **layer), plain)
    dense = unbiased_pooling(shifts, "blurmax", kernel_size=layer["kernel_size"])
    from pooling.antialias import antialiased_max_pool2d

    # The dense maxima alone (no blur: blur_size=1 asks nothing of their size, as unbiased_pooling does not).
    np.testing.assert_array_equal(dense, [antialiased_max_pool2d(one, layer["kernel_size"], 1, blur_size=1).maxima
                                          for one in shifts])
    args = {**layer, **({"p": 3.0} if other == "lp" else {"alpha": 0.3} if other == "mixed" else {})}
    _check_persistence(shifts, biases, threshold, {"max": layer, other: args})
    # Anti-aliased max on its own part, as the page runs it: its blur down the rows is done once on the strip, each
    # shift's columns on their own.
    blurmax = {"kernel_size": layer["kernel_size"], "stride": layer["stride"], "blur_size": blur_size}
    _check_persistence(shifts, biases, threshold, {"blurmax": blurmax}, raw=False)


def _check_persistence(shifts, biases, threshold, modes, raw=True):
    """persistence_from_responses gives persistence_from_maps' counts, or refuses in the same words."""
    try:
        expected = persistence_from_maps(with_bias(shifts, biases), threshold=threshold, modes=modes)
    except ValueError as err:  # e.g. a blur too big for these maps
        with pytest.raises(ValueError, match=re.escape(str(err))):
            persistence_from_responses(shifts, biases, threshold=threshold, modes=modes, raw=raw)
        return
    got = persistence_from_responses(shifts, biases, threshold=threshold, modes=modes, raw=raw)
    assert set(got.kept) == set(expected.kept) - ({"raw"} if not raw else set())
    for mode in got.kept:
        np.testing.assert_array_equal(got.kept[mode], expected.kept[mode])
        np.testing.assert_array_equal(got.detections[mode], expected.detections[mode])


def test_the_shift_test_pools_a_strip_once_per_phase():
    # The path the test above checks is the one taken: at stride 2, two poolings of the strip, not five.
    from pooling.analysis import features

    strip = np.random.default_rng(0).normal(size=(2, 8, 20))
    shifts = np.stack([strip[..., d:d + 16] for d in range(5)])
    calls = []
    pooled = features._by_phase(shifts, lambda maps: calls.append(maps.shape) or maps[..., ::2],
                                features._phase_layout(8, 16, 20, kernel_size=2, stride=2))
    assert calls == [(2, 8, 20), (2, 8, 19)]
    # Each shift is a read-only view of the interleaved phases, not a copy: shifts 0 and 2 share 7 of 8 columns.
    np.testing.assert_array_equal(pooled, [strip[..., d:d + 16:2] for d in range(5)])
    assert not pooled.flags.writeable and np.shares_memory(pooled[0], pooled[2])
    dense = features._by_phase(shifts, lambda maps: maps, features._phase_layout(8, 16, 20, kernel_size=1, stride=1))
    np.testing.assert_array_equal(dense, shifts)
    assert not dense.flags.writeable and np.shares_memory(dense[0], dense[4])
    assert features._phase_layout(8, 16, 20, kernel_size=2, stride=2, padding=1) is None  # padded columns move
    assert features._phase_layout(8, 15, 19, kernel_size=2, stride=2, ceil_mode=True) is None  # a short last window
    assert not features._is_strip(np.random.default_rng(1).normal(size=(3, 2, 4, 6)))
    # strip_shifts' shifts are a view of the strip, seen as one from the strides; NaN does not stop it.
    strip[0, 3, 7] = np.nan
    viewed = strip_shifts(strip, max_shift=4)
    assert not viewed.flags.writeable and np.shares_memory(viewed, strip)
    assert features._is_strip(viewed) and not features._is_strip(np.stack(list(viewed)))
    np.testing.assert_array_equal(features._strip(viewed), strip)
    calls.clear()
    features._by_phase(viewed, lambda maps: calls.append(maps.shape) or maps[..., ::2],
                       features._phase_layout(8, 16, 20, kernel_size=2, stride=2))
    assert calls == [(2, 8, 20), (2, 8, 19)]
