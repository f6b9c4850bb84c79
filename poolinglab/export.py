"""Encoders for downloads: an image as PNG bytes, an array as CSV text or NPY bytes.

Pure functions of their arguments; the pages hand them to ``st.download_button``.
"""

import io

import numpy as np
from PIL import Image

__all__ = ["csv_text", "npy_bytes", "png_bytes"]


def png_bytes(image):
    """An image as PNG bytes, at full resolution.

    Parameters
    ----------
    image : (H, W), (H, W, 3) or (C, H, W) uint8 array_like
        Grey, RGB, or planes as the core keeps them (``C`` is 1 or 3).

    Returns
    -------
    bytes

    Examples
    --------
    >>> png_bytes(np.zeros((2, 3), np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    a = np.asarray(image)
    if a.dtype != np.uint8:
        raise TypeError(f"image must be uint8, got dtype {a.dtype}")
    if a.ndim == 3 and a.shape[0] in (1, 3) and a.shape[-1] not in (1, 3):
        a = np.moveaxis(a, 0, -1)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] != 3) or a.size == 0:
        raise ValueError(f"image must be (H, W), (H, W, 3) or (C, H, W) with C = 1 or 3, got shape {np.shape(image)}")
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(a)).save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def csv_text(array, *, value_name="value"):
    """A ``(H, W)`` or ``(C, H, W)`` array as CSV text: one line per row of each channel.

    The first line names the columns: ``channel,row`` and then one column
    per image column, ``value_name`` followed by the column number. So a
    ``(C, H, W)`` array gives ``C * H`` lines after the header, channel by
    channel; a 2-D array is channel 0.

    Parameters
    ----------
    array : (H, W) or (C, H, W) array_like of int, bool or float
        Integers are written as integers; floats with 17 significant
        digits, so they read back exactly.
    value_name : str, optional
        Prefix of the value columns' names; letters, digits and ``_`` only.

    Returns
    -------
    str

    Examples
    --------
    >>> print(csv_text(np.array([[[1, 2]], [[3, 4]]]), value_name="index"), end="")
    channel,row,index_0,index_1
    0,0,1,2
    1,0,3,4
    """
    a = np.asarray(array)
    if a.ndim not in (2, 3) or a.size == 0:
        raise ValueError(f"array must be a non-empty (H, W) or (C, H, W) array, got shape {a.shape}")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"array must hold numbers, got dtype {a.dtype}")
    if not str(value_name).replace("_", "").isalnum():
        raise ValueError(f"value_name ({value_name!r}) must be letters, digits and _ only")
    planes = a if a.ndim == 3 else a[None]
    c, h, w = planes.shape
    integer = planes.dtype.kind in "biu"
    values = planes.astype(np.int64 if integer else np.float64).reshape(c * h, w)
    lead = np.stack([np.repeat(np.arange(c), h), np.tile(np.arange(h), c)], axis=1)
    buffer = io.StringIO()
    header = ",".join(["channel", "row"] + [f"{value_name}_{j}" for j in range(w)])
    buffer.write(header + "\n")
    fmt = ["%d", "%d"] + ["%d" if integer else "%.17g"] * w
    # np.savetxt formats a whole line in one call, so the loop is over lines, not cells.
    table = np.concatenate([lead.astype(values.dtype), values], axis=1)
    np.savetxt(buffer, table, fmt=fmt, delimiter=",")
    return buffer.getvalue()


def npy_bytes(array):
    """An array as the bytes of a ``.npy`` file (``np.load`` reads it back, dtype and shape included).

    Examples
    --------
    >>> np.load(io.BytesIO(npy_bytes(np.arange(3)))).tolist()
    [0, 1, 2]
    """
    a = np.asarray(array)
    if a.dtype.hasobject:
        raise TypeError(f"array must not hold Python objects, got dtype {a.dtype}")
    buffer = io.BytesIO()
    np.save(buffer, a, allow_pickle=False)
    return buffer.getvalue()
