"""The contract between the NB9xx rule classes and the dynamic pass's parent side.

A trial compile that failed reaches the rules as a `Failure` (Numba's text, the exception
types, the worker's hint). Each rule that recognises a shape of Numba's error says so in two
hooks, next to its docs:

- `claim(failure)`: the message fields when the failure is of this rule's shape, else None.
  dynamic/messages.classify asks the rules in `CLAIM_ORDER` (checks/dynamic/__init__.py).
- `locate(nodes, line, failure)`: the node on `line` that the shape names (the attribute, the
  global, the call), else None. dynamic/locate asks the rules in `LOCATE_ORDER`.

Pure text and CST; never imports Numba.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import libcst as cst
from libcst.metadata import CodeRange

from ..base import DynamicRule


@dataclass(frozen=True)
class Failure:
    """One failed (function, signature) as the rules read it."""

    # The first meaningful line of Numba's message (dynamic/messages.first_line).
    message: str
    # Numba's full text (every line, with the pipeline banners).
    text: str
    # Names of the exception's classes, most derived first (worker-side `types`).
    types: Set[str]
    # The worker's hint: "invalid-signature", "lowering" or None (dynamic/protocol.py).
    kind_hint: str | None
    signature: str | None
    # The worker compiled fully (lowering included), not typing only.
    full_compile: bool
    # Global names whose definitions the trial compile skipped (side effects left out).
    dropped: Set[str]


class LineNodes(Protocol):
    """What a locator may ask of a source file (dynamic/source_nodes.SourceNodes)."""

    def nodes_on(
        self, line: int, kinds: tuple[type, ...]
    ) -> list[tuple[cst.CSTNode, CodeRange]]: ...


class TrialRule(DynamicRule):
    """An NB9xx rule that recognises (claims) a shape of Numba's error and points at a node."""

    # The regexes of Numba's wording this rule recognises (documentation for rule authors;
    # `claim` and `locate` use them).
    shapes: ClassVar[tuple[Any, ...]] = ()

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        """The message fields when `failure` is of this rule's shape, else None."""
        return None

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """The node on `line` that this rule's shape names, else None."""
        return None


def name_on(nodes: LineNodes, line: int, name: str) -> cst.CSTNode | None:
    """The innermost `Name` node on `line` spelled `name`."""
    for node, _ in nodes.nodes_on(line, (cst.Name,)):
        if isinstance(node, cst.Name) and node.value == name:
            return node
    return None


def call_of(nodes: LineNodes, line: int, name: str) -> cst.CSTNode | None:
    """The innermost call on `line` whose callee is `name` or `something.name`."""
    for node, _ in nodes.nodes_on(line, (cst.Call,)):
        assert isinstance(node, cst.Call)
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        if last == name:
            return node
    return None
