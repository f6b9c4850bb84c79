"""poolinglab.words.loss: the Information loss page's downloads caption names the pooling its indices come from."""

import pytest

from poolinglab.words.loss import indices_caption


@pytest.mark.parametrize("mode", ["max", "min", "stochastic"])
def test_a_selecting_mode_gives_its_own_indices(mode):
    assert f"from {mode} pooling with your window." in indices_caption(mode, True)


@pytest.mark.parametrize("mode", ["avg", "lp", "mixed", "min"])
def test_a_mode_without_indices_or_refused_falls_back_to_max(mode):
    # avg and lp pick no cell; a selecting mode that could not pool the image (selecting False) falls back too
    caption = indices_caption(mode, False)
    assert "from max pooling with your window." in caption
    assert f"from {mode} pooling" not in caption


def test_the_caption_describes_the_csv_layout():
    assert indices_caption("max", True).endswith(
        "CSV files: a header line, then one line per row of each plane (columns channel, row, then one per column).")


def test_chart_input_words_names_both_sizes_rows_first():
    from poolinglab.words.loss import chart_input_words

    assert chart_input_words(3, (100, 200), (300, 600)) == (
        "To stay fast, the chart pools your image shrunk 3 times (block means), 100 × 200; the maps above use it at "
        "300 × 600.")
