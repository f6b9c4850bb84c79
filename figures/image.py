"""Photos as images: a losslessly compressed image inside the figure, or on its own, not a heatmap of numbers."""

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from . import palette
from .maps import block_mean, pixels_uri

__all__ = ["Picture", "crop_preview_figure", "image_figure", "image_picture", "photo_pixels", "scaled_pixels"]


def scaled_pixels(values, lo, hi):
    """``values`` from ``lo`` (black, 0) to ``hi`` (white, 255) as uint8: outside values clipped, NaN black.

    Floats are scaled in their own precision; other types in float64. The
    arithmetic runs in place on one temporary array: a 12 MP photo's planes
    take one float buffer, not four.

    Examples
    --------
    >>> scaled_pixels(np.array([-1.0, 0.0, 5.0, 10.0, np.nan]), 0, 10).tolist()
    [0, 0, 128, 255, 0]
    """
    a = np.asarray(values)
    span = hi - lo if hi > lo else 1.0
    t = np.subtract(a, lo, dtype=a.dtype if a.dtype.kind == "f" else np.float64)
    t *= 255.0 / span
    np.rint(t, out=t)
    np.clip(t, 0, 255, out=t)
    t[np.isnan(t)] = 0  # NaN is drawn as lo: black
    return t.astype(np.uint8)


def photo_pixels(planes, lo, hi):
    """:func:`scaled_pixels` of ``(C, H, W)`` planes, as ``(H, W)`` grey or ``(H, W, 3)`` colour pixels.

    The arithmetic runs in the planes' own layout; only the bytes move
    into pixel order, a third of the time of scaling in pixel order.

    Examples
    --------
    >>> photo_pixels(np.array([[[0.0, 10.0]], [[5.0, 5.0]], [[10.0, 0.0]]]), 0, 10).tolist()
    [[[0, 128, 255], [255, 128, 0]]]
    """
    pixels = scaled_pixels(planes, lo, hi)
    return pixels[0] if len(pixels) == 1 else np.ascontiguousarray(np.moveaxis(pixels, 0, -1))


def _as_display_array(image, value_range=None, max_side=None):
    """uint8 ``(H, W)`` or ``(H, W, 3)`` pixels from planes, an RGB array or a float plane."""
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[0] in (1, 3):
        a = np.moveaxis(a, 0, -1)  # (C, H, W) planes, as the core keeps them
    if max_side is not None and a.ndim >= 2 and a.size:
        a = np.moveaxis(a, -1, 0) if a.ndim == 3 else a
        shrunk, f = block_mean(a, max_side)
        if f > 1:
            a = shrunk if a.dtype != np.uint8 else np.rint(shrunk).astype(np.uint8)
        a = np.moveaxis(a, 0, -1) if a.ndim == 3 else a
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] != 3) or a.size == 0:
        raise ValueError(
            f"image must be (H, W), (C, H, W) with C = 1 or 3, or (H, W, 3), got shape {np.shape(image)}"
        )
    # uint8 shown from 0 to 255 is already its pixels: scaling would give the same values after five copies.
    if a.dtype == np.uint8 and (value_range is None or tuple(map(float, value_range)) == (0.0, 255.0)):
        return a
    a = a.astype(np.float32)
    if value_range is not None:
        return scaled_pixels(a, *(float(v) for v in value_range))
    # Each image is stretched from its own min to its max; colour jointly, so channels keep their balance.
    return scaled_pixels(a, np.nanmin(a), np.nanmax(a))


