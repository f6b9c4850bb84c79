"""Figures of the noise test: how far each pooling's output moves as the noise grows."""

import numpy as np
import plotly.graph_objects as go

from . import palette
from .invariance import LINE_STYLES

__all__ = ["INPUT_LABEL", "noise_chart"]

INPUT_LABEL = "The input itself"


def noise_chart(reports, *, current=None, level_title="noise level", title=None):
    """Mean output change against noise level, one line per pooling, and the input's own change for scale.

    Parameters
    ----------
    reports : dict of str to NoiseReport
        One line per label, all over the same levels and noise, as from
        :func:`pooling.noise.compare_noise`.
    current : float, optional
        The level shown elsewhere on the page, marked by a vertical line.
    level_title : str, optional
        What the level means, for the x axis.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Changes in percent of the value range; a line above the dashed input
        line means the pooling made the noise bigger than it was.

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.noise import NoiseReport
    >>> rep = NoiseReport(np.array([0.0, 0.1]), np.array([0.0, 0.02]), np.array([0.0, 0.05]), np.ones(2), "salt")
    >>> fig = noise_chart({"Max": rep})
    >>> [t.name for t in fig.data], list(fig.data[0].y), list(fig.data[1].y)
    (['Max', 'The input itself'], [0.0, 5.0], [0.0, 2.0])
    """
    if not reports:
        raise ValueError("reports must hold at least one NoiseReport")
    fig = go.Figure()
    first = next(iter(reports.values()))
    for n, (label, rep) in enumerate(reports.items()):
        colour, dash = LINE_STYLES[n % len(LINE_STYLES)]
        fig.add_trace(go.Scatter(
            x=np.asarray(rep.levels).tolist(), y=(100 * np.asarray(rep.output_change)).tolist(), name=label,
            mode="lines+markers", line={"color": colour, "dash": dash, "width": 3},
            hovertemplate=f"{label}<br>level %{{x:.3g}}: output moved %{{y:.2f}}%<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=np.asarray(first.levels).tolist(), y=(100 * np.asarray(first.input_change)).tolist(), name=INPUT_LABEL,
        mode="lines", line={"color": palette.ACCENT, "dash": "dash", "width": 2},
        hovertemplate="the input<br>level %{x:.3g}: moved %{y:.2f}%<extra></extra>"))
    if current is not None:
        fig.add_vline(x=current, line={"color": palette.TEXT, "width": 2, "dash": "dot"},
                      annotation_text=f"level {current:g}", annotation_position="top")
    fig.update_yaxes(title_text="mean |change|, % of the value range", rangemode="tozero")
    fig.update_xaxes(title_text=level_title, showgrid=False)
    fig.update_layout(title=title, height=420, plot_bgcolor=palette.BACKGROUND, hovermode="x unified",
                      font={"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
                      legend={"orientation": "h", "y": -0.25}, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig
