"""Properties of ``pooling.pool2d`` that hold for every input, checked with hypothesis.

Strategies come from ``hypothesis.extra.numpy``. Runs are derandomized and
keep no example database, so the suite is deterministic.
"""

import math

import numpy as np
from helpers import hypothesis_settings
from hypothesis import HealthCheck, assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling

SETTINGS = hypothesis_settings(60, HealthCheck.filter_too_much)
INT_DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOAT_DTYPES = [np.float16, np.float32, np.float64]
ALL_DTYPES = INT_DTYPES + FLOAT_DTYPES


@st.composite
def geometries(draw):
    """Pooling settings as keyword arguments, valid apart from the input size."""
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    geometry = {"kernel_size": (kh, kw)}
    if draw(st.booleans()):
        geometry["stride"] = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    if draw(st.booleans()):
        geometry["dilation"] = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    geometry["padding"] = draw(
        st.one_of(
            st.tuples(st.integers(0, kh // 2), st.integers(0, kw // 2)),
            st.sampled_from(["valid", "same"]),
        )
    )
    geometry["ceil_mode"] = draw(st.booleans())
    return geometry


def planes(dtype, *, min_value=None, max_value=None, allow_nan=False, allow_infinity=False, min_side=1):
    """``(C, H, W)`` arrays of ``dtype``."""
    dtype = np.dtype(dtype)
    shape = st.tuples(st.integers(1, 3), st.integers(min_side, 9), st.integers(min_side, 9))
    if dtype.kind == "f":
        elements = st.floats(
            min_value, max_value, allow_nan=allow_nan, allow_infinity=allow_infinity, width=8 * dtype.itemsize
        )
    else:
        info = np.iinfo(dtype)
        lo = info.min if min_value is None else max(info.min, int(min_value))
        hi = info.max if max_value is None else min(info.max, int(max_value))
        elements = st.integers(lo, hi)
    return hnp.arrays(dtype, shape, elements=elements)


def any_planes(**kwargs):
    return st.sampled_from(ALL_DTYPES).flatmap(lambda d: planes(d, **kwargs))


def pool(x, mode, geometry, **options):
    """``pool2d``, rejecting (not failing) the geometries the input is too small for."""
    try:
        with np.errstate(all="ignore"):
            return pooling.pool2d(x, mode, **geometry, **options)
    except ValueError as err:
        assume("would be" not in str(err) and "holds only padding" not in str(err))
        raise


def _start(geometry, axis, length):
    """The first window's start on ``axis`` (0 rows, 1 cols): minus the top/left padding."""
    k = geometry["kernel_size"][axis]
    s = geometry.get("stride", geometry["kernel_size"])[axis]
    d = geometry.get("dilation", (1, 1))[axis]
    padding = geometry["padding"]
    if padding == "valid":
        return 0
    if padding == "same":
        out = math.ceil(length / s)
        return -(max((out - 1) * s + d * (k - 1) + 1 - length, 0) // 2)
    return -padding[axis]


def assert_flat_values(x, result):
    """``x.flat[indices] == values``, channel by channel, NaN equal to NaN."""
    for c in range(x.shape[0]):
        np.testing.assert_array_equal(x[c].flat[result.indices[c]], result.values[c])


@SETTINGS
@given(x=any_planes(allow_nan=True, allow_infinity=True), geometry=geometries(), mode=st.sampled_from(["max", "min"]))
def test_indices_point_at_the_values(x, geometry, mode):
    r = pool(x, mode, geometry)
    assert r.values.dtype == x.dtype and r.indices.dtype == np.int64
    assert_flat_values(x, r)


@SETTINGS
@given(x=any_planes(allow_nan=True, allow_infinity=True), geometry=geometries(),
       mode=st.sampled_from(["max", "min", "stochastic"]))
def test_every_index_lies_inside_its_own_window(x, geometry, mode):
    if mode == "stochastic":
        x = np.nan_to_num(np.abs(x.astype(np.float64)), posinf=1.0)
    r = pool(x, mode, geometry, **({"rng": 0} if mode == "stochastic" else {}))
    _, height, width = x.shape
    rows, cols = np.divmod(r.indices, width)
    oh, ow = r.values.shape[1:]
    for axis, pos, n_out, length in ((0, rows, oh, height), (1, cols, ow, width)):
        k = geometry["kernel_size"][axis]
        s = geometry.get("stride", geometry["kernel_size"])[axis]
        d = geometry.get("dilation", (1, 1))[axis]
        start = np.arange(n_out) * s + _start(geometry, axis, length)
        offset = np.moveaxis(pos, axis + 1, -1) - start
        assert (offset % d == 0).all() and (offset >= 0).all() and (offset // d < k).all()
        assert (pos >= 0).all() and (pos < length).all()


@SETTINGS
@given(x=any_planes(allow_nan=True, allow_infinity=True), geometry=geometries())
def test_min_is_max_of_the_complement(x, geometry):
    # ~x reverses the order of any integer dtype without overflow; floats negate.
    flipped = -x if x.dtype.kind == "f" else ~x
    lo, hi = pool(x, "min", geometry), pool(flipped, "max", geometry)
    np.testing.assert_array_equal(lo.values, -hi.values if x.dtype.kind == "f" else ~hi.values)
    np.testing.assert_array_equal(lo.indices, hi.indices)


@SETTINGS
@given(x=any_planes(allow_nan=True, allow_infinity=True), geometry=geometries(),
       mode=st.sampled_from(["max", "avg", "lp", "mixed"]))
def test_channels_are_pooled_independently(x, geometry, mode):
    whole = pool(x, mode, geometry)
    for c in range(x.shape[0]):
        alone = pool(x[c], mode, geometry)
        assert alone.values.ndim == 2
        np.testing.assert_array_equal(alone.values, whole.values[c])
        if whole.indices is not None:
            np.testing.assert_array_equal(alone.indices, whole.indices[c])


@SETTINGS
@given(x=st.sampled_from(ALL_DTYPES).flatmap(lambda d: planes(d, min_value=-1000, max_value=1000)),
       geometry=geometries())
def test_avg_lies_between_min_and_max(x, geometry):
    lo = pool(x, "min", geometry).values.astype(np.float64)
    hi = pool(x, "max", geometry).values.astype(np.float64)
    avg = pool(x, "avg", geometry, count_include_pad=False)
    taps = geometry["kernel_size"][0] * geometry["kernel_size"][1]
    slack = taps * float(np.finfo(avg.values.dtype).eps) * np.maximum(np.abs(lo), np.abs(hi))
    values = avg.values.astype(np.float64)
    assert (lo - slack <= values).all() and (values <= hi + slack).all()


# |x|^p must neither overflow nor underflow float64: 0 or 1e-3 <= |x| <= 1e3.
MODERATE = st.one_of(st.just(0.0), st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3))


@SETTINGS
@given(x=hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 9), st.integers(1, 9)), elements=MODERATE),
       geometry=geometries(), p=st.sampled_from([32.0, 64.0]))
