"""``pooling.pool2d`` against the brute-force reference, on thousands of random configurations.

Each test case is drawn from ``np.random.default_rng([mode, seed])``, so a
failure names the seed that reproduces it, and xdist can split the seeds.
The draws cover every dtype, 2-D and 3-D input, ties (small integer
ranges), NaN, -inf and +inf, integer extremes, rectangular kernels and
strides, dilation, int / pair / "valid" / "same" padding, ceil_mode, and
geometries the core must reject.
"""

import math
import warnings

import numpy as np
import pytest

import pooling
from tests.reference import out_dtype, reference_pool2d

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64]
MODES = ["max", "min", "avg", "lp", "stochastic", "mixed"]
MODE_NUMBER = {mode: n for n, mode in enumerate(MODES)}
SEEDS = range(40)
CASES_PER_SEED = 15
# Relative tolerance of the modes compared approximately, by result dtype.
RTOL = {np.dtype(np.float16): 4e-3, np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-12}


# --- drawing random cases -------------------------------------------------


def _maybe_pair(rng, a, b):
    """An int when the pair is square and a coin says so, else the pair."""
    if a == b and rng.random() < 0.5:
        return int(a)
    return (int(a), int(b))


def random_geometry(rng):
    """Shape and pooling settings; a few of them invalid on purpose."""
    kh, kw = (int(k) for k in rng.integers(1, 5, size=2))
    if rng.random() < 0.3:
        kw = kh
    geometry = {"kernel_size": _maybe_pair(rng, kh, kw)}
    u = rng.random()
    if u < 0.25:
        pass  # stride defaults to kernel_size
    elif u < 0.5:
        geometry["stride"] = int(rng.integers(1, 5))
    else:
        geometry["stride"] = _maybe_pair(rng, *rng.integers(1, 5, size=2))
    if rng.random() < 0.35:
        geometry["dilation"] = _maybe_pair(rng, *rng.integers(1, 4, size=2))
    u = rng.random()
    if u < 0.15:
        geometry["padding"] = 0
    elif u < 0.4:
        geometry["padding"] = int(rng.integers(0, min(kh, kw) // 2 + 1))
    elif u < 0.6:
        geometry["padding"] = (int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1)))
    elif u < 0.67:
        geometry["padding"] = "valid"
    elif u < 0.92:
        geometry["padding"] = "same"
    else:
        geometry["padding"] = (kh // 2 + int(rng.integers(0, 2)), kw // 2 + 1)  # too much: an error
    geometry["ceil_mode"] = bool(rng.random() < 0.5)
    height, width = (int(n) for n in rng.integers(1, 10, size=2))
    shape = (height, width) if rng.random() < 0.4 else (int(rng.integers(1, 4)), height, width)
    return shape, geometry


def random_values(rng, dtype, shape, *, nonnegative=False, magnitude=None, special=True):
    """Values in one of three styles: ties, wide range, or special cells (NaN, inf, extremes)."""
    dtype = np.dtype(dtype)
    style = rng.choice(["ties", "wide", "special"] if special else ["ties", "wide"])
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        lo = 0 if nonnegative else int(info.min)
        if style == "ties":
            return rng.integers(max(lo, -1), 3, size=shape).astype(dtype)
        if style == "wide":
            hi = int(info.max) if magnitude is None else min(int(info.max), magnitude)
            lo = lo if magnitude is None else max(lo, -magnitude)
            return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)
        hi = int(info.max) if magnitude is None else min(int(info.max), magnitude)
        extremes = np.array(sorted({lo, lo + 1, 0, hi - 1, hi}), dtype=dtype)
        return rng.choice(extremes, size=shape)
    if style == "ties":
        return rng.integers(0 if nonnegative else -1, 3, size=shape).astype(dtype)
    if style == "wide":
        scale = magnitude if magnitude is not None else float(rng.choice([1.0, 100.0, 1e4]))
        vals = rng.normal(scale=scale, size=shape)
        if nonnegative:
            vals = np.abs(vals)
        return np.clip(vals, -6e4, 6e4).astype(dtype)
    pool = [0.0, 1.0, 2.0] if nonnegative else [np.nan, -np.inf, np.inf, -np.inf, 0.0, 1.0, -1.0, 2.0]
    vals = rng.choice(np.array(pool), size=shape)
    if not nonnegative and rng.random() < 0.5:
        vals[..., rng.integers(0, shape[-2]), :] = -np.inf  # a row of -inf: all -inf windows
    return vals.astype(dtype)


