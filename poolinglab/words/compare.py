"""Max vs Average's sentences and table rows that depend on the numbers, read from the pooled values."""

import numbers

import numpy as np

from pooling.analysis.compare import ZoomRegion
from pooling.analysis.sweep import format_value

__all__ = ["cost_table", "describe_options", "difference_words", "focus_words", "format_bytes", "fringe_words",
           "input_words", "max_against_average"]

_BLOCK = 1 << 15  # values compared at a time: float64 temporaries that stay in cache


def _count_below(top, mean):
    """How many ``top < mean - 1e-9 * |mean|``, both in float64, block by block (12 MP: 9 million values)."""
    below = 0
    size = min(_BLOCK, top.size)
    t, m, limit = np.empty(size), np.empty(size), np.empty(size)
    with np.errstate(invalid="ignore"):
        for start in range(0, top.size, _BLOCK):  # blocks of values, each vectorised
            n = min(_BLOCK, top.size - start)
            np.copyto(t[:n], top[start:start + n], casting="unsafe")
            np.copyto(m[:n], mean[start:start + n], casting="unsafe")
            np.abs(m[:n], out=limit[:n])
            np.multiply(limit[:n], 1e-9, out=limit[:n])
            np.subtract(m[:n], limit[:n], out=limit[:n])  # mean - 1e-9 * |mean|
            below += int(np.count_nonzero(np.less(t[:n], limit[:n])))
    return below


def max_against_average(max_values, avg_values, *, padding_counted=False, divisor_override=None):
    """Whether max came out at or above the average in every window, in words, from the two pooled outputs.

    For the real cells of one window the largest is never below their mean.
    Two settings make PyTorch's "average" something else: zero padding
    counted in the divisor (``count_include_pad``), which pulls a window of
    negative numbers up towards 0, and ``divisor_override``, which divides
    the sum by another number. The sentence counts what happened and names
    the setting that can explain it.

    Parameters
    ----------
    max_values, avg_values : (C, h, w) array_like
        The same layer's max and average pooling of one input.
    padding_counted : bool, optional
        The layer pads and counts the padding in the average.
    divisor_override : int, optional
        The layer's divisor override, if any.

    Returns
    -------
    str

    Examples
    --------
    >>> max_against_average([[[4.0, 2.0]]], [[[2.5, 2.0]]])
    'Here max is at or above the average in all 2 output values, as it must be for the real cells of a window.'
    >>> max_against_average([[[-1.0]]], [[[-0.5]]], padding_counted=True)[:56]
    'Here max is below the average in 1 of 1 output values (1'
    """
    top, mean = np.asarray(max_values), np.asarray(avg_values)
    if top.shape != mean.shape:
        raise ValueError(f"max_values {top.shape} and avg_values {mean.shape} must have one shape")
    total = top.size
    if total == 0:
        return "There are no output values to compare."
    below = _count_below(top.reshape(-1), mean.reshape(-1))
    if below == 0:
        return (f"Here max is at or above the average in all {total:,} output values, as it must be for the real "
                "cells of a window.")
    causes = []
    if padding_counted:
        causes.append("the zero padding counts in the average (count_include_pad), which pulls windows of "
                      "negative numbers up towards 0")
    if divisor_override:
        causes.append(f"the divisor override divides each window's sum by {divisor_override}, not by its count")
    why = ("; ".join(causes) if causes else
           "the average here is not the mean of the window's real cells")
    return (f"Here max is below the average in {below:,} of {total:,} output values ({below / total:.0%}): {why}. "
            "For the real cells of one window, the largest is never below their mean.")


def describe_options(mode, options):
    """The mode's own options in a few words, for a label ("" when it has none).

    Parameters
    ----------
    mode : str
        A :func:`pooling.pool2d` mode.
    options : dict
        The keyword arguments given to :func:`pooling.pool2d` (extra
        geometry keys are ignored).

    Examples
    --------
    >>> describe_options("lp", {"p": 2.0}), describe_options("max", {})
    ('p = 2', '')
    >>> describe_options("stochastic", {"train": True, "rng": 7})
    'one sampled cell, seed 7'
    """
    if mode == "avg":
        divisor = options.get("divisor_override")
        if divisor:
            return f"divided by {divisor}"
        # PyTorch's default (padding cells count in the divisor) goes unsaid; it only matters with padding.
        return "" if options.get("count_include_pad", True) else "padding not counted"
    if mode == "lp":
        p = float(options.get("p", 2))
        return "p = ∞" if np.isinf(p) else f"p = {p:g}"
    if mode == "stochastic":
        if options.get("train", True):
            return f"one sampled cell, seed {options.get('rng')}"
        return "expected value"
    if mode == "mixed":
        return f"alpha = {float(options.get('alpha', 0.5)):g}"
    return ""


