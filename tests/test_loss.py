"""Tests of ``pooling.reconstruct``, ``survival_map`` and ``information_loss``.

Window geometry for the brute forces comes from ``tests/reference.py``,
which shares no code with ``pooling/``.
"""

import math
from unittest import mock

import numpy as np
import pytest
from helpers import coords, hypothesis_settings
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reference import reference_pool2d

import pooling
from pooling.analysis import loss as loss_module
from pooling.unpool import scatter_add

SETTINGS = hypothesis_settings(50)


def covering_windows(x, kernel_size, **geometry):
    """For each input cell, the output cells whose windows hold it in bounds (reference geometry)."""
    ref = reference_pool2d(x, "avg", kernel_size, **geometry)
    h, w = x.shape[-2:]
    cover = {(r, c): [] for r in range(h) for c in range(w)}
    oh, ow, _ = ref.rows.shape
    for i in range(oh):
        for j in range(ow):
            for r, c, inb in zip(ref.rows[i, j], ref.cols[i, j], ref.in_bounds[i, j]):
                if inb:
                    cover[int(r), int(c)].append((i, j))
    return cover


@st.composite
def geometries(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return {
        "kernel_size": (kh, kw),
        "stride": (draw(st.integers(1, 4)), draw(st.integers(1, 4))),
        "padding": (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))),
        "ceil_mode": draw(st.booleans()),
    }


def planes(min_side=3):
    shape = st.tuples(st.integers(1, 2), st.integers(min_side, 8), st.integers(min_side, 8))
    return hnp.arrays(np.float64, shape, elements=st.integers(-20, 20).map(float))


# --- reconstruct --------------------------------------------------------------


def test_reconstruct_selecting_is_the_unpooling():
    r = pooling.pool2d(coords(4, 4, np.float64), "max", 2)
    expected = [[0, 0, 0, 0], [0, 11, 0, 13], [0, 0, 0, 0], [0, 31, 0, 33]]
    assert pooling.reconstruct(r).tolist() == expected
    assert pooling.reconstruct(r).dtype == np.float64
    np.testing.assert_array_equal(pooling.reconstruct(r), pooling.max_unpool2d(r.values, r.indices, (4, 4)))


def test_reconstruct_average_fills_each_window():
    x = np.array([[5.0, 6.0, 0.0, 2.0], [7.0, 9.0, 2.0, 0.0]])
    r = pooling.pool2d(x, "avg", 2)
    assert pooling.reconstruct(r).tolist() == [[6.75, 6.75, 1.0, 1.0], [6.75, 6.75, 1.0, 1.0]]


def test_reconstruct_overlapping_average_by_hand():
    # Outputs of 2x2 windows at stride 1 on 10 i + j (3x3): 5.5, 6.5 / 15.5, 16.5.
    r = pooling.pool2d(coords(3, 3, np.float64), "avg", 2, stride=1)
    assert r.values.tolist() == [[5.5, 6.5], [15.5, 16.5]]
    # Corners see one window, edges two, the centre all four.
    assert pooling.reconstruct(r).tolist() == [[5.5, 6.0, 6.5], [10.5, 11.0, 11.5], [15.5, 16.0, 16.5]]


def test_reconstruct_leaves_uncovered_cells_at_zero():
    r = pooling.pool2d(coords(5, 5, np.float64) + 1, "avg", 2, stride=3)
    recon = pooling.reconstruct(r)
    assert (recon[2, :] == 0).all() and (recon[:, 2] == 0).all()
    assert recon[0, 0] == r.values[0, 0] and recon[4, 4] == r.values[1, 1]


@SETTINGS
@given(planes(), geometries())
def test_reconstruct_average_is_the_mean_of_covering_outputs(x, geometry):
    r = pooling.pool2d(x, "avg", **geometry)
    recon = pooling.reconstruct(r)
    cover = covering_windows(x, **geometry)
    expected = np.zeros(x.shape)
    for (row, col), outs in cover.items():
        if outs:
            expected[:, row, col] = [np.mean([r.values[c, i, j] for i, j in outs]) for c in range(x.shape[0])]
    np.testing.assert_allclose(recon, expected, rtol=1e-12, atol=1e-12)


