"""A pooling layer in words and code: the output-size formula and the PyTorch and Keras lines.

Pure functions of a :class:`poolinglab.settings.PoolSettings`, so pages only
draw them (``st.latex``, ``st.code``). Where a framework lacks a mode or an
option, the code says so in a comment rather than pretend.
"""

import math

import numpy as np

from pooling.geometry import output_length, resolve_padding

from .settings import (
    PoolSettings,  # noqa: F401  (used by the doctests)
    output_hw,
    validate,
)

__all__ = ["keras_line", "output_size_formula", "stage_code", "stage_sizes", "torch_line"]


def output_size_formula(settings, input_hw):
    r"""The output-size formula as LaTeX, with the user's numbers filled in.

    Parameters
    ----------
    settings : PoolSettings
    input_hw : (int, int)

    Returns
    -------
    str
        An ``aligned`` block: the general rule, then one line per axis.

    Examples
    --------
    >>> print(output_size_formula(PoolSettings(kernel=(3, 3), stride=2, padding=1), (7, 5)))
    \begin{aligned}
    \text{out} &= \left\lfloor \frac{\text{in} + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1 \\
    H_\text{out} &= \left\lfloor \frac{7 + 2 \cdot 1 - 1 \cdot (3 - 1) - 1}{2} \right\rfloor + 1 = 4 \\
    W_\text{out} &= \left\lfloor \frac{5 + 2 \cdot 1 - 1 \cdot (3 - 1) - 1}{2} \right\rfloor + 1 = 3
    \end{aligned}
    """
    s = settings
    kernel, stride, dilation = s.kernel, (s.stride, s.stride), (s.dilation, s.dilation)
    if s.padding == "same":
        pads, _ = resolve_padding("same", tuple(input_hw), kernel, stride, dilation)
        lines = [r"\text{out} &= \left\lceil \frac{\text{in}}{s} \right\rceil \quad \text{(same padding)}"]
        for axis, n, (p0, p1) in zip("HW", input_hw, pads):
            lines.append(
                rf"{axis}_\text{{out}} &= \left\lceil \frac{{{n}}}{{{s.stride}}} \right\rceil = {-(-n // s.stride)}"
                rf" \quad \text{{(pads {p0} + {p1})}}"
            )
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    pad = 0 if s.padding == "valid" else s.padding
    lo, hi = (r"\left\lceil", r"\right\rceil") if s.ceil_mode else (r"\left\lfloor", r"\right\rfloor")
    lines = [rf"\text{{out}} &= {lo} \frac{{\text{{in}} + 2p - d\,(k - 1) - 1}}{{s}} {hi} + 1"]
    for axis, n, k in zip("HW", input_hw, kernel):
        raw = (n + 2 * pad - s.dilation * (k - 1) - 1 + (s.stride - 1 if s.ceil_mode else 0)) // s.stride + 1
        out = output_length(n, k, s.stride, pad, pad, s.dilation, s.ceil_mode)
        line = (
            rf"{axis}_\text{{out}} &= {lo} \frac{{{n} + 2 \cdot {pad} - {s.dilation} \cdot ({k} - 1) - 1}}"
            rf"{{{s.stride}}} {hi} + 1 = {raw}"
        )
        if out != raw:
            line += rf" - 1 = {out} \quad \text{{(the last window would start in the padding)}}"
        lines.append(line)
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


# -------------------------------------------------------------- code lines


def _size(pair):
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _p_text(p):
    return "float('inf')" if math.isinf(p) else f"{p:g}"


_FLOAT32_MAX = 3.4028234663852886e38


def _overflow_note(p, area):
    """A comment for a p at which float32's sum of ``|x| ** p`` over a window of 0..255 pixels can overflow.

    A window of ``area`` cells all at 255 sums to ``area * 255 ** p``, which
    passes float32's largest value from ``p = (ln(max) - ln(area)) / ln(255)``
    on: 15.76 for a 2 x 2 window, lower for larger ones. None below that p.

    Examples
    --------
    >>> print(_overflow_note(16.0, 4))
    # in float32, a window of 4 cells at 255 sums |x| ** p to inf from p = 15.76 on: use x.double(), or scale x down
    >>> _overflow_note(15.0, 4) is None, _overflow_note(15.0, 32 * 32) is None
    (True, False)
    """
    limit = (math.log(_FLOAT32_MAX) - math.log(area)) / math.log(255)
    if math.isinf(p) or p < limit:
        return None
    at = math.floor(100 * limit) / 100
    return (f"# in float32, a window of {area} cells at 255 sums |x| ** p to inf from p = {at:g} on: "
            "use x.double(), or scale x down")


