"""The full-size mode of :mod:`bench.bench_server`: every page on a 12-megapixel phone photo, as a student meets it.

``python bench/bench_server.py --full-size`` runs it. Each session opens
Home with the link's ``size=full`` (the working size "full size"), chooses
Upload and uploads its own 4000 x 3000 JPEG over Streamlit's own upload
protocol (:meth:`bench.streamlit_ws.Session.upload`).

Pages (one session). After the upload, the session opens every page in turn
from the menu (:meth:`~bench.streamlit_ws.Session.switch_page`), each for the
first time with that photo, so every cache of the page is cold for it; that
time is the "open". Then it times warm reruns and moves of the page's widget
(:data:`bench.bench_server.MOVES`), as for the 512 px working size.

A class. ``--sessions`` sessions, each with a photo of its own (so no two
share a cache entry), upload at once, open their lab and rerun it
``--rounds`` times with think time, the same pattern as the 512 px class.
What it is for is the server's peak memory with a class of full-size photos.
"""

import asyncio
import contextlib
import io
import time

import numpy as np
from PIL import Image

from bench.streamlit_ws import connect

PHOTO_SIZE = (4000, 3000)  # width, height: a 12 MP phone photo
QUERY = "size=full"


def phone_photo(seed=0, size=PHOTO_SIZE, quality=90):
    """JPEG bytes of a photo-like 12 MP image, different for every ``seed``.

    A smooth colour field (a small random image scaled up) with fine grain on
    top, so that it compresses like a photo (1-2 MB) and every seed's pixels
    differ.

    Examples
    --------
    >>> data = phone_photo(1, size=(40, 30))
    >>> Image.open(io.BytesIO(data)).size
    (40, 30)
    """
    rng = np.random.default_rng(seed)
    coarse = Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)).resize(size, Image.BICUBIC)
    pixels = np.asarray(coarse, dtype=np.int16) + rng.integers(-12, 13, (size[1], size[0], 1), dtype=np.int16)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


async def _with_photo(session, photo, name, timeout):
    """Open Home, choose Upload and upload ``photo``: the upload's run."""
    await session.rerun(timeout=timeout)
    await session.set_widget("source", "Upload", timeout=timeout)
    return await session.upload("upload", name, photo, timeout=timeout)


async def time_pages(port, moves, reruns, *, run_record, next_value, current, pause, timeout=120.0, seed=0):
    """Upload one 12 MP photo, then open every page of ``moves`` in turn and time it, its reruns and moves.

    Returns
    -------
    dict
        ``{"upload": run, "pages": {page: {"first": run, "warm": [...], "moves": [...]}}}``; ``first`` is the
        page's first open with the photo.
    """
    photo = phone_photo(seed)
    raw = {"photo_bytes": len(photo), "pages": {}}
    async with connect(port, page="", query_string=QUERY) as session:
        raw["upload"] = run_record(await _with_photo(session, photo, "phone.jpg", timeout))
        for move in moves:
            opened = await session.switch_page("" if move.page == "home" else move.page, timeout=timeout)
            warm, moved = [], []
            for _ in range(reruns):
                await asyncio.sleep(pause)
                warm.append(await session.rerun(timeout=timeout))
            for step in range(reruns):
                await asyncio.sleep(pause)
                value = next_value(move, step, current(session, move.key))
                moved.append(await session.set_widget(move.key, value, timeout=timeout))
            raw["pages"][move.page] = {"first": run_record(opened), "warm": [run_record(r) for r in warm],
                                       "moves": [run_record(r) for r in moved]}
    return raw


async def _class_member(session, move, photo, name, rounds, rng, timeout, start, run_record):
    await start.wait()
    began = time.perf_counter()
    uploaded = await _with_photo(session, photo, name, timeout)
    first = await session.switch_page(move.page, timeout=timeout)
    first.seconds = time.perf_counter() - began
    runs = []
    for _ in range(rounds):
        await asyncio.sleep(rng.uniform(0.0, 3.0))
        runs.append(await session.rerun(timeout=timeout))
    return uploaded, first, runs


async def time_class(port, moves, sessions, rounds, *, seed, run_record, timeout=120.0):
    """``sessions`` sessions at once, each uploading its own 12 MP photo, then rerunning its lab.

    The photos are made before anyone starts. Each session's first run is timed from the start of its
    upload to the end of its lab's first run.

    Returns
    -------
    dict
        ``{"first": [run, ...], "reruns": [run, ...], "uploads": [run, ...], "seconds": wall time}``.
    """
    photos = [phone_photo(1000 + i) for i in range(sessions)]
    start = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        members = []
        for i in range(sessions):
            session = await stack.enter_async_context(connect(port, page="", query_string=QUERY))
            members.append(_class_member(session, moves[i % len(moves)], photos[i], f"phone-{i}.jpg", rounds,
                                         np.random.default_rng([seed, i]), timeout, start, run_record))
        tasks = [asyncio.ensure_future(member) for member in members]
        began = time.perf_counter()
        start.set()
        outcomes = await asyncio.gather(*tasks)
        seconds = time.perf_counter() - began
    return {"uploads": [run_record(u) for u, _, _ in outcomes], "first": [run_record(f) for _, f, _ in outcomes],
            "reruns": [run_record(r) for _, _, runs in outcomes for r in runs], "seconds": seconds}
