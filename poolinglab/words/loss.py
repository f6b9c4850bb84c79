"""Information loss's sentences that depend on the numbers: what the survival map counts, PSNR, which comes back
closer, and the PSNR chart's text alternative."""

import numpy as np

__all__ = ["chart_input_words", "closer_words", "indices_caption", "psnr_caption", "psnr_text", "survival_words"]


def psnr_text(mse, psnr):
    """One line with a reconstruction's MSE and PSNR; an infinite PSNR reads as exact.

    Examples
    --------
    >>> psnr_text(12.345678, 37.2), psnr_text(0.0, float("inf"))
    ('MSE 12.35   PSNR 37.20 dB', 'MSE 0   PSNR ∞ (exact)')
    """
    return f"MSE {mse:.4g}   PSNR " + (f"{psnr:.2f} dB" if np.isfinite(psnr) else "∞ (exact)")


def survival_words(picks):
    """What the survival map counts, for a pooling that picks one cell per output or one that weighs several.

    Parameters
    ----------
    picks : bool
        :func:`pooling.analysis.compare.picks_one_cell` of the pooling.

    Returns
    -------
    str

    Examples
    --------
    >>> survival_words(True)[:40]
    'How many outputs picked each input cell:'
    """
    if picks:
        return ("How many outputs picked each input cell: 0 means discarded, 1 kept once, "
                "more than 1 reused by overlapping windows.")
    return ("This pooling picks no single cell: every cell of a window with a non-zero weight goes into its output. "
            "So the map counts the windows that use each cell, and 0 marks cells no window uses "
            "(edges that floor rounding cuts off, gaps when the stride is longer than the kernel, cells between "
            "dilated taps, and zero cells that Lp and stochastic weigh 0).")


def closer_words(psnr_max, psnr_avg):
    """Which reconstruction comes back closer, max-unpool or average, from their PSNRs in dB.

    Examples
    --------
    >>> closer_words(6.5, 28.0).split(".")[0]
    'On this image, average comes back closer'
    >>> closer_words(float("inf"), float("inf")).split(".")[0]
    'On this image, both come back exactly: nothing is lost'
    """
    a, b = float(psnr_max), float(psnr_avg)
    if np.isnan(a) or np.isnan(b):
        lead = "PSNR cannot say which comes back closer (the error is not a number)"
    elif a == b:
        lead = ("both come back exactly: nothing is lost" if np.isinf(a) else "both come back equally close")
    else:
        lead = f"{'max-unpool' if a > b else 'average'} comes back closer"
    return (f"On this image, {lead}. Max keeps a few cells exactly and loses the rest outright; average keeps a "
            "blurred trace of every cell its windows cover. PSNR measures closeness pixel by pixel, not what a "
            "network needs for its task.")


def psnr_caption(kernels):
    """The PSNR chart's text alternative, with the kernel sizes it really drew.

    Examples
    --------
    >>> psnr_caption([2, 3, 4])[:100]
    "Line chart: PSNR of each mode's reconstruction (y, dB) for k × k windows with stride k (x, k from 2 "
    >>> psnr_caption([2, 3, 4])[100:141]
    'to 4, as the image is only that large), n'
    """
    kernels = [int(k) for k in kernels]
    if not kernels:
        raise ValueError("kernels is empty; the chart needs at least one kernel size")
    cut = ", as the image is only that large" if kernels[-1] < 8 else ""
    return (f"Line chart: PSNR of each mode's reconstruction (y, dB) for k × k windows with stride k (x, k from "
            f"{kernels[0]} to {kernels[-1]}{cut}), no padding, the last partial window kept (ceil mode) so every "
            "cell counts.")


def indices_caption(mode, selecting):
    """The downloads' caption: where the indices come from and how the CSV files are laid out.

    Parameters
    ----------
    mode : str
        The layer's mode.
    selecting : bool
        Whether that mode picks one cell of each window (it has indices of its own); if not, or if it could not
        pool the image, the indices are max pooling's.

    Examples
    --------
    >>> indices_caption("min", True).split("cell, from ")[1].split(".")[0]
    'min pooling with your window'
    >>> indices_caption("avg", False).split("cell, from ")[1].split(".")[0]
    'max pooling with your window'
    """
    return (f"Indices: PyTorch's flat index row × width + column of each output's source cell, from "
            f"{mode if selecting else 'max'} pooling with your window. CSV files: a header line, then one line per "
            "row of each plane (columns channel, row, then one per column).")


def chart_input_words(factor, chart_hw, image_hw):
    """Why and how much the PSNR chart shrinks the image it pools.

    Parameters
    ----------
    factor : int
        The shrink factor (block means of ``factor`` × ``factor``); above 1.
    chart_hw, image_hw : (int, int)
        The size the chart pools, and the size the maps use.

    Examples
    --------
    >>> chart_input_words(2, (6, 8), (12, 16))
    'To stay fast, the chart pools your image shrunk 2 times (block means), 6 × 8; the maps above use it at 12 × 16.'
    """
    return (f"To stay fast, the chart pools your image shrunk {factor} times (block means), "
            f"{chart_hw[0]} × {chart_hw[1]}; the maps above use it at {image_hw[0]} × {image_hw[1]}.")
