"""Tests of ``pooling.pool_backward``: the gradient each input cell receives.

Hand-derived gradients first, then central finite differences for the smooth
modes (no torch needed), then torch autograd on random cases when torch is
installed (it is not a project dependency).
"""

import math

import numpy as np
import pytest
from helpers import coords, raises

import pooling
from pooling.backward import gradient_sources, upstream_gradient

# --- max and its relatives: everything to the recorded cell ------------------


def test_max_sends_everything_to_the_argmax():
    x = np.array([[1.0, 3.0], [2.0, 0.0]])
    assert pooling.pool_backward(pooling.pool2d(x, "max", 2)).tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_max_scales_by_the_upstream_gradient():
    r = pooling.pool2d(coords(4, 4, np.float64), "max", 2)
    grad = pooling.pool_backward(r, [[1.0, 2.0], [3.0, 4.0]])
    expected = np.zeros((4, 4))
    expected[1, 1], expected[1, 3], expected[3, 1], expected[3, 3] = 1, 2, 3, 4
    np.testing.assert_array_equal(grad, expected)
    assert grad.dtype == np.float64


def test_max_ties_send_everything_to_the_first_cell():
    grad = pooling.pool_backward(pooling.pool2d(np.full((4, 4), 5.0), "max", 2), [[1.0, 2.0], [3.0, 4.0]])
    assert grad.tolist() == [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]


def test_max_with_overlapping_windows_accumulates():
    x = np.zeros((3, 3))
    x[1, 1] = 1.0
    grad = pooling.pool_backward(pooling.pool2d(x, "max", 2, stride=1), [[1.0, 2.0], [3.0, 4.0]])
    assert grad.tolist() == [[0, 0, 0], [0, 10, 0], [0, 0, 0]]


def test_max_with_padding_never_routes_to_padding():
    grad = pooling.pool_backward(pooling.pool2d(-coords(3, 3, np.float64) - 1, "max", 3, stride=2, padding=1))
    # Windows span rows/cols -1..1 and 1..3; the input decreases, so each max is the
    # window's first in-bounds cell: (0, 0), (0, 1), (1, 0), (1, 1). Padding (-inf) never wins.
    assert grad.tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]


@pytest.mark.parametrize(
    "result",
    [
        pooling.pool2d(np.arange(36.0).reshape(6, 6), "min", 3, stride=2),
        pooling.pool2d(np.arange(36.0).reshape(6, 6), "stochastic", 2, rng=0),
        pooling.adaptive_pool2d(np.arange(36.0).reshape(6, 6), "max", 4),
        pooling.fractional_max_pool2d(np.arange(36.0).reshape(6, 6), 2, output_size=4, samples=[[0.2, 0.6]]),
    ],
    ids=["min", "stochastic-train", "adaptive-max", "fractional"],
)
def test_selecting_modes_route_to_their_indices(result):
    grad_output = np.arange(1.0, result.values.size + 1).reshape(result.values.shape)
    grad = pooling.pool_backward(result, grad_output)
    expected = np.zeros(36)
    np.add.at(expected, result.indices.ravel(), grad_output.ravel())
    np.testing.assert_array_equal(grad, expected.reshape(6, 6))


def test_three_d_channels_are_independent():
    x = np.stack([coords(2, 2, np.float64), -coords(2, 2, np.float64)])
    grad = pooling.pool_backward(pooling.pool2d(x, "max", 2), [[[2.0]], [[3.0]]])
    assert grad.tolist() == [[[0, 0], [0, 2]], [[3, 0], [0, 0]]]


# --- avg: 1 / divisor to every counted cell; the padding share is dropped -------


def test_avg_spreads_evenly():
    r = pooling.pool2d(coords(2, 2, np.float64), "avg", 2)
    assert pooling.pool_backward(r).tolist() == [[0.25, 0.25], [0.25, 0.25]]


def test_avg_with_padding_counted_drops_the_padding_share():
    # 2x2 windows at stride 1 with padding 1 on a 2x2 input: 9 windows of divisor 4, each cell in 4 windows.
    r = pooling.pool2d(coords(2, 2, np.float64), "avg", 2, stride=1, padding=1)
    grad = pooling.pool_backward(r)
    assert grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert grad.sum() == 4.0 < r.values.size  # 9 outputs, but 5/9 of their weight fell on padding


