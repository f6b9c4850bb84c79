"""The served Streamlit config: private, protected, no stack trace for students, no forced GC per run."""

try:
    import tomllib
except ImportError:  # Python 3.10
    import pytest

    tomllib = pytest.importorskip("tomli")

from apptest_helpers import ROOT

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_nothing_phones_home_and_protections_stay_on():
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True


def test_students_never_see_a_stack_trace():
    # "type" shows the error's type and a short message; "full" and "stacktrace" would show the trace.
    assert CONFIG["client"]["showErrorDetails"] in ("type", "none")


def test_no_garbage_collection_after_every_run():
    assert CONFIG["runner"]["postScriptGC"] is False
