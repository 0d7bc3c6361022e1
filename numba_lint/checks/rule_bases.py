"""The base classes of the rule families that look only at code compiled in nopython mode.

`NopythonRule` skips object-mode functions, `with objmode(...)` bodies and what the interpreter
evaluates (decorators, annotations, parameter defaults); `ProbedSyntaxRule` adds the probe
verdicts of the syntax rules (NB110-NB128). The call rules (`call_library.CallRule`), the
global-name rules (`globals.GlobalRule`) and most other static rules build on these.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from .base import StaticRule


def is_objmode(item: cst.WithItem) -> bool:
    """Whether a `with` item is `objmode(...)`: its body runs in the interpreter."""
    call = item.item
    target = call.func if isinstance(call, cst.Call) else call
    if isinstance(target, cst.Attribute):
        return target.attr.value == "objmode"
    return isinstance(target, cst.Name) and target.value == "objmode"


class NopythonRule(StaticRule):
    """A rule that looks only at code Numba compiles in nopython mode.

    Skips functions compiled in object mode (`forceobj=True`, `nopython=False`), the bodies
    of `with objmode(...)` blocks, and decorators, annotations and parameter defaults: all of
    those are evaluated by the interpreter.
    """

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self._objmode_depth = 0
        self._python_depth = 0

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._python_depth += 1

    def leave_Decorator(self, original_node: cst.Decorator) -> None:
        self._python_depth -= 1

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._python_depth += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._python_depth -= 1

    def visit_Parameters(self, node: cst.Parameters) -> None:
        self._python_depth += 1

    def leave_Parameters(self, original_node: cst.Parameters) -> None:
        self._python_depth -= 1

    def visit_With(self, node: cst.With) -> None:
        if any(is_objmode(item) for item in node.items):
            self._objmode_depth += 1

    def leave_With(self, original_node: cst.With) -> None:
        if any(is_objmode(item) for item in original_node.items):
            self._objmode_depth -= 1

    def in_nopython(self) -> bool:
        function = self.function
        if function is None or self._objmode_depth or self._python_depth:
            return False
        # Only forceobj=True gives object mode: since Numba 0.59 `nopython=False` is ignored (with
        # a deprecation warning) and the function is still compiled in nopython mode.
        return function.decorator.options.get("forceobj") is not True


class ProbedSyntaxRule(NopythonRule):
    """A construct rule: reports only in nopython code, only when its probes failed."""

    # The probes whose failure makes the construct certain to be rejected.
    probes: ClassVar[tuple[str, ...]] = ()

    def probe_failed(self, *names: str) -> bool:
        """True when every named probe (default: the rule's) ran and failed."""
        knowledge = self.knowledge
        if knowledge is None:
            return False
        return all(knowledge.probe(name) is False for name in names or self.probes)

    def active(self, *names: str) -> bool:
        return self.in_nopython() and self.probe_failed(*names)
