"""Threads a page may start to work out its parts while its script draws them in order."""

import os
from concurrent.futures import ThreadPoolExecutor

import streamlit as st

from .cache import shared

# Threads a page may start to work out its parts while its script draws them in order (numpy and the image
# encoders let go of the interpreter): one a core, at most two, since the shared store builds WORKERS at a time.
PAGE_WORKERS = max(1, min(2, os.cpu_count() or 1))


def page_workers(name, workers=PAGE_WORKERS):
    """A thread pool for one run's jobs, its threads named after the page.

    A page submits its jobs, calls ``shutdown(wait=False)`` (the jobs run on,
    and the threads end with them) or uses it in a ``with`` block, and reads
    each result where it draws it.

    Examples
    --------
    >>> with page_workers("example") as pool:
    ...     pool.submit(sum, [1, 2]).result()
    3
    """
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)


def fresh_workers(name, key, *, state=None, workers=PAGE_WORKERS):
    """:func:`page_workers` for this run; the pool of the session's last run (kept under ``key``) drops its jobs.

    A run stopped by a newer move leaves jobs behind: those not started yet would only slow this run down, so they
    are cancelled (those running finish). ``state`` is ``st.session_state`` unless given.

    Examples
    --------
    >>> state = {}
    >>> first = fresh_workers("example", "_jobs", state=state)
    >>> second = fresh_workers("example", "_jobs", state=state)
    >>> state["_jobs"] is second
    True
    """
    state = st.session_state if state is None else state
    pool = page_workers(name, workers)
    left = state.get(key)
    if left is not None:
        left.shutdown(wait=False, cancel_futures=True)
    state[key] = pool
    return pool


def make_ahead(name, parts, workers=PAGE_WORKERS):
    """Start building every part a page will draw, in order, and return how to read one.

    Parameters
    ----------
    name : str
        The page's name, given to the worker threads (:func:`page_workers`).
    parts : dict of str to (key, build)
        What the page draws, each as :func:`~widgets.cache.shared`'s ``key``
        and zero-argument ``build``, in the order the page draws them.
    workers : int, optional
        Threads to start.

    Returns
    -------
    ahead : callable
        ``ahead(part_name)`` is ``shared(*parts[part_name])``: a part already
        built is taken from the shared store, one being built is waited for,
        and none is built twice.

    Notes
    -----
    The threads are shut down without waiting: the jobs run on, the threads
    end with them, and the page draws each part as it comes.

    Examples
    --------
    >>> ahead = make_ahead("example", {"sum": (("make_ahead doctest", 1, 2), lambda: 1 + 2)})
    >>> ahead("sum")
    3
    """
    pool = page_workers(name, workers)
    for part in parts.values():
        pool.submit(shared, *part)
    pool.shutdown(wait=False)  # the jobs run on; their threads end with them
    return lambda part_name: shared(*parts[part_name])
