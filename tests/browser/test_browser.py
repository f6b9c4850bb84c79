"""The app in a real Chromium: pages, uploads, the animation, the sidebar and shared links.

Run with ``pytest tests/browser`` (the README's ``bash tests/run.sh`` runs it
with the rest). Every test fails on a Streamlit exception box, a traceback,
a browser console error or a request that leaves this machine (see
``conftest.py``). Screenshots go to ``$POOLING_LAB_SCREENSHOTS``.
"""

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from widgets.registry import PAGES

pytestmark = [pytest.mark.browser]

PHOTO_NAME = "my <b>photo</b>.png"  # markup in a name must show as typed


def photo_png(path, width=160, height=120):
    """A small photo-like PNG: a colour gradient with a bright disc, easy to recognise in a screenshot."""
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([255 * x / width, 255 * y / height, np.full_like(x, 90.0)], axis=-1).astype(np.uint8)
    image = Image.fromarray(rgb)
    ImageDraw.Draw(image).ellipse((width // 3, height // 4, width // 3 + 50, height // 4 + 50), fill=(250, 250, 240))
    image.save(path, "PNG")
    return path


def upload(lab, name, data):
    """Choose Upload as the image source and give the uploader ``data`` as a file called ``name``."""
    lab.key("source").get_by_text("Upload", exact=True).click()
    uploader = lab.key("upload").locator("input[type=file]")
    uploader.wait_for(state="attached")
    uploader.set_input_files({"name": name, "mimeType": "image/png", "buffer": data})


def image_line(lab):
    return lab.fresh('[data-testid="stText"]').filter(has_text=re.compile(r"^Image: "))


def output_line(lab):
    return lab.fresh('[data-testid="stText"]', within='[data-testid="stSidebar"]').filter(
        has_text=re.compile(r"^Output: "))


def sweep_title(lab):
    """The step sentence in the sweep figure's title, e.g. "Step 3 of 9: window rows 0-1, ..."."""
    return lab.key("sweep_chart").locator(".gtitle").first


def sweep_button(lab, label):
    return lab.key("sweep_chart").locator("g.updatemenu-button", has_text=label)


def nav(lab, title):
    lab.page.locator('[data-testid="stSidebarNavLink"]', has_text=title).click()


# ------------------------------------------------------------------ pages


def test_a_deep_link_opens_the_sweep_inside_the_frame(lab):
    lab.open("/window_sweep", title="Window Sweep")
    links = lab.page.locator('[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"]')
    expect(links).to_have_text([lab.title for lab in PAGES])  # st.Page titles: app.py's frame, not file names
    expect(sweep_title(lab)).to_have_text(re.compile(r"^Step 1 of 9: window rows 0-1, cols 0-1;"))
    lab.screenshot("window_sweep-sample")
    lab.assert_clean()


def test_every_page_opens_from_the_sidebar(lab):
    lab.open("/", title="Pooling Lab")
    expect(lab.key("home_example").locator(".main-svg").first).to_be_visible()
    expect(image_line(lab)).to_have_text(re.compile(r"^Image: Astronaut, 512 × 512 \(rows × columns\)"))
    lab.screenshot("home-sample")
    nav(lab, "Window Sweep")
    lab.expect_title("Window Sweep")
    expect(lab.page).to_have_url(re.compile(r"/window_sweep(\?.*)?$"))
    expect(sweep_title(lab)).to_contain_text("Step 1 of 9")
    nav(lab, "Home")
    lab.expect_title("Pooling Lab")
    expect(lab.page).to_have_url(re.compile(r"127\.0\.0\.1:\d+/(\?.*)?$"))
    lab.wait_idle()
    lab.assert_clean()


# ------------------------------------------------------------------ labs

LAB_PAGES = PAGES[2:]  # Home and the Window Sweep have tests of their own above and below


@pytest.mark.parametrize("lab_page", LAB_PAGES, ids=[Path(p.path).stem for p in LAB_PAGES])
def test_each_lab_opens_from_a_link_and_takes_an_uploaded_photo(lab, tmp_path, lab_page):
    stem = Path(lab_page.path).stem
    lab.open(f"/{stem}", title=lab_page.title)
    charts = lab.fresh(".main-svg", within='[data-testid="stMain"]')
    expect(charts.first).to_be_visible()
    lab.screenshot(f"{stem}-sample")

    upload(lab, PHOTO_NAME, photo_png(tmp_path / "photo.png").read_bytes())
    expect(image_line(lab)).to_have_text(f"Image: {PHOTO_NAME}, 120 × 160 (rows × columns), 3 plane(s)")
    expect(lab.fresh('[data-testid="stAlertContentError"]')).to_have_count(0)
    lab.wait_idle()
    expect(charts.first).to_be_visible()
    lab.expect_title(lab_page.title)
    lab.screenshot(f"{stem}-upload")
    lab.assert_clean()


def test_feature_maps_on_an_uploaded_photo_and_a_feature_map_in_the_sweep(lab, tmp_path):
    lab.open("/feature_maps", title="Feature maps")
    upload(lab, PHOTO_NAME, photo_png(tmp_path / "photo.png").read_bytes())
    expect(image_line(lab)).to_have_text(f"Image: {PHOTO_NAME}, 120 × 160 (rows × columns), 3 plane(s)")
    lab.wait_idle()
    for key in ("fm_sources", "fm_scale", "fm_claim_chart", "fm_kernel_sobel_v"):
        expect(lab.key(key).locator(".main-svg").first).to_be_visible()
    maps = lab.key("pixels-fm_maps_0").locator("img")
    expect(maps).to_have_count(3)  # after ReLU, max- and average-pooled: side by side, apart, equally wide
    for img in maps.all():
        expect(img).to_be_visible()
    boxes = [img.bounding_box() for img in maps.all()]
    assert all(right["x"] >= left["x"] + left["width"] + 8 for left, right in itertools.pairwise(boxes)), boxes
    assert len({round(b["width"]) for b in boxes}) == 1 and len({round(b["y"]) for b in boxes}) == 1, boxes
    main = '[data-testid="stMain"]'
    expect(lab.fresh('[data-testid="stText"]', within=main).filter(has_text="Sizes (rows × columns): photo 120 × 160 "
                                                                              "→ conv 5 × 5")).to_have_count(1)
    expect(lab.fresh('[data-testid="stMarkdownContainer"]', within=main).filter(
        has_text=re.compile(r"^(Moved by shifts between whole strides|No cell of the raw map)"))).to_have_count(1)
    expect(lab.fresh('[data-testid="stCode"]', within=main).filter(has_text="nn.Conv2d(3, 4, kernel_size=5")
           ).to_have_count(1)
    expect(lab.fresh('[data-testid="stAlertContentError"]')).to_have_count(0)
    lab.screenshot("feature_maps-upload")

    nav(lab, "Window Sweep")
    lab.expect_title("Window Sweep")
    lab.key("sweep_source").get_by_text("Crop of a feature map", exact=True).click()
    expect(lab.key("sweep_crop_preview").locator(".main-svg").first).to_be_visible()
    expect(sweep_title(lab)).to_contain_text("Step 1 of 9")
    expect(lab.page).to_have_url(re.compile(r"[?&]grid_from=feature(&|$)"))
    lab.screenshot("window_sweep-feature-map")
    lab.assert_clean()


# ---------------------------------------------------------------- uploads


def test_an_uploaded_photo_becomes_the_image_on_every_page(lab, tmp_path):
    data = photo_png(tmp_path / "photo.png").read_bytes()
    lab.open("/", title="Pooling Lab")
    upload(lab, PHOTO_NAME, data)
    line = image_line(lab)
    expect(line).to_have_text(f"Image: {PHOTO_NAME}, 120 × 160 (rows × columns), 3 plane(s)")
    assert lab.page.locator('[data-testid="stSidebar"] b', has_text="photo").count() == 0, "the name became HTML"
    expect(lab.fresh('[data-testid="stAlertContentError"]')).to_have_count(0)
    lab.screenshot("home-upload")

    nav(lab, "Window Sweep")
    lab.expect_title("Window Sweep")
    expect(line).to_have_text(re.compile(rf"^Image: {re.escape(PHOTO_NAME)}, 120 × 160"))
    lab.key("sweep_source").get_by_text("Crop of the image", exact=True).click()
    expect(lab.key("sweep_crop_preview").locator(".main-svg").first).to_be_visible()
    lab.screenshot("window_sweep-upload")
    lab.assert_clean()


def test_a_broken_upload_is_explained_and_the_previous_image_stays(lab, tmp_path):
    lab.open("/", title="Pooling Lab")
    upload(lab, "good.png", photo_png(tmp_path / "good.png").read_bytes())
    expect(image_line(lab)).to_have_text(re.compile(r"^Image: good\.png, 120 × 160"))

    lab.key("upload").locator("input[type=file]").set_input_files(
        {"name": "broken.png", "mimeType": "image/png", "buffer": b"just some text, not a picture\n" * 10})
    error = lab.fresh('[data-testid="stAlertContentError"]', within='[data-testid="stSidebar"]')
    expect(error).to_contain_text("contains text, not an image")
    expect(error).to_contain_text("Choose a PNG, JPEG")
    lab.wait_idle()
    expect(image_line(lab)).to_have_text(re.compile(r"^Image: good\.png, 120 × 160"))
    lab.screenshot("home-broken-upload")
    lab.assert_clean()


# -------------------------------------------------------------- the sweep


def test_play_advances_the_sweep_and_pause_stops_it(lab):
    lab.open("/window_sweep", title="Window Sweep")
    title = sweep_title(lab)
    expect(title).to_have_text(re.compile(r"^Step 1 of 9"))

    sweep_button(lab, "Play").click()
    expect(title).to_have_text(re.compile(r"^Step [3-9] of 9"), timeout=6_000)

    lab.watch.interrupt_allowed = True  # see PLOTLY_INTERRUPT_WARNING in conftest.py
    sweep_button(lab, "Pause").click()
    lab.page.wait_for_timeout(300)  # a frame already under way may still land
    paused_at = title.text_content()
    lab.page.wait_for_timeout(1_600)  # more than two frames at 1×
    assert title.text_content() == paused_at, "the animation kept running after Pause"
    lab.watch.interrupt_allowed = False
    lab.assert_clean()


def test_a_click_on_the_deepest_layer_traces_that_cell(lab):
    """The pyramid draws one of its invisible click markers; a click must still find the cell under it."""
    lab.open("/stacked_pooling", title="Stacked pooling")
    row, col = lab.key("stk_row").locator("input"), lab.key("stk_col").locator("input")
    expect(row).to_have_value("32")
    chart = lab.key("stk_pyramid")
    chart.scroll_into_view_if_needed()
    panels = chart.locator(".nsewdrag")
    expect(panels).to_have_count(4)
    box = panels.nth(3).bounding_box()  # round 3, 64 x 64 cells
    lab.page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.7)
    lab.page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.7)
    expect(row).not_to_have_value("32")
    assert 40 <= int(row.input_value()) <= 50 and 8 <= int(col.input_value()) <= 18  # 70% down, 20% across
    lab.assert_clean()


