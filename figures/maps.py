"""Maps of numbers over an image (survival counts, errors, differences), light enough to send.

A map small enough to read cell by cell (up to :data:`HOVER_CELLS` cells) is
a plotly heatmap, so hovering shows every value. A bigger one is shrunk by
block means to at most ``max_side`` cells on its long side, coloured here and
sent as one compressed image, with a colour bar beside it: a 12-megapixel map costs the
same few hundred kilobytes as a 512 px one. The axes keep the map's own row
and column numbers either way.
"""

import base64
import functools
import io
import math

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import get_colorscale, hex_to_rgb

from . import palette

__all__ = ["HOVER_CELLS", "MAP_SIDE", "VALUE_COLORSCALE", "block_mean", "color_map", "colorbar_point",
           "colorbar_trace", "map_figure", "pixels_uri", "scale_uri"]

HOVER_CELLS = 96 * 96  # up to this many cells, a heatmap with a value on hover
# The viridis scale in plotly's validated form, for figures built as dicts and not validated.
VALUE_COLORSCALE = go.layout.Coloraxis(colorscale=palette.VALUE_SCALE).to_plotly_json()["colorscale"]
MAP_SIDE = 480  # bigger maps are shrunk to this many cells on their long side


def block_mean(values, max_side):
    """Shrink the last two axes by a whole factor, each new cell the mean of a block.

    The factor is the smallest that brings the long side to at most
    ``max_side``; the last rows and columns that do not fill a block are
    dropped. Means, not every n-th cell: thinning a periodic map (such as a
    survival map of overlapping windows) would show a pattern that is not
    there.

    Parameters
    ----------
    values : (..., H, W) array_like
    max_side : int

    Returns
    -------
    shrunk : (..., H // f, W // f) ndarray of float64, or ``values`` itself when ``f == 1``
    f : int
        The factor.

    Notes
    -----
    Blocks under 8 a side are summed by one strided add per row of a block,
    then one per column, in float64: numpy sums a short axis in this same
    order, so the means are bit for bit those of :func:`_block_mean_by_sum`
    (the tests hold them to it), 4 to 6 times faster. From 8 on, numpy sums
    pairwise, and its own sum is used.

    Examples
    --------
    >>> shrunk, f = block_mean(np.arange(16).reshape(4, 4), 2)
    >>> f, shrunk.tolist()
    (2, [[2.5, 4.5], [10.5, 12.5]])
    """
    a = np.asarray(values)
    if max_side < 1:
        raise ValueError(f"max_side ({max_side}) must be at least 1")
    h, w = a.shape[-2:]
    f = max(1, -(-max(h, w) // max_side))
    if f == 1:
        return a, 1
    if f >= 8:
        return _block_mean_by_sum(a, f), f
    fh, fw = min(f, h), min(f, w)
    a = a[..., : max(1, h // f) * fh, : max(1, w // f) * fw]
    # The first two rows (columns) of each block go into a new array in one add, the others are added to it.
    rows = a[..., 0::fh, :].astype(np.float64) if fh == 1 else np.add(a[..., 0::fh, :], a[..., 1::fh, :],
                                                                      dtype=np.float64)
    for i in range(2, fh):
        rows += a[..., i::fh, :]
    out = rows[..., 0::fw].copy() if fw == 1 else np.add(rows[..., 0::fw], rows[..., 1::fw])
    for j in range(2, fw):
        out += rows[..., j::fw]
    out /= fh * fw
    return out, f


def _block_mean_by_sum(a, f):
    """:func:`block_mean` by factor ``f > 1`` with numpy's own sums over reshaped blocks."""
    h, w = a.shape[-2:]
    h2, w2 = max(1, h // f), max(1, w // f)
    fh, fw = min(f, h), min(f, w)
    lead = a.shape[:-2]
    # Rows first: adding whole contiguous rows is several times faster than one two-axis reduction.
    rows = a[..., : h2 * fh, : w2 * fw].reshape(*lead, h2, fh, w2 * fw).sum(axis=-2, dtype=np.float64)
    return rows.reshape(*lead, h2, w2, fw).sum(axis=-1) / (fh * fw)


def _scale_rgb(colorscale):
    scale = get_colorscale(colorscale)
    stops = np.array([s for s, _ in scale], dtype=np.float64)
    colours = np.array([hex_to_rgb(c) if c.startswith("#") else _rgb_text(c) for _, c in scale], np.float64)
    return stops, colours


def _rgb_text(text):
    return [float(v) for v in text[text.index("(") + 1: text.index(")")].split(",")[:3]]


LEVELS = 2048  # colours a scale is looked up in: neighbours differ by under a tenth of a colour step


@functools.lru_cache(maxsize=16)
def _lookup(colorscale):
    """``LEVELS`` uint8 colours evenly along a plotly colour scale, read-only."""
    stops, colours = _scale_rgb(colorscale)
    t = np.linspace(0.0, 1.0, LEVELS)
    table = np.rint(np.stack([np.interp(t, stops, colours[:, c]) for c in range(3)], axis=-1)).astype(np.uint8)
    table.flags.writeable = False
    return table


def color_map(values, lo, hi, colorscale=palette.VALUE_SCALE):
    """Colours of ``values`` on a plotly colour scale from ``lo`` to ``hi``, as uint8 ``(..., 3)``.

    Each value takes the colour of the nearest of :data:`LEVELS` points along
    the scale (one table lookup, not an interpolation per pixel); NaN is
    drawn in :data:`palette.EMPTY_CELL`.

    Examples
    --------
    >>> color_map(np.array([0.0, 1.0, np.nan]), 0, 1).tolist()
    [[68, 1, 84], [253, 231, 37], [244, 244, 244]]
    """
    v = np.asarray(values, dtype=np.float64)
    t = np.clip((v - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    missing = np.isnan(v)
    index = np.rint(np.where(missing, 0.0, t) * (LEVELS - 1)).astype(np.intp)
    out = _lookup(colorscale)[index]
    if missing.any():
        out[missing] = palette.rgb(palette.EMPTY_CELL)
    return out


PALETTE_LEVELS = 255  # colours of a paletted map; the 256th index is kept for NaN


@functools.lru_cache(maxsize=16)
def _palette(colorscale):
    """The PNG palette of :func:`scale_uri`: ``PALETTE_LEVELS`` colours along the scale, then the empty cell's."""
    steps = np.rint(np.linspace(0, LEVELS - 1, PALETTE_LEVELS)).astype(np.intp)
    return np.vstack([_lookup(colorscale)[steps], [palette.rgb(palette.EMPTY_CELL)]]).astype(np.uint8).tobytes()


def scale_uri(values, lo, hi, colorscale=palette.VALUE_SCALE):
    """A ``data:`` URI of ``values`` coloured on a colour scale from ``lo`` to ``hi``, as a paletted PNG.

    One byte a pixel: each value is the nearest of :data:`PALETTE_LEVELS`
    colours along the scale (as many as matplotlib's own colour maps have),
    and NaN is :data:`palette.EMPTY_CELL`. For a map this is 3 to 4 times
    quicker to encode than :func:`pixels_uri` of :func:`color_map`'s colours
    (10 against 45 ms for a 510 px feature map, here) and smaller (150
    against 198 kB).

    Examples
    --------
    >>> scale_uri(np.array([[0.0, 1.0, np.nan]]), 0, 1)[:22]
    'data:image/png;base64,'
    """
    v = np.asarray(values, dtype=np.float64)
    t = np.clip((v - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    missing = np.isnan(v)
    index = np.rint(np.where(missing, 0.0, t) * (PALETTE_LEVELS - 1)).astype(np.uint8)
    index[missing] = PALETTE_LEVELS
    image = Image.frombytes("P", index.shape[::-1], np.ascontiguousarray(index).tobytes())
    image.putpalette(_palette(colorscale))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def pixels_uri(pixels, *, effort=0):
    """A ``data:`` URI of uint8 ``(H, W)`` grey or ``(H, W, 3)`` colour pixels, losslessly compressed.

    Colour goes as lossless WebP at its fastest effort: on a 512 px photo it
    encodes in 16 ms, against 23 ms for PNG at level 1, and takes 30% fewer
    bytes (273 against 389 kB). Grey goes as PNG at level 1, which is as fast
    and smaller there. Both decode to exactly these pixels, and every browser
    of the last five years shows both. A server shared by a class runs out of
    CPU long before the network is full, so speed comes first.

    ``effort`` 2 (WebP's method 2, colour only) trades time for bytes where
    the pixels are noise, which compresses badly: a noisy 256 px photo takes
    15 to 40% fewer bytes, for 10 to 40 ms instead of 3 to 6.

    Examples
    --------
    >>> pixels_uri(np.zeros((2, 3), np.uint8))[:22], pixels_uri(np.zeros((2, 3, 3), np.uint8))[:23]
    ('data:image/png;base64,', 'data:image/webp;base64,')
    """
    pixels = np.asarray(pixels)
    buffer = io.BytesIO()
    if pixels.ndim == 3:
        Image.fromarray(pixels).save(buffer, "WEBP", lossless=True, method=effort, quality=50 if effort else 0)
        kind = "webp"
    else:
        Image.fromarray(pixels).save(buffer, "PNG", compress_level=1)
        kind = "png"
    return f"data:image/{kind};base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def colorbar_trace(lo, hi, colorscale, colorbar, *, at=0.0, **axes):
    """An invisible point that carries a colour bar from ``lo`` to ``hi``: image traces have none of their own.

    ``colorbar`` is plotly's colour bar dict; ``at`` places the point on a
    cell of the image; ``axes`` (``xaxis="x3", yaxis="y3"``) put it on a
    panel of a multi-panel figure.

    Examples
    --------
    >>> colorbar_trace(-1, 1, "RdBu_r", {"title": {"text": "change"}}).marker.cmax
    1
    """
    return go.Scatter(colorbar_point(lo, hi, colorscale, colorbar, at=at), **axes)


def colorbar_point(lo, hi, colorscale, colorbar, *, at=0.0):
    """:func:`colorbar_trace` as a plain dict, for a figure built unvalidated: ``colorscale`` must then be in
    plotly's validated form already (such as :data:`VALUE_COLORSCALE`).

    Examples
    --------
    >>> colorbar_point(0.0, 2.0, VALUE_COLORSCALE, {})["marker"]["cmax"]
    2.0
    """
    return {"type": "scatter", "x": [at], "y": [at], "mode": "markers", "hoverinfo": "skip", "showlegend": False,
            "marker": {"size": 0.1, "opacity": 0, "color": [lo], "cmin": lo, "cmax": hi, "colorscale": colorscale,
                       "showscale": True, "colorbar": colorbar}}


def map_figure(values, *, title=None, colorscale=palette.VALUE_SCALE, zmin=None, zmax=None, zmid=None,
               colorbar_title=None, value_format=".3g", max_side=MAP_SIDE, hover_cells=HOVER_CELLS):
    """A 2-D map as a heatmap (small) or as one coloured image with a colour bar (large).

    Parameters
    ----------
    values : (H, W) array_like
        NaN cells are drawn empty.
    title, colorbar_title : str, optional
    colorscale : str, optional
        A plotly colour scale name; :data:`palette.VALUE_SCALE` (viridis) by
        default, :data:`palette.DIFF_SCALE` for signed differences.
    zmin, zmax : float, optional
        The colour range; the data's finite range by default.
    zmid : float, optional
        Centre the range on this value (for signed differences: 0).
    value_format : str, optional
        d3 format of the value on hover; ``"d"`` (counts) also gives the
        colour bar whole-number ticks, at most about six of them.
    max_side : int, optional
        A big map is shrunk by :func:`block_mean` to at most this many cells
        on its long side before it is coloured.
    hover_cells : int, optional
        Maps with at most this many cells are sent as a heatmap.

    Returns
    -------
    plotly.graph_objects.Figure
        Row 0 at the top, square cells, axes in the map's own rows and columns.

    Examples
    --------
    >>> map_figure(np.arange(6.0).reshape(2, 3)).data[0].type
    'heatmap'
    >>> fig = map_figure(np.zeros((1000, 800)))
    >>> [t.type for t in fig.data], fig.data[0].dx
    (['image', 'scatter'], 3)
    """
    v = np.asarray(values)
    if v.ndim != 2 or v.size == 0:
        raise ValueError(f"values must be a non-empty 2-D array, got shape {np.shape(values)}")
    if v.dtype.kind not in "iuf" or v.dtype.itemsize > 8:
        v = v.astype(np.float64)  # bools, float128: as float64, as all values once were
    lo = None if zmin is None else float(zmin)
    hi = None if zmax is None else float(zmax)
    if lo is None or hi is None:  # the finite range, read in the values' own dtype: the same numbers
        finite = v[np.isfinite(v)] if v.dtype.kind == "f" else v.ravel()
        lo = (float(finite.min()) if finite.size else 0.0) if lo is None else lo
        hi = (float(finite.max()) if finite.size else 1.0) if hi is None else hi
    if zmid is not None:
        half = max(abs(lo - zmid), abs(hi - zmid)) or 1.0
        lo, hi = zmid - half, zmid + half
    colorbar = {"title": {"text": colorbar_title or ""}, "thickness": 14}
    if value_format == "d" and math.isfinite(hi - lo):  # counts: whole-number ticks (not "0.2, 0.4, ... outputs")
        colorbar.update(tick0=0, dtick=max(1, math.ceil((hi - lo) / 5)), tickformat="d")
    # The figure is built unvalidated (validating a heatmap walks every cell of its z list), so every value is put
    # in the form plotly's validation gives it: the colour scale's stops, read once from plotly itself.
    scale = go.layout.Coloraxis(colorscale=colorscale).to_plotly_json()["colorscale"]
    if v.size <= hover_cells:
        v = v.astype(np.float64, copy=False)
        data = [{"type": "heatmap", "z": np.where(np.isfinite(v), v, None).tolist(), "zmin": lo, "zmax": hi,
                 "colorscale": scale, "colorbar": colorbar,
                 "hovertemplate": f"row %{{y}}, col %{{x}}: %{{z:{value_format}}}<extra></extra>"}]
    else:
        shrunk, f = block_mean(v, max_side)  # sums in float64 whatever the dtype; color_map reads float64
        offset = (f - 1) / 2
        data = [{"type": "image", "source": scale_uri(shrunk, lo, hi, colorscale), "x0": offset,
                 "y0": offset, "dx": f, "dy": f,
                 "hovertemplate": f"rows and cols around %{{y}}, %{{x}} (mean of {f} × {f})<extra></extra>"},
                colorbar_point(lo, hi, scale, colorbar, at=offset)]
    # One dict, not validated (test_figures_compare holds it to the validated figure): update_* calls validated
    # the whole figure again each time (15 ms a map).
    return go.Figure({"data": data, "layout": {
        "yaxis": {"autorange": "reversed", "scaleanchor": "x", "constrain": "domain", "showgrid": False,
                  "zeroline": False},
        "xaxis": {"constrain": "domain", "showgrid": False, "zeroline": False},
        **({"title": {"text": title}} if title else {}), "plot_bgcolor": palette.BACKGROUND,
        "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        "margin": {"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
    }}, _validate=False)
