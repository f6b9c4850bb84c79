"""Time the app's reruns and weigh the figure data its pages send, against issue 3's targets.

Run from the repository root::

    python bench/bench_app.py              # 20 timed reruns per case
    python bench/bench_app.py --reruns 40

Everything runs server-side under ``streamlit.testing.v1.AppTest``; no
browser is started. For each case the script opens the page, moves the
sidebar's kernel height 2 -> 3 -> 2 ... (two warm-up moves first, so caches
are filled) and times every ``.run()``: that is one full script rerun plus
AppTest's own work of turning the messages into an element tree, so it is a
slight over-estimate of what a real server spends, and it leaves out the
network and the browser's drawing.

"Figure data" is the summed size in bytes of every ``st.plotly_chart`` JSON
spec the page sends (``at.get("plotly_chart")[i].proto.spec``), frames
included. Images shown with ``st.image`` travel separately as media files and
are not counted.

Targets (issue 3, "Caching and speed"), at default settings:

- a rerun after a slider or number move takes at most 150 ms. The verdict is
  on the median, since one rerun can catch a garbage collection or other load
  on the machine; the max is printed beside it and flagged when it is over;
- no page sends more than 2 MB of figure data.

The cases marked "other" or "worst case" go beyond the defaults on purpose: the Window
Sweep at its largest grid (16 x 16, kernel 2, stride 1: 225 frames) and the
crop source on a 12-megapixel upload kept at full size. They are reported
against the same targets, honestly; only the default cases decide the exit
status (1 when a default target is missed).
"""

import argparse
import io
import logging
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from pooling.samples import load_sample  # noqa: E402

RERUN_TARGET_S = 0.150
FIGURE_TARGET_BYTES = 2 * 1024 * 1024
TIMEOUT_S = 120


@dataclass
class Case:
    name: str
    page: str
    setup: tuple = ()  # (widget kind, key, value) moves made before measuring
    upload: bytes = b""  # a photo to upload first, if any
    kind: str = "default"  # "default" cases decide the exit status; "other" and "worst case" are reported

    @property
    def default(self):
        return self.kind == "default"


def big_photo_jpeg(width=4000, height=3000):
    """A 12-megapixel JPEG of real photo content (the astronaut sample, scaled up), as a phone would send."""
    pixels = np.asarray(load_sample("Astronaut").pixels)
    buffer = io.BytesIO()
    Image.fromarray(pixels).resize((width, height), Image.Resampling.BICUBIC).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def cases():
    return [
        Case("Home", "pages/home.py"),
        Case("Window Sweep", "pages/window_sweep.py"),
        Case("Window Sweep, crop of the sample", "pages/window_sweep.py",
             setup=(("radio", "sweep_source", "crop"),), kind="other"),
        Case("Window Sweep 16x16, k2 s1", "pages/window_sweep.py",
             setup=(("number_input", "sweep_rows", 16), ("number_input", "sweep_cols", 16),
                    ("number_input", "stride", 1)), kind="worst case"),
        Case("Window Sweep, crop of a 12 MP upload, full size", "pages/window_sweep.py",
             setup=(("selectbox", "working_size", "full"), ("radio", "sweep_source", "crop")),
             upload=big_photo_jpeg(), kind="worst case"),
    ]


def _checked(at, what):
    if at.exception:
        raise RuntimeError(f"{what}: the app raised {[e.value for e in at.exception]}")
    return at


def open_case(case):
    at = _checked(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S).run(), case.name)
    if case.page != "pages/home.py":
        _checked(at.switch_page(case.page).run(), case.name)
    if case.upload:
        _checked(at.radio(key="source").set_value("upload").run(), case.name)
        _checked(at.file_uploader(key="upload").set_value(("photo.jpg", case.upload, "image/jpeg")).run(), case.name)
        if at.error:
            raise RuntimeError(f"{case.name}: the upload was refused: {[e.value for e in at.error]}")
    for kind, key, value in case.setup:
        _checked(getattr(at, kind)(key=key).set_value(value).run(), case.name)
    return at


def figure_bytes(at):
    return sum(len(chart.proto.spec.encode("utf-8")) for chart in at.get("plotly_chart"))


def rerun_times(at, reruns, warmup=2):
    """Seconds of each rerun after a kernel-height move, alternating 3 and 2."""
    times = []
    for i in range(warmup + reruns):
        widget = at.number_input(key="kernel_h").set_value(3 if i % 2 == 0 else 2)
        start = time.perf_counter()
        widget.run()
        elapsed = time.perf_counter() - start
        _checked(at, "rerun")
        if i >= warmup:
            times.append(elapsed)
    return times


def verdict(ok):
    return "PASS" if ok else "MISS"


def main(argv=None):
    # AppTest's own threads warn about a missing ScriptRunContext on every run; the warning is harmless.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=20, help="timed reruns per case (default 20)")
    args = parser.parse_args(argv)
    print(f"streamlit {streamlit.__version__}, python {platform.python_version()}, "
          f"{platform.machine()}, AppTest, {args.reruns} reruns per case after 2 warm-up moves")
    header = f"{'case':62} {'what':16} {'median':>9} {'max':>9} {'target':>9}  result"
    print(header)
    print("-" * len(header))
    missed_default = []
    for case in cases():
        at = open_case(case)
        size = figure_bytes(at)
        times = rerun_times(at, args.reruns)
        median, worst = statistics.median(times), max(times)
        label = case.name + ("" if case.default else f" ({case.kind})")
        rerun_ok, size_ok = median <= RERUN_TARGET_S, size <= FIGURE_TARGET_BYTES
        spikes = "" if worst <= RERUN_TARGET_S else " (median; the max is over)" if rerun_ok else ""
        print(f"{label:62} {'rerun (ms)':16} {median * 1e3:9.0f} {worst * 1e3:9.0f} "
              f"{RERUN_TARGET_S * 1e3:9.0f}  {verdict(rerun_ok)}{spikes}")
        print(f"{'':62} {'figure data (kB)':16} {size / 1024:9.0f} {'':>9} "
              f"{FIGURE_TARGET_BYTES / 1024:9.0f}  {verdict(size_ok)}")
        if case.default:
            missed_default += [f"{case.name}: rerun"] * (not rerun_ok) + [f"{case.name}: figure data"] * (not size_ok)
    print("-" * len(header))
    print("default targets met" if not missed_default else f"default targets missed: {missed_default}")
    return 1 if missed_default else 0


if __name__ == "__main__":
    sys.exit(main())
