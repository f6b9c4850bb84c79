"""poolinglab.formulas: each mode's sentence and LaTeX, and the Lp continuum from the sum to the max."""

import math

import numpy as np
import pytest
from helpers import coords

from pooling import fractional_max_pool2d, global_pool2d, pool2d
from pooling.analysis.lp import LP_STEPS, lp_ratios
from poolinglab.formulas import FORMULAS, formula

# ------------------------------------------------------------------ formulas


def test_every_gallery_mode_has_a_title_a_sentence_and_balanced_latex():
    assert set(FORMULAS) == {"max", "min", "avg", "lp", "stochastic-train", "stochastic-test", "fractional",
                             "global-max", "global-avg", "mixed", "blurmax"}
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


def test_the_lp_and_fractional_notes_say_what_the_sentence_leaves_out():
    assert formula("lp").note.startswith("PyTorch's LPPool2d raises x itself to the p; the two agree for "
                                         "non-negative inputs such as photos wherever PyTorch's float32 sum")
    assert "below p = 15.76" in formula("lp").note  # 4 * 255 ** 15.76 is just under float32's largest value
    assert 4 * 255.0 ** 15.76 < 3.4028234663852886e38 < 4 * 255.0 ** 15.77
    frac = formula("fractional")
    assert "drawn once per plane and axis" in frac.note and "generate_intervals" in frac.note
    assert r"a_{H_\text{out} - 1} = H - k" in frac.latex and r"u \sim U[0, 1)" in frac.latex
    assert formula("max").note == ""


# ------------------------------------------- each formula, evaluated by hand

# One 3 x 3 window, 10 * row + col + 1: every cell positive (stochastic needs it) and distinct.
WINDOW = coords(3, 3, np.float64) + 1


def pooled(mode, x=WINDOW, **options):
    """The core's single output of one window the size of ``x``."""
    return float(pool2d(x, mode, x.shape, **options).values[0, 0])


@pytest.mark.parametrize(("mode", "by_hand"), [
    ("max", lambda w: w.max()),                       # y = max x
    ("min", lambda w: w.min()),                       # y = min x
    ("avg", lambda w: w.sum() / w.size),              # y = 1/|W| sum x
])
def test_max_min_and_average_are_their_formulas(mode, by_hand):
    assert pooled(mode) == pytest.approx(by_hand(WINDOW), rel=1e-12)


@pytest.mark.parametrize("p", [1.0, 2.0, math.inf])
def test_lp_is_its_formula_with_the_absolute_value(p):
    window = WINDOW * np.where(coords(3, 3, np.float64) % 2 == 1, -1, 1)  # some cells negative: the |x| matters
    by_hand = np.abs(window).max() if math.isinf(p) else (np.abs(window) ** p).sum() ** (1 / p)
    assert pooled("lp", window, p=p) == pytest.approx(by_hand, rel=1e-12)
    if p == 1:  # the |x| is the one departure from PyTorch's x ** p, whose p = 1 is the plain, signed sum
        assert pooled("lp", window, p=p) != pytest.approx(window.sum())
        assert pooled("lp", WINDOW, p=p) == pytest.approx(WINDOW.sum())  # they agree on non-negative inputs


def test_stochastic_test_time_is_the_expected_pick():
    by_hand = (WINDOW / WINDOW.sum() * WINDOW).sum()  # sum_ij x_ij / sum x * x_ij
    assert by_hand == pytest.approx((WINDOW ** 2).sum() / WINDOW.sum(), rel=1e-12)
    assert pooled("stochastic", train=False) == pytest.approx(by_hand, rel=1e-12)


def test_stochastic_training_picks_a_cell_with_probability_x_over_the_sum():
    window = np.array([[1.0, 2.0], [3.0, 4.0]])
    values = pool2d(np.tile(window, (100, 100)), "stochastic", 2, train=True, rng=0).values
    assert set(np.unique(values)) <= set(window.ravel())  # y = x_k: always one of the window's cells
    shares = [np.mean(values == v) for v in window.ravel()]
    np.testing.assert_allclose(shares, window.ravel() / window.sum(), atol=0.02)  # 10,000 windows


def test_mixed_is_its_formula():
    alpha = 0.3
    by_hand = alpha * WINDOW.max() + (1 - alpha) * WINDOW.sum() / WINDOW.size
    assert pooled("mixed", alpha=alpha) == pytest.approx(by_hand, rel=1e-12)


def test_global_max_and_average_are_their_formulas():
    planes = np.stack([coords(3, 4, np.float64), -coords(3, 4, np.float64) + 5])
    h, w = planes.shape[1:]
    np.testing.assert_allclose(global_pool2d(planes, "max").values.ravel(), [p.max() for p in planes])
    np.testing.assert_allclose(global_pool2d(planes, "avg").values.ravel(), [p.sum() / (h * w) for p in planes])


@pytest.mark.parametrize(("h", "w", "k", "out", "u_rows", "u_cols"), [
    (10, 9, 2, (6, 5), 0.5, 0.1), (7, 7, 2, (4, 4), 0.9, 0.0), (12, 10, 3, (5, 7), 0.37, 0.73),
    (9, 9, 1, (4, 4), 0.6, 0.2),  # gaps of 2 and 3 with a kernel of 1: rows and columns no window reads
])
def test_fractional_max_is_its_formula(h, w, k, out, u_rows, u_cols):
    x = np.random.default_rng(h * w).random((h, w))

    def starts(u, length, n):  # a_i = floor((i + u) alpha) - floor(u alpha); the last window ends at the edge
        alpha = (length - k) / (n - 1)
        return [math.floor((i + u) * alpha) - math.floor(u * alpha) for i in range(n - 1)] + [length - k]

    rows, cols = starts(u_rows, h, out[0]), starts(u_cols, w, out[1])
    by_hand = [[x[a:a + k, b:b + k].max() for b in cols] for a in rows]
    r = fractional_max_pool2d(x, k, output_size=out, samples=[[u_cols, u_rows]])  # column 0 drives the width
    np.testing.assert_array_equal(r.values, by_hand)
    assert r.grid.rows.positions[:, 0].tolist() == rows and r.grid.cols.positions[:, 0].tolist() == cols
    if k == 1:
        assert max(np.diff(rows)) > k  # a gap wider than the kernel skips pixels, as the page's caption says


def test_an_unknown_mode_is_named():
    with pytest.raises(ValueError, match=r"name \('median'\) must be one of max, min, avg"):
        formula("median")


# ------------------------------------------------------------ lp continuum


def test_lp_ratios_by_hand():
    # One 2 x 2 window holding 0, 1, 10, 11: sum 22, max 11, L2 sqrt(222).
    r = lp_ratios(coords(2, 2, np.float64), (1, 2, math.inf), kernel_size=2)
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
    # float32 255 ** 32 overflows (PyTorch gives inf); pool2d scales that window by its max instead.
    np.testing.assert_allclose(pool2d(photo, "lp", 2, p=32).values, [[[255 * 4 ** (1 / 32)]]], rtol=1e-6)
    r = lp_ratios(photo, (32,), kernel_size=2)
    np.testing.assert_allclose(r.to_max, [4 ** (1 / 32)])


def test_the_sum_is_pool2d_lp_with_p_1_not_the_mean():
    x = coords(4, 4, np.float64)
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
