"""The bench's websocket client uploads a photo as the browser does, and the photo follows the student's pages.

This starts its own ``streamlit run app.py``. It checks what the full-size
bench (``bench/bench_server.py --full-size``) relies on: an upload through
:meth:`bench.streamlit_ws.Session.upload` becomes the image, and after
:meth:`~bench.streamlit_ws.Session.switch_page` the next page uses it too.
"""

import asyncio
import concurrent.futures
import io

import numpy as np
import pytest
from PIL import Image

from bench.app_server import running_server
from bench.full_size import phone_photo
from bench.streamlit_ws import connect

pytestmark = [pytest.mark.server]

NAME = "class photo.png"


def small_png():
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(3).integers(0, 256, (30, 40, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


async def _upload_then_switch(port, data):
    async with connect(port) as session:
        await session.rerun()
        await session.set_widget("source", "Upload")
        uploaded = await session.upload("upload", NAME, data, mime="image/png")
        switched = await session.switch_page("max_vs_average")
    return uploaded, switched


def test_an_upload_over_the_websocket_becomes_the_image_on_the_next_page_too(tmp_path):
    with running_server("app.py", log_path=tmp_path / "server.log",
                        options=("--client.showErrorDetails", "full")) as server, \
            concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright may hold this thread's event loop
        uploaded, switched = pool.submit(asyncio.run, _upload_then_switch(server.port, small_png())).result()
    line = f"Image: {NAME}, 30 × 40 (rows × columns), 3 plane(s)"
    for result in (uploaded, switched):
        assert result.finished and not result.exceptions, (result.error, result.exceptions)
    assert line in uploaded.texts
    assert line in switched.texts and switched.page_not_found is None
    assert any(text.endswith("output") for text in switched.texts)  # Max vs Average's "128 × 128 output" lines


def test_every_seed_gives_another_photo_of_the_asked_size():
    a, b = phone_photo(1, size=(64, 48)), phone_photo(2, size=(64, 48))
    assert Image.open(io.BytesIO(a)).size == (64, 48) and a != b
