"""AppTest of the Alternatives gallery: it runs, its widgets act, and what it shows is the core's."""

import math

import numpy as np
import pytest
from apptest_helpers import chart_by_key, errors, open_alone, picture_by_key, texts
from helpers import image_pixels, plotly_array

from pooling import antialiased_max_pool2d, fractional_max_pool2d, global_pool2d, pool2d
from pooling.analysis.lp import LP_STEPS, lp_ratios
from pooling.analysis.noise import value_range
from poolinglab.formulas import formula
from poolinglab.intake.images import grid_from_text, working_image
from poolinglab.intake.samples import load_sample
from poolinglab.settings import DEFAULT_GRID

PAGE = "pages/alternatives.py"
CARDS = ["max", "min", "avg", "lp", "stochastic-train", "stochastic-test", "fractional", "mixed", "blurmax"]
CHART_KEYS = {"blurmax": "alt_chart_antialiased"}  # the widget key keeps its old name


@pytest.fixture(scope="module")
def photo_page():
    return open_alone(PAGE)


def typed(text=DEFAULT_GRID):
    at = open_alone(PAGE)
    at.radio(key="source").set_value("grid").run()
    if text != DEFAULT_GRID:
        at.text_area(key="grid_text").input(text).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def traces(at, key):
    """The traces of the chart drawn with ``key``, by name, their arrays decoded."""
    return {t.get("name"): {k: plotly_array(v) if k in ("x", "y", "z") else v for k, v in t.items()}
            for t in chart_by_key(at, key)["data"]}


def z(at, key):
    return plotly_array(chart_by_key(at, key)["data"][0]["z"]).astype(np.float64)


def captions(at):
    return [c.value for c in at.caption]


def test_every_mode_is_shown_with_its_formula_on_the_default_photo(photo_page):
    at = photo_page
    assert at.title[0].value == "Alternatives gallery" and not errors(at) and not at.warning
    for name in CARDS:
        assert picture_by_key(at, CHART_KEYS.get(name, f"alt_chart_{name}")).startswith("data:image/webp;base64,"), name
        assert any(formula(name).latex in latex.value for latex in at.latex), name
    assert any(formula("global-max").latex in latex.value for latex in at.latex)
    assert "Max: the pooled image, 256 × 256 (rows × columns)." in captions(at)
    assert any(c.startswith("Fractional max: the pooled image, 358 × 358") for c in captions(at))


def test_figures_stay_under_two_megabytes(photo_page):
    assert sum(len(chart.proto.spec) for chart in photo_page.get("plotly_chart")) < 2_000_000


def test_max_min_average_and_mixed_show_the_cores_numbers():
    at = typed()
    grid = grid_from_text(DEFAULT_GRID)
    for mode in ("max", "min", "avg", "mixed"):
        np.testing.assert_allclose(z(at, f"alt_chart_{mode}"), pool2d(grid, mode, 2).values, rtol=1e-6)
    at.slider(key="alt_alpha").set_value(1.0).run()
    np.testing.assert_allclose(z(at, "alt_chart_mixed"), pool2d(grid, "max", 2).values)
    assert any("alpha = 1: 1 is max pooling" in c for c in captions(at))


def test_the_p_slider_moves_the_lp_output_and_the_continuum_marker():
    at = typed()
    grid = grid_from_text(DEFAULT_GRID)
    np.testing.assert_allclose(z(at, "alt_chart_lp"), pool2d(grid, "lp", 2, p=2).values, rtol=1e-6)
    at.select_slider(key="alt_p").set_value(1.0).run()
    np.testing.assert_allclose(z(at, "alt_chart_lp"), pool2d(grid, "avg", 2).values * 4, rtol=1e-6)  # the sum
    lines = traces(at, "alt_continuum")
    ratios = lp_ratios(grid, LP_STEPS, kernel_size=2, stride=2)
    np.testing.assert_allclose(lines["Lp ÷ sum"]["y"], ratios.to_sum)
    np.testing.assert_allclose(lines["Lp ÷ max"]["y"], ratios.to_max)
    assert list(lines["chosen p"]["x"]) == ["1", "1"]
    assert any(f"averaged over {ratios.windows} windows (of the centre" in c for c in captions(at))  # a 4 x 4 grid
    at.select_slider(key="alt_p").set_value(math.inf).run()
    np.testing.assert_allclose(z(at, "alt_chart_lp"), pool2d(grid, "max", 2).values)
    assert list(traces(at, "alt_continuum")["chosen p"]["x"]) == ["∞", "∞"]


