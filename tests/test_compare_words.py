"""Max vs Average's computed sentences, on the edge cases the sidebar allows."""

import numpy as np
import pytest
from apptest_helpers import open_page, texts

from pooling import pool2d
from poolinglab.words import compare as compare_words
from poolinglab.words.compare import max_against_average

GRID = np.array([[-5, -3, -2, -1], [-4, -6, -2, -8], [-1, -7, -3, -2], [-9, -2, -4, -6]], dtype=np.float64)


def words(x, **layer):
    top = pool2d(x, "max", 2, **{k: v for k, v in layer.items() if k in ("stride", "padding")}).values
    avg = pool2d(x, "avg", 2, **layer).values
    return max_against_average(top, avg, padding_counted=layer.get("padding", 0) > 0
                               and layer.get("count_include_pad", True),
                               divisor_override=layer.get("divisor_override"))


def test_real_cells_never_put_max_below_the_mean():
    assert "at or above the average in all 4 output values" in words(GRID)
    assert "at or above" in words(np.full((4, 4), 7.0))  # a flat region: max equals the mean
    assert "at or above" in words(GRID, padding=1, count_include_pad=False)


def test_counted_zero_padding_lifts_negative_windows_above_their_max():
    text = words(GRID, padding=1)
    assert text.startswith("Here max is below the average in ")
    assert "count_include_pad" in text and "9 output values" in text


def test_a_divisor_override_is_named():
    text = words(np.abs(GRID), divisor_override=1)  # the sum of four positive cells beats their max
    assert "divisor override divides each window's sum by 1" in text


def test_nan_ties_and_empty_inputs():
    assert "at or above" in max_against_average([[[np.nan, 1.0]]], [[[np.nan, 1.0]]])
    assert max_against_average(np.zeros((1, 0, 0)), np.zeros((1, 0, 0))) == "There are no output values to compare."
    with pytest.raises(ValueError, match="must have one shape"):
        max_against_average(np.zeros((1, 2, 2)), np.zeros((1, 1, 2)))


def test_the_page_counts_it_on_a_padded_negative_grid():
    grid = "\n".join(" ".join(f"{v:g}" for v in row) for row in GRID)
    at = open_page("pages/max_vs_average.py", {"source": "grid", "grid": grid, "padding": "1"})
    line = next(t for t in texts(at) if t.startswith("Here max is"))
    assert line.startswith("Here max is below the average in ") and "count_include_pad" in line
    at = open_page("pages/max_vs_average.py", {"source": "grid", "grid": grid})
    assert any(t.startswith("Here max is at or above the average in all 4") for t in texts(at))


@pytest.mark.parametrize("size", [1, 5, compare_words._BLOCK - 1, compare_words._BLOCK, 3 * compare_words._BLOCK + 7])
def test_count_below_in_blocks_is_the_whole_comparison(size):
    rng = np.random.default_rng(size)
    top = rng.integers(0, 256, size).astype(np.uint8)
    mean = (top + rng.normal(0, 1, size)).astype(np.float32)
    mean[::7] = top[::7]  # equal: never below
    mean[::11] = np.nan
    top64, mean64 = top.astype(np.float64), mean.astype(np.float64)
    with np.errstate(invalid="ignore"):
        expected = int(np.count_nonzero(top64 < mean64 - 1e-9 * np.abs(mean64)))
    assert compare_words._count_below(top, mean) == expected
