"""Fixtures for the real-browser tests: a running app, Debian's Chromium, and a watched page.

The app runs as ``streamlit run app.py`` on 127.0.0.1 for the whole session.
Chromium is the system one (Debian's ``chromium`` package), driven by
Playwright's own driver; no browser is ever downloaded. Every page a test
opens is watched: console errors, uncaught page errors and any request to a
host other than this machine fail the test, and so does a Streamlit
exception box or a traceback on the page.

Environment:

``POOLING_LAB_CHROMIUM``
    Path of the Chromium binary, when it is not ``/usr/bin/chromium`` or
    ``chromium`` on the PATH.
``POOLING_LAB_SCREENSHOTS``
    Directory for the full-page screenshots (default: a pytest temporary
    directory).
"""

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.app_server import free_port
from widgets.registry import PAGES

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 900}
SERVER_START_TIMEOUT = 60  # seconds
WAIT_MS = 20_000  # the longest a page element may take to appear
# Opening a deep link such as /window_sweep makes Streamlit's own frontend probe
# these two paths under the page's URL first; they answer 404 and the browser
# logs each as a console error. Nothing else may fail.
DEEP_LINK_PROBES = ("_stcore/health", "_stcore/host-config")
DEEP_LINK_PAGES = tuple(Path(lab.path).stem for lab in PAGES[1:])
# Pausing a plotly animation rejects the promise of the Play that started it;
# plotly.js's updatemenu buttons do not catch it, so the browser reports an
# uncaught "undefined" right after plotly's own warning
# (plotly/plotly.js#5613). Tests that press Pause allow exactly that.
PLOTLY_INTERRUPT_WARNING = "API call to Plotly.animate rejected"


# ------------------------------------------------------------------ the app


def _healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of ``streamlit run app.py`` on a free port of 127.0.0.1, stopped after the session."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(f"{base}/_stcore/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                why = (f"exited with code {server.returncode}" if server.poll() is not None
                       else f"did not answer {base}/_stcore/health within {SERVER_START_TIMEOUT} s")
                pytest.fail(f"The app server ({' '.join(command)}) {why}.\nServer log:\n{log_path.read_text()}",
                            pytrace=False)
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -------------------------------------------------------------- the browser


