"""poolinglab.words.over_time: the word-order sentence says what the core's vectors show."""

from pooling import pool_over_time
from poolinglab.tokens import token_features, tokenize
from poolinglab.words.over_time import order_words


def pooled(tokens):
    features = token_features(tokens, hashed=4)
    return {"max": pool_over_time(features).values[0], "avg": pool_over_time(features, "avg").values[0]}


def test_reversing_the_words_changes_neither_vector():
    tokens = tokenize("Max pooling over time keeps the strongest word for each feature")
    assert order_words(pooled(tokens), pooled(tokens[::-1])) == (
        "In the opposite word order: max vector the same, average vector the same.")


def test_other_words_change_both_vectors():
    first, second = tokenize("one small cat"), tokenize("MANY LOUD DOGS BARKED AT NIGHT!!")
    assert order_words(pooled(first), pooled(second)) == (
        "In the opposite word order: max vector different, average vector different.")
