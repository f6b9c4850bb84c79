"""pooling.conv against live PyTorch, run only where torch is installed (test_conv.py replays recordings)."""

import numpy as np
import pytest

from pooling.conv import conv2d, relu

torch = pytest.importorskip("torch", reason="torch is not installed; it is optional (test_conv.py replays it)",
                            exc_type=ImportError)


@pytest.mark.parametrize("seed", range(40))
def test_conv2d_and_relu_match_torch(seed):
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 2, 4]))
    c, f = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    kh, kw = (int(v) for v in rng.integers(1, 6, size=2))
    stride, dilation = tuple(int(v) for v in rng.integers(1, 4, size=2)), tuple(int(v) for v in rng.integers(1, 3, 2))
    padding = "same" if rng.random() < 0.2 else tuple(int(v) for v in rng.integers(0, 4, size=2))
    if padding == "same":
        stride = (1, 1)
    x = rng.normal(size=(c, int(rng.integers(12, 40)), int(rng.integers(12, 40))))
    w, b = rng.normal(size=(f, c // groups, kh, kw)), rng.normal(size=f)
    expected = torch.relu(torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                                                     stride=stride, padding=padding, dilation=dilation,
                                                     groups=groups)).numpy()
    out = relu(conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups))
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)
