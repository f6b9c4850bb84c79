"""widgets.loss_parts: the Information loss page's PSNR curves, refused modes set apart."""

import numpy as np

from poolinglab.settings import PoolSettings
from widgets.loss_parts import psnr_curves


def test_psnr_curves_keeps_the_modes_order_and_sets_refused_modes_apart():
    planes = -np.arange(64, dtype=np.float64).reshape(1, 8, 8)  # negative: stochastic pooling refuses it
    curves, drawn, refused = psnr_curves(("test_psnr_curves",), planes, ["avg", "stochastic", "max"], PoolSettings(),
                                         (2, 3))
    assert list(curves) == ["avg", "max"] and [m for m, _ in drawn] == ["avg", "max"]
    assert list(refused) == ["stochastic"]
    assert np.all(curves["max"] > 0) and len(curves["max"]) == 2
