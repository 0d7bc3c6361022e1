"""The rules/ pages are rendered from the rule classes: complete, unique and up to date."""

from __future__ import annotations

import re

from numba_lint.catalog import stale_pages
from numba_lint.checks import ALL_RULES
from numba_lint.checks.base import DOC_HEADINGS


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
