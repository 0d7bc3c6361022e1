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


# Rules whose docstring still holds hand-written code under "Example" / "Use instead" (no tested
# example is close enough to stand in for it yet). The ratchet: a rule leaves a list when one of
# its examples is marked `shown`, and may not come back.
HAND_WRITTEN: dict[str, frozenset[str]] = {
    "Example": frozenset("NB903 NB906 NB907".split()),
    "Use instead": frozenset(),
}


def _docstring_section(rule: type[RuleInfo], heading: str) -> str:
    text = inspect.cleandoc(rule.__doc__ or "")
    _, _, after = text.partition(f"## {heading}\n")
    return after.split("\n## ", 1)[0]


def test_the_code_on_a_page_is_a_tested_example_written_once() -> None:
    for rule in ALL_RULES:
        for heading, examples in (("Example", rule.invalid), ("Use instead", rule.valid)):
            shown = [example for example in examples if example.shown]
            hand_written = "```" in _docstring_section(rule, heading)
            assert len(shown) <= 1, f"{rule.code}: more than one shown {heading} example"
            assert not (shown and hand_written), f"{rule.code}: {heading} code written twice"
            if shown:
                rendered = rule.docs().partition(f"## {heading}\n")[2].split("\n## ", 1)[0]
                assert f"```python\n{shown_code(shown[0])}```" in rendered, rule.code
            elif hand_written:
                assert rule.code in HAND_WRITTEN[heading], (
                    f"{rule.code}: mark the example the {heading} section shows `shown=True` "
                    "instead of writing its code in the docstring"
                )
            else:
                assert rule.code not in HAND_WRITTEN[heading], (
                    f"{rule.code}: its {heading} code is tested now: drop it from HAND_WRITTEN"
                )
