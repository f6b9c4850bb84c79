"""Pooling Lab's numpy core: pooling with PyTorch's semantics and cell-level provenance.

Every function returns data, never pictures: values, the input cell behind
each value (``indices``), the weight of each cell in a weighted value
(``weights``), and the window geometry (``grid``). The app's pages only draw
what this package returns. ``import pooling`` loads numpy only. Image
intake (:mod:`poolinglab.intake.images`, :mod:`poolinglab.intake.samples`) adds Pillow and the
figure builders (:mod:`figures`) add plotly, when imported; nothing
under ``pooling`` imports Streamlit.

Examples
--------
>>> import numpy as np, pooling
>>> x = np.arange(16).reshape(4, 4)
>>> pooling.pool2d(x, "max", 2).values.tolist()
[[5, 7], [13, 15]]
"""

from ._checks import MODES
from .adaptive import adaptive_pool2d, global_pool2d
from .analysis.invariance import ShiftReport, pooled_values, shift_grid, shift_invariance
from .analysis.loss import InformationLoss, information_loss, reconstruct, survival_map
from .analysis.noise import NoiseReport, add_noise, noise_sensitivity
from .analysis.stacking import StackResult, stack_pool
from .analysis.sweep import Sweep, format_value, sweep_steps
from .antialias import BlurPoolResult, antialiased_max_pool2d, binomial_filter
from .backward import pool_backward
from .conv import conv2d, relu
from .fractional import fractional_max_pool2d
from .geometry import AxisWindows, WindowGrid, output_length, regular_grid
from .pool import float_dtype, pool2d
from .result import PoolResult
from .temporal import TemporalResult, pool_over_time
from .unpool import max_unpool2d

__all__ = [
    "MODES",
    "AxisWindows",
    "BlurPoolResult",
    "InformationLoss",
    "NoiseReport",
    "PoolResult",
    "ShiftReport",
    "StackResult",
    "Sweep",
    "TemporalResult",
    "WindowGrid",
    "adaptive_pool2d",
    "add_noise",
    "antialiased_max_pool2d",
    "binomial_filter",
    "conv2d",
    "float_dtype",
    "format_value",
    "fractional_max_pool2d",
    "global_pool2d",
    "information_loss",
    "max_unpool2d",
    "noise_sensitivity",
    "output_length",
    "pool2d",
    "pool_backward",
    "pool_over_time",
    "pooled_values",
    "reconstruct",
    "regular_grid",
    "relu",
    "shift_grid",
    "shift_invariance",
    "stack_pool",
    "survival_map",
    "sweep_steps",
]
