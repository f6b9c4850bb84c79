"""The house's arrows: pages -> widgets -> figures -> poolinglab -> pooling, and never back.

Each layer may import the layers to its right, and only the third-party
packages it is allowed:

========== ======================================== ================================
layer      what it is                               third-party packages it may use
========== ======================================== ================================
pooling    the numpy core                           numpy
poolinglab the app's logic: settings, links, intake numpy, Pillow
           (images), words, code lines, caches
figures    plotly figure builders                   numpy, Pillow, plotly
widgets    the app's Streamlit widgets              anything
pages      one Streamlit page per lab               anything
========== ======================================== ================================

The arrows are read from the source (every ``import``, also inside
functions), so a lazy import cannot hide one; a second check imports each
layer in a fresh interpreter and looks at what it really loaded.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
ORDER = ("pages", "widgets", "figures", "poolinglab", "pooling")  # each may import those after it
OURS = set(ORDER) | {"app"}
ALLOWED_THIRD_PARTY = {
    "pooling": {"numpy"},
    "poolinglab": {"numpy", "PIL"},
    "figures": {"numpy", "PIL", "plotly"},
}
THIRD_PARTY = {"numpy", "PIL", "plotly", "streamlit", "pandas", "pyarrow", "tornado", "watchdog"}


def layer_of(path):
    """The layer of a file under the repository: its top folder (``app`` for ``app.py``)."""
    top = path.relative_to(REPO).parts[0]
    return pathlib.Path(top).stem


def source_files():
    for layer in ORDER:
        base = REPO / layer
        yield from sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
    yield REPO / "app.py"


def imported_packages(path):
    """Top-level package of every import in ``path``, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = path.relative_to(REPO).with_suffix("").parts[:-1]
    if path.name == "__init__.py":
        package = path.relative_to(REPO).parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                found.add(((base or (node.module or "").split("."))[0], node.lineno))
            else:
                found.add((node.module.split(".")[0], node.lineno))
    return found


def wrong_arrows(path):
    layer = layer_of(path)
    if layer == "app":
        allowed_ours = {"widgets"}
    else:
        allowed_ours = {layer, *ORDER[ORDER.index(layer) + 1:]}
    wrong = []
    for name, line in sorted(imported_packages(path)):
        if name in OURS and name not in allowed_ours:
            wrong.append(f"{path.relative_to(REPO)}:{line} imports {name}")
        elif layer in ALLOWED_THIRD_PARTY and name in THIRD_PARTY and name not in ALLOWED_THIRD_PARTY[layer]:
            wrong.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    return wrong


def test_every_layer_is_found():
    layers = {layer_of(p) for p in source_files()}
    assert layers == OURS
    assert sum(1 for p in source_files() if layer_of(p) == "pooling") > 10
    assert sum(1 for p in source_files() if layer_of(p) == "widgets") > 10  # the widgets/ package, file by file


@pytest.mark.parametrize("path", list(source_files()), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_one_way(path):
    assert wrong_arrows(path) == []


def test_a_wrong_arrow_is_caught(tmp_path, monkeypatch):
    core = tmp_path / "pooling"
    core.mkdir()
    (core / "bad.py").write_text("import numpy\n\ndef f():\n    from figures import maps\n    import streamlit\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    assert wrong_arrows(core / "bad.py") == ["pooling/bad.py:4 imports figures", "pooling/bad.py:5 imports streamlit"]


def module_name(path):
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_imports(path):
    """Our modules that ``path`` imports, also from inside its functions (a lazy import hides a circle, not ends it)."""
    tree = ast.parse(path.read_text())
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - (node.level - 1)]) if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            targets.add(module)
            targets.update(f"{module}.{alias.name}" for alias in node.names)
    return {t for t in targets if t.split(".")[0] in OURS}


def test_no_import_circle():
    files = [p for p in source_files() if layer_of(p) not in ("pages", "app")]
    modules = {module_name(p): p for p in files}
    graph = {m: {t for t in module_imports(p) if t in modules and t != m} for m, p in modules.items()}
    # A package's __init__ importing its own submodules is not a circle; a submodule importing a sibling back is.
    state, circles = {}, []

    def visit(m, stack):
        state[m] = "open"
        for t in sorted(graph[m]):
            if m.startswith(t + ".") or t.startswith(m + "."):
                continue
            if state.get(t) == "open":
                circles.append(" -> ".join(stack[stack.index(t):] + [t]))
            elif t not in state:
                visit(t, stack + [t])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert circles == []


def loaded_after_import(*modules):
    """Top-level names of the third-party packages in ``sys.modules`` after importing ``modules``."""
    code = "".join(f"import {m}\n" for m in ("sys", *modules)) + (
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(THIRD_PARTY)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(ast.literal_eval(done.stdout.strip()))


@pytest.mark.parametrize("layer", ["pooling", "poolinglab", "figures"])
def test_a_layer_loads_only_what_it_may(layer):
    modules = sorted(module_name(p) for p in source_files() if layer_of(p) == layer)
    assert loaded_after_import(*modules) <= ALLOWED_THIRD_PARTY[layer]


def test_import_pooling_loads_numpy_only():
    assert loaded_after_import("pooling") == {"numpy"}


def private_names_imported(path):
    """``module: name`` of every ``_name`` that ``path`` imports from another module (dunders aside)."""
    tree = ast.parse(path.read_text())
    return sorted(f"{'.' * node.level}{node.module or ''}: {alias.name}" for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom)
                  for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__"))


@pytest.mark.parametrize("path", [p for p in source_files() if layer_of(p) == "pooling"],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_the_core_reaches_no_private_name_across_modules(path):
    # What modules share is a named internal API (e.g. _checks.float_dtype, _engine.flat_indices), not a _name.
    assert private_names_imported(path) == []


def test_the_window_geometry_does_not_depend_on_the_thread_pool():
    modules = {module_name(p): p for p in source_files() if layer_of(p) == "pooling"}
    reached, todo = set(), ["pooling.geometry"]
    while todo:
        m = todo.pop()
        if m in reached or m not in modules:
            continue
        reached.add(m)
        todo.extend(t for t in module_imports(modules[m]) if t != "pooling")
    assert "pooling._fast" not in reached and "pooling._engine" not in reached
    assert reached == {"pooling.geometry", "pooling._checks"}


def first_own_import(path):
    """The first import of our code in a page, as written: ``"import widgets"`` or ``"from figures import ..."``."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import) and node.names[0].name.split(".")[0] in OURS:
            return f"import {node.names[0].name}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in OURS:
            return f"from {node.module} import ..."
    return None


@pytest.mark.parametrize("path", sorted((REPO / "pages").glob("*.py")), ids=lambda p: p.name)
def test_a_page_loads_the_whole_app_before_any_submodule(path):
    # A page opened from its own link runs without app.py, and a class opens many at once: two sessions that each
    # start in a different submodule can lock against each other's package (_DeadlockError, half-built modules;
    # tests/test_burst.py saw it). `import widgets` first loads every layer under one lock. See widgets/__init__.py.
    assert first_own_import(path) == "import widgets"
