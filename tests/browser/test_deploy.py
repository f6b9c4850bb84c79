"""deploy/serve.sh for real: two replicas behind HAProxy, two students, one replica killed mid-class.

The balancer is Debian's haproxy (installed through apt-get when missing and
run as root, as ``tests/run.sh`` does); the browser is Debian's Chromium, with
the fixtures and checks of ``tests/browser/conftest.py``. Everything talks to
127.0.0.1 only. The whole module takes about a minute; ``tests/run.sh`` runs
it with the browser tests, after the others, one test at a time.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
import test_browser as browser_tests
from conftest import VIEWPORT, WAIT_MS, BrowserPage, Watch
from playwright.sync_api import expect

from poolinglab.settings import UPLOAD_NOT_HELD
from widgets.registry import PAGES

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "deploy" / "serve.sh"
START_TIMEOUT = 90  # seconds for two replicas and HAProxy to answer, on a busy 2-core machine
STOP_TIMEOUT = 20
REPLICA_HEADER = "x-pooling-lab-replica"
STICKY_COOKIE = "POOLING_LAB_REPLICA"
# Two replicas, HAProxy and Chromium share two cores with whatever else runs: a step may take longer than the
# browser tests' WAIT_MS before it counts as failed.
STEP_TIMEOUT_MS = 2 * WAIT_MS


# ------------------------------------------------------------ the balancer


def ensure_haproxy():
    """HAProxy on the PATH, installed through apt-get when missing and run as root; else fail, saying what to do."""
    if shutil.which("haproxy"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "haproxy"],
                       check=True, env=env, timeout=300, stdout=subprocess.DEVNULL)
    if not shutil.which("haproxy"):
        pytest.fail("The deploy tests need HAProxy (Debian: apt-get install haproxy; bash tests/run.sh installs it "
                    "when run as root). They are never skipped.", pytrace=False)


def _port_free(port):
    """Nothing listens on ``port`` of 127.0.0.1 (a port left in TIME_WAIT counts as free, as it does for serve.sh)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count):
    """The first of ``count`` consecutive free ports on 127.0.0.1."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        if first + count <= 65535 and all(_port_free(first + i) for i in range(count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def _get(url, cookies=None, method="GET"):
    """(status, headers, body) of one request, with a bounded wait; an HTTP error is an answer too."""
    request = urllib.request.Request(url, method=method, data=b"" if method == "PUT" else None)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
    if cookies and "_streamlit_xsrf" in cookies:
        request.add_header("X-Xsrftoken", cookies["_streamlit_xsrf"])
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child stays a zombie until serve.sh reaps it: that is gone, too.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def _as_from_a_terminal():
    """Give serve.sh Ctrl-C and TERM as a terminal's shell does: at their default, not ignored, not blocked.

    A child inherits an ignored or blocked signal across exec, and bash cannot trap a signal that was ignored when
    it started. In CI's full run, serve.sh sometimes started that way from a pytest worker (no INT trap ran, and
    the replicas, which set their own handler, caught the Ctrl-C instead); a student's terminal never does.
    """
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _signal_state(pid):
    """The ``SigBlk``, ``SigIgn`` and ``SigCgt`` lines of a process's status, to say why a Ctrl-C went unheard."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "(gone)"
    return ", ".join(line.replace("\t", " ") for line in lines if line.startswith(("SigBlk", "SigIgn", "SigCgt")))


