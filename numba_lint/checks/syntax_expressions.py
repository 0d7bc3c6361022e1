"""NB119-NB128: expression and function-signature forms nopython mode rejects, by probe verdict.

The companion of `syntax.py` (statements): same base class, same contract. A construct whose
probe compiled with the installed Numba is never flagged; without knowledge nothing is.
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from .base import Example
from .syntax import ProbedSyntaxRule


class YieldFrom(ProbedSyntaxRule):
    """
    ## What it does
    Flags `yield from` in jitted code.

    ## Why is this bad?
    Numba compiles simple generators but not delegation to a sub-iterator (unsupported opcode
    GET_YIELD_FROM_ITER).

    ## Example
    ```python
    @njit
    def numbers(n):
        yield from range(n)
    ```

    ## Use instead
    ```python
    @njit
    def numbers(n):
        for i in range(n):
            yield i
    ```
    """

    code = "NB119"
    name = "yield-from"
    summary = "`yield from` in jitted code"
    message = "`yield from` is not supported in nopython mode: loop and `yield` each item"
    probes = ("yield-from",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def numbers(n):
                yield from range(n)  # expect: NB119
            """,
            call="list(numbers(3))",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def numbers(n):
                for i in range(n):
                    yield i
            """,
            call="list(numbers(3))",
            numba="compiles",
        ),
    )

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.From) and self.active():
            self.report(node)


class GeneratorExpression(ProbedSyntaxRule):
    """
    ## What it does
    Flags generator expressions (`sum(x for x in xs)`) in jitted code.

    ## Why is this bad?
    A generator expression is a closure that yields, and nopython mode does not support
    `yield` inside a closure ("The use of yield in a closure is unsupported").

    ## Example
    ```python
    @njit
    def total(n):
        return sum(i * i for i in range(n))
    ```

    ## Use instead
    A list comprehension, or an explicit loop:
    ```python
    @njit
    def total(n):
        return sum([i * i for i in range(n)])
    ```
    """

    code = "NB120"
    name = "generator-expression"
    summary = "generator expression in jitted code"
    message = (
        "generator expressions are not supported in nopython mode: use a list comprehension "
        "or a loop"
    )
    probes = ("generator-expression",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def total(n):
                return sum(i * i for i in range(n))  # expect: NB120
            """,
            call="total(3)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def total(n):
                return sum([i * i for i in range(n)])
            """,
            call="total(3)",
            numba="compiles",
        ),
    )

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        if self.active():
            self.report(node)


class SetComprehension(ProbedSyntaxRule):
    """
    ## What it does
    Flags set comprehensions (`{f(x) for x in xs}`) in jitted code.

    ## Why is this bad?
    Numba lowers a set comprehension in a way its own typing rejects ("Unknown attribute 'add'
    of type ..."), whatever the iterable.

    ## Example
    ```python
    @njit
    def evens(n):
        return {i * 2 for i in range(n)}
    ```

    ## Use instead
    Build the set in a loop:
    ```python
    @njit
    def evens(n):
        s = set()
        for i in range(n):
            s.add(i * 2)
        return s
    ```
    """

    code = "NB121"
    name = "set-comprehension"
    summary = "set comprehension in jitted code"
    message = "set comprehensions are not supported in nopython mode: build the set in a loop"
    probes = ("set-comprehension", "set-comprehension-list")
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def evens(n):
                return {i * 2 for i in range(n)}  # expect: NB121
            """,
            call="evens(3)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def evens(n):
                s = set()
                for i in range(n):
                    s.add(i * 2)
                return s
            """,
            call="evens(3)",
            numba="compiles",
        ),
    )

    def visit_SetComp(self, node: cst.SetComp) -> None:
        if self.active():
            self.report(node)


class AsyncConstruct(ProbedSyntaxRule):
    """
    ## What it does
    Flags `await`, `async for` and `async with` in jitted code.

    ## Why is this bad?
    Nopython mode implements none of the coroutine bytecode (GET_AWAITABLE, GET_AITER,
    BEFORE_ASYNC_WITH).

    ## Example
    ```python
    @njit
    async def f(a):
        await a
        return a
    ```

    ## Use instead
    Keep coroutines in Python and call a plain jitted function from them.

    ## Known limitations
    An `async def` without any of these compiles, but Numba then runs it synchronously and
    returns a value, not a coroutine; this rule does not flag it.
    """

    code = "NB122"
    name = "async-in-jit"
    summary = "`await`, `async for` or `async with` in jitted code"
    message = "`{what}` is not supported in nopython mode"
    probes = ("await",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            async def f(a):
                await a  # expect: NB122
                return a
            """,
            call="f(1)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                return a
            """,
            call="f(1)",
            numba="compiles",
        ),
    )

    def visit_Await(self, node: cst.Await) -> None:
        if self.active("await"):
            self.report(node, what="await")

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None and self.active("async-for"):
            self.report(node, what="async for")

    def visit_With(self, node: cst.With) -> None:
        super().visit_With(node)
        if node.asynchronous is not None and self.active("async-with"):
            self.report(node, what="async with")


class VarKeywordParameter(ProbedSyntaxRule):
    """
    ## What it does
    Flags a `**kwargs` parameter on a jitted function (or a function defined inside one).

    ## Why is this bad?
    Numba's dispatcher does not implement `**kwargs`: it treats the parameter as a required
    positional argument, so calls fail with "not enough arguments".

    ## Example
    ```python
    @njit
    def f(a, **options):
        return a
    ```

    ## Use instead
    Name each keyword parameter with its default:
    ```python
    @njit
    def f(a, scale=1.0):
        return a * scale
    ```
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
    ```python
    @njit
    def g(a):
        d = {"x": a, "y": a}
        return add(**d)
    ```

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


class StarredAssignment(ProbedSyntaxRule):
    """
    ## What it does
    Flags starred targets in assignments and `for` loops (`first, *rest = t`) in jitted code.

    ## Why is this bad?
    Nopython mode does not implement extended unpacking (unsupported opcode UNPACK_EX).

    ## Example
    ```python
    @njit
    def head(t):
        first, *rest = t
        return first
    ```

    ## Use instead
    Index or slice: `first = t[0]`, `rest = t[1:]`.
    """

    code = "NB125"
    name = "starred-assignment"
    summary = "extended unpacking (`a, *rest = ...`) in jitted code"
    message = "starred assignment targets are not supported in nopython mode: index or slice"
    probes = ("starred-assignment",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def head(a):
                t = (a, a, a)
                first, *rest = t  # expect: NB125
                return first
            """,
            call="head(1)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def head(a):
                t = (a, a, a)
                first, rest = t[0], t[1:]
                return first + len(rest)
            """,
            call="head(1)",
            numba="compiles",
        ),
    )

    def _check(self, target: cst.BaseExpression, probe: str) -> None:
        if isinstance(target, (cst.Tuple, cst.List)) and any(
            isinstance(element, cst.StarredElement) for element in target.elements
        ):
            if self.active(probe):
                self.report(target)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._check(node.target, "starred-assignment")

    def visit_For(self, node: cst.For) -> None:
        self._check(node.target, "starred-for-target")

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._check(node.target, "starred-for-target")


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
    ```python
    @njit
    def label(a):
        return "value %d" % a
    ```

    ## Use instead
    An f-string without a format spec, or `str()` and concatenation:
    ```python
    @njit
    def label(a):
        return f"value {a}"
    ```

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
    ```python
    @njit
    def label(x):
        return f"x = {x:.2f}"
    ```

    ## Use instead
    Round first, or format outside the jitted function:
    ```python
    @njit
    def label(x):
        return f"x = {round(x, 2)}"
    ```
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
    )

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        if node.format_spec is not None and self.active("f-string-format-spec"):
            self.report(node, what="format spec")
        elif node.conversion is not None and self.active("f-string-conversion"):
            self.report(node, what=f"conversion `!{node.conversion}`")


