"""NB110-NB112: exception handling nopython mode rejects (`except ... as`, what is caught,
what is raised).

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped
(`rule_bases.ProbedSyntaxRule`).
"""

from __future__ import annotations

import libcst as cst

from .base import Example
from .rule_bases import ProbedSyntaxRule


class ExceptAs(ProbedSyntaxRule):
    """
    ## What it does
    Flags `except ... as name:` in jitted code.

    ## Why is this bad?
    Nopython mode cannot store an exception object in a variable: compilation stops with
    "Exception object cannot be stored into variable".

    ## Example

    ## Use instead
    Catch without binding the exception:
    """

    code = "NB110"
    name = "except-as"
    summary = "exception bound to a name in jitted code"
    message = "`except ... as {name}` is not supported in nopython mode: drop `as {name}`"
    probes = ("try-except-as",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def parse(a):
                try:
                    return a + 1
                except Exception as e:  # expect: NB110
                    return 0
            """,
            call="parse(1)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def parse(a):
                try:
                    return a + 1
                except Exception:
                    return 0
            """,
            call="parse(1)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and self.active():
            bound = node.name.name
            label = bound.value if isinstance(bound, cst.Name) else "..."
            self.report(node, name=label)


class ExceptSpecific(ProbedSyntaxRule):
    """
    ## What it does
    Flags `except SomeError:` (any class other than `Exception`, or a tuple of classes) in
    jitted code.

    ## Why is this bad?
    Nopython mode can only catch everything: a bare `except:` or `except Exception:`. Matching
    a specific exception class fails to type ("No implementation of function
    exception_match").

    ## Example

    ## Use instead
    Catch `Exception`, or test the condition before the operation:
    """

    code = "NB111"
    name = "except-specific-exception"
    summary = "catching a specific exception class in jitted code"
    message = (
        "catching `{what}` is not supported in nopython mode: only bare `except:` and "
        "`except Exception:` work"
    )
    probes = ("try-except-specific", "try-except-tuple")
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def safe_div(a, b):
                try:
                    return a // b
                except ZeroDivisionError:  # expect: NB111
                    return 0
            """,
            call="safe_div(1, 2)",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def safe_div(a, b):
                try:
                    return a // b
                except Exception:
                    return 0
            """,
            call="safe_div(1, 2)",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit

            @njit
            def safe_div(a, b):
                if b == 0:
                    return 0
                return a // b
            """,
            call="safe_div(1, 2)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        caught = node.type
        if caught is None or not self.active():
            return
        if isinstance(caught, cst.Name):
            names = self.context.parsed.names.qualified_names(caught)
            if any(q.name == "builtins.Exception" for q in names):
                return
            if not self.probe_failed("try-except-specific"):
                return
        elif isinstance(caught, cst.Tuple):
            if not self.probe_failed("try-except-tuple"):
                return
        elif not self.probe_failed("try-except-specific"):
            return
        code = self.context.parsed.module.code_for_node(caught)
        self.report(node, what=code)


class RaiseForm(ProbedSyntaxRule):
    """
    ## What it does
    Flags a bare `raise` (re-raise) and `raise ... from ...` in jitted code.

    ## Why is this bad?
    Nopython mode can raise a new exception but cannot re-raise the one being handled
    ("The re-raising of an exception is not yet supported"), nor chain exceptions
    ("Multiple argument raise is not supported").

    ## Example

    ## Use instead
    Raise a new exception instance:
    """

    code = "NB112"
    name = "unsupported-raise"
    summary = "bare re-raise or exception chaining in jitted code"
    message = "{what} is not supported in nopython mode: raise a new exception instance"
    probes = ("raise-bare", "raise-from")
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def checked(a):
                try:
                    return a + 1
                except Exception:
                    raise  # expect: NB112
            """,
            call="checked(1)",
            numba="fails",
            shown=True,
        ),
        Example(
            """
            from numba import njit

            @njit
            def checked(a):
                if a < 0:
                    raise ValueError("negative") from None  # expect: NB112
                return a
            """,
            call="checked(1)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def checked(a):
                try:
                    return a + 1
                except Exception:
                    raise ValueError("checked failed")
            """,
            call="checked(1)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Raise(self, node: cst.Raise) -> None:
        if node.exc is None and self.active("raise-bare"):
            self.report(node, what="re-raising with a bare `raise`")
        elif node.cause is not None and self.active("raise-from"):
            self.report(node, what="`raise ... from ...`")
