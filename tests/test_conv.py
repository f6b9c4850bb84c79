"""pooling.conv: hand-computed cases, a brute-force reference, hypothesis, PyTorch's recorded outputs, errors."""

import pathlib

import numpy as np
import pytest
from golden import read_golden
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from make_torch_golden_conv import COLUMNS, DTYPES, padding_arg

from pooling.conv import conv2d, conv_output_size, conv_padding, relu

GOLDEN = pathlib.Path(__file__).parent / "data" / "torch_golden_conv.npz"


def reference_conv2d(x, weight, bias=None, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1):
    """Brute force, one output cell and one tap at a time, straight from PyTorch's definition.

    Shares no code with pooling.conv: padding is read cell by cell (outside
    the input counts as 0), not built as a padded array.
    """
    x = np.asarray(x, dtype=np.float64)
    weight = np.asarray(weight, dtype=np.float64)
    _, h, w = x.shape
    f, cg, kh, kw = weight.shape
    (top, bottom), (left, right) = padding
    oh = (h + top + bottom - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (w + left + right - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((f, oh, ow))
    per_group = f // groups
    for n in range(f):
        first = (n // per_group) * cg
        for i in range(oh):
            for j in range(ow):
                total = 0.0 if bias is None else float(bias[n])
                for ch in range(cg):
                    for a in range(kh):
                        for b in range(kw):
                            r = i * stride[0] + a * dilation[0] - top
                            q = j * stride[1] + b * dilation[1] - left
                            if 0 <= r < h and 0 <= q < w:
                                total += weight[n, ch, a, b] * x[first + ch, r, q]
                out[n, i, j] = total
    return out


# ------------------------------------------------------------ hand-computed


def test_cross_correlation_not_convolution():
    # Values that name their own coordinates (10 * row + col): the kernel picks the cell at its own 1.
    x = (10 * np.arange(3)[:, None] + np.arange(3))[None].astype(float)
    pick_top_left = np.zeros((1, 1, 2, 2))
    pick_top_left[0, 0, 0, 0] = 1
    assert conv2d(x, pick_top_left).tolist() == [[[0.0, 1.0], [10.0, 11.0]]]
    pick_bottom_right = pick_top_left[:, :, ::-1, ::-1]
    assert conv2d(x, pick_bottom_right).tolist() == [[[11.0, 12.0], [21.0, 22.0]]]


def test_stride_padding_dilation_by_hand():
    x = (10 * np.arange(5)[:, None] + np.arange(5))[None].astype(float)
    one = np.ones((1, 1, 1, 1))
    assert conv2d(x, one, stride=2).tolist() == [[[0, 2, 4], [20, 22, 24], [40, 42, 44]]]
    # Dilation 2: the 2 x 2 kernel reads (i, j), (i, j + 2), (i + 2, j), (i + 2, j + 2).
    out = conv2d(x, np.ones((1, 1, 2, 2)), dilation=2)
    assert out.shape == (1, 3, 3) and out[0, 0, 0] == 0 + 2 + 20 + 22
    # Padding 1: the top-left output sees three zeros and x[0, 0], x[0, 1], x[1, 0], x[1, 1] under a 3 x 3 sum.
    assert conv2d(x, np.ones((1, 1, 3, 3)), padding=1)[0, 0, 0] == 0 + 1 + 10 + 11


def test_channels_groups_and_bias_by_hand():
    x = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 10.0)])
    w = np.ones((2, 2, 1, 1))
    w[1, 0] = -1
    assert conv2d(x, w, [0.5, 0.0]).tolist() == [[[11.5] * 2] * 2, [[9.0] * 2] * 2]
    # groups=2: filter 0 sees channel 0 only, filter 1 channel 1 only.
    assert conv2d(x, np.ones((2, 1, 1, 1)), groups=2).tolist() == [[[1.0] * 2] * 2, [[10.0] * 2] * 2]


