"""frozen: a result shared by every session cannot be written to."""

import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest
from apptest_helpers import ROOT

from widgets.cache import RESULTS, frozen, shared_cache


@dataclass(frozen=True)
class Holder:
    values: np.ndarray


def test_frozen_makes_every_array_read_only_wherever_it_sits():
    nested = (np.zeros(2), [np.ones(2)], {"a": np.arange(3)}, Holder(np.zeros((2, 2))), "text", 3)
    assert frozen(nested) is nested
    arrays = [nested[0], nested[1][0], nested[2]["a"], nested[3].values]
    assert not any(a.flags.writeable for a in arrays)
    with pytest.raises(ValueError, match="read-only"):
        nested[3].values[0, 0] = 1


def test_widgets_imports_pandas_and_pyarrow_itself():
    # Streamlit alone imports neither; it imports them lazily inside st.table and st.dataframe, where a burst
    # of first sessions raced on the import (tests/test_burst.py is the test under load).
    code = ("import sys, streamlit; before = {'pandas', 'pyarrow'} & set(sys.modules); import widgets; "
            "print(sorted(before), sorted({'pandas', 'pyarrow'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.split() == ["[]", "['pandas',", "'pyarrow']"]


def test_a_frozen_figure_hands_out_one_dict_and_marks_go_on_a_copy():
    import plotly.graph_objects as go

    from figures._traces import with_overlays

    fig = go.Figure(go.Scatter(x=[0, 1], y=[1, 0], name="line"))
    before = fig.to_dict()
    frozen(fig)
    assert fig.to_dict() is fig.to_dict() and fig.to_dict() == before
    marked = with_overlays(fig, [{"type": "scatter", "x": [0], "y": [0], "name": "mark"}], [{"type": "rect"}])
    assert [t["name"] for t in marked.to_dict()["data"]] == ["line", "mark"]
    assert fig.to_dict() == before  # the shared dict is untouched


def test_a_shared_result_is_read_only_counted_in_bytes_and_built_once():
    import plotly.graph_objects as go

    calls = []

    @shared_cache
    def pooled(key, _planes):
        calls.append(key)
        return np.asarray(_planes) * 2, go.Figure(go.Image(source="data:image/png;base64," + "A" * 5000))

    before = RESULTS.bytes
    values, fig = pooled("test-shared-result", np.ones((100, 100)))
    again, _ = pooled("test-shared-result", None)  # the underscored array is not part of the key
    assert again is values and calls == ["test-shared-result"]
    assert not values.flags.writeable
    assert RESULTS.bytes - before >= values.nbytes + 5000  # the array and the figure's dict


def test_a_frozen_figure_hands_out_text_arrays_as_lists_so_plotly_writes_it_with_orjson():
    # plotly.io.to_json's orjson path refuses object arrays and cleans the whole figure in Python instead.
    import plotly.graph_objects as go

    fig = go.Figure(go.Heatmap(z=[[1, 2]], text=np.array([["a", "b"]], dtype=object)))
    frozen(fig)
    text = fig.to_dict()["data"][0]["text"]
    assert isinstance(text, list) and text == [["a", "b"]]


def test_a_page_function_made_anew_at_each_run_is_not_kept_alive_with_its_runs_globals():
    # Streamlit runs a page in a fresh module at every rerun: its own @shared_cache functions are new objects, whose
    # globals hold that run's arrays. Keying their calls must not keep them (a table of signatures by function did).
    import gc
    import types
    import weakref

    gone = []
    for run in range(3):
        page = types.ModuleType(f"page_run_{run}")
        exec("import numpy as np\nbig = np.zeros(1000)\ndef mean_of(key, _planes):\n    return float(_planes.mean())",
             page.__dict__)
        cached = shared_cache(page.mean_of)
        assert cached(("retention test", run), page.big) == 0.0
        gone.append(weakref.ref(page.big))
        del page, cached
    gc.collect()
    assert [ref() is None for ref in gone] == [True, True, True]
