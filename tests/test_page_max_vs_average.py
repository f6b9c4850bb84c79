"""AppTest of the Max vs Average page: it runs, its widgets change the figures, and it shows the core's numbers."""

import re

import numpy as np
import pytest
from apptest_helpers import chart_by_key, errors, open_alone, picture_by_key, picture_image, texts
from helpers import image_pixels, plotly_array

import pooling
from pooling.analysis.compare import channel_disagreement, mode_difference, new_colours, zoom_region
from poolinglab.intake import images
from poolinglab.intake.samples import SAMPLE_NAMES, load_sample

PAGE = "pages/max_vs_average.py"


@pytest.fixture(scope="module")
def astronaut():
    """The default image as the page pools it: the first sample at 512 px, RGB planes."""
    return images.to_planes(images.working_image(load_sample(SAMPLE_NAMES[0]).pixels, 512), "rgb")


@pytest.fixture
def at():
    return open_alone(PAGE)


def unescaped(text):
    return re.sub(r"\\(.)", r"\1", text)


def chart_keys(at):
    return [c.proto.id for c in at.get("plotly_chart")]


def has_chart(at, key):
    return any(i.endswith(key) for i in chart_keys(at))


def has_picture(at, key):
    try:
        return bool(picture_by_key(at, key))
    except KeyError:
        return False


def image_titles(at):
    """The bold titles above the side-by-side images, unescaped."""
    return [unescaped(m.value)[2:-2] for m in at.markdown if m.value.startswith("**")]


def table_rows(at):
    return at.table[0].value.to_dict("records")


# ---------------------------------------------------------------- default


def test_default_shows_max_and_average_of_the_core_on_one_scale(at, astronaut):
    assert at.title[0].value == "Max vs Average"
    assert at.markdown[0].value.startswith("The claim: max pooling keeps")
    assert not errors(at) and not at.warning
    assert image_titles(at) == ["Max", "Average", "Cells whose colour no pixel of the window has"]
    assert picture_image(at, "mva_image_avg").alt == "The image pooled by Average"
    core_max = pooling.pool2d(astronaut, "max", 2).values
    core_avg = pooling.pool2d(astronaut, "avg", 2).values
    # Shown on 0-255 as they are, not each stretched to its own range.
    np.testing.assert_array_equal(image_pixels(picture_by_key(at, "mva_image_max"))[..., :3],
                                  np.moveaxis(core_max, 0, -1))
    avg_pixels = image_pixels(picture_by_key(at, "mva_image_avg"))[..., :3].astype(int)
    assert np.abs(avg_pixels - np.moveaxis(core_avg, 0, -1)).max() <= 1
    assert texts(at).count("256 × 256 output") == 2
    assert any("black is 0 and white is 255" in c.value for c in at.caption)


def test_difference_colour_fringes_and_cost_equal_the_core(at, astronaut):
    r_max = pooling.pool2d(astronaut, "max", 2)
    r_avg = pooling.pool2d(astronaut, "avg", 2)
    _, mean_abs = mode_difference(r_max.values, r_avg.values)
    assert f"Mean |Max − Average| = {mean_abs:.4g} per value; lowest 0" in " ".join(texts(at))
    new = new_colours(astronaut, r_max)
    assert new.sum() < channel_disagreement(r_max.indices).sum()  # ties: some mixed cells still copy one pixel
    assert f"In {new.mean():.1%} of the output cells ({int(new.sum()):,} of 65,536) max pooling made a colour" in (
        " ".join(texts(at)))
    assert "Input: 512 × 512 × 3 = 786,432 values of uint8: 768.0 KiB" in texts(at)
    rows = table_rows(at)
    assert [r["Mode"] for r in rows] == ["Max", "Average"]
    assert rows[0]["Output memory"] == "192.0 KiB" and rows[0]["+ int64 indices (PyTorch)"] == "1.5 MiB"
    assert rows[1]["Output dtype"] == "float32" and rows[1]["Output memory"] == "768.0 KiB"
    assert rows[1]["+ int64 indices (PyTorch)"] == "none" and rows[0]["Values kept"] == "25.0%"
    assert has_chart(at, "mva_channels") and has_picture(at, "mva_fringes")


# ------------------------------------------------------------ widgets act


def test_more_modes_add_images_and_rows(at):
    at.multiselect(key="mva_modes").set_value(["max", "avg", "min", "mixed"]).run()
    assert not at.exception
    assert all(has_picture(at, f"mva_image_{m}") for m in ("max", "avg", "min", "mixed"))
    assert image_titles(at)[3] == "Mixed (max and average) (alpha = 0.5)"
    assert [r["Mode"] for r in table_rows(at)][2:] == ["Min", "Mixed (max and average) (alpha = 0.5)"]


