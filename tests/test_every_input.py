"""Every page on every input the sidebar offers: no exception, and either the page's content or the reason why not.

The inputs are five dimensions: the image source (each sample, an upload and
six typed grids), the pooling mode (each of ``MODES``, plus the variants
whose options change the arithmetic: p = inf, p = 64, a divisor override,
stochastic at test time), the padding kind, the colour and the layer's
window. A full product is 90,000 runs; instead every page meets every value
of every dimension, and every two values of any two dimensions meet in some
run, in an all-pairs design that :func:`all_pairs` builds the same way every
time (about 160 runs).

Each case runs twice: once through the sidebar's widgets, as a student clicks,
and once from a link, as a teacher shares one (the query string of
:func:`poolinglab.links.to_query`, opened straight on the page).
"""

import itertools
import json
from dataclasses import dataclass

import pytest
from apptest_helpers import ROOT, TIMEOUT, pictures, png_bytes
from helpers import NOT_A_NUMBER
from streamlit.testing.v1 import AppTest

from poolinglab.formulas import FORMULAS
from poolinglab.intake.planes import COLOR_MODES
from poolinglab.intake.samples import SAMPLE_NAMES
from poolinglab.links import from_query, to_query
from poolinglab.settings import LIMITS, MODES, UPLOAD_NOT_HELD, PoolSettings, SweepInput
from widgets.registry import PAGES

PAGE_PATHS = {entry.path.removeprefix("pages/").removesuffix(".py"): entry.path for entry in PAGES}

GRIDS = {
    "default-grid": "1 3 2 0\n4 2 1 5\n0 1 7 2\n3 2 1 1",
    "one-cell": "7",
    "one-row": "1 5 2 8 3 9 4",
    "grid-3x7": "1 5 2 8 3 9 4\n0 6 1 7 2 5 3\n9 2 8 1 7 0 6",
    "flat-grid": "5 5 5 5\n5 5 5 5\n5 5 5 5\n5 5 5 5",
    "negatives": "-1 -3 -2 -8\n-4 -2 -1 -5\n-9 -1 -7 -2\n-3 -2 -1 -1",
}
SOURCES = tuple(f"sample-{name}" for name in SAMPLE_NAMES) + ("upload",) + tuple(GRIDS)

# Mode name -> the settings it sets. The variants change the arithmetic (p = 64 is the sidebar's largest p, where
# float32 powers of a pixel overflow): they get their own runs.
MODE_CASES = {
    **{mode: {"mode": mode} for mode in MODES},
    "lp-inf": {"mode": "lp", "p": float("inf")},
    "lp-64": {"mode": "lp", "p": LIMITS["p"][1]},
    "avg-divisor": {"mode": "avg", "divisor_override": 3, "count_include_pad": False},
    "stochastic-test": {"mode": "stochastic", "train": False},
}
PADDINGS = {"cells": 1, "valid": "valid", "same": "same"}
# Name -> (kernel, stride, dilation, ceil_mode): the default, an odd kernel, overlap with dilation, a thin ceil window.
LAYERS = {
    "k2s2": ((2, 2), 2, 1, False),
    "k3s2": ((3, 3), 2, 1, False),
    "k3s1d2": ((3, 3), 1, 2, False),
    "k1x3s2ceil": ((1, 3), 2, 1, True),
}

DIMENSIONS = {
    "page": tuple(PAGE_PATHS),
    "source": SOURCES,
    "mode": tuple(MODE_CASES),
    "padding": tuple(PADDINGS),
    "color": COLOR_MODES,
    "layer": tuple(LAYERS),
}


def all_pairs(dimensions):
    """Rows that hold every pair of values of every two dimensions at least once.

    Greedy and deterministic (no randomness, ties go to the first value in
    order): each row starts from the first pair not yet covered and fills
    every other dimension with the value that covers most new pairs.

    Parameters
    ----------
    dimensions : dict of str to tuple

    Returns
    -------
    list of dict
        One dict of dimension name to value per row.
    """
    names = list(dimensions)

    def pair(one, other):
        """Two (dimension, value) items in the dimensions' order, as ``uncovered`` holds them."""
        return (one, other) if names.index(one[0]) < names.index(other[0]) else (other, one)

    # Every pair, listed in the dimensions' and values' own order: the first uncovered one seeds the next row.
    order = [((a, x), (b, y)) for a, b in itertools.combinations(names, 2)
             for x in dimensions[a] for y in dimensions[b]]
    uncovered = set(order)
    rows = []
    while uncovered:
        (a, x), (b, y) = next(p for p in order if p in uncovered)
        row = {a: x, b: y}
        for name in (n for n in names if n not in (a, b)):
            row[name] = max(dimensions[name], key=lambda value: sum(
                pair((name, value), (other, row[other])) in uncovered for other in row))
        rows.append({name: row[name] for name in names})
        uncovered -= {((a, row[a]), (b, row[b])) for a, b in itertools.combinations(names, 2)}
    return rows


