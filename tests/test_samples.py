"""Sample images: the photos in assets/ and the generated teaching patterns."""

import numpy as np
import pytest
from PIL import Image

from pooling import pool2d
from poolinglab.intake.images import LoadedImage, to_planes
from poolinglab.intake.samples import (
    ASSETS_DIR,
    SAMPLE_NAMES,
    SAMPLE_NOTES,
    bright_dot,
    checkerboard,
    edges,
    load_sample,
    stripes,
    text,
)

PHOTOS = ("Astronaut", "Photographer", "Coffee")
PATTERNS = {"Checkerboard": checkerboard, "Edges": edges, "Text": text, "Bright dot": bright_dot, "Stripes": stripes}


def test_names_and_notes():
    assert SAMPLE_NAMES == PHOTOS + tuple(PATTERNS)
    assert set(SAMPLE_NOTES) == set(SAMPLE_NAMES)
    for note in SAMPLE_NOTES.values():
        assert note.endswith(".") and "\n" not in note and len(note) < 130


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_loads_as_read_only_rgb(name):
    sample = load_sample(name)
    assert isinstance(sample, LoadedImage)
    pixels = sample.pixels
    assert pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 3
    assert not pixels.flags.writeable
    assert max(pixels.shape[:2]) <= 512 and sample.original_size == pixels.shape[1::-1]
    assert pixels.min() < 64 and pixels.max() > 192, "every sample has real contrast"
    assert load_sample(name) is sample


@pytest.mark.parametrize("name", PHOTOS)
def test_photos_come_from_assets(name):
    sample = load_sample(name)
    assert sample.format == "JPEG" and sample.notes == ()
    assert 300 <= min(sample.original_size) and max(sample.original_size) == 512


def test_assets_are_small_and_documented():
    readme = (ASSETS_DIR / "README.md").read_text()
    for name in ("astronaut.jpg", "camera.jpg", "coffee.jpg"):
        path = ASSETS_DIR / name
        assert path.stat().st_size < 150_000
        with Image.open(path) as image:
            assert image.format == "JPEG" and max(image.size) <= 512
        assert f"`{name}`" in readme
    assert readme.count("CC0") >= 2 and "Public domain" in readme


@pytest.mark.parametrize("name", PATTERNS)
def test_patterns_are_deterministic(name):
    sample = load_sample(name)
    assert sample.format == "generated" and sample.original_size == (256, 256) and sample.notes == ()
    np.testing.assert_array_equal(PATTERNS[name](), sample.pixels)
    np.testing.assert_array_equal(PATTERNS[name](), PATTERNS[name]())


def test_grey_patterns_have_equal_channels():
    for make in (checkerboard, text, bright_dot, stripes):
        pixels = make()
        assert (pixels == pixels[..., :1]).all()


def test_checkerboard_squares():
    plane = checkerboard()[..., 0]
    assert set(np.unique(plane)) == {0, 255}
    blocks = plane.reshape(8, 32, 8, 32)
    assert (blocks == blocks[:, :1, :, :1]).all(), "each 32 x 32 square is one colour"
    np.testing.assert_array_equal(blocks[:, 0, :, 0], 255 * (np.add.outer(np.arange(8), np.arange(8)) % 2))


def test_edges_have_their_colours():
    colours = {tuple(c) for c in edges().reshape(-1, 3).tolist()}
    assert {(40, 40, 40), (100, 100, 100), (230, 60, 50), (60, 110, 230), (70, 200, 90), (255, 255, 255)} == colours


def test_text_is_dark_on_white_in_4px_blocks():
    plane = text()[..., 0]
    blocks = plane.reshape(64, 4, 64, 4)
    assert (blocks == blocks[:, :1, :, :1]).all(), "letters enlarged 4x without smoothing"
    assert set(np.unique(plane)) <= {0, 255}
    assert 0.03 < (plane == 0).mean() < 0.3


def test_bright_dot_survives_max_and_fades_under_average():
    planes = to_planes(bright_dot(), "gray")
    assert np.flatnonzero(planes).tolist() == [101 * 256 + 151]
    maxed = pool2d(planes, "max", 2)
    assert maxed.values.max() == 255 and (maxed.values > 0).sum() == 1
    assert pool2d(planes, "avg", 2).values.max() == 255 / 4


def test_stripes_alias_under_stride_2():
    planes = to_planes(stripes())
    assert planes[0, 0, :6].tolist() == [255, 0, 255, 0, 255, 0]
    assert (planes == planes[:, :1]).all(), "vertical stripes"
    max_pooled = pool2d(planes, "max", 2).values
    assert max_pooled.shape == (3, 128, 128) and (max_pooled == 255).all()
    assert (pool2d(planes, "avg", 2).values == 127.5).all()
    assert (pool2d(planes, "min", 2).values == 0).all()
    assert (pool2d(planes, "max", 1, stride=2).values == 255).all(), "stride-2 sampling keeps only white"