def random_case(rng, mode):
    """``(x, options_and_geometry)`` for one random pooling in ``mode``."""
    shape, kwargs = random_geometry(rng)
    dtype = DTYPES[int(rng.integers(len(DTYPES)))]
    if mode == "avg":
        x = random_values(rng, dtype, shape)
        if rng.random() < 0.5:
            kwargs["count_include_pad"] = bool(rng.random() < 0.5)
        if rng.random() < 0.2:
            kwargs["divisor_override"] = int(rng.choice([1, 2, 3, 7, -4]))
    elif mode == "lp":
        x = random_values(rng, dtype, shape, magnitude=100)
        kwargs["p"] = float(rng.choice([1.0, 2.0, 3.0, 0.5, 1.5, np.inf]))
    elif mode == "stochastic":
        x = random_values(rng, dtype, shape, nonnegative=True, magnitude=10_000)
        kwargs["train"] = bool(rng.random() < 0.5)
        kwargs["rng"] = int(rng.integers(2**32))
    elif mode == "mixed":
        x = random_values(rng, dtype, shape)
        # Strictly inside (0, 1): the end points are pinned in test_mixed_end_points.
        kwargs["alpha"] = float(rng.choice([0.25, 0.5, 0.75, rng.uniform(0.01, 0.99)]))
    else:
        x = random_values(rng, dtype, shape)
    return x, kwargs


# --- comparing ------------------------------------------------------------


def assert_close(actual, expected, rtol, scale=None):
    """Equal NaN and inf pattern; finite cells within ``rtol * scale``."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(actual[~finite & ~np.isnan(expected)], expected[~finite & ~np.isnan(expected)])
    scale = np.abs(expected) if scale is None else np.asarray(scale, dtype=np.float64)
    scale = np.broadcast_to(scale, expected.shape)
    err = np.abs(actual[finite] - expected[finite])
    bound = rtol * scale[finite] + 1e-300
    assert np.all(err <= bound), f"max excess {np.max(err - bound)}: {actual} != {expected}"


def gathered(x, ref):
    """Every tap's input value, 0 on padding: ``(C, oh, ow, K)`` float64."""
    planes = np.asarray(x)[None] if np.ndim(x) == 2 else np.asarray(x)
    h, w = planes.shape[1:]
    vals = planes[:, np.clip(ref.rows, 0, h - 1), np.clip(ref.cols, 0, w - 1)].astype(np.float64)
    return np.where(ref.in_bounds, vals, 0.0)


def check_grid(result, ref):
    grid = result.grid
    oh, ow, _ = ref.rows.shape
    assert grid.shape == (oh, ow)
    np.testing.assert_array_equal(grid.tap_mask("in_bounds"), ref.in_bounds)
    rows, cols = grid.tap_positions()
    np.testing.assert_array_equal(rows, ref.rows)
    np.testing.assert_array_equal(cols, ref.cols)
    for i in range(oh):
        for j in range(ow):
            r, c, inb = grid.taps(i, j)
            np.testing.assert_array_equal(r, ref.rows[i, j])
            np.testing.assert_array_equal(c, ref.cols[i, j])
            np.testing.assert_array_equal(inb, ref.in_bounds[i, j])


def check_weights(x, result, ref, mode, rtol):
    weights = result.weights
    assert weights is not None and weights.shape == ref.weights.shape
    taps = gathered(x, ref)
    if np.ndim(x) == 2:
        taps = taps[0]
    finite = np.isfinite(taps).all(axis=-1)
    assert_close(weights[finite], ref.weights[finite], 1e-6 if mode == "lp" else 1e-12)
    if mode in ("avg", "stochastic", "mixed"):
        # values == sum(weights * x), on windows without inf or NaN.
        weighted = (weights * taps).sum(axis=-1)
        scale = (np.abs(weights) * np.abs(taps)).sum(axis=-1)
        assert_close(result.values[finite], weighted[finite], rtol, scale[finite])