def test_reconstruct_adaptive_and_fractional():
    x = coords(5, 5, np.float64)
    adaptive = pooling.adaptive_pool2d(x, "avg", 2)  # windows 0..2 and 2..4 share row/col 2
    recon = pooling.reconstruct(adaptive)
    v = adaptive.values
    assert recon[0, 0] == v[0, 0]
    assert recon[2, 2] == pytest.approx(v.mean())
    frac = pooling.fractional_max_pool2d(np.stack([x, -x]), 2, output_size=3, samples=[[0.3, 0.7], [0.1, 0.9]])
    recon = pooling.reconstruct(frac)
    for c in range(2):
        np.testing.assert_array_equal(recon[c].flat[frac.indices[c]], frac.values[c])
        assert np.count_nonzero(recon[c]) == np.unique(frac.indices[c][frac.values[c] != 0]).size


# --- survival map -------------------------------------------------------------


@SETTINGS
@given(planes(), geometries(), st.sampled_from(["max", "min"]))
def test_survival_of_selecting_modes_counts_picks(x, geometry, mode):
    r = pooling.pool2d(x, mode, **geometry)
    survival = pooling.survival_map(r)
    assert survival.dtype == np.int64
    assert survival.shape == x.shape
    assert survival.sum() == r.values.size
    expected = np.zeros(x.shape, np.int64)
    for c in range(x.shape[0]):
        for index in r.indices[c].ravel():
            expected[c].flat[index] += 1
    np.testing.assert_array_equal(survival, expected)


@SETTINGS
@given(planes(), geometries())
def test_survival_of_average_counts_covering_windows(x, geometry):
    r = pooling.pool2d(x, "avg", **geometry)
    cover = covering_windows(x, **geometry)
    expected = np.zeros(x.shape[1:], np.int64)
    for (row, col), outs in cover.items():
        expected[row, col] = len(outs)
    np.testing.assert_array_equal(pooling.survival_map(r), np.broadcast_to(expected, x.shape))


def test_overlapping_windows_reuse_a_peak():
    x = np.zeros((5, 5))
    x[2, 2] = 1.0
    survival = pooling.survival_map(pooling.pool2d(x, "max", 3, stride=1))
    assert survival[2, 2] == 9  # all nine 3x3 windows hold the peak
    assert survival.sum() == 9


def test_overlapping_windows_on_coordinates():
    # 3x3 windows at stride 1 on 10 i + j: each max is its window's bottom-right cell, used once.
    survival = pooling.survival_map(pooling.pool2d(coords(5, 5, np.float64), "max", 3, stride=1))
    expected = np.zeros((5, 5), np.int64)
    expected[2:, 2:] = 1
    np.testing.assert_array_equal(survival, expected)


def test_stride_above_kernel_leaves_zeros():
    x = coords(5, 5, np.float64)
    for mode in ("max", "avg"):
        survival = pooling.survival_map(pooling.pool2d(x, mode, 2, stride=3))
        assert (survival[2, :] == 0).all() and (survival[:, 2] == 0).all()
    avg = pooling.survival_map(pooling.pool2d(x, "avg", 2, stride=3))
    assert avg.tolist() == [[1, 1, 0, 1, 1]] * 2 + [[0] * 5] + [[1, 1, 0, 1, 1]] * 2


def test_survival_of_average_with_padding_counts_in_bounds_cells():
    # 3x3 windows, stride 1, padding 1 on 3x3: cell (r, c) is covered by the windows centred next to it.
    survival = pooling.survival_map(pooling.pool2d(coords(3, 3, np.float64), "avg", 3, stride=1, padding=1))
    assert survival.tolist() == [[4, 6, 4], [6, 9, 6], [4, 6, 4]]


# --- information loss -----------------------------------------------------------


