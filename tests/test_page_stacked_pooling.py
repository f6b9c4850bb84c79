"""AppTest of the Stacked pooling page: it runs, its widgets act, and what it shows is the core's result."""

import numpy as np
from apptest_helpers import chart_by_key, errors, open_alone, png_bytes, texts, upload
from helpers import image_pixels, plotly_array

from figures.stack import DEEP_CELLS_TRACE, pyramid_figure
from pooling.analysis.stacking import localisation_by_stride, localisation_trend, stack_pool, trace_to_source
from poolinglab.intake import images
from poolinglab.intake.samples import SAMPLE_NAMES, load_sample
from poolinglab.words.stack import curve_words
from widgets.clicks import clicked_cell

PAGE = "pages/stacked_pooling.py"


def sample_plane(color="gray", channel=None):
    """The default sample at the default working size, as the page's traced plane."""
    pixels = images.working_image(load_sample(SAMPLE_NAMES[0]).pixels, 512)
    planes = images.to_planes(pixels, color)
    return planes[0] if channel is None else planes[channel]


def path_table(at):
    return at.dataframe[0].value.to_dict("list")


def layers(rounds=3, kernel=2, stride=2, mode="max"):
    return [{"mode": mode, "kernel_size": kernel, "stride": stride}] * rounds


def test_the_page_runs_and_states_its_claim():
    at = open_alone(PAGE)
    assert at.title[0].value == "Stacked pooling"
    assert at.markdown[0].value.startswith("The claim: more rounds of pooling, and larger strides, lose where")
    assert not errors(at)
    assert {"stk_pyramid", "stk_field", "stk_pixel", "stk_localisation"} <= {
        c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}
    total = sum(len(c.proto.spec) for c in at.get("plotly_chart"))
    assert total < 2_000_000


def test_the_traced_path_ends_on_a_real_pixel_whose_value_is_the_deep_output():
    at = open_alone(PAGE)
    plane = sample_plane()
    stack = stack_pool(plane, layers())
    row, col = at.number_input(key="stk_row").value, at.number_input(key="stk_col").value
    assert (row, col) == (32, 32)  # the middle of the 64 x 64 deep layer
    table = path_table(at)
    assert table["layer"] == ["round 3", "round 2", "round 1", "input"]
    r, c = table["row"][-1], table["column"][-1]
    assert plane[r, c] == stack.values[row, col] == table["value"][0] == table["value"][-1]
    expected = trace_to_source(stack, row, col)[::-1]
    assert list(zip(table["row"], table["column"])) == [(t.row, t.col) for t in expected]
    assert texts(at)[0] == (f"Deep cell ({row}, {col}) after 3 round(s) = {stack.values[row, col]}. It copies input "
                            f"pixel ({r}, {c}) of the grey (luma) plane, value {plane[r, c]}.")
    r0, r1, c0, c1 = stack.receptive_field(row, col)
    assert texts(at)[1].startswith(f"Its receptive field: rows {r0} to {r1}, columns {c0} to {c1} (8 × 8 pixels)")


def test_the_figures_mark_the_traced_cells():
    at = open_alone(PAGE)
    at.number_input(key="stk_row").set_value(5).run()
    at.number_input(key="stk_col").set_value(60).run()
    table = path_table(at)
    pyramid = chart_by_key(at, "stk_pyramid")
    marks = {t["name"]: (t["x"][0], t["y"][0]) for t in pyramid["data"]
             if t["name"].startswith("path ") and "halo" not in t["name"]}
    layer = {"input": 0, "round 1": 1, "round 2": 2, "round 3": 3}
    assert marks == {f"path {layer[n]}": (c, r) for n, r, c in zip(table["layer"], table["row"], table["column"])}
    field = chart_by_key(at, "stk_field")
    assert image_pixels(field["data"][0]["source"]).ndim == 2  # the traced plane, grey, not the colour photo
    source = next(t for t in field["data"] if t.get("name") == "source")
    assert (source["x"][0], source["y"][0]) == (table["column"][-1], table["row"][-1])
    shape = field["layout"]["shapes"][0]
    assert (shape["x0"], shape["x1"], shape["y0"], shape["y1"]) == (479.5, 487.5, 39.5, 47.5)
    crop = chart_by_key(at, "stk_pixel")
    assert table["row"][-1] in plotly_array(crop["data"][0]["y"])
    assert table["column"][-1] in plotly_array(crop["data"][0]["x"])


