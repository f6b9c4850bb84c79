"""Time the running app the way browsers use it: reruns over Streamlit's websocket, against a one-slider floor.

Run from the repository root::

    python bench/bench_server.py                     # everything, about 5 to 10 minutes
    python bench/bench_server.py --reruns 5 --skip-class --pages max_vs_average noise
    python bench/bench_server.py --json bench-server.json
    python bench/bench_server.py --full-size         # every page on a 12 MP photo at full size

It starts two real servers on free ports of 127.0.0.1, from the repository
root so that its ``.streamlit/config.toml`` applies to both: ``streamlit run
app.py`` (Pooling Lab) and ``streamlit run bench/floor_app.py`` (the floor:
one slider and its value). Only ``client.showErrorDetails`` is set apart, to
``full``, so that an exception is reported with its message. The floor is
"bare" by default: the repository's config, but with Streamlit's own default
of a garbage collection after every run, as a bare Streamlit app has it (about
100 ms a rerun here); ``--floor tuned`` keeps the repository's config for it
too, a stricter floor. It drives them with :mod:`bench.streamlit_ws`,
which speaks the browser's protocol, and stops both at the end, always.

What it measures
----------------
Per page (one session at a time). The session opens the page, reruns twice to
fill the caches, then times ``--reruns`` warm reruns (nothing changed) and
``--reruns`` moves of the widget in :data:`MOVES`, each to a value not seen
before in the run, so that each move computes afresh. A time runs from sending the request to the
``script_finished`` message; bytes are the ForwardMsgs received meanwhile,
which is what a browser downloads (messages it holds in its cache come as
references). Each median is also given as a multiple of the floor app's
median for the same measure in the same run, timed before the pages; the
floor's move is timed again after them, and the report gives both, so that a
run whose machine slowed down on the way says so.

A class (``--sessions`` sessions at once, spread round-robin over the nine
labs, Home left out). All connect, then all ask for their first run at the
same moment; then each does ``--rounds`` reruns, waiting 0 to 3 s before each
(think time), each rerun a warm rerun or a move of the page's widget to a
random other value, half and half. The same pattern, with the same seed,
then runs on the floor app. Reported: median and 95th percentile rerun
time, the first runs apart, exception elements seen, reruns that did not
finish within ``--timeout``, throughput (finished runs per second of the
phase's wall time, first runs included) and the peak resident memory of the
server process and its children (sampled every 100 ms).

Pauses. The timed reruns of one page are 0.2 s apart, as a user's are. Back to
back, each would wait about 40 ms more, for a reason outside the app:
Streamlit 1.67 binds its listening socket itself with ``proto=0``, so asyncio
does not set ``TCP_NODELAY`` on the connections it accepts (it only does for
``proto == IPPROTO_TCP``); the server's small messages then wait for the
client's delayed ACK (40 ms on Linux) when the client has just sent its
request. After a short idle, Linux acknowledges at once and nothing waits.

Full size. ``--full-size`` runs every page on a 12-megapixel photo at the
working size "full size", each session uploading its own photo; see
:mod:`bench.full_size`. The per-page table then also gives each page's
first open with the photo, and the class reports the server's peak memory
with a full-size photo in every session.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import streamlit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import full_size
from bench.app_server import PeakRss, running_server
from bench.streamlit_ws import connect


@dataclass(frozen=True)
class Move:
    """The widget a benchmark moves on one page: its user key and the values it steps through."""

    page: str  # URL path; "home" is the default page, whose path is ""
    key: str
    values: tuple
    why: str = ""  # why this widget, when it is not the page's own slider


KERNELS = tuple(range(3, 19))  # the default is 2; kernel_w stays 2, so the taps grow 3 to 18, not 9 to 324
SIDEBAR = "the sidebar's kernel height"
SENTENCES = tuple(f"Sentence {n} of the bench is about pooling the words of a sentence into one vector."
                  for n in range(1, 17))

# The widget moved on each page, and the values it steps through. A page's own slider where moving it reruns
# the page's main computation and it has enough positions; else another of the page's own widgets that does;
# else the sidebar's kernel height, which every image lab pools with. Each list leaves out the widget's
# default and has at least 16 values where the widget has that many: more than a page cache holds
# (widgets.SHARED: 16 entries; st.cache_data: 8) and than the default 15 moves, so no move finds its result
# cached (a list shorter than the moves wraps round, and the report says so).
MOVES = (
    Move("home", "kernel_h", KERNELS, "Home has no control of its own; " + SIDEBAR + " feeds its summary"),
    Move("window_sweep", "sweep_rows", (2, 3, 4, 5, *range(7, 17))),
    Move("max_vs_average", "kernel_h", KERNELS, "its own sliders only move the zoom"),
    Move("information_loss", "kernel_h", KERNELS, "its own sliders only move a crop of the survival map"),
    Move("stacked_pooling", "stk_kernel_0", KERNELS),
    Move("shift_invariance", "kernel_h", KERNELS, "its shift sliders have 5 positions (0 to 2 × stride)"),
    Move("noise", "noise_level", tuple(round(0.03 * n, 2) for n in range(1, 17))),
    Move("alternatives", "alt_frac_seed", tuple(range(1, 17)),
         "its fractional-pooling ratio slider has 9 positions; the window seed redraws the same pooling"),
    Move("backward_pass", "sweep_rows", (2, 3, 4, 5, *range(7, 17))),
    Move("pooling_over_time", "pot_sentence", SENTENCES,
         "its dimensions slider has 9 positions; a new sentence reruns the same pooling"),
    Move("feature_maps", "fm_bias", tuple(round(-0.01 * n, 2) for n in (*range(1, 5), *range(6, 18))),
         "its bias slider reruns the ReLU and every pooling of the feature maps"),
)
# A second widget on the pages whose first move is their own slider: the sidebar's layer. Timed like MOVES
# (fresh values, one session), reported in a table of their own, and left out of the class.
SECOND_MOVES = (
    Move("feature_maps", "kernel_h", KERNELS,
         "the sidebar's kernel height redoes every map's pooling and the shift test"),
    Move("noise", "kernel_h", KERNELS, "the sidebar's kernel height redoes every pooled image and the chart"),
)
PAGE_NAMES = tuple(m.page for m in MOVES)
FLOOR = Move("floor", "floor_value", tuple(range(40, 60)))
QUERY_STRING = ""  # the link's query string for every session, e.g. "size=full"
WARM_UP = 2  # untimed reruns after a page opens: caches fill, and cached figures settle
PAUSE_S = 0.2  # between one page's timed reruns, as a user pauses; see "Pauses" in the module docstring
THINK_S = (0.0, 3.0)  # a class's pause before each rerun
# The one setting changed from the repository's config: an exception's message, not just its type, so that
# the report can say what went wrong. It changes nothing in a run that raises nothing.
SHOW_ERRORS = ("--client.showErrorDetails", "full")
# The floor app's settings beyond SHOW_ERRORS. Both floors run from the repository root, so its config applies;
# "bare" puts back the one default that config changes and that costs time: a garbage collection after every run.
FLOOR_OPTIONS = {"bare": ("--runner.postScriptGC", "true"), "tuned": ()}



def add_pages_argument(parser, what):
    """``--pages``: the pages a bench works on, by their file names (every page by default)."""
    parser.add_argument("--pages", nargs="+", choices=PAGE_NAMES, default=list(PAGE_NAMES), metavar="PAGE",
                        help=f"pages to {what}: {' '.join(PAGE_NAMES)} (all)")


# ------------------------------------------------------------------ timing


def _url_path(page):
    return "" if page == "home" else page


def _current(session, key):
    value = session.value(key)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _next_value(move, step, current):
    """The ``step``-th value of the cycle, skipping the one the widget already has."""
    value = move.values[step % len(move.values)]
    return move.values[(step + 1) % len(move.values)] if value == current else value


def _run_record(result):
    return {"seconds": result.seconds, "bytes": result.bytes_received, "finished": result.finished,
            "exceptions": result.exceptions, "cached_refs": result.cached_refs}


async def time_page(port, move, reruns, *, query_string=QUERY_STRING, timeout=60.0):
    """Open ``move.page``, warm it up, then time ``reruns`` warm reruns and ``reruns`` moves of its widget.

    Returns
    -------
    dict
        ``{"first": run, "warm": [run, ...], "moves": [run, ...]}``, each run a
        dict of seconds, bytes, finished, exceptions and cached_refs.
    """
    async with connect(port, page=_url_path(move.page), query_string=query_string) as session:
        first = await session.rerun(timeout=timeout)
        for _ in range(WARM_UP):
            await session.rerun(timeout=timeout)
        warm = []
        for _ in range(reruns):
            await asyncio.sleep(PAUSE_S)
            warm.append(await session.rerun(timeout=timeout))
        moved = []
        for step in range(reruns):
            await asyncio.sleep(PAUSE_S)
            value = _next_value(move, step, _current(session, move.key))
            moved.append(await session.set_widget(move.key, value, timeout=timeout))
    return {"first": _run_record(first), "warm": [_run_record(r) for r in warm],
            "moves": [_run_record(r) for r in moved]}


async def _class_member(session, move, rounds, rng, timeout, start):
    await start.wait()
    first = await session.rerun(timeout=timeout)
    runs = []
    for _ in range(rounds):
        await asyncio.sleep(rng.uniform(*THINK_S))
        if rng.random() < 0.5 and move.key in session.widget_keys():
            current = _current(session, move.key)
            value = rng.choice([v for v in move.values if v != current])
            result = await session.set_widget(move.key, value.item() if hasattr(value, "item") else value,
                                              timeout=timeout)
        else:
            result = await session.rerun(timeout=timeout)
        runs.append(result)
    return first, runs


async def time_class(port, moves, sessions, rounds, *, seed, query_string=QUERY_STRING, timeout=60.0):
    """``sessions`` sessions over ``moves`` at once, each a first run and ``rounds`` reruns with think time.

    Session ``i`` opens ``moves[i % len(moves)]`` and draws its think times
    and choices from ``np.random.default_rng([seed, i])``, so a class on
    another app with the same seed follows the same pattern.

    Returns
    -------
    dict
        ``{"first": [run, ...], "reruns": [run, ...], "seconds": wall time}``.
    """
    start = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        members = []
        for i in range(sessions):
            move = moves[i % len(moves)]
            session = await stack.enter_async_context(
                connect(port, page=_url_path(move.page), query_string=query_string))
            members.append(_class_member(session, move, rounds, np.random.default_rng([seed, i]), timeout, start))
        tasks = [asyncio.ensure_future(member) for member in members]
        began = time.perf_counter()
        start.set()
        outcomes = await asyncio.gather(*tasks)
        seconds = time.perf_counter() - began
    return {"first": [_run_record(first) for first, _ in outcomes],
            "reruns": [_run_record(r) for _, runs in outcomes for r in runs], "seconds": seconds}


# ------------------------------------------------------------------ summary


def _median(runs, what="seconds"):
    values = [r[what] for r in runs if r["finished"]]
    return statistics.median(values) if values else float("nan")


def _p95(runs):
    values = sorted(r["seconds"] for r in runs if r["finished"])
    return float(np.percentile(values, 95)) if values else float("nan")


def page_summary(runs):
    """Medians of one page's warm reruns and moves: seconds and bytes, and their exceptions and timeouts."""
    everything = [runs["first"], *runs["warm"], *runs["moves"]]
    return {
        "warm_s": _median(runs["warm"]), "move_s": _median(runs["moves"]),
        "warm_bytes": _median(runs["warm"], "bytes"), "move_bytes": _median(runs["moves"], "bytes"),
        "first_s": runs["first"]["seconds"],
        "exceptions": sorted({e for r in everything for e in r["exceptions"]}),
        "not_finished": sum(not r["finished"] for r in everything),
    }