class Walrus(ProbedSyntaxRule):
    """
    ## What it does
    Flags assignment expressions (`:=`) in jitted code.

    ## Why is this bad?
    With this Numba and Python, typing often fails on the variable an assignment expression
    binds ("Type of variable ... cannot be determined"), for example in `if (n := f(a)) > 1:`
    and `while (n := n - 1) > 0:`.

    ## Example
    ```python
    @njit
    def f(a):
        if (b := a + 1) > 1:
            return b
        return 0
    ```

    ## Use instead
    Assign on its own line:
    ```python
    @njit
    def f(a):
        b = a + 1
        if b > 1:
            return b
        return 0
    ```

    ## Known limitations
    Some assignment expressions do compile (`x = (y := 3)`), so this rule is a warning and is
    off unless selected.
    """

    code = "NB128"
    name = "assignment-expression"
    severity = Severity.WARNING
    default_enabled = False
    summary = "assignment expression (`:=`) in jitted code"
    message = "assignment expressions often fail to type in nopython mode: assign separately"
    probes = ("walrus-if", "walrus-expression")
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                if (b := a + 1) > 1:  # expect: NB128
                    return b
                return 0
            """,
            call="f(1)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                b = a + 1
                if b > 1:
                    return b
                return 0
            """,
            call="f(1)",
            numba="compiles",
        ),
    )

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if self.active():
            self.report(node)
