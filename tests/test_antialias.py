"""Tests of ``pooling.antialiased_max_pool2d`` (MaxBlurPool, Zhang 2019) and ``binomial_filter``.

The direct reference follows antialiased-cnns' ``BlurPool``: dense max with
stride 1, reflect padding of ``(b - 1) // 2`` before and ``ceil((b - 1) / 2)``
after, a binomial correlation, and a sample every ``stride`` cells. It is
written with plain loops and its own reflect rule, not with ``np.pad``.
"""

import math

import numpy as np
import pytest
from helpers import coords, hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pooling
from pooling.antialias import blur_shifts

SETTINGS = hypothesis_settings(40)


def reflect(i, n):
    """Index ``i`` mirrored into ``[0, n)`` without repeating the edge (``np.pad(mode="reflect")``)."""
    while i < 0 or i >= n:
        i = -i if i < 0 else 2 * (n - 1) - i
    return i


def reference_blurmax(x, k, s, b):
    """MaxBlurPool cell by cell for a 2-D ``x`` and square ``k``, ``s`` and blur ``b``."""
    h, w = x.shape
    dense = np.array([[x[i : i + k, j : j + k].max() for j in range(w - k + 1)] for i in range(h - k + 1)])
    row = [math.comb(b - 1, t) for t in range(b)]
    total = sum(row) ** 2
    before = (b - 1) // 2
    dh, dw = dense.shape
    out = np.zeros((math.ceil(dh / s), math.ceil(dw / s)))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            acc = 0.0
            for a in range(b):
                for c in range(b):
                    acc += row[a] * row[c] * dense[reflect(i * s + a - before, dh), reflect(j * s + c - before, dw)]
            out[i, j] = acc / total
    return out


# --- binomial_filter ------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "row"),
    [(1, [1]), (2, [1, 1]), (3, [1, 2, 1]), (4, [1, 3, 3, 1]), (5, [1, 4, 6, 4, 1]), (7, [1, 6, 15, 20, 15, 6, 1])],
)
def test_binomial_filter_values(size, row):
    filt = pooling.binomial_filter(size)
    row = np.array(row, dtype=np.float64)
    np.testing.assert_allclose(filt, np.outer(row, row) / row.sum() ** 2, rtol=1e-15)
    assert filt.shape == (size, size)
    assert filt.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_array_equal(filt, filt.T)
    np.testing.assert_array_equal(filt, filt[::-1, ::-1])


def test_binomial_filter_3_by_hand():
    assert (pooling.binomial_filter(3) * 16).tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    assert pooling.binomial_filter(np.int64(3)).tolist() == pooling.binomial_filter(3).tolist()


@pytest.mark.parametrize("size", [0, 8, -1, 2.5, 3.0, True, "3", None])
def test_binomial_filter_size_errors(size):
    with raises(ValueError, f"blur_size ({size!r}) must be an int from 1 to 7"):
        pooling.binomial_filter(size)


# --- antialiased_max_pool2d --------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "k", "s", "out"),
    [((6, 6), 2, 2, (3, 3)), ((7, 9), 3, 2, (3, 4)), ((8, 8), 2, 3, (3, 3)), ((5, 4), 1, 1, (5, 4))],
)
def test_output_shape(shape, k, s, out):
    # Dense max gives (H - k + 1, W - k + 1); sampling every s keeps ceil of that over s.
    r = pooling.antialiased_max_pool2d(np.ones(shape), kernel_size=k, stride=s)
    assert r.values.shape == out
    assert r.blurred.shape == (1, shape[0] - k + 1, shape[1] - k + 1)
    assert r.stride == (s, s)
    assert r.mode == "blurmax"


def test_stages_are_exposed():
    x = np.random.default_rng(0).random((2, 7, 8))
    r = pooling.antialiased_max_pool2d(x, kernel_size=2, stride=2, blur_size=3)
    dense = pooling.pool2d(x, "max", 2, stride=1)
    np.testing.assert_array_equal(r.dense.values, dense.values)
    np.testing.assert_array_equal(r.dense.indices, dense.indices)
    np.testing.assert_array_equal(r.values, r.blurred[:, ::2, ::2])
    np.testing.assert_array_equal(r.blur, pooling.binomial_filter(3))
    assert r.values.shape == (2, 3, 4)


@pytest.mark.parametrize(("k", "s"), [(2, 2), (3, 2), (2, 3), ((2, 3), (1, 2))])
def test_blur_size_one_is_strided_max(k, s):
    x = coords(7, 9, np.float64)
    r = pooling.antialiased_max_pool2d(x, kernel_size=k, stride=s, blur_size=1)
    sy, sx = (s, s) if isinstance(s, int) else s
    expected = pooling.pool2d(x, "max", k, stride=1).values[::sy, ::sx]
    np.testing.assert_array_equal(r.values, expected)
    if k == s:
        np.testing.assert_array_equal(r.values, pooling.pool2d(x, "max", k, stride=s).values)


def test_a_dot_is_blurred_by_hand():
    # Dense 2x2 maxima of a dot at (2, 2) on 6x6: a 2x2 block of 16s at rows/cols 1-2 of a 5x5.
    x = np.zeros((6, 6))
    x[2, 2] = 16.0
    r = pooling.antialiased_max_pool2d(x)
    assert r.dense.values[0, 1:3, 1:3].tolist() == [[16, 16], [16, 16]]
    # Output (0, 0) samples dense (0, 0); its row taps -1, 0, 1 (weights 1, 2, 1) reflect to rows
    # 1, 0, 1, so the block gets 2/4 of each axis: 16 / 4 = 4. Output (1, 1) samples dense
    # (2, 2): rows 1, 2, 3 put 3/4 on the block per axis, 16 * 9 / 16 = 9. Dense column 4's taps
    # 3, 4, 5 -> 3 miss the block: 0.
    assert r.values.tolist() == [[4.0, 6.0, 0.0], [6.0, 9.0, 0.0], [0.0, 0.0, 0.0]]