def test_the_photo_cards_show_the_cores_pooled_pixels_cell_for_cell(photo_page):
    # At the default 2 x 2 layer the 512 px photo pools to 256 px, the most a card shows: no cell is averaged away.
    planes = np.moveaxis(working_image(load_sample("Astronaut").pixels, 512), -1, 0)
    for mode in ("max", "min"):
        pooled = pool2d(planes, mode, 2).values
        np.testing.assert_array_equal(image_pixels(picture_by_key(photo_page, f"alt_chart_{mode}")),
                                      np.moveaxis(pooled, 0, -1), err_msg=mode)


def test_reseed_draws_new_training_picks_and_leaves_the_test_output(photo_page):
    at = photo_page
    train, test = (picture_by_key(at, k) for k in ("alt_chart_stochastic-train", "alt_chart_stochastic-test"))
    at.button(key="alt_reseed").click().run()
    assert at.number_input(key="alt_seed").value == 1
    assert picture_by_key(at, "alt_chart_stochastic-train") != train
    assert picture_by_key(at, "alt_chart_stochastic-test") == test


def test_stochastic_values_are_the_cores():
    at = typed()
    grid = grid_from_text(DEFAULT_GRID)
    np.testing.assert_allclose(z(at, "alt_chart_stochastic-train"),
                               pool2d(grid, "stochastic", 2, rng=0).values, rtol=1e-6)
    np.testing.assert_allclose(z(at, "alt_chart_stochastic-test"),
                               pool2d(grid, "stochastic", 2, train=False).values, rtol=1e-6)


def test_the_fractional_ratio_sets_the_size_and_the_lines_are_the_cores_window_starts(photo_page):
    at = photo_page
    at.slider(key="alt_frac_ratio").set_value(0.5).run()
    at.selectbox(key="alt_frac_view").set_value(16).run()
    assert any(c.startswith("Fractional max: the pooled image, 256 × 256") for c in captions(at))
    samples = np.tile(np.random.default_rng(0).random(2), (3, 1))
    r = fractional_max_pool2d(np.zeros((3, 512, 512)), 2, output_ratio=0.5, samples=samples)
    lines = traces(at, "alt_frac_grid")["window starts"]
    segments = zip(lines["x"][0::3], lines["x"][1::3], lines["y"][0::3], lines["y"][1::3])
    rows = sorted(y0 for x0, x1, y0, y1 in segments if y0 == y1)  # the horizontal lines
    # The 16 x 16 view of the 512 x 512 photo starts at row 248.
    assert rows == sorted(s - 248 - 0.5 for s in r.grid.rows.positions[:, 0] if 248 <= s < 264)
    assert len(rows) >= 8


def test_global_numbers_are_the_cores(photo_page):
    at = photo_page
    line = next(t for t in texts(at) if t.startswith("red: max"))
    planes = np.moveaxis(working_image(load_sample("Astronaut").pixels, 512), -1, 0)
    means = global_pool2d(planes, "avg").values.ravel()
    assert line.split("\n")[0] == f"red: max {global_pool2d(planes, 'max').values[0, 0, 0]:g}, average {means[0]:.4g}"


def test_negative_typed_numbers_explain_stochastic_and_the_rest_still_runs():
    at = typed("-1 2 0 3\n4 -5 6 1\n0 1 2 3\n1 1 1 1")
    assert any("stochastic pooling needs x >= 0" in w.value.replace("\\", "") for w in at.warning)
    assert chart_by_key(at, "alt_chart_max") and chart_by_key(at, "alt_chart_lp")


def test_a_layer_that_cannot_pool_the_input_is_explained():
    at = typed()
    at.number_input(key="kernel_h").set_value(8).run()
    assert not at.exception
    assert any("cannot pool this image" in w.value for w in at.warning)
    assert not at.get("plotly_chart")


def test_a_kernel_too_big_for_fractional_is_named_and_the_others_run():
    at = typed()
    at.number_input(key="kernel_h").set_value(4).run()
    at.number_input(key="kernel_w").set_value(4).run()
    assert any("does not fit the input" in w.value.replace("\\", "") for w in at.warning)
    np.testing.assert_allclose(z(at, "alt_chart_max"), pool2d(grid_from_text(DEFAULT_GRID), "max", 4, stride=2).values)


