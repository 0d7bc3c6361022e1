"""NB101: attribute access on a value no Numba type can have (an instance of a plain class)."""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from ..merge import OBJECT
from .base import Example
from .rule_bases import NopythonRule


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

    ## Use instead
    Pass the numbers themselves, or make the class a `@jitclass`:

    ## Known limitations
    The attribute table is the union over all Numba types, so an attribute that some Numba type
    has (for example `shape`, `real`, `size`) is never flagged, even on a plain object; the
    trial compile catches those. Fields of record types defined outside the checked files are
    unknown to the static pass: the rule stays silent when the project defines the name anywhere
    as a field, or registers it on a type of its own (`overload_method`, `overload_attribute`,
    `make_attribute_wrapper`, a structref proxy). The attributes of one object are one finding,
    reported at the object's creation (NB103, NB115) or at its first use, that lists the others.
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
            shown=True,
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
        Example(
            """
            from numba import njit

            class MyInt:
                def __init__(self, x):
                    self.x = x

            @njit
            def add(a, b):
                return a + b
            """,
            call="a, b = MyInt(5), MyInt(6); add(a.x, b.x)",
            numba="compiles",
            shown=True,
        ),
    )

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        # What each local's attributes follow from (see `merge.fold`): (scope prefix, name) ->
        # the node of the call that last created the value bound to it (its callee), or the
        # class defined in the jitted code that it instantiates. Positions are computed only
        # when a finding is reported: most modules report nothing.
        self._created: dict[tuple[str, str], cst.CSTNode] = {}
        # Classes defined inside jitted code (NB115 is reported on the definition), and the
        # ones whose bodies are being walked.
        self._local_classes: dict[tuple[str, str], cst.ClassDef] = {}
        self._class_bodies: list[cst.ClassDef] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.function is None:
            return
        # The scope that binds the class's name (the walk has already entered the class's own).
        scope, _ = self.context.parsed.names.lookup(node.name.value)
        if scope is not None:
            self._local_classes[(scope.prefix, node.name.value)] = node
        self._class_bodies.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if self.function is not None and self._class_bodies:
            self._class_bodies.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        # `p = Point(...)`: every attribute of `p` follows from that call (NB103 reports it
        # when `Point` is a plain class, NB115 when it is defined in the jitted function).
        if self.function is None or not isinstance(node.value, cst.Call):
            return
        func = node.value.func
        names = self.context.parsed.names
        cause: cst.CSTNode | None = None
        if isinstance(func, cst.Name):
            scope, _ = names.lookup(func.value)
            if scope is not None:
                cause = self._local_classes.get((scope.prefix, func.value))
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                scope, _ = names.lookup(target.target.value)
                prefix = scope.prefix if scope is not None else ""
                self._created[(prefix, target.target.value)] = cause or func

    def _cause(self, owner: cst.Name) -> str:
        """One cause per object: a class defined in the jitted code for the attributes in its
        body, else the call that created the value, else the variable (a parameter)."""
        if self._class_bodies:
            return self.position_key(self._class_bodies[-1])
        scope, _ = self.context.parsed.names.lookup(owner.value)
        prefix = scope.prefix if scope is not None else ""
        created = self._created.get((prefix, owner.value))
        if created is None:
            return f"variable:{prefix}:{owner.value}"
        return self.position_key(created)

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
        # static workers keep more early rules runs, see `static/asked.py`).
        if not self._is_local(owner) or self.context.project.is_field(attribute):
            return
        cause = self._cause(owner)
        # A parameter's attributes: the trial compile reports the argument itself (NB901, at
        # its first use); `object` lets the merge make the two one finding.
        detail = {OBJECT: owner.value} if cause.startswith("variable:") else None
        self.report(node, attribute=attribute, owner=owner.value, cause=cause, detail=detail)

    def _is_local(self, name: cst.Name) -> bool:
        """True when `name` is bound inside the enclosing function (a parameter or a local)."""
        return self.context.parsed.names.is_local(name)