def test_the_kernel_in_the_sidebar_changes_the_output_size(lab):
    lab.open("/window_sweep", title="Window Sweep")
    expect(output_line(lab)).to_have_text("Output: 3 × 3 from 6 × 6 (rows × columns)")
    field = lab.key("kernel_h").locator("input")
    field.fill("3")
    field.press("Enter")
    expect(output_line(lab)).to_have_text("Output: 2 × 3 from 6 × 6 (rows × columns)")
    expect(sweep_title(lab)).to_have_text(re.compile(r"^Step 1 of 6: window rows 0-2, cols 0-1;"))
    expect(lab.page).to_have_url(re.compile(r"[?&]kernel=3x2(&|$)"))
    lab.assert_clean()


# ------------------------------------------------------------------ links


def test_a_shared_link_restores_its_settings(lab):
    query = "mode=avg&kernel=3x2&stride=1&padding=1&count_pad=0&sample=Coffee&color=gray&rows=8&grid_seed=4"
    lab.open(f"/window_sweep?{query}", title="Window Sweep")
    expect(lab.key("mode").get_by_role("combobox")).to_have_value("Average")
    expect(lab.key("kernel_h").locator("input")).to_have_value("3")
    expect(lab.key("kernel_w").locator("input")).to_have_value("2")
    expect(lab.key("stride").locator("input")).to_have_value("1")
    expect(lab.key("padding").locator("input")).to_have_value("1")
    expect(lab.key("count_include_pad").locator("input[type=checkbox]")).not_to_be_checked()
    expect(lab.key("sample").get_by_role("combobox")).to_have_value("Coffee")
    expect(lab.key("color").get_by_role("combobox")).to_have_value("Grey")
    expect(lab.key("sweep_rows").locator("input")).to_have_value("8")
    expect(output_line(lab)).to_have_text("Output: 8 × 7 from 8 × 6 (rows × columns)")
    expect(image_line(lab)).to_have_text(re.compile(r"^Image: Coffee, .* 1 plane\(s\)"))
    expect(lab.fresh('[data-testid="stAlertContentWarning"]')).to_have_count(0)
    for pair in query.split("&"):
        assert pair in lab.page.url, f"{pair} fell out of the link: {lab.page.url}"
    lab.assert_clean()


