"""Time what a person waits for in Chromium: one step of a page's widget, until the page has painted it.

Run from the repository root::

    python bench/bench_browser.py                      # every page, 8 steps each, about 3 minutes
    python bench/bench_browser.py --steps 5 --pages noise shift_invariance

It starts Pooling Lab and the one-slider floor app (``bench/floor_app.py``, with
Streamlit's default garbage collection after each run, as in
``bench/bench_server.py``) on free ports, and drives Debian's Chromium
(``/usr/bin/chromium``, or ``$POOLING_LAB_CHROMIUM``) through Playwright, headless.

For each page it opens the page, waits until the app is idle, then steps the
page's widget (:data:`bench.bench_server.MOVES`) ``--steps`` times, each to a
value not seen before: a number input by typing the next number and Enter,
a slider by the right arrow key, a text input by typing a new sentence and
Enter. Each step
is timed from the click or key press to:

- ``finished``: the websocket frame that ends the run (``script_finished``),
  as received by the browser;
- ``painted``: the second animation frame after the app reports it is idle
  again with no stale element left, that is, once the browser has laid out
  and painted what the run sent.

Medians are given in milliseconds and as multiples of the floor's, whose
slider is stepped the same way in the same run.

Full size. ``--full-size`` is issue 14's test as a student meets it: one tab
opens the app with the link's ``size=full``, uploads a 4000 x 3000 JPEG
(:func:`bench.full_size.phone_photo`) through the page's own file input
(timed from the page's PUT of the file to the end of the run), then
opens every page from the sidebar in turn, the first time with that photo,
and times each open from the click to ``finished`` and ``painted`` as above;
then it steps the page's widget ``--steps`` times at full size.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.app_server import running_server
from bench.bench_server import FLOOR, FLOOR_OPTIONS, MOVES, SENTENCES, SHOW_ERRORS, add_pages_argument

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
NO_STALE = '() => !document.querySelector(\'[data-testid="stElementContainer"][data-stale="true"]\')'
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))"
VIEWPORT = {"width": 1400, "height": 900}
WAIT_MS = 120_000
PAUSE_S = 0.3


def chromium_path():
    """The Chromium to drive: $POOLING_LAB_CHROMIUM, else /usr/bin/chromium, else chromium on the PATH."""
    configured = os.environ.get("POOLING_LAB_CHROMIUM")
    if configured:
        return configured
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")


class Tab:
    """A Chromium tab on one app, which notes when each run's ``script_finished`` frame arrives."""

    def __init__(self, browser, url):
        self.context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        self.page = self.context.new_page()
        self.finished = []  # perf_counter() of every script_finished frame, in order
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.goto(url)
        self.idle()

    def _frame(self, payload):
        if isinstance(payload, str):
            return
        msg = ForwardMsg.FromString(payload)
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.finished.append(time.perf_counter())

    def idle(self):
        self.page.wait_for_selector(IDLE, timeout=WAIT_MS)
        self.page.wait_for_function(NO_STALE, timeout=WAIT_MS)

    def timed(self, act):
        """Do ``act()``; return (ms to the run's end, ms to painted), timed from just before it."""
        before = len(self.finished)
        start = time.perf_counter()
        act()
        return self.until_done(before, start, "the action")

    def until_done(self, before, start, what):
        """Wait for the end of the run after the ``before``-th; return its times from ``start``, in ms."""
        deadline = start + WAIT_MS / 1000
        while len(self.finished) <= before:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no end of run within {WAIT_MS / 1000:.0f} s after {what}")
            self.page.wait_for_timeout(2)
        finished = self.finished[before] - start
        self.idle()
        self.page.evaluate(TWO_FRAMES)
        return 1000 * finished, 1000 * (time.perf_counter() - start)

    def step(self, key, n):
        """Step widget ``key`` once (the ``n``-th step); returns (ms to finished, ms to painted)."""
        box = self.page.locator(f".st-key-{key}")
        # A widget's code loads lazily: a skeleton stands in until its control is drawn.
        box.locator("input, textarea").first.wait_for(
            timeout=WAIT_MS)
        before = len(self.finished)
        slider = box.locator('input[type="range"]')
        if slider.count():
            slider.first.focus()
            start = time.perf_counter()
            self.page.keyboard.press("ArrowRight")
        elif box.locator('input[type="number"]').count():
            field = box.locator('input[type="number"]').first
            field.fill(str(int(float(field.input_value())) + 1))
            start = time.perf_counter()
            field.press("Enter")
        else:
            field = box.locator("input, textarea").first
            field.fill(SENTENCES[n % len(SENTENCES)])
            start = time.perf_counter()
            field.press("Enter")
        return self.until_done(before, start, f"stepping {key}")

    def close(self):
        self.context.close()


