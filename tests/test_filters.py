"""poolinglab.filters: the bank's weights, the typed kernel's errors, and one Conv2d weight for a list of kernels."""

import numpy as np
import pytest

from pooling.conv import conv2d, stage_weights
from poolinglab.filters import BANK, parse_kernel


def test_the_bank_has_every_filter_with_a_sentence_and_read_only_weights():
    assert list(BANK) == ["sobel-v", "sobel-h", "sobel-d1", "sobel-d2", "laplacian",
                          "gabor-0", "gabor-45", "gabor-90", "gabor-135"]
    for f in BANK.values():
        w = f.weights
        assert f.sentence.startswith("Answers where") and f.label
        assert w.shape in ((3, 3), (5, 5)) and not w.flags.writeable
        np.testing.assert_allclose(w[w > 0].sum(), 1.0)
        assert abs(w.sum()) < 1e-12  # no response on a flat image


def test_each_filter_answers_its_own_pattern_most():
    ramp = np.tile(np.arange(7.0), (7, 1)) / 6  # brighter to the right
    patterns = {"sobel-v": ramp, "sobel-h": ramp.T, "sobel-d1": (ramp + ramp.T) / 2,
                "sobel-d2": (ramp[:, ::-1] + ramp.T) / 2}
    dot = np.zeros((7, 7))
    dot[3, 3] = 1
    patterns["laplacian"] = dot
    for angle in (0, 45, 90, 135):
        bar = np.zeros((7, 7))
        rows, cols = np.mgrid[-3:4, -3:4]
        t = np.deg2rad(angle)
        bar[np.abs(-cols * np.sin(t) - rows * np.cos(t)) < 0.5] = 1  # a one-pixel bar through the centre
        patterns[f"gabor-{angle}"] = bar
    for key, image in patterns.items():
        centre = {k: conv2d(image[None], f.weights[None, None])[0, 2, 2] if f.weights.shape[0] == 3 else
                  conv2d(image[None], f.weights[None, None])[0, 1, 1] for k, f in BANK.items()}
        group = [k for k in BANK if k.split("-")[0] == key.split("-")[0]]
        assert max(group, key=centre.get) == key, (key, centre)


def test_sobel_vertical_is_sobel_over_four():
    np.testing.assert_array_equal(BANK["sobel-v"].weights * 4, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def test_typed_kernels_parse():
    assert parse_kernel("1 2 3\n4 5 6\n7 8 9").tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert parse_kernel("\n".join(["0, 0, 1, 0, 0"] * 5)).shape == (5, 5)


@pytest.mark.parametrize("text, match", [
    ("", r"kernel: The grid is empty"),
    ("1 2 3\n4 x 6\n7 8 9", r"kernel: In row 2, value 2 \('x'\) is not a number"),
    ("1 2 3\n4 5\n7 8 9", r"kernel: Row 2 has 2 values but row 1 has 3"),
    ("1 2\n3 4", r"kernel: the kernel is 2 × 2; type 3 × 3 or 5 × 5"),
    ("1 2 3\n4 5 6", r"kernel: the kernel is 2 × 3"),
    ("\n".join(["1 1 1 1"] * 4), r"the kernel is 4 × 4"),
    ("0 0 0\n0 0 0\n0 0 0", r"kernel: every weight is 0"),
    ("1 2 3\n4 nan 6\n7 8 9", r"kernel: .*not a number|kernel: .*finite"),
])
def test_bad_kernel_text_says_what_is_wrong(text, match):
    with pytest.raises(ValueError, match=match):
        parse_kernel(text)


def test_stage_weights_pads_centred_and_averages_the_channels():
    w = stage_weights([BANK["sobel-v"].weights, BANK["gabor-0"].weights], 3)
    assert w.shape == (2, 3, 5, 5)
    np.testing.assert_allclose(w[0, :, 1:4, 1:4] * 3, np.broadcast_to(BANK["sobel-v"].weights, (3, 3, 3)))
    assert not w[0, :, 0].any() and not w[0, :, :, 4].any()
    # The stage on a colour image equals the filter on its grey mean.
    rng = np.random.default_rng(0)
    x = rng.random((3, 9, 9))
    np.testing.assert_allclose(conv2d(x, w)[0], conv2d(x.mean(0, keepdims=True), BANK["sobel-v"].weights[None, None])
                               [0, 1:-1, 1:-1])
    with pytest.raises(ValueError, match="kernels is empty"):
        stage_weights([], 3)
    with pytest.raises(ValueError, match="square with an odd side"):
        stage_weights([np.ones((2, 2))], 1)