def test_lp_with_large_p_approaches_max_abs(x, geometry, p):
    lp = pool(x, "lp", geometry, p=p).values
    top = pool(np.abs(x), "max", geometry).values
    taps = geometry["kernel_size"][0] * geometry["kernel_size"][1]
    # max|x| <= (sum |x|^p)^(1/p) <= taps^(1/p) max|x|
    assert (top <= lp * (1 + 1e-12) + 1e-300).all()
    assert (lp <= taps ** (1 / p) * top * (1 + 1e-12)).all()
    np.testing.assert_array_equal(pool(x, "lp", geometry, p=np.inf).values, top)


# What the app can hand pool2d: photos, and typed numbers within ±1e30, subnormals included.
APP_INPUTS = st.one_of(planes(np.uint8), planes(np.float64, min_value=-1e30, max_value=1e30))


@SETTINGS
@given(x=APP_INPUTS, geometry=geometries(), p=st.one_of(st.sampled_from([0.5, 17.0, 64.0]), st.floats(0.5, 64)))
def test_lp_is_a_true_norm_at_any_scale(x, geometry, p):
    # (sum |x|^p)^(1/p) overflows or underflows long before the norm does; pool2d must give the norm anyway.
    lp = pool(x, "lp", geometry, p=p)
    top = pool(np.abs(x.astype(np.float64)), "max", geometry).values
    assert np.isfinite(lp.values).all()
    values = lp.values.astype(np.float64)
    # Powers and roots of large or small numbers round with an error that grows with |ln x| (x ** p is
    # exp(p ln x) inside): 8 ulps held for 3.5e14 at p = 1.5 only by chance.
    scale = 2 + float(np.abs(np.log(top[top > 0])).max(initial=0.0))
    eps = 4 * scale * float(np.finfo(lp.values.dtype).eps)
    taps = geometry["kernel_size"][0] * geometry["kernel_size"][1]
    # max|x| <= ||x||_p <= taps^(1/p) max|x|
    assert (top * (1 - eps) <= values).all() and (values <= taps ** (1 / p) * top * (1 + eps)).all()
    assert np.isfinite(lp.weights).all()


