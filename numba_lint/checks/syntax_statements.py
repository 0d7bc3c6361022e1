"""NB114-NB116, NB118: block statements nopython mode rejects (`with`, `class`, `import`, `match`).

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped
(`rule_bases.ProbedSyntaxRule`).
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from .base import Example
from .rule_bases import ProbedSyntaxRule, is_objmode


class ContextManager(ProbedSyntaxRule):
    """
    ## What it does
    Flags a `with` statement in jitted code whose context manager is not one of Numba's own
    (`objmode`, `parallel_chunksize`, ...).

    ## Why is this bad?
    Nopython mode only lifts Numba's own context managers; any other one (a file, a lock,
    `np.errstate`, a user class) stops compilation with "Unsupported context manager in use".

    ## Example

    ## Use instead
    Do the context-managed work outside the jitted function, or inside `with objmode():`.
    """

    code = "NB114"
    name = "unsupported-context-manager"
    summary = "`with` on a context manager nopython mode cannot lift"
    message = (
        "`with {what}` is not supported in nopython mode: only Numba's own context managers "
        "(objmode, parallel_chunksize) can be used"
    )
    probes = ("with-user-context-manager",)
    invalid = (
        Example(
            """
            import threading
            from numba import njit

            lock = threading.Lock()

            @njit
            def f(a):
                with lock:  # expect: NB114
                    a += 1
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
            from numba import njit, objmode

            @njit
            def f(a):
                with objmode(b="int64"):
                    b = a + 1
                return b
            """,
            call="f(1)",
            numba="compiles",
        ),
    )

    def visit_With(self, node: cst.With) -> None:
        outer_objmode = self._objmode_depth
        super().visit_With(node)
        if outer_objmode or self.function is None:
            return
        if node.asynchronous is not None:
            return  # NB122 reports `async with`
        if self._objmode_depth and any(is_objmode(item) for item in node.items):
            return
        if not self.active():
            return
        for item in node.items:
            expression = item.item
            target = expression.func if isinstance(expression, cst.Call) else expression
            names = self.context.parsed.names.qualified_names(target)
            if any(q.name.split(".")[0] == "numba" for q in names):
                continue
            code = self.context.parsed.module.code_for_node(expression)
            self.report(node, what=code)
            return


class ClassDefinition(ProbedSyntaxRule):
    """
    ## What it does
    Flags a `class` statement inside jitted code.

    ## Why is this bad?
    Nopython mode cannot build classes at run time (unsupported opcode LOAD_BUILD_CLASS).

    ## Example

    ## Use instead
    Define the class at module level, as a `@jitclass` or a namedtuple, and pass instances in.
    """

    code = "NB115"
    name = "class-definition-in-jit"
    summary = "class defined inside jitted code"
    message = "defining class `{name}` inside a jitted function is not supported"
    probes = ("class-definition",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                class Point:  # expect: NB115
                    pass
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
            from collections import namedtuple
            from numba import njit

            Point = namedtuple("Point", ["x", "y"])

            @njit
            def f(a):
                return Point(a, a).x
            """,
            call="f(1)",
            numba="compiles",
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.active():
            self.report(node, name=node.name.value)


class ImportInJit(ProbedSyntaxRule):
    """
    ## What it does
    Flags `import` and `from ... import` statements inside jitted code.

    ## Why is this bad?
    Nopython mode cannot execute imports (unsupported opcode IMPORT_NAME).

    ## Example

    ## Use instead
    Import at module level; the jitted function reads the module as a global:
    """

    code = "NB116"
    name = "import-in-jit"
    summary = "import statement inside jitted code"
    message = "import statements are not supported in nopython mode: import at module level"
    probes = ("import-in-body",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                import math  # expect: NB116
                return math.sqrt(a)
            """,
            call="f(1.0)",
            numba="fails",
            shown=True,
        ),
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                from math import sqrt  # expect: NB116
                return sqrt(a)
            """,
            call="f(1.0)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import math
            from numba import njit

            @njit
            def f(a):
                return math.sqrt(a)
            """,
            call="f(1.0)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Import(self, node: cst.Import) -> None:
        if self.active("import-in-body"):
            self.report(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self.active("from-import-in-body"):
            self.report(node)


class MatchPattern(ProbedSyntaxRule):
    """
    ## What it does
    Flags `case` patterns that destructure (sequence, mapping and class patterns) in a `match`
    statement inside jitted code. Literal, value, capture and wildcard patterns are fine.

    ## Why is this bad?
    Nopython mode does not implement the bytecode of structural patterns (unsupported opcodes
    MATCH_SEQUENCE, MATCH_MAPPING, MATCH_CLASS).

    ## Example

    ## Use instead
    Unpack explicitly (`x, y = t`) or match on literal values.
    """

    code = "NB118"
    name = "match-structural-pattern"
    summary = "destructuring `case` pattern in jitted code"
    message = "{kind} patterns are not supported in nopython mode: match literal values instead"
    probes = ("match-sequence",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                t = (a, a)
                match t:
                    case (x, y):  # expect: NB118
                        return x + y
                    case _:
                        return 0
            """,
            call="f(1)",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            @njit
            def f(t):
                match t:
                    case (x, y):  # expect: NB118
                        return x + y
                return 0
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
                match a:
                    case 1:
                        return 10
                    case _:
                        return 0
            """,
            call="f(1)",
            numba="compiles",
        ),
    )

    _KINDS: ClassVar[dict[type, tuple[str, str]]] = {
        cst.MatchSequence: ("sequence", "match-sequence"),
        cst.MatchList: ("sequence", "match-sequence"),
        cst.MatchTuple: ("sequence", "match-sequence"),
        cst.MatchMapping: ("mapping", "match-mapping"),
        cst.MatchClass: ("class", "match-class"),
    }

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        pattern = node.pattern
        while isinstance(pattern, cst.MatchAs) and pattern.pattern is not None:
            pattern = pattern.pattern
        found = self._KINDS.get(type(pattern))
        if found is not None and self.active(found[1]):
            self.report(node, kind=found[0])
