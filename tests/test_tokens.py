"""Tests of ``poolinglab.tokens``: the tokenising rule and the deterministic token features."""

import hashlib

import numpy as np
import pytest
from helpers import hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st

from poolinglab.tokens import (
    HAND_FEATURES,
    MAX_HASHED,
    feature_names,
    hashed_features,
    token_features,
    tokenize,
)

SETTINGS = hypothesis_settings(60)


# ------------------------------------------------------------------ tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("The cat sat.", ["The", "cat", "sat", "."]),
        ("  spaces\tand\nlines  ", ["spaces", "and", "lines"]),
        ("don't won’t", ["don't", "won’t"]),
        ("'quoted'", ["'", "quoted", "'"]),
        ("3.14 and 1,000", ["3", ".", "14", "and", "1", ",", "000"]),
        ("snake_case x2", ["snake_case", "x2"]),
        ("Ça coûte 5 €!", ["Ça", "coûte", "5", "€", "!"]),
        ("<b>hi</b>", ["<", "b", ">", "hi", "<", "/", "b", ">"]),
        ("", []),
        ("   ", []),
    ],
)
def test_tokenize_by_hand(text, tokens):
    assert tokenize(text) == tokens


@SETTINGS
@given(st.text(max_size=80))
def test_tokens_are_the_text_without_its_spaces(text):
    tokens = tokenize(text)
    assert all(tokens)
    assert "".join(tokens) == "".join(text.split())


def test_tokenize_needs_a_str():
    with raises(TypeError, "text must be a str, not bytes"):
        tokenize(b"abc")


# ------------------------------------------------------------------ features


def test_hand_features_by_hand():
    values = token_features(["Pool", "2024", "!", "ÉtÉ", "don't", "rhythm"], hashed=0)
    assert values.dtype == np.float64 and values.shape == (6, len(HAND_FEATURES))
    assert values.tolist() == [
        # length, vowels, capitals, digits, symbols
        [4, 2, 1, 0, 0],
        [4, 0, 0, 4, 0],
        [1, 0, 0, 0, 1],
        [3, 2, 2, 0, 0],  # accents ignored: É is the vowel e
        [5, 1, 0, 0, 1],  # the apostrophe is a symbol
        [6, 0, 0, 0, 0],  # y is not counted as a vowel
    ]


def test_feature_names_match_the_columns():
    assert feature_names(hashed=0) == HAND_FEATURES
    names = feature_names(hashed=3)
    assert names[-3:] == ("hash 1", "hash 2", "hash 3")
    assert token_features(["a", "b"], hashed=3).shape == (2, len(names))


def test_hashed_features_are_sha256_bytes_scaled_to_minus_one_one():
    digest = hashlib.sha256(b"pooling").digest()
    expected = [2 * int.from_bytes(digest[i:i + 2], "big") / 65535 - 1 for i in (0, 2, 4)]
    np.testing.assert_allclose(hashed_features("Pooling", 3), expected, rtol=0, atol=1e-15)
    assert hashed_features("x", 0).shape == (0,)


def test_the_same_token_always_gets_the_same_vector():
    values = token_features(["Max", "pool", "max", "pool"], hashed=MAX_HASHED)
    np.testing.assert_array_equal(values[1], values[3])
    np.testing.assert_array_equal(values[0, 5:], values[2, 5:])  # case-folded hash
    assert values[0, 2] == 1 and values[2, 2] == 0  # but capitals still differ
    assert not np.array_equal(values[0, 5:], values[1, 5:])


@SETTINGS
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8), st.integers(0, MAX_HASHED))
def test_features_are_bounded_and_consistent(tokens, hashed):
    values = token_features(tokens, hashed=hashed)
    assert values.shape == (len(tokens), 5 + hashed)
    length, vowels, capitals, digits, symbols = values[:, :5].T
    assert (length == [len(t) for t in tokens]).all()
    assert (vowels <= length).all() and (capitals <= length).all()
    assert (digits + symbols <= length).all()
    assert (np.abs(values[:, 5:]) <= 1).all()


def test_no_tokens_give_an_empty_matrix_of_the_right_width():
    assert token_features([], hashed=2).shape == (0, 7)


@pytest.mark.parametrize(
    ("call", "exc", "text"),
    [
        (lambda: token_features("one str"), TypeError, "tokens must be a sequence of str, not one str"),
        (lambda: token_features(["a", ""]), ValueError, "tokens[1] ('') must be a non-empty str"),
        (lambda: token_features(["a", 3]), ValueError, "tokens[1] (3) must be a non-empty str"),
        (lambda: token_features(["a"], hashed=17), ValueError, "hashed (17) must be from 0 to 16"),
        (lambda: token_features(["a"], hashed=-1), ValueError, "hashed (-1) must be from 0 to 16"),
        (lambda: token_features(["a"], hashed=2.0), TypeError, "hashed (2.0) must be an int"),
        (lambda: feature_names(hashed=True), TypeError, "hashed (True) must be an int"),
        (lambda: hashed_features("a", 99), ValueError, "hashed (99) must be from 0 to 16"),
    ],
)
def test_errors_name_the_parameter(call, exc, text):
    with raises(exc, text):
        call()
