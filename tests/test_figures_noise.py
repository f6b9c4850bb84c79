"""Tests of the noise figures: ``noise_chart`` and ``image_row_figure`` (fig.data and fig.layout, never pixels)."""

import numpy as np
import pytest

from figures import palette
from figures.noise import INPUT_LABEL, clean_row_view, image_row_figure, noise_chart, noisy_row_view
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


def test_image_row_figure():
    images = [np.zeros((3, 10, 10)), np.ones((1, 10, 10))]
    fig = image_row_figure(images, titles=["Clean", "Noisy"], value_range=(0, 1))
    assert [(t.type, t.xaxis, t.yaxis) for t in fig.data] == [("image", "x", "y"), ("image", "x2", "y2")]
    assert [a.text for a in fig.layout.annotations] == ["Clean", "Noisy"]
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]
    assert fig.layout.yaxis2.autorange == "reversed"


def test_image_row_figure_shrinks():
    fig = image_row_figure([np.zeros((1, 90, 30))], titles=["a"], value_range=(0, 1), max_side=30)
    assert (fig.data[0].dx, fig.data[0].x0) == (3, 1.0)


def test_image_row_figure_needs_a_title_per_image():
    with pytest.raises(ValueError, match=r"images \(2\) and titles \(1\) must be as many"):
        image_row_figure([np.zeros((1, 2, 2))] * 2, titles=["a"], value_range=(0, 1))


def test_clean_and_noisy_row_views_match_the_cores_numbers_and_count_white():
    planes = np.arange(64, dtype=np.uint8).reshape(1, 8, 8) * 2
    args = {"kernel_size": (2, 2), "stride": (2, 2)}
    fig, clean, span = clean_row_view(planes, "max", args)
    assert clean.dtype == np.float64 and clean.shape == (1, 4, 4)
    assert clean[0].tolist() == [[float(2 * (16 * r + 2 * c + 9)) for c in range(4)] for r in range(4)]
    assert span == output_span(planes.shape, 0, 255, "max", **args)
    assert fig.layout.annotations[0].text == "Pooled clean image"

    noisy = planes.copy()
    noisy[0, 0, 0] = 255  # one white speck: max passes it on to its whole output cell
    fig, moved_in, moved_out, changed, white = noisy_row_view(planes, noisy, clean, span, "max", args)
    r = pool_noisy(planes, noisy, "max", clean=clean, span=span, **args)
    assert (moved_in, moved_out, changed) == (r.input_change, r.output_change, r.changed_fraction)
    assert changed == 1 / 16
    assert white == (1, 16)
    assert fig.layout.annotations[0].text == "Pooled noisy image"


def test_image_row_figure_built_unvalidated_is_already_in_plotly_validated_form():
    import plotly.graph_objects as go

    from figures.noise import NOISY_EFFORT, image_row_figure

    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (3, 20, 30)).astype(np.uint8), rng.random((1, 10, 12))]
    for effort in (0, NOISY_EFFORT):
        fig = image_row_figure(images, titles=["a", "b"], value_range=(0, 255), effort=effort)
        assert go.Figure(fig.to_dict()).to_dict() == fig.to_dict()
