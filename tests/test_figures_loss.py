"""Tests of ``figures.loss``: the PSNR chart's traces, the dimmed image and coloured map PNGs."""

import io
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest
from helpers import coded_photo, coords, hypothesis_settings, plotly_array, raises
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

import pooling
from figures import palette
from figures.downloads import _mean_error, download_bytes
from figures.loss import crop_figure, dim_discarded, loss_view, loss_views, psnr_chart, psnr_input, survival_crop
from figures.maps import block_mean, color_map, map_figure
from pooling import information_loss


def test_psnr_chart_has_one_line_per_mode_with_its_numbers():
    fig = psnr_chart([2, 3, 4], {"max": [6.5, 5.9, 5.6], "avg": [28.2, 25.0, 23.1]}, labels={"avg": "Average"})
    assert [t.name for t in fig.data] == ["max", "Average"]
    assert fig.data[0].x == (2, 3, 4) and fig.data[1].y == (28.2, 25.0, 23.1)
    assert fig.data[0].line.color == palette.ACCENT
    assert fig.data[0].line.dash != fig.data[1].line.dash and fig.data[0].marker.symbol != fig.data[1].marker.symbol
    assert fig.layout.xaxis.tickvals == (2, 3, 4)
    assert "PSNR" in fig.layout.yaxis.title.text and "stride k" in fig.layout.xaxis.title.text
    assert fig.data[1].hovertemplate.endswith("<extra></extra>")


def test_psnr_chart_leaves_infinite_points_off_and_says_exact():
    fig = psnr_chart([2, 3], {"max": [np.inf, 4.0]})
    assert fig.data[0].y == (None, 4.0)
    assert fig.data[0].customdata[0] == "exact (PSNR infinite)" and fig.data[0].customdata[1] == "4.00 dB"


def test_psnr_chart_refuses_a_line_of_the_wrong_length():
    with raises(ValueError, "psnr['avg'] has shape (1,), expected (2,) like kernels"):
        psnr_chart([2, 3], {"avg": [1.0]})
    with raises(ValueError, "psnr holds 7 modes"):
        psnr_chart([2], {str(i): [1.0] for i in range(7)})


def test_dim_discarded_dims_only_cells_with_no_output():
    planes = np.array([[[200, 100], [40, 255]], [[8, 9], [10, 11]]], np.uint8)
    survival = np.array([[[0, 1], [2, 0]], [[1, 1], [1, 0]]])
    out = dim_discarded(planes, survival)
    assert out.dtype == np.uint8
    assert out.tolist() == [[[50, 100], [40, 64]], [[8, 9], [10, 3]]]
    assert dim_discarded(planes, survival, factor=0.0)[0, 0, 0] == 0


@pytest.mark.parametrize("factor", [0.0, 0.25, 0.3, 0.5, 1.0])
def test_dim_discarded_of_a_photo_rounds_as_the_float_product(factor):
    planes = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    out = dim_discarded(planes, np.zeros(planes.shape, int), factor=factor)
    assert out.tolist() == np.rint(planes * np.float32(factor)).astype(np.uint8).tolist()


def test_dim_discarded_refuses_bad_input():
    with raises(ValueError, "planes (1, 2, 2) and survival (1, 2, 3) must have the same shape"):
        dim_discarded(np.zeros((1, 2, 2), np.uint8), np.zeros((1, 2, 3)))
    with raises(ValueError, "factor (2) must be from 0 to 1"):
        dim_discarded(np.zeros((1, 1, 1), np.uint8), np.zeros((1, 1, 1)), factor=2)


def test_loss_view_holds_the_cores_numbers_and_shrinks_only_the_maps():
    x = np.tile(coded_photo(h=8, w=8), (1, 4, 4))  # 32 x 32
    result = pooling.pool2d(x, "max", 2)
    loss = information_loss(result)
    view = loss_view(result, channel=1, side=16)
    assert (view["mse"], view["psnr"], view["kept"], view["reused"]) == (
        loss.mse, loss.psnr, loss.kept_fraction, loss.reused_fraction)
    assert view["selecting"] and view["picks"] and view["most"] == 1
    np.testing.assert_array_equal(view["survival"], loss.survival[1])  # cell by cell, not shrunk
    np.testing.assert_allclose(view["error"], block_mean(loss.loss_map.mean(axis=0), 16)[0], rtol=1e-6)
    assert view["recon"].shape == view["dimmed"].shape == (3, 16, 16)
    light = loss_view(result, channel=1, side=16, survival=False)  # the reconstruction alone
    assert light["survival"] is light["dimmed"] is light["kept"] is light["picks"] is None
    assert (light["mse"], light["psnr"]) == (view["mse"], view["psnr"])
    np.testing.assert_array_equal(light["recon"], view["recon"])
    np.testing.assert_array_equal(light["error"], view["error"])
    lp = loss_view(pooling.pool2d(coords(4, 4) - 5.0, "lp", 2, p=np.inf))
    assert not lp["selecting"] and lp["picks"] and lp["dimmed"] is None  # one-hot weights, no indices
    assert not loss_view(pooling.pool2d(coords(4, 4), "lp", 2))["picks"]
    with raises(ValueError, "channel (1) must be from 0 to 0"):
        loss_view(pooling.pool2d(coords(4, 4), "max", 2), channel=1)


def test_psnr_input_shrinks_photos_and_keeps_them_uint8():
    shrunk, f = psnr_input(coded_photo(h=12, w=9), side=4)
    assert (shrunk.shape, shrunk.dtype, f) == ((3, 4, 3), np.uint8, 3)
    same, f = psnr_input(coords(3, 3), side=4)
    assert f == 1 and same.shape == (3, 3)


