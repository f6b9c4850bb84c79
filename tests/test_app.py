"""AppTest: the frame and every page run, the key widgets act, uploads, links and bad settings."""

import numpy as np
import pytest
from apptest_helpers import ROOT, TIMEOUT, chart_spec, errors, open_page, output_text, png_bytes, texts, upload
from streamlit.testing.v1 import AppTest

from pooling import pool2d, sweep_steps
from poolinglab.intake.samples import SAMPLE_NAMES
from poolinglab.settings import UPLOAD_NOT_HELD, PoolSettings
from widgets.clicks import FOCUS, clicked_cell
from widgets.registry import PAGES
from widgets.sweep_input import gif_maker

PAGE_PATHS = [entry.path for entry in PAGES]


# ------------------------------------------------------------------ smoke


def test_app_runs_every_page():
    at = open_page()
    assert at.title[0].value == "Pooling Lab"
    for entry in PAGES:
        at.switch_page(entry.path).run()
        assert not at.exception, (entry.path, [e.value for e in at.exception])
        assert at.title[0].value == ("Pooling Lab" if entry.title == "Home" else entry.title)


@pytest.mark.parametrize("page", PAGE_PATHS)
def test_each_page_runs_on_its_own(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.radio(key="source").value == "sample"


def test_home_shows_the_mini_example_and_new_numbers_change_it():
    at = open_page()
    before = chart_spec(at)["data"][0]["z"]
    at.button(key="home_reroll").click().run()
    assert chart_spec(at)["data"][0]["z"] != before


# ------------------------------------------------------- controls act


def test_kernel_changes_the_output_size():
    at = open_page("pages/window_sweep.py")
    assert output_text(at) == "Output: 3 × 3 from 6 × 6 (rows × columns)"
    at.number_input(key="kernel_h").set_value(3).run()
    assert output_text(at) == "Output: 2 × 3 from 6 × 6 (rows × columns)"
    assert "H_\\text{out} &= \\left\\lfloor \\frac{6 + 2 \\cdot 0 - 1 \\cdot (3 - 1) - 1}{2}" in at.latex[0].value
    assert "nn.MaxPool2d(kernel_size=(3, 2), stride=2" in at.code[0].value


def test_mode_options_appear_with_their_mode_and_every_mode_runs():
    at = open_page("pages/window_sweep.py")
    for mode, key in [("avg", "count_include_pad"), ("lp", "lp_p"), ("stochastic", "stochastic_train"),
                      ("mixed", "mixed_alpha"), ("min", None), ("max", None)]:
        at.selectbox(key="mode").set_value(mode).run()
        assert not at.exception, (mode, [e.value for e in at.exception])
        assert not errors(at), mode
        if key:
            assert at.sidebar.get({"count_include_pad": "checkbox", "lp_p": "number_input",
                                   "stochastic_train": "checkbox", "mixed_alpha": "slider"}[key])
        assert output_text(at) == "Output: 3 × 3 from 6 × 6 (rows × columns)"


def test_lp_with_p_infinity_and_padded_min_pooling_run():
    at = open_page("pages/window_sweep.py")
    at.selectbox(key="mode").set_value("lp").run()
    at.checkbox(key="lp_inf").check().run()
    assert at.number_input(key="lp_p").disabled
    assert "x.abs()" in at.code[0].value
    at.selectbox(key="mode").set_value("min").run()
    at.number_input(key="kernel_h").set_value(3).run()
    at.number_input(key="padding").set_value(1).run()
    assert not at.exception and not errors(at)
    assert output_text(at) == "Output: 3 × 4 from 6 × 6 (rows × columns)"


def test_mixed_alpha_changes_the_values():
    at = open_page("pages/window_sweep.py")
    at.selectbox(key="mode").set_value("mixed").run()
    at.slider(key="mixed_alpha").set_value(1.0).run()
    assert "1 * nn.MaxPool2d(" in at.code[0].value


def test_padding_words_and_same_padding():
    at = open_page("pages/window_sweep.py")
    at.number_input(key="kernel_h").set_value(3).run()
    at.number_input(key="kernel_w").set_value(3).run()
    at.radio(key="padding_kind").set_value("same").run()
    assert output_text(at) == "Output: 3 × 3 from 6 × 6 (rows × columns)"
    assert "F.pad" in at.code[0].value
    assert 'padding="same"' in at.code[1].value


def test_settings_survive_a_page_switch():
    at = open_page()
    at.number_input(key="stride").set_value(1).run()
    at.selectbox(key="mode").set_value("avg").run()
    at.switch_page("pages/window_sweep.py").run()
    assert at.number_input(key="stride").value == 1
    assert at.selectbox(key="mode").value == "avg"
    assert output_text(at) == "Output: 5 × 5 from 6 × 6 (rows × columns)"
    at.switch_page("pages/home.py").run()
    assert at.number_input(key="stride").value == 1


# --------------------------------------------------------- bad settings


def test_padding_above_half_the_kernel_is_explained_not_raised():
    at = open_page("pages/window_sweep.py")
    at.number_input(key="padding").set_value(2).run()
    assert not at.exception
    assert any("padding (2) must be at most kernel_size // 2 (1)" in e for e in errors(at))
    assert any("cannot pool this input" in w.value for w in at.warning)
    at.number_input(key="padding").set_value(1).run()
    assert not errors(at)


def test_kernel_larger_than_the_grid_is_explained():
    at = open_page("pages/window_sweep.py")
    at.number_input(key="kernel_h").set_value(8).run()
    assert any(e.startswith("output height would be") for e in errors(at))
    assert not at.exception


def test_negative_numbers_under_stochastic_pooling_are_explained():
    at = open_page("pages/window_sweep.py")
    at.radio(key="sweep_source").set_value("typed").run()
    at.text_area(key="sweep_text").set_value("1 -2\n3 4").run()
    at.selectbox(key="mode").set_value("stochastic").run()
    assert any("x >= 0" in e for e in errors(at))
    assert not at.exception


# ---------------------------------------------------------------- links


def test_a_link_restores_its_settings():
    query = {"mode": "avg", "kernel": "3x2", "stride": "1", "padding": "1", "count_pad": "0",
             "sample": SAMPLE_NAMES[-1], "color": "gray", "rows": "8", "grid_seed": "4"}
    at = open_page("pages/window_sweep.py", query)
    assert at.selectbox(key="mode").value == "avg"
    assert (at.number_input(key="kernel_h").value, at.number_input(key="kernel_w").value) == (3, 2)
    assert at.number_input(key="stride").value == 1
    assert at.checkbox(key="count_include_pad").value is False
    assert at.selectbox(key="sample").value == SAMPLE_NAMES[-1]
    assert at.selectbox(key="color").value == "gray"
    assert at.number_input(key="sweep_rows").value == 8
    assert output_text(at) == "Output: 8 × 7 from 8 × 6 (rows × columns)"
    assert not at.warning


def test_settings_are_mirrored_into_the_link():
    at = open_page("pages/window_sweep.py")
    at.number_input(key="kernel_w").set_value(3).run()
    at.number_input(key="sweep_cols").set_value(9).run()
    assert at.query_params["kernel"] == ["2x3"] or at.query_params["kernel"] == "2x3"
    assert at.query_params["cols"] in (["9"], "9")
    at.number_input(key="kernel_w").set_value(2).run()
    assert "kernel" not in at.query_params


def test_a_hostile_link_is_ignored_with_warnings():
    at = open_page(query={"kernel": "<b>99</b>", "mode": "'; drop", "stride": "1e9", "padding": "-3"})
    assert not at.exception
    assert at.number_input(key="kernel_h").value == 2
    assert at.selectbox(key="mode").value == "max"
    assert len(at.warning) == 4


# --------------------------------------------------------------- uploads


def image_line(at):
    (line,) = [t for t in texts(at) if t.startswith("Image: ")]
    return line


def test_a_good_upload_becomes_the_image_and_stays_across_pages():
    at = open_page()
    at.radio(key="source").set_value("upload").run()
    upload(at, "my <b>photo</b>.png", png_bytes(40, 30))
    assert image_line(at) == "Image: my <b>photo</b>.png, 30 × 40 (rows × columns), 3 plane(s)"
    assert not errors(at)
    at.switch_page("pages/window_sweep.py").run()
    assert image_line(at).startswith("Image: my <b>photo</b>.png, 30 × 40")
    assert all("photo" not in m.value for m in at.markdown)


def test_a_link_that_says_upload_asks_for_the_photo_again_and_keeps_the_settings():
    # A new session on such a link: the replica that held the photo stopped, or the link went to someone else.
    at = open_page("pages/max_vs_average.py", {"source": "upload", "kernel": "3", "mode": "avg"})
    assert [w.value for w in at.sidebar.warning] == [UPLOAD_NOT_HELD]
    assert image_line(at).startswith("Image: Astronaut, 512 × 512")
    assert (at.number_input(key="kernel_h").value, at.selectbox(key="mode").value) == (3, "avg")
    at.number_input(key="stride").set_value(1).run()
    assert [w.value for w in at.sidebar.warning] == [UPLOAD_NOT_HELD], "the request must stay until a photo comes"
    upload(at, "again.png", png_bytes(40, 30))
    assert not at.sidebar.warning
    assert image_line(at).startswith("Image: again.png, 30 × 40")


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.png", b"", "This file is empty"),
        ("notes.png", b"just some text, not a picture\n" * 10, "contains text, not an image"),
        ("cut.png", png_bytes(64, 64)[:6000], "damaged or incomplete"),
    ],
)
def test_a_broken_upload_is_explained_and_the_previous_image_stays(name, data, message):
    at = open_page("pages/window_sweep.py")
    at.number_input(key="kernel_h").set_value(3).run()
    at.radio(key="source").set_value("upload").run()
    upload(at, "good.png", png_bytes(40, 30))
    upload(at, name, data)
    assert any(message in e for e in errors(at)), errors(at)
    assert image_line(at).startswith("Image: good.png, 30 × 40")
    assert at.number_input(key="kernel_h").value == 3
    assert at.title[0].value == "Window Sweep"


