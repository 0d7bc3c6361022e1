"""NB205: calls from jitted code to plain (not jitted) module-level functions.

Names resolve through `globals.GlobalRule`: the module's `names.Names` and the project's
module-level bindings (`ProjectFacts.bindings`). Anything that leads outside the checked
modules is left alone: this rule never guesses.
"""

from __future__ import annotations

import libcst as cst

from .. import bindings as kinds
from ..diagnostic import Severity
from .base import Example
from .globals import GlobalRule


class UntypedGlobalCall(GlobalRule):
    """
    ## What it does
    Flags a call, inside jitted code, to a function of the project that is not jitted: a
    module-level `def` without a jit decorator, in this module or imported from another
    checked module.

    ## Why is this bad?
    Nopython mode can only call functions it can compile. A plain Python function is an
    object Numba cannot type, and compilation stops with "Untyped global name 'helper':
    Cannot determine Numba type of <class 'function'>", even when the call sits in a branch
    that never runs.

    ## Example

    ## Use instead
    Jit the helper too (`@njit` or `@register_jitable`), or call it outside jitted code:

    ## Known limitations
    Functions defined in files outside the run, or in modules that never mention Numba, are
    not looked at. A function that any code passes as an argument (for example to
    `overload(...)`) is assumed to be taught to Numba by an extension and is not flagged.
    Calls inside `with objmode(...)` run in the interpreter and are not flagged. The calls of
    one function in one jitted function are one finding, which lists the other lines.
    """

    code = "NB205"
    name = "untyped-global-call"
    severity = Severity.ERROR
    summary = "call to a project function that is not jitted"
    message = (
        "'{callee}' is a plain Python function: nopython mode cannot call it "
        "(Untyped global name); decorate it with @njit or @register_jitable"
    )

    invalid = (
        Example(
            """
            from numba import njit

            def helper(x):
                return 2 * x

            @njit
            def f(x):
                return helper(x) + 1  # expect: NB205
            """,
            call="f(1)",
            numba="fails",
            shown=True,
        ),
        Example(
            """
            from numba import njit

            def scale(x):
                return 2 * x

            fast_scale = njit(scale)

            @njit
            def f(x):
                return scale(x)  # expect: NB205
            """,
            call="f(1)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit
            from numba.extending import register_jitable

            @register_jitable
            def double(x):
                return 2 * x

            @njit
            def triple(x):
                return 3 * x

            def plain(x):
                return x

            plain = njit(plain)

            @njit
            def f(x):
                return double(x) + triple(x) + plain(x)
            """,
            call="f(1)",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit, objmode

            SEEN = []

            def log(x):
                SEEN.append(x)

            @njit
            def f(x):
                with objmode():
                    log(x)
                return x
            """,
            call="f(1)",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit

            @njit
            def helper(x):
                return 2 * x

            @njit
            def f(x):
                return helper(x)
            """,
            call="f(1)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.plain_callee(node, kinds.PLAIN_FUNCTION)
        if callee is not None:
            self.report(node.func, callee=callee, cause=self.first_finding(node.func, callee))
