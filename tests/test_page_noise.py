"""AppTest of the Noise page: it runs, its controls change what it shows, its numbers are the core's."""

import re

import numpy as np
from apptest_helpers import chart_by_key, errors, open_alone, picture_by_key, texts
from helpers import image_pixels

from pooling.analysis.noise import add_noise, compare_noise, pool_noisy
from poolinglab.intake import images
from poolinglab.intake.samples import load_sample

PAGE = "pages/noise.py"
LEVELS = np.round(np.linspace(0.0, 0.5, 11), 2)


def astronaut():
    return images.to_planes(images.working_image(load_sample("Astronaut").pixels, 512), "rgb")


def mode_lines(at):
    return [t for t in texts(at) if "the output moved" in t]


def test_default_page_shows_the_cores_numbers():
    at = open_alone(PAGE)
    assert not errors(at)
    lines = mode_lines(at)
    assert [line.split(":")[0] for line in lines] == ["Max", "Average"]
    planes = astronaut()[:, 128:384, 128:384]  # the centre the page tests, shown pixel for pixel
    assert [i.value for i in at.info] == ["The image is larger than 256 px: this page tests its centre 256 × 256, so "
                                          "that every image below shows the noise as it is, no pixel averaged with its "
                                          "neighbours to fit."]
    noisy = add_noise(planes, 0.05, "salt-and-pepper", rng=0, clip=True)
    shown = {key: image_pixels(picture_by_key(at, key)) for key in ("noise_clean_input", "noise_input")}
    # No image is shrunk: the inputs are the centre's pixels, the pooled images 128 px.
    np.testing.assert_array_equal(shown["noise_clean_input"], np.moveaxis(planes, 0, -1))
    np.testing.assert_array_equal(shown["noise_input"], np.moveaxis(noisy, 0, -1))
    assert [image_pixels(picture_by_key(at, key)).shape for key in ("noise_clean_max", "noise_row_max")] == [
        (128, 128, 3)] * 2
    for line, mode in zip(lines, ("max", "avg")):
        args = {"kernel_size": (2, 2), "stride": 2}
        if mode == "avg":
            args.update(count_include_pad=True, divisor_override=None)
        r = pool_noisy(planes, noisy, mode, **args)
        assert f"moved {100 * r.output_change:.2f}% of its own range" in line
        assert f"the input's {100 * r.input_change:.2f}%" in line
        assert f"{100 * r.changed_fraction:.1f}% of output values changed" in line
    # The honest point, on a real photo: max pooling passes salt on, more than the input moved; averaging less.
    assert "more than the input" in lines[0] and "less than the input" not in lines[0]


def test_the_chart_is_the_cores_compare_noise():
    at = open_alone(PAGE)
    fig = chart_by_key(at, "noise_chart")
    assert [t["name"] for t in fig["data"]] == ["Max", "Average", "Lp (p-norm)", "Stochastic (test time)",
                                                 "The input itself"]
    centre = astronaut()[:, 192:320, 192:320]
    layers = {"max": ("max", {"kernel_size": 2}), "stochastic": ("stochastic", {"kernel_size": 2, "train": False})}
    reps = compare_noise(centre, LEVELS, layers, kind="salt-and-pepper", rng=0, clip=True)
    np.testing.assert_allclose(fig["data"][0]["x"], LEVELS)
    np.testing.assert_allclose(fig["data"][0]["y"], 100 * reps["max"].output_change)
    np.testing.assert_allclose(fig["data"][3]["y"], 100 * reps["stochastic"].output_change)
    np.testing.assert_allclose(fig["data"][4]["y"], 100 * reps["max"].input_change)
    assert "The chart uses the centre 128 × 128 of the image, to stay quick." in texts(at)


def test_level_kind_and_seed_change_the_output():
    at = open_alone(PAGE)
    first = mode_lines(at)
    row = picture_by_key(at, "noise_row_max")
    at.slider(key="noise_level").set_value(0.2).run()
    assert mode_lines(at) != first
    assert picture_by_key(at, "noise_row_max") != row
    assert any("On the chart at level 0.2:" in m.value for m in at.markdown)
    chart = chart_by_key(at, "noise_chart")
    at.radio(key="noise_kind").set_value("gaussian").run()
    assert chart_by_key(at, "noise_chart")["data"][0]["y"] != chart["data"][0]["y"]
    at.radio(key="noise_kind").set_value("salt").run()
    salt = mode_lines(at)
    assert "more than the input" in salt[0] and "about the input" in salt[1]  # averaging spreads, keeps the mean
    at.number_input(key="noise_seed").set_value(7).run()
    assert mode_lines(at) != salt


def test_pepper_is_max_poolings_strength():
    at = open_alone(PAGE)
    at.radio(key="noise_kind").set_value("pepper").run()
    assert "less than the input" in mode_lines(at)[0]


def test_modes_and_typed_numbers():
    at = open_alone(PAGE)
    at.multiselect(key="noise_modes").set_value(["min", "stochastic"]).run()
    assert [line.split(":")[0] for line in mode_lines(at)] == ["Min", "Stochastic"]
    at.multiselect(key="noise_modes").set_value([]).run()
    assert "Choose at least one mode above." in [w.value for w in at.warning]
    at.radio(key="source").set_value("grid").run()
    at.text_area(key="grid_text").set_value("-1 2 3 4\n5 -6 7 8\n1 2 3 4\n5 6 7 8").run()
    at.multiselect(key="noise_modes").set_value(["stochastic", "max"]).run()
    assert not at.exception
    # Negative typed numbers: stochastic pooling refuses them and says why; the others still run.
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    assert any("Stochastic cannot pool this noisy image" in w for w in warnings)
    assert [line.split(":")[0] for line in mode_lines(at)] == ["Max"]
    # The chart leaves out only stochastic, with the core's reason in one line, and draws the rest.
    reason = "stochastic pooling needs x >= 0 (it samples cells with probability a / sum(a)); min(x) is -6.0"
    assert [w for w in warnings if "left out of the chart" in w] == [
        f"Stochastic (test time) is left out of the chart: {reason}"]
    fig = chart_by_key(at, "noise_chart")
    assert [t["name"] for t in fig["data"]] == ["Max", "Average", "Lp (p-norm)", "The input itself"]
    grid = np.array([[-1, 2, 3, 4], [5, -6, 7, 8], [1, 2, 3, 4], [5, 6, 7, 8]], dtype=np.float64)
    layers = {"max": ("max", {"kernel_size": 2})}
    reps = compare_noise(grid, LEVELS, layers, kind="salt-and-pepper", rng=0, clip=True)
    np.testing.assert_allclose(fig["data"][0]["y"], 100 * reps["max"].output_change)
    assert any(m.value.startswith("On the chart at level 0.05: the input moved") for m in at.markdown)
