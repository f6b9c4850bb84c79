"""Sample images: the photos in assets/ and the generated teaching patterns."""

import numpy as np
import pytest
from PIL import Image

from pooling import pool2d
from pooling.images import LoadedImage, to_planes
from pooling.samples import (
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
    assert np.flatnonzero(planes).tolist() == [101 * 256 + 150]
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
