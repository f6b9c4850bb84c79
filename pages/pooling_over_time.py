"""Pooling over time: a typed sentence becomes one vector of fixed size, whatever its length."""

from functools import partial

import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures.temporal import over_time_figure
from pooling import pool_over_time
from poolinglab.tokens import MAX_HASHED, TOKEN_RULE, feature_names, token_features, tokenize
from poolinglab.words.over_time import order_words
from widgets.cache import shared, shared_cache
from widgets.sidebar import sidebar

MAX_TOKENS = 64  # more rows than this make the figure too tall to read
MAX_CHARS = 2000
EXAMPLE = "Max pooling over time keeps the strongest word for each feature: it turns 9 words or 900 into ONE vector."


@shared_cache
def pooled_sentence(tokens, hashed):
    """The core's token features and their max and average over time, as plain arrays."""
    features = token_features(tokens, hashed=hashed)
    maxed, avg = pool_over_time(features), pool_over_time(features, "avg")
    return {"features": features, "max": maxed.values[0], "winners": maxed.steps[0], "avg": avg.values[0]}


sidebar()

st.title("Pooling over time")
st.write(
    "The claim: max pooling over time turns a sentence of any length into one vector of a fixed size. It holds: "
    "each word becomes a row of features, and for each feature the largest value over all the words is kept, "
    "so 5 words and 500 give the same number of values. What it keeps is which feature fired and how strongly. "
    "What it loses is where and in what order: reverse the words and the vector does not change. That holds for "
    "one-word features like these; n-gram filters (Kim 2014 slides filters over 3 to 5 words) see the local word "
    "order inside each window before the max, so only the order of those windows is lost."
)
st.caption("The sidebar's image and layer are not used here: this page pools the words of a sentence.")

sentence = st.text_input("A sentence", value=EXAMPLE, max_chars=MAX_CHARS, key="pot_sentence")
left, right = st.columns(2)
hashed = left.slider("Hashed pseudo-embedding dimensions", 0, MAX_HASHED // 2, 4, key="pot_hashed",
                     help="Numbers from -1 to 1 read from each word's SHA-256 hash: the same word always gets "
                          "the same numbers, and no model is downloaded.")
reverse = right.checkbox("Reverse the word order", key="pot_reverse")
st.caption(TOKEN_RULE)

tokens = tokenize(sentence)
if not tokens:
    st.info("Type a sentence above: there are no words to pool yet.")
    st.stop()
if len(tokens) > MAX_TOKENS:
    st.warning(f"The sentence has {len(tokens)} tokens; only the first {MAX_TOKENS} are pooled here, "
               "so the figure stays readable.")
    tokens = tokens[:MAX_TOKENS]
if reverse:
    tokens = tokens[::-1]
st.text(f"{len(tokens)} tokens: " + " | ".join(tokens))

names = feature_names(hashed=hashed)
pooled = pooled_sentence(tuple(tokens), hashed)
fig = shared(("over time", tuple(tokens), hashed), partial(
    over_time_figure, pooled["features"], tokens=tokens, names=names, max_over_time=pooled["max"],
    winners=pooled["winners"], avg_over_time=pooled["avg"]))
st.plotly_chart(fig, key="pot_figure", alt="Each token's features as a grid, each feature's winning token "
                "outlined, and the max and average over time under it")
st.caption(f"{len(tokens)} tokens × {len(names)} features. Outlined: the token that won each feature's max "
           "(the first one on a tie). Colours run from each feature's lowest to its highest value; the numbers "
           "are the features themselves. Under the matrix, the pooled vectors: always one row, whatever the length.")

st.subheader("Which token won each feature")
st.dataframe({"feature": names, "max over time": pooled["max"], "won by token": [tokens[w] for w in pooled["winners"]],
              "token number": pooled["winners"], "average over time": pooled["avg"]},
             hide_index=True, key="pot_table")

st.text(order_words(pooled, pooled_sentence(tuple(tokens[::-1]), hashed)))
st.write("Average over time gives a fixed size too, but one strong word is diluted by every other word: "
         "the longer the sentence, the closer the average sits to a typical word, while the max keeps the peak.")

st.subheader("Why text models do this")
st.write(
    "A classifier layer needs a fixed number of inputs, but sentences come in any length. Collobert et al. (2011) "
    "and Kim (2014) slide learned filters over the words and then take each filter's max over time: one number "
    "per filter, saying whether (and how strongly) the filter's pattern occurs anywhere in the sentence. "
    "The features here are hand-made counts and hashed numbers, not learned filters: they show the mechanics, "
    "not meaning."
)
