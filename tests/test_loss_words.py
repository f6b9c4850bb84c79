"""Tests of poolinglab.words.loss: what the survival map counts, PSNR lines, which comes back closer, the chart's
text alternative."""

import numpy as np
from helpers import raises

from poolinglab.words.loss import closer_words, psnr_caption, psnr_text, survival_words


def test_page_words():
    assert survival_words(True).startswith("How many outputs picked each input cell")
    assert survival_words(False).startswith("This pooling picks no single cell")
    assert closer_words(30.0, 20.0).startswith("On this image, max-unpool comes back closer.")
    assert closer_words(20.0, 30.0).startswith("On this image, average comes back closer.")
    assert closer_words(20.0, 20.0).startswith("On this image, both come back equally close.")
    assert closer_words(np.inf, np.inf).startswith("On this image, both come back exactly: nothing is lost.")
    assert closer_words(np.nan, 3.0).startswith("On this image, PSNR cannot say which comes back closer")
    assert psnr_text(1234.5678, 17.123) == "MSE 1235   PSNR 17.12 dB"
    assert psnr_text(0.0, np.inf) == "MSE 0   PSNR ∞ (exact)"


def test_psnr_caption_says_which_kernels_the_chart_drew():
    assert "(x, k from 2 to 8)" in psnr_caption(range(2, 9))
    assert "(x, k from 2 to 3, as the image is only that large)" in psnr_caption([2, 3])
    with raises(ValueError, "kernels is empty"):
        psnr_caption([])