@SETTINGS
@given(x=any_planes(min_value=-1000, max_value=1000), geometry=geometries())
def test_lp_with_p_one_is_the_sum_of_magnitudes(x, geometry):
    lp = pool(x, "lp", geometry, p=1)
    magnitudes = np.abs(x.astype(np.float64))
    sums = pool(magnitudes, "avg", geometry, divisor_override=1).values
    if x.dtype == np.float64:
        np.testing.assert_array_equal(lp.values, sums)
    else:
        np.testing.assert_allclose(lp.values, sums, rtol=float(np.finfo(lp.values.dtype).eps) * 20)


@SETTINGS
@given(x=st.sampled_from(ALL_DTYPES).flatmap(lambda d: planes(d, min_value=-1000, max_value=1000)),
       geometry=geometries(), alpha=st.floats(0, 1))
def test_mixed_interpolates_between_avg_and_max(x, geometry, alpha):
    mixed = pool(x, "mixed", geometry, alpha=alpha).values.astype(np.float64)
    hi = pool(x, "max", geometry).values.astype(np.float64)
    avg = pool(x, "avg", geometry).values.astype(np.float64)
    eps = float(np.finfo(pool(x, "avg", geometry).values.dtype).eps)
    slack = 4 * eps * np.maximum(np.abs(hi), np.abs(avg))
    assert (np.minimum(avg, hi) - slack <= mixed).all() and (mixed <= np.maximum(avg, hi) + slack).all()
    np.testing.assert_allclose(mixed, alpha * hi + (1 - alpha) * avg, rtol=0, atol=1e-300 + slack.max())


@SETTINGS
@given(x=st.sampled_from(ALL_DTYPES).flatmap(lambda d: planes(d, min_value=0, max_value=100)),
       geometry=geometries(), seed=st.integers(0, 2**32 - 1))
def test_stochastic_training_picks_a_positive_cell(x, geometry, seed):
    r = pool(x, "stochastic", geometry, rng=seed)
    assert r.values.dtype == x.dtype
    assert_flat_values(x, r)
    taps = r.grid.gather(x.astype(np.float64))
    window_sum = taps.sum(axis=-1)
    positive = window_sum > 0
    assert (r.values[positive] > 0).all()
    first = r.grid.tap_mask("in_bounds").argmax(axis=-1)
    np.testing.assert_array_equal(r.tap[~positive], np.broadcast_to(first, r.tap.shape)[~positive])
    # The same seed, or a fresh Generator from it, gives the same draw.
    again = pool(x, "stochastic", geometry, rng=np.random.default_rng(seed))
    np.testing.assert_array_equal(again.indices, r.indices)
    np.testing.assert_array_equal(pool(x, "stochastic", geometry, rng=seed).values, r.values)


@SETTINGS
@given(x=hnp.arrays(np.int64, st.tuples(st.integers(1, 3), st.integers(1, 9), st.integers(1, 9)),
                    elements=st.one_of(st.integers(0, 10), st.integers(2**53, 2**63 - 1))),
       geometry=geometries(), seed=st.integers(0, 2**32 - 1))
def test_stochastic_training_values_are_input_cells_for_wide_int64(x, geometry, seed):
    """int64 cells above 2**53 are copied exactly, so x.flat[indices] == values."""
    assert_flat_values(x, pool(x, "stochastic", geometry, rng=seed))


@SETTINGS
@given(x=st.sampled_from(ALL_DTYPES).flatmap(lambda d: planes(d, min_value=0, max_value=100)), geometry=geometries())
def test_stochastic_eval_is_the_probability_weighted_mean(x, geometry):
    x = np.where(x < 1e-3, 0, x).astype(x.dtype)  # no underflow in a^2
    r = pool(x, "stochastic", geometry, train=False)
    taps = r.grid.gather(x.astype(np.float64))
    total = taps.sum(-1)
    expected = np.divide((taps**2).sum(-1), total, out=np.zeros_like(total), where=total > 0)
    np.testing.assert_allclose(r.values, expected, rtol=32 * float(np.finfo(r.values.dtype).eps))
    np.testing.assert_allclose((r.weights * taps).sum(-1), expected, rtol=1e-12)
    assert (r.values >= 0).all()