def test_a_broken_first_upload_keeps_the_sample():
    at = open_page()
    at.radio(key="source").set_value("upload").run()
    upload(at, "broken.jpg", b"\xff\xd8\xff\xe0 broken", "image/jpeg")
    assert errors(at)
    assert image_line(at).startswith(f"Image: {SAMPLE_NAMES[0]}")


def test_working_size_and_colour_apply_to_an_upload():
    at = open_page()
    at.radio(key="source").set_value("upload").run()
    upload(at, "big.png", png_bytes(300, 150))
    at.selectbox(key="working_size").set_value("128").run()
    at.selectbox(key="color").set_value("gray").run()
    assert image_line(at) == "Image: big.png, 64 × 128 (rows × columns), 1 plane(s)"


# --------------------------------------------------------- typed numbers


def test_typed_numbers_as_the_image_and_a_bad_grid_keeps_the_last_good_one():
    at = open_page()
    at.radio(key="source").set_value("grid").run()
    at.text_area(key="grid_text").set_value("1 2 3\n4 5 6").run()
    assert image_line(at) == "Image: typed numbers, 2 × 3 (rows × columns), 1 plane(s)"
    at.text_area(key="grid_text").set_value("1 2 3\n4 x 6").run()
    assert any("is not a number" in e for e in errors(at))
    assert image_line(at) == "Image: typed numbers, 2 × 3 (rows × columns), 1 plane(s)"
    at.button(key="grid_random").click().run()
    assert image_line(at) == "Image: typed numbers, 4 × 4 (rows × columns), 1 plane(s)"