@SETTINGS
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(3, 10), st.integers(3, 10)), elements=st.integers(-9, 9).map(float)),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 7),
)
def test_matches_the_direct_reference(x, k, s, b):
    dense_h, dense_w = x.shape[0] - k + 1, x.shape[1] - k + 1
    reflect_pad = b // 2
    if b > 1 and reflect_pad >= min(dense_h, dense_w):
        # np.pad and torch's reflect padding both need the pad below the side.
        with raises(ValueError, f"blur_size ({b}) needs the dense maxima to be larger than {dense_h}x{dense_w}"):
            pooling.antialiased_max_pool2d(x, kernel_size=k, stride=s, blur_size=b)
        return
    r = pooling.antialiased_max_pool2d(x, kernel_size=k, stride=s, blur_size=b)
    np.testing.assert_allclose(r.values, reference_blurmax(x, k, s, b), rtol=1e-12, atol=1e-12)


@hypothesis_settings(300)
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 2), st.integers(1, 8), st.integers(2, 14)),
               elements=st.floats(-2, 2) | st.sampled_from([0.0, 0.5, -0.5, np.nan])),
    st.integers(1, 6),
    st.tuples(st.integers(1, 3), st.integers(1, 3)),
    st.integers(1, 7),
)
def test_blur_shifts_is_each_shift_blurred_on_its_own(strip, max_shift, stride, b):
    # The shift test's anti-aliased max: each shift of a strip of dense maxima blurred and subsampled, the rows'
    # blur done once for the strip. Every number, NaN included, must be the shift's own.
    width = strip.shape[-1] - min(max_shift, strip.shape[-1] - 1)
    alone = []
    for d in range(strip.shape[-1] - width + 1):
        try:
            alone.append(pooling.antialiased_max_pool2d(strip[..., d:d + width], 1, stride, blur_size=b).values)
        except ValueError as err:  # a blur too big for a shift: the strip's path refuses it in the same words
            with raises(ValueError, str(err)):
                blur_shifts(strip, width, stride, blur_size=b)
            return
    np.testing.assert_array_equal(blur_shifts(strip, width, stride, blur_size=b), alone)


def test_blur_shifts_refuses_a_width_the_strip_does_not_have():
    with raises(ValueError, "width (7) must be from 1 to the strip's width (6)"):
        blur_shifts(np.ones((1, 4, 6)), 7)


def test_matches_a_torch_blurpool():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(4)
    for b in (2, 3, 4, 5):
        x = rng.standard_normal((3, 12, 11))
        row = torch.tensor([math.comb(b - 1, t) for t in range(b)], dtype=torch.float64)
        filt = (row[:, None] * row[None, :] / row.sum() ** 2).expand(3, 1, b, b)
        dense = F.max_pool2d(torch.from_numpy(x)[None], 2, stride=1)
        pads = ((b - 1) // 2, math.ceil((b - 1) / 2)) * 2
        expected = F.conv2d(F.pad(dense, pads, mode="reflect"), filt, stride=2, groups=3)[0].numpy()
        r = pooling.antialiased_max_pool2d(x, kernel_size=2, stride=2, blur_size=b)
        np.testing.assert_allclose(r.values, expected, rtol=1e-12, atol=1e-12)


def test_integer_input_gives_floats():
    r = pooling.antialiased_max_pool2d(np.full((6, 6), 200, np.uint8))
    assert r.values.dtype == np.float64
    np.testing.assert_allclose(r.values, 200.0)  # a flat image stays flat


def test_three_d_input_keeps_channels():
    x = np.stack([coords(6, 6, np.float64), -coords(6, 6, np.float64)])
    r = pooling.antialiased_max_pool2d(x)
    assert r.values.shape == (2, 3, 3)
    np.testing.assert_array_equal(r.values[0], pooling.antialiased_max_pool2d(coords(6, 6, np.float64)).values)


# --- errors -----------------------------------------------------------------------


def test_blur_too_large_for_the_dense_maxima():
    with raises(ValueError, "blur_size (3) needs the dense maxima to be larger than 1x1"):
        pooling.antialiased_max_pool2d(np.ones((2, 2)), kernel_size=2, blur_size=3)
    with raises(ValueError, "blur_size (7) needs the dense maxima to be larger than 3x5"):
        pooling.antialiased_max_pool2d(np.ones((4, 6)), kernel_size=2, blur_size=7)


@pytest.mark.parametrize("blur_size", [0, 9, 1.5])
def test_bad_blur_size(blur_size):
    with raises(ValueError, f"blur_size ({blur_size!r}) must be an int from 1 to 7"):
        pooling.antialiased_max_pool2d(np.ones((6, 6)), blur_size=blur_size)


def test_bad_stride_and_kernel():
    with raises(ValueError, "stride (0) must be at least 1"):
        pooling.antialiased_max_pool2d(np.ones((6, 6)), stride=0)
    with raises(TypeError, "stride (2.0) must be an int or a pair of ints, not float"):
        pooling.antialiased_max_pool2d(np.ones((6, 6)), stride=2.0)
    with raises(ValueError, "output height would be 0: input height 6 plus padding 0 is smaller than the dilated "
                            "kernel 7"):
        pooling.antialiased_max_pool2d(np.ones((6, 6)), kernel_size=7)


def test_bad_input():
    with raises(TypeError, "x has complex dtype complex128"):
        pooling.antialiased_max_pool2d(np.ones((6, 6), complex))
