"""Figures of the noise test: how far each pooling's output moves as the noise grows."""

import numpy as np
import plotly.graph_objects as go

from pooling.analysis.invariance import pooled_values
from pooling.analysis.noise import output_span, pool_noisy, value_range
from poolinglab.words.noise import turned_white

from . import palette
from .image import image_picture
from .invariance import LINE_STYLES

__all__ = ["INPUT_LABEL", "NOISY_EFFORT", "clean_row_view", "noise_chart", "noisy_row_view"]

INPUT_LABEL = "The input itself"
# The noisy input's WebP effort (see figures.maps.pixels_uri): noise compresses badly, and a level move resends it.
# Pooled noisy images are encoded at the fastest effort: at 2, a kernel move spent 4 ms more on each to save 10 kB.
NOISY_EFFORT = 2


def noise_chart(reports, *, current=None, level_title="noise level", title=None):
    """Mean output change against noise level, one line per pooling, and the input's own change for scale.

    Parameters
    ----------
    reports : dict of str to NoiseReport
        One line per label, all over the same levels and noise, as from
        :func:`pooling.analysis.noise.compare_noise`.
    current : float, optional
        The level shown elsewhere on the page, marked by a vertical line.
    level_title : str, optional
        What the level means, for the x axis.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Changes in percent of each pooling's own output range (the input's
        in percent of its range); a line above the dashed input line moved
        more than the input did, each on its own scale.

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.analysis.noise import NoiseReport
    >>> rep = NoiseReport(np.array([0.0, 0.1]), np.array([0.0, 0.02]), np.array([0.0, 0.05]), np.ones(2), "salt")
    >>> fig = noise_chart({"Max": rep})
    >>> [t.name for t in fig.data], list(fig.data[0].y), list(fig.data[1].y)
    (['Max', 'The input itself'], [0.0, 5.0], [0.0, 2.0])
    """
    if not reports:
        raise ValueError("reports must hold at least one NoiseReport")
    first = next(iter(reports.values()))
    data = []
    for n, (label, rep) in enumerate(reports.items()):
        colour, dash = LINE_STYLES[n % len(LINE_STYLES)]
        data.append({
            "type": "scatter", "x": np.asarray(rep.levels).tolist(), "y": (100 * np.asarray(rep.output_change)).tolist(),
            "name": label, "mode": "lines+markers", "line": {"color": colour, "dash": dash, "width": 3},
            "hovertemplate": f"{label}<br>level %{{x:.3g}}: output moved %{{y:.2f}}%<extra></extra>"})
    data.append({
        "type": "scatter", "x": np.asarray(first.levels).tolist(), "y": (100 * np.asarray(first.input_change)).tolist(),
        "name": INPUT_LABEL, "mode": "lines", "line": {"color": palette.ACCENT, "dash": "dash", "width": 2},
        "hovertemplate": "the input<br>level %{x:.3g}: moved %{y:.2f}%<extra></extra>"})
    layout = {
        "yaxis": {"title": {"text": "mean |change|, % of each one's own range"}, "rangemode": "tozero"},
        "xaxis": {"title": {"text": level_title}, "showgrid": False},
        **({"title": {"text": title}} if title is not None else {}), "height": 420,
        "plot_bgcolor": palette.BACKGROUND, "hovermode": "x unified",
        "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    }
    if current is not None:
        # What add_vline draws: a line over the whole plot height, its label on top.
        layout["shapes"] = [{"type": "line", "x0": current, "x1": current, "xref": "x", "y0": 0, "y1": 1,
                             "yref": "y domain", "line": {"color": palette.TEXT, "width": 2, "dash": "dot"}}]
        layout["annotations"] = [{"text": f"level {current:g}", "x": current, "xref": "x", "y": 1, "yref": "y domain",
                                  "showarrow": False, "xanchor": "center", "yanchor": "bottom"}]
    # Not validated (4 ms of a layer move's rerun, validated): every value is in plotly's validated form already
    # (test_figures_noise holds it to that).
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def clean_row_view(planes, mode, args, *, max_side=256):
    """The clean image pooled by ``mode`` with ``args`` (pool2d's options), in float64 as :func:`noisy_row_view`
    pools the noisy one: its picture (:class:`~figures.image.Picture`, on the input's value range, shrunk by block
    means to at most ``max_side``), the pooled values, and the mode's output range (``output_span``).

    They depend on the layer, never on the noise.
    """
    clean = pooled_values(np.asarray(planes, dtype=np.float64), mode, **args)  # as pool_noisy pools it
    picture = image_picture(clean, value_range=value_range(planes), max_side=max_side)
    return picture, clean, output_span(planes.shape, *value_range(planes), mode, **args)


def noisy_row_view(planes, noisy, clean, span, mode, args, *, max_side=256):
    """The noisy image pooled by ``mode`` against the pooled clean one (:func:`clean_row_view`): its picture, how
    far the input and the output moved, the share of outputs changed, and :func:`~poolinglab.words.noise.turned_white`.

    The picture is lossless (colour as WebP) at the fastest effort, not :data:`NOISY_EFFORT`: every layer move redoes it, and
    at effort 2 a 128 px pooled image took 4.7 ms instead of 0.8 ms to save a fifth of its 46 kB.
    """
    r = pool_noisy(planes, noisy, mode, clean=clean, span=span, **args)
    picture = image_picture(r.noisy, value_range=r.value_range, max_side=max_side)
    white = turned_white(r.clean, r.noisy, r.value_range[1])
    return picture, r.input_change, r.output_change, r.changed_fraction, white
