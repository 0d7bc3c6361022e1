"""The rules/ pages are rendered from the rule classes: complete, unique and up to date."""

from __future__ import annotations

import inspect
import re

from numba_lint.catalog import stale_pages
from numba_lint.checks import ALL_RULES, RuleInfo
from numba_lint.checks.base import DOC_HEADINGS
from numba_lint.checks.rule_docs import shown_code


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in ALL_RULES]
    names = [rule.name for rule in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in ALL_RULES:
        assert re.fullmatch(r"NB\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.name), rule.name


def test_every_rule_documents_the_required_headings() -> None:
    for rule in ALL_RULES:
        docs = rule.docs()
        for heading in DOC_HEADINGS:
            assert f"## {heading}\n" in docs + "\n", f"{rule.code} lacks '## {heading}'"


def test_pages_are_up_to_date() -> None:
    assert stale_pages() == [], "run: python -m numba_lint.catalog --write"


def _docstring_section(rule: type[RuleInfo], heading: str) -> str:
    text = inspect.cleandoc(rule.__doc__ or "")
    _, _, after = text.partition(f"## {heading}\n")
    return after.split("\n## ", 1)[0]


def test_the_code_on_a_page_is_a_tested_example_written_once() -> None:
    """Docstrings hold prose only; the code under "Example" (every rule has one) and under
    "Use instead" (where the fix is code) is the tested example marked `shown`."""
    for rule in ALL_RULES:
        for heading, examples in (("Example", rule.invalid), ("Use instead", rule.valid)):
            shown = [example for example in examples if example.shown]
            assert "```" not in _docstring_section(rule, heading), (
                f"{rule.code}: mark the example its {heading} section shows `shown=True` "
                "instead of writing its code in the docstring"
            )
            assert len(shown) <= 1, f"{rule.code}: more than one shown {heading} example"
            if heading == "Example":
                assert shown, f"{rule.code}: no invalid example is marked `shown=True`"
            if shown:
                rendered = rule.docs().partition(f"## {heading}\n")[2].split("\n## ", 1)[0]
                assert f"```python\n{shown_code(shown[0])}```" in rendered, rule.code