def test_the_lp_and_fractional_cards_carry_their_fine_print(photo_page):
    shown = captions(photo_page)
    assert formula("lp").note in shown and formula("fractional").note in shown
    assert "PyTorch's LPPool2d raises x itself to the p" in formula("lp").note
    assert "drawn once per plane and axis" in formula("fractional").note
    grid_caption = next(c for c in shown if c.startswith("The centre of the input"))
    assert "where a gap is larger, the pixels in between are skipped" in grid_caption


def test_the_shared_scale_is_the_cores_value_range():
    # A flat grid: min == max would give an empty colour scale; value_range widens it to (5, 6).
    at = typed("5 5 5 5\n5 5 5 5\n5 5 5 5\n5 5 5 5")
    grid = grid_from_text("5 5 5 5\n5 5 5 5\n5 5 5 5\n5 5 5 5")
    axis = chart_by_key(at, "alt_chart_max")["layout"]["coloraxis"]
    assert (axis["cmin"], axis["cmax"]) == value_range(grid) == (5.0, 6.0)
    axis = chart_by_key(typed(), "alt_chart_min")["layout"]["coloraxis"]
    assert (axis["cmin"], axis["cmax"]) == value_range(grid_from_text(DEFAULT_GRID))


def test_anti_aliased_max_is_the_cores():
    at = typed()
    np.testing.assert_allclose(z(at, "alt_chart_antialiased"),
                               antialiased_max_pool2d(grid_from_text(DEFAULT_GRID), 2, 2).values, rtol=1e-6)


def test_lp_at_large_p_is_pooled_as_is_and_finite():
    # Issue 10: Lp no longer overflows in float32, so the page pools the photo as it is, with no float64 switch.
    at = open_alone(PAGE)
    at.select_slider(key="alt_p").set_value(64.0).run()
    assert not at.exception
    assert not any("float64" in c.value or "overflows" in c.value for c in at.caption)
    assert picture_by_key(at, "alt_chart_lp").startswith("data:image/webp;base64,")


def test_the_average_card_shows_the_mean_its_formula_states_whatever_the_divisor_override():
    # An outside review: with the sidebar's divisor override at 1 the Average card showed window sums.
    at = open_alone(PAGE)
    plain = picture_by_key(at, "alt_chart_avg")
    at.selectbox(key="mode").set_value("avg").run()
    at.number_input(key="divisor_override").set_value(1).run()
    assert picture_by_key(at, "alt_chart_avg") == plain
    assert any("divisor override (1) is left out here" in c.value for c in at.caption)


def test_a_photo_bigger_than_the_gallery_is_pooled_as_a_copy_and_the_page_says_so():
    from apptest_helpers import full_size_upload

    from poolinglab.intake.images import to_planes

    pixels = np.random.default_rng(4).integers(0, 100, (1100, 1500, 3), dtype=np.uint8)
    pixels[500, 700] = 255  # one bright pixel: the copy's resampling dims it, so only the full image's max is 255
    at = full_size_upload(PAGE, pixels)
    copy = to_planes(working_image(pixels, 512))
    assert copy.shape[1:] == (375, 512)
    notes = [i.value for i in at.info]
    assert any(n.startswith("Your image is 1,100 × 1,500 pixels (1.6 megapixels). This gallery pools a 375 × 512 "
                            "copy of it") and n.endswith("The global max and average use every pixel.") for n in notes)
    size = pool2d(copy, "max", 2).values.shape[1:]
    assert any(c.value.startswith(f"Max: the pooled image, {size[0]} × {size[1]}") for c in at.caption)
    full = to_planes(pixels)
    assert copy.max() < 255
    maxima, means = global_pool2d(full, "max").values.ravel(), global_pool2d(full, "avg").values.ravel()
    assert any(f"red: max {maxima[0]:g}, average {means[0]:.4g}" in t.split("\n") for t in texts(at))


def test_a_photo_within_the_gallery_size_is_pooled_as_it_is(photo_page):
    assert not any(i.value.startswith("Your image is") for i in photo_page.info)


def test_the_continuum_counts_its_windows_with_thousands_separators(photo_page):
    # The default photo's centre 256 x 256, three planes: tens of thousands of windows, written as a person reads them.
    planes = np.moveaxis(working_image(load_sample("Astronaut").pixels, 512), -1, 0)
    ratios = lp_ratios(planes[:, 128:384, 128:384], LP_STEPS, kernel_size=2, stride=2)
    assert ratios.windows > 1000
    assert any(f"averaged over {ratios.windows:,} windows (of the centre 256 × 256 at most)" in c
               for c in captions(photo_page))
    one = typed("1 2\n3 4")  # a single 2 x 2 window
    assert any("averaged over 1 window (of the centre" in c for c in captions(one))