# ------------------------------------------------------------ the sweep


def test_sweep_input_sources():
    at = open_page("pages/window_sweep.py")
    first = chart_spec(at)["data"][0]["z"]
    at.button(key="sweep_reroll").click().run()
    assert chart_spec(at)["data"][0]["z"] != first
    at.radio(key="sweep_source").set_value("typed").run()
    at.text_area(key="sweep_text").set_value("1 2 3 4\n5 6 7 8").run()
    assert output_text(at) == "Output: 1 × 2 from 2 × 4 (rows × columns)"
    at.text_area(key="sweep_text").set_value("1 2\n3").run()
    assert any("Every row needs the same number" in e for e in errors(at))
    assert output_text(at) == "Output: 1 × 2 from 2 × 4 (rows × columns)"
    at.radio(key="sweep_source").set_value("crop").run()
    assert output_text(at) == "Output: 3 × 3 from 6 × 6 (rows × columns)"
    top = at.slider(key="sweep_top")
    top.set_value(min(100, top.max)).run()
    at.selectbox(key="sweep_channel").set_value(2).run()
    assert not at.exception and not errors(at)


def test_the_sweep_figure_animates_and_lists_every_step():
    at = open_page("pages/window_sweep.py")
    spec = chart_spec(at, 0)
    assert len(spec["frames"]) == 9
    labels = [b["label"] for menu in spec["layout"]["updatemenus"] for b in menu["buttons"]]
    assert "▶ Play" in labels
    steps = at.expander[0].markdown[0].value.splitlines()
    assert len(steps) == 9 and steps[0].startswith("- Step 1 of 9: window rows 0-1, cols 0-1;")
    assert at.download_button(key="sweep_gif")


