"""The Information loss page's parts: each mode's view of what it loses and the figures of it, made on two threads,
and the PSNR chart's curves, all kept in the shared store. Nothing here draws on the page."""

import numpy as np

from figures import loss as loss_figures
from pooling.analysis.loss import psnr_by_kernel
from poolinglab.refusal import Refusal, attempt
from poolinglab.settings import pool_options, psnr_options

from .cache import shared_cache
from .workers import page_workers


@shared_cache
def views_and_figures(key, _planes, pool_settings, value_range, *, side, photo_side):
    """:func:`~figures.loss.loss_views` of the sidebar's layer on two threads (numpy and Pillow let go of the GIL).
    ``key`` leaves out the survival map's plane: picking another plane finds everything built."""
    with page_workers("information-loss") as pool:
        return loss_figures.loss_views(_planes, pool_settings, value_range, pool=pool, side=side,
                                       photo_side=photo_side)


@shared_cache
def _curve(key, _planes, mode, options, data_range, kernels):
    return psnr_by_kernel(_planes, modes=(mode,), kernels=kernels, data_range=data_range,
                          options={mode: dict(options)})[mode]


def psnr_curves(key, planes, modes, pool_settings, kernels):
    """Each mode's PSNR at each kernel size, with the sidebar's other options (``key`` names ``planes``).

    Returns ``curves`` (mode -> PSNRs), ``drawn`` (``(mode, options)`` of each curve, to key the chart) and
    ``refused`` (mode -> the core's :class:`Refusal`), each in the order of ``modes``.
    """
    curves, drawn, refused = {}, [], {}
    for mode in modes:
        options = psnr_options(mode, pool_options(pool_settings, mode=mode))
        curve = attempt(_curve, key, planes, mode, options, 255.0 if planes.dtype == np.uint8 else None, kernels)
        if isinstance(curve, Refusal):
            refused[mode] = curve
            continue
        curves[mode] = curve
        drawn.append((mode, options))
    return curves, drawn, refused
