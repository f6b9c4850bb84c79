"""Tests of figures.downloads: the Information loss page's files read back to the core's numbers."""

import io

import numpy as np
import pytest
from helpers import coded_photo, coords, raises
from PIL import Image

import pooling
from figures.downloads import DOWNLOADS, download_bytes, download_plan, map_png
from figures.maps import color_map
from pooling import information_loss


@pytest.mark.parametrize("zmin, zmax", [(None, None), (0, 10)])
def test_map_png_is_the_map_coloured_at_full_resolution(zmin, zmax):
    values = np.arange(12.0).reshape(3, 4)
    rgb = np.asarray(Image.open(io.BytesIO(map_png(values, zmin=zmin, zmax=zmax))))
    lo, hi = (0, 11) if zmin is None else (zmin, zmax)
    assert rgb.shape == (3, 4, 3)
    np.testing.assert_array_equal(rgb, color_map(values, lo, hi))


def test_map_png_refuses_a_non_map():
    with raises(ValueError, "values must be a non-empty 2-D array, got shape (3,)"):
        map_png(np.zeros(3))


def test_download_plan_names_the_mode_of_each_file():
    plan = {name: (mime, mode) for name, mime, mode in download_plan(mode="min", selecting=True)}
    assert list(plan) == [name for name, _ in DOWNLOADS]
    assert plan["survival-map.csv"] == ("text/csv", "min") and plan["indices.npy"][1] == "min"
    assert plan["error-avg.png"] == ("image/png", "avg") and plan["reconstruction-max.png"][1] == "max"
    lp = {name: mode for name, _, mode in download_plan(mode="lp", selecting=False)}
    assert lp["indices.csv"] == "max" and lp["survival-map.png"] == "lp"  # lp keeps no indices
    refused = [name for name, _, _ in download_plan(mode="stochastic", selecting=False, refused={"stochastic"})]
    assert refused == ["indices.csv", "indices.npy", "error-max.png", "error-avg.png", "reconstruction-max.png",
                       "reconstruction-avg.png"]


def test_downloads_read_back_to_the_cores_numbers():
    x = coded_photo()
    result = pooling.pool2d(x, "max", 2, stride=1)
    loss = information_loss(result)
    assert np.load(io.BytesIO(download_bytes("indices.npy", result))).tolist() == result.indices.tolist()
    assert download_bytes("indices.csv", result).splitlines()[1] == "0,0," + ",".join(
        str(i) for i in result.indices[0, 0])
    survival = np.load(io.BytesIO(download_bytes("survival-map.npy", result)))
    np.testing.assert_array_equal(survival, loss.survival)
    assert download_bytes("survival-map.csv", result).splitlines()[0].startswith("channel,row,count_0")
    rgb = np.asarray(Image.open(io.BytesIO(download_bytes("survival-map.png", result, channel=2))))
    np.testing.assert_array_equal(rgb, color_map(loss.survival[2], 0, loss.survival[2].max()))
    error = np.asarray(Image.open(io.BytesIO(download_bytes("error-max.png", result))))
    np.testing.assert_array_equal(error, color_map(loss.loss_map.mean(axis=0), 0, loss.loss_map.mean(axis=0).max()))
    recon = np.asarray(Image.open(io.BytesIO(download_bytes("reconstruction-max.png", result))))
    np.testing.assert_array_equal(recon, np.moveaxis(np.rint(loss.reconstruction).astype(np.uint8), 0, -1))
    typed = pooling.pool2d(coords(4, 4) - 20.0, "avg", 2)
    shown = np.asarray(Image.open(io.BytesIO(download_bytes("reconstruction-avg.png", typed))))
    recon = information_loss(typed).reconstruction
    np.testing.assert_array_equal(shown, color_map(recon, recon.min(), recon.max()))  # numbers get a colour map


def test_downloads_refuse_unknown_names_and_indices_without_a_pick():
    result = pooling.pool2d(coded_photo(), "avg", 2)
    with raises(ValueError, "name ('loss.txt') must be one of ['survival-map.png'"):
        download_bytes("loss.txt", result)
    with raises(ValueError, "indices need a pooling that selects one cell; 'avg' does not"):
        download_bytes("indices.csv", result)
    with raises(ValueError, "channel (3) must be from 0 to 2"):
        download_bytes("survival-map.png", result, channel=3)
    with raises(TypeError, "result must be a PoolResult, not ndarray"):
        download_bytes("survival-map.png", coded_photo())
