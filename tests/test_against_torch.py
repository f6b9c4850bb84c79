"""A larger live comparison with PyTorch, run only where torch is installed.

torch is not a project dependency: without it this module is skipped, and
``tests/test_torch_golden.py`` replays recorded PyTorch outputs instead.
"""

import numpy as np
import pytest

import pooling

torch = pytest.importorskip(
    "torch",
    reason="torch is not installed; it is optional (test_torch_golden.py covers PyTorch without it)",
    exc_type=ImportError,  # a broken torch install skips too: torch is not a project dependency
)
F = torch.nn.functional

SEEDS = range(8)
CASES_PER_SEED = 30
MAX_DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64]
AVG_DTYPES = [np.float16, np.float32, np.float64]


def random_input(rng, shape, dtype):
    """Ties, a wide range, or special cells (NaN, infinities, integer extremes)."""
    dtype = np.dtype(dtype)
    style = rng.integers(3)
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        if style == 0:
            return rng.integers(max(int(info.min), -1), 3, size=shape).astype(dtype)
        if style == 1:
            return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
        return rng.choice(np.array([info.min, info.min, 0, info.max], dtype=dtype), size=shape)
    if style == 0:
        return rng.integers(-1, 3, size=shape).astype(dtype)
    if style == 1:
        return rng.normal(scale=100.0, size=shape).astype(dtype)
    x = rng.choice(np.array([np.nan, -np.inf, np.inf, -np.inf, 0.0, 1.0, -1.0, 2.0]), size=shape)
    if rng.random() < 0.5:
        x[..., rng.integers(shape[-2]), :] = -np.inf
    return x.astype(dtype)


def random_settings(rng, dilation):
    kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
    settings = dict(
        kernel_size=(kh, kw),
        stride=tuple(int(v) for v in rng.integers(1, 5, size=2)),
        padding=(int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1))),
        ceil_mode=bool(rng.random() < 0.5),
    )
    if dilation and rng.random() < 0.5:
        settings["dilation"] = tuple(int(v) for v in rng.integers(1, 4, size=2))
    return settings


def random_shape(rng):
    h, w = (int(v) for v in rng.integers(1, 13, size=2))
    return (h, w) if rng.random() < 0.3 else (int(rng.integers(1, 4)), h, w)


def as_torch(x):
    return torch.from_numpy(x if x.ndim == 3 else x[None])


def from_torch(t, ndim):
    out = t.numpy()
    return out if ndim == 3 else out[0]


def torch_max(x, settings):
    """PyTorch's max_pool2d, or None where it raises or where a window holds only padding."""
    t = as_torch(x)
    args = dict(settings)
    try:
        if torch.isinf(F.max_pool2d(torch.ones(t.shape, dtype=torch.float64), **args)).any():
            return None  # PyTorch returns -inf there; the core raises ValueError
        values, indices = F.max_pool2d(t, return_indices=True, **args)
    except RuntimeError:
        return None
    return from_torch(values, x.ndim), from_torch(indices, x.ndim)


def compare_rejected(x, mode, settings):
    with pytest.raises(ValueError):
        pooling.pool2d(x, mode, **settings)


