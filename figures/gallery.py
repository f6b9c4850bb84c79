"""Figures of the Alternatives gallery: pooled outputs, the Lp continuum, fractional windows, global swatches."""

import math

import numpy as np
import plotly.graph_objects as go

from pooling import antialiased_max_pool2d, fractional_max_pool2d, pool2d
from pooling.analysis.crops import centre_offset

from . import palette
from .grid import grid_figure
from .image import image_figure, image_picture, scaled_pixels
from .maps import block_mean

__all__ = ["NUMBER_CELLS", "fractional_grid_figure", "fractional_view", "global_figure", "lp_continuum_figure",
           "lp_scale", "p_label", "pooled_picture", "pooled_view"]

NUMBER_CELLS = 16  # a one-plane output at most this big per side is drawn with its numbers written in


def pooled_picture(values, *, title=None, value_range=None, max_side=480):
    """A pooled output as the gallery shows it: a grid with its numbers when small and one plane, else a picture.

    Parameters
    ----------
    values : (h, w) or (C, h, w) array_like
        ``C`` is 1 or 3.
    title : str, optional
        The grid's title (a picture has none: its card names it).
    value_range : (float, float), optional
        The colour scale's ends, so outputs pooled in different ways share
        one scale (``(0, 255)`` for photos). Each output's own range if None.
    max_side : int, optional
        Images are shrunk by block means to this many pixels on their long side.

    Returns
    -------
    plotly.graph_objects.Figure or figures.image.Picture
        A heatmap on the value scale with a number in each cell (a small
        single plane, where reading the numbers is the point), else the
        image as a :class:`~figures.image.Picture`.

    Examples
    --------
    >>> pooled_picture(np.arange(4.0).reshape(2, 2), value_range=(0, 8)).layout.coloraxis.cmax
    8.0
    >>> pooled_picture(np.zeros((3, 40, 40), np.uint8)).uri[:23]
    'data:image/webp;base64,'
    """
    v = np.asarray(values)
    plane = v[0] if v.ndim == 3 and v.shape[0] == 1 else v
    if plane.ndim == 2 and plane.size and max(plane.shape) <= NUMBER_CELLS:
        fig = grid_figure(plane, title=title)
        if value_range is not None:
            fig.update_layout(coloraxis_cmin=float(value_range[0]), coloraxis_cmax=float(value_range[1]))
        return fig
    return image_picture(v, value_range=value_range, max_side=max_side)


def p_label(p):
    """How a p value is written on the continuum's axis.

    Examples
    --------
    >>> p_label(1.0), p_label(1.5), p_label(float("inf"))
    ('1', '1.5', '∞')
    """
    return "∞" if math.isinf(p) else f"{p:g}"


def lp_continuum_figure(ratios, *, current_p=None, title=None):
    """Lp as a fraction of the window's sum and of its max, as p runs from 1 to infinity.

    Parameters
    ----------
    ratios : pooling.analysis.lp.LpRatios
    current_p : float, optional
        Marked on both lines with the accent colour, when it is one of ``ratios.ps``.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``"Lp ÷ sum"`` and ``"Lp ÷ max"`` over the p values as evenly
        spaced categories (a log feel, with ∞ at the end), then the marker
        trace ``"chosen p"`` when ``current_p`` is given.

    Examples
    --------
    >>> from pooling.analysis.lp import LpRatios
    >>> r = LpRatios((1.0, 2.0, float("inf")), np.array([2.0, 1.4, 1.0]), np.array([1.0, 0.7, 0.5]), 1)
    >>> [t.name for t in lp_continuum_figure(r, current_p=2.0).data]
    ['Lp ÷ sum', 'Lp ÷ max', 'chosen p']
    """
    labels = [p_label(p) for p in ratios.ps]
    hover = "p = %{x}: %{y:.3f}<extra>%{fullData.name}</extra>"
    fig = go.Figure([
        go.Scatter(x=labels, y=ratios.to_sum, name="Lp ÷ sum", mode="lines+markers", hovertemplate=hover,
                   line={"color": palette.VALUE_STOPS[2], "width": 2}, marker={"symbol": "square"}),
        go.Scatter(x=labels, y=ratios.to_max, name="Lp ÷ max", mode="lines+markers", hovertemplate=hover,
                   line={"color": palette.VALUE_STOPS[6], "width": 2, "dash": "dash"}, marker={"symbol": "circle"}),
    ])
    if current_p is not None and current_p in ratios.ps:
        i = ratios.ps.index(current_p)
        fig.add_trace(go.Scatter(
            x=[labels[i], labels[i]], y=[ratios.to_sum[i], ratios.to_max[i]], name="chosen p", mode="markers",
            marker={"color": palette.ACCENT, "size": 13, "line": {"color": palette.HALO, "width": 2}},
            hovertemplate=hover))
    fig.add_hline(y=1.0, line={"color": palette.HALO, "width": 1, "dash": "dot"})
    fig.update_xaxes(title="p", type="category")
    fig.update_yaxes(title="mean over windows", rangemode="tozero")
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.3},
                      font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
                      plot_bgcolor=palette.BACKGROUND, margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10})
    return fig


