"""Replay PyTorch's adaptive, fractional and backward results (recorded by make_torch_golden_more.py).

Needs numpy only: the recordings (in the format of ``tests/golden.py``) stand in for PyTorch in CI.
"""

import pathlib

import numpy as np
import pytest
from golden import read_golden
from make_torch_golden_more import DTYPES, KINDS

import pooling

GOLDEN = pathlib.Path(__file__).parent / "data" / "torch_golden_more.npz"
CASES, TORCH_VERSION = read_golden(GOLDEN)


@pytest.mark.parametrize("n", range(len(CASES)))
def test_matches_torch(n):
    c = CASES[n]
    x, kind = c["x"].astype(DTYPES[c["dtype"]]), KINDS[c["kind"]]
    if kind == "adaptive-max":
        r = pooling.adaptive_pool2d(x, "max", (c["oh"], c["ow"]))
        np.testing.assert_array_equal(r.values, c["values"])
        np.testing.assert_array_equal(r.indices, c["indices"])
    elif kind == "adaptive-avg":
        r = pooling.adaptive_pool2d(x, "avg", (c["oh"], c["ow"]))
        if (c["oh"], c["ow"]) == (1, 1):  # torch uses mean(): another summation order, within an ulp
            np.testing.assert_allclose(r.values, c["values"], rtol=2e-7)
        else:
            np.testing.assert_array_equal(r.values, c["values"])
    elif kind == "fractional":
        r = pooling.fractional_max_pool2d(x, (c["kh"], c["kw"]), output_size=(c["oh"], c["ow"]),
                                          samples=c["samples"])
        np.testing.assert_array_equal(r.values, c["values"])
        np.testing.assert_array_equal(r.indices, c["indices"])
    else:
        r = pooling.pool2d(x, kind.split("-")[1], c["k"], stride=c["s"], padding=c["p"])
        np.testing.assert_allclose(pooling.pool_backward(r, c["grad_out"]), c["grad_in"], atol=1e-12)


def test_the_recordings_cover_every_kind():
    assert TORCH_VERSION.startswith("2.") and len(CASES) == 60 * len(KINDS)
    assert {KINDS[c["kind"]] for c in CASES} == set(KINDS)