def check_sweep(x, result, ref, mode, channel):
    sweep = pooling.sweep_steps(result, channel=channel)
    oh, ow, k = ref.rows.shape
    n = oh * ow
    assert len(sweep) == n and sweep.output_shape == (oh, ow)
    np.testing.assert_array_equal(sweep.rows, ref.rows.reshape(n, k))
    np.testing.assert_array_equal(sweep.cols, ref.cols.reshape(n, k))
    np.testing.assert_array_equal(sweep.in_bounds, ref.in_bounds.reshape(n, k))
    assert sweep.member.all()
    values = result.channel(channel).reshape(n)
    np.testing.assert_array_equal(sweep.values, values)
    for step in sorted({0, n // 2, n - 1}):
        expected = np.full(n, np.nan)
        expected[: step + 1] = values[: step + 1].astype(np.float64)
        np.testing.assert_array_equal(sweep.output_so_far(step), expected.reshape(oh, ow))
    planes = np.asarray(x)[None] if np.ndim(x) == 2 else np.asarray(x)
    for step in range(n):
        i, j = divmod(step, ow)
        inb = ref.in_bounds[i, j]
        rows, cols = ref.rows[i, j][inb], ref.cols[i, j][inb]

        def span(a):
            """A run of cells as "lo-hi"; dilated taps listed one by one."""
            cells = sorted(set(int(v) for v in a))
            if len(cells) == 1:
                return str(cells[0])
            if cells == list(range(cells[0], cells[-1] + 1)):
                return f"{cells[0]}-{cells[-1]}"
            return ", ".join(map(str, cells))

        text = sweep.describe(step)
        head = f"Step {step + 1} of {n}: window rows {span(rows)}, cols {span(cols)}"
        n_pad = int((~inb).sum())
        if n_pad:
            head += f" and {n_pad} padded cell{'s' if n_pad > 1 else ''}"
        assert text.startswith(head + "; "), text
        if result.selecting:
            tap = int(result.tap[channel, i, j])
            assert sweep.chosen[step].tolist() == [t == tap for t in range(k)]
            r, c = int(ref.rows[i, j, tap]), int(ref.cols[i, j, tap])
            assert sweep.source(step) == (r, c)
            value = planes[channel, r, c]
            tied = [
                t for t in range(k)
                if t != tap and inb[t]
                and _same(planes[channel, ref.rows[i, j, t], ref.cols[i, j, t]], value)
            ]
            assert np.flatnonzero(sweep.ties[step]).tolist() == tied
            assert f"; {mode} {pooling.format_value(value)} at ({r}, {c})" in text, text
            if tied and mode in ("max", "min") and not np.isnan(float(value)):
                assert text.endswith("(the first in row-major order wins)"), text
        else:
            w = result.weights if result.squeeze else result.weights[channel]
            w = w.reshape(n, k)
            np.testing.assert_array_equal(sweep.weights, w)
            np.testing.assert_array_equal(sweep.chosen[step], w[step] != 0)
            assert not sweep.ties[step].any()
            assert text.endswith(f"from {int((w[step] != 0).sum())} weighted cells"), text


def _same(a, b):
    """Equal, with NaN equal to NaN."""
    return bool(a == b or (np.isnan(a) and np.isnan(b)))


def check_case(x, mode, kwargs):
    """Pool ``x`` with the core and the reference and compare everything."""
    try:
        ref = reference_pool2d(x, mode, **kwargs)
    except ValueError:
        with pytest.raises(ValueError):
            pooling.pool2d(x, mode, **kwargs)
        return False
    with np.errstate(all="ignore"):
        result = pooling.pool2d(x, mode, **kwargs)
        _compare(x, mode, kwargs, result, ref)
    return True


def _compare(x, mode, kwargs, result, ref):
    values = result.values
    assert values.shape == (ref.values.shape if ref.values is not None else ref.probabilities.shape[:-1])
    check_grid(result, ref)
    train = mode == "stochastic" and kwargs.get("train", True)
    if mode in ("max", "min"):
        assert values.dtype == x.dtype
        np.testing.assert_array_equal(values, ref.values)
        assert result.indices.dtype == np.int64
        np.testing.assert_array_equal(result.indices, ref.indices)
        assert result.weights is None
    elif train:
        assert values.dtype == x.dtype
        idx = result.indices
        assert idx.dtype == np.int64
        planes = x if x.ndim == 3 else x[None]
        flat_idx = idx if x.ndim == 3 else idx[None]
        for c in range(planes.shape[0]):
            np.testing.assert_array_equal(planes[c].flat[flat_idx[c]], values[c] if x.ndim == 3 else values)
        taps = result.tap if x.ndim == 3 else result.tap[0]
        probability = np.take_along_axis(ref.probabilities, taps[..., None].astype(np.intp), -1)[..., 0]
        assert (probability > 0).all(), "picked a cell with probability 0"
    else:
        assert values.dtype == out_dtype(x.dtype)
        assert result.indices is None
        if mode == "avg" or (mode == "lp" and math.isinf(kwargs["p"])):
            np.testing.assert_array_equal(values, ref.values)
        elif mode == "mixed":
            # alpha * max + (1 - alpha) * avg can cancel: scale the error by the terms.
            scale = (np.abs(ref.weights) * np.abs(gathered(x, ref)[0 if x.ndim == 2 else slice(None)])).sum(-1)
            assert_close(values, ref.values, RTOL[values.dtype], scale)
        else:
            assert_close(values, ref.values, RTOL[values.dtype])
        check_weights(x, result, ref, mode, RTOL[values.dtype])
    channel = 0 if x.ndim == 2 else x.shape[0] - 1
    check_sweep(x, result, ref, mode, channel)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mode", MODES)
def test_pool2d_matches_reference(mode, seed):
    rng = np.random.default_rng([MODE_NUMBER[mode], seed])
    for n in range(CASES_PER_SEED):
        x, kwargs = random_case(rng, mode)
        try:
            check_case(x, mode, kwargs)
        except AssertionError as err:
            raise AssertionError(
                f"case {n} of seed {seed}: pooling.pool2d(x, {mode!r}, **{kwargs!r}) with\n"
                f"x = np.{x!r}"
            ) from err


def test_random_cases_cover_the_contract():
    """The draws above reach every dtype and every geometry feature, and mostly valid ones."""
    seen = set()
    valid = 0
    for mode in MODES:
        for seed in SEEDS:
            rng = np.random.default_rng([MODE_NUMBER[mode], seed])
            for _ in range(CASES_PER_SEED):
                x, kwargs = random_case(rng, mode)
                seen.add(("dtype", x.dtype.name))
                seen.add(("ndim", x.ndim))
                padding = kwargs.get("padding", 0)
                seen.add(("padding", padding if isinstance(padding, str) else type(padding).__name__))
                seen.add(("ceil_mode", kwargs["ceil_mode"]))
                seen.add(("dilated", kwargs.get("dilation", 1) != 1))
                k = kwargs["kernel_size"]
                seen.add(("rectangular", isinstance(k, tuple) and k[0] != k[1]))
                if x.dtype.kind == "f":
                    seen.add(("nan", bool(np.isnan(x).any())))
                    seen.add(("-inf", bool(np.isneginf(x).any())))
                try:
                    reference_pool2d(x, mode, **kwargs)
                    valid += 1
                except ValueError:
                    seen.add(("rejected", mode))
    for dtype in DTYPES:
        assert ("dtype", np.dtype(dtype).name) in seen
    for feature in [("ndim", 2), ("ndim", 3), ("padding", "same"), ("padding", "valid"), ("padding", "int"),
                    ("padding", "tuple"), ("ceil_mode", True), ("dilated", True), ("rectangular", True),
                    ("nan", True), ("-inf", True)]:
        assert feature in seen, feature
    assert valid >= 2500, valid


# --- targeted cases the random draws reach too rarely ---------------------


LARGE_CASES = [
    # (dtype, mode, settings): outputs of hundreds of rows, so fast paths cut them into several
    # row tiles (and threads); NaN sits in some tiles only.
    (np.float32, "max", dict(kernel_size=2)),
    (np.float32, "max", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (np.float64, "min", dict(kernel_size=(3, 2), stride=(2, 3), dilation=(2, 1), padding=(1, 0))),
    (np.uint8, "max", dict(kernel_size=3, stride=2, padding=1)),
    (np.int16, "min", dict(kernel_size=2, stride=1, ceil_mode=True)),
    (np.float16, "max", dict(kernel_size=2, padding="same")),
    (np.float32, "avg", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (np.float32, "avg", dict(kernel_size=(2, 3), stride=(1, 2), padding="same")),
    (np.uint8, "avg", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    (np.int16, "avg", dict(kernel_size=2, divisor_override=3)),
    (np.float16, "avg", dict(kernel_size=3, stride=2, ceil_mode=True)),
    (np.float64, "lp", dict(kernel_size=2, p=3.0)),
    (np.float32, "mixed", dict(kernel_size=3, stride=2, padding=1, alpha=0.3)),
]


def test_overflow_on_many_row_tiles_warns_no_more_than_on_one():
    # The row tiles run on threads, and np.errstate holds per thread: pool2d's "no warnings" must reach them.
    x = np.full((3, 331, 1013), 255, np.uint8)  # 255 ** 16 + 255 ** 16 overflows float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = pooling.pool2d(x, "lp", 2, p=16.0)
    np.testing.assert_allclose(r.values, 255 * 4 ** (1 / 16), rtol=1e-6)


@pytest.mark.parametrize(("dtype", "mode", "settings"), LARGE_CASES, ids=lambda v: getattr(v, "__name__", None))
def test_large_inputs_match_the_reference_on_sampled_rows(dtype, mode, settings):
    rng = np.random.default_rng([99, LARGE_CASES.index((dtype, mode, settings))])
    shape = (3, 331, 1013)
    if mode == "lp":
        x = rng.normal(size=shape).astype(dtype)
    elif np.dtype(dtype).kind == "f":
        x = rng.integers(-2, 3, size=shape).astype(dtype)  # ties everywhere
        x[1, rng.integers(0, shape[1], 40), rng.integers(0, shape[2], 40)] = np.nan
        x[2, 100:104] = -np.inf
    else:
        x = rng.integers(0, 4, size=shape).astype(dtype)
    with np.errstate(all="ignore"):
        r = pooling.pool2d(x, mode, **settings)
    oh = r.values.shape[1]
    # Both ends, a few random rows, and a few rows with NaN (checked against the reference too).
    nan_rows = np.flatnonzero(np.isnan(r.values[1]).any(axis=1))[:3]
    rows = sorted({0, 1, oh - 2, oh - 1, *rng.integers(0, oh, size=8).tolist(), *nan_rows.tolist()})
    ref = reference_pool2d(x, mode, out_rows=rows, **settings)
    got, want = r.values[:, rows], ref.values[:, rows]
    assert r.values.dtype == ref.values.dtype
    if mode in ("max", "min", "avg"):
        np.testing.assert_array_equal(got, want, strict=True)
    else:
        assert_close(got, want, RTOL[r.values.dtype], scale=np.abs(want) + 4)
    if mode in ("max", "min"):
        np.testing.assert_array_equal(r.indices[:, rows], ref.indices[:, rows], strict=True)



def test_ceil_mode_overhang_is_not_counted():
    # 1x5 row, k=2, s=2, ceil_mode: the last window [4, 5) hangs over; PyTorch divides by 1.
    x = np.array([[1.0, 2.0, 3.0, 4.0, 8.0]])
    ref = reference_pool2d(x, "avg", (1, 2), ceil_mode=True)
    np.testing.assert_array_equal(ref.values, [[1.5, 3.5, 8.0]])
    check_case(x, "avg", {"kernel_size": (1, 2), "ceil_mode": True})


def test_ceil_mode_window_starting_in_right_padding_is_dropped():
    # L=4, k=2, s=2, p=1, ceil_mode: ceil(3/2)+1 = 3 windows, none starts at or past 4 + 1.
    x = np.arange(4.0)[None]
    for kwargs in [dict(kernel_size=(1, 2), padding=(0, 1), ceil_mode=True),
                   dict(kernel_size=(1, 3), stride=(1, 2), padding=(0, 1), ceil_mode=True),
                   dict(kernel_size=(1, 2), stride=(1, 3), ceil_mode=True)]:
        assert check_case(x, "max", kwargs)
        assert check_case(x, "avg", kwargs)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.int64])
@pytest.mark.parametrize("mode", ["max", "min"])
def test_integer_extremes_with_padding(dtype, mode):
    # The core starts its running max at iinfo.min: a window of iinfo.min must still
    # report its first in-bounds cell, and padding must never win.
    info = np.iinfo(dtype)
    x = np.full((4, 5), info.min if mode == "max" else info.max, dtype=dtype)
    x[3, 4] = info.max if mode == "max" else info.min
    for padding in [0, 1, (1, 0), "same"]:
        assert check_case(x, mode, dict(kernel_size=3, stride=2, padding=padding))
        assert check_case(x, mode, dict(kernel_size=(2, 3), stride=1, padding=padding, ceil_mode=True))


def test_all_minus_inf_windows_report_first_in_bounds_cell():
    x = np.full((5, 5), -np.inf, dtype=np.float32)
    x[4, 4] = 0
    r = pooling.pool2d(x, "max", 3, stride=2, padding=1)
    # Window (0, 0) covers rows/cols -1..1: its first in-bounds cell is (0, 0).
    assert r.indices[0, 0] == 0 and r.indices[0, 1] == 1 and r.indices[1, 0] == 5
    assert check_case(x, "max", dict(kernel_size=3, stride=2, padding=1))


def test_stochastic_training_frequencies_follow_the_reference():
    window = np.array([[0, 1], [2, 5]], dtype=np.float64)
    x = np.tile(window, (1, 20_000))
    ref = reference_pool2d(x[:, :2], "stochastic", 2)
    r = pooling.pool2d(x, "stochastic", 2, rng=12345)
    counts = np.bincount(r.tap[0, 0], minlength=4) / r.tap.shape[-1]
    np.testing.assert_allclose(counts, ref.probabilities[0, 0], atol=0.015)
    assert counts[0] == 0


def test_stochastic_all_zero_window_picks_first_in_bounds_cell():
    x = np.zeros((3, 3), dtype=np.uint8)
    x[2, 2] = 7
    kwargs = dict(kernel_size=2, stride=1, padding=1)
    r = pooling.pool2d(x, "stochastic", rng=0, **kwargs)
    ref = reference_pool2d(x, "stochastic", **kwargs)
    all_zero = gathered(x, ref)[0].sum(axis=-1) == 0
    assert all_zero.sum() == 12
    np.testing.assert_array_equal(r.tap[0][all_zero], ref.in_bounds.argmax(axis=-1)[all_zero])
    np.testing.assert_array_equal(r.values[all_zero], 0)


def test_avg_dtypes_float16_accumulates_in_float32():
    # 2048 + 1 + 1 + ... is lost one by one in float16, kept in float32.
    x = np.array([[2048, 1, 1, 1]], dtype=np.float16)
    r = pooling.pool2d(x, "avg", (1, 4))
    assert r.values.dtype == np.float16
    assert r.values[0, 0] == np.float16(2051 / 4)
    assert check_case(x, "avg", {"kernel_size": (1, 4)})


def test_mixed_end_points_are_max_and_avg():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 6, 7))
    for kwargs in [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)]:
        mx = pooling.pool2d(x, "max", **kwargs).values
        avg = pooling.pool2d(x, "avg", **kwargs).values
        np.testing.assert_array_equal(pooling.pool2d(x, "mixed", alpha=1.0, **kwargs).values, mx)
        np.testing.assert_array_equal(pooling.pool2d(x, "mixed", alpha=0.0, **kwargs).values, avg)