def test_difference_selectboxes_change_the_map(at):
    at.multiselect(key="mva_modes").set_value(["max", "avg", "min"]).run()
    before = chart_by_key(at, "mva_diff_chart")
    at.selectbox(key="mva_diff_b").set_value("min").run()
    after = chart_by_key(at, "mva_diff_chart")
    assert after["layout"]["title"]["text"] == "Max − Min (mean of the three colour planes)"
    assert after["data"][0]["source"] != before["data"][0]["source"]
    at.selectbox(key="mva_diff_b").set_value("max").run()
    assert any(i.value == "Pick two different modes." for i in at.info)
    assert not has_chart(at, "mva_diff_chart")


def test_the_kernel_changes_every_size(at):
    at.number_input(key="kernel_h").set_value(3).run()
    at.number_input(key="stride").set_value(3).run()
    assert texts(at).count("170 × 171 output") == 2
    assert table_rows(at)[0]["Output (rows × cols × planes)"] == "170 × 171 × 3"


def test_a_wider_output_range_widens_the_shared_scale(at):
    at.selectbox(key="mode").set_value("lp").run()
    at.number_input(key="lp_p").set_value(1.0).run()  # p = 1 sums |x| over the window
    at.multiselect(key="mva_modes").set_value(["max", "lp"]).run()
    assert has_picture(at, "mva_image_lp") and image_titles(at)[1] == "Lp (p-norm) (p = 1)"
    (caption,) = [c.value for c in at.caption if "black is" in c.value]
    white = float(re.search(r"white is ([\d.]+)", caption).group(1))
    assert 255 < white <= 1020


# ------------------------------------------------------------------- zoom


def test_zoom_shows_the_core_region_and_follows_its_controls(at, astronaut):
    r_max = pooling.pool2d(astronaut, "max", 2)
    spec = chart_by_key(at, "mva_zoom_chart")
    assert at.slider(key="mva_zoom_top").value == 125 and at.number_input(key="mva_zoom_rows").value == 6
    np.testing.assert_array_equal(plotly_array(spec["data"][0]["z"]), r_max.values[0, 125:131, 125:131])
    at.number_input(key="mva_zoom_rows").set_value(16).run()
    at.slider(key="mva_zoom_top").set_value(10).run()
    at.selectbox(key="mva_zoom_plane").set_value(2).run()
    spec = chart_by_key(at, "mva_zoom_chart")
    zoom = zoom_region(r_max, top=10, left=125, height=16, width=6, channel=2)
    np.testing.assert_array_equal(plotly_array(spec["data"][0]["z"]), zoom.values)
    np.testing.assert_array_equal(plotly_array(spec["data"][2]["z"]), zoom.crop)
    assert spec["layout"]["annotations"][1]["text"] == "input rows 20–51, cols 250–261"


def test_zoom_size_is_capped_to_keep_the_crop_small(at):
    at.number_input(key="kernel_h").set_value(8).run()
    at.number_input(key="kernel_w").set_value(8).run()
    at.number_input(key="stride").set_value(8).run()
    assert at.number_input(key="mva_zoom_rows").max == 6  # 6 windows of 8 pixels span 48
    assert at.number_input(key="mva_zoom_rows").value == 6


def test_a_clicked_cell_is_outlined_and_named(at, astronaut):
    r_max = pooling.pool2d(astronaut, "max", 2)
    at.session_state["_mva_focus"] = (125, 126)
    at.run()
    spec = chart_by_key(at, "mva_zoom_chart")
    names = [t["name"] for t in spec["data"]]
    assert plotly_array(spec["data"][names.index("focus window")]["x"]).size == 4 * 6  # four taps, one square each
    src = int(r_max.indices[0, 125, 126])
    value = int(r_max.values[0, 125, 126])
    assert (f"Output (125, 126) = {value} is the max of its window: it copies input ({src // 512}, {src % 512})."
            in texts(at))