def test_a_clicked_output_cell_lights_its_window():
    at = open_page("pages/window_sweep.py")
    at.session_state[FOCUS] = (1, 2)
    at.run()
    spec = chart_spec(at, 0)
    assert not spec.get("frames")
    assert any(t.startswith("Step 6 of 9:") for t in texts(at))
    at.button(key="sweep_clear_focus").click().run()
    assert len(chart_spec(at, 0)["frames"]) == 9
    assert FOCUS not in at.session_state


def test_clicked_cell_reads_the_click_layer():
    state = {"selection": {"points": [{"curve_number": 12, "customdata": [2, 1]}], "point_indices": [7]}}
    assert clicked_cell(state) == (2, 1)
    # What the browser really sends for a numpy customdata (seen in Chromium with Streamlit 1.67).
    state = {"selection": {"points": [{"curve_number": 13, "x": 2, "y": 1, "customdata": {"0": 1, "1": 2}}]}}
    assert clicked_cell(state) == (1, 2)
    assert clicked_cell({"selection": {"points": [{"x": 1, "y": 0}, {"customdata": [0, 1]}]}}) == (0, 1)
    assert clicked_cell({"selection": {"points": []}}) is None
    assert clicked_cell(None) is None


def test_gif_is_made_on_demand_and_cached():
    grid = np.arange(16).reshape(4, 4)
    sweep = sweep_steps(pool2d(grid, "max", 2))
    make = gif_maker(sweep, grid, PoolSettings())
    data = make()
    assert data[:6] in (b"GIF87a", b"GIF89a")
    assert make() == data


def test_typed_text_in_an_error_is_shown_as_typed_never_as_markdown():
    at = open_page("pages/window_sweep.py")
    at.radio(key="sweep_source").set_value("typed").run()
    at.text_area(key="sweep_text").set_value("1 *a*[b](c)").run()
    (raw,) = [e.value for e in at.error]
    assert "\\*a\\*\\[b\\]\\(c\\)" in raw
    assert "*a*[b](c)" in errors(at)[0]


def test_the_sidebar_picture_travels_inline_not_as_one_servers_media_file():
    """A media file lives in one replica's memory: after a failover its URL would answer 404 on the other."""
    at = upload(open_page(), "photo.png", png_bytes(40, 30))
    urls = [img.url for element in at.sidebar if element.type == "image" for img in element.proto.imgs]
    assert urls and all(url.startswith("data:image/webp;base64,") for url in urls), [u[:40] for u in urls]
