"""NB126, NB127: string formatting nopython mode rejects (`%` and `.format`, f-string format specs).

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped
(`rule_bases.ProbedSyntaxRule`).
"""

from __future__ import annotations

import libcst as cst

from .base import Example
from .rule_bases import ProbedSyntaxRule


def _is_string_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return _is_string_literal(node.left) and _is_string_literal(node.right)
    return isinstance(node, cst.FormattedString)


class StringFormatting(ProbedSyntaxRule):
    """
    ## What it does
    Flags `%`-formatting and `.format()` on string literals in jitted code.

    ## Why is this bad?
    Numba's string type implements neither `str % args` nor `str.format` ("Unknown attribute
    'format'").

    ## Example

    ## Use instead
    An f-string without a format spec, or `str()` and concatenation:

    ## Known limitations
    Only literal format strings are recognised; a format string held in a variable is left to
    the trial compile.
    """

    code = "NB126"
    name = "string-formatting"
    summary = "`%` or `.format()` string formatting in jitted code"
    message = "{what} string formatting is not supported in nopython mode: use an f-string"
    probes = ("percent-format",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def label(a):
                return "value %d" % a  # expect: NB126
            """,
            call="label(1)",
            numba="fails",
            shown=True,
        ),
        Example(
            """
            from numba import njit

            @njit
            def label(a):
                return "value {}".format(a)  # expect: NB126
            """,
            call="label(1)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def label(a):
                return f"value {a}"
            """,
            call="label(1)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Modulo) and _is_string_literal(node.left):
            if self.active("percent-format"):
                self.report(node, what="`%`")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "format"
            and _is_string_literal(func.value)
            and self.active("str-format-method")
        ):
            self.report(node, what="`.format()`")


class FStringFormatSpec(ProbedSyntaxRule):
    """
    ## What it does
    Flags f-string replacement fields with a format spec or a conversion (`{x:.2f}`,
    `{x!r}`) in jitted code.

    ## Why is this bad?
    Numba supports plain f-string fields (`{x}`) but not formatting them ("format spec in
    f-strings not supported yet").

    ## Example

    ## Use instead
    Round first, or format outside the jitted function:
    """

    code = "NB127"
    name = "f-string-format-spec"
    summary = "f-string format spec or conversion in jitted code"
    message = "f-string {what} is not supported in nopython mode: use a plain `{{value}}`"
    probes = ("f-string-format-spec",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def label(x):
                return f"x = {x:.2f}"  # expect: NB127
            """,
            call="label(1.5)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def label(x):
                return f"x = {x}"
            """,
            call="label(1.5)",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit

            @njit
            def label(x):
                return f"x = {round(x, 2)}"
            """,
            call="label(1.5)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        if node.format_spec is not None and self.active("f-string-format-spec"):
            self.report(node, what="format spec")
        elif node.conversion is not None and self.active("f-string-conversion"):
            self.report(node, what=f"conversion `!{node.conversion}`")
