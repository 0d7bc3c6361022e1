"""NB11x-NB12x: Python constructs that nopython mode rejects, decided by the syntax probes.

Each rule names the probes (`Knowledge.syntax`) that prove its construct fails with the
installed Numba; a construct whose probe compiled is never flagged, and without knowledge these
rules stay silent. Code inside `with objmode(...)` runs in the interpreter and is skipped.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ..walk import walk
from .base import Example, StaticRule


def _is_objmode(item: cst.WithItem) -> bool:
    call = item.item
    target = call.func if isinstance(call, cst.Call) else call
    if isinstance(target, cst.Attribute):
        return target.attr.value == "objmode"
    return isinstance(target, cst.Name) and target.value == "objmode"


class NopythonRule(StaticRule):
    """A rule that looks only at code Numba compiles in nopython mode.

    Skips functions compiled in object mode (`forceobj=True`, `nopython=False`), the bodies
    of `with objmode(...)` blocks, and decorators, annotations and parameter defaults: all of
    those are evaluated by the interpreter.
    """

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self._objmode_depth = 0
        self._python_depth = 0

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._python_depth += 1

    def leave_Decorator(self, original_node: cst.Decorator) -> None:
        self._python_depth -= 1

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._python_depth += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._python_depth -= 1

    def visit_Parameters(self, node: cst.Parameters) -> None:
        self._python_depth += 1

    def leave_Parameters(self, original_node: cst.Parameters) -> None:
        self._python_depth -= 1

    def visit_With(self, node: cst.With) -> None:
        if any(_is_objmode(item) for item in node.items):
            self._objmode_depth += 1

    def leave_With(self, original_node: cst.With) -> None:
        if any(_is_objmode(item) for item in original_node.items):
            self._objmode_depth -= 1

    def in_nopython(self) -> bool:
        function = self.function
        if function is None or self._objmode_depth or self._python_depth:
            return False
        # Only forceobj=True gives object mode: since Numba 0.59 `nopython=False` is ignored (with
        # a deprecation warning) and the function is still compiled in nopython mode.
        return function.decorator.options.get("forceobj") is not True


class ProbedSyntaxRule(NopythonRule):
    """A construct rule: reports only in nopython code, only when its probes failed."""

    # The probes whose failure makes the construct certain to be rejected.
    probes: ClassVar[tuple[str, ...]] = ()

    def probe_failed(self, *names: str) -> bool:
        """True when every named probe (default: the rule's) ran and failed."""
        knowledge = self.knowledge
        if knowledge is None:
            return False
        return all(knowledge.probe(name) is False for name in names or self.probes)

    def active(self, *names: str) -> bool:
        return self.in_nopython() and self.probe_failed(*names)


class ExceptAs(ProbedSyntaxRule):
    """
    ## What it does
    Flags `except ... as name:` in jitted code.

    ## Why is this bad?
    Nopython mode cannot store an exception object in a variable: compilation stops with
    "Exception object cannot be stored into variable".

    ## Example
    ```python
    @njit
    def parse(a):
        try:
            return a + 1
        except Exception as e:
            return 0
    ```

    ## Use instead
    Catch without binding the exception:
    ```python
    @njit
    def parse(a):
        try:
            return a + 1
        except Exception:
            return 0
    ```
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
    ```python
    @njit
    def safe_div(a, b):
        try:
            return a // b
        except ZeroDivisionError:
            return 0
    ```

    ## Use instead
    Catch `Exception`, or test the condition before the operation:
    ```python
    @njit
    def safe_div(a, b):
        if b == 0:
            return 0
        return a // b
    ```
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
    ```python
    @njit
    def checked(a):
        try:
            return a + 1
        except Exception:
            raise
    ```

    ## Use instead
    Raise a new exception instance:
    ```python
    @njit
    def checked(a):
        try:
            return a + 1
        except Exception:
            raise ValueError("checked failed")
    ```
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
        ),
    )

    def visit_Raise(self, node: cst.Raise) -> None:
        if node.exc is None and self.active("raise-bare"):
            self.report(node, what="re-raising with a bare `raise`")
        elif node.cause is not None and self.active("raise-from"):
            self.report(node, what="`raise ... from ...`")


class DelName(ProbedSyntaxRule):
    """
    ## What it does
    Flags `del name` (deleting a local variable) in jitted code.

    ## Why is this bad?
    Numba's IR has no way to delete a variable: compilation stops with "Illegal IR, del found".

    ## Example
    ```python
    @njit
    def f(a):
        tmp = a * 2
        del tmp
        return a
    ```

    ## Use instead
    Let the variable go out of scope, or rebind it:
    ```python
    @njit
    def f(a):
        tmp = a * 2
        return a
    ```

    ## Known limitations
    `del container[key]` is not flagged: whether it works depends on the container type.
    """

    code = "NB113"
    name = "del-variable"
    summary = "`del` of a local variable in jitted code"
    message = "`del {name}` is not supported in nopython mode: rebind or drop the variable"
    probes = ("del-local",)
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(a):
                tmp = a * 2
                del tmp  # expect: NB113
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
                tmp = [a, a * 2]
                del tmp[0]
                return tmp[0]
            """,
            call="f(1)",
            numba="compiles",
        ),
    )

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else None
        names = [e.value for e in targets] if targets is not None else [node.target]
        for target in names:
            if isinstance(target, cst.Name) and self.active():
                self.report(target, name=target.value)