def test_dtypes_and_relu():
    x32 = np.ones((1, 3, 3), np.float32)
    assert conv2d(x32, np.ones((1, 1, 2, 2), np.float32)).dtype == np.float32
    assert conv2d(x32, np.ones((1, 1, 2, 2))).dtype == np.float64
    assert conv2d(np.ones((1, 3, 3), np.uint8), np.ones((1, 1, 2, 2), np.float32)).dtype == np.float64
    assert conv2d(np.full((1, 2, 2), 255, np.uint8), np.ones((1, 1, 2, 2))).tolist() == [[[1020.0]]]
    r = relu(np.array([[-2.0, 3.0], [np.nan, -0.0]]))
    assert r[0].tolist() == [0.0, 3.0] and np.isnan(r[1, 0]) and r[1, 1] == 0


def test_output_sizes_and_padding_words():
    assert conv_output_size((7, 5), 3, stride=2, padding=1) == (4, 3)
    assert conv_output_size((6, 6), (2, 4), padding="same") == (6, 6)
    assert conv_padding("same", (4, 5), dilation=(1, 2)) == ((1, 2), (4, 4))
    assert conv_padding("valid", 3) == ((0, 0), (0, 0))


# ------------------------------------------------------------- errors


@pytest.mark.parametrize("kwargs, match", [
    ({"x": np.ones((3, 3)), "weight": np.ones((1, 1, 1, 1))}, r"x must be a non-empty \(C, H, W\) array"),
    ({"weight": np.ones((1, 3, 3))}, r"weight must be a non-empty \(F, C // groups, kh, kw\)"),
    ({"weight": np.ones((1, 3, 1, 1))}, r"weight has 3 input channel\(s\) per filter; .* it needs 2"),
    ({"weight": np.ones((3, 1, 1, 1)), "groups": 2},
     r"groups \(2\) must divide the input's channels \(2\) and the filters \(3\)"),
    ({"groups": 0}, r"groups \(0\) must be an int of at least 1"),
    ({"bias": [1.0, 2.0]}, r"bias must have shape \(1,\)"),
    ({"stride": 0}, r"stride \(0\) must be at least 1"),
    ({"padding": -1}, r"padding \(-1\) must be at least 0"),
    ({"padding": "full"}, r"padding \('full'\) must be an int"),
    ({"padding": "same", "stride": 2}, r"padding \('same'\) needs stride 1"),
    ({"weight": np.ones((1, 2, 5, 5))}, r"kernel_size \(5, 5\) with dilation \(1, 1\) does not fit"),
])
def test_errors_name_the_parameter(kwargs, match):
    args = {"x": np.ones((2, 4, 4)), "weight": np.ones((1, 2, 1, 1))}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        conv2d(args.pop("x"), args.pop("weight"), **args)


def test_complex_input_is_a_type_error():
    with pytest.raises(TypeError, match="x has dtype complex128"):
        conv2d(np.ones((1, 2, 2), complex), np.ones((1, 1, 1, 1)))


# --------------------------------------------------- reference and hypothesis


