"""numba_lint/recent.py: the server's bounded memory keeps the most recently used entries."""

from __future__ import annotations

from numba_lint.recent import Recent


def test_the_least_recently_used_entry_goes_first() -> None:
    recent: Recent[str, int] = Recent()
    recent.set_limit(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # "a" is now the most recent
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (1, None, 3)


def test_a_limit_of_zero_keeps_nothing_and_forgets_all() -> None:
    recent: Recent[str, int] = Recent()
    recent.put("a", 1)
    assert recent.get("a") is None
    recent.set_limit(3)
    recent.put("a", 1)
    recent.set_limit(0)
    assert recent.get("a") is None