class ContextManager(ProbedSyntaxRule):
    """
    ## What it does
    Flags a `with` statement in jitted code whose context manager is not one of Numba's own
    (`objmode`, `parallel_chunksize`, ...).

    ## Why is this bad?
    Nopython mode only lifts Numba's own context managers; any other one (a file, a lock,
    `np.errstate`, a user class) stops compilation with "Unsupported context manager in use".

    ## Example
    ```python
    @njit
    def f(a):
        with lock:
            a += 1
        return a
    ```

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
        if self._objmode_depth and any(_is_objmode(item) for item in node.items):
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
    ```python
    @njit
    def f(a):
        class Point:
            pass
        return a
    ```

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
    ```python
    @njit
    def f(a):
        import math
        return math.sqrt(a)
    ```

    ## Use instead
    Import at module level; the jitted function reads the module as a global:
    ```python
    import math

    @njit
    def f(a):
        return math.sqrt(a)
    ```
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
        ),
    )

    def visit_Import(self, node: cst.Import) -> None:
        if self.active("import-in-body"):
            self.report(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self.active("from-import-in-body"):
            self.report(node)


class GlobalWrite(ProbedSyntaxRule):
    """
    ## What it does
    Flags `global name` in jitted code when the function assigns to that name.

    ## Why is this bad?
    Numba freezes global values at compile time and cannot write to module globals
    (unsupported opcode STORE_GLOBAL).

    ## Example
    ```python
    counter = 0

    @njit
    def bump(a):
        global counter
        counter = a
        return a
    ```

    ## Use instead
    Return the new value, or keep mutable state in an array passed as an argument.
    """

    code = "NB117"
    name = "global-assignment"
    summary = "assignment to a module global from jitted code"
    message = "assigning the global `{name}` is not supported in nopython mode"
    probes = ("global-write",)
    invalid = (
        Example(
            """
            from numba import njit

            counter = 0

            @njit
            def bump(a):
                global counter  # expect: NB117
                counter = a
                return a
            """,
            call="bump(1)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            scale = 2

            @njit
            def scaled(a):
                global scale
                return a * scale
            """,
            call="scaled(1)",
            numba="compiles",
        ),
    )

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self._functions: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._functions and self._functions[-1] is original_node:
            self._functions.pop()

    def visit_Global(self, node: cst.Global) -> None:
        if not self._functions or not self.active():
            return
        declared = {item.name.value for item in node.names}
        assigned = _assigned_names(self._functions[-1]) & declared
        if assigned:
            self.report(node, name=", ".join(sorted(assigned)))


class _AssignedNames(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def _collect(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._collect(element.value)
        elif isinstance(target, cst.StarredElement):
            self._collect(target.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._collect(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._collect(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._collect(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._collect(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's assignments belong to it


def _assigned_names(function: cst.FunctionDef) -> set[str]:
    collector = _AssignedNames()
    walk(function.body, collector)
    return collector.names


class MatchPattern(ProbedSyntaxRule):
    """
    ## What it does
    Flags `case` patterns that destructure (sequence, mapping and class patterns) in a `match`
    statement inside jitted code. Literal, value, capture and wildcard patterns are fine.

    ## Why is this bad?
    Nopython mode does not implement the bytecode of structural patterns (unsupported opcodes
    MATCH_SEQUENCE, MATCH_MAPPING, MATCH_CLASS).

    ## Example
    ```python
    @njit
    def f(t):
        match t:
            case (x, y):
                return x + y
        return 0
    ```

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