def test_information_loss_of_max_by_hand():
    x = coords(4, 4, np.float64)
    loss = pooling.information_loss(pooling.pool2d(x, "max", 2))
    kept = np.zeros((4, 4), bool)
    kept[[1, 1, 3, 3], [1, 3, 1, 3]] = True
    np.testing.assert_array_equal(loss.loss_map, np.where(kept, 0.0, x))
    assert loss.kept_fraction == 0.25
    assert loss.mse == pytest.approx(np.mean(np.where(kept, 0.0, x) ** 2))
    assert loss.data_range == 33.0  # max - min of a float input
    assert loss.psnr == pytest.approx(10 * math.log10(33.0**2 / loss.mse))


def test_information_loss_of_average_by_hand():
    x = np.array([[5.0, 6.0], [7.0, 9.0]])
    loss = pooling.information_loss(pooling.pool2d(x, "avg", 2))
    np.testing.assert_allclose(loss.loss_map, [[1.75, 0.75], [0.25, 2.25]])
    assert loss.kept_fraction == 1.0
    assert loss.mse == pytest.approx((1.75**2 + 0.75**2 + 0.25**2 + 2.25**2) / 4)
    assert loss.data_range == 4.0


def test_information_loss_data_range():
    x = np.array([[0, 255], [0, 0]], dtype=np.uint8)
    loss = pooling.information_loss(pooling.pool2d(x, "avg", 2))
    assert loss.data_range == 255.0  # the dtype's range, not the data's
    assert loss.psnr == pytest.approx(10 * math.log10(255.0**2 / loss.mse))
    loss = pooling.information_loss(pooling.pool2d(x, "avg", 2), data_range=1.0)
    assert loss.data_range == 1.0
    assert loss.psnr == pytest.approx(10 * math.log10(1.0 / loss.mse))
    flat = pooling.information_loss(pooling.pool2d(np.full((2, 2), 3.0), "avg", 2))
    assert flat.data_range == 1.0  # a constant float input has no range; 1 avoids dividing by 0


@pytest.mark.parametrize(("mode", "options"), [("max", {}), ("min", {}), ("avg", {}), ("mixed", {"alpha": 1.0})])
@pytest.mark.parametrize("x", [coords(3, 4, np.float64) - 17, np.random.default_rng(0).standard_normal((2, 5, 3))])
def test_identity_pooling_loses_nothing(mode, options, x):
    loss = pooling.information_loss(pooling.pool2d(x, mode, 1, **options))
    assert loss.kept_fraction == 1.0
    assert loss.mse == 0.0
    assert loss.psnr == math.inf
    assert (loss.loss_map == 0).all()
    assert loss.loss_map.shape == x.shape


def test_identity_mixed_pooling_loses_only_rounding():
    # 0.3 * x + 0.7 * x need not round back to x exactly.
    x = coords(3, 4, np.float64) - 17
    loss = pooling.information_loss(pooling.pool2d(x, "mixed", 1, alpha=0.3))
    assert loss.kept_fraction == 1.0
    assert loss.loss_map.max() <= 4 * np.finfo(np.float64).eps * np.abs(x).max()


def test_information_loss_ignores_nan_cells_in_mse():
    x = coords(2, 4, np.float64)
    x[0, 0] = np.nan
    loss = pooling.information_loss(pooling.pool2d(x, "max", 2))
    assert np.isnan(loss.loss_map[0, 0])
    assert np.isfinite(loss.mse)
    assert loss.mse == pytest.approx(np.nanmean(loss.loss_map**2))


@given(planes(min_side=2), geometries())
@SETTINGS
def test_information_loss_carries_the_reconstruction_and_survival(x, geometry):
    for mode in ("max", "avg"):
        r = pooling.pool2d(x, mode, **geometry) if min(x.shape[1:]) >= max(geometry["kernel_size"]) else None
        if r is None:
            continue
        loss = pooling.information_loss(r)
        survival = pooling.survival_map(r)
        np.testing.assert_array_equal(loss.reconstruction, pooling.reconstruct(r))
        np.testing.assert_array_equal(loss.survival, survival)
        assert loss.reused_fraction == np.mean(survival > 1)
        assert loss.kept_fraction == np.mean(survival > 0)


