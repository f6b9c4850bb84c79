"""Pictures (:class:`figures.image.Picture`): images a page shows as they are, cell for cell, without a figure.

A picture is drawn as an HTML image inside a container keyed ``pixels-<key>``;
:data:`PIXELATED`, which the frame adds to every page, tells the browser to
scale those images by repeating pixels, as plotly's image traces do, rather
than blurring the cells of a pooled image into each other, and keeps the
images of a row apart.
"""

import streamlit as st

from figures.image import Picture

from .text import plain

PREFIX = "pixels-"
# A picture fills its column up to this many pixels across, about the size of an image in a 450 px high plotly
# figure: a 256 px pooled image is not blown up to fill a wide screen's half.
WIDTH = 480
# A row of pictures (show_pictures) is one element: a gap keeps its images apart, as columns would.
PIXELATED = (f'<style>[class*="st-key-{PREFIX}"] img {{ image-rendering: pixelated; }} '
             f'[class*="st-key-{PREFIX}"] [data-testid="stImage"] {{ gap: 1rem; }}</style>')


def show_figure(place, shown, key, *, alt, title=None, width=WIDTH):
    """Draw ``shown`` in ``place``: a :class:`~figures.image.Picture` as an image, a plotly figure as a chart.

    A picture fills the width of ``place`` up to ``width`` pixels (``"content"``: its own size, pixel for pixel,
    or less where ``place`` is narrower), a chart all of it. A picture's container is keyed ``pixels-<key>``, a
    chart ``key``. ``alt`` says what it shows to a reader who cannot see it; ``title``, if given, is written in
    bold above it, as typed.
    """
    if title is not None:
        place.markdown(f"**{plain(title)}**")
    if isinstance(shown, Picture):
        place.container(key=PREFIX + key).image(shown.uri, width=width, alt=alt)
    else:
        place.plotly_chart(shown, key=key, width="stretch", alt=alt)


def show_pictures(place, shown, key, *, alts, captions, width=WIDTH):
    """Draw the :class:`~figures.image.Picture` objects ``shown`` in ``place`` as one row of images, each ``width``
    pixels across (fewer where ``place`` is narrower), wrapping onto a new line where the row is full.

    One element, keyed ``pixels-<key>``, where a picture each in its own column would be several: a page of many
    small pictures costs less to send and to draw. ``alts`` and ``captions`` (one each per picture, as typed) say
    what each shows, to a reader who cannot see it and under it.
    """
    place.container(key=PREFIX + key).image([p.uri for p in shown], width=width, alt=list(alts),
                                            caption=[plain(c) for c in captions])


def pixelated_style():
    """Add :data:`PIXELATED` to the page: a style alone, which takes no room on it."""
    st.html(PIXELATED)
