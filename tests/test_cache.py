"""poolinglab.cache: one store for every session, bounded by bytes, safe under many threads."""

import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest

from poolinglab.cache import ByteBoundedCache, call_key, size_of


def test_the_least_recently_used_results_go_first_once_the_bytes_pass_the_budget():
    cache = ByteBoundedCache(budget=2500)
    for key in "abc":
        cache.get_or_build(key, lambda: np.zeros(100))  # 800 bytes each: 2400 in all
    cache.get_or_build("a", lambda: pytest.fail("a is kept"))  # a is now the most recently used
    cache.get_or_build("d", lambda: np.zeros(100))
    assert sorted(cache.keys()) == ["a", "c", "d"] and cache.bytes == 2400


def test_a_result_bigger_than_half_the_budget_is_returned_but_not_kept():
    cache = ByteBoundedCache(budget=1000)
    cache.get_or_build("small", lambda: np.zeros(10))
    big = cache.get_or_build("big", lambda: np.zeros(100))
    assert big.shape == (100,) and cache.keys() == ["small"] and cache.bytes == 80


def test_the_count_of_entries_is_bounded_too():
    cache = ByteBoundedCache(budget=10**9, max_entries=3)
    for n in range(5):
        cache.get_or_build(n, lambda: n)
    assert cache.keys() == [2, 3, 4]


def test_sessions_asking_at_once_for_one_key_build_it_once():
    cache, calls, start = ByteBoundedCache(budget=10**6), [], threading.Barrier(8)

    def build():
        calls.append(1)
        time.sleep(0.2)
        return np.arange(3)

    results = []

    def ask():
        start.wait()
        results.append(cache.get_or_build("photo", build))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 8 and all(r is results[0] for r in results)


def test_an_error_reaches_every_waiter_and_nothing_is_kept():
    cache, start = ByteBoundedCache(budget=10**6), threading.Barrier(3)
    errors = []

    def build():
        time.sleep(0.1)
        raise ValueError("cannot pool this")

    def ask():
        start.wait()
        try:
            cache.get_or_build("bad", build)
        except ValueError as err:
            errors.append(str(err))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == ["cannot pool this"] * 3 and cache.keys() == [] and cache.bytes == 0
    assert cache.get_or_build("bad", lambda: 5) == 5  # the next call builds again


def test_clear_forgets_everything():
    cache = ByteBoundedCache(budget=10**6)
    cache.get_or_build("a", lambda: np.zeros(4))
    cache.clear()
    assert cache.keys() == [] and cache.bytes == 0


@dataclass
class Holder:
    planes: np.ndarray
    name: str


def test_size_of_counts_arrays_strings_and_containers_and_each_object_once():
    planes = np.zeros((3, 100, 100), np.uint8)
    assert size_of(planes) == 30_000
    assert 30_000 < size_of(Holder(planes, "x" * 500)) < 31_000
    assert size_of([planes, planes]) < 31_000  # the same array twice counts once
    assert size_of(planes[:, :50]) == 15_000  # a view counts what it shows
    loop = []
    loop.append(loop)
    assert size_of(loop) < 1000  # a cycle ends
    assert size_of(list(range(10_000))) >= 320_000  # a long list of numbers is estimated from its length


def test_call_key_leaves_out_underscored_arguments_and_tells_the_others_apart():
    def pooled(key, _planes, size=512):
        return key

    same = call_key(pooled, ("photo", np.zeros(3)), {}), call_key(pooled, ("photo", np.ones(3), 512), {})
    assert same[0] == same[1]
    assert call_key(pooled, ("photo", None, 256), {}) != same[0]
    assert call_key(pooled, ("other", None), {}) != same[0]
    assert same[0].startswith(f"{__name__}.")


def test_at_most_workers_results_are_built_at_once_and_a_nested_build_keeps_its_turn():
    cache, lock, running, peak = ByteBoundedCache(budget=10**6, workers=2), threading.Lock(), [0], [0]

    def build(n):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        inner = cache.get_or_build(("inner", n), lambda: n)  # would deadlock if it needed a turn of its own
        with lock:
            running[0] -= 1
        return inner

    threads = [threading.Thread(target=cache.get_or_build, args=(n, lambda n=n: build(n))) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads) and peak[0] == 2
    assert sorted(k for k in cache.keys() if isinstance(k, int)) == list(range(8))
