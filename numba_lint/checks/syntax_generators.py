"""NB119-NB122: generator and coroutine forms nopython mode rejects (`yield from`, generator
expressions, set comprehensions, `async`).

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped
(`rule_bases.ProbedSyntaxRule`).
"""

from __future__ import annotations

import libcst as cst

from .base import Example
from .rule_bases import ProbedSyntaxRule


class YieldFrom(ProbedSyntaxRule):
    """
    ## What it does
    Flags `yield from` in jitted code.

    ## Why is this bad?
    Numba compiles simple generators but not delegation to a sub-iterator (unsupported opcode
    GET_YIELD_FROM_ITER).

    ## Example

    ## Use instead
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
            shown=True,
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
            shown=True,
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

    ## Use instead
    A list comprehension, or an explicit loop:
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
            shown=True,
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
            shown=True,
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

    ## Use instead
    Build the set in a loop:
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
            shown=True,
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
            shown=True,
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
            shown=True,
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