def time_full_size(browser, url, moves, steps):
    """Upload a 12 MP photo at the working size "full size", then open each page and step its widget.

    Returns ``{page: (ms to finished, ms to painted) of the open, [(finished, painted) of each step]}`` and the
    upload's ``(finished, painted)``.
    """
    from bench.full_size import QUERY, phone_photo
    from widgets.registry import PAGES

    titles = {Path(lab.path).stem: lab.title for lab in PAGES}
    tab = Tab(browser, f"{url}/?{QUERY}")
    try:
        tab.page.locator(".st-key-source").get_by_text("Upload", exact=True).click()
        tab.idle()
        field = tab.page.locator(".st-key-upload input[type=file]")
        field.wait_for(state="attached", timeout=WAIT_MS)
        # Playwright hands the file to the page over its own channel first (1-2 s for 1.6 MB), which no user
        # waits for: the upload is timed from the moment the page starts sending it (its PUT request).
        sent = []
        tab.page.on("request", lambda request: sent.append(time.perf_counter()) if request.method == "PUT" else None)
        before = len(tab.finished)
        field.set_input_files({"name": "phone.jpg", "mimeType": "image/jpeg", "buffer": phone_photo(0)})
        tab.page.wait_for_function("() => true")  # let the page's events arrive
        while not sent:
            tab.page.wait_for_timeout(2)
        upload = tab.until_done(before, sent[0], "the upload")
        results = {}
        for move in moves:
            link = tab.page.locator('[data-testid="stSidebarNavLink"]', has_text=titles[move.page])
            time.sleep(PAUSE_S)
            opened = tab.timed(link.first.click)
            stepped = []
            for n in range(steps):
                time.sleep(PAUSE_S)
                stepped.append(tab.step(move.key, n))
            results[move.page] = (opened, stepped)
        return results, upload
    finally:
        tab.close()


def time_steps(browser, url, key, steps):
    tab = Tab(browser, url)
    try:
        runs = []
        for n in range(steps):
            time.sleep(PAUSE_S)
            runs.append(tab.step(key, n))
        return runs
    finally:
        tab.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=8, help="timed steps per page (8)")
    add_pages_argument(parser, "time")
    parser.add_argument("--full-size", action="store_true",
                        help="upload a 12 MP photo at the working size full size, then open each page and step it")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results = {}
    with running_server("app.py", options=SHOW_ERRORS) as app, \
            running_server(Path("bench") / "floor_app.py", options=SHOW_ERRORS + FLOOR_OPTIONS["bare"]) as floor, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        results["floor"] = (FLOOR, time_steps(browser, floor.url, FLOOR.key, args.steps))
        if args.full_size:
            moves = [m for m in MOVES if m.page in args.pages]
            print("  full size ...", file=sys.stderr, flush=True)
            opened, upload = time_full_size(browser, app.url, moves, args.steps)
            browser.close()
            return report_full_size(results["floor"][1], moves, opened, upload, args.steps)
        for move in (m for m in MOVES if m.page in args.pages):
            print(f"  {move.page} ...", file=sys.stderr, flush=True)
            path = "" if move.page == "home" else move.page
            results[move.page] = (move, time_steps(browser, f"{app.url}/{path}", move.key, args.steps))
        browser.close()
    floor_finished = statistics.median(f for f, _ in results["floor"][1])
    floor_painted = statistics.median(p for _, p in results["floor"][1])
    print(f"Chromium, {os.cpu_count()} CPUs, {args.steps} steps per page; medians.\n")
    print("| Page | Widget stepped | To script_finished (ms) | × floor | To painted (ms) | × floor |")
    print("|---|---|--:|--:|--:|--:|")
    for name, (move, runs) in results.items():
        finished = statistics.median(f for f, _ in runs)
        painted = statistics.median(p for _, p in runs)
        label = "floor (one slider)" if name == "floor" else name
        print(f"| {label} | `{move.key}` | {finished:.0f} | {finished / floor_finished:.1f} | {painted:.0f} "
              f"| {painted / floor_painted:.1f} |")
    return 0


def report_full_size(floor_runs, moves, opened, upload, steps):
    floor_finished = statistics.median(f for f, _ in floor_runs)
    floor_painted = statistics.median(p for _, p in floor_runs)
    print(f"Chromium, {os.cpu_count()} CPUs, a 4000 × 3000 JPEG at the working size full size; {steps} steps per "
          f"page; floor step {floor_finished:.0f} ms to script_finished, {floor_painted:.0f} ms to painted.\n")
    print(f"Upload: {upload[0]:.0f} ms to script_finished, {upload[1]:.0f} ms to painted.\n")
    print("| Page | Open: to script_finished (ms) | Open: to painted (ms) | Widget stepped | Step: to painted (ms) "
          "| × floor |")
    print("|---|--:|--:|---|--:|--:|")
    for move in moves:
        (finished, painted), runs = opened[move.page]
        step = statistics.median(p for _, p in runs) if runs else float("nan")
        print(f"| {move.page} | {finished:.0f} | {painted:.0f} | `{move.key}` | {step:.0f} | "
              f"{step / floor_painted:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
