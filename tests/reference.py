"""A brute-force reference for ``pooling.pool2d``, written apart from the fast path.

Plain Python loops over output cells and window taps, straight from the
PyTorch semantics the core promises (issue 2). It is slow on purpose: every
rule is spelled out where it applies, so a reader can check it against the
PyTorch source or the TensorFlow docs line by line. It shares no code with
``pooling/``.

Rules it encodes
----------------
Output size per axis: ``floor((L + 2p - d(k - 1) - 1) / s) + 1``; under
``ceil_mode`` the ceil, then drop a last window that would start at or
after ``L + p`` (it must start inside the input or the left padding).
``padding="same"``: ``out = ceil(L / s)``, total padding
``max((out - 1) s + d(k - 1) + 1 - L, 0)`` split with the extra cell at the
bottom/right.

Deliberate deviations of the core from PyTorch, mirrored here: padding
above ``kernel_size // 2`` is a ValueError (PyTorch's max_pool2d rule); a
window that holds only padding is a ValueError; integer averages are floats
(float32 for 8/16-bit ints, float64 for wider; float16 stays float16 but
accumulates in float32).
"""

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Reference", "acc_dtype", "out_dtype", "reference_output_length", "reference_pool2d"]


@dataclass
class Reference:
    """What the reference computes for one pooling.

    Attributes (``C`` channels, ``(oh, ow)`` output, ``K = kh * kw`` taps)
    ----------
    values : ndarray or None
        Same number of dimensions as the input; None for stochastic training
        (random: see ``probabilities``).
    indices : int64 ndarray or None
        Flat ``h * W + w`` for max and min.
    weights : (C, oh, ow, K) float64 ndarray or None
        Weighting modes: each tap's weight.
    probabilities : (C, oh, ow, K) float64 ndarray or None
        Stochastic training: each tap's chance of being picked.
    chosen_tap : (C, oh, ow) int ndarray or None
        Max and min (and lp with p = inf): the tap number of the winner.
    rows, cols : (oh, ow, K) int ndarray
        Every tap's input position (may be off the input).
    in_bounds : (oh, ow, K) bool ndarray
    """

    values: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    probabilities: np.ndarray
    chosen_tap: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    in_bounds: np.ndarray


def out_dtype(dtype):
    """Dtype of a floating result: floats keep theirs, ints up to 16 bits give float32."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    if dtype.itemsize <= 2:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def acc_dtype(dtype):
    """Accumulator of an average: the result dtype, except float16 sums in float32."""
    out = out_dtype(dtype)
    if out == np.float16:
        return np.dtype(np.float32)
    return out


def _pair(v):
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


def reference_output_length(length, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's output length for symmetric padding, from the formula."""
    numerator = length + 2 * padding - dilation * (kernel - 1) - 1
    if ceil_mode:
        out = math.ceil(numerator / stride) + 1
        if (out - 1) * stride >= length + padding:
            out = out - 1
    else:
        out = math.floor(numerator / stride) + 1
    return out


def _axis_windows(length, kernel, stride, padding, dilation, ceil_mode, same):
    """Tap positions of every window on one axis, and the count_include_pad limit.

    Returns ``positions`` (list of lists) and ``pad_end``: taps at positions
    below ``pad_end`` count in an average's divisor under count_include_pad.
    """
    if same:
        out = math.ceil(length / stride)
        total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - length, 0)
        before = total // 2
        after = total - before
    else:
        if padding > kernel // 2:
            raise ValueError(f"padding {padding} above kernel_size // 2 ({kernel // 2})")
        before = after = padding
        out = reference_output_length(length, kernel, stride, padding, dilation, ceil_mode)
    if out < 1:
        raise ValueError(f"output length {out} < 1")
    positions = []
    for i in range(out):
        start = i * stride - before
        taps = [start + t * dilation for t in range(kernel)]
        if not any(0 <= q < length for q in taps):
            raise ValueError(f"window {i} holds only padding")
        positions.append(taps)
    return positions, length + after


def _is_nan(v):
    return isinstance(v, float) and math.isnan(v)


def _select(cells, largest):
    """PyTorch's scan: strictly better or NaN replaces; start from the first in-bounds cell.

    ``cells`` is a list of ``(tap, value)`` for the in-bounds taps in
    row-major window order. Returns the winning tap.
    """
    best_tap, best = cells[0]
    for tap, v in cells[1:]:
        if _is_nan(v):
            best_tap, best = tap, v
        elif _is_nan(best):
            continue
        elif (v > best) if largest else (v < best):
            best_tap, best = tap, v
    return best_tap


