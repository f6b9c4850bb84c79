"""A cache shared by every session of the server, bounded by the bytes it holds, not by a count of entries.

A class of thirty students may each upload a 12-megapixel photo. One such
photo's planes take 36 MB and a pooling of it tens more, so a cache bounded
by entries (Streamlit's ``max_entries``) can hold gigabytes. This one adds up
the bytes of what it keeps (:func:`size_of`) and forgets the least recently
used results once the total passes its budget.

It is thread-safe: Streamlit runs each session's script in a thread of its
own. When several sessions ask for the same key at once, one of them
computes and the others wait for its result, so a class opening the same
sample computes it once. And at most ``workers`` results are built at a
time: thirty students opening a lab on thirty full-size photos would
otherwise allocate thirty sets of 12 MP temporaries together (10 GB was
measured), while a 2-core machine only ever works on two.

Nothing here imports Streamlit; ``widgets.cache.shared_cache`` puts it behind
the pages' decorator.
"""

import contextlib
import dataclasses
import hashlib
import inspect
import pickle
import threading
from collections import OrderedDict

import numpy as np

__all__ = ["ByteBoundedCache", "call_key", "size_of"]

_SMALL = 64  # bytes counted for a number, a None or any other small object


def size_of(value, _seen=None):
    """About how many bytes ``value`` keeps alive: arrays, strings and bytes in full, containers walked.

    A numpy array counts its ``nbytes`` (a view counts the bytes it shows,
    so a view of a cached array is counted twice: an over-estimate, which is
    the safe side for a bound). Dicts, lists, tuples, dataclasses and objects
    with a ``__dict__`` are walked; an object reached twice counts once. A
    long list of numbers is estimated from its length.

    Examples
    --------
    >>> size_of(np.zeros((10, 10)))
    800
    >>> size_of({"a": "x" * 1000, "b": [np.zeros(100, np.uint8)]}) > 1100
    True
    """
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return len(value)
    if isinstance(value, dict):
        return _SMALL + sum(size_of(k, seen) + size_of(v, seen) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if len(items) > 256 and all(isinstance(v, (int, float)) for v in items[:16]):
            return _SMALL + 32 * len(items)
        return _SMALL + sum(size_of(v, seen) for v in items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _SMALL + sum(size_of(v, seen) for v in vars(value).values())
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return _SMALL + sum(size_of(v, seen) for v in vars(value).values())
    return _SMALL


class _Entry:
    __slots__ = ("done", "error", "size", "value")

    def __init__(self):
        self.done = threading.Event()
        self.value, self.error, self.size = None, None, 0


class ByteBoundedCache:
    """Results of functions, kept until their bytes pass ``budget`` (least recently used go first).

    Parameters
    ----------
    budget : int
        The most bytes the kept results may take together, as
        :func:`size_of` counts them. A result bigger than ``budget / 2`` is
        returned but not kept.
    max_entries : int, optional
        The most results kept, whatever their size.
    measure : callable, optional
        ``measure(value) -> bytes``; :func:`size_of` by default.
    workers : int or None, optional
        The most results built at once across all threads; a thread asking
        for more waits its turn. A build that asks for another cached
        result inside it keeps its turn. None: no limit.

    Examples
    --------
    >>> cache = ByteBoundedCache(budget=1000)
    >>> cache.get_or_build("a", lambda: np.zeros(50))  # 400 bytes: kept
    array([0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.,
           0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.,
           0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.])
    >>> _ = cache.get_or_build("b", lambda: np.zeros(50))
    >>> _ = cache.get_or_build("c", lambda: np.zeros(50))  # 1200 bytes in all: "a" goes
    >>> sorted(cache.keys()), cache.bytes
    (['b', 'c'], 800)
    """

    def __init__(self, budget, *, max_entries=4096, measure=size_of, workers=None):
        self.budget, self.max_entries, self.measure = int(budget), int(max_entries), measure
        self._entries = OrderedDict()  # key -> _Entry, least recently used first
        self._lock = threading.Lock()
        self._turns = threading.Semaphore(workers) if workers else None
        self._mine = threading.local()  # how deep this thread is in builds that hold a turn
        self.bytes = 0

    @contextlib.contextmanager
    def _turn(self):
        """Hold one of the ``workers`` turns while building; a nested build reuses its thread's turn."""
        depth = getattr(self._mine, "depth", 0)
        if self._turns is None or depth:
            self._mine.depth = depth + 1
            try:
                yield
            finally:
                self._mine.depth = depth
            return
        with self._turns:
            self._mine.depth = 1
            try:
                yield
            finally:
                self._mine.depth = 0

    def keys(self):
        """The keys of the results kept now (not those being built)."""
        with self._lock:
            return [k for k, e in self._entries.items() if e.done.is_set() and e.error is None]

    def clear(self):
        """Forget every kept result."""
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def get_or_build(self, key, build):
        """The result kept for ``key``, else ``build()``: kept if it fits, and returned.

        If another thread is building ``key``, wait for its result instead of
        building it again. An exception raised by ``build`` reaches every
        caller waiting for it, and nothing is kept.

        A thread takes its turn (``workers``) before it registers as the
        builder of a key, so every build that others wait for is running,
        never queued: waiting cannot deadlock. A result already kept is
        returned at once, without a turn.
        """
        entry = self._find(key)
        if entry is None:
            with self._turn():
                with self._lock:
                    entry = self._entries.get(key)
                    owner = entry is None
                    if owner:
                        entry = self._entries[key] = _Entry()
                if owner:
                    return self._build(key, entry, build)
        entry.done.wait()
        if entry.error is not None:
            raise entry.error
        return entry.value

    def _find(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _build(self, key, entry, build):
        try:
            entry.value = build()
        except BaseException as err:
            entry.error = err
            with self._lock:
                if self._entries.get(key) is entry:
                    del self._entries[key]
            entry.done.set()
            raise
        entry.size = self.measure(entry.value)
        with self._lock:
            if self._entries.get(key) is entry:
                if entry.size > self.budget // 2:
                    del self._entries[key]
                else:
                    self.bytes += entry.size
                    self._evict()
        entry.done.set()
        return entry.value

    def _evict(self):
        """Drop the least recently used finished results until the bytes and the count fit (lock held)."""
        if self.bytes <= self.budget and len(self._entries) <= self.max_entries:
            return  # as after nearly every build: no copy of thousands of keys
        for key in list(self._entries):
            if self.bytes <= self.budget and len(self._entries) <= self.max_entries:
                return
            entry = self._entries[key]
            if entry.done.is_set():  # one being built is the newest anyway; its builder adds it
                del self._entries[key]
                self.bytes -= entry.size


def call_key(func, args, kwargs, signature=None):
    """A key for ``func(*args, **kwargs)`` from its name and its arguments, leaving out ``_``-named ones.

    As with Streamlit's caches, a parameter whose name starts with ``_`` is
    not part of the key: the caller passes a key argument that says what it
    holds (a hash of the image, for instance). ``signature`` is
    ``inspect.signature(func)``, which a caller that keys many calls of one
    function works out once (it was half of this function's time); it is
    worked out here when not given.

    Examples
    --------
    >>> def f(key, _planes, size=3): ...
    >>> call_key(f, ("k", object()), {}) == call_key(f, ("k", object()), {"size": 3})
    True
    """
    bound = (inspect.signature(func) if signature is None else signature).bind(*args, **kwargs)
    bound.apply_defaults()
    named = tuple((name, value) for name, value in bound.arguments.items() if not name.startswith("_"))
    digest = hashlib.sha256(pickle.dumps(named, protocol=5)).hexdigest()
    return f"{func.__module__}.{func.__qualname__}:{digest}"
