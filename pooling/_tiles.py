"""How much work one tile holds: the one size every tiled loop of the core cuts its rows by.

The tap loops (:mod:`pooling._engine`), the strided fast paths
(:mod:`pooling._fast`) and the reconstruction of
:mod:`pooling.analysis.loss` all cut their output rows into tiles whose
working set fits in a core's cache. The size changes speed only, never a
number: every cell still adds or compares its taps in row-major order.
"""

__all__ = ["TILE_BYTES", "tile_rows"]

TILE_BYTES = 1 << 20


def tile_rows(n_rows, row_bytes):
    """How many of ``n_rows`` rows of ``row_bytes`` bytes each fill one tile: at least 1, at most ``n_rows``.

    Reads :data:`TILE_BYTES` at each call, so a test may patch it to cut
    small inputs into many tiles.

    Examples
    --------
    >>> tile_rows(10_000, 4096)
    256
    >>> tile_rows(3, 4096), tile_rows(10, 0), tile_rows(10, 1 << 30)
    (3, 10, 1)
    """
    return max(1, min(n_rows, TILE_BYTES // max(1, row_bytes)))
