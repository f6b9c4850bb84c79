"""Tests of poolinglab.words.loss: what the survival map counts, PSNR lines, which comes back closer, the chart's
text alternative."""

import numpy as np
import pytest
from helpers import raises

from poolinglab.words.loss import (
    chart_input_words,
    closer_words,
    indices_caption,
    psnr_caption,
    psnr_text,
    survival_words,
)


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

@pytest.mark.parametrize("mode", ["max", "min", "stochastic"])
def test_a_selecting_mode_gives_its_own_indices(mode):
    assert f"from {mode} pooling with your window." in indices_caption(mode, True)


@pytest.mark.parametrize("mode", ["avg", "lp", "mixed", "min"])
def test_a_mode_without_indices_or_refused_falls_back_to_max(mode):
    # avg and lp pick no cell; a selecting mode that could not pool the image (selecting False) falls back too
    caption = indices_caption(mode, False)
    assert "from max pooling with your window." in caption
    assert f"from {mode} pooling" not in caption


def test_the_caption_describes_the_csv_layout():
    assert indices_caption("max", True).endswith(
        "CSV files: a header line, then one line per row of each plane (columns channel, row, then one per column).")


def test_chart_input_words_names_both_sizes_rows_first():

    assert chart_input_words(3, (100, 200), (300, 600)) == (
        "To stay fast, the chart pools your image shrunk 3 times (block means), 100 × 200; the maps above use it at "
        "300 × 600.")