def test_mixed_end_points_with_infinite_cells():
    """alpha=1 is max pooling and alpha=0 average pooling, also when a window holds -inf.

    Evaluated literally, ``alpha * max + (1 - alpha) * avg`` would give
    ``0 * -inf = NaN`` there.
    """
    x = np.array([[-np.inf, 3.0], [1.0, 0.0]])
    with np.errstate(invalid="ignore"):
        at_one = pooling.pool2d(x, "mixed", 2, alpha=1.0).values
        at_zero = pooling.pool2d(np.array([[-np.inf, -np.inf]]), "mixed", (1, 2), alpha=0.0).values
    np.testing.assert_array_equal(at_one, [[3.0]])
    np.testing.assert_array_equal(at_zero, [[-np.inf]])


def test_stochastic_training_keeps_wide_integers_exact():
    """Stochastic training copies the chosen cell itself: wide int64 values stay exact.

    ``pool2d(np.array([[2**53 + 1]]), "stochastic", 1, rng=0).values`` is
    ``[[9007199254740992]]``, not the input cell ``9007199254740993``; so
    ``x.flat[indices] != values``.
    """
    x = np.array([[2**53 + 1, 0], [3, 2**62 + 1]], dtype=np.int64)
    r = pooling.pool2d(x, "stochastic", 1, rng=0)
    assert r.values.dtype == np.int64
    np.testing.assert_array_equal(r.values, x)
    np.testing.assert_array_equal(x.flat[r.indices], r.values)