class Serving:
    """``bash deploy/serve.sh --replicas 2`` on free ports, with its pids and its output."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        self.port = _free_ports(1)
        self.backend_port = _free_ports(2)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = state_dir / "serve.out"
        command = ["bash", str(SERVE), "--replicas", "2", "--port", str(self.port), "--address", "127.0.0.1",
                   "--backend-port", str(self.backend_port), "--state-dir", str(state_dir)]
        with open(self.log, "w") as log:
            # Its own process group, so that the test can press Ctrl-C on it as a terminal does.
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "PYTHON": sys.executable}, start_new_session=True,
                                            preexec_fn=_as_from_a_terminal)
        self.pids = {}

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while "Press Ctrl-C to stop." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"serve.sh did not start within {START_TIMEOUT} s:\n{self.output()}", pytrace=False)
            time.sleep(0.2)
        self.pids = {path.stem: int(path.read_text()) for path in self.state_dir.glob("*.pid")}
        assert set(self.pids) == {"replica1", "replica2", "haproxy"}, self.pids

    def output(self):
        logs = [self.log, *sorted(self.state_dir.glob("replica*.log"))]
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}" for path in logs if path.exists())

    def press_ctrl_c(self):
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self):
        """The safety net: whatever is still running after the tests is stopped, by its own pid."""
        if self.process.poll() is None:
            try:
                self.press_ctrl_c()
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for pid in self.pids.values():
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    ensure_haproxy()
    served = Serving(tmp_path_factory.mktemp("deploy"))
    try:
        served.wait_ready()
        yield served
    finally:
        served.stop()


# ------------------------------------------------------------ students


@pytest.fixture
def students(browser, serving, tmp_path):  # browser: the session's Chromium, from conftest.py beside this file
    """A function that opens a new student: a browser context of its own, so cookies of its own."""
    opened = []

    def student():
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        watch = Watch(serving.base)
        watch.attach(context, page)
        lab = BrowserPage(page, serving.base, watch, tmp_path)
        opened.append(lab)
        return lab

    yield student
    for lab in opened:
        lab.page.context.close()
    for lab in opened:
        assert not lab.watch.problems(), "\n".join(lab.watch.problems())


def replica_of(lab):
    """The replica this browser is pinned to, from its sticky cookie."""
    cookies = {c["name"]: c["value"] for c in lab.page.context.cookies()}
    return cookies.get(STICKY_COOKIE)


def open_home(lab):
    """Open the app as a new student; return the replica that answered, from the balancer's header."""
    response = lab.page.goto(lab.base + "/")
    lab.expect_title("Pooling Lab")
    lab.wait_idle()
    return response.headers[REPLICA_HEADER]


# ------------------------------------------------------------ the tests


def test_serve_refuses_a_busy_port_and_no_replicas(serving):
    def serve(*args):
        run = subprocess.run(["bash", str(SERVE), "--address", "127.0.0.1", *args], check=False, cwd=ROOT,
                             capture_output=True, text=True, timeout=30, env={**os.environ, "PYTHON": sys.executable})
        return run.returncode, run.stderr

    code, said = serve("--replicas", "0", "--port", str(serving.port + 7))
    assert code == 2 and "--replicas (0) must be at least 1" in said
    code, said = serve("--replicas", "two")
    assert code == 2 and "--replicas ('two') must be a whole number" in said
    code, said = serve("--port", str(serving.port))
    assert code == 2 and f"port {serving.port} is in use" in said
    code, said = serve("--port", str(_free_ports(1)), "--backend-port", str(serving.backend_port))
    assert code == 2 and f"port {serving.backend_port} on 127.0.0.1, for replica 1, is in use" in said


def test_an_upload_for_a_session_a_replica_does_not_hold_gets_streamlits_answer(serving):
    # Both replicas take the XSRF token either one set (XSRF stays on), and answer a session they do not
    # hold at once, with Streamlit's own 400, whichever the cookie names.
    status, headers, _ = _get(serving.base + "/_stcore/health")
    assert status == 200
    xsrf = re.search(r"_streamlit_xsrf=([^;]+)", "; ".join(headers.get_all("Set-Cookie") or []))
    assert xsrf, f"no XSRF cookie from the health check: {headers}"
    token = xsrf.group(1)
    for replica in ("replica1", "replica2"):
        started = time.monotonic()
        status, headers, body = _get(serving.base + "/_stcore/upload_file/no-such-session/file", method="PUT",
                                     cookies={STICKY_COOKIE: replica, "_streamlit_xsrf": token})
        assert (status, headers[REPLICA_HEADER]) == (400, replica), body
        assert b"Invalid session_id" in body
        assert time.monotonic() - started < 5
    status, _, _ = _get(serving.base + "/_stcore/upload_file/no-such-session/file", method="PUT",
                        cookies={STICKY_COOKIE: "replica1"})
    assert status == 403, "an upload without the XSRF token must be refused"


