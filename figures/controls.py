"""Play, pause, speed and step controls for a plotly animation, as layout properties."""

from . import palette

__all__ = ["animation_controls", "SPEEDS"]

SPEEDS = (0.5, 1.0, 2.0)
_MANY_STEPS = 30  # above this, step labels would overlap: the slider shows only "Step n"


def _play_args(frame_ms):
    return [None, {"frame": {"duration": frame_ms, "redraw": True}, "mode": "immediate",
                   "fromcurrent": True, "transition": {"duration": 0}}]


def animation_controls(frame_names, frame_ms):
    """``updatemenus`` and ``sliders`` for frames named ``frame_names``, for ``fig.update_layout``.

    Parameters
    ----------
    frame_names : sequence of str
        The frames' names, in order; the slider's labels are ``"1".."N"``.
    frame_ms : float
        Milliseconds per frame at 1x.

    Returns
    -------
    dict
        ``{"updatemenus": [play/pause row, speed row], "sliders": [step slider]}``.
        Every button starts or stops the animation in the browser; none
        needs a Python rerun.

    Examples
    --------
    >>> c = animation_controls(["0", "1"], 500)
    >>> [b["label"] for m in c["updatemenus"] for b in m["buttons"]]
    ['▶ Play', '❚❚ Pause', '0.5×', '1×', '2×']
    >>> c["updatemenus"][1]["buttons"][2]["args"][1]["frame"]["duration"]
    250.0
    """
    frame_ms = float(frame_ms)
    # Dark text on white with a dark border: the default light grey was hard to read.
    look = {"bgcolor": "white", "bordercolor": palette.TEXT, "borderwidth": 1,
            "font": {"color": palette.TEXT, "size": palette.FONT_SIZE}}
    play_pause = {
        **look,
        "type": "buttons", "direction": "left", "showactive": False,
        "x": 0.0, "xanchor": "left", "y": -0.02, "yanchor": "top", "pad": {"t": 0, "r": 8},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": _play_args(frame_ms)},
            {"label": "❚❚ Pause", "method": "animate",
             "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                               "transition": {"duration": 0}}]},
        ],
    }
    speed = {
        **look,
        "type": "buttons", "direction": "left", "showactive": True, "active": SPEEDS.index(1.0),
        "x": 0.22, "xanchor": "left", "y": -0.02, "yanchor": "top", "pad": {"t": 0, "r": 8},
        "buttons": [{"label": f"{s:g}×", "method": "animate", "args": _play_args(frame_ms / s)} for s in SPEEDS],
    }
    hide_labels = len(frame_names) > _MANY_STEPS
    slider = {
        "active": 0, "x": 0.0, "len": 1.0, "y": -0.12, "yanchor": "top", "pad": {"t": 0, "b": 0},
        "currentvalue": {"prefix": "Step ", "font": {"size": palette.FONT_SIZE, "color": palette.TEXT}},
        "font": {"size": 10, "color": "rgba(0,0,0,0)" if hide_labels else palette.TEXT},
        "ticklen": 2 if hide_labels else 5,
        "steps": [
            {"label": str(n + 1), "method": "animate",
             "args": [[name], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                               "transition": {"duration": 0}}]}
            for n, name in enumerate(frame_names)
        ],
    }
    return {"updatemenus": [play_pause, speed], "sliders": [slider]}
