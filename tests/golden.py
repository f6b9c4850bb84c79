"""The one format of the recorded PyTorch results (``tests/data/torch_golden*.npz``): a writer and a reader.

The generators (``tests/make_torch_golden*.py``, run by hand where torch is
installed) write with :func:`write_golden`; the tests replay with
:func:`read_golden`, with numpy only.

A golden file is an ``.npz`` holding a list of cases. Each case has integer
settings (one row of ``settings``, named by ``columns``) and named arrays.
Every array name ``F`` is stored flat, so the file stays small:

- ``F``: every case's ``F`` raveled and concatenated, in one dtype (float32
  values widen to float64 exactly; the settings say which dtype to cast back
  to);
- ``F_offsets``: (N + 1,) int64, case ``n``'s values at
  ``F[F_offsets[n]:F_offsets[n + 1]]``;
- ``F_shapes``: (N, 4) int64, case ``n``'s shape padded with -1; all -1
  where case ``n`` has no ``F``.

Besides: ``columns`` (names of the settings), ``settings`` ((N, len(columns))
int64), ``arrays`` (the array names) and ``torch_version``.
"""

import numpy as np

__all__ = ["read_golden", "write_golden"]

_MAX_NDIM = 4


def write_golden(path, cases, columns, torch_version):
    """Write ``cases`` (dicts: an int per column, plus named arrays) to ``path`` in the golden format.

    Examples
    --------
    >>> import io
    >>> buf = io.BytesIO()
    >>> write_golden(buf, [{"k": 2, "x": np.arange(6.0).reshape(2, 3)}, {"k": 3}], ["k"], "0.0")
    >>> _ = buf.seek(0)
    >>> [(c["k"], c.get("x")) for c in read_golden(buf)[0]]  # doctest: +NORMALIZE_WHITESPACE
    [(2, array([[0., 1., 2.], [3., 4., 5.]])), (3, None)]
    """
    columns = list(columns)
    names = sorted({key for case in cases for key in case if key not in columns})
    payload = {
        "columns": np.array(columns),
        "settings": np.array([[int(case[c]) for c in columns] for case in cases], dtype=np.int64).reshape(
            len(cases), len(columns)),
        "arrays": np.array(names),
        "torch_version": np.array(torch_version),
    }
    for name in names:
        parts = [np.asarray(case[name]) for case in cases if name in case]
        shapes = np.full((len(cases), _MAX_NDIM), -1, dtype=np.int64)
        sizes = np.zeros(len(cases), dtype=np.int64)
        for n, case in enumerate(cases):
            if name in case:
                shape = np.shape(case[name])
                if len(shape) > _MAX_NDIM:
                    raise ValueError(f"{name} of case {n} has {len(shape)} dimensions; at most {_MAX_NDIM}")
                shapes[n, :len(shape)] = shape
                sizes[n] = np.size(case[name])
        payload[name] = np.concatenate([p.ravel() for p in parts])
        payload[f"{name}_offsets"] = np.concatenate([[0], np.cumsum(sizes)])
        payload[f"{name}_shapes"] = shapes
    np.savez_compressed(path, **payload)


def read_golden(path):
    """The cases of a golden file, and its torch version.

    Returns
    -------
    cases : list of dict
        Per case, each setting as an int and each of its arrays (in the
        stored dtype) by name; a name the case lacks is absent.
    torch_version : str
    """
    with np.load(path) as data:
        stored = {key: data[key] for key in data.files}
    columns = [str(c) for c in stored["columns"]]
    cases = [dict(zip(columns, (int(v) for v in row), strict=True)) for row in stored["settings"]]
    for name in (str(a) for a in stored["arrays"]):
        flat, offsets, shapes = stored[name], stored[f"{name}_offsets"], stored[f"{name}_shapes"]
        for n, case in enumerate(cases):
            shape = tuple(int(d) for d in shapes[n] if d >= 0)
            if shapes[n, 0] >= 0:
                case[name] = flat[offsets[n]:offsets[n + 1]].reshape(shape)
    return cases, str(stored["torch_version"])