# ------------------------------------------------------ the checks themselves


def test_the_watch_catches_what_it_must_and_excuses_only_the_deep_link_probes(lab):
    lab.open("/window_sweep", title="Window Sweep")
    probes = sorted(url.removeprefix(lab.base) for _, url in lab.watch.console_errors)
    assert probes == ["/window_sweep/_stcore/health", "/window_sweep/_stcore/host-config"], probes
    assert not lab.watch.problems()

    lab.page.evaluate("""() => {
        console.error("a console error");
        fetch("https://fonts.googleapis.com/css?family=Roboto").catch(() => {});
        setTimeout(() => { throw new Error("an uncaught error"); });
    }""")
    # Wait for all four reports, the failed load of the stopped request included: one that landed after
    # the lists are cleared below would fail this test at teardown.
    expected = ("console error: a console error", "request outside this machine: https://fonts.googleapis.com/",
                "uncaught page error: an uncaught error", "console error: Failed to load resource")
    for _ in range(100):
        problems = "\n".join(lab.watch.problems())
        if all(text in problems for text in expected):
            break
        lab.page.wait_for_timeout(100)
    assert "console error: a console error" in problems
    assert "request outside this machine: https://fonts.googleapis.com/" in problems
    assert "uncaught page error: an uncaught error" in problems
    lab.watch.console_errors.clear()
    lab.watch.page_errors.clear()
    lab.watch.outside.clear()
