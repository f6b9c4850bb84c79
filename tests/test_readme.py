"""The README's Python examples run as doctests, with pyproject's doctest options.

``pytest --doctest-modules`` reads docstrings only, so nothing else runs the
README. NUMBER is pytest's own option flag, not the standard library's: its
checker is pytest's, the one ``--doctest-modules`` uses.
"""

import doctest
import pathlib
import re

from _pytest.doctest import _get_checker

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
# pyproject's doctest_optionflags.
OPTIONFLAGS = doctest.NORMALIZE_WHITESPACE | doctest.register_optionflag("NUMBER")


def test_readme_examples_run():
    # A code fence ends an example's expected output, as a blank line would; lines keep their numbers.
    text = re.sub(r"^```.*$", "", README.read_text(encoding="utf-8"), flags=re.MULTILINE)
    test = doctest.DocTestParser().get_doctest(text, {}, "README.md", str(README), 0)
    runner = doctest.DocTestRunner(checker=_get_checker(), optionflags=OPTIONFLAGS)
    report = []
    failures, tried = runner.run(test, out=report.append)
    assert tried >= 10, f"the README holds {tried} examples; its pooling section should show more"
    assert failures == 0, "".join(report)


def test_number_is_on():
    """NUMBER compares floats to the precision written: the README may round."""
    example = doctest.DocTestParser().get_doctest(">>> 1 / 3\n0.333\n", {}, "number", None, 0)
    runner = doctest.DocTestRunner(checker=_get_checker(), optionflags=OPTIONFLAGS)
    failures, _ = runner.run(example, out=lambda _: None)
    assert failures == 0
