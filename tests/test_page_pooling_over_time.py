"""AppTest of the Pooling over time page: it runs, its widgets act, and it shows the core's pooling."""

import numpy as np
from apptest_helpers import chart_by_key, errors, open_alone, texts
from helpers import plotly_array

from figures.backward import cell_labels
from pooling import pool_over_time
from poolinglab.tokens import feature_names, token_features, tokenize

PAGE = "pages/pooling_over_time.py"


def shown(at):
    """The figure's traces by name."""
    return {t["name"]: t for t in chart_by_key(at, "pot_figure")["data"]}


def assert_shows_the_core(at, tokens, hashed=4):
    features = token_features(tokens, hashed=hashed)
    maxed, avg = pool_over_time(features), pool_over_time(features, "avg")
    traces = shown(at)
    assert traces["features"]["text"] == cell_labels(features).tolist()
    assert traces["max over time"]["text"] == cell_labels(maxed.values).tolist()
    assert traces["average over time"]["text"] == cell_labels(avg.values).tolist()
    table = at.dataframe[0].value
    assert table["feature"].tolist() == list(feature_names(hashed=hashed))
    np.testing.assert_array_equal(table["max over time"].to_numpy(), maxed.values[0])
    np.testing.assert_array_equal(table["token number"].to_numpy(), maxed.steps[0])
    assert table["won by token"].tolist() == [tokens[s] for s in maxed.steps[0]]
    np.testing.assert_allclose(table["average over time"].to_numpy(), avg.values[0], rtol=1e-15)
    return features, maxed


def test_runs_on_its_own_with_the_example_sentence():
    at = open_alone(PAGE)
    assert at.title[0].value == "Pooling over time"
    tokens = tokenize(at.text_input(key="pot_sentence").value)
    assert texts(at)[0] == f"{len(tokens)} tokens: " + " | ".join(tokens)
    _, maxed = assert_shows_the_core(at, tokens)
    assert tokens[maxed.steps[0][2]] == "ONE"  # the capitals feature is won by the word in capitals
    assert not errors(at) and not at.warning


def test_a_typed_sentence_and_the_hashed_slider_change_the_output():
    at = open_alone(PAGE)
    at.text_input(key="pot_sentence").set_value("Short one.").run()
    assert_shows_the_core(at, ["Short", "one", "."])
    at.slider(key="pot_hashed").set_value(0).run()
    assert_shows_the_core(at, ["Short", "one", "."], hashed=0)
    assert len(shown(at)["max over time"]["text"][0]) == 5


def test_any_length_gives_the_same_number_of_pooled_values():
    at = open_alone(PAGE)
    widths = set()
    for sentence in ("Hi", "A much longer sentence, with many more words than the first one had"):
        at.text_input(key="pot_sentence").set_value(sentence).run()
        widths.add(len(shown(at)["max over time"]["text"][0]))
        assert plotly_array(shown(at)["features"]["z"], float).size == len(tokenize(sentence)) * 9
    assert widths == {9}


def test_reversing_the_words_keeps_the_pooled_vectors():
    at = open_alone(PAGE)
    tokens = tokenize(at.text_input(key="pot_sentence").value)
    before = shown(at)["max over time"]["text"]
    at.checkbox(key="pot_reverse").check().run()
    assert_shows_the_core(at, tokens[::-1])
    assert shown(at)["max over time"]["text"] == before
    assert "In the opposite word order: max vector the same, average vector the same." in texts(at)


def test_an_empty_sentence_is_explained():
    at = open_alone(PAGE)
    for sentence in ("", "   "):
        at.text_input(key="pot_sentence").set_value(sentence).run()
        assert not at.exception
        assert at.info[0].value == "Type a sentence above: there are no words to pool yet."
        assert not at.get("plotly_chart")


def test_long_sentences_are_capped_with_a_message():
    at = open_alone(PAGE)
    at.text_input(key="pot_sentence").set_value(" ".join(f"w{i}" for i in range(100))).run()
    assert at.warning[0].value == ("The sentence has 100 tokens; only the first 64 are pooled here, "
                                   "so the figure stays readable.")
    assert_shows_the_core(at, [f"w{i}" for i in range(64)])


def test_user_text_is_never_markup():
    at = open_alone(PAGE)
    at.text_input(key="pot_sentence").set_value("<b>bold</b> & *stars* [link](http://x)").run()
    tokens = tokenize("<b>bold</b> & *stars* [link](http://x)")
    assert_shows_the_core(at, tokens)
    assert texts(at)[0].endswith(" | ".join(tokens))  # st.text: shown as typed
    ticks = chart_by_key(at, "pot_figure")["layout"]["yaxis"]["ticktext"]
    assert "0 &lt;" in ticks and not any("<" in t for t in ticks)
    assert not any("bold" in m.value or "stars" in m.value for m in at.markdown)


def test_every_page_widget_key_is_prefixed():
    at = open_alone(PAGE)
    keys = {w.key for w in at.main if getattr(w, "key", None)}
    assert keys and all(k.startswith("pot_") for k in keys), keys


def test_the_order_claim_is_limited_to_one_word_features():
    at = open_alone(PAGE)
    claim = at.markdown[0].value
    assert "reverse the words and the vector does not change. That holds for one-word features like these" in claim
    assert "n-gram filters (Kim 2014" in claim and "see the local word order inside each window" in claim
