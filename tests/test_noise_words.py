"""The Noise page's computed sentences."""

import numpy as np
from apptest_helpers import open_page

from pooling import add_noise, pool2d
from poolinglab.words.noise import salt_words, turned_white


def test_turned_white_counts_only_what_the_noise_made_white():
    clean = np.array([[0.0, 255.0], [200.0, 255.0]])
    noisy = np.array([[255.0, 255.0], [300.0, 250.0]])  # a divisor override can go past white
    assert turned_white(clean, noisy, 255.0) == (2, 4)
    assert turned_white(np.zeros((0,)), np.zeros((0,)), 1.0) == (0, 0)


def test_average_pooling_can_turn_cells_white_and_the_sentence_says_how_many():
    # An outside review: "averaging spreads it thin, so no output cell jumps to white" is false on a photo with
    # white regions and strong salt.
    rng = np.random.default_rng(0)
    clean = np.full((1, 64, 64), 250, np.uint8)
    noisy = add_noise(clean, 0.5, "salt", rng=rng, clip=True)
    counts = {name: turned_white(pool2d(clean, m, 2).values, pool2d(noisy, m, 2).values, 255)
              for name, m in (("Max", "max"), ("Average", "avg"))}
    assert counts["Average"][0] > 0 and counts["Max"][0] > counts["Average"][0]
    text = salt_words(counts)
    assert "no output cell" not in text
    assert f"Average {counts['Average'][0] / 1024:.1%} ({counts['Average'][0]:,} of 1,024)" in text
    assert salt_words({}).endswith("Averaging spreads a speck over its window instead.")


def test_the_noise_page_counts_white_cells_for_salt():
    at = open_page("pages/noise.py")
    at.radio(key="noise_kind").set_value("salt").run()
    words = " ".join(m.value for m in at.markdown)
    assert "Output values turned white by the noise here: Max " in words and "no output cell" not in words
