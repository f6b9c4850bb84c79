"""Tests of the noise figures: ``noise_chart`` (fig.data and fig.layout) and the rows' pictures (their pixels)."""

import numpy as np
import pytest
from helpers import image_pixels

from figures import palette
from figures.image import image_picture
from figures.noise import INPUT_LABEL, clean_row_view, noise_chart, noisy_row_view
from pooling.analysis.noise import NoiseReport, compare_noise, output_span, pool_noisy


def test_noise_chart_lines_in_percent_and_the_input_for_scale():
    levels = np.array([0.0, 0.1, 0.2])
    reports = {
        "Max": NoiseReport(levels, np.array([0.0, 0.02, 0.04]), np.array([0.0, 0.05, 0.09]), np.ones(3), "salt"),
        "Average": NoiseReport(levels, np.array([0.0, 0.02, 0.04]), np.array([0.0, 0.02, 0.04]), np.ones(3), "salt"),
    }
    fig = noise_chart(reports, current=0.1, level_title="salt level", title="t")
    assert [t.name for t in fig.data] == ["Max", "Average", INPUT_LABEL]
    assert fig.data[0].x == (0.0, 0.1, 0.2) and fig.data[0].y == (0.0, 5.0, 9.0)
    assert fig.data[2].y == (0.0, 2.0, 4.0) and fig.data[2].line.dash == "dash"
    assert fig.data[2].line.color == palette.ACCENT
    assert fig.data[0].line.dash != fig.data[1].line.dash  # told apart by shape, not only colour
    assert fig.layout.xaxis.title.text == "salt level" and fig.layout.title.text == "t"
    assert [s.x0 for s in fig.layout.shapes] == [0.1]


def test_noise_chart_built_unvalidated_is_in_plotly_validated_form():
    import plotly.graph_objects as go

    levels = np.array([0.0, 0.25, 0.5])
    reports = {"Max": NoiseReport(levels, levels / 2, np.array([0.0, 0.1, np.nan]), np.ones(3), "gaussian"),
               "Average": NoiseReport(levels, levels / 2, levels / 4, np.ones(3), "gaussian")}
    for current, title in ((None, None), (0.25, "Gaussian noise")):
        fig = noise_chart(reports, current=current, title=title)
        assert go.Figure(fig.to_dict()).to_dict() == fig.to_dict()


def test_noise_chart_from_compare_noise():
    x = np.random.default_rng(0).integers(0, 256, (20, 20)).astype(np.uint8)
    reps = compare_noise(x, [0.0, 0.1], {"Max": ("max", {"kernel_size": 2})}, kind="salt", rng=0)
    fig = noise_chart(reps)
    np.testing.assert_allclose(fig.data[0].y, 100 * reps["Max"].output_change)
    np.testing.assert_allclose(fig.data[1].y, 100 * reps["Max"].input_change)
    assert not fig.layout.shapes


def test_noise_chart_needs_a_report():
    with pytest.raises(ValueError, match="reports must hold at least one NoiseReport"):
        noise_chart({})


def test_clean_and_noisy_row_views_match_the_cores_numbers_and_count_white():
    planes = np.arange(64, dtype=np.uint8).reshape(1, 8, 8) * 2
    args = {"kernel_size": (2, 2), "stride": (2, 2)}
    picture, clean, span = clean_row_view(planes, "max", args)
    assert clean.dtype == np.float64 and clean.shape == (1, 4, 4)
    assert clean[0].tolist() == [[float(2 * (16 * r + 2 * c + 9)) for c in range(4)] for r in range(4)]
    assert span == output_span(planes.shape, 0, 255, "max", **args)
    assert image_pixels(picture.uri).tolist() == clean[0].astype(np.uint8).tolist()  # on 0-255: the values

    noisy = planes.copy()
    noisy[0, 0, 0] = 255  # one white speck: max passes it on to its whole output cell
    picture, moved_in, moved_out, changed, white = noisy_row_view(planes, noisy, clean, span, "max", args)
    r = pool_noisy(planes, noisy, "max", clean=clean, span=span, **args)
    assert image_pixels(picture.uri)[0, 0] == 255 and image_pixels(picture.uri)[1:].tolist() == (
        clean[0, 1:].astype(np.uint8).tolist())
    assert (moved_in, moved_out, changed) == (r.input_change, r.output_change, r.changed_fraction)
    assert changed == 1 / 16
    assert white == (1, 16)


def test_a_noisy_colour_row_is_lossless_and_shrunk_by_block_means():
    rng = np.random.default_rng(0)
    planes = rng.integers(0, 256, (3, 40, 40)).astype(np.uint8)
    noisy = rng.integers(0, 256, (3, 40, 40)).astype(np.uint8)
    args = {"kernel_size": 2}
    _, clean, span = clean_row_view(planes, "max", args)
    quick, *_ = noisy_row_view(planes, noisy, clean, span, "max", args, max_side=10)
    assert (quick.height, quick.width) == (10, 10)
    noisy_max = pool_noisy(planes, noisy, "max", clean=clean, span=span, **args).noisy
    means = noisy_max.reshape(3, 10, 2, 10, 2).mean(axis=(2, 4))
    np.testing.assert_array_equal(image_pixels(quick.uri), np.rint(np.moveaxis(means, 0, -1)).astype(np.uint8))
    # At the fastest effort: a layer move redoes every pooled noisy picture (the noisy input alone is worth more).
    assert quick.uri == image_picture(noisy_max, value_range=(0, 255), max_side=10).uri
