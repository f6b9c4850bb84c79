"""widgets.frame: a first visitor's deep link runs inside app.py's frame; the Streamlit internal it reads exists.

``ensure_frame`` reads Streamlit's ``PagesManager.uses_pages_directory`` to
know that Streamlit runs ``pages/`` as its old multipage mode, and ends that
mode with a public ``st.navigation`` call. The first tests fail the day
Streamlit renames the flag or stops ending the mode that way; the last one
opens a deep link as the first visitor of a fresh server, the case it is for.
"""

import asyncio
import concurrent.futures
import inspect

import pytest
import streamlit as st
from apptest_helpers import ROOT
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from bench.app_server import running_server
from bench.streamlit_ws import connect
from widgets.frame import pages_folder_mode
from widgets.registry import PAGES


@pytest.fixture
def flag():
    """Streamlit's process-wide flag, put back as it was after the test."""
    before = PagesManager.uses_pages_directory
    yield
    PagesManager.uses_pages_directory = before


def test_streamlit_still_has_the_pages_folder_flag_and_its_runner_reads_it():
    assert "uses_pages_directory" in vars(PagesManager), "Streamlit renamed the flag: widgets/frame.py reads it"
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner.ScriptRunner)


def test_a_pages_folder_beside_the_entry_script_turns_the_mode_on(tmp_path, flag):
    (tmp_path / "pages").mkdir()
    PagesManager.uses_pages_directory = None
    PagesManager(str(tmp_path / "app.py"))
    assert pages_folder_mode() is True


def test_a_call_to_st_navigation_ends_the_mode(flag):
    PagesManager.uses_pages_directory = True
    st.navigation([st.Page(str(ROOT / "pages" / "home.py"))])
    assert pages_folder_mode() is False


@pytest.mark.server
def test_a_first_visitor_on_a_deep_link_gets_the_frame(tmp_path):
    async def first_visits(port):
        results = []
        for page in ("window_sweep", "noise"):  # the first session of the server, then a second one
            async with connect(port, page=page) as session:
                results.append(await session.rerun(timeout=60))
        return results

    with running_server("app.py", log_path=tmp_path / "server.log",
                        options=("--client.showErrorDetails", "full")) as server:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright may hold this thread's event loop
            results = pool.submit(asyncio.run, first_visits(server.port)).result()
        log = server.log()
    for result in results:
        assert result.finished and not result.exceptions and result.page_not_found is None, (result, log[-4000:])
        assert result.page_titles == [entry.title for entry in PAGES]  # app.py's st.Page titles, not file names
