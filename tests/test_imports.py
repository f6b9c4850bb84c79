"""The core imports neither streamlit nor plotly.

Each import runs in a fresh interpreter, so what this test session has
already loaded cannot hide a dependency. Only the ``figures``
subpackage (plotly figure builders) is allowed plotly.
"""

import pathlib
import pkgutil
import subprocess
import sys

import pytest

import pooling

REPO = pathlib.Path(__file__).resolve().parent.parent
FORBIDDEN = ("streamlit", "plotly")


def core_modules(path=pooling.__path__, prefix="pooling."):
    """Every module under ``pooling``, found on disk (nothing imported), except ``figures``."""
    for info in pkgutil.iter_modules(path):
        name = prefix + info.name
        if name == "figures":
            continue
        yield name
        if info.ispkg:
            yield from core_modules([str(pathlib.Path(path[0]) / info.name)], name + ".")


CORE_MODULES = sorted(core_modules())


def loaded_after_import(module):
    """Top-level names of the forbidden packages in ``sys.modules`` after ``import module``."""
    code = (
        f"import sys, {module}\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(FORBIDDEN)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_core_modules_are_found():
    assert {"pooling.geometry", "pooling.pool", "pooling.result", "pooling.analysis.sweep", "pooling._checks",
            "pooling._engine"} <= set(CORE_MODULES)


@pytest.mark.parametrize("module", ["pooling"] + CORE_MODULES)
def test_core_loads_neither_streamlit_nor_plotly(module):
    assert loaded_after_import(module) == "[]"
