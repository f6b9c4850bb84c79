"""The window sweep as an animated GIF for slides, drawn with Pillow (no browser, no kaleido)."""

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pooling.analysis.sweep import Sweep, format_value

from . import palette
from ._cells import padded_extent, ring_cells, value_range

__all__ = ["sweep_gif"]

_MARGIN = 24
_GAP = 56  # pixels between the input and the output grid
_HOLD_LAST = 3  # the last frame stays this many frame times


@lru_cache(maxsize=16)
def _font(size):
    return ImageFont.load_default(size=int(size))


@lru_cache(maxsize=1)
def _palette_image():
    """A fixed 256-colour palette: viridis, greys and the marks, so frames never flicker."""
    colours = [palette.rgb(c) for c in (palette.ACCENT, palette.PAD_FILL, palette.PAD_HATCH, palette.PAD_TEXT,
                                        palette.EMPTY_CELL, palette.TEXT)]
    colours += [tuple(int(v) for v in c) for c in palette.value_rgb(np.linspace(0, 1, 170), 0, 1)]
    # Pillow looks colours up through a coarse cache (8 levels a box); a grey just below white
    # would win white's box and turn the background grey, so the greys stop at 236.
    colours += [(g, g, g) for g in np.linspace(0, 236, 255 - len(colours)).astype(int).tolist()] + [(255, 255, 255)]
    img = Image.new("P", (1, 1))
    img.putpalette([v for c in colours for v in c])
    return img


class _Canvas:
    """Pixel geometry of one GIF: where each input and output cell lies."""

    def __init__(self, sweep, shape, width, height):
        self.extent = padded_extent(sweep, shape)
        top, bottom, left, right = self.extent
        in_h, in_w = bottom - top + 1, right - left + 1
        oh, ow = sweep.output_shape
        self.label_h = palette.GIF_LABEL_SIZE + 12
        self.caption_room = 2 * int(palette.GIF_CAPTION_SIZE * 1.3)
        self.caption_top = height - _MARGIN - self.caption_room
        self.grid_top = _MARGIN + self.label_h
        room_h = self.caption_top - self.grid_top - 8
        room_w = width - 2 * _MARGIN - _GAP
        # The output needs a line under it for "from input (r, c)".
        self.cell = int(max(4, min(90, room_w / (in_w + ow), room_h / in_h, (room_h - self.label_h) / oh)))
        used_w = (in_w + ow) * self.cell + _GAP
        used_h = max(in_h * self.cell, oh * self.cell + self.label_h)
        x0 = (width - used_w) // 2
        self.grid_top += (room_h - used_h) // 2
        self.in_origin = (x0 - left * self.cell, self.grid_top - top * self.cell)
        self.out_origin = (x0 + in_w * self.cell + _GAP, self.grid_top)
        self.in_x0, self.out_size = x0, (oh, ow)
        self.marks = palette.mark_sizes(self.cell)

    def box(self, origin, r, c, inset=0.0):
        d = inset * self.cell
        x, y = origin[0] + c * self.cell, origin[1] + r * self.cell
        return (x + d, y + d, x + self.cell - 1 - d, y + self.cell - 1 - d)


def _value_cell(draw, canvas, origin, r, c, value, lo, hi):
    fill = palette.value_rgb(np.array([value]), lo, hi)[0]
    box = canvas.box(origin, r, c)
    draw.rectangle(box, fill=tuple(int(v) for v in fill), outline=palette.BACKGROUND)
    if canvas.cell >= 16:
        ink = tuple(int(v) for v in palette.text_rgb(fill))
        draw.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), format_value(value), fill=ink,
                  font=_font(max(9, min(28, canvas.cell * 0.36))), anchor="mm")