def torch_line(settings, input_hw=None):
    """The equivalent PyTorch code, ready to copy.

    Where PyTorch has no such layer or option, the code says so in a comment
    and gives the nearest equivalent.

    Parameters
    ----------
    settings : PoolSettings
    input_hw : (int, int), optional
        Needed to spell out ``"same"`` padding, which PyTorch's pooling
        layers lack.

    Returns
    -------
    str

    Examples
    --------
    >>> print(torch_line(PoolSettings()))
    nn.MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> print(torch_line(PoolSettings(mode="avg", kernel=(3, 3), stride=1, padding=1)))
    nn.AvgPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=False, count_include_pad=True, divisor_override=None)
    """
    s = settings
    comments = []
    pad = s.padding
    if pad == "valid":
        pad = 0
    elif pad == "same":
        pad = 0
        if input_hw is None:
            comments.append("# PyTorch pooling has no padding='same'; pad x with F.pad first")
        else:
            dil = (s.dilation, s.dilation)
            (t, b), (left, r) = resolve_padding("same", tuple(input_hw), s.kernel, (s.stride, s.stride), dil)[0]
            sides = f"({left}, {r}, {t}, {b})"
            if s.mode == "mixed":  # the max half must never pick padding, the average half pads zeros
                comments.append(f"x_max = F.pad(x, {sides}, value=float('-inf'))  # PyTorch pooling has no 'same'")
                comments.append(f"x_avg = F.pad(x, {sides}, value=0.0)")
            else:
                fill = {"max": "float('-inf')", "min": "float('inf')"}.get(s.mode, "0.0")
                comments.append(f"x = F.pad(x, {sides}, value={fill})  # PyTorch pooling has no 'same'")
            if s.mode in ("avg", "mixed"):
                comments.append("# this lab, like Keras, divides edge windows by their real cells; the zeros padded "
                                "here count, so edge values come out smaller")
    k = _size(s.kernel)
    geometry = f"kernel_size={k}, stride={s.stride}, padding={pad}, dilation={s.dilation}, ceil_mode={s.ceil_mode}"
    if s.mode == "max":
        code = f"nn.MaxPool2d({geometry})"
    elif s.mode == "min":
        code = f"-nn.MaxPool2d({geometry})(-x)  # PyTorch has no MinPool2d: min(x) = -max(-x)"
    elif s.mode == "avg":
        divisor = s.divisor_override or None
        code = (
            f"nn.AvgPool2d(kernel_size={k}, stride={s.stride}, padding={pad}, ceil_mode={s.ceil_mode}, "
            f"count_include_pad={s.count_include_pad}, divisor_override={divisor})"
        )
        if s.dilation > 1:
            comments.append(f"# PyTorch's AvgPool2d has no dilation; this lab spaces the taps {s.dilation} apart")
    elif s.mode == "lp":
        if math.isinf(s.p):
            code = f"nn.MaxPool2d({geometry})(x.abs())  # p = inf: the largest |x|"
        elif pad or s.ceil_mode:
            # LPPool2d has no padding, and scales partial ceil-mode windows up to full ones:
            # a sum of |x|^p over real cells is an "average" whose divisor is 1.
            code = (
                f"F.avg_pool2d(x.abs() ** {s.p:g}, kernel_size={k}, stride={s.stride}, padding={pad}, "
                f"ceil_mode={s.ceil_mode}, divisor_override=1) ** (1 / {s.p:g})"
            )
        else:
            code = f"nn.LPPool2d(norm_type={s.p:g}, kernel_size={k}, stride={s.stride}, ceil_mode={s.ceil_mode})"
            if s.p != int(s.p) or int(s.p) % 2:
                comments.append("# LPPool2d raises x, not |x|, to the power p: pass x.abs() to match this lab")
        if note := _overflow_note(s.p, s.kernel[0] * s.kernel[1]):
            comments.append(note)
        if not math.isinf(s.p) and s.dilation > 1:
            comments.append(f"# PyTorch's Lp pooling has no dilation; this lab spaces the taps {s.dilation} apart")
    elif s.mode == "stochastic":
        code = "# PyTorch has no stochastic pooling layer (Zeiler & Fergus, 2013): see pooling.pool2d"
    else:
        x_max, x_avg = ("x_max", "x_avg") if s.padding == "same" and input_hw is not None else ("x", "x")
        if s.dilation > 1:
            comments.append(f"# PyTorch's AvgPool2d has no dilation: write dilated_avg_pool2d (taps {s.dilation} apart)")
            average = "dilated_avg_pool2d(x)"
        else:
            average = (f"nn.AvgPool2d(kernel_size={k}, stride={s.stride}, padding={pad}, "
                       f"ceil_mode={s.ceil_mode})({x_avg})")
        code = f"{s.alpha:g} * nn.MaxPool2d({geometry})({x_max}) + {1 - s.alpha:g} * {average}"
    return "\n".join(comments + [code])