@dataclass(frozen=True)
class Case:
    page: str
    source: str
    mode: str
    padding: str
    color: str
    layer: str

    @property
    def id(self):
        return f"{self.page}-{self.source}-{self.mode}-{self.padding}-{self.color}-{self.layer}"

    @property
    def settings(self):
        kernel, stride, dilation, ceil_mode = LAYERS[self.layer]
        if self.source.startswith("sample-"):
            source = {"source": "sample", "sample": self.source.removeprefix("sample-")}
        elif self.source == "upload":
            source = {"source": "upload"}
        else:
            source = {"source": "grid", "grid": GRIDS[self.source]}
        return PoolSettings(**source, **MODE_CASES[self.mode], padding=PADDINGS[self.padding], color=self.color,
                            kernel=kernel, stride=stride, dilation=dilation, ceil_mode=ceil_mode)

    @property
    def sweep(self):
        """The small grid of the pages that pool one (Window Sweep, Backward pass): the typed grid, or a crop."""
        return SweepInput(source="typed", text=GRIDS[self.source]) if self.source in GRIDS else SweepInput(
            source="crop")


CASES = [Case(**row) for row in all_pairs(DIMENSIONS)]

# What each page is for; a run that shows none of it must say why.
MAIN_CHARTS = {
    "home": ("home_example",),
    "window_sweep": ("sweep_chart",),
    "max_vs_average": ("mva_image_",),
    "information_loss": ("loss_survival_map", "loss_recon_", "loss_psnr_chart"),
    "stacked_pooling": ("stk_pyramid",),
    "feature_maps": ("fm_maps_", "fm_sources"),
    "shift_invariance": ("shift_row_", "shift_chart"),
    "noise": ("noise_row_", "noise_chart"),
    "alternatives": ("alt_chart_",),
    "backward_pass": ("bwd_routing",),
    "pooling_over_time": ("pot_figure",),
}
# The page's own choice of modes, where it has one: the case's mode joins it, or it would never be pooled there.
PAGE_MODES = {"max_vs_average": ("mva_modes", "avg"), "noise": ("noise_modes", "avg"),
              "shift_invariance": ("shift_modes", "blurmax")}

# Prose written once, not from numbers, may name inf as a thing ("Beyond that PyTorch gives inf").
FIXED_PROSE = {text for f in FORMULAS.values() for text in (f.sentence, f.note) if text}


def shown_words(at):
    """Every sentence the page builds for a reader: code blocks (they spell float('inf') on purpose) and fixed
    prose left out."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "text", "latex", "warning", "error", "info",
             "success")
    words = [element.value for kind in kinds for element in getattr(at, kind) if element.value not in FIXED_PROSE]
    words += [f"{m.label} {m.value}" for m in at.metric]
    words += [str(table.value.to_dict("records")) for table in at.table]
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec).get("layout", {})
        words += [str(layout.get("title", "")), *(str(a.get("text", "")) for a in layout.get("annotations", []))]
    return words


def explanations(at):
    return [e.value for kind in ("warning", "error", "info") for e in getattr(at, kind)]


def main_charts(at, page):
    """The page's main charts and pictures (:func:`widgets.pictures.show_figure`) that it drew."""
    ids = [chart.proto.id for chart in at.get("plotly_chart")] + [key for key, _ in pictures(at)]
    return [i for i in ids if any(key in i for key in MAIN_CHARTS[page])]


