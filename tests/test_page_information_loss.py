"""AppTest of the Information loss page: it runs, its numbers are the core's, and its widgets act."""

import re

import numpy as np
import pytest
from apptest_helpers import chart_by_key, errors, open_alone, picture_by_key, texts
from helpers import image_pixels, plotly_array

from pooling import information_loss, pool2d
from pooling.analysis.loss import psnr_by_kernel
from poolinglab.intake import images
from poolinglab.intake.samples import SAMPLE_NAMES, load_sample

PAGE = "pages/information_loss.py"


@pytest.fixture(scope="module")
def astronaut():
    return images.to_planes(images.working_image(load_sample(SAMPLE_NAMES[0]).pixels, 512), "rgb")


def metrics(at):
    return {m.label: m.value for m in at.metric}


def psnr_lines(at):
    return [t for t in texts(at) if t.startswith("MSE ")]


def chart_ids(at):
    return {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def typed(at, text):
    at.radio(key="source").set_value("grid").run()
    at.text_area(key="grid_text").set_value(text).run()
    return at


def test_page_opens_with_its_claim_and_shows_the_cores_numbers(astronaut):
    at = open_alone(PAGE)
    assert at.title[0].value == "Information loss"
    assert at.markdown[0].value.startswith("**The claim:**")
    losses = {m: information_loss(pool2d(astronaut, m, 2)) for m in ("max", "avg")}
    shares = metrics(at)
    assert shares["Discarded (used by no output)"] == f"{1 - losses['max'].kept_fraction:.1%}" == "75.0%"
    assert shares["Reused (2 or more outputs)"] == "0.0%"
    for line, m in zip(psnr_lines(at), ("max", "avg")):
        assert line == f"MSE {losses[m].mse:.4g}   PSNR {losses[m].psnr:.2f} dB"
    survival = chart_by_key(at, "loss_survival_map")
    assert survival["data"][0]["type"] == "heatmap"  # a crop, cell by cell
    kept = losses["max"].survival[0, 232:280, 232:280]
    assert plotly_array(survival["data"][0]["z"]).tolist() == kept.tolist() and kept.sum() == 48 * 48 / 4
    assert {b.label for b in at.get("download_button")} >= {"survival-map.png", "indices.csv", "indices.npy",
                                                             "survival-map.npy", "error-avg.png"}


def test_chart_lines_are_psnr_by_kernel_of_the_image(astronaut):
    at = open_alone(PAGE)
    chart = chart_by_key(at, "loss_psnr_chart")
    assert [t["name"] for t in chart["data"]] == ["Max", "Min", "Average", "Mixed (your alpha)"]
    expected = psnr_by_kernel(astronaut, modes=("max", "avg"), kernels=range(2, 9), data_range=255.0)
    np.testing.assert_allclose(chart["data"][0]["y"], expected["max"])
    np.testing.assert_allclose(chart["data"][2]["y"], expected["avg"])
    assert chart["data"][0]["x"] == list(range(2, 9))
    at.multiselect(key="loss_chart_modes").set_value(["avg", "lp"]).run()
    assert [t["name"] for t in chart_by_key(at, "loss_psnr_chart")["data"]] == ["Average", "Lp (your p)"]


def test_overlapping_windows_reuse_cells_and_change_the_maps():
    at = open_alone(PAGE)
    before = chart_by_key(at, "loss_survival_map")
    at.number_input(key="kernel_h").set_value(3).run()
    at.number_input(key="kernel_w").set_value(3).run()
    at.number_input(key="stride").set_value(1).run()
    assert not at.exception and not errors(at)
    assert chart_by_key(at, "loss_survival_map") != before
    assert metrics(at)["Reused (2 or more outputs)"] != "0.0%"


def test_average_mode_says_it_picks_no_cell_and_discards_nothing():
    at = open_alone(PAGE)
    at.selectbox(key="mode").set_value("avg").run()
    assert any("picks no single cell" in m.value for m in at.markdown)
    assert metrics(at)["Discarded (used by no output)"] == "0.0%"


def test_lp_at_infinity_picks_a_cell_as_its_numbers_show(astronaut):
    """p = inf keeps the largest |x|: the words follow the result's one-hot weights, not the mode's name."""
    at = open_alone(PAGE)
    at.selectbox(key="mode").set_value("lp").run()
    assert any("picks no single cell" in m.value for m in at.markdown)  # p = 2 weighs every cell of the window
    at.checkbox(key="lp_inf").check().run()
    assert not at.exception and not errors(at)
    loss = information_loss(pool2d(astronaut, "lp", 2, p=np.inf))
    assert metrics(at)["Discarded (used by no output)"] == f"{1 - loss.kept_fraction:.1%}" == "75.0%"
    assert any(m.value.startswith("How many outputs picked each input cell") for m in at.markdown)
    assert not any("picks no single cell" in m.value for m in at.markdown)
    assert any("from max pooling with your window" in c.value for c in at.caption)  # lp keeps no indices


def test_a_mode_the_core_refuses_leaves_the_reconstructions_and_the_chart():
    at = typed(open_alone(PAGE), "-1 2 0 3\n3 -4 1 1\n2 2 -5 0\n1 0 2 2")
    at.selectbox(key="mode").set_value("stochastic").run()
    assert not at.exception
    assert [e.value for e in at.error if "cannot pool this image" in e.value]  # the core's reason, shown
    assert "loss_survival_map" not in chart_ids(at)
    x = images.grid_from_text("-1 2 0 3\n3 -4 1 1\n2 2 -5 0\n1 0 2 2")[None]
    for line, m in zip(psnr_lines(at), ("max", "avg")):  # max and avg pool negative numbers
        loss = information_loss(pool2d(x, m, 2))
        assert line == f"MSE {loss.mse:.4g}   PSNR {loss.psnr:.2f} dB"
    assert {"loss_error_max", "loss_error_avg", "loss_psnr_chart"} <= chart_ids(at)
    for m in ("max", "avg"):  # each reconstruction, on the grid's own scale: -5 black, 3 white
        recon = information_loss(pool2d(x, m, 2)).reconstruction[0]
        np.testing.assert_array_equal(image_pixels(picture_by_key(at, f"loss_recon_{m}")),
                                      np.rint((recon + 5) * 255 / 8).astype(np.uint8), err_msg=m)
    labels = {b.label for b in at.get("download_button")}
    assert "indices.csv" in labels and "error-avg.png" in labels
    assert not {n for n in labels if n.startswith("survival-map")}  # those need the refused mode


def test_the_chart_caption_gives_the_kernels_it_drew():
    at = open_alone(PAGE)
    assert any("(x, k from 2 to 8)" in c.value for c in at.caption)
    at = typed(at, "1 3 2 0\n4 2 1 5\n0 1 7 2\n3 2 1 1")
    assert chart_by_key(at, "loss_psnr_chart")["data"][0]["x"] == [2, 3, 4]
    assert any("(x, k from 2 to 4, as the image is only that large)" in c.value for c in at.caption)
    assert not any("k from 2 to 8" in c.value for c in at.caption)


def test_plane_choice_changes_the_survival_map():
    at = open_alone(PAGE)
    red = chart_by_key(at, "loss_survival_map")
    at.selectbox(key="loss_channel").set_value(2).run()
    assert chart_by_key(at, "loss_survival_map") != red
    at.slider(key="loss_crop_top").set_value(0).run()
    title = chart_by_key(at, "loss_survival_map")["layout"]["title"]["text"]
    assert title.startswith("Outputs per input cell, rows 0–47")


def test_typed_numbers_by_hand():
    at = typed(open_alone(PAGE), "1 3 2 0\n4 2 1 5\n0 1 7 2\n3 2 1 1")
    x = images.grid_from_text("1 3 2 0\n4 2 1 5\n0 1 7 2\n3 2 1 1")[None]
    for line, m in zip(psnr_lines(at), ("max", "avg")):
        loss = information_loss(pool2d(x, m, 2))
        assert line == f"MSE {loss.mse:.4g}   PSNR {loss.psnr:.2f} dB"
    survival = chart_by_key(at, "loss_survival_map")["data"][0]
    assert survival["type"] == "heatmap"
    assert plotly_array(survival["z"]).tolist() == [[0, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0]]
    assert chart_by_key(at, "loss_psnr_chart")["data"][0]["x"] == [2, 3, 4]  # no kernel larger than the grid


def test_exact_reconstruction_says_infinite_psnr_and_negative_numbers_leave_stochastic_off():
    at = typed(open_alone(PAGE), "5 5\n5 5")
    assert psnr_lines(at)[1] == "MSE 0   PSNR ∞ (exact)"
    at = typed(at, "-1 2\n3 -4")
    at.multiselect(key="loss_chart_modes").set_value(["max", "stochastic"]).run()
    assert not at.exception
    shown = [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]  # the markdown escapes undone
    assert any("is left off the chart: stochastic pooling needs x >= 0" in c for c in shown)


def test_a_layer_that_cannot_pool_the_image_is_explained():
    at = typed(open_alone(PAGE), "1 2\n3 4")
    at.number_input(key="kernel_h").set_value(3).run()
    assert not at.exception
    assert any("cannot pool this image" in w.value for w in at.warning)
    assert errors(at)  # the sidebar says why


def test_a_photo_bigger_than_the_page_works_on_is_pooled_as_a_copy_and_the_page_says_so():
    from apptest_helpers import full_size_upload

    pixels = np.random.default_rng(4).integers(0, 100, (1100, 1500, 3), dtype=np.uint8)
    at = full_size_upload(PAGE, pixels)
    copy = images.to_planes(images.working_image(pixels, 512))
    assert copy.shape[1:] == (375, 512)
    notes = [i.value for i in at.info]
    assert any(n.startswith("Your image is 1,100 × 1,500 pixels (1.6 megapixels). This page pools a 375 × 512 copy "
                            "of it") and n.endswith("The downloads at the bottom use every pixel.") for n in notes)
    for line, m in zip(psnr_lines(at), ("max", "avg")):  # the copy's numbers, as the words say
        loss = information_loss(pool2d(copy, m, 2))
        assert line == f"MSE {loss.mse:.4g}   PSNR {loss.psnr:.2f} dB"
    assert any("shown as means of 2 × 2 pixel blocks, 187 × 256 for the image's 375 × 512 pixels" in c.value
               for c in at.caption)


def test_a_512_px_photo_says_its_photos_are_shown_as_block_means(astronaut):
    at = open_alone(PAGE)
    said = [c.value for c in at.caption if "pixel blocks" in c.value]
    assert len(said) == 2 and all("2 × 2 pixel blocks, 256 × 256 for the image's 512 × 512 pixels" in c for c in said)
    assert "The whole image with every discarded cell at a quarter of its brightness. The dimmed photo is" in said[0]
