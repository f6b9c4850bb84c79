"""Every Pillow image mode to 8-bit RGB, saying in words what changed."""

import numpy as np

__all__ = ["to_rgb"]

_HIGH_DEPTH = {
    "I;16": "16-bit", "I;16B": "16-bit", "I;16L": "16-bit", "I;16N": "16-bit", "I": "32-bit", "F": "Floating-point",
}
_ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")


def to_rgb(image):
    """Return a loaded Pillow image as an ``(H, W, 3)`` uint8 array and a list of notes.

    Palette and alpha images are composited on white; high-bit-depth and
    float images are stretched from their own range to 0..255; the rest go
    through Pillow's ``convert("RGB")``.

    Examples
    --------
    >>> from PIL import Image
    >>> pixels, notes = to_rgb(Image.new("I;16", (2, 1), 300))
    >>> pixels.tolist(), notes
    ([[[255, 255, 255], [255, 255, 255]]], ['16-bit image scaled to 8 bits (every pixel is 300, shown as 255).'])
    >>> to_rgb(Image.new("CMYK", (1, 1), (0, 255, 255, 0)))
    (array([[[255, 0, 0]]], dtype=uint8), ['CMYK converted to RGB.'])
    """
    mode = image.mode
    if mode in _HIGH_DEPTH or mode.startswith("I;"):
        return _stretch(image)
    if mode in _ALPHA_MODES or mode == "P" or "transparency" in image.info:
        return _on_white(np.asarray(image.convert("RGBA")))
    notes = ["CMYK converted to RGB."] if mode == "CMYK" else []
    rgb = image if mode == "RGB" else image.convert("RGB")
    return np.array(rgb, dtype=np.uint8), notes


def _on_white(rgba):
    rgb = rgba[..., :3]
    alpha = rgba[..., 3:]
    if alpha.min() == 255:
        return np.array(rgb), []
    # Exact integer blend over white; the largest sum, 255 * 255 + 127, fits in uint16.
    alpha = alpha.astype(np.uint16)
    blended = (rgb * alpha + 255 * (255 - alpha) + 127) // 255
    return blended.astype(np.uint8), ["Transparent areas composited on white."]


def _stretch(image):
    label = _HIGH_DEPTH.get(image.mode, "16-bit")
    if image.mode not in _HIGH_DEPTH:
        image = image.convert("I")
    values = np.asarray(image)
    # float64 for floats: (values - low) of float32 extremes could overflow.
    values = values.astype(np.float64 if values.dtype.kind == "f" else np.float32)
    finite = values[np.isfinite(values)]
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
    if high > low:
        gray = (values - low) * (255 / (high - low))
        note = f"{label} image scaled to 8 bits (values {low:g}..{high:g} became 0..255)."
    else:
        shown = int(np.clip(np.rint(low), 0, 255))
        gray = np.select([values > low, values < low, np.isnan(values)], [255, 0, 0], shown)
        note = f"{label} image scaled to 8 bits (every pixel is {low:g}, shown as {shown})."
    gray = np.nan_to_num(np.clip(gray, 0, 255), nan=0.0)
    gray = np.rint(gray).astype(np.uint8)
    return np.repeat(gray[:, :, None], 3, axis=2), [note]
