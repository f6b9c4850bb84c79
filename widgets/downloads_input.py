"""Download buttons of a pooling's maps and indices at full resolution, each file made when the user asks for it."""

import streamlit as st

from figures import downloads
from pooling import pool2d
from poolinglab.settings import pool_options

from .cache import shared_cache


@shared_cache
def _file(key, name, _planes, pool_settings, mode, channel):
    """One download's bytes at full resolution, made when the user asks for it."""
    result = pool2d(_planes, mode, **pool_options(pool_settings, mode=mode))
    return downloads.download_bytes(name, result, channel=channel)


def download_buttons(lab, channel, *, mode, selecting, refused, key_prefix):
    """Three columns of :func:`figures.downloads.download_plan`'s buttons for the image and layer of ``lab``.

    ``channel`` is the plane of the maps; each button's key is ``f"{key_prefix}_{file name}"``. A file's bytes are
    made only when its button is pressed, from every pixel of ``lab``'s image.
    """
    plan = downloads.download_plan(mode=mode, selecting=selecting, refused=refused)
    for place, (name, mime, source) in zip(st.columns(3) * 3, plan):
        key = lab.cache_key(channel, name, source)
        place.download_button(name, data=lambda key=key, name=name, source=source: _file(
            key, name, lab.planes, lab.settings, source, channel), file_name=name, mime=mime,
            key=f"{key_prefix}_{name}", on_click="ignore")
