"""Small helpers shared by the test modules."""

import base64
import io
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from PIL import Image

from poolinglab.intake.samples import SAMPLE_NAMES
from poolinglab.settings import PoolSettings


def coords(h, w, dtype=np.int64):
    """``10 * i + j``: every cell shows its own row and column, so windows read by eye."""
    return (10 * np.arange(h)[:, None] + np.arange(w)[None, :]).astype(dtype)


# Settings that between them use every mode and option: for the links, the forms and the code lines.
EXAMPLE_SETTINGS = [
    PoolSettings(),
    PoolSettings(mode="avg", kernel=(3, 2), stride=1, padding=1, count_include_pad=False, divisor_override=5),
    PoolSettings(mode="lp", p=math.inf, padding="same", ceil_mode=True, working_size=None, color="gray"),
    PoolSettings(mode="lp", p=3.5, dilation=2, padding="valid"),
    PoolSettings(mode="stochastic", train=False, seed=12345, source="grid", grid="1 2\n3 4"),
    PoolSettings(mode="mixed", alpha=0.25, sample=SAMPLE_NAMES[-1], working_size=128),
    PoolSettings(mode="min", kernel=(32, 1), stride=32, padding=0),
]


# A number that is no number: nan, inf, -inf as words of their own ("\infty", "information", "infinite" pass).
NOT_A_NUMBER = re.compile(r"(?<![A-Za-z\\])[-+]?(nan|inf)(?![A-Za-z])", re.IGNORECASE)


def coded_photo(c=3, h=6, w=8):
    """A ``(c, h, w)`` uint8 photo whose values encode their place: :func:`coords` plus 3 per plane."""
    return (coords(h, w, np.uint8)[None] + 3 * np.arange(c, dtype=np.uint8)[:, None, None]).astype(np.uint8)


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


def plotly_array(value, dtype=None):
    """A figure's array as plotly sends it, as numpy: a plain list, or a typed array ``{"dtype", "bdata", "shape"}``.

    ``dtype`` applies to plain lists (``float`` turns None into NaN).
    """
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value, dtype=dtype)


def image_pixels(source):
    """The pixels of an image trace: the trace itself, or its ``data:image/png;base64,...`` (grey) or
    ``data:image/webp;base64,...`` (colour) source, as :func:`figures.maps.pixels_uri` writes them;
    a paletted PNG (:func:`figures.maps.scale_uri`) as its RGB colours."""
    source = getattr(source, "source", source)
    assert source.startswith(("data:image/png;base64,", "data:image/webp;base64,")), source[:40]
    image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
    return np.asarray(image.convert("RGB") if image.mode == "P" else image)


def scale_colors(values, lo, hi, colorscale=None):
    """The colours :func:`figures.maps.scale_uri` gives ``values``, worked out another way: each value
    moved to the nearest of its ``PALETTE_LEVELS`` levels, then coloured by ``color_map``."""
    from figures import palette
    from figures.maps import PALETTE_LEVELS, color_map

    v = np.asarray(values, dtype=np.float64)
    t = np.clip((v - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    level = np.rint(t * (PALETTE_LEVELS - 1)) / (PALETTE_LEVELS - 1)
    return color_map(np.where(np.isnan(v), np.nan, level), 0.0, 1.0, colorscale or palette.VALUE_SCALE)