def _line_xy(coords, lo, hi):
    """Lines ``coord = c`` for each c, from ``lo`` to ``hi`` across, as one polyline broken by None."""
    across = np.empty(3 * len(coords), dtype=object)
    along = np.empty(3 * len(coords), dtype=object)
    across[0::3], across[1::3], across[2::3] = lo, hi, None
    along[0::3], along[1::3], along[2::3] = coords, coords, None
    return across, along


def fractional_grid_figure(planes, grid, *, top=0, left=0, size=None, value_range=None, max_side=480, title=None):
    """A view of the image with the fractional windows' starts drawn as lines over it.

    Parameters
    ----------
    planes : (C, H, W) array_like
        The pooled input.
    grid : pooling.WindowGrid
        The windows (``PoolResult.grid``); its first tap positions are the
        window starts, drawn as they are, never recomputed.
    top, left : int, optional
        Corner of the view, in input pixels.
    size : int, optional
        Side of a square view in input pixels; the whole image if None,
        shrunk by block means to ``max_side``.
    value_range, title
        As :func:`pooled_picture`.

    Returns
    -------
    plotly.graph_objects.Figure
        The image, then ``"window start halo"`` and ``"window starts"``: a
        horizontal line above each window's first row and a vertical one
        left of its first column.

    Examples
    --------
    >>> from pooling import fractional_max_pool2d
    >>> r = fractional_max_pool2d(np.arange(100.0).reshape(10, 10), 2, output_size=6, samples=[[0.5, 0.5]])
    >>> fig = fractional_grid_figure(r.input, r.grid, size=10)
    >>> r.grid.rows.positions[:, 0].tolist()  # window starts: steps of 2 and 1
    [0, 2, 4, 5, 7, 8]
    >>> [t.name for t in fig.data[1:]], fig.data[2].y[0:18:3].tolist()  # a line above each start row
    (['window start halo', 'window starts'], [-0.5, 1.5, 3.5, 4.5, 6.5, 7.5])
    """
    planes = np.asarray(planes)
    if planes.ndim != 3:
        raise ValueError(f"planes must be (C, H, W), got shape {planes.shape}")
    h, w = planes.shape[1:]
    if (h, w) != tuple(grid.input_shape):
        raise ValueError(f"grid is for a {grid.input_shape} input, planes are {(h, w)}")
    if size is None:
        top, left, f = 0, 0, block_mean(planes[:1], max_side)[1]
        view = planes
    else:
        if not 0 <= top < h or not 0 <= left < w or size < 1:
            raise ValueError(f"the view (top {top}, left {left}, size {size}) must start inside the {h}x{w} image")
        view, f = planes[:, top:top + size, left:left + size], 1
    fig = image_figure(view, title=title, value_range=value_range, max_side=max_side if size is None else None)
    # Image pixels (shrunk by f) are centred on whole numbers: a start s is drawn at its top / left edge.
    bottom, right = view.shape[1] // f - 0.5, view.shape[2] // f - 0.5
    rows = (grid.rows.positions[:, 0] - top) / f - 0.5
    cols = (grid.cols.positions[:, 0] - left) / f - 0.5
    rows, cols = rows[(rows >= -0.5) & (rows < bottom)], cols[(cols >= -0.5) & (cols < right)]
    hx, hy = _line_xy(rows, -0.5, right)
    vy, vx = _line_xy(cols, -0.5, bottom)
    x, y = np.concatenate([hx, vx]), np.concatenate([hy, vy])
    thin = size is None or size > 48
    for name, colour, width in (("window start halo", palette.HALO, 1 if thin else 3),
                                ("window starts", palette.WINDOW, 0.5 if thin else 1.5)):
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=name, hoverinfo="skip", showlegend=False,
                                 line={"color": colour, "width": width}))
    return fig