def keras_line(settings):
    """The nearest Keras code, ready to copy; what Keras cannot do is said in a comment.

    Examples
    --------
    >>> print(keras_line(PoolSettings(kernel=(3, 2), stride=1, padding="same")))
    keras.layers.MaxPooling2D(pool_size=(3, 2), strides=1, padding="same")
    >>> print(keras_line(PoolSettings(mode="avg", padding=1)))
    keras.layers.ZeroPadding2D(padding=1)
    keras.layers.AveragePooling2D(pool_size=2, strides=2, padding="valid")
    """
    s = settings
    lines = []
    word = s.padding if isinstance(s.padding, str) else "valid"
    if isinstance(s.padding, int) and s.padding > 0:
        lines.append(f"keras.layers.ZeroPadding2D(padding={s.padding})")
        if s.mode in ("max", "mixed"):
            lines.append("# Keras pads zeros where PyTorch's max pads -inf: they agree only when x >= 0")
        elif s.mode == "min":
            lines.append("# Keras pads zeros where a min pads +inf: they agree only when x <= 0")
        if s.mode == "avg" and not s.count_include_pad:
            lines.append("# Keras counts the zero padding in every average (count_include_pad=True)")
    if s.dilation > 1:
        lines.append(f"# Keras pooling has no dilation; this lab spaces the taps {s.dilation} apart")
    if s.ceil_mode:
        lines.append("# Keras has no ceil_mode: 'valid' drops the partial last window that this layer keeps, and "
                     "'same' pads both sides, so neither matches it in general")
    args = f'pool_size={_size(s.kernel)}, strides={s.stride}, padding="{word}"'
    if s.mode == "max":
        lines.append(f"keras.layers.MaxPooling2D({args})")
    elif s.mode == "min":
        lines.append(f"-keras.layers.MaxPooling2D({args})(-x)  # Keras has no MinPooling2D")
    elif s.mode == "avg":
        if s.divisor_override and word == "same":
            lines.append("# Keras has no divisor_override, and with 'same' it divides edge windows by their real "
                         "cells: pad with ZeroPadding2D, use 'valid' and multiply by kh * kw / "
                         f"{s.divisor_override}")
        elif s.divisor_override:
            lines.append(f"# Keras has no divisor_override; multiply by kh * kw / {s.divisor_override}")
        lines.append(f"keras.layers.AveragePooling2D({args})")
    elif s.mode == "lp":
        p = _p_text(s.p)
        lines.append(f"# Keras has no LPPool2D: (sum |x|^p)^(1/p) over each window, p = {p}")
        if word == "same" and not math.isinf(s.p):
            lines.append("# with 'same', Keras averages edge windows over real cells only, so * area overcounts "
                         "them: pad with ZeroPadding2D and use 'valid' to match")
        if math.isinf(s.p):
            lines.append(f"keras.layers.MaxPooling2D({args})(keras.ops.abs(x))")
        else:
            area = s.kernel[0] * s.kernel[1]
            if note := _overflow_note(s.p, area):
                lines.append(note.replace("x.double()", "float64"))
            lines.append(
                f"(keras.layers.AveragePooling2D({args})(keras.ops.abs(x) ** {p}) * {area}) ** (1 / {p})"
            )
    elif s.mode == "stochastic":
        lines.append("# Keras has no stochastic pooling layer (Zeiler & Fergus, 2013): see pooling.pool2d")
    else:
        lines.append(
            f"{s.alpha:g} * keras.layers.MaxPooling2D({args})(x) + {1 - s.alpha:g} * "
            f"keras.layers.AveragePooling2D({args})(x)"
        )
    return "\n".join(lines)


