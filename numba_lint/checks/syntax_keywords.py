"""NB123, NB124: keyword-argument forms nopython mode rejects (`**kwargs` parameters,
`f(**mapping)`).

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped
(`rule_bases.ProbedSyntaxRule`).
"""

from __future__ import annotations

import libcst as cst

from .base import Example
from .rule_bases import ProbedSyntaxRule


class VarKeywordParameter(ProbedSyntaxRule):
    """
    ## What it does
    Flags a `**kwargs` parameter on a jitted function (or a function defined inside one).

    ## Why is this bad?
    Numba's dispatcher does not implement `**kwargs`: it treats the parameter as a required
    positional argument, so calls fail with "not enough arguments".

    ## Example

    ## Use instead
    Name each keyword parameter with its default:
    """

    code = "NB123"
    name = "var-keyword-parameter"
    summary = "`**kwargs` parameter on a jitted function"
    message = "`**{name}` parameters are not supported by Numba: name the keyword parameters"
    probes = ("def-var-keyword",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a, **options):  # expect: NB123
                return a
            """,
            call="f(1)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a, scale=1.0):
                return a * scale
            """,
            call="f(1.0)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        star = node.params.star_kwarg
        if star is not None and self.active():
            self.report(star, name=star.name.value)


class DictUnpackingCall(ProbedSyntaxRule):
    """
    ## What it does
    Flags calls that unpack a mapping into keyword arguments (`f(**d)`) in jitted code.

    ## Why is this bad?
    Keyword arguments are bound at compile time; nopython mode does not implement unpacking a
    dictionary into them (unsupported opcode DICT_MERGE).

    ## Example

    ## Use instead
    Pass the arguments explicitly: `add(x=a, y=a)`.
    """

    code = "NB124"
    name = "dict-unpacking-call"
    summary = "`f(**mapping)` in jitted code"
    message = "unpacking a mapping into keyword arguments is not supported in nopython mode"
    probes = ("call-dict-unpack",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def add(x, y):
                return x + y

            @njit
            def g(a):
                d = {"x": a, "y": a}
                return add(**d)  # expect: NB124
            """,
            call="g(1)",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            @njit
            def add(x, y):
                return x + y

            @njit
            def g(a):
                d = {"x": a, "y": a}
                return add(**d)  # expect: NB124
            """,
            call="g(1)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def add(x, y):
                return x + y

            @njit
            def g(a):
                return add(x=a, y=a)
            """,
            call="g(1)",
            numba="compiles",
        ),
    )

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.star == "**" and self.active():
            self.report(node)