def _swatch_rgb(values, lo, hi):
    rgb = scaled_pixels(np.asarray(values, dtype=np.float64), lo, hi).astype(int)
    return rgb if rgb.size == 3 else np.repeat(rgb, 3)


def global_figure(max_values, avg_values, *, value_range, channel_names=None, title=None):
    """Global max and global average as two colour swatches, the numbers written under them.

    Parameters
    ----------
    max_values, avg_values : (C,) array_like
        One number per channel; ``C`` is 1 (drawn in grey) or 3 (drawn as RGB).
    value_range : (float, float)
        The values shown black and white (``(0, 255)`` for photos).
    channel_names : sequence of str, optional
        ``("R", "G", "B")`` for three channels by default.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Two filled rectangles (layout shapes) with an annotation each.

    Examples
    --------
    >>> fig = global_figure([255, 0, 0], [100, 50, 25], value_range=(0, 255))
    >>> fig.layout.shapes[0].fillcolor, fig.layout.annotations[0].text
    ('rgb(255, 0, 0)', 'Global max<br>R 255, G 0, B 0')
    """
    maxima, means = np.atleast_1d(np.asarray(max_values)).ravel(), np.atleast_1d(np.asarray(avg_values)).ravel()
    if maxima.shape != means.shape or maxima.size not in (1, 3):
        raise ValueError(f"max_values and avg_values must both hold 1 or 3 numbers, got {maxima.size} and "
                         f"{means.size}")
    names = channel_names or (("R", "G", "B") if maxima.size == 3 else ("",))
    fig = go.Figure()
    for i, (label, values) in enumerate((("Global max", maxima), ("Global average", means))):
        r, g, b = _swatch_rgb(values, *value_range)
        fig.add_shape(type="rect", x0=i * 1.2, x1=i * 1.2 + 1, y0=0, y1=1, fillcolor=f"rgb({r}, {g}, {b})",
                      line={"color": palette.HALO, "width": 1})
        numbers = ", ".join(f"{n} {v:.4g}".strip() for n, v in zip(names, values))
        fig.add_annotation(x=i * 1.2 + 0.5, y=-0.08, text=f"{label}<br>{numbers}", showarrow=False, yanchor="top")
    fig.update_xaxes(visible=False, range=[-0.05, 2.25])
    fig.update_yaxes(visible=False, range=[-0.45, 1.05], scaleanchor="x")
    fig.update_layout(title=title, height=260, plot_bgcolor=palette.BACKGROUND,
                      font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
                      margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10})
    return fig


def pooled_view(planes, mode, layer, *, value_range, max_side):
    """A gallery card's figure: ``planes`` pooled by ``mode`` with ``layer`` (pool2d's options), and its ``(h, w)``.

    Anti-aliased max (``"blurmax"``) takes only ``layer``'s kernel and stride: its max runs with stride 1 before
    the blur.
    """
    if mode == "blurmax":
        values = antialiased_max_pool2d(planes, layer["kernel_size"], layer["stride"]).values
    else:
        values = pool2d(planes, mode, **layer).values
    return pooled_picture(values, value_range=value_range, max_side=max_side), values.shape[-2:]


def fractional_view(planes, kernel, ratio, seed, view, *, value_range, max_side):
    """Fractional max pooling's card: its pooled figure and ``(h, w)``, then its windows drawn on the centre
    ``view`` × ``view`` of the input (all of it when ``view`` is 0).

    One random pair, drawn from ``seed``, for every plane (PyTorch draws one per plane), so the drawn windows are
    every plane's.
    """
    samples = np.tile(np.random.default_rng(seed).random(2), (planes.shape[0], 1))
    r = fractional_max_pool2d(planes, kernel, output_ratio=ratio, samples=samples)
    top, left = centre_offset(planes.shape[1:], view) if view else (0, 0)
    grid_fig = fractional_grid_figure(planes, r.grid, top=top, left=left, size=view or None, value_range=value_range,
                                      max_side=max_side)
    return pooled_picture(r.values, value_range=value_range, max_side=max_side), r.values.shape[-2:], grid_fig


def lp_scale(top, n_taps, p):
    """The colour range of an Lp-pooled image: 0 to what a window whose ``n_taps`` cells all hold ``top`` gives.

    Examples
    --------
    >>> lp_scale(255.0, 4, 1.0), lp_scale(255.0, 4, 2.0), lp_scale(255.0, 4, float("inf"))
    ((0.0, 1020.0), (0.0, 510.0), (0.0, 255.0))
    """
    return 0.0, top * n_taps ** (0 if np.isinf(p) else 1 / p)
