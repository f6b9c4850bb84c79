"""The pooling-over-time figure, checked on fig.data and fig.layout."""

import numpy as np
import pytest
from helpers import raises

from figures import palette
from figures.temporal import escape_label, over_time_figure, scale_columns
from pooling import pool_over_time
from poolinglab.tokens import feature_names, token_features, tokenize

TOKENS = tokenize("Max keeps 99 <b>bold</b> & AND!")


def figure(tokens=TOKENS, hashed=2):
    features = token_features(tokens, hashed=hashed)
    maxed, avg = pool_over_time(features), pool_over_time(features, "avg")
    fig = over_time_figure(features, tokens=tokens, names=feature_names(hashed=hashed), max_over_time=maxed.values,
                           winners=maxed.steps, avg_over_time=avg.values)
    return fig, features, maxed, avg


def outlined_cells(trace):
    pts = np.stack([np.asarray(trace.x), np.asarray(trace.y)], axis=-1).reshape(-1, 6, 2)
    centres = pts[:, :4].mean(axis=1)
    return {(round(float(y)), round(float(x))) for x, y in centres}


def test_traces_in_order_on_one_colour_axis():
    fig, *_ = figure()
    assert [t.name for t in fig.data] == ["features", "winner halo", "winners", "max over time", "average over time"]
    assert {fig.data[i].coloraxis for i in (0, 3, 4)} == {"coloraxis"}
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 1)
    assert [a.text for a in fig.layout.annotations] == [
        "each token's features", "max over time (one number per feature)", "average over time"]


def test_cells_carry_raw_numbers_and_colours_scaled_per_feature():
    fig, features, maxed, avg = figure()
    matrix = fig.data[0]
    assert np.asarray(matrix.text).shape == features.shape
    assert matrix.text[0][0] == "3"  # "Max" has 3 characters
    z = np.asarray(matrix.z, dtype=np.float64)
    np.testing.assert_allclose(z.min(axis=0), 0, atol=1e-7)  # every column spans dark..bright
    np.testing.assert_allclose(z.max(axis=0), 1, atol=1e-7)
    assert fig.data[3].text.tolist() == [[f"{v:g}" if v == int(v) else f"{v:.3g}" for v in maxed.values[0]]]
    np.testing.assert_allclose(np.asarray(fig.data[3].z), 1.0)  # the max is each column's highest
    np.testing.assert_allclose(np.asarray(fig.data[4].z)[0], scale_columns(features, avg.values)[1][0], rtol=1e-6)


def test_each_feature_lights_the_token_that_won_its_max():
    fig, features, maxed, _ = figure()
    winners = maxed.steps[0]
    assert outlined_cells(fig.data[2]) == {(int(w), f) for f, w in enumerate(winners)}
    assert fig.data[2].line.color == palette.ACCENT
    assert (features[winners, np.arange(features.shape[1])] == maxed.values[0]).all()
    assert "won by token" in fig.data[3].customdata[0][0]


def test_user_text_is_escaped_in_ticks_and_hover():
    fig, *_ = figure()
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[:4] == ["0 Max", "1 keeps", "2 99", "3 &lt;"]
    assert "&amp;" in " ".join(ticks)
    assert not any("<" in t or ">" in t for t in ticks)
    hover_tokens = {str(v) for v in np.asarray(fig.data[0].customdata)[..., 0].ravel()}
    assert "&lt;" in hover_tokens and not any("<" in v for v in hover_tokens)


def test_feature_names_on_top_and_tokens_down_the_side_in_order():
    fig, features, *_ = figure()
    assert list(fig.layout.xaxis.ticktext) == list(feature_names(hashed=2))
    assert fig.layout.xaxis.side == "top"
    assert tuple(fig.layout.yaxis.range) == (features.shape[0] - 0.5, -0.5)  # token 0 on top


def test_repeated_tokens_keep_their_own_rows():
    fig, features, *_ = figure(["the", "cat", "the"])
    assert list(fig.layout.yaxis.ticktext) == ["0 the", "1 cat", "2 the"]
    assert np.asarray(fig.data[0].z).shape == features.shape


def test_a_constant_feature_is_mid_scale():
    assert [a.tolist() for a in scale_columns(np.array([[2.0], [2.0]]))] == [[[0.5], [0.5]]]


def test_escape_label_shortens_long_tokens():
    assert escape_label("a" * 30) == "a" * 17 + "…"
    assert escape_label("x&y") == "x&amp;y"


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"tokens": ["a"]}, "tokens has 1 entries; features has 2 rows"),
        ({"names": ["n"]}, "names has 1 entries; features has 2 columns"),
        ({"winners": [0]}, "winners must have shape (2,) (one per feature), got (1,)"),
        ({"winners": [0, 2]}, "winners must be token numbers from 0 to 1, got [0, 2]"),
        ({"avg_over_time": [[1.0, 2.0, 3.0]]}, "avg_over_time must have shape (2,) (one per feature), got (3,)"),
    ],
)
def test_inputs_are_checked(kwargs, text):
    args = {"tokens": ["a", "b"], "names": ["x", "y"], "max_over_time": [1.0, 2.0], "winners": [0, 1],
            "avg_over_time": [0.5, 1.0], **kwargs}
    with raises(ValueError, text):
        over_time_figure(np.array([[1.0, 0.0], [0.0, 2.0]]), **args)
    with raises(ValueError, "features must be a non-empty (T, F) array, got shape (0, 2)"):
        over_time_figure(np.zeros((0, 2)), **{**args, "tokens": []})