def format_bytes(n):
    """A byte count for people: binary units, one decimal.

    Examples
    --------
    >>> format_bytes(72), format_bytes(786_432), format_bytes(36_000_000)
    ('72 B', '768.0 KiB', '34.3 MiB')
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"n ({n!r}) must be a non-negative int")
    size, unit = float(n), "B"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            break
        size /= 1024
    return f"{int(n)} B" if unit == "B" else f"{size:.1f} {unit}"


def cost_table(costs):
    """One row of words per pooling: output size, share kept, dtype and memory, for a table.

    Parameters
    ----------
    costs : dict of str to PoolCost
        A label (such as the mode's name) for each pooling.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> import pooling
    >>> x = np.zeros((3, 4, 6), np.uint8)
    >>> from pooling.analysis.compare import pool_cost
    >>> row = cost_table({"Max": pool_cost(pooling.pool2d(x, "max", 2))})[0]
    >>> row["Output (rows × cols × planes)"], row["Values kept"], row["Output memory"], row["+ int64 indices (PyTorch)"]
    ('2 × 3 × 3', '25.0%', '18 B', '144 B')
    """
    return [{
        "Mode": name,
        "Output (rows × cols × planes)": f"{c.output_shape[1]} × {c.output_shape[2]} × {c.output_shape[0]}",
        "Values kept": f"{c.kept:.1%}",
        "Output dtype": c.output_dtype,
        "Output memory": format_bytes(c.output_bytes),
        "+ int64 indices (PyTorch)": format_bytes(c.index_bytes) if c.index_bytes else "none",
    } for name, c in costs.items()]


def fringe_words(new, mixed):
    """How many max-pooled cells show a colour no pixel of their window had, from the two masks.

    Parameters
    ----------
    new : (out_h, out_w) bool ndarray
        From :func:`new_colours`.
    mixed : (out_h, out_w) bool ndarray
        From :func:`channel_disagreement`; cells that are mixed but not new
        took their channels from pixels that share values (ties).

    Examples
    --------
    >>> fringe_words(np.array([[True, False]]), np.array([[True, True]]))[:34]
    'In 50.0% of the output cells (1 of'
    """
    new, mixed = np.asarray(new), np.asarray(mixed)
    for name, m in (("new", new), ("mixed", mixed)):
        if m.dtype != bool or m.size == 0:
            raise ValueError(f"{name} must be a non-empty bool array, got dtype {m.dtype} and shape {m.shape}")
    if new.shape != mixed.shape:
        raise ValueError(f"new {new.shape} and mixed {mixed.shape} must have one shape")
    text = (f"In {new.mean():.1%} of the output cells ({int(new.sum()):,} of {new.size:,}) max pooling made a colour "
            "that no pixel of the window has: their red, green and blue maxima come from different pixels. Such "
            "cells are the source of colour fringes in max-pooled photos.")
    tied = int(np.count_nonzero(mixed & ~new))
    if tied:
        text += (f" In {tied:,} more cells the channels come from different pixels that share values (ties), so "
                 "the colour is still one pixel's.")
    return text


def focus_words(zoom, focus, *, mode="max"):
    """What a clicked output cell copies, or None when the cell is not in the zoomed block.

    Parameters
    ----------
    zoom : ZoomRegion
    focus : (int, int) or None
        An output cell ``(row, col)`` in the whole output's coordinates.
    mode : str, optional
        The pooling the zoom shows, named in the sentence.

    Examples
    --------
    >>> import pooling
    >>> from pooling.analysis.compare import zoom_region
    >>> zoom = zoom_region(pooling.pool2d(np.arange(16).reshape(4, 4), "max", 2), top=0, left=0, height=2, width=2)
    >>> focus_words(zoom, (1, 0))
    'Output (1, 0) = 13 is the max of its window: it copies input (3, 1).'
    >>> focus_words(zoom, (5, 0)) is None
    True
    """
    if not isinstance(zoom, ZoomRegion):
        raise TypeError(f"zoom must be a ZoomRegion, not {type(zoom).__name__}")
    if focus is None:
        return None
    i, j = int(focus[0]) - zoom.top, int(focus[1]) - zoom.left
    if not (0 <= i < zoom.values.shape[0] and 0 <= j < zoom.values.shape[1]):
        return None
    return (f"Output ({focus[0]}, {focus[1]}) = {format_value(zoom.values[i, j])} is the {mode} of its window: it "
            f"copies input ({zoom.source_rows[i, j]}, {zoom.source_cols[i, j]}).")


def input_words(planes):
    """One line on the input's size, dtype and memory, for the top of a cost table.

    Examples
    --------
    >>> input_words(np.zeros((3, 4, 6), np.uint8))
    'Input: 4 × 6 × 3 = 72 values of uint8: 72 B'
    """
    a = np.asarray(planes)
    if a.ndim != 3:
        raise ValueError(f"planes must be (C, H, W), got shape {a.shape}")
    c, h, w = a.shape
    return f"Input: {h} × {w} × {c} = {a.size:,} values of {a.dtype}: {format_bytes(int(a.nbytes))}"


def difference_words(first, second, diff, mean_abs):
    """One line on :func:`mode_difference`'s result: mean absolute difference, extremes, and the colour key.

    Examples
    --------
    >>> difference_words("Max", "Average", np.array([[0.0, 2.5]]), 1.25)
    'Mean |Max − Average| = 1.25 per value; lowest 0, highest 2.5. Red: the first is higher; blue: lower; white: equal.'
    """
    d = np.asarray(diff)
    if d.size == 0:
        raise ValueError("diff is empty")
    return (f"Mean |{first} − {second}| = {mean_abs:.4g} per value; lowest {d.min():.4g}, highest {d.max():.4g}. "
            "Red: the first is higher; blue: lower; white: equal.")
