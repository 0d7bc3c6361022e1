"""NB103: instantiating a plain Python class of the project inside jitted code.

A class is "plain" when the project defines it with no bases but `object`/`ABC`/other plain
classes, no metaclass, no decorators but `@dataclass`/`@total_ordering`, is bound once and never
handed to an extension (see `bindings.py`). Jitclasses, structrefs, namedtuples, enums and
exception classes are therefore never flagged.
"""

from __future__ import annotations

import libcst as cst

from .. import bindings as kinds
from ..diagnostic import Severity
from .base import Example
from .globals import GlobalRule


class PlainClassInstantiation(GlobalRule):
    """
    ## What it does
    Flags a call that creates an instance of a plain Python class of the project (defined in
    this module or imported from another checked module) inside jitted code.

    ## Why is this bad?
    Nopython mode cannot type ordinary Python classes: the class itself is an untypable
    global, and compilation stops with "Untyped global name 'Point': Cannot determine Numba
    type of <class 'type'>". Dataclasses are plain classes too.

    ## Example

    ## Use instead
    Make it a `@jitclass` (or a `structref`, or a `namedtuple` for immutable records):

    ## Known limitations
    Classes with bases or decorators the static pass does not know are left to the trial
    compile, as are classes defined outside the checked modules. A class passed as an
    argument anywhere (for example `typeof_impl.register(Point)`) may be taught to Numba by an
    extension and is not flagged. One class in one function is one finding: its first
    instantiation, listing the other instantiations and the attributes of the instances (NB101).
    """

    code = "NB103"
    name = "plain-class-instantiation"
    severity = Severity.ERROR
    summary = "instance of a plain Python class created in jitted code"
    message = (
        "'{cls}' is a plain Python class: nopython mode cannot create its instances; "
        "make it a @jitclass, a structref or a namedtuple"
    )

    invalid = (
        Example(
            """
            from dataclasses import dataclass

            from numba import njit

            class Point:
                def __init__(self, x, y):
                    self.x = x
                    self.y = y

            @dataclass
            class Pair:
                a: int
                b: int

            @njit
            def origin():
                return Point(0.0, 0.0)  # expect: NB103

            @njit
            def pair():
                p = Pair(1, 2)  # expect: NB103
                return 1
            """,
            call="origin()",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            class Point:
                def __init__(self, x, y):
                    self.x = x
                    self.y = y

            @njit
            def origin():
                return Point(0.0, 0.0)  # expect: NB103
            """,
            call="origin()",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from collections import namedtuple
            from typing import NamedTuple

            from numba import float64, njit
            from numba.experimental import jitclass

            @jitclass([("x", float64)])
            class Box:
                def __init__(self, x):
                    self.x = x

            class Pt(NamedTuple):
                x: float
                y: float

            Pair = namedtuple("Pair", "a b")

            class Failure(ValueError):
                pass

            @njit
            def make(x):
                if x < 0:
                    raise Failure("negative")
                return Box(x).x + Pt(x, x).y + Pair(x, x).a
            """,
            call="make(1.0)",
            numba="compiles",
        ),
        Example(
            """
            from numba import float64, njit
            from numba.experimental import jitclass

            @jitclass([("x", float64), ("y", float64)])
            class Point:
                def __init__(self, x, y):
                    self.x = x
                    self.y = y

            @njit
            def origin():
                return Point(0.0, 0.0)
            """,
            call="origin()",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        cls = self.plain_callee(node, kinds.PLAIN_CLASS)
        if cls is not None:
            # One finding per class and function, listing the other places (`first_finding`).
            self.report(node.func, cls=cls, cause=self.first_finding(node.func, cls))
