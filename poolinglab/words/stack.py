"""Stacked pooling's sentences and path table that depend on the numbers."""

import math

import numpy as np

from pooling.analysis.stacking import TraceStep
from pooling.geometry import output_length

__all__ = ["curve_words", "describe_misfit", "describe_source", "describe_trend", "path_table"]


def _error(value):
    return "no deep cell to measure" if math.isnan(value) else f"{value:.1f} px"


def curve_words(label, curve):
    """One line on a localisation curve: its mean error after the first and the last round, and what was left out.

    Deep cells whose value occurs more than once in their receptive field
    copy the pixel the tie rule picks (the first of each window), so they
    are left out of the mean; the line says how many.

    Parameters
    ----------
    label : str
        e.g. ``"Stride 2"``.
    curve : pooling.analysis.stacking.DepthLocalisation

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.analysis.stacking import localisation_by_stride
    >>> curve_words("Stride 2", localisation_by_stride(np.arange(64).reshape(8, 8), [2])[2])
    'Stride 2: 0.7 px after 1 round, 4.9 px after 3; no deep cell was left out for a tie.'
    >>> curve_words("Stride 2", localisation_by_stride(np.zeros((8, 8)), [2])[2])[:78]
    'Stride 2: no deep cell to measure after 1 round, no deep cell to measure after'
    """
    first, last, depth = float(curve.mean_error[0]), float(curve.mean_error[-1]), int(curve.depth[-1])
    text = f"{label}: {_error(first)} after 1 round"
    if depth > 1:
        text += f", {_error(last)} after {depth}"
    tied_first, tied_last = float(curve.tied[0]), float(curve.tied[-1])
    if tied_first == 0 and tied_last == 0:
        return text + "; no deep cell was left out for a tie."
    left_out = f"{tied_first:.0%} after 1 round" + (f", {tied_last:.0%} after {depth}" if depth > 1 else "")
    return (text + f"; left out, because their value occurs more than once in their receptive field (the tie "
            f"rule, not the image, picks their pixel): {left_out}.")


def path_table(path):
    """A traced path as table columns, deepest cell first: ``layer``, ``row``, ``column``, ``value``.

    Parameters
    ----------
    path : list of TraceStep
        From :func:`trace_to_source`, the input cell first.

    Returns
    -------
    dict of str to list
        ``layer`` names the layer: ``"input"`` or ``"round k"``.

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.analysis.stacking import stack_pool, trace_to_source
    >>> s = stack_pool(np.arange(16).reshape(4, 4), [{"mode": "max", "kernel_size": 2}])
    >>> path_table(trace_to_source(s, 0, 1))
    {'layer': ['round 1', 'input'], 'row': [0, 1], 'column': [1, 3], 'value': [7, 7]}
    """
    steps = list(path)[::-1]
    if not steps or not all(isinstance(t, TraceStep) for t in steps):
        raise TypeError(f"path must be a non-empty list of TraceStep, got {path!r}")
    return {"layer": ["input" if t.layer == 0 else f"round {t.layer}" for t in steps],
            "row": [t.row for t in steps], "column": [t.col for t in steps], "value": [t.value for t in steps]}