def test_avg_without_counting_padding():
    # Corner windows hold 1 cell, edge windows 2, the centre 4: cell (0, 0) gets 1 + 1/2 + 1/2 + 1/4.
    r = pooling.pool2d(coords(2, 2, np.float64), "avg", 2, stride=1, padding=1, count_include_pad=False)
    assert pooling.pool_backward(r).tolist() == [[2.25, 2.25], [2.25, 2.25]]


def test_avg_under_ceil_mode_does_not_count_the_overhang():
    # 3x3 input, k = s = 2, ceil_mode: the right and bottom windows hang over by one; divisors 4, 2, 2, 1.
    grad = pooling.pool_backward(pooling.pool2d(coords(3, 3, np.float64), "avg", 2, ceil_mode=True))
    assert grad.tolist() == [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]]


def test_avg_with_divisor_override():
    r = pooling.pool2d(coords(4, 4, np.float64), "avg", 2, divisor_override=1)
    grad = pooling.pool_backward(r, [[1, 2], [3, 4]])
    assert grad.tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]


def test_adaptive_avg_divides_by_each_window_size():
    # 3 cells into 2: windows 0..1 and 1..2, so the middle cell gets 1/2 from each.
    grad = pooling.pool_backward(pooling.adaptive_pool2d(np.ones((1, 3)), "avg", (1, 2)))
    assert grad.tolist() == [[0.5, 1.0, 0.5]]


# --- mixed, lp, stochastic (eval) ------------------------------------------------


def test_mixed_splits_between_the_max_and_avg_routes():
    x = np.array([[1.0, 3.0], [2.0, 0.0]])
    grad = pooling.pool_backward(pooling.pool2d(x, "mixed", 2, alpha=0.25))
    # alpha to the max cell plus (1 - alpha) / 4 to every cell.
    assert grad.tolist() == [[0.1875, 0.4375], [0.1875, 0.1875]]


def test_lp_p2_is_x_over_y():
    x = np.array([[3.0, -4.0], [0.0, 0.0]])
    grad = pooling.pool_backward(pooling.pool2d(x, "lp", 2))  # y = 5
    np.testing.assert_allclose(grad, [[0.6, -0.8], [0.0, 0.0]], rtol=1e-15)


def test_lp_p3():
    x = np.array([[3.0, -4.0], [1.0, 0.0]])
    y = 92 ** (1 / 3)  # (27 + 64 + 1) ** (1 / 3)
    grad = pooling.pool_backward(pooling.pool2d(x, "lp", 2, p=3))
    np.testing.assert_allclose(grad, [[9 / y**2, -16 / y**2], [1 / y**2, 0.0]], rtol=1e-12)


def test_lp_infinity_sends_the_sign_to_the_largest_magnitude():
    x = np.array([[-5.0, 3.0], [1.0, 0.0], [2.0, 4.0], [0.0, -1.0]])
    grad = pooling.pool_backward(pooling.pool2d(x, "lp", 2, p=np.inf), [[2.0], [3.0]])
    assert grad.tolist() == [[-2, 0], [0, 0], [0, 3], [0, 0]]


def test_lp_of_an_all_zero_window_has_zero_gradient():
    x = np.zeros((2, 4))
    x[:, 2:] = [[1.0, 2.0], [2.0, 4.0]]
    grad = pooling.pool_backward(pooling.pool2d(x, "lp", 2))
    assert np.isfinite(grad).all()
    assert (grad[:, :2] == 0).all()
    np.testing.assert_allclose(grad[:, 2:], x[:, 2:] / 5.0)


def test_lp_at_large_p_on_large_cells_is_the_true_derivative():
    # 2e5 ** 63 overflows float64; the derivative (|x| / y) ** (p - 1) is at most 1 and, here, nearly one-hot.
    x = np.array([[2e5, -1e5], [0.0, 3.0]])
    grad = pooling.pool_backward(pooling.pool2d(x, "lp", 2, p=64))
    y = 2e5 * (1 + 0.5**64) ** (1 / 64)
    np.testing.assert_allclose(grad, [[(2e5 / y) ** 63, -((1e5 / y) ** 63)], [0.0, (3 / y) ** 63]], rtol=1e-12)


