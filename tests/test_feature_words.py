"""poolinglab.words.features: every sentence follows its numbers, and none prints a number made from nothing."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from poolinglab.words.features import (
    kept_words,
    no_map_words,
    peak_words,
    persistence_verdict,
    sizes_words,
    sparsity_words,
    stage_words,
)

RAW = "the raw feature map"


def test_sparsity_and_kept_words():
    assert sparsity_words("Laplacian", {"after ReLU": 0.97, "max-pooled": 0.9, "average-pooled": 0.9}) == (
        "Laplacian: 97% of the cells are 0 after ReLU, 90% max-pooled, 90% average-pooled.")
    assert kept_words("Gabor 0°", {"max": 1.0, "average": 0.3333}) == (
        "Gabor 0°: its strongest response keeps 100% of its height after max pooling, 33.3% after average pooling.")
    empty = kept_words("Gabor 0°", {"max": math.nan, "average": math.nan})
    assert "0 everywhere after ReLU" in empty and "nan" not in empty.lower()


def test_peak_words_say_what_the_average_divides_by():
    text = peak_words({"Max": 1.0, "Average": 1 / 9, "Anti-aliased max": 0.5625}, 9)
    assert "Max as 1 (100%)" in text
    assert "Average as 0.111 (11.1%, divided by 9: the window has 9 cells and the other 8 are 0)" in text
    assert "Anti-aliased max as 0.562 (56.2%, divided by 1.78)" in text and "window has 1.78" not in text
    assert "divided by 2)" in peak_words({"Average": 0.5}, 9)  # a divisor override is not the window's size
    assert "none of it" in peak_words({"Average": 0.0}, 4)


def test_the_verdict_on_the_default_numbers():
    shifts, shares = [1, 2, 3, 4], {RAW: [0.54, 0.28, 0.21, 0.17], "max": [0.73, 0.49, 0.33, 0.26],
                                    "average": [0.62, 0.32, 0.23, 0.18]}
    text = persistence_verdict(shifts, 2, shares, raw=RAW)
    assert text.startswith("Moved by shifts between whole strides (1 and 3 px), max keeps 53%, average 42.5% of their "
                           "detections on in place on average, the raw feature map 37.5%: pooling keeps more "
                           "(max and average).")
    assert "Moved by whole strides (2 and 4 px), the pooled grid moves by whole cells too: max keeps " \
           "37.5%, average 25% on average, the raw feature map 22.5%." in text


def test_the_verdict_names_a_pooling_that_does_not_keep_more():
    text = persistence_verdict([1, 2], 2, {RAW: [0.5, 0.2], "max": [0.7, 0.4], "average": [0.4, 0.1]}, raw=RAW)
    assert "only max keeps more." in text
    text = persistence_verdict([1, 2], 2, {RAW: [0.5, 0.2], "average": [0.4, 0.1]}, raw=RAW)
    assert "no pooling keeps more than the raw map." in text


def test_stride_one_and_silent_modes_and_no_detection():
    text = persistence_verdict([1, 2], 1, {RAW: [0.5, 0.2], "max": [0.6, 0.3]}, raw=RAW)
    assert text.startswith("With stride 1 every shift is a whole stride") and "between whole strides" not in text
    text = persistence_verdict([1, 2], 2, {RAW: [0.5, 0.2], "max": [0.6, 0.3], "average": [math.nan] * 2}, raw=RAW)
    assert text.endswith("average has no detection above the threshold at all: averaging spreads every peak below it.")
    assert "average 0" not in text
    text = persistence_verdict([1, 2], 2, {RAW: [math.nan] * 2, "max": [math.nan] * 2}, raw=RAW)
    assert text.startswith("No cell of the raw map is above the threshold")


shares_lists = st.lists(st.one_of(st.just(math.nan), st.floats(0, 1)), min_size=4, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 3), shares_lists, shares_lists, shares_lists)
def test_no_sentence_prints_nan_or_inf(stride, raw, max_shares, avg_shares):
    shifts = list(range(1, 2 * stride + 1))[:4]
    n = len(shifts)
    text = persistence_verdict(shifts, stride, {RAW: raw[:n], "max": max_shares[:n], "average": avg_shares[:n]},
                               raw=RAW)
    assert text and "nan" not in text.lower() and "inf" not in text.lower()
    for share in (*raw, *max_shares):
        words = peak_words({"Average": share}, 4) + kept_words("f", {"max": share})
        assert "nan" not in words.replace("not measured", "").lower()
    # Every percentage shown is a mean of finite shares of the group it names.
    assert all(0 <= float(p) <= 100 for p in __import__("re").findall(r"([\d.]+)%", text))
    assert np.isfinite(stride)


def test_shifts_past_one_stride_are_between_whole_strides_not_below_one():
    shares = {RAW: [0.5] * 6, "max": [0.6, 0.6, 0.4, 0.6, 0.6, 0.3]}
    text = persistence_verdict(range(1, 7), 3, shares, raw=RAW)
    assert text.startswith("Moved by shifts between whole strides (1, 2, 4 and 5 px), max keeps 60% of its detections")
    assert "Moved by whole strides (3 and 6 px), the pooled grid moves by whole cells too: max keeps 35% on average, " \
           "the raw feature map 50%." in text


def test_stage_words_reads_the_plane_asked_for_and_joins_both_sentences():
    sparsity = {"maps": [0.5, 1.0], "max": [0.25, 1.0], "avg": [0.25, 1.0]}
    kept = {"max": [1.0, float("nan")], "avg": [0.5, float("nan")]}
    assert stage_words("Sobel", sparsity, kept) == (
        sparsity_words("Sobel", {"after ReLU": 0.5, "max-pooled": 0.25, "average-pooled": 0.25}) + " "
        + kept_words("Sobel", {"max": 1.0, "average": 0.5}))
    # a flat map: every cell 0 in every map, and no strongest response to keep
    flat = stage_words("Flat", sparsity, kept, plane=1)
    assert flat.startswith("Flat: 100% of the cells are 0 after ReLU, 100% max-pooled, 100% average-pooled.")
    assert flat.endswith(kept_words("Flat", {"max": float("nan"), "average": float("nan")}))


def test_sizes_words_chains_every_step_and_a_missing_pooling():
    from poolinglab.layer_code import stage_sizes
    from poolinglab.settings import PoolSettings

    assert sizes_words(stage_sizes((10, 12), 3, PoolSettings())) == (
        "Sizes (rows × columns): photo 10 × 12 → conv 3 × 3 (no padding, stride 1) 8 × 10 → max pool 2 × 2, "
        "stride 2 4 × 5")
    assert sizes_words([("photo", (2, 2))]) == "Sizes (rows × columns): photo 2 × 2"


def test_no_map_words_names_the_image_and_the_filters():
    assert no_map_words((2, 3), 5) == ("The image (2 × 3) is smaller than the 5 × 5 filters, so there is no feature "
                                       "map. Choose a photo, or type a larger grid.")
