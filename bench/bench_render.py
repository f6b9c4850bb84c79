"""Time how long Chromium takes to draw each page's plotly figures, one by one.

Run from the repository root::

    python bench/bench_render.py                       # every page, 3 draws of each figure
    python bench/bench_render.py --pages feature_maps --draws 5

Over the websocket a rerun of a lab may take 150 ms, and yet a person in
Chromium waits a second or more (``bench/bench_browser.py``). A CPU profile of
the browser's main thread showed where that time goes: plotly.js drawing the
new figures, while the websocket's later messages wait for the same thread.
This bench finds which figures cost the most to draw. It opens each page under
Streamlit's AppTest (the sample photo, default settings), takes the spec of
every ``st.plotly_chart``, and draws it in a 700 px wide ``div`` with
plotly.js (the copy that ships with the plotly package) in Debian's Chromium,
until two animation frames have passed. A figure's time is the median of
``--draws`` fresh draws (``Plotly.newPlot``), after one untimed draw.

The browser draws the same figures with the plotly.js of Streamlit's own
bundle, so absolute times differ a little; the ranking is what this is for.
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.bench_browser import chromium_path
from bench.bench_server import add_pages_argument

DRAW = """async ([spec, config, draws]) => {
    const fig = JSON.parse(spec);
    const frames = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    const times = [];
    for (let n = 0; n <= draws; n++) {
        const div = document.createElement('div');
        div.style.width = '700px';
        document.body.appendChild(div);
        const start = performance.now();
        await Plotly.newPlot(div, fig.data || [], fig.layout || {}, Object.assign({responsive: false}, config));
        await frames();
        if (n > 0) times.push(performance.now() - start);
        Plotly.purge(div);
        div.remove();
    }
    return times;
}"""


def page_figures(page):
    """``(key, spec JSON, config JSON)`` of every plotly chart on ``page`` at its defaults."""
    from apptest_helpers import open_page

    at = open_page(None if page == "home" else f"pages/{page}.py")
    figures = []
    for element in at.get("plotly_chart"):
        key = element.proto.id.rsplit("-", 1)[-1]
        figures.append((key, element.proto.spec, element.proto.config or "{}"))
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=3, help="timed draws of each figure (3)")
    add_pages_argument(parser, "draw")
    args = parser.parse_args(argv)
    import plotly
    from playwright.sync_api import sync_playwright

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.set_content("<!doctype html><html><body></body></html>")
        tab.add_script_tag(path=str(plotly_js))
        for page in args.pages:
            print(f"  {page} ...", file=sys.stderr, flush=True)
            for key, spec, config in page_figures(page):
                times = tab.evaluate(DRAW, [spec, json.loads(config), args.draws])
                traces = json.loads(spec).get("data", [])
                kinds = ", ".join(sorted({t.get("type", "scatter") for t in traces}))
                rows.append((page, key, statistics.median(times), len(spec), len(traces), kinds))
        browser.close()
    print(f"Chromium, {os.cpu_count()} CPUs, plotly.js {plotly.__version__}'s bundle, median of {args.draws} draws.\n")
    print("| Page | Chart key | Draw (ms) | Spec (kB) | Traces | Trace types |")
    print("|---|---|--:|--:|--:|---|")
    for page, key, ms, size, n, kinds in rows:
        print(f"| {page} | `{key}` | {ms:.0f} | {size / 1000:.0f} | {n} | {kinds} |")
    for page in args.pages:
        total = sum(ms for p, _, ms, *_ in rows if p == page)
        print(f"- {page}: {total:.0f} ms to draw every figure once", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
