"""NB101: attribute access on a value no Numba type can have (an instance of a plain class)."""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from .base import Example
from .syntax import NopythonRule


class PlainClassAttribute(NopythonRule):
    """
    ## What it does
    Flags `obj.name` inside jitted code when `obj` is a local variable or parameter and `name`
    is an attribute that no Numba type resolves and that no jitclass, structref, namedtuple or
    structured dtype of the project defines. That is what happens when `obj` is an instance of a
    plain Python class.

    ## Why is this bad?
    Nopython mode cannot type instances of ordinary Python classes. Numba stops with
    "Cannot determine Numba type of <class ...>" and points at the decorator, not at the line
    that uses the object.

    ## Example
    ```python
    class MyInt:
        def __init__(self, x):
            self.x = x

    @njit
    def add(a, b):
        return a.x + b.x
    ```

    ## Use instead
    Pass the numbers themselves, or make the class a `@jitclass`:
    ```python
    @njit
    def add(a, b):
        return a + b

    add(a.x, b.x)
    ```

    ## Known limitations
    The attribute table is the union over all Numba types, so an attribute that some Numba type
    has (for example `shape`, `real`, `size`) is never flagged, even on a plain object; the
    trial compile catches those. Fields of record types defined outside the checked files are
    unknown to the static pass: the rule stays silent when the project defines the name anywhere
    as a field.
    """

    code = "NB101"
    name = "plain-class-attribute"
    severity = Severity.ERROR
    summary = "attribute of a plain Python class instance in jitted code"
    message = (
        "attribute '{attribute}' of '{owner}' is resolved by no Numba type: nopython mode "
        "supports neither plain Python class instances nor this attribute on any type"
    )

    invalid = (
        Example(
            """
            from numba import njit

            class MyInt:
                def __init__(self, x):
                    self.x = x

            @njit
            def add_object(a, b):
                return a.x + b.x  # expect: NB101
            """,
            call="add_object(MyInt(5), MyInt(6))",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def total(a):
                return a.sum() + a.shape[0] + a.size
            """,
            call="total(np.ones(3))",
            numba="compiles",
        ),
        Example(
            """
            from numba import int64, njit
            from numba.experimental import jitclass

            @jitclass([("x", int64)])
            class Box:
                def __init__(self, x):
                    self.x = x

            @njit
            def unbox(b):
                return b.x
            """,
            call="unbox(Box(3))",
            numba="compiles",
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        knowledge = self.knowledge
        # Decorators, defaults, annotations and objmode blocks run in Python (found on the real
        # corpus: `parallel=self.flag` in a nested jitted function's decorator).
        if not self.in_nopython() or knowledge is None or not knowledge.attributes:
            return
        owner = node.value
        if not isinstance(owner, cst.Name):
            return
        attribute = node.attr.value
        if attribute.startswith("__") or attribute in knowledge.attributes:
            return
        # Locality first: `np.pi` never asks the project about `pi` (fewer questions let the
        # static workers keep more early rules runs, see `checks.base.AskedFacts`).
        if not self._is_local(owner) or self.context.project.is_field(attribute):
            return
        self.report(node, attribute=attribute, owner=owner.value)

    def _is_local(self, name: cst.Name) -> bool:
        """True when `name` is bound inside the enclosing function (a parameter or a local)."""
        return self.context.parsed.names.is_local(name)
