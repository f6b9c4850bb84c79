"""Shared AppTest helpers: open the app or one page, upload, and read what the page shows."""

import io
import json
import re
from pathlib import Path

import numpy as np
from PIL import Image
from streamlit import config
from streamlit.testing.v1 import AppTest

from widgets.pictures import PREFIX as PICTURE_PREFIX

# The served config shows students only an error's type (client.showErrorDetails = "type"). Under test every
# exception must fail loudly and say what it was, so AppTest runs see the whole message.
config.set_option("client.showErrorDetails", "full")

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30


def png_bytes(width=40, height=30):
    """A small RGB noise PNG, as a user's upload."""
    buffer = io.BytesIO()
    noise = np.random.default_rng(0).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    Image.fromarray(noise).save(buffer, "PNG")
    return buffer.getvalue()


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page=None, query=None):
    """The whole app (``app.py``), switched to ``page`` if given."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page).run()
    return no_exception(at)


def open_alone(page):
    """One page file run on its own, as ``streamlit run pages/x.py`` would."""
    return no_exception(AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT).run())


def upload(at, name, data, mime="image/png"):
    """Switch the sidebar to Upload and upload ``data`` as ``name``."""
    if at.radio(key="source").value != "upload":
        at.radio(key="source").set_value("upload").run()
    at.file_uploader(key="upload").set_value((name, data, mime)).run()
    return no_exception(at)


def full_size_upload(page, pixels):
    """Open ``page`` alone, set the working size to full size and upload ``pixels`` (uint8, H x W x 3) as a PNG."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    at = open_alone(page)
    at.selectbox(key="working_size").set_value("full").run()
    return upload(at, "big.png", buffer.getvalue())


def texts(at):
    return [t.value for t in at.text]


def errors(at):
    """Error texts as the user reads them (the markdown escapes undone)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]


def output_text(at):
    (line,) = [t for t in texts(at) if t.startswith("Output: ")]
    return line


def chart_spec(at, index=-1):
    """The plotly figure of the ``index``-th chart, as a dict."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def pictures(at):
    """Each picture drawn (:func:`widgets.pictures.show_figure`, :func:`~widgets.pictures.show_pictures`), in page
    order: its key and its image proto (``url``, ``alt``, ``caption``). The ``n``-th of a row of several pictures
    drawn with one key is keyed ``<key>/<n>`` (a row of one, ``<key>``)."""
    found, todo = [], [at._tree]
    while todo:
        node = todo.pop(0)
        key = getattr(node, "key", None) or ""
        if getattr(node, "type", None) == "flex_container" and key.startswith(PICTURE_PREFIX) and node.get("image"):
            (image,) = node.get("image")
            key, imgs = key.removeprefix(PICTURE_PREFIX), image.proto.imgs
            found += [(key, imgs[0])] if len(imgs) == 1 else [(f"{key}/{n}", img) for n, img in enumerate(imgs)]
        todo.extend(getattr(node, "children", {}).values())
    return found


def picture_image(at, key):
    """The image proto (``url``, ``alt``) of the picture drawn with ``key``."""
    for drawn, img in pictures(at):
        if drawn == key:
            return img
    raise KeyError(f"no picture with key {key!r}")


def picture_by_key(at, key):
    """The ``data:`` URI of the picture drawn with ``key``."""
    return picture_image(at, key).url


def chart_by_key(at, key):
    """The plotly figure of the chart drawn with ``key``, as a dict."""
    for chart in at.get("plotly_chart"):
        if chart.proto.id.endswith(key) or key in chart.proto.id:
            return json.loads(chart.proto.spec)
    raise KeyError(f"no chart with key {key!r}")
