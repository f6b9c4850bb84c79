"""sweep_gif: an animated GIF that Pillow reads back with one frame per step."""

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

import pooling
from figures import palette, sweep_gif


def swept(x, mode="max", kernel=2, **kw):
    return pooling.sweep_steps(pooling.pool2d(x, mode, kernel, **kw)), x


def opened(data):
    im = Image.open(io.BytesIO(data))
    assert im.format == "GIF"
    return im


@pytest.fixture(scope="module")
def small():
    return swept(10 * np.arange(4)[:, None] + np.arange(6)[None, :])


def test_one_frame_per_step_at_slide_size_looping_forever(small):
    s, x = small
    im = opened(sweep_gif(s, x))
    assert im.n_frames == len(s)
    assert im.size == (960, 540)
    assert im.info["loop"] == 0


def test_frames_last_frame_ms_and_the_last_is_held(small):
    s, x = small
    im = opened(sweep_gif(s, x, frame_ms=500))
    durations = [frame.info["duration"] for frame in ImageSequence.Iterator(im)]
    assert durations[:-1] == [500] * (len(s) - 1)
    assert durations[-1] == 1500


def test_custom_size(small):
    s, x = small
    assert opened(sweep_gif(s, x, width=640, height=360)).size == (640, 360)


def test_every_frame_differs_from_the_one_before(small):
    s, x = small
    frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(opened(sweep_gif(s, x)))]
    assert all((a != b).any() for a, b in zip(frames, frames[1:]))


def test_one_fixed_palette_with_the_accent_in_it(small):
    s, x = small
    im = opened(sweep_gif(s, x))
    colours = np.asarray(im.getpalette(), dtype=np.uint8).reshape(-1, 3)
    assert list(palette.rgb(palette.ACCENT)) in colours.tolist()


@pytest.mark.parametrize("mode, kw", [("max", {"padding": 1, "stride": 2}), ("avg", {"dilation": 2, "stride": 1}),
                                      ("min", {"ceil_mode": True})])
def test_padding_dilation_and_weights_all_draw(mode, kw):
    x = np.random.default_rng(0).integers(0, 9, (5, 5))
    s, _ = swept(x, mode, 3 if "padding" in kw else 2, **kw)
    assert opened(sweep_gif(s, x, width=480, height=270)).n_frames == len(s)


def test_biggest_sweep_has_225_frames():
    x = np.random.default_rng(0).integers(0, 256, (16, 16)).astype(np.uint8)
    s, _ = swept(x, "max", 2, stride=1)
    im = opened(sweep_gif(s, x))
    assert im.n_frames == 225 and im.size == (960, 540)


def test_bad_arguments_are_refused(small):
    s, x = small
    with pytest.raises(ValueError, match="plane must be the 2-D"):
        sweep_gif(s, x[None])
    with pytest.raises(ValueError, match=r"width x height \(100x50\) must be at least 160x90"):
        sweep_gif(s, x, width=100, height=50)
    with pytest.raises(TypeError, match="sweep must be a Sweep"):
        sweep_gif(x, x)