def test_lp_below_p_one_gives_a_zero_cell_no_gradient_and_a_subnormal_cell_a_finite_one():
    # At p < 1, |x| ** (p - 1) is inf at 0: the formula would read 0 * inf = NaN there.
    x = np.array([[0.0, 4.0], [5e-324, 1.0]])
    grad = pooling.pool_backward(pooling.pool2d(x, "lp", 2, p=0.5))
    y = (2 + np.sqrt(5e-324) + 1) ** 2
    np.testing.assert_allclose(grad, [[0.0, np.sqrt(y / 4)], [np.sqrt(y) / np.sqrt(5e-324), np.sqrt(y)]], rtol=1e-12)
    huge = pooling.pool_backward(pooling.pool2d(np.array([[5e-324, 1e30]]), "lp", (1, 2), p=0.5))
    np.testing.assert_allclose(huge, [[(1e15 + np.sqrt(5e-324)) / np.sqrt(5e-324), 1.0]], rtol=1e-9)


def test_stochastic_eval_derivative_on_subnormal_cells_is_finite():
    # S^2 of subnormal cells underflows to 0; the same derivative in shares of S, 2 r_i - sum r^2, does not.
    x = np.array([[1e-320, 0.0], [5e-324, 1e-310]])
    grad = pooling.pool_backward(pooling.pool2d(x, "stochastic", 2, train=False))
    r = x / x.sum()
    np.testing.assert_allclose(grad, 2 * r - (r**2).sum(), rtol=1e-9)


def test_stochastic_eval_derivative_by_hand():
    # value = Q / S with S = 6, Q = 14; d/da_i = (2 a_i S - Q) / S^2.
    x = np.array([[1.0, 2.0], [3.0, 0.0]])
    grad = pooling.pool_backward(pooling.pool2d(x, "stochastic", 2, train=False))
    np.testing.assert_allclose(grad, [[-2 / 36, 10 / 36], [22 / 36, -14 / 36]], rtol=1e-15)


def test_stochastic_eval_of_an_all_zero_window_has_zero_gradient():
    grad = pooling.pool_backward(pooling.pool2d(np.zeros((2, 2)), "stochastic", 2, train=False))
    assert grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]


# --- finite differences (no torch) -------------------------------------------------


def numeric_gradient(f, x, grad_output, eps=1e-6):
    """Central differences of ``sum(grad_output * f(x))``, cell by cell."""
    out = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += eps
        down[index] -= eps
        out[index] = np.sum(grad_output * (f(up) - f(down))) / (2 * eps)
    return out