def test_rounds_kernel_and_stride_change_the_pyramid():
    at = open_alone(PAGE)
    titles = [a["text"] for a in chart_by_key(at, "stk_pyramid")["layout"]["annotations"]]
    assert titles == ["input<br>512 × 512", "round 1<br>256 × 256", "round 2<br>128 × 128", "round 3<br>64 × 64"]
    at.number_input(key="stk_rounds").set_value(5).run()
    at.number_input(key="stk_kernel_1").set_value(3).run()
    at.number_input(key="stk_stride_4").set_value(3).run()
    titles = [a["text"] for a in chart_by_key(at, "stk_pyramid")["layout"]["annotations"]]
    assert titles[1:] == ["round 1<br>256 × 256", "round 2<br>127 × 127", "round 3<br>63 × 63", "round 4<br>31 × 31",
                          "round 5<br>10 × 10"]
    expected = stack_pool(sample_plane(), [{"mode": "max", "kernel_size": k, "stride": s}
                                           for k, s in [(2, 2), (3, 2), (2, 2), (2, 2), (2, 3)]])
    # The row and column were kept inside the new, smaller deep layer.
    row, col = at.number_input(key="stk_row").value, at.number_input(key="stk_col").value
    assert (row, col) == (9, 9)
    assert path_table(at)["value"][0] == expected.values[row, col]
    at.number_input(key="stk_rounds").set_value(1).run()
    assert len([t for t in chart_by_key(at, "stk_pyramid")["data"] if t["type"] == "image"]) == 2


def test_the_click_layer_names_cells_the_page_can_trace():
    """What a click sends (the click layer's customdata) is the cell the row and column inputs then trace."""
    at = open_alone(PAGE)
    clicks = next(t for t in chart_by_key(at, "stk_pyramid")["data"] if t["name"] == DEEP_CELLS_TRACE)
    cells = plotly_array(clicks["customdata"])
    assert len(cells) == 64 * 64
    picked = cells[64 * 10 + 20].tolist()
    # plotly.js hands a typed array's row to the selection event, which reaches Python as a dict.
    for sent in (picked, {"0": picked[0], "1": picked[1]}):
        assert clicked_cell({"selection": {"points": [{"customdata": sent}]}}) == (10, 20)
    at.number_input(key="stk_row").set_value(10).run()
    at.number_input(key="stk_col").set_value(20).run()
    assert path_table(at)["row"][0] == 10 and path_table(at)["column"][0] == 20
    deep = stack_pool(sample_plane(), layers()).values
    assert pyramid_figure([deep], value_range=(0, 255)).layout.meta["click_step"] == 1


def test_the_plane_selector_traces_that_plane():
    at = open_alone(PAGE)
    at.selectbox(key="stk_plane").set_value("blue").run()
    plane = sample_plane("rgb", channel=2)
    table = path_table(at)
    assert plane[table["row"][-1], table["column"][-1]] == table["value"][-1]
    assert table["value"][0] == stack_pool(plane, layers()).values[32, 32]
    assert "of the blue plane" in texts(at)[0]


def test_the_localisation_chart_and_its_numbers_come_from_the_core():
    at = open_alone(PAGE)
    curves = localisation_by_stride(sample_plane(), [2, 3])
    fig = chart_by_key(at, "stk_localisation")
    assert [t["name"] for t in fig["data"]] == ["stride 2", "stride 3", "your stack"]
    np.testing.assert_allclose(plotly_array(fig["data"][1]["y"]), curves[3].mean_error)
    assert curve_words("Stride 3", curves[3]) in texts(at)
    assert curve_words("Stride 3", curves[3]).startswith(f"Stride 3: {curves[3].mean_error[0]:.1f} px after 1 round, ")
    assert localisation_trend(curves) == (True, True)
    assert verdict(at) == "On this image, more rounds always make the guess worse, and a larger stride always does."
    at.multiselect(key="stk_strides").set_value([4]).run()
    assert [t["name"] for t in chart_by_key(at, "stk_localisation")["data"]] == ["stride 4", "your stack"]
    at.multiselect(key="stk_strides").set_value([]).run()
    assert [t["name"] for t in chart_by_key(at, "stk_localisation")["data"]] == ["your stack"]
    assert not [t for t in texts(at) if t.startswith("Stride ")]


def verdict(at):
    return next(m.value for m in at.markdown if m.value.startswith(("On this image", "No verdict")))