def describe_source(path, field, distance, *, plane="input"):
    """Two lines on a traced path: the deep cell and the pixel it copies, then the receptive field.

    Parameters
    ----------
    path : list of TraceStep
        From :func:`trace_to_source`, the input cell first.
    field : tuple of int
        ``(row0, row1, col0, col1)``, inclusive, from
        :meth:`StackResult.receptive_field`.
    distance : float
        The pixel's distance from the field's centre (:func:`localisation_error`).
    plane : str, optional
        The traced plane's name.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import numpy as np
    >>> from pooling.analysis.stacking import stack_pool, trace_to_source
    >>> s = stack_pool(np.arange(16).reshape(4, 4), [{"mode": "max", "kernel_size": 2}])
    >>> for line in describe_source(trace_to_source(s, 0, 1), s.receptive_field(0, 1), 0.71, plane="grey"):
    ...     print(line)
    Deep cell (0, 1) after 1 round(s) = 7. It copies input pixel (1, 3) of the grey plane, value 7.
    Its receptive field: rows 0 to 1, columns 2 to 3 (2 × 2 pixels); the pixel lies 0.7 px from the field's centre.
    """
    if len(path) < 2 or not all(isinstance(t, TraceStep) for t in path):
        raise TypeError(f"path must be a list of two or more TraceStep, got {path!r}")
    source, deep = path[0], path[-1]
    r0, r1, c0, c1 = field
    deep_line = (f"Deep cell ({deep.row}, {deep.col}) after {deep.layer} round(s) = {deep.value:g}. It copies input "
                 f"pixel ({source.row}, {source.col}) of the {plane} plane, value {source.value:g}.")
    field_line = (f"Its receptive field: rows {r0} to {r1}, columns {c0} to {c1} ({r1 - r0 + 1} × {c1 - c0 + 1} "
                  f"pixels); the pixel lies {distance:.1f} px from the field's centre.")
    return [deep_line, field_line]


def describe_misfit(rounds, shape):
    """Why rounds of pooling do not fit an image, in a page's words; None when they fit.

    Each round pools with its own kernel and stride, no padding, no dilation,
    no ceil mode (the Stacked pooling page's rounds). The first round whose
    window is larger than what the rounds before it left is named, counted
    from 1, with the sizes :func:`pooling.geometry.output_length` gives.

    Parameters
    ----------
    rounds : sequence of (kernel, stride)
        Each an int or a ``(height, width)`` pair.
    shape : tuple of int
        The image's ``(H, W)``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> print(describe_misfit([(2, 2), (2, 2), (3, 1)], (8, 8)))
    These rounds do not fit this 8 × 8 image: round 3: output height would be 0: input height 2 plus padding 0 is
    smaller than the dilated kernel 3. Use fewer rounds, or smaller kernels and strides.
    >>> describe_misfit([(2, 2)], (8, 8)) is None
    True
    """
    size = tuple(int(n) for n in shape)
    for n, (kernel, stride) in enumerate(rounds):
        kernel, stride = np.broadcast_to(kernel, 2), np.broadcast_to(stride, 2)
        out = tuple(output_length(size[a], int(kernel[a]), int(stride[a]), 0, 0, 1, False) for a in (0, 1))
        for axis, length, k, got in zip(("height", "width"), size, kernel, out):
            if got < 1:
                return (f"These rounds do not fit this {shape[0]} × {shape[1]} image: round {n + 1}: output {axis} "
                        f"would be {got}: input {axis} {length} plus padding 0 is smaller than the dilated kernel "
                        f"{k}. Use fewer rounds, or smaller kernels and strides.")
        size = out
    return None


def describe_trend(deeper_worse, wider_worse):
    """The verdict of :func:`localisation_trend` in one or two plain sentences.

    Parameters
    ----------
    deeper_worse, wider_worse : bool or None
        As :func:`localisation_trend` returns them; None says what is
        missing instead of a verdict.

    Returns
    -------
    str

    Examples
    --------
    >>> describe_trend(True, False)
    'On this image, more rounds always make the guess worse, and a larger stride does not always.'
    >>> describe_trend(None, None)
    'No verdict yet: pick two or more strides, at least one that fits two rounds on this image.'
    """
    for name, value in (("deeper_worse", deeper_worse), ("wider_worse", wider_worse)):
        if value is not None and not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} ({value!r}) must be True, False or None")
    if deeper_worse is None and wider_worse is None:
        return "No verdict yet: pick two or more strides, at least one that fits two rounds on this image."
    rounds = f"more rounds {'always' if deeper_worse else 'do not always'} make the guess worse"
    if deeper_worse is None:
        return (f"On this image, a larger stride {'always makes' if wider_worse else 'does not always make'} the "
                "guess worse. No stride picked fits two rounds here, so depth is not compared.")
    if wider_worse is None:
        return f"On this image, {rounds}. Pick a second stride to compare strides."
    return f"On this image, {rounds}, and a larger stride {'always does' if wider_worse else 'does not always'}."
