"""The class run of ``bench_server.py`` against 1 replica and against 2 replicas behind HAProxy, in one run.

Run from the repository root::

    python bench/bench_deploy.py                    # 30 sessions x 8 reruns, 1 then 2 replicas
    python bench/bench_deploy.py --replicas 1 2 3 --sessions 60

For each replica count it starts ``bash deploy/serve.sh --replicas N`` on
free ports of 127.0.0.1, runs :func:`bench.bench_server.time_class` through
the balancer's port (each session's websocket goes to one replica and stays
there, as a browser's does), and stops it with Ctrl-C (SIGINT), always.
The same seed gives every replica count the same sessions, pages, moves and
think times. Memory is the peak resident memory of serve.sh's whole process
tree (every replica and HAProxy), sampled every 100 ms.
"""

import argparse
import asyncio
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import streamlit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.app_server import PeakRss, free_port
from bench.bench_server import MOVES, class_summary, time_class

START_TIMEOUT = 120.0  # seconds for every replica and HAProxy to answer
STOP_TIMEOUT = 20.0


class Served:
    """``deploy/serve.sh --replicas N`` on free ports, in a process group of its own; Ctrl-C on exit."""

    def __init__(self, replicas):
        self.replicas = replicas
        self.state_dir = Path(tempfile.mkdtemp(prefix=f"bench-deploy-{replicas}-"))
        self.port = free_port()
        backend = free_port()
        self.command = ["bash", str(ROOT / "deploy" / "serve.sh"), "--replicas", str(replicas),
                        "--port", str(self.port), "--address", "127.0.0.1", "--backend-port", str(backend),
                        "--state-dir", str(self.state_dir)]
        self.log = self.state_dir / "serve.out"

    def __enter__(self):
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "PYTHON": sys.executable}, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while "Press Ctrl-C to stop." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"serve.sh did not start:\n{self.log.read_text()}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def table(rows, sessions, rounds):
    lines = [
        (f"| {sessions} sessions × {rounds} reruns | Median rerun (ms) | p95 (ms) | First run p95 (ms) "
         "| Exceptions | Not finished | Reruns per s | Peak RSS (MB) |"),
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for replicas, s in rows:
        lines.append(f"| {replicas} replica{'s' if replicas > 1 else ''} behind HAProxy "
                     f"| {s['rerun_median_s'] * 1000:.0f} | {s['rerun_p95_s'] * 1000:.0f} "
                     f"| {s['first_p95_s'] * 1000:.0f} | {s['exceptions']} | {s['not_finished']} "
                     f"| {s['throughput']:.1f} | {s['peak_rss_bytes'] / 2**20:.0f} |")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2], help="replica counts to compare (1 2)")
    parser.add_argument("--sessions", type=int, default=30, help="sessions in the class (30)")
    parser.add_argument("--rounds", type=int, default=8, help="reruns per session after its first run (8)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the think times and choices (0)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a rerun counts as unfinished")
    args = parser.parse_args(argv)
    if min(args.replicas) < 1:
        parser.error(f"--replicas ({min(args.replicas)}) must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    labs = [m for m in MOVES if m.page != "home"]
    started, load = time.time(), os.getloadavg()[0]
    rows = []
    for replicas in args.replicas:
        print(f"  class on {replicas} replica(s) ...", file=sys.stderr, flush=True)
        with Served(replicas) as served, PeakRss(served.process.pid) as rss:
            runs = asyncio.run(time_class(served.port, labs, args.sessions, args.rounds, seed=args.seed,
                                          timeout=args.timeout))
            rows.append((replicas, class_summary(runs, rss.peak)))
    print(f"Streamlit {streamlit.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {load:.1f} at the start; {time.time() - started:.0f} s in all.\n")
    print(table(rows, args.sessions, args.rounds))
    for replicas, s in rows:
        for message in s["exception_messages"]:
            print(f"- exception on {replicas} replica(s): {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
