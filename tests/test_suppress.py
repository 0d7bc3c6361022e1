"""`# noqa` parsing (strict) and rule selection, as a table of cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from numba_lint.config import Config, ConfigError
from numba_lint.diagnostic import Diagnostic, Location, Pass, Severity
from numba_lint.suppress import Selection, is_suppressed, noqa_codes


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = a.x  # noqa", frozenset()),
        ("x = a.x  # noqa: NB101", frozenset({"NB101"})),
        ("x = a.x  # NOQA:NB101,NB203", frozenset({"NB101", "NB203"})),
        ("x = a.x  # noqa : NB101 NB2", frozenset({"NB101", "NB2"})),
        ("x = a.x  # noqa: nb101", frozenset({"NB101"})),
        ("x = a.x  # noqa: not codes", None),  # strict: silences nothing
        ("x = a.x", None),
        ("x = 'noqa'", None),
    ],
)
def test_noqa_parsing(line: str, expected: frozenset[str] | None) -> None:
    assert noqa_codes(line) == expected


def diagnostic(code: str = "NB101", row: int = 1) -> Diagnostic:
    return Diagnostic(
        "f.py", Location(row, 1), Location(row, 2), code, "m", Severity.ERROR, Pass.STATIC
    )


@pytest.mark.parametrize(
    ("line", "code", "suppressed"),
    [
        ("y  # noqa", "NB101", True),
        ("y  # noqa: NB101", "NB101", True),
        ("y  # noqa: NB1", "NB101", True),  # a prefix silences its group
        ("y  # noqa: NB203", "NB101", False),
        ("y  # noqa: whatever", "NB101", False),
        ("y", "NB101", False),
    ],
)
def test_noqa_applies_on_the_reported_line(line: str, code: str, suppressed: bool) -> None:
    assert is_suppressed(diagnostic(code, row=2), ["first line", line]) is suppressed


def test_noqa_on_another_line_does_not_count() -> None:
    assert not is_suppressed(diagnostic(row=1), ["y", "z  # noqa"])


KNOWN = {"NB001": True, "NB101": True, "NB102": True, "NB201": True, "NB303": False}


def selection(**kwargs: object) -> Selection:
    return Selection(Config(project_root=Path("/project"), **kwargs), KNOWN)  # type: ignore[arg-type]


def test_default_selection_is_the_default_enabled_rules() -> None:
    assert selection().selected == {"NB001", "NB101", "NB102", "NB201"}


def test_select_replaces_and_accepts_prefixes_and_all() -> None:
    assert selection(select=["NB1"]).selected == {"NB101", "NB102"}
    assert selection(select=["ALL"]).selected == set(KNOWN)


def test_extend_select_adds_an_off_by_default_rule_and_ignore_wins() -> None:
    chosen = selection(extend_select=["NB303"], ignore=["NB10"]).selected
    assert chosen == {"NB001", "NB201", "NB303"}


@pytest.mark.parametrize("field", ["select", "ignore", "extend_select"])
def test_unknown_codes_are_configuration_errors(field: str) -> None:
    with pytest.raises(ConfigError, match="unknown rule code"):
        selection(**{field: ["NB999"]})


def test_per_file_ignores_match_globs_relative_to_the_root() -> None:
    chosen = selection(per_file_ignores={"tests/*.py": ["NB101"]})
    assert not chosen.wants(diagnostic(), Path("/project/tests/test_x.py"))
    assert chosen.wants(diagnostic(), Path("/project/src/x.py"))
    assert chosen.wants(diagnostic("NB102"), Path("/project/tests/test_x.py"))
