"""Plotly and Pillow figure builders for Pooling Lab: data in, figures out.

Pure functions over the numpy core's results; they import plotly and Pillow,
never streamlit, and ``import pooling`` does not load them. Colours and sizes
come from :mod:`figures.palette`.
"""

from .gif import sweep_gif
from .grid import grid_figure, pool_pair_figure
from .image import crop_preview_figure, image_figure
from .sweep import OUTPUT_CELLS_TRACE, sweep_figure

__all__ = [
    "OUTPUT_CELLS_TRACE",
    "crop_preview_figure",
    "grid_figure", "image_figure", "pool_pair_figure", "sweep_figure", "sweep_gif"]