def test_reused_fraction_by_hand():
    # 3 x 3 windows at stride 1 on a 4 x 4 ramp: every window's max is its bottom-right cell.
    loss = pooling.information_loss(pooling.pool2d(coords(4, 4, np.float64), "max", 3, stride=1))
    assert loss.survival.tolist() == [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]]
    assert loss.reused_fraction == 0.0 and loss.kept_fraction == 0.25
    loss = pooling.information_loss(pooling.pool2d(np.array([[0.0, 9.0, 0.0]]), "max", (1, 2), stride=1))
    assert loss.survival.tolist() == [[0, 2, 0]] and loss.reused_fraction == pytest.approx(1 / 3)


# --- fast routes against the general one ----------------------------------------------
# information_loss takes a fast route per kind of result; each must give the general route's numbers
# exactly: the scatter of max_unpool2d for selecting modes, the per-cell scatter of window_cells for
# weighting modes.

SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.5, 1e300, -1e-300]


def general_route(r):
    """Reconstruction and survival counts by the slow, obvious routes, ``(C, H, W)`` each."""
    if not r.selecting:
        return loss_module._spread_by_cells(r)
    h, w = r.grid.input_shape
    idx = r.indices if not r.squeeze else r.indices[None]
    values = r.values if not r.squeeze else r.values[None]
    recon = pooling.max_unpool2d(values.astype(np.float64), idx, (h, w))
    counts = np.rint(scatter_add(idx, np.ones(idx.shape), h * w)).astype(np.int64)
    return recon, counts.reshape(-1, h, w)


def brute_information_loss(r, data_range=None):
    """information_loss as it was first written: float64 throughout, numpy's nanmean."""
    recon, counts = general_route(r)
    x = r.input.astype(np.float64)
    loss_map = np.abs(x - recon)
    mse = float(np.nanmean(loss_map**2)) if np.isfinite(loss_map).any() else float("nan")
    return loss_map, recon, counts, mse


MODE_OPTIONS = {
    "max": st.just({}),
    "min": st.just({}),
    "avg": st.fixed_dictionaries({}, optional={"count_include_pad": st.booleans(),
                                               "divisor_override": st.sampled_from([1, 3, -2, 7])}),
    "lp": st.fixed_dictionaries({"p": st.sampled_from([1.0, 2.0, 3.5, np.inf])}),
    "stochastic": st.fixed_dictionaries({"train": st.booleans(), "rng": st.integers(0, 9)}),
    "mixed": st.fixed_dictionaries({"alpha": st.sampled_from([0.0, 0.3, 1.0])}),
}


