"""Replay PyTorch's recorded outputs through ``pooling.pool2d``: exact values and indices.

The recordings come from ``tests/make_torch_golden.py`` (run by hand with
torch installed, written in the format of ``tests/golden.py``); this test
needs numpy only.
"""

import pathlib

import numpy as np
import pytest
from golden import read_golden
from make_torch_golden import COLUMNS, DTYPES, MODES

import pooling

GOLDEN = pathlib.Path(__file__).parent / "data" / "torch_golden.npz"
CASES, TORCH_VERSION = read_golden(GOLDEN)


def case(n):
    """Input, pool2d arguments and PyTorch's values and indices of configuration ``n``."""
    c = CASES[n]
    x = c["x"].astype(DTYPES[c["dtype"]])
    kwargs = dict(
        kernel_size=(c["kh"], c["kw"]), stride=(c["sh"], c["sw"]), padding=(c["ph"], c["pw"]),
        ceil_mode=bool(c["ceil_mode"]),
    )
    mode = MODES[c["mode"]]
    if mode == "max":
        kwargs["dilation"] = (c["dh"], c["dw"])
    else:
        kwargs["count_include_pad"] = bool(c["count_include_pad"])
        kwargs["divisor_override"] = c["divisor_override"] or None
    assert c["values"].shape == x.shape[:-2] + (c["out_h"], c["out_w"])
    return x, mode, kwargs, c["values"].astype(x.dtype), c.get("indices")


@pytest.mark.parametrize("n", range(len(CASES)))
def test_matches_torch(n):
    x, mode, kwargs, values, indices = case(n)
    with np.errstate(all="ignore"):
        r = pooling.pool2d(x, mode, **kwargs)
    context = f"pool2d(x, {mode!r}, **{kwargs}) with x = np.{x!r}"
    assert r.values.dtype == x.dtype, context
    np.testing.assert_array_equal(r.values, values, err_msg=context, strict=True)
    if mode == "max":
        np.testing.assert_array_equal(r.indices, indices, err_msg=context, strict=True)


def test_golden_file_is_small_and_covers_the_contract():
    assert GOLDEN.stat().st_size < 1_000_000
    settings = {name: np.array([c[name] for c in CASES]) for name in COLUMNS}
    assert len(CASES) >= 300 and TORCH_VERSION.startswith("2.")
    is_max = settings["mode"] == 0
    assert is_max.any() and (~is_max).any()
    assert set(settings["dtype"]) == {0, 1} and set(settings["ndim"]) == {2, 3}
    assert settings["ceil_mode"].any() and (settings["ph"] > 0).any() and (settings["pw"] > 0).any()
    assert ((settings["dh"] > 1) & is_max).any()
    assert ((settings["count_include_pad"] == 0) & ~is_max).any()
    assert (settings["divisor_override"] > 0).any()
    assert (settings["kh"] != settings["kw"]).any() and (settings["sh"] != settings["sw"]).any()
    inputs = np.concatenate([c["x"].ravel() for c in CASES])
    assert np.isnan(inputs).any() and np.isneginf(inputs).any() and np.isposinf(inputs).any()
    # Ceil-mode overhang: some configuration has a last window reaching past the right padding.
    reach = (settings["out_w"] - 1) * settings["sw"] - settings["pw"] + settings["kw"]
    assert (settings["ceil_mode"].astype(bool) & (reach > settings["width"] + settings["pw"])).any()