def class_summary(runs, peak_rss):
    """Median and p95 of a class's reruns (first runs apart), exceptions, timeouts, throughput, peak memory."""
    everything = runs["first"] + runs["reruns"] + runs.get("uploads", [])
    return {
        "rerun_median_s": _median(runs["reruns"]), "rerun_p95_s": _p95(runs["reruns"]),
        "first_median_s": _median(runs["first"]), "first_p95_s": _p95(runs["first"]),
        "exceptions": sum(len(r["exceptions"]) for r in everything),
        "exception_messages": sorted({e for r in everything for e in r["exceptions"]}),
        "not_finished": sum(not r["finished"] for r in everything),
        "throughput": sum(r["finished"] for r in everything) / runs["seconds"],
        "seconds": runs["seconds"], "peak_rss_bytes": peak_rss,
    }


def _ms(seconds):
    return f"{seconds * 1000:.0f}"


def _kb(n):
    return f"{n / 1024:.1f}" if n < 10 * 1024 else f"{n / 1024:.0f}"


def _ratio(a, b):
    return f"{a / b:.1f}" if b else "-"


def pages_table(pages, floor, *, opens=False):
    """The per-page markdown table: medians and their multiples of the floor's; ``opens``: each page's first open."""
    lines = [
        ("| Page | Widget moved |" + (" First open (ms) |" if opens else "")
         + " Warm rerun (ms) | × floor | Move (ms) | × floor | kB per warm rerun | × floor | kB per move | × floor |"),
        "|---|---|" + ("--:|" if opens else "") + "--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for move, s in pages:
        note = f" ⚠ {len(s['exceptions'])} exception(s)" if s["exceptions"] else ""
        first = f" {_ms(s['first_s'])} |" if opens else ""
        lines.append(
            f"| {move.page}{note} | `{move.key}` |{first} {_ms(s['warm_s'])} | {_ratio(s['warm_s'], floor['warm_s'])} "
            f"| {_ms(s['move_s'])} | {_ratio(s['move_s'], floor['move_s'])} "
            f"| {_kb(s['warm_bytes'])} | {_ratio(s['warm_bytes'], floor['warm_bytes'])} "
            f"| {_kb(s['move_bytes'])} | {_ratio(s['move_bytes'], floor['move_bytes'])} |")
    lines.append(f"| floor (one slider) | `{FLOOR.key}` |{' - |' if opens else ''} {_ms(floor['warm_s'])} | 1.0 "
                 f"| {_ms(floor['move_s'])} "
                 f"| 1.0 | {_kb(floor['warm_bytes'])} | 1.0 | {_kb(floor['move_bytes'])} | 1.0 |")
    return "\n".join(lines)


def second_table(moves, floor):
    """The markdown table of :data:`SECOND_MOVES`: each move's median and its multiple of the floor's move."""
    lines = ["| Page | Widget moved | Move (ms) | × floor | kB per move | × floor |", "|---|---|--:|--:|--:|--:|"]
    for move, s in moves:
        note = f" ⚠ {len(s['exceptions'])} exception(s)" if s["exceptions"] else ""
        lines.append(f"| {move.page}{note} | `{move.key}` | {_ms(s['move_s'])} "
                     f"| {_ratio(s['move_s'], floor['move_s'])} "
                     f"| {_kb(s['move_bytes'])} | {_ratio(s['move_bytes'], floor['move_bytes'])} |")
    return "\n".join(lines)


def class_table(app, floor, sessions, rounds):
    """The class's markdown table: Pooling Lab, the floor, and the lab as a multiple of the floor."""
    lines = [
        (f"| {sessions} sessions × {rounds} reruns | Median rerun (ms) | p95 (ms) | First run median (ms) "
         "| First run p95 (ms) | Exceptions | Not finished | Runs per s | Peak RSS (MB) |"),
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, s in (("Pooling Lab", app), ("floor", floor)):
        lines.append(f"| {name} | {_ms(s['rerun_median_s'])} | {_ms(s['rerun_p95_s'])} | {_ms(s['first_median_s'])} "
                     f"| {_ms(s['first_p95_s'])} | {s['exceptions']} | {s['not_finished']} "
                     f"| {s['throughput']:.1f} | {s['peak_rss_bytes'] / 2**20:.0f} |")
    ratios = [_ratio(app[k], floor[k]) for k in ("rerun_median_s", "rerun_p95_s", "first_median_s", "first_p95_s")]
    lines.append(f"| × floor | {' | '.join(ratios)} | | | {_ratio(app['throughput'], floor['throughput'])} "
                 f"| {_ratio(app['peak_rss_bytes'], floor['peak_rss_bytes'])} |")
    return "\n".join(lines)


# ------------------------------------------------------------------ main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reruns", type=int, default=15, help="timed warm reruns and moves per page (15)")
    parser.add_argument("--sessions", type=int, default=30, help="sessions in the class (30)")
    parser.add_argument("--rounds", type=int, default=8, help="reruns per class session after its first run (8)")
    add_pages_argument(parser, "time one by one")
    parser.add_argument("--skip-class", action="store_true", help="time the pages one by one only")
    parser.add_argument("--seed", type=int, default=0, help="seed of the class's think times and choices (0)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a rerun counts as unfinished")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--full-size", action="store_true",
                        help="every session uploads its own 12 MP photo and works at full size (see bench/full_size.py)")
    parser.add_argument("--floor", choices=tuple(FLOOR_OPTIONS), default="bare",
                        help="bare: the one-slider app with Streamlit's own defaults, the issue's yardstick; tuned: "
                             "the same app with this repository's config (no garbage collection after each run), "
                             "a stricter floor (bare)")
    return parser.parse_args(argv)


async def bench(app, floor, args, app_rss, floor_rss):
    """Every measurement of one benchmark run, on the two running servers."""
    moves = [m for m in MOVES if m.page in args.pages]
    raw = {"floor": await time_page(floor.port, FLOOR, args.reruns, timeout=args.timeout), "pages": {}}
    if args.full_size:
        print("  every page on a 12 MP photo ...", file=sys.stderr, flush=True)
        found = await full_size.time_pages(app.port, moves, args.reruns, run_record=_run_record, next_value=_next_value,
                                           current=_current, pause=PAUSE_S, timeout=args.timeout)
        raw["pages"], raw["upload"], raw["photo_bytes"] = found["pages"], found["upload"], found["photo_bytes"]
    else:
        for move in moves:
            print(f"  {move.page} ...", file=sys.stderr, flush=True)
            raw["pages"][move.page] = await time_page(app.port, move, args.reruns, timeout=args.timeout)
        for move in (m for m in SECOND_MOVES if m.page in args.pages):
            print(f"  {move.page}, {move.key} ...", file=sys.stderr, flush=True)
            raw.setdefault("second", {})[move.page] = await time_page(app.port, move, args.reruns,
                                                                      timeout=args.timeout)
    # The floor again, after the pages: the ratios use the first, and a run whose machine slowed down (or sped up)
    # on the way shows it here instead of in every page's ratio unseen.
    raw["floor_after"] = await time_page(floor.port, FLOOR, args.reruns, timeout=args.timeout)
    if not args.skip_class:
        labs = [m for m in MOVES if m.page != "home"]
        for name, server, rss, class_moves in (("app", app, app_rss, labs), ("floor", floor, floor_rss, [FLOOR])):
            print(f"  class on {name} ...", file=sys.stderr, flush=True)
            rss.reset()
            if args.full_size and name == "app":
                found = await full_size.time_class(server.port, class_moves, args.sessions, args.rounds,
                                                   seed=args.seed, run_record=_run_record, timeout=args.timeout)
            else:
                found = await time_class(server.port, class_moves, args.sessions, args.rounds, seed=args.seed,
                                         timeout=args.timeout)
            raw[f"class_{name}"] = {**found, "peak_rss_bytes": rss.peak}
    return raw


def report(raw, args):
    """The markdown tables of a benchmark run's raw results."""
    floor = page_summary(raw["floor"])
    pages = [(m, page_summary(raw["pages"][m.page])) for m in MOVES if m.page in raw["pages"]]
    text = [pages_table(pages, floor, opens=args.full_size)]
    if args.full_size:
        text.insert(0, f"Full size: a {full_size.PHOTO_SIZE[0]} × {full_size.PHOTO_SIZE[1]} JPEG of "
                       f"{raw['photo_bytes'] / 2**20:.1f} MB, uploaded in {_ms(raw['upload']['seconds'])} ms "
                       "(to the end of Home's run); \"first open\" is each page's first run with it.")
    seconds = [(m, page_summary(raw["second"][m.page])) for m in SECOND_MOVES if m.page in raw.get("second", {})]
    if seconds:
        text.append("The sidebar's layer on pages whose first move is their own slider:\n\n"
                    + second_table(seconds, floor))
    notes = [f"- {m.page}: `{m.key}`, because {m.why}." for m, _ in pages + seconds if m.why]
    notes += [f"- {m.page}: {len(m.values)} values for {args.reruns} moves: the list wraps round, and a move "
              "may find its result cached." for m, _ in pages if len(m.values) < args.reruns]
    if notes:
        text.append("About the widgets moved:\n" + "\n".join(notes))
    raised = [f"- {m.page}: {e}" for m, s in pages for e in s["exceptions"]]
    if raised:
        text.append("Exceptions while timing the pages:\n" + "\n".join(raised))
    if "class_app" in raw:
        app_class = class_summary(raw["class_app"], raw["class_app"]["peak_rss_bytes"])
        floor_class = class_summary(raw["class_floor"], raw["class_floor"]["peak_rss_bytes"])
        text.append(class_table(app_class, floor_class, args.sessions, args.rounds))
        for message in app_class["exception_messages"]:
            text.append(f"- exception in the class: {message}")
    if "floor_after" in raw:
        after = page_summary(raw["floor_after"])
        text.append(f"The floor's move took {_ms(floor['move_s'])} ms at the start of the run and "
                    f"{_ms(after['move_s'])} ms after the pages ({_ratio(after['move_s'], floor['move_s'])} ×); "
                    "every ratio above is to the first.")
    unfinished = sum(s["not_finished"] for _, s in pages + seconds)
    if unfinished:
        text.append(f"- {unfinished} timed runs did not finish within {args.timeout} s.")
    return "\n\n".join(text)


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    load = os.getloadavg()[0]
    with running_server("app.py", options=SHOW_ERRORS) as app, \
            running_server(Path("bench") / "floor_app.py", options=SHOW_ERRORS + FLOOR_OPTIONS[args.floor]) as floor, \
            PeakRss(app.pid) as app_rss, PeakRss(floor.pid) as floor_rss:
        print(f"Server logs: {app.log_path} (app), {floor.log_path} (floor)", file=sys.stderr, flush=True)
        raw = asyncio.run(bench(app, floor, args, app_rss, floor_rss))
        raw["peak_rss_bytes"] = {"app": app_rss.peak, "floor": floor_rss.peak}
    raw["run"] = {"streamlit": streamlit.__version__, "python": platform.python_version(), "cpus": os.cpu_count(),
                  "load_average_at_start": load, "seconds": time.time() - started, "args": {
                      k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
                  "moves": [asdict(m) for m in MOVES], "floor": args.floor,
                  "query_string": full_size.QUERY if args.full_size else QUERY_STRING}
    print(f"Streamlit {streamlit.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {load:.1f} at the start; floor: {args.floor}; {args.reruns} timed reruns and moves per page; "
          f"{'full size, a 12 MP upload per session; ' if args.full_size else ''}"
          f"{time.time() - started:.0f} s in all.\n")
    print(report(raw, args))
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