@pytest.mark.parametrize(
    ("mode", "options", "geometry"),
    [
        ("avg", {}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        ("avg", {"count_include_pad": False}, {"kernel_size": 2, "stride": 1, "padding": 1}),
        ("lp", {"p": 2}, {"kernel_size": 2, "stride": 1}),
        ("lp", {"p": 3}, {"kernel_size": (2, 3), "stride": 2, "padding": 1}),
        ("lp", {"p": 1.5}, {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
        ("stochastic", {"train": False}, {"kernel_size": 2, "stride": 1}),
        ("stochastic", {"train": False}, {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("mixed", {"alpha": 0.3}, {"kernel_size": 2, "stride": 1}),
    ],
)
def test_smooth_modes_match_finite_differences(mode, options, geometry):
    rng = np.random.default_rng(11)
    x = rng.uniform(0.5, 2.0, size=(2, 5, 6))  # positive and tie-free: every mode is smooth here
    if mode == "lp":
        x *= rng.choice([-1.0, 1.0], size=x.shape)
    r = pooling.pool2d(x, mode, **geometry, **options)
    grad_output = rng.standard_normal(r.values.shape)
    expected = numeric_gradient(lambda v: pooling.pool2d(v, mode, **geometry, **options).values, x, grad_output)
    np.testing.assert_allclose(pooling.pool_backward(r, grad_output), expected, rtol=1e-6, atol=1e-7)


def test_gradient_mass_is_conserved_without_padding():
    x = np.random.default_rng(2).standard_normal((3, 6, 8))
    grad_output = np.random.default_rng(3).standard_normal((3, 3, 4))
    for mode in ("max", "min", "avg", "mixed"):
        grad = pooling.pool_backward(pooling.pool2d(x, mode, 2), grad_output)
        np.testing.assert_allclose(grad.sum(axis=(1, 2)), grad_output.sum(axis=(1, 2)), rtol=1e-12)


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3,), (2, 3), (1, 2, 2)])
def test_grad_output_of_the_wrong_shape(shape):
    r = pooling.pool2d(coords(4, 4, np.float64), "max", 2)
    with raises(ValueError, f"grad_output has shape {shape}; it must match the output's (2, 2)"):
        pooling.pool_backward(r, np.ones(shape))


# --- torch autograd -------------------------------------------------------------------


def torch_grad(torch, forward, x, grad_output):
    """Autograd of ``forward`` at ``x`` (C, H, W) for ``grad_output``; float64."""
    t = torch.tensor(x[None], dtype=torch.float64, requires_grad=True)
    forward(t).backward(torch.from_numpy(grad_output[None]))
    return t.grad[0].numpy()


def random_geometry(rng, h, w):
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    kh, kw = min(kh, h), min(kw, w)
    return {
        "kernel_size": (kh, kw),
        "stride": (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
        "padding": (int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1))),
        "ceil_mode": bool(rng.integers(0, 2)),
    }


def random_cases(n, seed, draw_x):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        h, w = int(rng.integers(2, 9)), int(rng.integers(2, 9))
        x = draw_x(rng, (int(rng.integers(1, 3)), h, w))
        yield rng, x, random_geometry(rng, h, w)


def torch_args(g):
    return g["kernel_size"], g["stride"], g["padding"]


def test_max_and_mixed_match_torch_autograd():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    for rng, x, g in random_cases(40, 1, lambda rng, s: rng.integers(-3, 4, size=s).astype(np.float64)):
        r = pooling.pool2d(x, "max", **g)
        grad_output = rng.standard_normal(r.values.shape)
        expected = torch_grad(torch, lambda t: F.max_pool2d(t, *torch_args(g), ceil_mode=g["ceil_mode"]), x,
                              grad_output)
        np.testing.assert_allclose(pooling.pool_backward(r, grad_output), expected, rtol=1e-12, atol=1e-12)

        alpha = float(rng.uniform())
        r = pooling.pool2d(x, "mixed", **g, alpha=alpha)

        def mixed(t):
            args = torch_args(g)
            return alpha * F.max_pool2d(t, *args, ceil_mode=g["ceil_mode"]) + (1 - alpha) * F.avg_pool2d(
                t, *args, ceil_mode=g["ceil_mode"]
            )

        np.testing.assert_allclose(pooling.pool_backward(r, grad_output), torch_grad(torch, mixed, x, grad_output),
                                   rtol=1e-12, atol=1e-12)


def test_avg_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    for rng, x, g in random_cases(40, 2, lambda rng, s: rng.standard_normal(s)):
        options = {"count_include_pad": bool(rng.integers(0, 2))}
        if rng.integers(0, 4) == 0:
            options["divisor_override"] = int(rng.integers(1, 5))
        r = pooling.pool2d(x, "avg", **g, **options)
        grad_output = rng.standard_normal(r.values.shape)
        expected = torch_grad(
            torch, lambda t: F.avg_pool2d(t, *torch_args(g), ceil_mode=g["ceil_mode"], **options), x, grad_output
        )
        np.testing.assert_allclose(pooling.pool_backward(r, grad_output), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("p", [2, 3, 1.5])
def test_lp_matches_torch_autograd(p):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional

    def draw(rng, shape):
        x = rng.standard_normal(shape)
        x[rng.random(shape) < 0.3] = 0.0  # zeros, and now and then an all-zero window
        return x

    for rng, x, g in random_cases(30, 3, draw):
        r = pooling.pool2d(x, "lp", **g, p=p)
        grad_output = rng.standard_normal(r.values.shape)

        def lp(t):
            power_sum = F.avg_pool2d(t.abs() ** p, *torch_args(g), ceil_mode=g["ceil_mode"], divisor_override=1)
            return power_sum ** (1 / p)

        expected = torch_grad(torch, lp, x, grad_output)
        # Torch's derivative of s ** (1 / p) at s = 0 is inf, and inf * 0 is NaN: skip those cells.
        finite = np.isfinite(expected)
        assert finite.mean() > 0.5
        np.testing.assert_allclose(pooling.pool_backward(r, grad_output)[finite], expected[finite],
                                   rtol=1e-9, atol=1e-12)


def test_stochastic_eval_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    for rng, x, g in random_cases(30, 4, lambda rng, s: rng.uniform(0.1, 3.0, size=s)):
        r = pooling.pool2d(x, "stochastic", **g, train=False)
        grad_output = rng.standard_normal(r.values.shape)

        def stochastic(t):
            args = torch_args(g)
            sums = F.avg_pool2d(t, *args, ceil_mode=g["ceil_mode"], divisor_override=1)
            squares = F.avg_pool2d(t * t, *args, ceil_mode=g["ceil_mode"], divisor_override=1)
            return squares / sums

        expected = torch_grad(torch, stochastic, x, grad_output)
        np.testing.assert_allclose(pooling.pool_backward(r, grad_output), expected, rtol=1e-10, atol=1e-12)


def test_adaptive_and_fractional_match_torch_autograd():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(5)
    for _ in range(20):
        x = rng.integers(-3, 4, size=(2, int(rng.integers(2, 10)), int(rng.integers(2, 10)))).astype(np.float64)
        out = (int(rng.integers(1, 12)), int(rng.integers(1, 12)))
        for mode, forward in (("max", F.adaptive_max_pool2d), ("avg", F.adaptive_avg_pool2d)):
            r = pooling.adaptive_pool2d(x, mode, out)
            grad_output = rng.standard_normal(r.values.shape)
            expected = torch_grad(torch, lambda t: forward(t, out), x, grad_output)
            np.testing.assert_allclose(pooling.pool_backward(r, grad_output), expected, rtol=1e-12, atol=1e-12)
        k = (int(rng.integers(1, x.shape[1] + 1)), int(rng.integers(1, x.shape[2] + 1)))
        out = (int(rng.integers(1, x.shape[1] - k[0] + 2)), int(rng.integers(1, x.shape[2] - k[1] + 2)))
        samples = rng.random((2, 2))
        r = pooling.fractional_max_pool2d(x, k, output_size=out, samples=samples)
        grad_output = rng.standard_normal(r.values.shape)
        expected = torch_grad(
            torch,
            lambda t: F.fractional_max_pool2d(t, k, output_size=out, _random_samples=torch.from_numpy(samples)[None]),
            x, grad_output,
        )
        np.testing.assert_allclose(pooling.pool_backward(r, grad_output), expected, rtol=1e-12, atol=1e-12)


def test_torch_lp_reference_is_sound():
    """The torch expression used above is the Lp pool itself (checked on one window)."""
    torch = pytest.importorskip("torch")
    x = torch.tensor([[[[3.0, -4.0], [0.0, 0.0]]]], dtype=torch.float64)
    value = torch.nn.functional.avg_pool2d(x.abs() ** 2, 2, divisor_override=1) ** 0.5
    assert math.isclose(float(value), 5.0)


# --- gradient_sources: how many outputs send gradient to each cell -----------------


def brute_gradient_sources(result):
    """One backward pass per output with a one-hot upstream gradient: who reaches which cell."""
    counts = np.zeros(result.input.shape, np.int64)
    for o in np.ndindex(result.values.shape):
        one_hot = np.zeros(result.values.shape)
        one_hot[o] = 1.0
        grad = pooling.pool_backward(result, one_hot)
        counts += (grad != 0).reshape(counts.shape)
    return counts[0] if result.squeeze else counts


def test_gradient_sources_of_max_with_overlap_by_hand():
    # 2x2 windows at stride 1 on 10 * i + j: every window's max is its bottom-right cell.
    counts = gradient_sources(pooling.pool2d(coords(3, 3, np.float64), "max", 2, stride=1))
    assert counts.tolist() == [[0, 0, 0], [0, 1, 1], [0, 1, 1]]
    x = np.zeros((3, 3))
    x[1, 1] = 1.0  # the centre is the max of all four windows
    assert gradient_sources(pooling.pool2d(x, "max", 2, stride=1)).tolist() == [[0, 0, 0], [0, 4, 0], [0, 0, 0]]


def test_gradient_sources_of_avg_count_the_windows_over_each_cell():
    counts = gradient_sources(pooling.pool2d(coords(3, 3, np.float64), "avg", 2, stride=1))
    assert counts.tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    assert counts.dtype == np.int64


def test_gradient_sources_without_overlap_are_at_most_one():
    for mode in ("max", "avg", "stochastic"):
        counts = gradient_sources(pooling.pool2d(coords(4, 6, np.float64), mode, 2, rng=0) if mode == "stochastic"
                                  else pooling.pool2d(coords(4, 6, np.float64), mode, 2))
        assert counts.max() == 1, mode


def test_gradient_sources_of_selecting_modes_sum_to_the_outputs():
    x = np.random.default_rng(3).integers(0, 9, size=(2, 7, 7))
    for mode, options in (("max", {}), ("min", {}), ("stochastic", {"rng": 1})):
        r = pooling.pool2d(x, mode, 3, stride=1, padding=1, **options)
        counts = gradient_sources(r)
        assert counts.shape == (2, 7, 7)
        assert counts.sum() == r.values.size, mode


@pytest.mark.parametrize(
    ("mode", "options", "geometry"),
    [
        ("max", {}, {"kernel_size": 3, "stride": 1, "padding": 1}),
        ("max", {}, {"kernel_size": 2, "stride": 1, "dilation": 2}),
        ("avg", {}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        ("avg", {"count_include_pad": False}, {"kernel_size": (2, 3), "stride": 1}),
        ("stochastic", {"rng": 4}, {"kernel_size": 2, "stride": 1}),
        ("stochastic", {"train": False}, {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("lp", {"p": 2}, {"kernel_size": 2, "stride": 1}),
        ("lp", {"p": np.inf}, {"kernel_size": 3, "stride": 1}),
        ("mixed", {"alpha": 0.3}, {"kernel_size": 2, "stride": 1}),
    ],
)
def test_gradient_sources_match_one_hot_backward_passes(mode, options, geometry):
    rng = np.random.default_rng(8)
    x = rng.integers(0, 4, size=(2, 5, 6)).astype(np.float64)  # zeros and ties on purpose
    r = pooling.pool2d(x, mode, **geometry, **options)
    np.testing.assert_array_equal(gradient_sources(r), brute_gradient_sources(r))
    r2 = pooling.pool2d(x[0], mode, **geometry, **options)
    np.testing.assert_array_equal(gradient_sources(r2), brute_gradient_sources(r2))


def test_gradient_sources_needs_a_pool_result():
    with raises(TypeError, "result must be a PoolResult, not ndarray"):
        gradient_sources(np.zeros((2, 2)))


# --- upstream_gradient -----------------------------------------------------------


def test_upstream_gradient_ones():
    g = upstream_gradient((2, 3))
    assert g.tolist() == [[1.0] * 3] * 2 and g.dtype == np.float64


def test_upstream_gradient_random_is_seeded_whole_and_never_zero():
    g = upstream_gradient((16, 16), "random", rng=5)
    np.testing.assert_array_equal(g, upstream_gradient((16, 16), "random", rng=5))
    assert not np.array_equal(g, upstream_gradient((16, 16), "random", rng=6))
    assert set(np.unique(g).tolist()) == {-4.0, -3.0, -2.0, -1.0, 1.0, 2.0, 3.0, 4.0}


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "text"),
    [
        (((2, 2), "zeros"), {}, ValueError, "kind ('zeros') must be one of ones, random"),
        (((2, 2, 2),), {}, ValueError, "shape ((2, 2, 2)) must be a pair (out_h, out_w)"),
        (((0, 2),), {}, ValueError, "shape ((0, 2)) must be at least 1"),
        (((2, 2), "random"), {"rng": "seed"}, TypeError, "rng ('seed') must be None"),
    ],
)
def test_upstream_gradient_errors(args, kwargs, exc, text):
    with raises(exc, text):
        upstream_gradient(*args, **kwargs)