# ------------------------------------------------------ a convolution stage


def _nested(values):
    if np.ndim(values) == 0:
        return repr(float(values))
    return "[" + ", ".join(_nested(v) for v in values) + "]"


def stage_sizes(input_hw, kernel_side, settings):
    """The feature-map stage's sizes, chained: the photo, the unpadded ``K x K`` convolution, then the pooling.

    Returns
    -------
    list of (str, (int, int))
        ``(step, (H, W))``; the pooling's entry is missing when the layer
        cannot pool the feature map (see :func:`poolinglab.settings.validate`).

    Examples
    --------
    >>> stage_sizes((10, 12), 3, PoolSettings())
    [('photo', (10, 12)), ('conv 3 × 3 (no padding, stride 1)', (8, 10)), ('max pool 2 × 2, stride 2', (4, 5))]
    """
    h, w = input_hw
    conv_hw = (h - kernel_side + 1, w - kernel_side + 1)
    steps = [("photo", (h, w)), (f"conv {kernel_side} × {kernel_side} (no padding, stride 1)", conv_hw)]
    if min(conv_hw) >= 1 and not validate(settings, conv_hw):
        kh, kw = settings.kernel
        steps.append((f"{settings.mode} pool {kh} × {kw}, stride {settings.stride}", output_hw(settings, conv_hw)))
    return steps


def stage_code(kernels, labels, bias, channels, settings, input_hw):
    """The Feature maps lab's stage as PyTorch code: ``nn.Conv2d`` with these weights, ``nn.ReLU``, the pooling.

    Parameters
    ----------
    kernels : (F, K, K) array_like
        The filters, as the grey image sees them; every channel gets
        ``kernel / channels``, so the layer filters the mean of the channels.
    labels : sequence of str
        The filters' names, for a comment.
    bias : float
        Every filter's bias.
    channels : int
    settings : PoolSettings
        The pooling layer.
    input_hw : (int, int)
        The photo's size (for ``"same"`` pooling padding).

    Returns
    -------
    str
        Runs on a ``(1, C, H, W)`` float64 tensor ``x`` and leaves the
        pooled maps in ``y`` (unless PyTorch has no such pooling layer: the
        code then says so).

    Examples
    --------
    >>> print(stage_code([[[1.0]]], ["one"], -0.5, 1, PoolSettings(), (4, 4)).splitlines()[-1])
    y = nn.MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)(x)
    """
    kernels = np.asarray(kernels, dtype=np.float64)
    f, k = kernels.shape[0], kernels.shape[-1]
    conv_hw = (input_hw[0] - k + 1, input_hw[1] - k + 1)
    pooling = torch_line(settings, conv_hw).splitlines()
    last, _, note = pooling[-1].partition("  # ")
    if last.startswith("#"):
        pooling[-1] = last
    else:
        called = "(x" in last or "(-x)" in last
        pooling[-1] = f"y = {last}" + ("" if called else "(x)") + (f"  # {note}" if note else "")
    lines = [
        "import torch",
        "import torch.nn.functional as F",
        "from torch import nn",
        "",
        f"# x: the photo as a (1, {channels}, H, W) float64 tensor scaled to 0..1 (uint8 pixels / 255)",
        f"kernels = torch.tensor({_nested(kernels)}, dtype=torch.float64)  # {', '.join(labels)}",
        f"conv = nn.Conv2d({channels}, {f}, kernel_size={k}, bias=True, dtype=torch.float64)",
        "with torch.no_grad():",
        f"    conv.weight.copy_(kernels[:, None].repeat(1, {channels}, 1, 1) / {channels})  # the grey image's filter",
        f"    conv.bias.fill_({float(bias)!r})  # responses below {-float(bias):g} become 0 after the ReLU",
        "x = nn.ReLU()(conv(x))  # the feature maps",
        *pooling,
    ]
    return "\n".join(lines)
