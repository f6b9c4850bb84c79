"""Pooling Lab's numpy core: pooling with PyTorch's semantics and cell-level provenance.

Every function returns data, never pictures: values, the input cell behind
each value (``indices``), the weight of each cell in a weighted value
(``weights``), and the window geometry (``grid``). The app's pages only draw
what this package returns. It imports numpy only; the plotly figure builders
live in :mod:`pooling.figures`, which ``import pooling`` does not load.

Examples
--------
>>> import numpy as np, pooling
>>> x = np.arange(16).reshape(4, 4)
>>> pooling.pool2d(x, "max", 2).values.tolist()
[[5, 7], [13, 15]]
"""

from .geometry import AxisWindows, WindowGrid, output_length, regular_grid
from .pool import float_dtype, pool2d
from .result import PoolResult
from .sweep import Sweep, format_value, sweep_steps

__all__ = [
    "AxisWindows",
    "PoolResult",
    "Sweep",
    "WindowGrid",
    "float_dtype",
    "format_value",
    "output_length",
    "pool2d",
    "regular_grid",
    "sweep_steps",
]