def check(at, case, settings=None):
    assert not at.exception, [e.value for e in at.exception]
    if settings is not None:
        assert at.session_state["_pool_settings"] == settings, "the run did not use the case's settings"
    assert at.title and at.title[0].value, "the page drew no title"
    assert main_charts(at, case.page) or explanations(at), "the page shows neither its content nor why not"
    false_numbers = [w for w in shown_words(at) if NOT_A_NUMBER.search(w)]
    assert not false_numbers, false_numbers


def app_on(page, query=None):
    """app.py opened on ``page``, as a link straight to it opens it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    return at.switch_page(PAGE_PATHS[page])


def set_sidebar(at, case):
    """Set the case's sidebar through its widgets, in the two runs a student needs (the second for what appears)."""
    s = case.settings
    at.radio(key="source").set_value(s.source)
    if s.source == "sample":
        at.selectbox(key="sample").set_value(s.sample)
    at.selectbox(key="mode").set_value(s.mode)
    at.number_input(key="kernel_h").set_value(s.kernel[0])
    at.number_input(key="kernel_w").set_value(s.kernel[1])
    at.number_input(key="stride").set_value(s.stride)
    at.number_input(key="dilation").set_value(s.dilation)
    at.checkbox(key="ceil_mode").set_value(s.ceil_mode)
    at.radio(key="padding_kind").set_value(s.padding if isinstance(s.padding, str) else "number")
    if not isinstance(s.padding, str):
        at.number_input(key="padding").set_value(s.padding)
    at.selectbox(key="color").set_value(s.color)
    if case.page in ("window_sweep", "backward_pass"):
        at.radio(key="sweep_source").set_value(case.sweep.source)
    if case.page in PAGE_MODES:
        key, other = PAGE_MODES[case.page]
        at.multiselect(key=key).set_value([s.mode, other] if s.mode != other else [s.mode])
    at.run()
    if at.exception:
        return at
    if s.source == "upload":
        at.file_uploader(key="upload").set_value(("upload.png", png_bytes(), "image/png"))
    elif s.source == "grid":
        at.text_area(key="grid_text").set_value(s.grid)
    if case.page in ("window_sweep", "backward_pass") and case.sweep.source == "typed":
        at.text_area(key="sweep_text").set_value(case.sweep.text)
    if s.mode == "lp":
        at.checkbox(key="lp_inf").set_value(s.p == float("inf"))
        if s.p != float("inf"):
            at.number_input(key="lp_p").set_value(s.p)
    elif s.mode == "avg":
        at.number_input(key="divisor_override").set_value(s.divisor_override)
        at.checkbox(key="count_include_pad").set_value(s.count_include_pad)
    elif s.mode == "stochastic":
        at.checkbox(key="stochastic_train").set_value(s.train)
    return at.run()


def link_query(case):
    query = to_query(case.settings)
    if case.page in ("window_sweep", "backward_pass"):
        query.update(to_query(case.sweep))
    return query


def from_link(case):
    """The settings a link of the case restores: all of them. With source=upload the sidebar asks for the photo."""
    return case.settings


# ------------------------------------------------------------------ the design


def test_the_design_covers_every_pair_and_every_value_on_every_page():
    for (a, xs), (b, ys) in itertools.combinations(DIMENSIONS.items(), 2):
        met = {(getattr(c, a), getattr(c, b)) for c in CASES}
        assert met == set(itertools.product(xs, ys)), (a, b)


def test_the_design_is_the_same_every_time():
    assert [Case(**row) for row in all_pairs(DIMENSIONS)] == CASES


def test_a_link_from_the_design_restores_the_case():
    for case in CASES:
        restored, warnings = from_query(link_query(case))
        assert restored == from_link(case)
        assert warnings == []


def test_the_nan_pattern_catches_numbers_only():
    assert NOT_A_NUMBER.search("mean |change| nan") and NOT_A_NUMBER.search("ratio inf%")
    assert NOT_A_NUMBER.search("sums to -inf, not 3")
    assert not NOT_A_NUMBER.search(r"information, infinite PSNR, \infty, Nancy, p = ∞")


# -------------------------------------------------------------------- the runs


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_through_the_sidebar(case):
    at = app_on(case.page).run()
    check(at, case)
    check(set_sidebar(at, case), case, case.settings)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_through_a_link(case):
    at = app_on(case.page, link_query(case)).run()
    check(at, case, from_link(case))
    if case.source == "upload":
        assert UPLOAD_NOT_HELD in explanations(at)
