"""widgets.compare_parts: the Max vs Average page's parts, named for the sections that draw them."""

import numpy as np

from pooling.analysis import compare
from poolinglab.refusal import Refusal
from poolinglab.settings import PoolSettings, pool_options
from poolinglab.words.compare import difference_words
from widgets.cache import shared
from widgets.compare_parts import compare_parts, max_pooling, mode_label, pool_modes

ZOOM = {"top": 0, "left": 0, "rows": 2, "cols": 2, "plane": 0}


def cache_key(*parts):
    return ("test_compare_parts", *parts)


def parts_of(planes, modes, settings=PoolSettings(), pair=None):
    max_result = max_pooling(cache_key("max", planes.tobytes(), settings), planes, settings)
    pooled = pool_modes(cache_key(modes, planes.tobytes(), settings), planes, settings, modes, max_result)
    shown = {m: p for m, p in pooled.items() if not isinstance(p, Refusal)}
    return compare_parts(cache_key, settings, planes, shown, max_result, (0, 255), pair=pair, zoom=ZOOM,
                         prefix="mva_zoom", focus_key="_test_focus"), shown


def test_a_one_plane_image_has_its_images_the_max_against_avg_line_and_the_zoom():
    planes = np.arange(64, dtype=np.uint8).reshape(1, 8, 8) * 3
    (parts, new_part), shown = parts_of(planes, ("max", "avg"), pair=("max", "avg"))
    assert list(parts) == ["image max", "image avg", "max against avg", "difference", "zoom"]
    assert new_part is None
    fig, words = shared(*parts["difference"])
    diff, mean_abs = compare.mode_difference(shown["max"][0], shown["avg"][0])
    assert words == difference_words("Max", "Average", diff, mean_abs) and fig.data
    assert np.all(diff >= 0)  # max is never below the mean of the same window


def test_a_colour_photo_adds_the_channels_and_fringes_and_a_bad_pair_no_difference():
    planes = np.arange(3 * 8 * 8, dtype=np.uint8).reshape(3, 8, 8)
    (parts, new_part), _ = parts_of(planes, ("max", "min"), pair=("min", "min"))
    assert list(parts) == ["image max", "image min", "mixed", "channels", "fringes", "zoom"]
    assert shared(*new_part).shape[-2:] == (4, 4)  # the new colours' mask, one cell per output


def test_mode_label_adds_a_modes_own_options():
    assert mode_label("max", PoolSettings()) == "Max"
    lp = mode_label("lp", PoolSettings(p=3.0))
    assert lp.startswith("Lp (") and "3" in lp
    assert pool_options(PoolSettings(p=3.0), mode="lp")["p"] == 3.0
