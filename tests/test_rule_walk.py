"""The shared rule walk gathers exactly the visitor methods libcst itself would."""

from __future__ import annotations

from libcst._batched_visitor import _get_visitor_methods

from numba_lint.checks import ALL_RULES, static_rules
from numba_lint.checks.base import _visitor_methods


def test_cached_visitor_methods_match_libcst() -> None:
    rules = [rule(None) for rule in static_rules(ALL_RULES)]  # type: ignore[arg-type]
    ours, theirs = _visitor_methods(rules), _get_visitor_methods(rules)
    assert list(ours) and sorted(ours) == sorted(theirs)
    for name, methods in theirs.items():
        assert [m.__func__ for m in ours[name]] == [m.__func__ for m in methods]
