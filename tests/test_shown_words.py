"""Tests of ``poolinglab.words.shown``: the sizes it states are the ones block means give."""

import numpy as np
from helpers import hypothesis_settings
from hypothesis import given
from hypothesis import strategies as st

from figures.maps import block_mean
from poolinglab.words.shown import block_words, shrunk_size


@hypothesis_settings(60)
@given(st.integers(1, 90), st.integers(1, 90), st.integers(1, 100))
def test_shrunk_size_is_what_block_mean_gives(h, w, side):
    shrunk, f = block_mean(np.zeros((h, w)), side)
    assert shrunk_size((h, w), side) == (f, shrunk.shape)


def test_block_words_state_the_sizes_and_say_nothing_when_nothing_shrinks():
    text = block_words((3000, 4000), (300, 400), 10, "The photos are", "they show small",
                       full_parts="The downloads have every pixel.")
    assert text == ("The photos are shown as means of 10 × 10 pixel blocks, 300 × 400 for the image's 3,000 × 4,000 "
                    "pixels: they show small. The downloads have every pixel.")
    assert block_words((300, 400), (300, 400), 1, "The photos are", "they fit") == ""
