"""A class opens the app at once: a fresh server, many first sessions over every page, no exception.

This starts its own ``streamlit run app.py`` (a new process, so every import
and cache is cold), connects ``SESSIONS`` websocket sessions, and only then
lets them all ask for their first run at the same moment, the way a class
does when the teacher shares the link. Each session then reruns once or twice.
The test fails on any exception element a run draws, and on any run that does
not end within ``TIMEOUT_S``.

Pages that draw ``st.table`` or ``st.dataframe`` get extra sessions in that
first wave: Streamlit imports pandas lazily inside those calls, and script
threads that make that first import together have been handed the half-built
module (``AttributeError: partially initialized module 'pandas' has no
attribute 'Series'``).

The server runs with ``client.showErrorDetails`` set to ``full`` so that the
failure names the error; the repository's config shows users its type only.

It is marked ``server``: ``tests/run.sh`` runs such tests, and the browser
tests, after the others, one at a time, since each starts a server and loads
both cores.
"""

import asyncio
import concurrent.futures
import contextlib
from pathlib import Path

import pytest

from bench.app_server import running_server
from bench.streamlit_ws import connect
from widgets.registry import PAGES

# Run by tests/run.sh after the others, one test at a time: a burst beside a browser test would time both.
pytestmark = [pytest.mark.server]

URL_PATHS = ("", *(Path(entry.path).stem for entry in PAGES[1:]))  # URL paths; "" is Home
TABLE_PAGES = ("max_vs_average", "stacked_pooling", "pooling_over_time")  # they draw st.table / st.dataframe
EXTRA_PER_TABLE_PAGE = 5
SESSIONS = len(URL_PATHS) + EXTRA_PER_TABLE_PAGE * len(TABLE_PAGES)  # 25
TIMEOUT_S = 60


def burst_pages():
    """The page of each session: every page once, then the table pages again, interleaved."""
    return [*URL_PATHS, *(TABLE_PAGES * EXTRA_PER_TABLE_PAGE)]


@pytest.fixture
def fresh_server(tmp_path):
    """A new ``streamlit run app.py`` on a free port of 127.0.0.1, stopped when the test ends."""
    with running_server("app.py", log_path=tmp_path / "server.log",
                        options=("--client.showErrorDetails", "full")) as server:
        yield server


async def _visit(session, reruns, start):
    await start.wait()
    results = [await session.rerun(timeout=TIMEOUT_S)]
    for _ in range(reruns - 1):
        if not results[-1].finished:
            break
        results.append(await session.rerun(timeout=TIMEOUT_S))
    return results


async def _burst(port, pages):
    start = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        visits = []
        for i, page in enumerate(pages):
            session = await stack.enter_async_context(connect(port, page=page))
            visits.append(asyncio.ensure_future(_visit(session, 2 + i % 2, start)))
        start.set()
        return await asyncio.gather(*visits)


def test_a_burst_of_first_sessions_on_every_page_raises_nothing(fresh_server):
    pages = burst_pages()
    assert len(pages) >= 24 and set(URL_PATHS) <= set(pages)
    # A thread of its own: on the browser tests' worker, Playwright's sync API keeps an event loop running in
    # this one, and asyncio.run refuses to start a second.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        outcomes = pool.submit(asyncio.run, _burst(fresh_server.port, pages)).result()

    problems = []
    for i, (page, results) in enumerate(zip(pages, outcomes, strict=True)):
        for run, result in enumerate(results, 1):
            name = f"session {i} on /{page}, run {run}"
            problems += [f"{name}: {message}" for message in result.exceptions]
            if not result.finished:
                problems.append(f"{name}: did not finish ({result.error})")
            if result.page_not_found:
                problems.append(f"{name}: page not found ({result.page_not_found})")
    assert not problems, (f"{len(problems)} problem(s) in {len(pages)} sessions:\n" + "\n".join(problems)
                          + f"\n\nEnd of the server log:\n{fresh_server.log()[-4000:]}")
