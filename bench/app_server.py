"""Start a ``streamlit run`` server on a free local port, wait until it answers, stop it; watch its memory.

Used by ``bench/bench_server.py`` and by the server tests::

    with running_server("app.py") as server:
        ...  # server.port, server.pid, server.log_path

The server runs from the repository root, so the repository's own
``.streamlit/config.toml`` is in effect, in a process group of its own, so
that stopping it stops anything it started as well.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "PeakRss", "Server", "free_port", "running_server", "tree_rss_bytes"]

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL


@dataclass(frozen=True)
class Server:
    """A running ``streamlit run``: its process, port and log."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def pid(self):
        return self.process.pid

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def log(self):
        """The server's output so far."""
        return self.log_path.read_text(errors="replace")


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url):
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(process):
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running_server(script, *, port=None, log_path=None, options=(), start_timeout=START_TIMEOUT):
    """Run ``streamlit run script`` headless on 127.0.0.1 until the block ends, then stop it, always.

    Parameters
    ----------
    script : str or Path
        The app, relative to the repository root (``"app.py"``,
        ``"bench/floor_app.py"``).
    port : int, optional
        A free one by default.
    log_path : Path, optional
        Where the server's output goes; a temporary file by default.
    options : sequence of str, optional
        More ``--section.option value`` arguments for ``streamlit run``.
    start_timeout : float, optional
        Seconds to wait for ``/_stcore/health``.

    Yields
    ------
    Server

    Raises
    ------
    RuntimeError
        When the server exits or does not answer in time; the message ends
        with its log.
    """
    port = port or free_port()
    if log_path is None:
        log_path = Path(tempfile.mkdtemp(prefix="streamlit-server-")) / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", *options]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(process, port, Path(log_path))
    try:
        deadline = time.monotonic() + start_timeout
        while not _healthy(server.url):
            if process.poll() is not None:
                raise RuntimeError(f"{' '.join(command)} exited with code {process.returncode}:\n{server.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command)} did not answer {server.url}/_stcore/health "
                                   f"within {start_timeout} s:\n{server.log()}")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)


def _children(pid):
    children = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as file:
                children.extend(int(child) for child in file.read().split())
    return children


def _rss_kb(pid):
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tree_rss_bytes(pid):
    """Resident memory of process ``pid`` and all its descendants, in bytes (0 once it has gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_kb(current)
        todo.extend(_children(current))
    return total * 1024


class PeakRss:
    """Sample :func:`tree_rss_bytes` of ``pid`` every ``interval`` seconds in a thread; keep the peak.

    Use it as a context manager. :meth:`reset` starts a new peak, e.g. at
    the start of a phase.
    """

    def __init__(self, pid, interval=0.1):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name=f"rss-{pid}", daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def reset(self):
        self.peak = tree_rss_bytes(self.pid)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