@st.composite
def pooled(draw):
    """A pool2d result over many geometries, dtypes, modes and special values; None when the geometry is void."""
    mode = draw(st.sampled_from(sorted(MODE_OPTIONS)))
    options = draw(MODE_OPTIONS[mode])
    dtype = draw(st.sampled_from([np.uint8, np.int16, np.float32, np.float64]))
    shape = draw(st.tuples(st.integers(1, 3), st.integers(1, 13), st.integers(1, 13)))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = draw(st.one_of(st.sampled_from(["same", "valid"]),
                             st.tuples(st.integers(0, kernel[0] // 2), st.integers(0, kernel[1] // 2))))
    geometry = {
        "kernel_size": kernel,
        "stride": (draw(st.integers(1, 5)), draw(st.integers(1, 5))),
        "padding": padding,
        "dilation": (draw(st.integers(1, 2)), draw(st.integers(1, 2))),
        "ceil_mode": draw(st.booleans()),
    }
    low = 0 if dtype == np.uint8 or mode == "stochastic" else -20
    elements = st.integers(low, 40).map(float)
    if np.dtype(dtype).kind == "f" and mode != "stochastic":
        elements = st.one_of(elements, st.sampled_from(SPECIALS))
    x = draw(hnp.arrays(np.float64, shape, elements=elements))
    with np.errstate(over="ignore"):
        x = x.astype(dtype)  # 1e300 becomes inf in float32
    if shape[0] == 1 and draw(st.booleans()):
        x = x[0]
    try:
        with np.errstate(all="ignore"):
            return pooling.pool2d(x, mode, **geometry, **options)
    except ValueError:
        return None  # a window holds only padding, or the output would be empty


@hypothesis_settings(300)
@given(pooled(), st.sampled_from([1, 4096, 1 << 20]))
def test_fast_routes_equal_the_general_route(r, tile_bytes):
    if r is None:
        return
    event(f"{r.mode}, {'selecting' if r.selecting else 'weighting'}, {r.input.dtype}")
    event(f"windows overlap: {bool((pooling.survival_map(r) > 1).any())}")
    # Small tiles split the rows into many tiles, so tile edges are exercised too.
    with mock.patch.object(pooling._tiles, "TILE_BYTES", tile_bytes), np.errstate(all="ignore"):
        recon, counts = loss_module._reconstruct_and_count(r)
        expected_recon, expected_counts = general_route(r)
        loss = pooling.information_loss(r)
        loss_map, _, _, mse = brute_information_loss(r)
    assert recon.dtype == np.float64 and counts.dtype == np.int64
    np.testing.assert_array_equal(recon, expected_recon)
    np.testing.assert_array_equal(counts, expected_counts)
    squeeze = (lambda a: a[0]) if r.squeeze else (lambda a: a)
    np.testing.assert_array_equal(loss.reconstruction, squeeze(expected_recon))
    np.testing.assert_array_equal(loss.survival, squeeze(expected_counts))
    np.testing.assert_array_equal(loss.loss_map, squeeze(loss_map))
    assert loss.kept_fraction == np.mean(expected_counts > 0)
    assert loss.reused_fraction == np.mean(expected_counts > 1)
    assert type(loss.kept_fraction) is float and type(loss.reused_fraction) is float and type(loss.mse) is float
    if math.isfinite(mse):
        assert loss.mse == pytest.approx(mse, rel=1e-12, abs=0)
    else:
        assert loss.mse == mse or (math.isnan(loss.mse) and math.isnan(mse))
    np.testing.assert_array_equal(pooling.reconstruct(r), loss.reconstruction)
    np.testing.assert_array_equal(pooling.survival_map(r), loss.survival)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_adaptive_and_fractional_results_take_the_general_route(mode):
    x = np.random.default_rng(4).standard_normal((2, 9, 7))
    for r in (pooling.adaptive_pool2d(x, mode, (4, 5)), pooling.adaptive_pool2d(x, mode, (12, 3))):
        recon, counts = loss_module._reconstruct_and_count(r)
        expected_recon, expected_counts = general_route(r)
        np.testing.assert_array_equal(recon, expected_recon)
        np.testing.assert_array_equal(counts, expected_counts)
    frac = pooling.fractional_max_pool2d(x, 2, output_size=(5, 4), samples=[[0.3, 0.7], [0.1, 0.9]])
    for got, expected in zip(loss_module._reconstruct_and_count(frac), general_route(frac)):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("mode", "k", "s"), [("max", 2, 2), ("avg", 2, 2), ("max", 3, 2), ("avg", 3, 2)])
def test_photo_sized_uint8_loss_equals_the_general_route(mode, k, s):
    # The case the Information loss page runs: a uint8 photo, many tiles, windows that overlap at k=3.
    x = np.random.default_rng(5).integers(0, 256, (3, 203, 311), dtype=np.uint8)
    r = pooling.pool2d(x, mode, k, stride=s)
    loss = pooling.information_loss(r, data_range=255)
    loss_map, recon, counts, mse = brute_information_loss(r)
    np.testing.assert_array_equal(loss.reconstruction, recon)
    np.testing.assert_array_equal(loss.survival, counts)
    np.testing.assert_array_equal(loss.loss_map, loss_map)
    assert loss.mse == pytest.approx(mse, rel=1e-13, abs=0)
    assert loss.psnr == pytest.approx(10 * math.log10(255.0**2 / mse), rel=1e-13)


@pytest.mark.parametrize("size", [1, 7, 4095, 4096, 4097, 3 * 4096 + 5])
def test_mean_square_equals_nanmean_of_squares(size):
    rng = np.random.default_rng(size)
    loss_map = np.abs(rng.standard_normal(size)) * 1e3
    assert loss_module._mean_square(loss_map) == pytest.approx(np.mean(loss_map**2), rel=1e-14)
    loss_map[size // 2] = np.nan  # a NaN cell is left out of the mean
    expected = np.nanmean(loss_map**2) if size > 1 else np.nan
    np.testing.assert_allclose(loss_module._mean_square(loss_map), expected, rtol=1e-14)


def test_mean_square_of_infinite_and_empty_of_finite_maps():
    assert loss_module._mean_square(np.array([1.0, np.inf])) == np.inf
    assert math.isnan(loss_module._mean_square(np.array([np.inf, np.inf])))  # no finite cell: NaN, as before
    assert math.isnan(loss_module._mean_square(np.array([np.nan, np.inf])))
    assert loss_module._mean_square(np.array([3.0, np.nan, 4.0])) == 12.5
    big = np.full(5000, 1e200)  # squares overflow: inf, as np.nanmean says
    with np.errstate(over="ignore"):
        assert loss_module._mean_square(big) == np.inf


# --- PSNR against kernel size -------------------------------------------------------

ALL_MODES = ("max", "min", "avg", "lp", "stochastic", "mixed")
EVAL = {"stochastic": {"train": False}, "lp": {"p": 3.0}, "mixed": {"alpha": 0.25}}


def brute_psnr(x, mode, k, data_range=None):
    return pooling.information_loss(pooling.pool2d(x, mode, k, ceil_mode=True, **EVAL.get(mode, {})),
                                    data_range=data_range).psnr


def test_psnr_by_kernel_by_hand():
    x = np.array([[0, 0, 0, 4], [0, 8, 0, 0]], dtype=np.uint8)
    out = pooling.analysis.loss.psnr_by_kernel(x, kernels=[2])
    assert out["max"][0] == math.inf  # each window's only non-zero cell is its max
    # avg: windows of mean 2 and 1 spread back: 3 * 2**2 + 6**2 + 3 * 1**2 + 3**2 = 60 over 8 cells.
    assert out["avg"][0] == pytest.approx(10 * math.log10(255**2 / (60 / 8)))


@pytest.mark.parametrize("x", [coords(7, 9, np.float64),
                               np.random.default_rng(2).integers(0, 256, (3, 11, 10), np.uint8),
                               np.where(np.random.default_rng(3).random((2, 8, 8)) < 0.4, 0.0, 5.0)])
def test_psnr_by_kernel_equals_information_loss_for_every_mode(x):
    kernels = range(1, min(x.shape[-2:]) + 1)
    out = pooling.analysis.loss.psnr_by_kernel(x, modes=ALL_MODES, kernels=kernels, options=EVAL)
    for mode in ALL_MODES:
        np.testing.assert_allclose(out[mode], [brute_psnr(x, mode, k) for k in kernels], rtol=1e-9, err_msg=mode)


@given(planes(min_side=2))
@SETTINGS
def test_psnr_by_kernel_equals_information_loss_on_random_planes(x):
    kernels = [k for k in (2, 3) if k <= min(x.shape[1:])]
    out = pooling.analysis.loss.psnr_by_kernel(x, modes=("max", "min", "avg", "mixed"), kernels=kernels, data_range=40.0,
                                      options=EVAL)
    for mode in out:
        np.testing.assert_allclose(out[mode], [brute_psnr(x, mode, k, data_range=40.0) for k in kernels], rtol=1e-9)


def test_psnr_by_kernel_refuses_bad_input():
    x = coords(4, 4, np.float64)
    with pytest.raises(ValueError, match=r"kernels \(\[2, 5\]\) must be a non-empty list of ints from 1 to min"):
        pooling.analysis.loss.psnr_by_kernel(x, kernels=[2, 5])
    with pytest.raises(ValueError, match=r"modes \(\['median'\]\) must be a non-empty list from"):
        pooling.analysis.loss.psnr_by_kernel(x, modes=["median"])
    with pytest.raises(ValueError, match="x must be finite"):
        pooling.analysis.loss.psnr_by_kernel(np.array([[np.nan, 1.0], [1.0, 1.0]]), kernels=[2])
    with pytest.raises(ValueError, match=r"got shape \(4,\) and dtype int64"):
        pooling.analysis.loss.psnr_by_kernel(np.arange(4), kernels=[2])
