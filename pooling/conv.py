"""2-D convolution with PyTorch's ``conv2d`` semantics, and ReLU: the layer that makes feature maps.

Like the rest of the core this imports numpy only, and loops over kernel
taps, never over pixels.
"""

import numbers

import numpy as np

from ._checks import as_pair

__all__ = ["conv2d", "conv_output_size", "conv_padding", "relu", "stage_weights"]

_TILE_CELLS = 1 << 19  # float64 cells in one tile of gathered taps (4 MB)


def conv_padding(padding, kernel_size, *, stride=1, dilation=1):
    """``padding`` as ``((top, bottom), (left, right))``, as PyTorch's ``conv2d`` reads it.

    Parameters
    ----------
    padding : int, (int, int), "valid" or "same"
        Zeros added on each side; ``"same"`` keeps the input's size (stride 1
        only, the odd cell going to the bottom/right, as PyTorch does).
    kernel_size : (int, int)
    stride, dilation : int or (int, int), optional

    Returns
    -------
    ((int, int), (int, int))

    Examples
    --------
    >>> conv_padding(1, (3, 3))
    ((1, 1), (1, 1))
    >>> conv_padding("same", (4, 3))
    ((1, 2), (1, 1))
    """
    kh, kw = as_pair("kernel_size", kernel_size)
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"padding ({padding!r}) must be an int, a pair of ints, 'valid' or 'same'")
        if as_pair("stride", stride) != (1, 1):
            raise ValueError(f"padding ('same') needs stride 1, got stride {stride!r} (PyTorch's rule too)")
        dh, dw = as_pair("dilation", dilation)
        total = dh * (kh - 1), dw * (kw - 1)
        return tuple((t // 2, t - t // 2) for t in total)
    ph, pw = as_pair("padding", padding, minimum=0)
    return (ph, ph), (pw, pw)


def conv_output_size(input_hw, kernel_size, *, stride=1, padding=0, dilation=1):
    """The output's ``(H, W)``: ``floor((L + pad - d (k - 1) - 1) / s) + 1`` on each axis.

    Parameters
    ----------
    input_hw : (int, int)
    kernel_size : int or (int, int)
    stride, dilation : int or (int, int), optional
    padding : int, (int, int), "valid" or "same", optional

    Returns
    -------
    (int, int)
        Either can be 0 or less when the kernel does not fit; :func:`conv2d`
        refuses that.

    Examples
    --------
    >>> conv_output_size((7, 5), 3, stride=2, padding=1)
    (4, 3)
    >>> conv_output_size((7, 5), 3, dilation=2)
    (3, 1)
    """
    kernel = as_pair("kernel_size", kernel_size)
    strides, dilations = as_pair("stride", stride), as_pair("dilation", dilation)
    pads = conv_padding(padding, kernel, stride=stride, dilation=dilation)
    return tuple(int((n + p0 + p1 - d * (k - 1) - 1) // s + 1)
                 for n, (p0, p1), k, s, d in zip(input_hw, pads, kernel, strides, dilations))


def _check_groups(groups, channels, filters, weight_channels):
    if isinstance(groups, (bool, np.bool_)) or not isinstance(groups, numbers.Integral) or groups < 1:
        raise ValueError(f"groups ({groups!r}) must be an int of at least 1")
    if channels % groups or filters % groups:
        raise ValueError(f"groups ({groups}) must divide the input's channels ({channels}) and the filters "
                         f"({filters})")
    if weight_channels != channels // groups:
        raise ValueError(f"weight has {weight_channels} input channel(s) per filter; with {channels} channels "
                         f"and groups ({groups}) it needs {channels // groups}")


def conv2d(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate ``x`` with a bank of filters, as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    x : (C, H, W) array_like
        Real numbers of any dtype.
    weight : (F, C // groups, kh, kw) array_like
        Filter ``f`` sees the channels of its group:
        ``f // (F // groups) * (C // groups)`` onwards.
    bias : (F,) array_like, optional
        Added to every output cell of its filter.
    stride, dilation : int or (int, int), optional
    padding : int, (int, int), "valid" or "same", optional
        Zeros on each side (see :func:`conv_padding`).
    groups : int, optional
        Split channels and filters into this many independent groups.

    Returns
    -------
    out : (F, H_out, W_out) ndarray
        ``out[f, i, j] = bias[f] + sum_{c, a, b} weight[f, c, a, b] *
        xpad[g(f) + c, i * sh + a * dh, j * sw + b * dw]``, float64 unless
        both ``x`` and ``weight`` are float32 (or narrower), then float32.
        Sums run in float64, so results can differ from PyTorch's float32 in
        the last bits, never more.

    Notes
    -----
    No kernel flip: this is cross-correlation, as in every deep learning
    framework. Each tile of output rows gathers its ``C/g * kh * kw`` taps
    (one strided copy per tap) and makes them one matrix product with the
    ``(F/g, C/g * kh * kw)`` weights; memory is one padded float64 copy of
    ``x`` and a 4 MB tile. Filters whose weights are the same in every
    channel of their group add the channels first: ``C/g`` times less work.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> sobel = np.array([[[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]])
    >>> conv2d(x, sobel).tolist()
    [[[8.0, 8.0], [8.0, 8.0]]]
    >>> conv2d(x, np.ones((1, 1, 2, 2)), [-10.0], stride=2).tolist()
    [[[0.0, 8.0], [32.0, 40.0]]]
    """
    planes = np.asarray(x)
    w = np.asarray(weight)
    for name, arr in (("x", planes), ("weight", w)):
        if arr.dtype.kind not in "uif":
            raise TypeError(f"{name} has dtype {arr.dtype}; conv2d needs real numbers")
    if planes.ndim != 3 or 0 in planes.shape:
        raise ValueError(f"x must be a non-empty (C, H, W) array, got shape {planes.shape}")
    if w.ndim != 4 or 0 in w.shape:
        raise ValueError(f"weight must be a non-empty (F, C // groups, kh, kw) array, got shape {w.shape}")
    filters, per_group, kh, kw = w.shape
    _check_groups(groups, planes.shape[0], filters, per_group)
    b = np.zeros(filters) if bias is None else np.asarray(bias, dtype=np.float64)
    if b.shape != (filters,):
        raise ValueError(f"bias must have shape ({filters},), one per filter, got {b.shape}")
    sh, sw = as_pair("stride", stride)
    dh, dw = as_pair("dilation", dilation)
    pads = conv_padding(padding, (kh, kw), stride=stride, dilation=dilation)
    oh, ow = conv_output_size(planes.shape[1:], (kh, kw), stride=stride, padding=padding, dilation=dilation)
    if oh < 1 or ow < 1:
        raise ValueError(f"kernel_size ({kh}, {kw}) with dilation ({dh}, {dw}) does not fit the padded input "
                         f"{planes.shape[1] + sum(pads[0])} × {planes.shape[2] + sum(pads[1])}")
    padded = np.pad(planes.astype(np.float64), ((0, 0), *pads))
    out = np.empty((filters, oh, ow))
    fg = filters // groups
    rows = max(1, _TILE_CELLS // (per_group * kh * kw * ow))  # output rows per tile: its columns stay a few MB
    for g in range(groups):
        ws = w[g * fg:(g + 1) * fg].astype(np.float64)
        xs = padded[g * per_group:(g + 1) * per_group]
        if per_group > 1 and (ws == ws[:, :1]).all():
            # Every channel has the same weights (a filter of the grey image): adding the channels first
            # is the same sum in another order, one channel's work instead of C.
            ws, xs = ws[:, :1], xs.sum(axis=0, keepdims=True)
        group_channels = xs.shape[0]
        taps = group_channels * kh * kw
        kernels = ws.reshape(fg, taps)
        for r0 in range(0, oh, rows):
            n = min(rows, oh - r0)
            columns = np.empty((group_channels, kh, kw, n, ow))
            for a in range(kh):  # loops over taps, never over pixels: each copies one strided slice
                top = (r0 * sh) + a * dh
                for c in range(kw):
                    columns[:, a, c] = xs[:, top: top + sh * (n - 1) + 1: sh, c * dw: c * dw + sw * (ow - 1) + 1: sw]
            out[g * fg:(g + 1) * fg, r0:r0 + n] = (kernels @ columns.reshape(taps, n * ow)).reshape(fg, n, ow)
    out += b[:, None, None]
    narrow = all(arr.dtype.kind == "f" and arr.itemsize <= 4 for arr in (planes, w))
    return out.astype(np.float32) if narrow else out


def relu(x):
    """``max(x, 0)`` cell by cell; NaN stays NaN, as in PyTorch.

    Examples
    --------
    >>> relu(np.array([-1.0, 0.0, 2.5, np.nan])).tolist()
    [0.0, 0.0, 2.5, nan]
    """
    return np.maximum(x, 0)


def stage_weights(kernels, channels):
    """One ``nn.Conv2d`` weight for a list of square odd kernels: ``(F, channels, K, K)``.

    Each kernel is padded with zeros to the largest size ``K`` (centred, so
    its response lands on the same pixel) and divided by ``channels`` in
    every channel: the layer filters the mean of the channels, the grey image.

    Examples
    --------
    >>> w = stage_weights([np.ones((3, 3)), np.ones((1, 1))], 2)
    >>> w.shape, w[1, 0, 1].tolist()
    ((2, 2, 3, 3), [0.0, 0.5, 0.0])
    """
    if not kernels:
        raise ValueError("kernels is empty: choose at least one filter")
    sides = {np.shape(k) for k in kernels}
    if any(len(s) != 2 or s[0] != s[1] or s[0] % 2 == 0 for s in sides):
        raise ValueError(f"kernels must be square with an odd side, got shapes {sorted(sides)}")
    side = max(s[0] for s in sides)
    out = np.zeros((len(kernels), channels, side, side))
    for n, k in enumerate(kernels):
        lo = (side - len(k)) // 2
        out[n, :, lo:lo + len(k), lo:lo + len(k)] = np.asarray(k, dtype=np.float64) / channels
    return out
