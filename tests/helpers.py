"""Small helpers shared by the test modules."""

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, settings


def coords(h, w, dtype=np.int64):
    """``10 * i + j``: every cell shows its own row and column, so windows read by eye."""
    return (10 * np.arange(h)[:, None] + np.arange(w)[None, :]).astype(dtype)


def raises(exc, text):
    """``pytest.raises`` matching ``text`` literally."""
    return pytest.raises(exc, match=re.escape(text))


def hypothesis_settings(max_examples=60, *health_checks):
    """Deterministic hypothesis runs: derandomized, no example database, no deadline."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, *health_checks],
    )