def find_chromium():
    """The Chromium to drive: $POOLING_LAB_CHROMIUM, else /usr/bin/chromium, else chromium on the PATH."""
    configured = os.environ.get("POOLING_LAB_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        configured = os.environ.get("POOLING_LAB_CHROMIUM")
        detail = (f"POOLING_LAB_CHROMIUM={configured!r} is not an executable file" if configured
                  else "no /usr/bin/chromium and no chromium on the PATH")
        pytest.fail(
            f"The browser tests need Chromium, and none was found ({detail}). Install Debian's chromium "
            "(apt-get install chromium; bash tests/run.sh does it when run as root) or set "
            "POOLING_LAB_CHROMIUM to a Chromium binary. These tests are never skipped.",
            pytrace=False,
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    configured = os.environ.get("POOLING_LAB_SCREENSHOTS")
    directory = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# ---------------------------------------------------------- a watched page


def _is_local(url):
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about"):
        return True
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


class Watch:
    """Everything a browser context did that the app must not do, collected as it happens."""

    def __init__(self, base):
        self.base = base
        self.console_errors = []  # (text, url of its source)
        self.page_errors = []  # (message, excused)
        self.failed_responses = set()  # URLs answered with status >= 400
        self.outside = []  # URLs of requests and websockets to another host
        self.plotly_warned = False
        self.interrupt_allowed = False
        self.allowed_failures = {f"{base}/{page}/{probe}" for page in DEEP_LINK_PAGES for probe in DEEP_LINK_PROBES}

    def attach(self, context, page):
        context.on("request", lambda request: self._request(request.url))
        context.on("response", self._response)
        page.on("websocket", lambda ws: self._request(ws.url))
        page.on("console", self._console)
        page.on("pageerror", self._page_error)
        # Nothing may leave this machine, even where a network exists: stop it, after recording it above.
        context.route(lambda url: not _is_local(url), lambda route: route.abort())

    def _request(self, url):
        if not _is_local(url):
            self.outside.append(url)

    def _response(self, response):
        if response.status >= 400:
            self.failed_responses.add(response.url)

    def _console(self, message):
        if PLOTLY_INTERRUPT_WARNING in message.text:
            self.plotly_warned = True
        if message.type != "error":
            return
        self.console_errors.append((message.text, (message.location or {}).get("url", "")))

    def _page_error(self, error):
        message = getattr(error, "message", None) or str(error)
        excused = self.interrupt_allowed and self.plotly_warned and message.strip() in ("undefined", "")
        self.page_errors.append((message, excused))

    def problems(self):
        """Every recorded fault, as sentences; empty when the page behaved."""
        found = []
        for text, url in self.console_errors:
            probe = url in self.allowed_failures and url in self.failed_responses
            if not (probe and text.startswith("Failed to load resource")):
                found.append(f"console error: {text} (from {url or 'an inline script'})")
        found += [f"uncaught page error: {message}" for message, excused in self.page_errors if not excused]
        found += [f"request outside this machine: {url}" for url in self.outside]
        return found


class BrowserPage:
    """A browser tab on the app, with the waits and checks every test needs."""

    def __init__(self, page, base, watch, shots):
        self.page, self.base, self.watch, self.shots = page, base, watch, shots

    # -- moving around

    def open(self, path="/", title=None):
        self.page.goto(self.base + path)
        if title:
            self.expect_title(title)
        self.wait_idle()
        return self

    def expect_title(self, title):
        from playwright.sync_api import expect

        # A page that raised shows an exception box instead of its title: say so at once, not after a timeout.
        self.page.locator('h1, [data-testid="stException"]').first.wait_for(timeout=WAIT_MS)
        boxes = self.page.locator('[data-testid="stException"]')
        assert boxes.count() == 0, f"Streamlit exception on {self.page.url}: {boxes.all_inner_texts()}"
        expect(self.page.locator("h1").first).to_have_text(title, timeout=WAIT_MS)

    def wait_idle(self):
        """Wait until the script has finished its run and the page holds no stale elements."""
        self.page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=WAIT_MS)
        self.page.wait_for_function(
            '() => !document.querySelector(\'[data-testid="stElementContainer"][data-stale="true"]\')',
            timeout=WAIT_MS,
        )

    def fresh(self, selector, within=""):
        """``selector`` inside elements of the current run only: a rerun leaves stale copies for a moment."""
        return self.page.locator(f'{within} [data-testid="stElementContainer"]:not([data-stale="true"]) {selector}')

    def key(self, key):
        """The element Streamlit drew for the widget ``key``."""
        return self.page.locator(f".st-key-{key}")

    # -- checks

    def assert_clean(self):
        """No exception box, no traceback, no console or page error, nothing sent outside."""
        boxes = self.page.locator('[data-testid="stException"]')
        assert boxes.count() == 0, f"Streamlit exception on {self.page.url}: {boxes.all_inner_texts()}"
        body = self.page.locator("body").inner_text()
        assert "Traceback (most recent call last)" not in body, f"a traceback is shown on {self.page.url}"
        assert not self.watch.problems(), "\n".join(self.watch.problems())

    def screenshot(self, name):
        """A full-page screenshot into the screenshot directory; Streamlit scrolls inside ``stMain``."""
        self.wait_idle()
        height = self.page.evaluate(
            """() => Math.max(window.innerHeight,
                ...['[data-testid="stMain"]', '[data-testid="stSidebarContent"]'].map(
                    s => (document.querySelector(s) || {scrollHeight: 0}).scrollHeight))"""
        )
        self.page.set_viewport_size({"width": VIEWPORT["width"], "height": int(height) + 20})
        try:
            self.wait_idle()
            path = self.shots / f"{name}.png"
            self.page.screenshot(path=path, full_page=True, animations="disabled")
        finally:
            self.page.set_viewport_size(VIEWPORT)
        return path


@pytest.fixture
def lab(browser, app_url, screenshot_dir):
    """A fresh browser context (a new Streamlit session) whose faults fail the test."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    watch = Watch(app_url)
    watch.attach(context, page)
    yield BrowserPage(page, app_url, watch, screenshot_dir)
    context.close()
    assert not watch.problems(), "\n".join(watch.problems())