def _pad_cell(draw, canvas, r, c, label):
    x0, y0, x1, y1 = box = canvas.box(canvas.in_origin, r, c)
    draw.rectangle(box, fill=palette.PAD_FILL, outline=palette.BACKGROUND)
    s = canvas.cell
    for f in (0.2, 0.35, 0.5):  # corner hatching, the centre left free for the label
        draw.line([(x0, y0 + f * s), (x0 + f * s, y0)], fill=palette.PAD_HATCH, width=1)
        draw.line([(x1 - f * s, y1), (x1, y1 - f * s)], fill=palette.PAD_HATCH, width=1)
    if s >= 16:
        draw.text(((x0 + x1) / 2, (y0 + y1) / 2), label, fill=palette.PAD_TEXT,
                  font=_font(max(9, min(24, s * 0.3))), anchor="mm")


def _base(sweep, plane, canvas, size, lo, hi):
    """Everything that does not move: labels, the input, padding and the empty output."""
    img = Image.new("RGB", size, palette.BACKGROUND)
    draw = ImageDraw.Draw(img)
    label_font = _font(palette.GIF_LABEL_SIZE)
    oh, ow = canvas.out_size
    label_y = canvas.grid_top - canvas.label_h
    draw.text((canvas.in_x0, label_y), f"input {plane.shape[0]} x {plane.shape[1]}", fill=palette.TEXT,
              font=label_font)
    draw.text((canvas.out_origin[0], label_y), f"output {oh} x {ow}", fill=palette.TEXT, font=label_font)
    for r, c in np.ndindex(plane.shape):
        _value_cell(draw, canvas, canvas.in_origin, r, c, plane[r, c], lo, hi)
    label = palette.pad_label(sweep.pad_value)
    for r, c in zip(*ring_cells(canvas.extent, plane.shape)):
        _pad_cell(draw, canvas, int(r), int(c), label)
    for i, j in np.ndindex(oh, ow):
        draw.rectangle(canvas.box(canvas.out_origin, i, j), fill=palette.EMPTY_CELL, outline=palette.EMPTY_EDGE)
    return img


def _ring(draw, canvas, origin, r, c, colour, width, dash=None):
    """An outline of cell ``(r, c)`` whose line is centred ``inset`` of a cell in from its edge."""
    width = max(1, round(width))
    centre = canvas.box(origin, r, c, canvas.marks["inset"])
    if dash is None:
        half = width / 2
        draw.rectangle((centre[0] - half, centre[1] - half, centre[2] + half, centre[3] + half),
                       outline=colour, width=width)
        return
    x0, y0, x1, y1 = centre
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = max(abs(bx - ax), abs(by - ay))
        for t in np.arange(0, length, 2 * dash):
            t1 = min(t + dash, length)
            draw.line([(ax + (bx - ax) * t / length, ay + (by - ay) * t / length),
                       (ax + (bx - ax) * t1 / length, ay + (by - ay) * t1 / length)], fill=colour, width=width)


