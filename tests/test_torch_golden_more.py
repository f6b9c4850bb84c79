"""Replay PyTorch's adaptive, fractional and backward results (recorded by make_torch_golden_more.py).

Needs numpy only: the recordings stand in for PyTorch in CI.
"""

import pathlib

import numpy as np
import pytest

import pooling

GOLDEN = pathlib.Path(__file__).parent / "data" / "torch_golden_more.npz"
with np.load(GOLDEN) as _data:
    DATA = {key: _data[key] for key in _data.files}
KINDS = [str(k) for k in DATA["kinds"]]


def get(n, name):
    return DATA[f"c{n}_{name}"]


@pytest.mark.parametrize("n", range(int(DATA["count"])))
def test_matches_torch(n):
    x, args = get(n, "x"), [int(a) for a in get(n, "args")]
    kind = KINDS[args[0]]
    if kind == "adaptive-max":
        r = pooling.adaptive_pool2d(x, "max", tuple(args[1:3]))
        np.testing.assert_array_equal(r.values, get(n, "values"))
        np.testing.assert_array_equal(r.indices, get(n, "indices"))
    elif kind == "adaptive-avg":
        r = pooling.adaptive_pool2d(x, "avg", tuple(args[1:3]))
        if args[1:3] == [1, 1]:  # torch uses mean(): another summation order, within an ulp
            np.testing.assert_allclose(r.values, get(n, "values"), rtol=2e-7)
        else:
            np.testing.assert_array_equal(r.values, get(n, "values"))
    elif kind == "fractional":
        kh, kw, oh, ow = args[1:]
        r = pooling.fractional_max_pool2d(x, (kh, kw), output_size=(oh, ow), samples=get(n, "samples"))
        np.testing.assert_array_equal(r.values, get(n, "values"))
        np.testing.assert_array_equal(r.indices, get(n, "indices"))
    else:
        k, s, p = args[1:]
        r = pooling.pool2d(x, kind.split("-")[1], k, stride=s, padding=p)
        np.testing.assert_allclose(pooling.pool_backward(r, get(n, "grad_out")), get(n, "grad_in"), atol=1e-12)
