"""walk.walk visits the same nodes in the same order as libcst's own `visit` (tokens aside)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from numba_lint.walk import walk


class _Order(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", type(node).__name__, id(node)))
        # Returning False skips the children, as libcst does.
        return not isinstance(node, cst.Lambda)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", type(original_node).__name__, id(original_node)))


def _semantic(events: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """Without whitespace and operator tokens, which the walk skips."""
    tokens = {
        name
        for name, value in vars(cst).items()
        if isinstance(value, type)
        and value.__module__ in ("libcst._nodes.op", "libcst._nodes.whitespace")
    }
    return [event for event in events if event[1] not in tokens]


def test_same_order_as_libcst_on_this_project() -> None:
    root = Path(__file__).resolve().parent.parent / "numba_lint"
    files = sorted(root.rglob("*.py"))[:25]
    assert files
    for path in files:
        module = cst.parse_module(path.read_text())
        theirs, ours = _Order(), _Order()
        module.visit(theirs)
        walk(module, ours)
        assert _semantic(theirs.events) == ours.events, path