def _marks(draw, canvas, sweep, n):
    """The window's taps, ties and chosen cell on the input; the new output cell."""
    rows, cols, origin, m = sweep.rows[n], sweep.cols[n], canvas.in_origin, canvas.marks
    taps = list(zip(rows[sweep.member[n]], cols[sweep.member[n]]))
    for colour, width in ((palette.HALO, m["halo"]), (palette.WINDOW, m["window"])):
        for r, c in taps:
            _ring(draw, canvas, origin, r, c, colour, width)
    dash = max(3, canvas.cell // 6)
    for r, c in zip(rows[sweep.ties[n]], cols[sweep.ties[n]]):
        _ring(draw, canvas, origin, r, c, palette.ACCENT, m["tie"], dash=dash)
    for r, c in zip(rows[sweep.chosen[n]], cols[sweep.chosen[n]]):
        _ring(draw, canvas, origin, r, c, palette.ACCENT, m["chosen"])
    i, j = int(sweep.out_rows[n]), int(sweep.out_cols[n])
    _ring(draw, canvas, canvas.out_origin, i, j, palette.HALO, m["halo"])
    _ring(draw, canvas, canvas.out_origin, i, j, palette.ACCENT, m["chosen"])
    src = sweep.source(n)
    words = f"from input {src}" if src is not None else f"from {int(sweep.chosen[n].sum())} weighted cells"
    oh, _ = canvas.out_size
    draw.text((canvas.out_origin[0], canvas.out_origin[1] + oh * canvas.cell + 6),
              f"output ({i}, {j}) = {format_value(sweep.values[n])}, {words}",
              fill=palette.TEXT, font=_font(palette.GIF_LABEL_SIZE))


def _wrap(text, font, width):
    lines, line = [], ""
    for word in text.split(" "):
        trial = f"{line} {word}".strip()
        if line and font.getlength(trial) > width:
            lines.append(line)
            trial = word
        line = trial
    return lines + [line]


def _caption(draw, text, top, width, room):
    """The step's sentence, in the largest size (down to 17 px) whose wrapped lines fit ``room``."""
    for size in (palette.GIF_CAPTION_SIZE, 20, 17):
        font = _font(size)
        lines = _wrap(text, font, width - 2 * _MARGIN)
        if len(lines) * int(size * 1.2) <= room:
            break
    for k, line in enumerate(lines[: max(1, room // int(size * 1.2))]):
        draw.text((_MARGIN, top + k * int(size * 1.2)), line, fill=palette.TEXT, font=font)


def sweep_gif(sweep, plane, *, width=960, height=540, frame_ms=700):
    """The window sweep as an animated GIF, in the same visual language as :func:`sweep_figure`.

    One frame per step: the window's taps outlined on the input (padding
    grey, hatched and labelled), ties dashed, the chosen cell in a thick
    vermillion outline, the output filling cell by cell with its source
    written under it, and the step's sentence as a caption.

    Parameters
    ----------
    sweep : Sweep
        From :func:`pooling.sweep_steps`.
    plane : (H, W) array_like
        The input plane the sweep pooled.
    width, height : int, optional
        Pixels; 960x540 (16:9) suits slides.
    frame_ms : int, optional
        Milliseconds per step; the last step is held three times as long.

    Returns
    -------
    bytes
        A looping GIF with ``len(sweep)`` frames and a fixed palette.

    Notes
    -----
    Draws each frame in RGB and maps it onto one fixed palette: about 10 ms a
    frame at 960x540.

    Examples
    --------
    >>> import pooling
    >>> x = np.arange(16).reshape(4, 4)
    >>> data = sweep_gif(pooling.sweep_steps(pooling.pool2d(x, "max", 2)), x, width=320, height=180)
    >>> data[:6], Image.open(io.BytesIO(data)).n_frames
    (b'GIF89a', 4)
    """
    if not isinstance(sweep, Sweep):
        raise TypeError(f"sweep must be a Sweep from pooling.sweep_steps, not {type(sweep).__name__}")
    plane = np.asarray(plane)
    if plane.ndim != 2:
        raise ValueError(f"plane must be the 2-D (H, W) input that was pooled, got shape {plane.shape}")
    if width < 160 or height < 90:
        raise ValueError(f"width x height ({width}x{height}) must be at least 160x90")
    canvas = _Canvas(sweep, plane.shape, width, height)
    lo, hi = value_range(plane, sweep.values)
    filled = _base(sweep, plane, canvas, (width, height), lo, hi)
    fill_draw = ImageDraw.Draw(filled)
    frames = []
    for n in range(len(sweep)):
        _value_cell(fill_draw, canvas, canvas.out_origin, int(sweep.out_rows[n]), int(sweep.out_cols[n]),
                    sweep.values[n], lo, hi)
        frame = filled.copy()
        draw = ImageDraw.Draw(frame)
        _marks(draw, canvas, sweep, n)
        _caption(draw, sweep.describe(n), canvas.caption_top, width, canvas.caption_room)
        frames.append(frame.quantize(palette=_palette_image(), dither=Image.Dither.NONE))
    durations = [int(frame_ms)] * (len(frames) - 1) + [int(frame_ms) * _HOLD_LAST]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return buf.getvalue()
