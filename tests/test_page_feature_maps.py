"""AppTest of the Feature maps page: it runs, its controls change what it shows, and its numbers are the core's."""

import numpy as np
import pytest
from apptest_helpers import chart_by_key, errors, open_alone, open_page, pictures, texts
from helpers import image_pixels, plotly_array, scale_colors

from pooling.analysis.crops import centre_crop
from pooling.analysis.features import detection_persistence, feature_maps, feature_stage, unit_scale
from pooling.conv import stage_weights
from poolinglab.filters import BANK
from poolinglab.intake import images
from poolinglab.intake.samples import load_sample
from poolinglab.layer_code import stage_code
from poolinglab.settings import PoolSettings, pool_options
from poolinglab.words.features import persistence_verdict, sparsity_words
from widgets.text import plain

PAGE = "pages/feature_maps.py"
DEFAULT = ["sobel-v", "sobel-h", "laplacian", "gabor-45"]
LABELS = [BANK[k].label for k in DEFAULT]
LAYER = {"kernel_size": (2, 2), "stride": 2, "padding": 0, "dilation": 1, "ceil_mode": False}


def astronaut():
    return images.to_planes(images.working_image(load_sample("Astronaut").pixels, 512), "rgb")


def chart_keys(at):
    return {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def test_default_page_shows_the_cores_numbers():
    at = open_alone(PAGE)
    assert not errors(at) and not at.warning
    assert {"fm_sources", "fm_claim_chart", "fm_scale", "fm_kernel_sobel_v", "fm_kernel_gabor_45"} <= chart_keys(at)
    planes = centre_crop(astronaut(), 256)  # the page filters the centre, shown cell for cell
    assert [i.value for i in at.info] == ["The photo is larger than 256 px: this page filters its centre 256 × 256, so "
                                          "that the maps below show every cell as it is, none averaged with its "
                                          "neighbours to fit."]
    stage = feature_stage(planes, [BANK[k].weights for k in DEFAULT], -0.05, threshold=0.2,
                          max_args=pool_options(PoolSettings(), mode="max"),
                          avg_args=pool_options(PoolSettings(), mode="avg"))
    # Every map as a picture, cell for cell (none shrunk), all on one scale from 0 to the strongest response.
    top = float(stage.maps.max())
    assert chart_by_key(at, "fm_scale")["data"][0]["marker"]["cmax"] == pytest.approx(top, rel=1e-6)
    shown = dict(pictures(at))
    assert [k for k in shown if k.startswith("fm_maps_")] == [f"fm_maps_{n}/{i}" for n in range(4) for i in range(3)]
    for n, label in enumerate(LABELS):
        for i, (name, values) in enumerate((("after ReLU", stage.maps[n]), ("max-pooled", stage.max_pooled.values[n]),
                                            ("average-pooled", stage.avg_pooled[n]))):
            img = shown[f"fm_maps_{n}/{i}"]
            assert img.alt == f"{label}: the feature map {name}" and img.caption == plain(name)
            np.testing.assert_array_equal(image_pixels(img.url), scale_colors(values, 0.0, top))
    assert [m.value for m in at.markdown if m.value in {f"**{plain(label)}**" for label in LABELS}] == \
        [f"**{plain(label)}**" for label in LABELS]
    lines = [t for t in texts(at) if "of the cells are 0 after ReLU" in t]
    for n, (label, line) in enumerate(zip(LABELS, lines, strict=True)):
        assert line.startswith(sparsity_words(label, {"after ReLU": stage.sparsity["maps"][n],
                                                      "max-pooled": stage.sparsity["max"][n],
                                                      "average-pooled": stage.sparsity["avg"][n]}))
    sources = chart_by_key(at, "fm_sources")["data"][1:]
    assert [t["name"] for t in sources] == [f"{label} ({len(r)})" for label, (r, c) in zip(LABELS, stage.sources)]
    assert ("Sizes (rows × columns): photo 256 × 256 → conv 5 × 5 (no padding, stride 1) 252 × 252 → max pool "
            "2 × 2, stride 2 126 × 126") in texts(at)
    (code,) = at.code[:1]
    assert code.value == stage_code(stage_weights([BANK[k].weights for k in DEFAULT], 1)[:, 0], LABELS, -0.05, 3,
                                    PoolSettings(), (256, 256))
    assert any("comes out of max pooling as 1 (100%) and of average pooling as 0.25 (25%, divided by 4" in m.value
               for m in at.markdown)


def test_the_claim_is_the_cores_shift_test_and_its_sentence():
    at = open_alone(PAGE)
    x = unit_scale(centre_crop(astronaut(), 256))
    weight = stage_weights([BANK[k].weights for k in DEFAULT], 3)
    modes = {"max": LAYER, "avg": LAYER, "blurmax": {"kernel_size": (2, 2), "stride": 2}}
    p = detection_persistence(x, weight, np.full(4, -0.05), threshold=0.2, max_shift=4, modes=modes)
    names = {"max": "max", "avg": "average", "blurmax": "anti-aliased max"}
    shares = {"the raw feature map": p.shares("raw"), **{names[m]: p.shares(m) for m in modes}}
    fig = chart_by_key(at, "fm_claim_chart")
    assert [t["name"] for t in fig["data"]] == list(shares)
    for trace, share in zip(fig["data"], shares.values()):
        np.testing.assert_allclose(trace["y"], 100 * share)
    verdict = persistence_verdict(p.shifts, 2, shares, raw="the raw feature map")
    assert verdict in [m.value for m in at.markdown]
    assert "pooling keeps more (max, average and anti-aliased max)" in verdict
    # The fragment's own control: fewer poolings, fewer lines.
    at.multiselect(key="fm_claim_modes").set_value(["max"]).run()
    assert [t["name"] for t in chart_by_key(at, "fm_claim_chart")["data"]] == ["the raw feature map", "max"]


def test_filters_bias_and_threshold_change_the_page():
    at = open_alone(PAGE)
    at.multiselect(key="fm_filters").set_value(["gabor-0"]).run()
    assert [k for k in chart_keys(at) if k.startswith("fm_kernel")] == ["fm_kernel_gabor_0"]
    assert [k for k, _ in pictures(at) if k.startswith("fm_maps")] == ["fm_maps_0/0", "fm_maps_0/1", "fm_maps_0/2"]
    assert any(BANK["gabor-0"].sentence == c.value for c in at.caption)
    # A threshold above every response: no detection to follow, said in words, no NaN anywhere.
    at.slider(key="fm_bias").set_value(-0.5).run()
    at.slider(key="fm_threshold").set_value(1.0).run()
    words = " ".join(texts(at) + [m.value for m in at.markdown])
    assert "No cell of the raw map is above the threshold" in words
    assert "nan" not in words.lower()
    at.multiselect(key="fm_filters").set_value([]).run()
    assert [w.value for w in at.warning] == ["Choose at least one filter above."]


def test_a_flat_image_has_empty_feature_maps_and_says_so():
    at = open_page(PAGE, {"source": "grid", "grid": "\n".join(["5 5 5 5 5 5 5 5 5 5"] * 10)})
    at.multiselect(key="fm_filters").set_value(["sobel-v", "laplacian"]).run()
    at.multiselect(key="fm_claim_modes").set_value(["max", "avg"]).run()
    assert not at.exception
    words = " ".join(texts(at) + [m.value for m in at.markdown])
    assert words.count("this feature map is 0 everywhere after ReLU") == 2
    assert "100% of the cells are 0 after ReLU" in words
    assert "No cell of the raw map is above the threshold" in words and "nan" not in words.lower()


def test_a_typed_kernel_and_bad_text():
    at = open_alone(PAGE)
    at.multiselect(key="fm_filters").set_value(["custom"]).run()
    assert at.text_area(key="fm_kernel").value == "1 1 1\n0 0 0\n-1 -1 -1"
    assert any(c.value.startswith("Your kernel, used as typed: its weights add up to 0") for c in at.caption)
    at.text_area(key="fm_kernel").set_value("1 2\n3 4").run()
    assert errors(at) == [("kernel: the kernel is 2 × 2; type 3 × 3 or 5 × 5 numbers (3 or 5 rows of 3 or 5 "
                           "each). The last kernel that worked stays in use.")]
    assert "fm_maps_0/1" in dict(pictures(at))  # the last good kernel keeps the page going
    at.text_area(key="fm_kernel").set_value("0 <b>x</b> 0\n1 1 1\n0 0 0").run()
    assert "is not a number" in errors(at)[0] and "<b>x</b>" in errors(at)[0]  # shown as typed, not as HTML
    at.text_area(key="fm_kernel").set_value("\n".join(["0 0 1 0 0"] * 5)).run()
    assert not errors(at)
    assert any("conv 5 × 5" in t for t in texts(at))


def test_small_grids_and_layers_that_cannot_pool_say_so():
    at = open_page(PAGE, {"source": "grid"})  # the default 4 x 4 grid: smaller than a 5 x 5 Gabor
    assert not at.exception
    assert any("smaller than the 5 × 5 filters" in w.value for w in at.warning)
    at.multiselect(key="fm_filters").set_value(["sobel-v"]).run()
    assert not at.exception and any("conv 3 × 3" in t for t in texts(at))
    words = " ".join(texts(at) + [m.value for m in at.markdown])
    assert "nan" not in words.lower()
    at = open_alone(PAGE)
    at.number_input(key="kernel_h").set_value(32).run()
    at.number_input(key="padding").set_value(0).run()
    assert not at.exception


def test_window_sweep_takes_a_crop_of_a_feature_map():
    at = open_page("pages/window_sweep.py")
    at.radio(key="sweep_source").set_value("feature").run()
    at.selectbox(key="sweep_filter").set_value("laplacian").run()
    assert not at.exception and not errors(at)
    planes = astronaut()
    plane = feature_maps(planes.astype(np.float64), stage_weights([BANK["laplacian"].weights], 3), [0.0])[0]
    shown = plotly_array(chart_by_key(at, "sweep_chart")["data"][0]["z"])
    assert "sweep_crop_preview" in chart_keys(at)
    assert any(c.value.startswith("Laplacian blobs after ReLU") for c in at.caption)
    assert at.query_params["grid_from"] == "feature" and at.query_params["filter"] == "laplacian"
    np.testing.assert_allclose(shown, plane[:6, :6], atol=1e-6)  # the figure sends float32
