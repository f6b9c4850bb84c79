"""pooling.formulas: each mode's sentence and LaTeX, and the Lp continuum from the sum to the max."""

import math

import numpy as np
import pytest

from pooling import pool2d
from pooling.formulas import FORMULAS, LP_STEPS, formula, lp_ratios


def coded(h, w):
    """Values that spell their own coordinates: 10 * row + col."""
    return (10 * np.arange(h)[:, None] + np.arange(w)[None, :]).astype(np.float64)


# ------------------------------------------------------------------ formulas


def test_every_gallery_mode_has_a_title_a_sentence_and_balanced_latex():
    assert set(FORMULAS) == {"max", "min", "avg", "lp", "stochastic-train", "stochastic-test", "fractional",
                             "global-max", "global-avg", "mixed", "antialiased"}
    for name, f in FORMULAS.items():
        assert f.title and f.latex, name
        assert f.sentence.endswith(".") and f.sentence.count(". ") == 0, name  # one sentence
        assert f.latex.count("{") == f.latex.count("}"), name
        assert "$" not in f.latex, name  # st.latex adds its own delimiters


def test_lp_is_pytorchs_root_of_a_power_sum_not_a_division_by_a_norm():
    lp = formula("lp")
    assert r"\sum_{(i, j) \in W} |x_{ij}|^{p}" in lp.latex and r"^{1/p}" in lp.latex
    assert r"\frac" not in lp.latex  # nothing is divided by a norm
    assert "p = 1 is the sum of |x| (not the mean)" in lp.sentence


def test_formulas_name_the_right_operation():
    assert r"\max" in formula("max").latex and r"\min" in formula("min").latex
    assert r"\frac{1}{|W|}" in formula("avg").latex
    assert r"\alpha \max" in formula("mixed").latex and r"(1 - \alpha)" in formula("mixed").latex
    assert r"\frac{\sum x_{ij}^2}{\sum x_{ij}}" in formula("stochastic-test").latex
    assert r"\frac{1}{H W}" in formula("global-avg").latex
    assert r"\lfloor (i + u)\,\alpha \rfloor - \lfloor u\,\alpha \rfloor" in formula("fractional").latex


def test_an_unknown_mode_is_named():
    with pytest.raises(ValueError, match=r"name \('median'\) must be one of max, min, avg"):
        formula("median")


# ------------------------------------------------------------ lp continuum


def test_lp_ratios_by_hand():
    # One 2 x 2 window holding 0, 1, 10, 11: sum 22, max 11, L2 sqrt(222).
    r = lp_ratios(coded(2, 2), (1, 2, math.inf), kernel_size=2)
    assert r.windows == 1 and r.ps == (1.0, 2.0, math.inf)
    np.testing.assert_allclose(r.to_sum, [1.0, math.sqrt(222) / 22, 11 / 22])
    np.testing.assert_allclose(r.to_max, [22 / 11, math.sqrt(222) / 11, 1.0])


def reference_ratios(x, ps, k, s, pad):
    """Mean Lp / max and Lp / sum over windows, window by window from the definition."""
    padded = np.pad(x, pad)
    out = (padded.shape[0] - k) // s + 1, (padded.shape[1] - k) // s + 1
    windows = [np.abs(padded[i * s:i * s + k, j * s:j * s + k]).ravel() for i in range(out[0]) for j in range(out[1])]
    windows = [w for w in windows if w.max() > 0]
    lps = [[w.max() if math.isinf(p) else (w ** p).sum() ** (1 / p) for w in windows] for p in ps]
    to_max = [np.mean([v / w.max() for v, w in zip(row, windows)]) for row in lps]
    to_sum = [np.mean([v / w.sum() for v, w in zip(row, windows)]) for row in lps]
    return to_max, to_sum, len(windows)


def test_lp_ratios_match_a_window_by_window_reference():
    x = np.random.default_rng(3).integers(0, 9, (7, 8)).astype(np.float64)
    x[:3, :3] = 0  # an all-zero window, left out of the means
    ps = (1, 1.5, 2, 5, math.inf)
    r = lp_ratios(x, ps, kernel_size=3, stride=2, padding=1)
    to_max, to_sum, n = reference_ratios(x, ps, 3, 2, 1)
    assert r.windows == n
    np.testing.assert_allclose(r.to_max, to_max, rtol=1e-12)
    np.testing.assert_allclose(r.to_sum, to_sum, rtol=1e-12)


def test_the_continuum_runs_from_the_sum_at_p_1_down_to_the_max():
    photo = np.random.default_rng(0).integers(0, 256, (3, 32, 32), dtype=np.uint8)
    r = lp_ratios(photo, LP_STEPS, kernel_size=2)
    assert r.to_sum[0] == pytest.approx(1.0) and r.to_max[-1] == pytest.approx(1.0)
    assert np.all(np.diff(r.to_max) < 0) and np.all(np.diff(r.to_sum) < 0)  # ||x||_p falls as p grows
    assert 1.0 < r.to_max[0] <= 4.0  # the sum of a 2 x 2 window is at most 4 times its max


def test_large_p_on_0_to_255_pixels_does_not_overflow():
    photo = np.full((1, 2, 2), 255, np.uint8)
    assert np.isinf(pool2d(photo, "lp", 2, p=32).values).all()  # float32: 255 ** 32 overflows
    r = lp_ratios(photo, (32,), kernel_size=2)
    np.testing.assert_allclose(r.to_max, [4 ** (1 / 32)])


def test_the_sum_is_pool2d_lp_with_p_1_not_the_mean():
    x = coded(4, 4)
    r = lp_ratios(x, (1,), kernel_size=2)
    sums = pool2d(x, "lp", 2, p=1).values
    np.testing.assert_allclose(sums, pool2d(x, "avg", 2).values * 4)
    np.testing.assert_allclose(r.to_max, [np.mean(sums[sums > 0] / pool2d(x, "max", 2).values[sums > 0])])


def test_all_zero_input_has_no_windows_and_nan_means():
    r = lp_ratios(np.zeros((4, 4)), (1, 2), kernel_size=2)
    assert r.windows == 0 and np.isnan(r.to_max).all() and np.isnan(r.to_sum).all()


def test_lp_ratios_name_bad_arguments():
    with pytest.raises(ValueError, match=r"ps \(\(\)\) must hold at least one p"):
        lp_ratios(np.ones((2, 2)), (), kernel_size=2)
    with pytest.raises(ValueError, match=r"p \(0.0\) must be > 0"):
        lp_ratios(np.ones((2, 2)), (1, 0), kernel_size=2)
    with pytest.raises(ValueError, match="kernel_size"):
        lp_ratios(np.ones((2, 2)), (1,), kernel_size=0)