def test_sweep_describes_ties_and_padding():
    x = np.array([[1, 9, 9],
                  [0, 9, 2]], dtype=np.uint8)
    s = pooling.sweep_steps(pooling.pool2d(x, "max", 2, padding=1))
    assert s.descriptions() == [
        "Step 1 of 4: window rows 0, cols 0 and 3 padded cells; max 1 at (0, 0)",
        ("Step 2 of 4: window rows 0, cols 1-2 and 2 padded cells; max 9 at (0, 1), "
         "tied with (0, 2) (the first in row-major order wins)"),
        "Step 3 of 4: window rows 1, cols 0 and 3 padded cells; max 0 at (1, 0)",
        "Step 4 of 4: window rows 1, cols 1-2 and 2 padded cells; max 9 at (1, 1)",
    ]
    np.testing.assert_array_equal(s.output_so_far(2), [[1, 9], [0, np.nan]])
    assert s.pad_value == -np.inf
    avg = pooling.sweep_steps(pooling.pool2d(x, "avg", 2))
    assert avg.describe(0) == "Step 1 of 1: window rows 0-1, cols 0-1; avg 4.75 from 4 weighted cells"
    np.testing.assert_array_equal(avg.weights, [[0.25] * 4])


def test_sweep_nan_tie_does_not_claim_the_first_cell_wins():
    """A NaN window reports its LAST NaN, and describe() must not say the first wins."""
    x = np.array([[np.nan, 1.0], [np.nan, 2.0]])
    s = pooling.sweep_steps(pooling.pool2d(x, "max", 2))
    assert s.source(0) == (1, 0)
    assert "the first in row-major order wins" not in s.describe(0), s.describe(0)


def test_sweep_stochastic_tie_does_not_claim_the_first_cell_wins():
    """Stochastic training picks at random: describe() must not say ties go to the first cell.

    ``sweep_steps(pool2d(np.array([[3., 3.], [1., 0.]]), "stochastic", 2, rng=1)).describe(0)``
    is "...; stochastic 3 at (0, 1), tied with (0, 0) (the first in row-major order wins)".
    """
    x = np.array([[3.0, 3.0], [1.0, 0.0]])
    s = pooling.sweep_steps(pooling.pool2d(x, "stochastic", 2, rng=1))
    assert s.source(0) == (0, 1)
    assert "the first in row-major order wins" not in s.describe(0), s.describe(0)
