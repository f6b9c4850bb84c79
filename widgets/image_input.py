"""The sidebar's image intake: a sample, an upload or typed numbers, at a working size and colour, cached."""

import streamlit as st

from figures.maps import pixels_uri
from poolinglab import settings
from poolinglab.intake import images
from poolinglab.intake.samples import PATTERN_NAMES, SAMPLE_NAMES, SAMPLE_NOTES, load_sample
from poolinglab.settings import SOURCES
from widgets.cache import shared_cache
from widgets.labels import COLOR_LABELS, SOURCE_LABELS, UPLOAD_ASKED
from widgets.text import plain

_UPLOAD = "_upload"  # the last good upload: {"file_id", "name", "sha", "data"}
_UPLOAD_ERROR = "_upload_error"  # (file_id, message) of the last refused upload
_SHOWN = "_shown_image"  # what the last run showed: ("sample", name) / ("upload",) / ("grid", text)
_GRID_OK = "_grid_ok"  # the last typed grid that parsed


@shared_cache
def _sample_pixels(name, working_size):
    if name in PATTERN_NAMES:  # resampling would blur the very detail a pattern's note describes
        return load_sample(name).pixels
    return images.working_image(load_sample(name).pixels, working_size)


@shared_cache
def _upload_pixels(key, _data, working_size):
    """Decoded, shrunk pixels of an upload; cached on ``key`` (sha256 of the bytes), not on the bytes."""
    loaded = images.decode_image(_data)
    return images.working_image(loaded.pixels, working_size), loaded.notes


def accept_upload(name, data, file_id=None):
    """Decode an upload; keep it as the current upload when it is an image, else say why.

    The one path every upload takes, so tests can drive it with bytes.
    Returns the error message, or None when the file was accepted.
    """
    if file_id is not None:
        last = st.session_state.get(_UPLOAD_ERROR)
        if last and last[0] == file_id:
            return last[1]
        if st.session_state.get(_UPLOAD, {}).get("file_id") == file_id:
            return None
    sha = images.sha256_key(data)
    try:
        _upload_pixels(sha, data, _working_size())
    except images.ImageError as err:
        st.session_state[_UPLOAD_ERROR] = (file_id, str(err))
        return str(err)
    st.session_state.pop(_UPLOAD_ERROR, None)
    st.session_state.pop(UPLOAD_ASKED, None)
    st.session_state[_UPLOAD] = {"file_id": file_id, "name": name, "sha": sha, "data": data}
    return None


def _working_size():
    text = st.session_state.get("working_size", "512")
    return None if text == "full" else int(text)


def _randomise_grid():
    st.session_state["grid_text"] = images.grid_to_text(images.random_grid((4, 4)))


def _pixels_for(shown, working_size):
    """Pixels, name, loader notes and a cache key of the photo ``shown`` names."""
    if shown[0] == "upload":
        upload = st.session_state[_UPLOAD]
        pixels, notes = _upload_pixels(upload["sha"], upload["data"], working_size)
        return pixels, upload["name"], notes, upload["sha"]
    name = shown[1]
    notes = (SAMPLE_NOTES.get(name, ""),)
    if name in PATTERN_NAMES and working_size is not None and working_size < 256:
        notes += (("Patterns keep their 256 × 256 pixels at every working size: shrinking them would blur the "
                   "detail they show."),)
    return _sample_pixels(name, working_size), name, notes, name


@shared_cache
def _planes(key, working_size, color, _pixels):
    return images.to_planes(_pixels, color)


@shared_cache
def _thumbnail(key, working_size, _pixels):
    """The sidebar's picture of the image, 160 px, as a ``data:`` URI.

    Inline, not a media file: a media file lives in one server's memory, and
    a student whose server stops reconnects to another, where the picture's
    URL would answer 404 until the page is drawn again.
    """
    return pixels_uri(images.working_image(_pixels, 160))


def image_ui():
    """Draw the image intake; return the current ``(planes, label, key)``, ``key`` a hash of what they came from."""
    source = st.radio("Image source", SOURCES, key="source", format_func=SOURCE_LABELS.get, horizontal=True)
    shown = st.session_state.get(_SHOWN, ("sample", st.session_state.get("sample", SAMPLE_NAMES[0])))
    if source == "sample":
        shown = ("sample", st.selectbox("Sample", SAMPLE_NAMES, key="sample"))
    elif source == "upload":
        file = st.file_uploader("Upload an image", type=list(images.UPLOAD_EXTENSIONS), key="upload")
        if file is not None:
            message = accept_upload(file.name, file.getvalue(), file.file_id)
            if message:
                st.error(plain(message))
        if _UPLOAD in st.session_state:
            shown = ("upload",)
        elif st.session_state.get(UPLOAD_ASKED):
            st.warning(settings.UPLOAD_NOT_HELD)
        else:
            st.info("No image uploaded yet: the previous image stays until one is.")
    else:
        text = st.text_area("Numbers, one row per line", key="grid_text", height=120)
        st.button("Random numbers", key="grid_random", on_click=_randomise_grid)
        try:
            images.grid_from_text(text)
            st.session_state[_GRID_OK] = text
        except images.ImageError as err:
            st.error(plain(err))
        shown = ("grid", st.session_state.get(_GRID_OK, settings.DEFAULT_GRID))
    sizes = [str(s) if s else "full" for s in images.WORKING_SIZES]
    st.selectbox("Working size (long side)", sizes, key="working_size",
                 format_func=lambda s: "full size" if s == "full" else f"{s} px")
    working_size = _working_size()
    color = st.selectbox("Colour", images.COLOR_MODES, key="color", format_func=COLOR_LABELS.get)
    st.session_state[_SHOWN] = shown
    if shown[0] == "grid":
        planes = images.grid_from_text(shown[1])[None]
        label = "typed numbers"
        key = shown[1]
    else:
        pixels, label, notes, key = _pixels_for(shown, working_size)
        planes = _planes(key, working_size, color, pixels)
        st.image(_thumbnail(key, working_size, pixels), width="stretch")
        for note in notes:
            if note:
                st.caption(plain(note))
    # Rows × columns everywhere, as in the output-size line and PyTorch's (H, W).
    st.text(f"Image: {label}, {planes.shape[1]} × {planes.shape[2]} (rows × columns), {planes.shape[0]} plane(s)")
    return planes, label, images.sha256_key(key.encode(), shown[0], working_size, color)