def test_unknown_sample():
    with pytest.raises(ValueError, match=r"name \('Lena'\) is not a sample; choose one of 'Astronaut', "):
        load_sample("Lena")


# The notes under the sample picker, checked on the pixels at the layer each names (2 x 2, stride 2 by default).


def dark_share(plane):
    return round(100 * float((plane == 0).mean()), 2)


def rounds(plane, mode, n, kernel=2):
    out, x = [], plane[None].astype(np.float64)
    for _ in range(n):
        x = pool2d(x, mode, kernel, stride=2).values
        out.append(dark_share(x))
    return out


def test_text_note_two_exact_rounds_then_max_erases_and_min_thickens():
    plane = text()[..., 0]
    assert dark_share(plane) == 9.35
    assert rounds(plane, "max", 3) == [9.35, 9.35, 2.05]
    assert rounds(plane, "min", 3)[:2] == [9.35, 9.35] and rounds(plane, "min", 3)[2] > 9.35
    assert rounds(plane, "max", 1, kernel=3)[0] < 9.35 < rounds(plane, "min", 1, kernel=3)[0]
    assert "two rounds of 2 × 2, stride 2 max or min copy them exactly" in SAMPLE_NOTES["Text"]


def test_checkerboard_note_exact_at_2x2_grey_and_ties_at_3x3():
    plane = checkerboard()[..., 0][None].astype(np.float64)
    for mode in ("max", "min", "avg"):
        assert np.array_equal(pool2d(plane, mode, 2).values, plane[:, ::2, ::2])
    avg3 = pool2d(plane, "avg", 3, stride=2).values
    assert ((avg3 > 0) & (avg3 < 255)).any()
    windows = pool2d(plane, "max", 3, stride=2)
    assert (windows.values == 255).any()  # a window holding both colours: several white cells tie for the max
    assert "no window crosses an edge" in SAMPLE_NOTES["Checkerboard"]


def test_edges_note_only_slanted_and_curved_edges_straddle_a_2x2_window():
    pixels = edges().astype(np.float64).transpose(2, 0, 1)
    mixed = pool2d(pixels, "max", 2).values != pool2d(pixels, "min", 2).values
    rows, cols = np.nonzero(mixed.any(axis=0))
    assert len(rows) > 0
    # Straight edges sit on even rows and columns: no 2 x 2 window crosses them; the cells that mix are on the
    # disc (centre (80, 184), radius 44) or the slanted side of the triangle (cols - 24 = rows - 140).
    on_disc = np.abs(np.hypot(2 * rows + 0.5 - 80, 2 * cols + 0.5 - 184) - 44) < 2
    on_slant = np.abs((2 * cols - 24) - (2 * rows - 140)) <= 2
    assert (on_disc | on_slant).all()
    assert (pool2d(pixels, "max", 3, stride=2).values != pool2d(pixels, "min", 3, stride=2).values).sum() > mixed.sum()


def test_bright_dot_note_one_pixel_shift_takes_it_to_the_next_window():
    plane = to_planes(bright_dot(), "gray")
    before = pool2d(plane, "max", 2).values
    after = pool2d(np.roll(plane, 1, axis=2), "max", 2).values
    assert np.flatnonzero(before).tolist() != np.flatnonzero(after).tolist()
    assert "row 101, column 151" in SAMPLE_NOTES["Bright dot"] and "dims it to a quarter" in SAMPLE_NOTES["Bright dot"]


def test_photographer_note_makes_no_claim_the_photo_refutes():
    # An outside review found "max pooling erases its legs": the tripod's legs are bright metal and stay visible.
    assert "erases" not in SAMPLE_NOTES["Photographer"]


def test_patterns_are_never_resampled_so_their_notes_hold_at_every_working_size():
    # An outside review: at a working size of 128 the dot became a smear and the stripes grey.
    from apptest_helpers import open_page, texts

    at = open_page(None, {"source": "sample", "sample": "Bright dot", "size": "128"})
    assert "Image: Bright dot, 256 × 256 (rows × columns), 3 plane(s)" in texts(at)
    assert any("Patterns keep their 256 × 256 pixels" in c.value for c in at.caption)
    at = open_page(None, {"source": "sample", "sample": "Astronaut", "size": "128"})
    assert any(t.startswith("Image: Astronaut, 128 × 128") for t in texts(at))