@pytest.mark.parametrize("most", [0, 1, 7])
def test_crop_figure_draws_what_map_figure_draws(most):
    counts = np.random.default_rng(most).integers(0, most + 1, (48, 40)).astype(np.uint16)
    fast = crop_figure(counts, title="Outputs per input cell", most=most)
    slow = map_figure(counts, title="Outputs per input cell", zmin=0, zmax=max(most, 1), colorbar_title="outputs",
                      value_format="d")
    fast_spec, slow_spec = (json.loads(plotly.io.to_json(f, validate=False)) for f in (fast, slow))
    z = fast_spec["data"][0].pop("z")  # a typed array, which plotly.js reads as the list of numbers it holds
    assert plotly_array(z).tolist() == slow_spec["data"][0].pop("z") == counts.tolist()  # 0 == 0.0
    assert fast_spec == slow_spec
    valid = json.loads(plotly.io.to_json(go.Figure(fast.to_dict())))  # valid as it is
    assert valid == json.loads(plotly.io.to_json(fast, validate=False))
    assert fast.data[0].z.dtype == np.uint16
    # Counts read as whole numbers on the colour bar, about five steps at most: never "0.2 outputs".
    bar = fast.data[0].colorbar
    assert (bar.tick0, bar.dtick, bar.tickformat) == (0, {0: 1, 1: 1, 7: 2}[most], "d")
    with raises(ValueError, "counts must be a 2-D integer array of 1 to 9216 cells, got float64 (2, 2)"):
        crop_figure(np.zeros((2, 2)), title="", most=1)


@hypothesis_settings(60)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=12),
                  elements={"min_value": -1e6, "max_value": 1e6}), st.sampled_from(["max", "avg", "lp"]))
def test_mean_error_plane_by_plane_is_the_full_arrays_mean_bit_for_bit(x, mode):
    recon = pooling.reconstruct(pooling.pool2d(x, mode, 1 if min(x.shape[1:]) < 2 else 2))
    expected = np.abs(np.subtract(x, recon, dtype=np.float64)).mean(axis=0)
    np.testing.assert_array_equal(_mean_error(x, recon), expected)


def test_downloads_of_one_plane_and_of_typed_numbers_keep_their_shape():
    x = coords(5, 6) - 7.0  # 2-D: the core gives 2-D maps back
    result = pooling.pool2d(x, "max", 2)
    loss = information_loss(result)
    survival = np.load(io.BytesIO(download_bytes("survival-map.npy", result)))
    np.testing.assert_array_equal(survival, loss.survival[None])
    error = np.asarray(Image.open(io.BytesIO(download_bytes("error-max.png", result))))
    np.testing.assert_array_equal(error, color_map(loss.loss_map, 0, loss.loss_map.max()))


def test_loss_view_of_every_plane_holds_each_planes_survival_map():
    x = np.tile(coded_photo(h=8, w=8), (1, 4, 4))
    result = pooling.pool2d(x, "max", 3, stride=2)
    every = loss_view(result, channel=None, side=16)
    for c in range(3):
        one = loss_view(result, channel=c, side=16)
        np.testing.assert_array_equal(every["survival"][c], one["survival"])
        assert every["most"][c] == one["most"]
    assert every["survival"].dtype == np.uint16 and isinstance(every["most"], tuple)
    np.testing.assert_array_equal(every["dimmed"], one["dimmed"])


def test_survival_crop_cuts_the_rows_and_columns_its_title_names():
    counts = np.arange(30, dtype=np.uint16).reshape(5, 6)
    fig = survival_crop(counts, 1, 2, 3, 2, most=int(counts.max()))
    assert fig.layout.title.text == "Outputs per input cell, rows 1–3, columns 2–3"
    assert plotly_array(fig.data[0].z).tolist() == counts[1:4, 2:4].tolist()


def test_loss_views_shows_the_layers_mode_and_both_reconstructions_on_one_error_scale():
    from concurrent.futures import ThreadPoolExecutor

    from poolinglab.settings import PoolSettings

    planes = np.arange(64, dtype=np.uint8).reshape(1, 8, 8) * 3
    settings = PoolSettings(mode="min", kernel=(2, 2), stride=(2, 2))
    with ThreadPoolExecutor(2) as pool:
        views, figures = loss_views(planes, settings, (0, 255), pool=pool, side=64, photo_side=64)
    assert list(views) == ["min", "max", "avg"]
    assert views["min"]["survival"] is not None and views["max"]["survival"] is None  # only the layer's own mode
    assert set(figures) == {"dimmed", ("recon", "max"), ("recon", "avg"), ("error", "max"), ("error", "avg")}
    worst = max(views["max"]["error_max"], views["avg"]["error_max"])
    assert figures["error", "max"].data[0].zmax == figures["error", "avg"].data[0].zmax == worst


def test_loss_views_leaves_out_what_a_refused_mode_would_show():
    from concurrent.futures import ThreadPoolExecutor

    from poolinglab.refusal import Refusal
    from poolinglab.settings import PoolSettings

    planes = -np.ones((1, 4, 4))  # stochastic pooling refuses negative numbers
    settings = PoolSettings(mode="stochastic", kernel=(2, 2), stride=(2, 2))
    with ThreadPoolExecutor(2) as pool:
        views, figures = loss_views(planes, settings, (-1, 0), pool=pool, side=64, photo_side=64)
    assert isinstance(views["stochastic"], Refusal)
    assert "dimmed" not in figures and ("recon", "max") in figures