class StandIn:
    """A stand-in replica on 127.0.0.1: answers ``/`` with its name, and its health check after ``health_wait`` s;
    the first ``drop`` other requests get no answer (the connection is closed)."""

    def __init__(self, name, port, health_wait=0.0, drop=0):
        dropped = []

        class Answer(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                if self.path == "/_stcore/health":
                    time.sleep(health_wait)
                elif len(dropped) < drop:  # close the connection unanswered, as a kept-alive one closed under a request
                    dropped.append(self.path)
                    self.close_connection = True
                    return
                body = b"ok" if self.path == "/_stcore/health" else name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.dropped = dropped
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Answer)
        self.server.daemon_threads = True
        Thread(target=self.server.serve_forever, daemon=True).start()

    def die(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_busy_replica_stays_in_and_a_dead_one_is_taken_out(tmp_path):
    # serve.sh's own HAProxy config, in front of two stand-ins: replica1 answers its health check after 2.5 s,
    # as a replica does while it computes a big photo. It is slow, not dead: a student pinned to it by the cookie
    # must stay there (in CI a check that ended after 1 s took a busy replica out and sent a student, mid-upload,
    # to the other replica, which answered the upload with 400). Killed, it is out within a few seconds.
    pinned = {STICKY_COOKIE: "replica1"}
    with balancer_of_stand_ins(tmp_path, dict(health_wait=2.5), {}) as (port, log, replicas):
        deadline = time.monotonic() + 8  # several checks of 1 s apart, each answered only after 2.5 s
        while time.monotonic() < deadline:
            status, headers, body = _get(f"http://127.0.0.1:{port}/", cookies=pinned)
            assert (status, body) == (200, b"replica1"), f"a busy replica was taken out:\n{log.read_text()}"
            time.sleep(0.5)
        assert "is DOWN" not in log.read_text()

        replicas[0].die()
        deadline = time.monotonic() + 10
        while "replicas/replica1 is DOWN" not in log.read_text():
            assert time.monotonic() < deadline, f"a dead replica stayed in:\n{log.read_text()}"
            time.sleep(0.2)
        status, headers, body = _get(f"http://127.0.0.1:{port}/", cookies=pinned)
        assert (status, body, headers[REPLICA_HEADER]) == (200, b"replica2", "replica2")


def test_a_request_whose_connection_drops_is_retried_on_its_own_replica(tmp_path):
    # In CI a static file's request to a student's replica was retried on the other one ("+1" in HAProxy's log),
    # which set the cookie to that replica: the student's next upload would have gone where their session is not.
    # A dropped connection is tried again on the same replica; only the last of the retries may go elsewhere.
    pinned = {STICKY_COOKIE: "replica1"}
    with balancer_of_stand_ins(tmp_path, dict(drop=1), {}) as (port, log, replicas):
        status, headers, body = _get(f"http://127.0.0.1:{port}/page", cookies=pinned)
        assert replicas[0].dropped == ["/page"], "the stand-in did not drop the first request"
        assert (status, body, headers[REPLICA_HEADER]) == (200, b"replica1", "replica1"), log.read_text()
        assert "Set-Cookie" not in headers, f"the cookie was changed: {headers['Set-Cookie']}"


@contextlib.contextmanager
def balancer_of_stand_ins(tmp_path, first, second):
    """HAProxy with serve.sh's own config for two replicas, in front of two :class:`StandIn` s made with the keyword
    arguments ``first`` and ``second``; yields its port, its log and the stand-ins, and stops them all after."""
    ensure_haproxy()
    port = _free_ports(1)
    backend = next(b for b in iter(lambda: _free_ports(2), None) if port not in (b, b + 1))
    config = subprocess.run(["bash", str(SERVE), "--print-config", "--replicas", "2", "--port", str(port),
                             "--address", "127.0.0.1", "--backend-port", str(backend)],
                            check=True, cwd=ROOT, capture_output=True, text=True, timeout=30).stdout
    (tmp_path / "haproxy.cfg").write_text(config)
    replicas, haproxy = [], None
    log = tmp_path / "haproxy.log"
    try:
        replicas.append(StandIn("replica1", backend, **first))
        replicas.append(StandIn("replica2", backend + 1, **second))
        with open(log, "w") as out:
            haproxy = subprocess.Popen([shutil.which("haproxy"), "-db", "-f", str(tmp_path / "haproxy.cfg")],
                                       stdout=out, stderr=subprocess.STDOUT)
        started = time.monotonic() + 10
        while _port_free(port):
            assert haproxy.poll() is None and time.monotonic() < started, f"HAProxy did not start:\n{log.read_text()}"
            time.sleep(0.1)
        yield port, log, replicas
    finally:
        if haproxy is not None:
            haproxy.kill()
            haproxy.wait()
        for replica in replicas:
            replica.die()


def test_two_students_land_on_different_replicas_and_use_every_page(serving, students, tmp_path):
    first, second = students(), students()
    replicas = [open_home(first), open_home(second)]
    assert sorted(replicas) == ["replica1", "replica2"], "the second student joined the busier replica"
    photo = browser_tests.photo_png(tmp_path / "photo.png").read_bytes()
    both = (first, second)
    # Each step is asked of both students before either is awaited, so the two replicas work at once.
    for lab in both:
        browser_tests.upload(lab, "photo.png", photo)
    for lab in both:
        expect(browser_tests.image_line(lab)).to_have_text(re.compile(r"^Image: photo\.png, 120 × 160"))
    for page in PAGES[1:]:
        for lab in both:
            browser_tests.nav(lab, page.title)
        for lab in both:
            lab.expect_title(page.title)
            expect(browser_tests.image_line(lab)).to_have_text(re.compile(r"^Image: photo\.png, 120 × 160"))
            lab.wait_idle()
            lab.assert_clean()
    assert [replica_of(lab) for lab in both] == replicas, "a student moved replica while both were up"


def test_a_killed_replica_sends_its_students_to_the_other_with_their_page_and_settings(serving, students, tmp_path):
    student = students()
    lost = open_home(student)
    survivor = {"replica1": "replica2", "replica2": "replica1"}[lost]
    student.open("/max_vs_average?mode=avg&kernel=3", title="Max vs Average")
    browser_tests.upload(student, "photo.png", browser_tests.photo_png(tmp_path / "photo.png").read_bytes())
    expect(browser_tests.image_line(student)).to_have_text(re.compile(r"^Image: photo\.png, 120 × 160"))
    expect(student.page).to_have_url(re.compile(r"source=upload"))

    os.kill(serving.pids[lost], signal.SIGKILL)

    # New sessions go to the replica left.
    for _ in range(3):
        status, headers, _ = _get(serving.base + "/")
        assert (status, headers[REPLICA_HEADER]) == (200, survivor)
    newcomer = students()
    assert open_home(newcomer) == survivor

    # The student's tab reconnects by itself, through the balancer, to the survivor; the next thing they touch
    # runs there, in a new session, on the same page, with the link's settings, and the sidebar asks for the
    # photo in words. (That first touch itself may be lost: the new session starts from the link.)
    deadline = time.monotonic() + 30
    while replica_of(student) != survivor:
        assert time.monotonic() < deadline, "the student's tab did not reconnect to the replica left"
        student.page.wait_for_timeout(250)
    stride = student.key("stride").locator("input")
    stride.fill("1")
    stride.press("Enter")
    warning = student.fresh('[data-testid="stAlertContentWarning"]', within='[data-testid="stSidebar"]')
    expect(warning).to_have_text(UPLOAD_NOT_HELD)
    student.expect_title("Max vs Average")
    expect(student.key("mode").get_by_role("combobox")).to_have_value("Average")
    expect(student.key("kernel_h").locator("input")).to_have_value("3")
    student.wait_idle()
    student.assert_clean()

    # Reloading the link gives the same again, from the survivor.
    response = student.page.reload()
    assert response.headers[REPLICA_HEADER] == survivor
    student.expect_title("Max vs Average")
    expect(warning).to_have_text(UPLOAD_NOT_HELD)
    expect(student.key("mode").get_by_role("combobox")).to_have_value("Average")
    expect(student.key("kernel_h").locator("input")).to_have_value("3")
    student.wait_idle()
    student.assert_clean()

    # A new photo works again on the survivor.
    browser_tests.upload(student, "again.png", browser_tests.photo_png(tmp_path / "again.png").read_bytes())
    expect(browser_tests.image_line(student)).to_have_text(re.compile(r"^Image: again\.png, 120 × 160"))
    expect(warning).to_have_count(0)
    student.assert_clean()


def test_ctrl_c_stops_everything_it_started(serving):
    signals = _signal_state(serving.process.pid)
    try:
        code = serving.press_ctrl_c()
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve.sh did not stop within {STOP_TIMEOUT} s of Ctrl-C; its signals before it: {signals}\n"
                    f"{serving.output()}", pytrace=False)
    assert code == 130, f"serve.sh's signals before Ctrl-C: {signals}\n{serving.output()}"
    left = {name: pid for name, pid in serving.pids.items() if _alive(pid)}
    assert not left, f"still running after Ctrl-C: {left}"
    assert _port_free(serving.port), "HAProxy's port is still taken"
    assert "Stopped." in serving.log.read_text()
