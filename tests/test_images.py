"""The image loader, against files made here with Pillow, hand-crafted headers and damaged bytes."""

import io
import re
import struct
import warnings
import zlib
from dataclasses import FrozenInstanceError

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from poolinglab.intake.errors import ImageError
from poolinglab.intake.images import (
    ALLOWED_FORMATS,
    COLOR_MODES,
    GRID_MAX_SIDE,
    MAX_BYTES,
    MAX_PIXELS,
    UPLOAD_EXTENSIONS,
    WORKING_SIZES,
    LoadedImage,
    decode_image,
    grid_from_text,
    grid_to_text,
    random_grid,
    sha256_key,
    to_planes,
    working_image,
)


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def position_pixels(height, width):
    """RGB pixels that spell out their own position: (16 * row, 16 * col, 100)."""
    rows, cols = np.indices((height, width))
    return np.stack([16 * rows, 16 * cols, np.full_like(rows, 100)], axis=-1).astype(np.uint8)


def noise(height, width, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width, height):
    """A grey PNG that claims ``width x height`` pixels but carries one byte of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\x00"))
            + png_chunk(b"IEND", b""))


# -- decode_image: good files ------------------------------------------------------------------

LOSSLESS = {"PNG": {}, "WEBP": {"lossless": True}, "GIF": {}, "BMP": {}, "TIFF": {}}


@pytest.mark.parametrize("fmt", ALLOWED_FORMATS)
def test_every_allowed_format_round_trips(fmt):
    pixels = position_pixels(8, 12)  # 96 colours: a GIF palette holds them all
    loaded = decode_image(encode(Image.fromarray(pixels), fmt, **LOSSLESS.get(fmt, {"quality": 95})))
    assert isinstance(loaded, LoadedImage)
    assert (loaded.format, loaded.original_size, loaded.notes) == (fmt, (12, 8), ())
    assert loaded.pixels.dtype == np.uint8 and loaded.pixels.shape == (8, 12, 3)
    if fmt == "JPEG":
        assert np.abs(loaded.pixels.astype(int) - pixels).mean() < 8
    else:
        np.testing.assert_array_equal(loaded.pixels, pixels)


def test_loaded_image_is_frozen_and_read_only():
    loaded = decode_image(encode(Image.fromarray(position_pixels(2, 2)), "PNG"))
    assert not loaded.pixels.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        loaded.pixels[0, 0, 0] = 1
    with pytest.raises(FrozenInstanceError):
        loaded.format = "GIF"


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_accepts_any_bytes_like(kind):
    data = encode(Image.fromarray(position_pixels(2, 3)), "PNG")
    np.testing.assert_array_equal(decode_image(kind(data)).pixels, position_pixels(2, 3))


@pytest.mark.parametrize(
    ("fmt", "options", "note"),
    [
        ("GIF", {}, "Animated GIF: using the first of 3 frames."),
        ("PNG", {}, "Animated PNG: using the first of 3 frames."),
        ("WEBP", {"lossless": True}, "Animated WEBP: using the first of 3 frames."),
        ("TIFF", {}, "Multi-page TIFF: using the first of 3 pages."),
    ],
)
def test_animated_files_give_their_first_frame(fmt, options, note):
    red, green, blue = (Image.new("RGB", (4, 3), colour) for colour in ("red", "green", "blue"))
    loaded = decode_image(encode(red, fmt, save_all=True, append_images=[green, blue], **options))
    assert loaded.notes == (note,)
    assert (loaded.pixels == [255, 0, 0]).all()


@pytest.mark.parametrize(("orientation", "quarter_turns"), [(3, 2), (6, -1), (8, 1)])
def test_exif_orientation_turns_the_image_upright(orientation, quarter_turns):
    pixels = position_pixels(2, 3)
    exif = Image.Exif()
    exif[0x0112] = orientation
    loaded = decode_image(encode(Image.fromarray(pixels), "PNG", exif=exif))
    np.testing.assert_array_equal(loaded.pixels, np.rot90(pixels, quarter_turns))
    assert loaded.notes == ("Rotated upright from its EXIF orientation.",)
    assert loaded.original_size == loaded.pixels.shape[1::-1]


@pytest.mark.parametrize("orientation", [1, 0, 9])
def test_upright_or_invalid_orientation_changes_nothing(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    loaded = decode_image(encode(Image.fromarray(position_pixels(2, 3)), "PNG", exif=exif))
    np.testing.assert_array_equal(loaded.pixels, position_pixels(2, 3))
    assert loaded.notes == ()


def test_orientation_6_jpeg_becomes_portrait():
    exif = Image.Exif()
    exif[0x0112] = 6
    loaded = decode_image(encode(Image.new("RGB", (40, 20)), "JPEG", exif=exif))
    assert loaded.pixels.shape == (40, 20, 3) and loaded.original_size == (20, 40)


def on_white(rgb, alpha):
    """Float reference for compositing over white, rounded to the nearest integer."""
    a = np.asarray(alpha, dtype=float)[..., None] / 255
    return np.rint(np.asarray(rgb, dtype=float) * a + 255 * (1 - a)).astype(np.uint8)


def test_rgba_is_composited_on_white():
    rgba = np.random.default_rng(1).integers(0, 256, (16, 16, 4), dtype=np.uint8)
    rgba[0, 0, 3], rgba[0, 1, 3] = 0, 255
    loaded = decode_image(encode(Image.fromarray(rgba), "PNG"))
    np.testing.assert_array_equal(loaded.pixels, on_white(rgba[..., :3], rgba[..., 3]))
    assert loaded.pixels[0, 0].tolist() == [255, 255, 255]
    assert loaded.pixels[0, 1].tolist() == rgba[0, 1, :3].tolist()
    assert loaded.notes == ("Transparent areas composited on white.",)


def test_grey_alpha_is_composited_on_white():
    la = np.array([[[0, 0], [100, 255], [0, 128]]], dtype=np.uint8)
    loaded = decode_image(encode(Image.fromarray(la, "LA"), "PNG"))
    assert loaded.pixels[..., 0].tolist() == [[255, 100, 127]]
    assert (loaded.pixels == loaded.pixels[..., :1]).all()


@pytest.mark.parametrize("fmt", ["PNG", "GIF"])
def test_palette_transparency_is_composited_on_white(fmt):
    palette = Image.new("P", (2, 1))
    palette.putpalette([255, 0, 0, 0, 0, 255])
    palette.putpixel((1, 0), 1)
    loaded = decode_image(encode(palette, fmt, transparency=0))
    assert loaded.pixels.tolist() == [[[255, 255, 255], [0, 0, 255]]]
    assert loaded.notes == ("Transparent areas composited on white.",)


def test_opaque_alpha_changes_nothing_and_says_nothing():
    rgba = np.dstack([position_pixels(3, 3), np.full((3, 3), 255, np.uint8)])
    loaded = decode_image(encode(Image.fromarray(rgba), "PNG"))
    np.testing.assert_array_equal(loaded.pixels, position_pixels(3, 3))
    assert loaded.notes == ()


def test_16_bit_grey_is_scaled_by_its_range_not_clipped():
    values = np.arange(0, 1001, 8, dtype=np.uint16).reshape(1, -1)
    values[0, -1] = 1000
    loaded = decode_image(encode(Image.fromarray(values), "PNG"))
    expected = np.rint(values * (255 / 1000)).astype(np.uint8)
    np.testing.assert_array_equal(loaded.pixels[..., 0], expected)
    assert loaded.pixels[0, -1].tolist() == [255, 255, 255]
    assert loaded.notes == ("16-bit image scaled to 8 bits (values 0..1000 became 0..255).",)


def test_float_tiff_is_scaled_by_its_range():
    values = np.array([[-1.0, 0.0, 1.0, 3.0]], dtype=np.float32)
    loaded = decode_image(encode(Image.fromarray(values), "TIFF"))
    assert loaded.pixels[..., 0].tolist() == [[0, 64, 128, 255]]
    assert loaded.notes == ("Floating-point image scaled to 8 bits (values -1..3 became 0..255).",)


def test_float_tiff_with_nan_and_infinity():
    values = np.array([[0.0, np.nan, 2.0, np.inf, -np.inf]], dtype=np.float32)
    loaded = decode_image(encode(Image.fromarray(values), "TIFF"))
    assert loaded.pixels[..., 0].tolist() == [[0, 0, 255, 255, 0]]


def test_32_bit_integer_tiff_is_scaled_by_its_range():
    values = np.array([[-70000, 0, 70000]], dtype=np.int32)
    loaded = decode_image(encode(Image.fromarray(values), "TIFF"))
    assert loaded.pixels[..., 0].tolist() == [[0, 128, 255]]


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_cmyk_is_converted(fmt):
    loaded = decode_image(encode(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), fmt))
    assert loaded.notes == ("CMYK converted to RGB.",)
    np.testing.assert_allclose(loaded.pixels.reshape(-1, 3), [[255, 0, 0]] * 64, atol=3)


@pytest.mark.parametrize(("mode", "fmt"), [("1", "BMP"), ("L", "PNG"), ("L", "JPEG")])
def test_bilevel_and_grey_become_three_equal_channels(mode, fmt):
    grey = Image.fromarray(np.array([[0, 255], [255, 0]], dtype=np.uint8)).convert(mode)
    loaded = decode_image(encode(grey, fmt))
    assert loaded.pixels.shape == (2, 2, 3) and loaded.notes == ()
    assert (loaded.pixels == loaded.pixels[..., :1]).all()


# -- decode_image: bad files -------------------------------------------------------------------

def test_empty_file():
    message = r"^This file is empty \(0 bytes\)\. Choose a PNG, JPEG, WebP, GIF, BMP or TIFF image\.$"
    with pytest.raises(ImageError, match=message):
        decode_image(b"")


def test_random_bytes():
    with pytest.raises(ImageError, match="not an image in a format Pooling Lab can read. Choose a PNG"):
        decode_image(np.random.default_rng(0).bytes(5000))


def test_text_file_named_png(tmp_path):
    path = tmp_path / "holiday.png"
    path.write_text("Dear diary,\n\tthis is not a picture.\n")
    with pytest.raises(ImageError, match="contains text, not an image"):
        decode_image(path.read_bytes())


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file(fmt):
    data = encode(Image.fromarray(noise(64, 64)), fmt)
    with pytest.raises(ImageError, match=r"damaged or incomplete .* \(OSError: image file is truncated"):
        decode_image(data[: len(data) // 2])


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_damaged_header_is_named(fmt):
    data = encode(Image.fromarray(noise(8, 8)), fmt)
    with pytest.raises(ImageError, match=f"looks like a {fmt} file, but its header is damaged"):
        decode_image(data[:12] + b"\xff" * 30)


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (9000, 5000, r"\(9000 x 5000 pixels, 45\.0 MP; the limit is 40 MP\)"),  # the loader's own check
        (10000, 10000, r"\(100\.0 MP; the limit is 40 MP\)"),  # Pillow's warning, raised as an error
        (20000, 20000, r"\(400\.0 MP; the limit is 40 MP\)"),  # Pillow's DecompressionBombError
    ],
)
def test_decompression_bomb_is_refused_from_its_header(width, height, message):
    data = png_header_only(width, height)
    assert len(data) < 100
    filters = list(warnings.filters)
    limit = Image.MAX_IMAGE_PIXELS
    # Had any pixels been decoded, the single byte of data would fail as truncated instead.
    with pytest.raises(ImageError, match=message):
        decode_image(data)
    assert warnings.filters == filters and Image.MAX_IMAGE_PIXELS == limit


def test_pixel_limit_can_be_lowered():
    data = encode(Image.new("RGB", (3000, 2000)), "PNG")
    with pytest.raises(ImageError, match=r"3000 x 2000 pixels, 6\.0 MP; the limit is 5 MP"):
        decode_image(data, max_pixels=5_000_000)


def test_too_many_bytes():
    with pytest.raises(ImageError, match=r"^This file is 20\.0 MB; the limit is 20 MB\. Save a smaller"):
        decode_image(b"\x89PNG" + bytes(MAX_BYTES - 3))


@pytest.mark.parametrize("fmt", ["PCX", "ICO", "PPM", "EPS", "SGI", "QOI"])
def test_formats_pillow_reads_but_we_refuse(fmt):
    data = encode(Image.new("RGB", (16, 16), "red"), fmt)
    with pytest.raises(ImageError, match=f"^This file is in {fmt} format, which Pooling Lab does not open"):
        decode_image(data)


def test_not_bytes_is_a_type_error():
    with pytest.raises(TypeError, match="data must be bytes, not str"):
        decode_image("photo.png")


def test_image_error_is_a_value_error():
    assert issubclass(ImageError, ValueError)


SEEDS = {fmt: encode(Image.fromarray(noise(12, 10, seed=3)), fmt) for fmt in ALLOWED_FORMATS}


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow reports each damaged tag as it skips it
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(ALLOWED_FORMATS), data=st.data())
def test_damaged_files_only_ever_raise_image_error(fmt, data):
    raw = bytearray(SEEDS[fmt])
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    try:
        loaded = decode_image(bytes(raw[:cut]))
    except ImageError as err:
        assert str(err)
    else:
        assert loaded.pixels.dtype == np.uint8 and loaded.pixels.shape[2] == 3


# -- working_image and to_planes --------------------------------------------------------------

@pytest.mark.parametrize("size", WORKING_SIZES)
def test_working_image_sizes(size):
    pixels = np.full((600, 1200, 3), 77, dtype=np.uint8)
    small = working_image(pixels, size)
    long_side = 1200 if size is None or size >= 1200 else size
    assert small.shape == (long_side // 2, long_side, 3) and small.dtype == np.uint8
    assert (small == 77).all()


def test_working_image_portrait_and_rounding():
    assert working_image(np.zeros((1000, 333, 3), np.uint8), 128).shape == (128, 43, 3)
    assert working_image(np.zeros((5000, 2, 3), np.uint8), 128).shape == (128, 1, 3)


def test_working_image_never_enlarges():
    pixels = noise(100, 60)
    assert working_image(pixels, 512) is pixels
    assert working_image(pixels, None) is pixels
    assert working_image(pixels, 100) is pixels


def test_working_image_resamples_with_a_filter():
    stripes = np.zeros((64, 64, 3), np.uint8)
    stripes[:, ::2] = 255
    small = working_image(stripes, 32)
    assert not small.flags.writeable
    # Averaged, not sampled (sampling gives 0 or 255); Lanczos rings only at the borders.
    assert np.abs(small[:, 2:-2].astype(int) - 128).max() <= 2


@pytest.mark.parametrize("size", [0, -5, 2.5, True, "512"])
def test_working_image_rejects_bad_sizes(size):
    with pytest.raises(ValueError, match=r"working_size \(.*\) must be a positive int or None"):
        working_image(noise(4, 4), size)


@pytest.mark.parametrize("pixels", [np.zeros((4, 4)), np.zeros((4, 4, 4), np.uint8), np.zeros((4, 4, 3)),
                                    np.zeros((0, 4, 3), np.uint8)])
def test_pixels_must_be_rgb_uint8(pixels):
    with pytest.raises(ValueError, match=r"pixels must be a non-empty \(H, W, 3\) uint8 array"):
        to_planes(pixels)
    with pytest.raises(ValueError, match=r"pixels must be a non-empty \(H, W, 3\) uint8 array"):
        working_image(pixels)


def test_to_planes_rgb_and_single_channels():
    pixels = position_pixels(3, 5)
    planes = to_planes(pixels)
    assert planes.shape == (3, 3, 5) and planes.dtype == np.uint8 and planes.flags.c_contiguous
    assert planes[0, 2, 4] == 32 and planes[1, 2, 4] == 64 and planes[2, 2, 4] == 100
    for index, color in enumerate(("red", "green", "blue")):
        plane = to_planes(pixels, color)
        assert plane.shape == (1, 3, 5)
        np.testing.assert_array_equal(plane[0], pixels[..., index])


@given(hnp.arrays(np.uint8, hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=9).map(
    lambda shape: shape[:2] + (3,))))
def test_to_planes_gray_matches_pillow_luma(pixels):
    expected = np.asarray(Image.fromarray(pixels).convert("L"))
    np.testing.assert_array_equal(to_planes(pixels, "gray"), expected[None])


def test_to_planes_gray_extremes():
    pixels = np.array([[[255, 255, 255], [0, 0, 0], [0, 255, 0]]], dtype=np.uint8)
    assert to_planes(pixels, "gray").tolist() == [[[255, 0, 150]]]


def test_to_planes_rejects_unknown_colour():
    with pytest.raises(ValueError, match=r"color \('grey'\) must be one of 'rgb', 'gray', 'red', 'green', 'blue'"):
        to_planes(position_pixels(2, 2), "grey")


# -- typed and random grids --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", [[5]]),
        ("1 2\n3 4", [[1, 2], [3, 4]]),
        ("1,2\n3,4\n", [[1, 2], [3, 4]]),
        ("  1 ,  2,\n\n 3\t4  \n\n", [[1, 2], [3, 4]]),
        ("-1.5 2e3 .25", [[-1.5, 2000, 0.25]]),
        ("1\r\n2", [[1], [2]]),
    ],
)
def test_grid_from_text_reads(text, expected):
    grid = grid_from_text(text)
    assert grid.dtype == np.float64
    np.testing.assert_array_equal(grid, expected)


def test_grid_from_text_largest():
    text = "\n".join(" ".join(str(16 * r + c) for c in range(16)) for r in range(16))
    np.testing.assert_array_equal(grid_from_text(text), np.arange(256).reshape(16, 16))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"^The grid is empty\. Type one row of numbers per line"),
        (" \n , \n", r"^The grid is empty"),
        ("1 2 3\n4 5", r"^Row 2 has 2 values but row 1 has 3\. Every row needs the same number\.$"),
        ("1 2 3\n4 5 abc", r"In row 2, value 3 \('abc'\) is not a number\. Use digits such as 3, -1\.5 or 2e3\.$"),
        ("1 2\n3 4;5", r"In row 2, value 2 \('4;5'\) is not a number"),
        ("1 nan", r"In row 1, value 2 \('nan'\) is not a finite number"),
        ("inf", r"In row 1, value 1 \('inf'\) is not a finite number"),
        ("1\n" * 17, r"^The grid has 17 rows; the limit is 16\. Remove some rows\.$"),
        ("1 " * 17, r"^Row 1 has 17 values; the limit is 16\. Remove some columns\.$"),
        ("1" * 20_001, r"^The grid text is 20001 characters long; the limit is 20000"),
    ],
)
def test_grid_from_text_refuses(text, message):
    with pytest.raises(ImageError, match=message):
        grid_from_text(text)


def test_grid_from_text_refuses_numbers_that_would_overflow():
    with pytest.raises(ImageError, match=re.escape("In row 1, value 2 ('1e31') is too large. Keep numbers within ±1e30.")):
        grid_from_text("1 1e31")
    assert grid_from_text("-1e30 1e30").tolist() == [[-1e30, 1e30]]


def test_grid_from_text_wants_a_string():
    with pytest.raises(TypeError, match="text must be a str, not bytes"):
        grid_from_text(b"1 2")


def test_grid_to_text_aligns_and_drops_point_zero():
    assert grid_to_text(np.array([[1, 20], [300, -4]])) == "  1  20\n300  -4"
    assert grid_to_text([[0.5, 2.0]]) == "0.5   2"


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=GRID_MAX_SIDE),
                  elements=st.floats(min_value=-1e30, max_value=1e30)))
def test_grid_to_text_round_trips(grid):
    np.testing.assert_array_equal(grid_from_text(grid_to_text(grid)), grid)


def test_grid_to_text_refuses_non_grids():
    with pytest.raises(ValueError, match=r"grid must be a non-empty 2-D numeric array, got shape \(3,\)"):
        grid_to_text([1, 2, 3])


def test_random_grid_is_seeded_and_inclusive():
    grid = random_grid((16, 16), rng=42)
    assert grid.shape == (16, 16) and grid.dtype == np.int64
    assert set(np.unique(grid)) == set(range(10))
    np.testing.assert_array_equal(grid, random_grid((16, 16), rng=42))
    np.testing.assert_array_equal(grid, random_grid((16, 16), np.random.default_rng(42)))
    assert not np.array_equal(grid, random_grid((16, 16), rng=43))
    assert set(np.unique(random_grid(6, rng=0, low=-2, high=-1))) == {-2, -1}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"shape": 17}, ValueError, r"shape \(17\) must be at most 16 on each side"),
        ({"shape": (0, 3)}, ValueError, r"shape \(\(0, 3\)\) must be at least 1"),
        ({"shape": 4, "low": 5, "high": 4}, ValueError, r"low \(5\) must be at most high \(4\)"),
        ({"shape": 2.5}, TypeError, r"shape \(2\.5\) must be an int or a pair of ints"),
    ],
)
def test_random_grid_refuses(kwargs, error, message):
    with pytest.raises(error, match=message):
        random_grid(**kwargs)


# -- cache keys and constants ------------------------------------------------------------------

def test_sha256_key():
    key = sha256_key(b"abc", 512, "rgb")
    assert len(key) == 64 and key == sha256_key(bytearray(b"abc"), 512, "rgb")
    assert key != sha256_key(b"abc", 256, "rgb")
    assert key != sha256_key(b"abd", 512, "rgb")
    assert sha256_key(b"ab", "c") != sha256_key(b"a", "bc")
    assert sha256_key(b"x") != sha256_key(b"x", None)


def test_constants():
    assert ALLOWED_FORMATS == ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
    assert set(UPLOAD_EXTENSIONS) == {"png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"}
    assert (MAX_PIXELS, MAX_BYTES) == (40_000_000, 20 * 1024 * 1024)
    assert WORKING_SIZES == (128, 256, 512, 1024, None)
    assert COLOR_MODES == ("rgb", "gray", "red", "green", "blue")
    registered = {ext.lstrip("."): fmt for ext, fmt in Image.registered_extensions().items()}
    assert {registered[ext] for ext in UPLOAD_EXTENSIONS} == set(ALLOWED_FORMATS)


@pytest.mark.parametrize("shape", [(900, 1300), (1300, 900), (700, 700), (513, 2)])
def test_shrink_planes_shrinks_each_plane_as_the_working_size_shrinks_the_photo(shape):
    from poolinglab.intake.planes import shrink_planes, to_planes, working_image

    pixels = np.random.default_rng(sum(shape)).integers(0, 256, (*shape, 3), dtype=np.uint8)
    shrunk = working_image(pixels, 512)
    copy = shrink_planes(to_planes(pixels), 512)
    np.testing.assert_array_equal(copy, to_planes(shrunk))  # Pillow resamples each channel on its own
    grey = shrink_planes(to_planes(pixels, "gray"), 512)
    # Luma of the shrunk photo, against the shrunk luma: close (Lanczos clips each channel at 0 and 255 first).
    gap = np.abs(grey.astype(int) - to_planes(shrunk, "gray"))
    assert gap.mean() < 1
    assert copy.shape[1:] == grey.shape[1:] == shrunk.shape[:2] and max(copy.shape[1:]) == 512
    assert not copy.flags.writeable and not grey.flags.writeable


def test_shrink_planes_leaves_small_planes_alone_and_refuses_floats():
    from poolinglab.intake.planes import shrink_planes

    small = np.zeros((1, 20, 30), np.uint8)
    assert shrink_planes(small, 512) is small
    with pytest.raises(ValueError, match="uint8"):
        shrink_planes(np.zeros((1, 600, 600)), 512)
