"""What the sidebar hands a page: :class:`PageContext`, and a smaller working copy of it for heavy pages."""

import dataclasses
from dataclasses import dataclass

import numpy as np

from poolinglab.intake import images
from poolinglab.settings import PoolSettings
from widgets.cache import shared_cache


@dataclass(frozen=True, eq=False)
class PageContext:
    """What the sidebar hands a page: the settings, the image planes, and slots to report in."""

    settings: PoolSettings
    planes: np.ndarray  # (C, H, W): uint8 for photos, float64 for typed numbers
    label: str
    problem_slot: object  # under the layer's controls
    key: str  # sha256 of the image's source (bytes, sample name or typed text), working size and colour

    def cache_key(self, *extra):
        """A cache key for work on this image: :attr:`key`, the layer's settings and ``extra``.

        Pages cache heavy work as ``f(lab.cache_key(...), _planes)``: the key
        decides, and the underscored array is not hashed.
        """
        return images.sha256_key(self.key.encode(), self.settings, *extra)


@shared_cache
def _shrunk_planes(key, side, _planes):
    return images.shrink_planes(_planes, side)


def working_copy(lab, side):
    """``lab`` with its photo shrunk to ``side`` pixels on its long side when it is bigger, for a page's heavy part.

    Typed numbers and photos already that small are left as they are. The
    copy is resampled as the working size resamples, cached, and has a key
    of its own, so ``lab.cache_key`` tells it from the full image. The page
    must say that it works on a copy (:func:`poolinglab.words.sizes.copy_words`).
    """
    planes = lab.planes
    if planes.dtype != np.uint8 or max(planes.shape[1:]) <= side:
        return lab
    copy = _shrunk_planes(images.sha256_key(lab.key.encode(), "shrunk"), side, planes)
    return dataclasses.replace(lab, planes=copy, key=f"{lab.key}@{side}")
