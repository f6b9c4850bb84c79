"""Tell glibc's allocator to give freed memory back, so a server's size follows what it holds.

Streamlit runs each session's script in a thread of its own, and glibc's
malloc gives every thread that allocates an arena of its own (up to eight
per core), and keeps what is freed there for later. It also raises its
threshold for serving big blocks from the operating system each time such a
block is freed, up to 32 MB, so after a few 12 MP arrays most large arrays
come from the arenas too. A class of full-size photos then leaves gigabytes
of freed memory in the process: 10 sessions each opening Max vs Average on
its own 12 MP photo peaked at 3.9 GB, and at 3.4 GB with the settings below
(same run conditions, ``bench/bench_server.py --full-size``'s class).

A threshold of 1 MB brought that peak to 2.8 GB but doubled the time of a
512 px pooling and figure (38 against 80 ms): every 6 MB float array was
then mapped, zeroed page by page and unmapped again. 16 MB maps the arrays of
big photos only.

This does at start-up what ``MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=16777216
MALLOC_TRIM_THRESHOLD_=67108864`` would do from the environment, so that the
README's plain ``streamlit run app.py`` gets it. Elsewhere (macOS, Windows,
musl) it does nothing.
"""

import ctypes
import ctypes.util
import sys

__all__ = ["return_freed_memory"]

# mallopt's parameter numbers, from glibc's malloc.h.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8
ONE_MB = 1 << 20
SETTINGS = ((M_ARENA_MAX, 2), (M_MMAP_THRESHOLD, 16 * ONE_MB), (M_TRIM_THRESHOLD, 64 * ONE_MB))


def return_freed_memory():
    """Set glibc's malloc so that big blocks are mapped and unmapped, and threads share two arenas.

    Blocks of 16 MB or more (a big photo's arrays) then come straight from
    the operating system and go back to it when freed; smaller ones share
    two arenas, whose free tops are trimmed beyond 64 MB.

    Returns
    -------
    bool
        True when glibc took every setting; False where there is no glibc.

    Examples
    --------
    >>> return_freed_memory() in (True, False)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # glibc only: musl has mallopt as a stub
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return all(mallopt(param, value) == 1 for param, value in SETTINGS)
