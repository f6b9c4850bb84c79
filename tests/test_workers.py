"""widgets.workers: a page's parts built ahead in named threads, each once, read back by name."""

import threading
import uuid

from widgets.workers import fresh_workers, make_ahead, page_workers


def test_page_workers_names_its_threads_after_the_page():
    with page_workers("some-page") as pool:
        assert pool.submit(lambda: threading.current_thread().name).result().startswith("some-page")


def test_make_ahead_builds_every_part_once_in_threads_and_reads_each_by_name():
    run = uuid.uuid4().hex  # keys of their own: the shared store outlives the test
    built, threads = [], []

    def build(value):
        built.append(value)
        threads.append(threading.current_thread().name)
        return value * 10

    parts = {name: ((run, name), lambda name=name, n=n: build(n)) for n, name in enumerate(("a", "b", "c"))}
    ahead = make_ahead("ahead-test", parts)
    assert [ahead(name) for name in ("c", "a", "b")] == [20, 0, 10]
    assert [ahead(name) for name in ("a", "b", "c")] == [0, 10, 20]  # read again: taken from the store
    assert sorted(built) == [0, 1, 2]  # none built twice, though the page read each part while it was built
    assert all(t.startswith("ahead-test") for t in threads)


def test_make_ahead_of_no_parts_reads_nothing():
    ahead = make_ahead("ahead-empty", {})
    assert callable(ahead)


def test_a_part_the_page_reads_first_is_not_built_again_by_its_thread():
    run = uuid.uuid4().hex
    started, release, calls = threading.Event(), threading.Event(), []

    def slow():
        calls.append("slow")
        started.set()
        release.wait(5)
        return "slow"

    ahead = make_ahead("ahead-wait", {"slow": ((run, "slow"), slow)}, workers=1)
    assert started.wait(5)
    release.set()
    assert ahead("slow") == "slow"  # waited for the thread's build
    assert calls == ["slow"]


def test_fresh_workers_cancels_the_last_runs_jobs_not_yet_started_and_keeps_its_own():
    state, release, ran = {}, threading.Event(), []
    first = fresh_workers("fresh-test", "_jobs", state=state, workers=1)
    busy = first.submit(release.wait, 5)  # holds the only thread
    waiting = first.submit(ran.append, "left behind")
    second = fresh_workers("fresh-test", "_jobs", state=state, workers=1)
    assert state["_jobs"] is second
    assert waiting.cancelled() and not busy.cancelled()  # a job running finishes
    release.set()
    assert busy.result() is True
    assert second.submit(lambda: "this run").result() == "this run"
    second.shutdown()
    assert ran == []


def test_fresh_workers_on_a_first_run_has_nothing_to_cancel():
    state = {}
    pool = fresh_workers("fresh-first", "_jobs", state=state)
    assert state == {"_jobs": pool}
    assert pool.submit(sum, [2, 3]).result() == 5
    pool.shutdown()