@pytest.mark.parametrize("seed", SEEDS)
def test_max_matches_torch_for_every_dtype(seed):
    rng = np.random.default_rng([101, seed])
    for n in range(CASES_PER_SEED):
        dtype = MAX_DTYPES[int(rng.integers(len(MAX_DTYPES)))]
        x = random_input(rng, random_shape(rng), dtype)
        settings = random_settings(rng, dilation=True)
        expected = torch_max(x, settings)
        context = f"case {n} of seed {seed}: pool2d(x, 'max', **{settings}) with x = np.{x!r}"
        if expected is None:
            compare_rejected(x, "max", settings)
            continue
        r = pooling.pool2d(x, "max", **settings)
        np.testing.assert_array_equal(r.values, expected[0], err_msg=context, strict=True)
        np.testing.assert_array_equal(r.indices, expected[1], err_msg=context, strict=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_min_is_torch_max_of_the_negation(seed):
    rng = np.random.default_rng([102, seed])
    for n in range(CASES_PER_SEED):
        x = random_input(rng, random_shape(rng), [np.float32, np.float64][int(rng.integers(2))])
        settings = random_settings(rng, dilation=True)
        expected = torch_max(-x, settings)
        if expected is None:
            compare_rejected(x, "min", settings)
            continue
        r = pooling.pool2d(x, "min", **settings)
        context = f"case {n} of seed {seed}: pool2d(x, 'min', **{settings}) with x = np.{x!r}"
        np.testing.assert_array_equal(r.values, -expected[0], err_msg=context, strict=True)
        np.testing.assert_array_equal(r.indices, expected[1], err_msg=context, strict=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_avg_matches_torch(seed):
    rng = np.random.default_rng([103, seed])
    for n in range(CASES_PER_SEED):
        dtype = AVG_DTYPES[int(rng.integers(len(AVG_DTYPES)))]
        x = random_input(rng, random_shape(rng), dtype)
        settings = random_settings(rng, dilation=False)
        options = dict(count_include_pad=bool(rng.random() < 0.5))
        if rng.random() < 0.2:
            options["divisor_override"] = int(rng.choice([1, 2, 3, 5]))
        try:
            expected = from_torch(F.avg_pool2d(as_torch(x), **settings, **options), x.ndim)
        except RuntimeError:
            compare_rejected(x, "avg", settings)
            continue
        with np.errstate(all="ignore"):
            r = pooling.pool2d(x, "avg", **settings, **options)
        context = f"case {n} of seed {seed}: pool2d(x, 'avg', **{settings}, **{options}) with x = np.{x!r}"
        np.testing.assert_array_equal(r.values, expected, err_msg=context, strict=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_lp_matches_torch(seed):
    # PyTorch's lp_pool2d has no padding; under ceil_mode it rescales by the full
    # kernel area instead of summing, so compare without ceil_mode. It also raises
    # x (not |x|) to the power p: give it |x|.
    rng = np.random.default_rng([104, seed])
    for n in range(CASES_PER_SEED):
        x = rng.normal(scale=3.0, size=random_shape(rng))
        settings = random_settings(rng, dilation=False)
        del settings["padding"]
        settings["ceil_mode"] = False
        p = float(rng.choice([1.0, 2.0, 3.0, 1.5]))
        try:
            expected = from_torch(F.lp_pool2d(as_torch(np.abs(x)), p, **settings), x.ndim)
        except RuntimeError:
            compare_rejected(x, "lp", settings)
            continue
        r = pooling.pool2d(x, "lp", p=p, **settings)
        context = f"case {n} of seed {seed}: pool2d(x, 'lp', p={p}, **{settings}) with x = np.{x!r}"
        np.testing.assert_allclose(r.values, expected, rtol=1e-12, err_msg=context)


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_provenance_is_where_autograd_sends_the_gradient(seed):
    """Max's indices and avg's weights route a gradient of ones exactly as autograd does."""
    rng = np.random.default_rng([105, seed])
    for _ in range(CASES_PER_SEED // 2):
        x = rng.integers(-2, 3, size=random_shape(rng)).astype(np.float64)
        settings = random_settings(rng, dilation=False)
        t = as_torch(x).clone().requires_grad_(True)
        try:
            F.max_pool2d(t, **settings).sum().backward()
        except RuntimeError:
            compare_rejected(x, "max", settings)
            continue
        n_ch, h, w = t.shape
        r = pooling.pool2d(x, "max", **settings)
        idx = r.indices if x.ndim == 3 else r.indices[None]
        flat = (idx + np.arange(n_ch)[:, None, None] * h * w).ravel()
        np.testing.assert_array_equal(np.bincount(flat, minlength=n_ch * h * w).reshape(n_ch, h, w), t.grad.numpy())

        t.grad = None
        F.avg_pool2d(t, **settings).sum().backward()
        r = pooling.pool2d(x, "avg", **settings)
        weights = r.weights if x.ndim == 3 else r.weights[None]
        rows, cols = r.grid.tap_positions()
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        spread = np.zeros((n_ch, h, w))
        for c in range(n_ch):
            np.add.at(spread[c], (rows[inside], cols[inside]), weights[c][inside])
        np.testing.assert_allclose(spread, t.grad.numpy(), rtol=1e-12)