def test_no_verdict_is_drawn_from_too_few_strides():
    at = open_alone(PAGE)
    at.multiselect(key="stk_strides").set_value([]).run()
    assert verdict(at) == "No verdict yet: pick two or more strides, at least one that fits two rounds on this image."
    assert not [m for m in at.markdown if "always" in m.value]
    at.multiselect(key="stk_strides").set_value([4]).run()  # one stride: rounds compared, strides not
    assert localisation_trend(localisation_by_stride(sample_plane(), [4]))[1] is None
    assert verdict(at) == ("On this image, more rounds always make the guess worse. "
                           "Pick a second stride to compare strides.")
    at.multiselect(key="stk_strides").set_value([2, 3]).run()
    assert "a larger stride always does" in verdict(at)


def test_strides_that_fit_one_round_on_typed_numbers_compare_no_depth():
    at = open_alone(PAGE)
    at.radio(key="source").set_value("grid").run()
    at.text_area(key="grid_text").set_value("\n".join(" ".join(str(5 * i + j) for j in range(5)) for i in range(5)))
    at.run()
    at.number_input(key="stk_rounds").set_value(1).run()
    at.multiselect(key="stk_strides").set_value([3, 4]).run()  # 5 x 5: one round of each, nothing deeper
    assert not at.exception
    assert verdict(at).startswith("On this image, a larger stride always makes the guess worse. No stride picked "
                                  "fits two rounds here, so depth is not compared.")


def test_an_averaging_sidebar_mode_is_explained_and_min_is_traced():
    at = open_alone(PAGE)
    at.selectbox(key="mode").set_value("avg").run()
    assert at.info[0].value.endswith("tracing follows one chosen cell: this page traces max pooling instead.")
    assert path_table(at)["value"][0] == stack_pool(sample_plane(), layers()).values[32, 32]
    at.selectbox(key="mode").set_value("min").run()
    assert not at.info
    plane = sample_plane()
    table = path_table(at)
    assert table["value"][0] == stack_pool(plane, layers(mode="min")).values[32, 32] == plane[table["row"][-1],
                                                                                               table["column"][-1]]


def test_rounds_that_do_not_fit_are_explained():
    at = open_alone(PAGE)
    at.radio(key="source").set_value("grid").run()  # the 4 x 4 typed grid
    assert not at.exception
    assert errors(at) == [("These rounds do not fit this 4 × 4 image: round 3: output height would be 0: input "
                           "height 1 plus padding 0 is smaller than the dilated kernel 2. Use fewer rounds, or "
                           "smaller kernels and strides.")]
    assert not at.get("plotly_chart")
    at.number_input(key="stk_rounds").set_value(2).run()
    assert not errors(at)
    assert "The image has one plane (typed numbers): that plane is traced." in [c.value for c in at.caption]
    grid = images.grid_from_text(at.text_area(key="grid_text").value)
    table = path_table(at)
    assert grid[table["row"][-1], table["column"][-1]] == table["value"][0] == stack_pool(grid, layers(2)).values[0, 0]


def test_an_upload_is_traced():
    at = open_alone(PAGE)
    upload(at, "tiny *photo*.png", png_bytes(40, 30))
    assert not errors(at)
    titles = [a["text"] for a in chart_by_key(at, "stk_pyramid")["layout"]["annotations"]]
    assert titles == ["input<br>30 × 40", "round 1<br>15 × 20", "round 2<br>7 × 10", "round 3<br>3 × 5"]
    # The cell traced before, (32, 32) of the sample's 64 x 64 deep layer, is pulled back inside the 3 x 5 one.
    assert (at.number_input(key="stk_row").value, at.number_input(key="stk_col").value) == (2, 4)


def test_a_photo_bigger_than_the_stack_is_stacked_as_a_copy_and_the_page_says_so():
    from apptest_helpers import full_size_upload

    from poolinglab.intake import images

    pixels = np.random.default_rng(6).integers(0, 256, (1100, 1400, 3), dtype=np.uint8)
    at = full_size_upload(PAGE, pixels)
    assert not errors(at)
    copy = images.working_image(pixels, 1024)
    assert copy.shape[:2] == (805, 1024)
    assert at.info[0].value == (
        "Your image is 1,100 × 1,400 pixels (1.5 megapixels). This page stacks an 805 × 1,024 copy of it (0.8 "
        "megapixels), resampled as the working size resamples: the pyramid shows each layer at most 480 pixels a "
        "side, and tracing every pixel would keep you waiting: a traced pixel is a pixel of the copy. Sizes below are "
        "the copy's.")
    titles = [a["text"] for a in chart_by_key(at, "stk_pyramid")["layout"]["annotations"]]
    assert titles[0] == "input<br>805 × 1024"