def reference_pool2d(x, mode, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, *,
                     out_rows=None, **options):
    """Pool ``x`` cell by cell; see the module docstring for the rules.

    Raises ValueError for the geometries the core rejects (output < 1,
    padding above kernel_size // 2, a window of padding only). Other bad
    input is not checked. ``out_rows`` (an iterable of output rows)
    computes only those rows, for inputs too large to do in full; the other
    rows are left zero.
    """
    x = np.asarray(x)
    planes = x[None] if x.ndim == 2 else x
    n_ch, height, width = planes.shape
    kh, kw = _pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else _pair(stride)
    dh, dw = _pair(dilation)
    same = isinstance(padding, str) and padding.lower() == "same"
    if isinstance(padding, str):
        ph = pw = 0
    else:
        ph, pw = _pair(padding)
    row_pos, row_end = _axis_windows(height, kh, sh, ph, dh, ceil_mode, same)
    col_pos, col_end = _axis_windows(width, kw, sw, pw, dw, ceil_mode, same)
    oh, ow, n_taps = len(row_pos), len(col_pos), kh * kw
    out_rows = range(oh) if out_rows is None else sorted(set(out_rows))

    rows = np.zeros((oh, ow, n_taps), dtype=np.int64)
    cols = np.zeros((oh, ow, n_taps), dtype=np.int64)
    in_bounds = np.zeros((oh, ow, n_taps), dtype=bool)
    counted = np.zeros((oh, ow, n_taps), dtype=bool)
    for i in out_rows:
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    t = a * kw + b
                    r, c = row_pos[i][a], col_pos[j][b]
                    rows[i, j, t], cols[i, j, t] = r, c
                    in_bounds[i, j, t] = 0 <= r < height and 0 <= c < width
                    # count_include_pad: padding counts, the ceil_mode overhang past it does not.
                    counted[i, j, t] = r < row_end and c < col_end

    values = indices = weights = probabilities = chosen_tap = None
    shape = (n_ch, oh, ow)
    if mode in ("max", "min"):
        values = np.zeros(shape, dtype=x.dtype)
        indices = np.zeros(shape, dtype=np.int64)
        chosen_tap = np.zeros(shape, dtype=np.int64)
    elif mode == "stochastic" and options.get("train", True):
        probabilities = np.zeros(shape + (n_taps,))
    else:
        values = np.zeros(shape, dtype=out_dtype(x.dtype))
        weights = np.zeros(shape + (n_taps,))
    if mode == "lp" and math.isinf(options.get("p", 2)):
        chosen_tap = np.zeros(shape, dtype=np.int64)

    for ch in range(n_ch):
        for i in out_rows:
            for j in range(ow):
                taps = [t for t in range(n_taps) if in_bounds[i, j, t]]
                cell = {t: planes[ch, rows[i, j, t], cols[i, j, t]] for t in taps}
                py = {t: cell[t].item() for t in taps}
                out = (ch, i, j)
                if mode in ("max", "min"):
                    t = _select([(t, py[t]) for t in taps], largest=mode == "max")
                    values[out] = cell[t]
                    indices[out] = rows[i, j, t] * width + cols[i, j, t]
                    chosen_tap[out] = t
                elif mode == "avg":
                    values[out], weights[out] = _avg(
                        cell, taps, counted[i, j], in_bounds[i, j], same, x.dtype,
                        options.get("count_include_pad", True), options.get("divisor_override"),
                    )
                elif mode == "lp":
                    p = options.get("p", 2)
                    if math.isinf(p):
                        t = _select([(t, abs(float(py[t]))) for t in taps], largest=True)
                        values[out] = abs(float(py[t]))
                        weights[out][t] = 1.0
                        chosen_tap[out] = t
                    else:
                        powers = {t: abs(float(py[t])) ** p for t in taps}
                        total = sum(powers[t] for t in taps)
                        values[out] = total ** (1.0 / p)
                        for t in taps:
                            weights[out][t] = powers[t] / total if total > 0 else 0.0
                elif mode == "stochastic":
                    a = {t: float(py[t]) for t in taps}
                    total = sum(a.values())
                    if options.get("train", True):
                        if total > 0:
                            for t in taps:
                                probabilities[out][t] = a[t] / total
                        else:
                            probabilities[out][taps[0]] = 1.0
                    else:
                        values[out] = sum(v * v for v in a.values()) / total if total > 0 else 0.0
                        for t in taps:
                            weights[out][t] = a[t] / total if total > 0 else 0.0
                elif mode == "mixed":
                    alpha = options.get("alpha", 0.5)
                    t_max = _select([(t, py[t]) for t in taps], largest=True)
                    avg, avg_w = _avg(cell, taps, counted[i, j], in_bounds[i, j], same, x.dtype, True, None)
                    # At the ends the mix is exactly max or avg (no 0 * inf = NaN).
                    if alpha == 1:
                        values[out] = py[t_max]
                    elif alpha == 0:
                        values[out] = avg
                    else:
                        values[out] = alpha * float(py[t_max]) + (1 - alpha) * float(avg)
                    weights[out] = (1 - alpha) * avg_w
                    weights[out][t_max] += alpha
                else:
                    raise ValueError(f"unknown mode {mode!r}")

    def squeeze(a):
        return a[0] if (a is not None and x.ndim == 2) else a

    return Reference(
        squeeze(values), squeeze(indices), squeeze(weights), squeeze(probabilities), squeeze(chosen_tap),
        rows, cols, in_bounds,
    )


def _avg(cell, taps, counted, in_bounds, same, dtype, count_include_pad, divisor_override):
    """One window's average, summed tap by tap in row-major order in the accumulator type."""
    acc_t = acc_dtype(dtype).type
    total = acc_t(0)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in taps:
            total = acc_t(total + acc_t(cell[t]))
    weights = np.zeros(counted.shape[0])
    if divisor_override is not None:
        divisor = divisor_override
        weights[in_bounds] = 1.0 / divisor
    elif same or not count_include_pad:
        divisor = int(in_bounds.sum())
        weights[in_bounds] = 1.0 / divisor
    else:
        divisor = int(counted.sum())
        weights[counted] = 1.0 / divisor
    with np.errstate(over="ignore", invalid="ignore"):
        value = out_dtype(dtype).type(total / acc_t(divisor))
    return value, weights