def image_figure(image, *, title=None, value_range=None, max_side=None):
    """Show a photo as an image: one compressed image inside the figure, as px.imshow's ``binary_string`` does.

    The pixels travel as one losslessly compressed image inside the figure
    (:func:`.maps.pixels_uri`), so a 512 px photo costs a few hundred
    kilobytes of JSON, not megabytes of numbers.

    Parameters
    ----------
    image : (C, H, W), (H, W, 3) or (H, W) array_like
        ``C`` is 1 (grey) or 3 (RGB), as the core keeps planes; a first axis
        of length 1 or 3 is read as ``C``. uint8 is shown
        as is; other dtypes are stretched from their min to their max.
    title : str, optional
    value_range : (float, float), optional
        Show values from ``lo`` (black) to ``hi`` (white) instead of
        stretching each image to its own range: images pooled in different
        ways then share one scale, as in ``value_range=(0, 255)``.
    max_side : int, optional
        Shrink the image by block means (:func:`.maps.block_mean`) to at most
        this many pixels on its long side before it is encoded, so that a
        12-megapixel photo costs no more than a small one. The hover then
        gives the shrunk image's rows and columns.

    Returns
    -------
    plotly.graph_objects.Figure
        One image trace; hovering shows the pixel's row and column.

    Examples
    --------
    >>> fig = image_figure(np.zeros((3, 4, 5), np.uint8))
    >>> fig.data[0].type, fig.data[0].source[:22]
    ('image', 'data:image/webp;base64')
    """
    a = _as_display_array(image, value_range, max_side)
    # The image is encoded here rather than by px.imshow, which costs several times more for the same bytes. One
    # dict, in the form plotly's validation gives it, not validated: validating cost as much as encoding a 256 px
    # photo (test_figures_image holds it to the validated figure).
    layout = {"xaxis": {"showticklabels": False, "ticks": ""}, "yaxis": {"showticklabels": False, "ticks": ""},
              "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
              "margin": {"l": 10, "r": 10, "t": 50 if title else 10, "b": 10}}
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": [{"type": "image", "source": pixels_uri(a),
                                "hovertemplate": "row %{y}, col %{x}<extra></extra>"}], "layout": layout},
                     _validate=False)


@dataclass(frozen=True)
class Picture:
    """An image shown as it is, without a figure around it: ``height`` × ``width`` pixels as a ``data:`` URI.

    A page shows it as an HTML image, cell for cell (``widgets.pictures``).
    In a browser that costs a fraction of a plotly image figure, which also
    draws axes and a hover layer; a page of nine pooled images opened about
    a second sooner. It has no hover and no zoom: a page uses it where a
    figure's axes would add nothing, and a plotly figure where they matter.
    """

    uri: str
    height: int
    width: int


def image_picture(image, *, value_range=None, max_side=None, effort=0):
    """:func:`image_figure`'s image as a :class:`Picture`: the same pixels, without the figure.

    Parameters and scaling are :func:`image_figure`'s; ``effort`` is
    :func:`~figures.maps.pixels_uri`'s (2 for a big noisy image, which
    compresses badly).

    Examples
    --------
    >>> picture = image_picture(np.zeros((3, 4, 5), np.uint8))
    >>> picture.uri[:23], (picture.height, picture.width)
    ('data:image/webp;base64,', (4, 5))
    """
    a = _as_display_array(image, value_range, max_side)
    return Picture(pixels_uri(a, effort=effort), a.shape[0], a.shape[1])


def crop_preview_figure(planes, top, left, height, width, *, max_side=256, title=None):
    """A small view of the whole image with the crop's rectangle on it.

    The image is thinned to at most ``max_side`` pixels on its long side
    before it is encoded, so a 12-megapixel photo costs as little as a
    thumbnail; the rectangle is drawn in the thinned image's coordinates.

    Parameters
    ----------
    planes : (C, H, W) array_like
    top, left, height, width : int
        The crop, in input pixels.
    max_side : int, optional
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = crop_preview_figure(np.zeros((3, 1000, 500), np.uint8), 10, 20, 6, 6)
    >>> fig.layout.shapes[0].x0 < fig.layout.shapes[0].x1
    True
    """
    planes = np.asarray(planes)
    step = max(1, -(-max(planes.shape[-2:]) // max_side))
    fig = image_figure(planes[..., ::step, ::step], title=title)
    # At least a few thinned pixels wide, so a 6 x 6 crop of a huge photo stays visible.
    x0, y0 = left / step - 0.5, top / step - 0.5
    x1, y1 = max((left + width) / step, x0 + 3) - 0.5, max((top + height) / step, y0 + 3) - 0.5
    fig.add_shape(type="rect", x0=x0, y0=y0, x1=x1, y1=y1, line={"color": palette.ACCENT, "width": 3})
    return fig
