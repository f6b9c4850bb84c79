"""poolinglab.words.gallery: the Alternatives gallery's lines about the global poolings and the Lp card's scale."""

import numpy as np

import pooling
from poolinglab.words.gallery import global_words, lp_scale_words


def test_global_words_names_red_green_and_blue_for_a_photo():
    planes = np.arange(3 * 4 * 4, dtype=np.uint8).reshape(3, 4, 4)  # plane c holds 16c .. 16c + 15
    maxima = pooling.global_pool2d(planes, "max").values.ravel()
    means = pooling.global_pool2d(planes, "avg").values.ravel()
    assert global_words(maxima, means) == ("red: max 15, average 7.5\ngreen: max 31, average 23.5\n"
                                           "blue: max 47, average 39.5")


def test_global_words_of_one_plane_flat_or_negative():
    assert global_words([3.0], [3.0]) == "one plane: max 3, average 3"  # flat: max and mean tie
    assert global_words(np.array([-0.25]), np.array([-1 / 3])) == "one plane: max -0.25, average -0.3333"


def test_lp_scale_words_says_its_top_and_how_much_brighter_p_1_would_be():
    assert lp_scale_words(2 * 255.0, 255.0, 4) == (
        "Its own scale, 0 to 510: what a window whose 4 cells all hold 255 gives. On the shared 0 to 255 scale, "
        "p = 1 would be up to 4 times too bright.")
    assert lp_scale_words(123456.7, 0.5, 9).startswith("Its own scale, 0 to 1.235e+05: ")  # four significant digits
