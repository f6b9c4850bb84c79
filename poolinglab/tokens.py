"""Deterministic features of the words of a sentence, for pooling over time without a model.

Each token becomes a short vector: a few hand-made counts a reader can check
(length, vowels, capitals, digits, symbols), then optionally a few hashed
pseudo-embedding dimensions, numbers in ``[-1, 1]`` read from the SHA-256
of the token. The same token always gets the same vector, on every machine;
nothing is learned or downloaded, so the features carry no meaning beyond
their definitions.
"""

import hashlib
import numbers
import re
import unicodedata

import numpy as np

__all__ = ["HAND_FEATURES", "MAX_HASHED", "TOKEN_RULE", "feature_names", "hashed_features", "token_features",
           "tokenize"]

# Words: runs of letters, digits or "_", with inner apostrophes ("don't" is one token);
# every other character that is not a space is a token of its own ("!", ",", "€").
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
TOKEN_RULE = ("A token is a run of letters and digits (an apostrophe inside a word keeps it whole, "
              "as in don't), or any other single character that is not a space, such as ! or ,.")
HAND_FEATURES = ("length", "vowels", "capitals", "digits", "symbols")
MAX_HASHED = 16  # SHA-256 has 32 bytes: two per dimension
_VOWELS = frozenset("aeiou")


def tokenize(text):
    """Split ``text`` into tokens (see :data:`TOKEN_RULE`).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
        In order; empty when ``text`` holds only spaces.

    Examples
    --------
    >>> tokenize("Don't pool 2 words, pool 20!")
    ["Don't", 'pool', '2', 'words', ',', 'pool', '20', '!']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    return _TOKEN.findall(text)


def _check_hashed(hashed):
    if isinstance(hashed, bool) or not isinstance(hashed, numbers.Integral):
        raise TypeError(f"hashed ({hashed!r}) must be an int")
    if not 0 <= hashed <= MAX_HASHED:
        raise ValueError(f"hashed ({hashed}) must be from 0 to {MAX_HASHED}")
    return int(hashed)


def feature_names(*, hashed=4):
    """The names of the columns :func:`token_features` returns.

    Examples
    --------
    >>> feature_names(hashed=2)
    ('length', 'vowels', 'capitals', 'digits', 'symbols', 'hash 1', 'hash 2')
    """
    return HAND_FEATURES + tuple(f"hash {i}" for i in range(1, _check_hashed(hashed) + 1))


def _hand_counts(token):
    bases = [unicodedata.normalize("NFD", ch)[0].lower() for ch in token]  # é counts as the vowel e
    return (len(token), sum(b in _VOWELS for b in bases), sum(ch.isupper() for ch in token),
            sum(ch.isdigit() for ch in token), sum(not ch.isalnum() for ch in token))


def hashed_features(token, dims):
    """``dims`` numbers in ``[-1, 1]`` from the SHA-256 of the case-folded token.

    Two bytes per number, read as a big-endian unsigned int ``n`` and mapped
    to ``2 n / 65535 - 1``. Case-folding gives "The" and "the" one vector.

    Examples
    --------
    >>> v = hashed_features("pool", 3)
    >>> v.shape, bool(np.all(np.abs(v) <= 1)), bool(np.array_equal(v, hashed_features("POOL", 3)))
    ((3,), True, True)
    """
    dims = _check_hashed(dims)
    digest = hashlib.sha256(token.casefold().encode("utf-8")).digest()
    n = np.frombuffer(digest[:2 * dims], dtype=">u2").astype(np.float64)
    return 2.0 * n / 65535.0 - 1.0


def token_features(tokens, *, hashed=4):
    """One feature vector per token: the hand-made counts, then ``hashed`` hashed dimensions.

    Parameters
    ----------
    tokens : sequence of str
        Non-empty strings, e.g. from :func:`tokenize`.
    hashed : int, optional
        How many hashed pseudo-embedding dimensions, from 0 to
        :data:`MAX_HASHED`.

    Returns
    -------
    (T, 5 + hashed) float64 ndarray
        Columns as :func:`feature_names`: characters, vowels (a e i o u,
        accents ignored, y not counted), capital letters, digits, and
        characters that are neither letters nor digits; then the hashed
        dimensions.

    Notes
    -----
    Cost: one SHA-256 per token; a Python loop over the tokens and their
    characters, which a sentence keeps short.

    Examples
    --------
    >>> token_features(["Pool", "2024", "!"], hashed=0).tolist()
    [[4.0, 2.0, 1.0, 0.0, 0.0], [4.0, 0.0, 0.0, 4.0, 0.0], [1.0, 0.0, 0.0, 0.0, 1.0]]
    """
    hashed = _check_hashed(hashed)
    if isinstance(tokens, str):
        raise TypeError("tokens must be a sequence of str, not one str: split it with tokenize first")
    tokens = list(tokens)
    for i, token in enumerate(tokens):
        if not isinstance(token, str) or not token:
            raise ValueError(f"tokens[{i}] ({token!r}) must be a non-empty str")
    counts = np.array([_hand_counts(t) for t in tokens], dtype=np.float64).reshape(len(tokens), len(HAND_FEATURES))
    hashes = np.array([hashed_features(t, hashed) for t in tokens], dtype=np.float64).reshape(len(tokens), hashed)
    return np.concatenate([counts, hashes], axis=1)
