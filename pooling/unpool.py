"""Unpooling: put pooled values back where they came from."""

import numbers

import numpy as np

__all__ = ["max_unpool2d", "scatter_add"]


def scatter_add(flat_index, values, plane_size):
    """Sum ``values`` into per-channel planes at ``flat_index`` (vectorised bincount).

    Parameters
    ----------
    flat_index : (C, ...) int ndarray
        Flat index into each channel's plane, in ``[0, plane_size)``.
    values : (C, ...) ndarray
        What to add, same shape.
    plane_size : int

    Returns
    -------
    (C, plane_size) float64 ndarray

    Examples
    --------
    >>> scatter_add(np.array([[0, 0, 2]]), np.array([[1.0, 2.0, 5.0]]), 3).tolist()
    [[3.0, 0.0, 5.0]]
    """
    n_ch = flat_index.shape[0]
    offset = (np.arange(n_ch, dtype=np.int64) * plane_size).reshape((n_ch,) + (1,) * (flat_index.ndim - 1))
    flat = (flat_index + offset).ravel()
    out = np.bincount(flat, weights=np.asarray(values, dtype=np.float64).ravel(), minlength=n_ch * plane_size)
    return out.reshape(n_ch, plane_size)


def max_unpool2d(values, indices, output_size):
    """Zeros except at the recorded cells, as PyTorch's ``max_unpool2d``.

    Parameters
    ----------
    values : (out_h, out_w) or (C, out_h, out_w) array_like
    indices : int array_like, same shape
        Flat indices ``h * W + w`` per channel, as returned by max pooling.
    output_size : (int, int)
        ``(H, W)`` of the unpooled planes (a trailing ``(H, W)`` of a longer
        shape is accepted).

    Returns
    -------
    ndarray of ``values``' dtype, shape ``(H, W)`` or ``(C, H, W)``

    Notes
    -----
    Where overlapping windows recorded one cell twice, both wrote the same
    value, so the order of writes does not matter.

    Examples
    --------
    >>> import numpy as np, pooling
    >>> x = np.array([[1, 2], [4, 3]])
    >>> r = pooling.pool2d(x, "max", 2)
    >>> max_unpool2d(r.values, r.indices, (2, 2)).tolist()
    [[0, 0], [4, 0]]
    """
    values = np.asarray(values)
    indices = np.asarray(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers, got dtype {indices.dtype}")
    if values.shape != indices.shape:
        raise ValueError(f"values {values.shape} and indices {indices.shape} must have the same shape")
    if values.ndim not in (2, 3):
        raise ValueError(f"values must be (out_h, out_w) or (C, out_h, out_w), got shape {values.shape}")
    size = tuple(output_size)[-2:] if isinstance(output_size, (tuple, list)) else None
    if size is None or len(size) != 2 or not all(isinstance(n, numbers.Integral) and n >= 1 for n in size):
        raise ValueError(f"output_size ({output_size!r}) must be a pair of positive ints (H, W)")
    h, w = (int(n) for n in size)
    if indices.size and (indices.min() < 0 or indices.max() >= h * w):
        bad = indices.min() if indices.min() < 0 else indices.max()
        raise ValueError(f"indices hold {bad}, outside [0, {h * w}) for output_size ({h}, {w})")
    squeeze = values.ndim == 2
    vals = values[None] if squeeze else values
    idx = indices[None] if squeeze else indices
    n_ch = vals.shape[0]
    # One flat assignment over all channels (put_along_axis builds index grids and is ~5x slower).
    flat = idx.reshape(n_ch, -1).astype(np.intp) + (np.arange(n_ch, dtype=np.intp) * (h * w))[:, None]
    out = np.zeros(n_ch * h * w, dtype=vals.dtype)
    out[flat.ravel()] = vals.ravel()
    out = out.reshape(n_ch, h, w)
    return out[0] if squeeze else out
