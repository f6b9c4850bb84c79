"""The Feature maps stage in words and code: chained sizes, and PyTorch code that gives the core's numbers."""

import numpy as np
import pytest

from pooling import pool2d
from pooling.analysis.features import feature_stage, unit_scale
from pooling.conv import stage_weights
from poolinglab.filters import BANK
from poolinglab.layer_code import stage_code, stage_sizes
from poolinglab.settings import PoolSettings, pool_options

KERNELS = [BANK["sobel-v"].weights, BANK["gabor-45"].weights]
LABELS = ["Sobel vertical edges", "Gabor 45°"]


def photo(h=23, w=31):
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, (3, h, w)).astype(np.uint8)


def test_sizes_chain_the_convolution_and_the_pooling():
    assert stage_sizes((23, 31), 5, PoolSettings(kernel=(3, 2), stride=2)) == [
        ("photo", (23, 31)), ("conv 5 × 5 (no padding, stride 1)", (19, 27)), ("max pool 3 × 2, stride 2", (9, 13))]
    # A layer that cannot pool the feature map: the chain stops at the convolution.
    assert len(stage_sizes((6, 6), 5, PoolSettings(kernel=(3, 3)))) == 2
    assert len(stage_sizes((4, 4), 5, PoolSettings())) == 2


def test_the_code_carries_the_weights_exactly():
    code = stage_code(stage_weights(KERNELS, 1)[:, 0], LABELS, -0.05, 3, PoolSettings(), (23, 31))
    assert "nn.Conv2d(3, 2, kernel_size=5, bias=True, dtype=torch.float64)" in code
    assert "conv.bias.fill_(-0.05)  # responses below 0.05 become 0 after the ReLU" in code
    assert "# Sobel vertical edges, Gabor 45°" in code
    assert repr(float(BANK["gabor-45"].weights[0, 0])) in code
    assert code.splitlines()[-1] == ("y = nn.MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
                                     "ceil_mode=False)(x)")
    stochastic = stage_code(stage_weights(KERNELS, 1)[:, 0], LABELS, 0.0, 3, PoolSettings(mode="stochastic"), (9, 9))
    assert stochastic.splitlines()[-1].startswith("# PyTorch has no stochastic pooling layer")


SETTINGS = [
    PoolSettings(),
    PoolSettings(mode="avg", kernel=(3, 3), stride=2, padding=1),
    PoolSettings(mode="avg", kernel=(2, 3), stride=1, ceil_mode=True, count_include_pad=False),
    PoolSettings(mode="max", kernel=(3, 2), stride=3, dilation=2),
    PoolSettings(mode="max", kernel=(3, 3), stride=2, padding="same"),
    PoolSettings(mode="min", kernel=(2, 2), stride=2),
    PoolSettings(mode="mixed", kernel=(2, 2), stride=2, alpha=0.25),
]


@pytest.mark.parametrize("settings", SETTINGS, ids=[f"{s.mode}-{s.kernel}-{s.padding}" for s in SETTINGS])
def test_the_code_runs_in_torch_and_gives_the_cores_numbers(settings):
    torch = pytest.importorskip("torch", reason="torch is optional; this runs the page's code when it is there",
                                exc_type=ImportError)
    planes = photo()
    code = stage_code(stage_weights(KERNELS, 1)[:, 0], LABELS, -0.05, 3, settings, planes.shape[1:])
    scope = {"x": torch.from_numpy(unit_scale(planes))[None]}
    exec(code, scope)  # noqa: S102 - the code the page shows, run as a student would
    got = scope["y"].detach().numpy()[0]
    options = pool_options(settings, mode=settings.mode)
    stage = feature_stage(planes, KERNELS, -0.05, threshold=0.2, max_args=pool_options(settings, mode="max"),
                          avg_args=pool_options(settings, mode="avg"))
    if settings.padding != "same":  # with "same" the code pads x itself before pooling
        np.testing.assert_allclose(scope["x"].detach().numpy()[0], stage.maps, rtol=1e-12, atol=1e-12)
    expected = pool2d(stage.maps, settings.mode, **options).values
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
