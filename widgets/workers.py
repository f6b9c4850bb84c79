"""Threads a page may start to work out its parts while its script draws them in order."""

import os
from concurrent.futures import ThreadPoolExecutor

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
