"""pooling.analysis.crops: the centred square of an image, read by eye on 10 * row + col values."""

import numpy as np
from helpers import coords, hypothesis_settings, raises
from hypothesis import given
from hypothesis import strategies as st

from pooling.analysis.crops import centre_crop, centre_offset


def test_centre_crop_by_hand():
    x = coords(5, 6)
    np.testing.assert_array_equal(centre_crop(x, 2), [[12, 13], [22, 23]])
    np.testing.assert_array_equal(centre_crop(x, 3), [[11, 12, 13], [21, 22, 23], [31, 32, 33]])
    np.testing.assert_array_equal(centre_crop(x, 1), [[22]])  # (5 - 1) // 2 = 2, (6 - 1) // 2 = 2


def test_an_axis_shorter_than_the_side_is_kept_whole():
    x = coords(3, 8)
    np.testing.assert_array_equal(centre_crop(x, 4), x[:, 2:6])
    assert centre_crop(x, 100).shape == (3, 8)
    assert centre_offset((3, 8), 4) == (0, 2)


def test_planes_are_cropped_alike_and_the_crop_is_a_view():
    planes = np.stack([coords(6, 6), 100 + coords(6, 6)])
    crop = centre_crop(planes, 2)
    np.testing.assert_array_equal(crop, [[[22, 23], [32, 33]], [[122, 123], [132, 133]]])
    assert np.shares_memory(crop, planes)


@hypothesis_settings()
@given(h=st.integers(1, 40), w=st.integers(1, 40), side=st.integers(1, 50))
def test_matches_a_cell_by_cell_reference(h, w, side):
    x = coords(h, w)
    # Reference: keep the rows (cols) whose distance above the crop equals the distance below, or one less.
    rows = [i for i in range(h) if h <= side or (h - side) // 2 <= i < (h - side) // 2 + side]
    cols = [j for j in range(w) if w <= side or (w - side) // 2 <= j < (w - side) // 2 + side]
    np.testing.assert_array_equal(centre_crop(x, side), x[np.ix_(rows, cols)])


def test_bad_side_and_planes_are_named():
    with raises(ValueError, "side (0) must be at least 1"):
        centre_crop(np.zeros((4, 4)), 0)
    with raises(TypeError, "side (2.5) must be an int"):
        centre_crop(np.zeros((4, 4)), 2.5)
    with raises(TypeError, "side (True) must be an int"):
        centre_offset((4, 4), True)
    with raises(ValueError, "planes must have at least 2 dimensions (H, W), got shape (4,)"):
        centre_crop(np.zeros(4), 2)