@st.composite
def conv_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    channels = groups * draw(st.integers(1, 2))
    filters = groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    low_h, low_w = max(1, dh * (kh - 1) + 1 - 2 * ph), max(1, dw * (kw - 1) + 1 - 2 * pw)
    h, w = draw(st.integers(low_h, low_h + 6)), draw(st.integers(low_w, low_w + 6))
    values = st.floats(-100, 100, allow_nan=False, width=64)
    x = draw(hnp.arrays(np.float64, (channels, h, w), elements=values))
    weight = draw(hnp.arrays(np.float64, (filters, channels // groups, kh, kw), elements=values))
    if draw(st.booleans()):  # the same weights in every channel: conv2d's grey-image fast path
        weight[:] = weight[:, :1]
    bias = draw(st.none() | hnp.arrays(np.float64, (filters,), elements=values))
    return x, weight, bias, {"stride": (sh, sw), "padding": (ph, pw), "dilation": (dh, dw), "groups": groups}


@settings(max_examples=300, deadline=None)
@given(conv_cases())
def test_matches_the_brute_force_reference(case):
    x, weight, bias, kw = case
    expected = reference_conv2d(x, weight, bias, kw["stride"], ((kw["padding"][0],) * 2, (kw["padding"][1],) * 2),
                                kw["dilation"], kw["groups"])
    out = conv2d(x, weight, bias, **kw)
    assert out.shape == expected.shape == (weight.shape[0], *conv_output_size(x.shape[1:], weight.shape[2:], **{
        k: v for k, v in kw.items() if k != "groups"}))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-9)


def test_channel_constant_weights_take_the_fast_path_and_match():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, (3, 11, 13)).astype(np.uint8)
    w = np.repeat(rng.integers(-3, 4, (2, 1, 3, 3)).astype(float), 3, axis=1)
    np.testing.assert_array_equal(conv2d(x, w, [1.0, -2.0], stride=2, padding=1),
                                  reference_conv2d(x, w, [1.0, -2.0], (2, 2), ((1, 1), (1, 1))))
    # Grouped: each group's channels share weights, the groups differ.
    w2 = np.concatenate([np.repeat(rng.normal(size=(1, 1, 2, 2)), 2, axis=1)] * 2)
    x2 = rng.normal(size=(4, 6, 6))
    np.testing.assert_allclose(conv2d(x2, w2, groups=2), reference_conv2d(x2, w2, groups=2), rtol=1e-12)


def test_same_padding_matches_the_reference_with_the_odd_cell_at_the_bottom_right():
    rng = np.random.default_rng(0)
    x, w = rng.integers(-3, 4, (2, 6, 7)).astype(float), rng.integers(-3, 4, (3, 2, 4, 2)).astype(float)
    pads = conv_padding("same", (4, 2), dilation=(1, 3))
    assert pads == ((1, 2), (1, 2))
    expected = reference_conv2d(x, w, padding=pads, dilation=(1, 3))
    np.testing.assert_array_equal(conv2d(x, w, padding="same", dilation=(1, 3)), expected)
    assert expected.shape[1:] == x.shape[1:]


def test_a_big_input_crosses_tile_boundaries_and_stays_exact():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (3, 70, 300)).astype(np.uint8)
    w = rng.integers(-2, 3, (4, 3, 5, 5)).astype(float)
    fast = conv2d(x, w, stride=(2, 1), padding=2)
    # Column slices of the same input must agree with the whole: every tile is read where it belongs.
    part = conv2d(x[:, :, :40], w, stride=(2, 1), padding=2)
    np.testing.assert_array_equal(fast[:, :, :36], part[:, :, :36])
    np.testing.assert_array_equal(fast[:, :4, :4], reference_conv2d(x[:, :9, :9], w, None, (2, 1), ((2, 2), (2, 2)))
                                  [:, :4, :4])


# ------------------------------------------------------------ PyTorch, replayed


GOLD, TORCH_VERSION = read_golden(GOLDEN)


def golden_case(n):
    c = GOLD[n]
    dtype = DTYPES[c["dtype"]]
    b = c["bias"].astype(dtype) if c["has_bias"] else None
    kw = {"stride": (c["sh"], c["sw"]), "padding": padding_arg(c), "dilation": (c["dh"], c["dw"]),
          "groups": c["groups"]}
    return c["x"].astype(dtype), c["weight"].astype(dtype), b, kw, c["output"].astype(dtype), bool(c["integers"])


def test_the_recordings_cover_every_option():
    col = {name: np.array([c[name] for c in GOLD]) for name in COLUMNS}
    assert len(GOLD) >= 300 and TORCH_VERSION.startswith("2.")
    assert set(col["groups"]) >= {1, 2, 3} and set(col["padding_kind"]) == {0, 1, 2}
    assert (col["dh"] > 1).any() and (col["sh"] > 1).any() and set(col["has_bias"]) == {0, 1}


@pytest.mark.parametrize("n", range(len(GOLD)))
def test_matches_torch_recordings(n):
    x, w, b, kw, expected, integers = golden_case(n)
    out = conv2d(x, w, b, **kw)
    assert out.dtype == expected.dtype and out.shape == expected.shape
    assert conv_output_size(x.shape[1:], w.shape[2:], **{k: v for k, v in kw.items() if k != "groups"}) == \
        expected.shape[1:]
    if integers:  # small-integer sums are exact in float32 and float64 alike
        np.testing.assert_array_equal(out, expected)
    else:
        np.testing.assert_allclose(out, expected, rtol=1e-5 if x.dtype == np.float32 else 1e-12, atol=1e-5)
