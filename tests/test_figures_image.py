"""image_figure: photos travel as a lossless image inside the figure, and come back exact."""

import numpy as np
import plotly.graph_objects as go
import pytest
from helpers import hypothesis_settings, image_pixels
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from figures import image_figure, palette
from figures.image import _as_display_array, photo_pixels, scaled_pixels
from figures.maps import pixels_uri


def decoded(fig):
    """The pixels of the figure's embedded image."""
    return image_pixels(fig.data[0])


def gradient(h, w):
    return (np.add.outer(np.arange(h), np.arange(w)) % 256).astype(np.uint8)


def test_rgb_planes_are_shown_losslessly_as_one_image():
    planes = np.stack([gradient(5, 7), gradient(5, 7)[::-1], np.full((5, 7), 9, np.uint8)])
    fig = image_figure(planes)
    assert len(fig.data) == 1 and fig.data[0].type == "image"
    np.testing.assert_array_equal(decoded(fig)[..., :3], np.moveaxis(planes, 0, -1))


def test_height_width_channel_rgb_is_accepted_too():
    rgb = np.moveaxis(np.stack([gradient(4, 6)] * 3), 0, -1)
    np.testing.assert_array_equal(decoded(image_figure(rgb))[..., :3], rgb)


def test_one_grey_plane():
    plane = gradient(6, 5)
    out = decoded(image_figure(plane[None]))
    assert out.shape[:2] == (6, 5)
    np.testing.assert_array_equal(out if out.ndim == 2 else out[..., 0], plane)


def test_float_plane_is_stretched_to_the_full_range():
    out = decoded(image_figure(np.linspace(-1.0, 3.0, 20).reshape(4, 5)))
    grey = out if out.ndim == 2 else out[..., 0]
    assert (grey.min(), grey.max()) == (0, 255)


def test_float_rgb_keeps_its_channel_balance():
    planes = np.stack([np.zeros((2, 2)), np.full((2, 2), 0.5), np.ones((2, 2))])
    out = decoded(image_figure(planes))
    assert out[0, 0, :3].tolist() == [0, 128, 255]


def test_hover_gives_row_and_column_and_nothing_else():
    fig = image_figure(gradient(3, 3))
    assert fig.data[0].hovertemplate == "row %{y}, col %{x}<extra></extra>"


def test_title():
    assert image_figure(gradient(3, 3), title="Photo").layout.title.text == "Photo"


def test_a_photo_costs_kilobytes_not_megabytes():
    yy, xx = np.mgrid[0:512, 0:512]
    photo = np.stack([(xx // 2) % 256, (yy // 2) % 256, ((xx + yy) // 4) % 256]).astype(np.uint8)
    assert len(image_figure(photo).to_json()) < 200_000


@pytest.mark.parametrize("shape", [(5,), (2, 4, 4), (4, 4, 4), (1, 2, 3, 4), (0, 0)])
def test_other_shapes_are_refused(shape):
    with pytest.raises(ValueError, match="image must be"):
        image_figure(np.zeros(shape, np.uint8))


def test_uint8_on_the_0_to_255_scale_is_shown_as_its_own_pixels():
    planes = np.random.default_rng(5).integers(0, 256, (3, 6, 7), dtype=np.uint8)
    np.testing.assert_array_equal(decoded(image_figure(planes, value_range=(0, 255)))[..., :3],
                                  np.moveaxis(planes, 0, -1))
    half = decoded(image_figure(planes, value_range=(0, 510)))[..., :3]  # another scale still scales
    np.testing.assert_array_equal(half, np.rint(np.moveaxis(planes, 0, -1) / 2).astype(np.uint8))


@pytest.mark.parametrize("image, options", [
    (np.arange(60, dtype=np.uint8).reshape(3, 4, 5), {"title": "Max"}),
    (np.arange(20, dtype=np.uint8).reshape(4, 5), {}),
    (np.linspace(-1.0, 3.0, 3 * 30 * 20).reshape(3, 30, 20), {"title": "Lp", "value_range": (0, 2), "max_side": 8}),
    (np.linspace(-3, 9, 60, dtype=np.float32).reshape(3, 4, 5), {"value_range": (0, 255)}),
    (np.arange(24.0).reshape(1, 4, 6), {"value_range": (0, 23)})])
def test_image_figure_built_unvalidated_is_the_validated_figure(image, options):
    """Built as one dict without plotly's checks: it must be what the checked build gives, property by property."""
    fig = image_figure(image, **options)
    title = options.get("title")
    checked = go.Figure(go.Image(source=pixels_uri(_as_display_array(image, options.get("value_range"),
                                                                     options.get("max_side"))),
                                 hovertemplate="row %{y}, col %{x}<extra></extra>"), layout={
        "title": {"text": title} if title else None,
        "xaxis": {"showticklabels": False, "ticks": ""}, "yaxis": {"showticklabels": False, "ticks": ""},
        "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
        "margin": {"l": 10, "r": 10, "t": 50 if title else 10, "b": 10}})
    assert fig.to_dict() == checked.to_dict()


def plain_scaled_pixels(values, lo, hi):
    """The obvious formula, one expression: what scaled_pixels computes in place."""
    a = np.asarray(values)
    a = a if a.dtype.kind == "f" else a.astype(np.float64)
    span = hi - lo if hi > lo else 1.0
    with np.errstate(all="ignore"):  # inf - inf and the like: both sides see the same
        return np.clip(np.rint((np.nan_to_num(a, nan=lo) - lo) * (255.0 / span)), 0, 255).astype(np.uint8)


@hypothesis_settings(max_examples=300)
@given(values=hnp.arrays(st.sampled_from([np.float64, np.float32, np.uint8, np.int16]), hnp.array_shapes(max_dims=3),
                         elements={"allow_nan": True, "allow_infinity": True}),
       lo=st.floats(-300, 300), width=st.floats(0, 600))
def test_scaled_pixels_equal_the_plain_formula(values, lo, width):
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(scaled_pixels(values, lo, lo + width),
                                      plain_scaled_pixels(values, lo, lo + width))


def test_photo_pixels_are_scaled_pixels_in_pixel_order():
    planes = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4)[[0, 1, 0]]
    np.testing.assert_array_equal(photo_pixels(planes, 0, 23), scaled_pixels(np.moveaxis(planes, 0, -1), 0, 23))
    assert photo_pixels(planes[:1], 0, 23).shape == (3, 4)
