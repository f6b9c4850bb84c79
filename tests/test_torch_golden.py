"""Replay PyTorch's recorded outputs through ``pooling.pool2d``: exact values and indices.

The recordings come from ``tests/make_torch_golden.py`` (run by hand with
torch installed); this test needs numpy only.
"""

import pathlib

import numpy as np
import pytest

import pooling

GOLDEN = pathlib.Path(__file__).parent / "data" / "torch_golden.npz"
MODES = ["max", "avg"]
DTYPES = [np.float32, np.float64]


def load():
    with np.load(GOLDEN) as data:
        return {key: data[key] for key in data.files}


DATA = load()
COLUMNS = [str(c) for c in DATA["columns"]]


def config(n):
    return dict(zip(COLUMNS, (int(v) for v in DATA["settings"][n]), strict=True))


def case(n):
    """Input, pool2d arguments and PyTorch's values and indices of configuration ``n``."""
    c = config(n)
    shape = (c["height"], c["width"]) if c["ndim"] == 2 else (c["channels"], c["height"], c["width"])
    lo, hi = DATA["input_offsets"][n], DATA["input_offsets"][n + 1]
    x = DATA["inputs"][lo:hi].astype(DTYPES[c["dtype"]]).reshape(shape)
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
    out_shape = shape[:-2] + (c["out_h"], c["out_w"])
    lo, hi = DATA["output_offsets"][n], DATA["output_offsets"][n + 1]
    values = DATA["values"][lo:hi].astype(x.dtype).reshape(out_shape)
    indices = DATA["indices"][lo:hi].astype(np.int64).reshape(out_shape)
    return x, mode, kwargs, values, indices


@pytest.mark.parametrize("n", range(len(DATA["settings"])))
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
    settings = {name: DATA["settings"][:, i] for i, name in enumerate(COLUMNS)}
    n = len(DATA["settings"])
    assert n >= 300
    is_max = settings["mode"] == 0
    assert is_max.any() and (~is_max).any()
    assert set(settings["dtype"]) == {0, 1} and set(settings["ndim"]) == {2, 3}
    assert settings["ceil_mode"].any() and (settings["ph"] > 0).any() and (settings["pw"] > 0).any()
    assert ((settings["dh"] > 1) & is_max).any()
    assert ((settings["count_include_pad"] == 0) & ~is_max).any()
    assert (settings["divisor_override"] > 0).any()
    assert (settings["kh"] != settings["kw"]).any() and (settings["sh"] != settings["sw"]).any()
    inputs = DATA["inputs"]
    assert np.isnan(inputs).any() and np.isneginf(inputs).any() and np.isposinf(inputs).any()
    # Ceil-mode overhang: some configuration has a last window reaching past the right padding.
    reach = (settings["out_w"] - 1) * settings["sw"] - settings["pw"] + settings["kw"]
    assert (settings["ceil_mode"].astype(bool) & (reach > settings["width"] + settings["pw"])).any()
