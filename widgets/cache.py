"""The results every session shares: one store bounded by bytes, read-only values, and two ways to fill it."""

import dataclasses
import functools
import inspect
import os

import numpy as np
from plotly.basedatatypes import BaseFigure

from poolinglab.cache import ByteBoundedCache, call_key, size_of

# What every shared result together may keep, in megabytes: about 28 full-size 12 MP photos with their poolings.
CACHE_MB = int(os.environ.get("POOLING_LAB_CACHE_MB", "1024"))
# How many shared results are computed at once, whatever the number of sessions: one per core.
WORKERS = int(os.environ.get("POOLING_LAB_WORKERS", "0")) or os.cpu_count() or 2


def frozen(value):
    """``value`` with every numpy array in it (in tuples, lists, dicts and dataclasses) made read-only.

    A plotly figure's ``to_dict()`` then returns one dict made now, which
    must not be changed either.

    Returns ``value`` itself, so that a cached result can be shared by every
    session: a page that tries to write into it fails loudly instead of
    changing what another student sees.
    """
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, (tuple, list)):
        for item in value:
            frozen(item)
    elif isinstance(value, dict):
        for item in value.values():
            frozen(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in vars(value).values():
            frozen(item)
    elif isinstance(value, BaseFigure):
        # st.plotly_chart calls to_dict(), a deep copy of the whole figure, on every rerun (a third of a warm
        # rerun of Stacked pooling). A shared figure never changes, so its dict is made once and handed out.
        # Object arrays (cell text, hover words) become lists: plotly.io.to_json's orjson path refuses them and
        # falls back to cleaning the whole figure in Python, on every st.plotly_chart.
        spec = _without_object_arrays(value.to_dict())
        value.to_dict = lambda: spec
    return value


def _without_object_arrays(spec):
    """``spec`` with every numpy object array in it made a list; everything else as it is."""
    if isinstance(spec, dict):
        return {key: _without_object_arrays(item) for key, item in spec.items()}
    if isinstance(spec, list):
        return [_without_object_arrays(item) for item in spec]
    if isinstance(spec, np.ndarray) and spec.dtype == object:
        return spec.tolist()
    return spec


def _measure(value):
    """Bytes a cached result keeps: a figure counts the dict it hands out, the rest as :func:`size_of` counts."""
    if isinstance(value, BaseFigure):
        return size_of(value.to_dict())
    if isinstance(value, (tuple, list)):
        return sum(_measure(v) for v in value)
    if isinstance(value, dict):
        return sum(_measure(v) for v in value.values())
    return size_of(value)


# Every session's shared results, in one store bounded by bytes: a class of 12 MP photos must not fill the server.
# At most WORKERS of them are computed at once, so the temporaries of thirty full-size runs never pile up.
RESULTS = ByteBoundedCache(CACHE_MB << 20, measure=_measure, workers=WORKERS)


def shared_cache(func):
    """Cache ``func`` once for every session, its arrays made read-only, in :data:`RESULTS`.

    ``st.cache_data`` unpickles a fresh copy of its value on every read: for a
    plotly figure that means building and validating it again (16 ms for one
    row of three images), for a 12 MP photo copying 36 MB. Results cached
    here are shared instead, so they must never be written to; :func:`frozen`
    makes sure of that for arrays, and figures are only read by
    ``st.plotly_chart`` (marks that change go on a copy). Like
    ``st.cache_data``, parameters whose name starts with ``_`` are not
    hashed: the key must say what they hold.

    Unlike ``st.cache_resource``'s ``max_entries``, the bound is on bytes:
    every shared result of every page together keeps at most
    :data:`CACHE_MB` megabytes (``POOLING_LAB_CACHE_MB``), the least recently
    used going first. Sessions asking for the same result at once compute it
    once, and at most :data:`WORKERS` results (``POOLING_LAB_WORKERS``, one
    per core by default) are computed at a time.
    """

    # Worked out here, once per decorated function, not kept in a table of every function seen: a page's own
    # cached functions are made anew at each rerun, with the run's globals, which such a table would keep alive.
    signature = inspect.signature(func)

    @functools.wraps(func)
    def cached(*args, **kwargs):
        return RESULTS.get_or_build(call_key(func, args, kwargs, signature),
                                    lambda: frozen(func(*args, **kwargs)))

    return cached


@shared_cache
def _built(key, _build):
    return _build()


def shared(key, build):
    """``build()``, run once per ``key`` and shared read-only by every session: for figures and their data.

    ``key`` must name everything ``build`` depends on, e.g.
    ``lab.cache_key("zoom", top, left)``; ``functools.partial`` makes
    ``build`` from a figure builder and its arguments. Kept in
    :data:`RESULTS`, within its bound on bytes.
    """
    return _built(key, build)