def test_moving_the_zoom_pools_nothing_again(at, astronaut, monkeypatch):
    """Max pooling for the fringes and the zoom is cached: a zoom move reruns the page without pooling the photo."""
    calls = []
    pool2d = pooling.pool2d
    monkeypatch.setattr(pooling, "pool2d", lambda *args, **kwargs: calls.append(args[1]) or pool2d(*args, **kwargs))
    monkeypatch.setattr(pooling.analysis.compare, "pool2d", pooling.pool2d)
    at.slider(key="mva_zoom_top").set_value(3).run()
    at.slider(key="mva_zoom_left").set_value(7).run()
    assert not at.exception and calls == []
    r_max = pool2d(astronaut, "max", 2)
    np.testing.assert_array_equal(plotly_array(chart_by_key(at, "mva_zoom_chart")["data"][0]["z"]),
                                  r_max.values[0, 3:9, 7:13])
    # A new layer is not served from the cache: the zoom shows the new pooling. (Whether pool2d runs here
    # depends on what other tests in this process cached already, so the values are what is checked.)
    at.number_input(key="kernel_h").set_value(3).run()
    top, left = at.slider(key="mva_zoom_top").value, at.slider(key="mva_zoom_left").value
    rows, cols = at.number_input(key="mva_zoom_rows").value, at.number_input(key="mva_zoom_cols").value
    r_new = pool2d(astronaut, "max", (3, 2), stride=2)
    np.testing.assert_array_equal(plotly_array(chart_by_key(at, "mva_zoom_chart")["data"][0]["z"]),
                                  r_new.values[0, top:top + rows, left:left + cols])
    assert not np.array_equal(r_new.values[0, top:top + rows, left:left + cols],
                              r_max.values[0, top:top + rows, left:left + cols])


# ---------------------------------------------------- other inputs, problems


def test_grey_image_says_rgb_is_needed(at):
    at.selectbox(key="color").set_value("gray").run()
    assert not at.exception
    assert any('Set the sidebar\'s Colour to "RGB (3 planes)"' in i.value for i in at.info)
    assert not has_picture(at, "mva_fringes")
    assert "Input: 512 × 512 × 1 = 262,144 values of uint8: 256.0 KiB" in texts(at)


def test_a_mode_that_cannot_pool_is_explained_in_its_column(at):
    at.radio(key="source").set_value("grid").run()
    at.text_area(key="grid_text").set_value("1 -2 3 0\n4 5 -6 7\n0 1 2 3\n3 2 1 0").run()
    at.multiselect(key="mva_modes").set_value(["max", "stochastic", "avg"]).run()
    assert not at.exception
    (warning,) = [unescaped(w.value) for w in at.warning]
    assert warning.startswith("Stochastic (one sampled cell, seed 0) cannot pool this image: stochastic pooling needs")
    assert "min(x) is -6.0" in warning
    assert has_picture(at, "mva_image_max") and has_picture(at, "mva_image_avg")
    assert [r["Mode"] for r in table_rows(at)] == ["Max", "Average"]
    # Typed numbers keep their own range, and the zoom shows the whole 2 x 2 output.
    assert any("black is -6 and white is 7" in c.value for c in at.caption)
    assert plotly_array(chart_by_key(at, "mva_zoom_chart")["data"][0]["z"]).tolist() == [[5, 7], [3, 3]]


def test_a_layer_that_cannot_pool_is_explained_not_raised(at):
    at.number_input(key="padding").set_value(2).run()
    assert not at.exception
    assert any("padding (2) must be at most kernel_size // 2 (1)" in e for e in errors(at))
    assert any("cannot pool this input" in w.value for w in at.warning)
    assert not has_picture(at, "mva_image_max")


def test_no_mode_chosen_asks_for_one(at):
    at.multiselect(key="mva_modes").set_value([]).run()
    assert not at.exception
    assert any(w.value == "Choose at least one mode above." for w in at.warning)


def test_a_photo_bigger_than_the_comparison_is_compared_as_a_copy_and_the_page_says_so():
    from apptest_helpers import full_size_upload

    pixels = np.random.default_rng(5).integers(0, 256, (900, 1300, 3), dtype=np.uint8)
    at = full_size_upload("pages/max_vs_average.py", pixels)
    assert not errors(at)
    copy = images.to_planes(images.working_image(pixels, 1024))
    assert copy.shape[1:] == (709, 1024)
    assert [i.value for i in at.info][:1] == [
        "Your image is 900 × 1,300 pixels (1.2 megapixels). This page compares a 709 × 1,024 copy of it (0.7 "
        "megapixels), resampled as the working size resamples: its images are shown at most 480 pixels a side, and "
        "comparing every pixel four ways would keep you waiting. Sizes below are the copy's."]
    out = pooling.pool2d(copy, "max", 2).values.shape[1:]
    assert f"{out[0]} × {out[1]} output" in texts(at)
