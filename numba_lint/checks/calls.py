"""NB201-NB204: calls nopython mode cannot type, decided by the derived registry knowledge.

Names resolve through the module's `names.Names` (imports, aliases; a builtin shadowed by a
local or a module global is the user's, never flagged). Only negative
registry verdicts are reported: "not registered", "keyword not accepted".
"""

from __future__ import annotations

import functools
import importlib

import libcst as cst
from libcst.metadata import QualifiedNameSource

from ..knowledge import CallableInfo, Knowledge
from ..names import Scope
from .base import Example
from .syntax import NopythonRule

_OVERLOAD_DECORATORS = frozenset(
    {"numba.extending.overload", "numba.core.extending.overload", "numba.generated_jit"}
)


class CallRule(NopythonRule):
    """Shared resolution: the one imported (or builtin) qualified name a call target has."""

    def in_nopython(self) -> bool:
        # The registry is the CPU target's; CUDA kernels type calls with their own.
        function = self.function
        return super().in_nopython() and function is not None and function.kind != "cuda_jit"

    def imported_name(self, node: cst.BaseExpression, scope: Scope | None = None) -> str | None:
        """The qualified name `node` refers to when it is an import (never a local/global)."""
        names = self.context.parsed.names.qualified_names(node, scope)
        if len(names) != 1:
            return None
        (name,) = names
        return name.name if name.source is QualifiedNameSource.IMPORT else None

    def builtin_name(self, node: cst.BaseExpression, scope: Scope | None = None) -> str | None:
        """The builtin `node` names, when no scope shadows it."""
        if not isinstance(node, cst.Name):
            return None
        if not self.context.parsed.names.is_builtin(node, scope):
            return None
        return f"builtins.{node.value}"

    def call_target(self, node: cst.Call) -> str | None:
        return self.imported_name(node.func) or self.builtin_name(node.func)

    def overload_call(self, node: cst.Call) -> tuple[str, CallableInfo] | None:
        """The supported library callable `node` calls and what Numba's implementation accepts,
        when its arguments can be checked against it: not a `*args`/`**kw` call, an implementation
        with a fixed parameter list, and no `@overload` of the project's own for it."""
        knowledge = self.knowledge
        if knowledge is None or not self.in_nopython() or any(arg.star for arg in node.args):
            return None
        target = self.call_target(node)
        info = knowledge.lookup(target) if target else None
        if target is None or info is None or not info.supported or info.open_parameters:
            return None
        if target in self.user_overloads():
            return None
        return target, info

    def user_overloads(self) -> frozenset[str]:
        """Qualified names the module itself gives an implementation with `@overload(...)`."""
        # Cached on the shared context: every call rule of this module reuses one scan of the
        # module's definitions (decorators sit only on those).
        cached = getattr(self.context, "_user_overloads", None)
        if cached is None:
            cached = frozenset(self._overload_targets())
            self.context._user_overloads = cached  # type: ignore[attr-defined]
        return cached

    def _overload_targets(self) -> set[str]:
        names = self.context.parsed.names
        targets: set[str] = set()
        for definition in names.definitions():
            scope = names.enclosing(definition)
            for decorator in definition.decorators:
                call = decorator.decorator
                if not isinstance(call, cst.Call) or not call.args:
                    continue
                if self.imported_name(call.func, scope) not in _OVERLOAD_DECORATORS:
                    continue
                implemented = call.args[0].value
                target = self.imported_name(implemented, scope) or self.builtin_name(
                    implemented, scope
                )
                if target:
                    targets.add(target)
        return targets


# Value types Numba freezes when jitted code reads a module attribute holding one (measured with
# Numba 0.68.1: `string.digits`, `sys.maxsize`, `os.sep` compile; `sys.float_info`, a structseq,
# `sys.version_info` and `re.IGNORECASE`, an enum, do not). Exact types: an int subclass such as
# an enum member is not a frozen int.
_FROZEN_TYPES = (str, bytes, int, float, complex, bool)


def _is_frozen_constant(value: object) -> bool:
    if type(value) is tuple:
        return all(_is_frozen_constant(item) for item in value)  # type: ignore[attr-defined]
    return type(value) in _FROZEN_TYPES


# The standard-library modules looked into: importing them has no side effect. Not every module
# qualifies (`import this` prints, `import antigravity` opens a browser).
_CONSTANT_MODULES = frozenset(
    {
        "calendar",
        "cmath",
        "errno",
        "locale",
        "math",
        "os",
        "signal",
        "socket",
        "stat",
        "string",
        "sys",
        "time",
        "zlib",
    }
)


@functools.lru_cache(maxsize=1024)
def calls_method_of_constant(target: str) -> bool:
    """Whether `target` ("string.ascii_lowercase.index") is a method of a constant that a module
    or a number, not a call into the module. Only standard-library modules without import side
    effects are looked at (they are imported here, which is cheap and runs no user code);
    anything else answers False."""
    parts = target.split(".")
    if len(parts) < 3 or parts[0] not in _CONSTANT_MODULES:
        return False
    try:
        value: object = importlib.import_module(parts[0])
    except Exception:  # noqa: BLE001 - a module that does not import here: no verdict
        return False
    for part in parts[1:-1]:
        value = getattr(value, part, None)
        if value is None:
            return False
        if _is_frozen_constant(value):
            return True
    return False


def _numba_version(knowledge: Knowledge) -> str:
    return str(knowledge.key.get("numba") or "")


class UnsupportedLibraryFunction(CallRule):
    """
    ## What it does
    Flags calls, in jitted code, to functions of NumPy (including `numpy.linalg`,
    `numpy.random`, `numpy.fft`), `math`, `cmath`, `random`, `operator`, `heapq` and
    `functools` that the installed Numba does not implement, and to names those modules do not
    have at all.

    ## Why is this bad?
    Nopython mode can only call library functions Numba reimplements. Anything else stops
    compilation with "Use of unsupported NumPy function" or "Unknown attribute".

    ## Example
    ```python
    @njit
    def spectrum(a):
        return np.fft.fft(a)
    ```

    ## Use instead
    Call the function outside the jitted code and pass the result in, use a supported
    equivalent, or wrap the call in `with objmode(...)`.

    ## Known limitations
    The list comes from the installed Numba's typing registry. An `@overload` for the function
    in another module of the project (or an extension package that registers it lazily) is not
    seen; one in the same module is. The calls of one function in one jitted function are one
    finding, which lists the other lines.
    """

    code = "NB201"
    name = "unsupported-library-function"
    summary = "call to a library function Numba does not implement"
    message = "`{target}` is not supported in nopython mode by numba {version}"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def spectrum(a):
                return np.fft.fft(a)  # expect: NB201
            """,
            call="spectrum(np.ones(4))",
            numba="fails",
        ),
        Example(
            """
            import math
            from numba import njit

            @njit
            def f(a):
                return math.fmod(a, 2.0)  # expect: NB201
            """,
            call="f(3.0)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def total(a):
                return np.sum(a) + np.max(a) + np.random.normal(0.0, 1.0)
            """,
            call="total(np.ones(4))",
            numba="compiles",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        knowledge = self.knowledge
        if knowledge is None or not self.in_nopython():
            return
        target = self.imported_name(node.func)
        if target is None or knowledge.covering_module(target) in (None, "builtins"):
            return
        info = knowledge.lookup(target)
        if info is not None and info.supported:
            return
        if info is None and not knowledge.is_absent(target):
            return  # a constant or submodule of the module, not a function
        if target in self.user_overloads():
            return
        cause = self.first_finding(node.func, target)
        if info is None:
            module, _, attribute = target.rpartition(".")
            self.report(
                node.func,
                message=f"`{module}` has no function `{attribute}` in this environment",
                cause=cause,
            )
            return
        self.report(node.func, target=target, version=_numba_version(knowledge), cause=cause)


class UnsupportedModuleCall(CallRule):
    """
    ## What it does
    Flags calls, in jitted code, into modules from which Numba supports nothing: `os`, `sys`,
    `re`, `json`, `time`, `itertools`, `collections`, `pathlib`, SciPy (without numba-scipy),
    pandas and others.

    ## Why is this bad?
    Nopython mode cannot call into a module Numba has no implementation for: compilation stops
    with "Untyped global name" or "Unknown attribute".

    ## Example
    ```python
    import time

    @njit
    def timed(a):
        start = time.time()
        return a, start
    ```

    ## Use instead
    Do the work outside the jitted function and pass the result in, or wrap it in
    `with objmode(...)`.

    Reading a constant of such a module is fine: Numba freezes a str, number or tuple of those
    (`string.digits`, `sys.maxsize`, `os.sep`) into the compiled code, and a method called on
    it (`string.ascii_lowercase.index(c)`) is a method of that value, not a call into the module.

    ## Known limitations
    Exception classes of these modules can be raised from jitted code and are not flagged.
    Methods of constants are recognised in standard-library modules only (the linter looks the
    constant up in the module, which it never does for third-party code). The calls of one
    function in one jitted function are one finding, which lists the other lines.
    """

    code = "NB202"
    name = "unsupported-module-call"
    summary = "call into a module Numba does not support"
    message = "`{target}`: numba {version} supports nothing from the `{module}` module"
    invalid = (
        Example(
            """
            import time
            from numba import njit

            @njit
            def timed(a):
                start = time.time()  # expect: NB202
                return a + start
            """,
            call="timed(1.0)",
            numba="fails",
        ),
        Example(
            """
            import os.path
            from numba import njit

            @njit
            def joined(a):
                return os.path.join(a, "x")  # expect: NB202
            """,
            call="joined('d')",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import os
            from numba import njit

            SEP = os.sep

            @njit
            def joined(a):
                return a + SEP + "x"
            """,
            call="joined('d')",
            numba="compiles",
        ),
        Example(
            """
            import os
            import string
            import sys

            from numba import njit

            @njit
            def code(c):
                n = string.ascii_lowercase.index(c) + len(os.sep.join(["a", c]))
                return n + (c in string.digits) + min(n, sys.maxsize)
            """,
            call="code('b')",
            numba="compiles",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        knowledge = self.knowledge
        if knowledge is None or not self.in_nopython():
            return
        target = self.imported_name(node.func)
        if target is None:
            return
        module = knowledge.unsupported_module(target)
        if module is None:
            return
        info = knowledge.lookup(target)
        if info is not None and info.supported:
            return  # typeable after all (an exception class, for instance)
        if target.rpartition(".")[2].endswith(("Error", "Exception", "Warning")):
            return
        if calls_method_of_constant(target):
            return  # `string.digits.find(c)`: a str method; the trial compile checks it
        self.report(
            node.func,
            target=target,
            module=module,
            version=_numba_version(knowledge),
            cause=self.first_finding(node.func, target),
        )


class UnsupportedKeyword(CallRule):
    """
    ## What it does
    Flags a keyword argument, in a call from jitted code to a supported library function, that
    none of Numba's implementations of that function accepts (`np.mean(a, axis=0)`).

    ## Why is this bad?
    Numba reimplements NumPy and the standard library, often with fewer parameters than the
    originals. A keyword its implementation does not declare stops compilation with "No
    implementation of function ... found for signature".

    ## Example
    ```python
    @njit
    def col_means(a):
        return np.mean(a, axis=0)
    ```

    ## Use instead
    Write the reduction out, or call the function without the keyword:
    ```python
    @njit
    def col_means(a):
        out = np.empty(a.shape[1])
        for j in range(a.shape[1]):
            out[j] = np.mean(a[:, j])
        return out
    ```

    ## Known limitations
    Only functions implemented with `@overload` declare their parameters; ufuncs and
    functions whose keyword handling is code (`np.argsort`, `print`, `range`, ...) are left to
    the trial compile. A keyword Numba declares can still be rejected for its value's type.
    """

    code = "NB203"
    name = "unsupported-keyword-argument"
    summary = "keyword argument Numba's implementation does not accept"
    message = "`{target}` in numba {version} accepts no keyword `{keyword}` (it takes: {accepted})"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                return np.mean(a, axis=0)  # expect: NB203
            """,
            call="col_means(np.ones((2, 2)))",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def grid(n):
                return np.linspace(0.0, 1.0, n, endpoint=False)  # expect: NB203
            """,
            call="grid(5)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_sums(a):
                return np.sum(a, axis=0), np.zeros(3, dtype=np.int64), sorted([2, 1], reverse=True)
            """,
            call="col_sums(np.ones((2, 2)))",
            numba="compiles",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        found = self.overload_call(node)
        if found is None or found[1].parameters is None or self.knowledge is None:
            return
        target, info = found
        knowledge = self.knowledge
        parameters = found[1].parameters
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in parameters:
                self.report(
                    arg,
                    target=target.removeprefix("builtins."),
                    version=_numba_version(knowledge),
                    keyword=arg.keyword.value,
                    accepted=", ".join(parameters) or "no parameters",
                )


class UntypedBuiltin(CallRule):
    """
    ## What it does
    Flags uses, in jitted code, of builtins that nopython mode cannot type at all: `any`,
    `all`, `reversed`, `id`, `open`, `format`, `frozenset`, `hex`, `super`, `eval` and others
    (the list comes from the installed Numba's registry, confirmed by a probe compile).

    ## Why is this bad?
    Numba has no implementation of these builtins; compilation stops with "Untyped global name
    'any'".

    ## Example
    ```python
    @njit
    def has_negative(a):
        return any(a < 0)
    ```

    ## Use instead
    The NumPy equivalent or a loop:
    ```python
    @njit
    def has_negative(a):
        return np.any(a < 0)
    ```

    ## Known limitations
    A name that the module or the function binds itself (a user `any`) is never flagged. The
    uses of one builtin in one jitted function are one finding, which lists the other lines.
    """

    code = "NB204"
    name = "untyped-builtin"
    summary = "builtin that nopython mode cannot type"
    message = "the builtin `{builtin}` is not supported in nopython mode by numba {version}"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def has_negative(a):
                return any(a < 0)  # expect: NB204
            """,
            call="has_negative(np.ones(3))",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            @njit
            def backwards(a):
                out = [0]
                for x in reversed(a):  # expect: NB204
                    out.append(x)
                return out
            """,
            call="backwards([1, 2])",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def any(a):
                return a.sum() > 0

            @njit
            def has_positive(a):
                return any(a > 0) and np.any(a > 0)
            """,
            call="has_positive(np.ones(3))",
            numba="compiles",
        ),
    )

    def visit_Name(self, node: cst.Name) -> None:
        knowledge = self.knowledge
        if knowledge is None or not self.in_nopython():
            return
        if node.value not in knowledge.untyped_builtins:
            return
        builtin = self.builtin_name(node)
        if builtin is None:
            return
        self.report(
            node,
            builtin=node.value,
            version=_numba_version(knowledge),
            cause=self.first_finding(node, node.value),
        )


class TooManyPositional(CallRule):
    """
    ## What it does
    Flags a call, from jitted code to a supported library function, that passes more
    positional arguments than any of Numba's implementations of that function accepts
    (`np.linspace(0, 1, 5, False)`, `np.mean(a, 0)`).

    ## Why is this bad?
    Numba's reimplementations often take fewer parameters than the NumPy originals. Extra
    positional arguments match no implementation and compilation stops with "No
    implementation of function ... found for signature".

    ## Example
    ```python
    @njit
    def col_means(a):
        return np.mean(a, 0)
    ```

    ## Use instead
    Drop the arguments Numba does not support and do that part by hand:
    ```python
    @njit
    def col_means(a):
        out = np.empty(a.shape[1])
        for j in range(a.shape[1]):
            out[j] = np.mean(a[:, j])
        return out
    ```

    ## Known limitations
    Only functions implemented with `@overload` declare their parameters; ufuncs and
    functions whose argument handling is code are left to the trial compile.
    """

    code = "NB206"
    name = "too-many-positional-arguments"
    summary = "more positional arguments than Numba's implementation accepts"
    message = (
        "`{target}` in numba {version} takes at most {most} positional argument{plural} "
        "({accepted}); {given} given"
    )
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def col_means(a):
                return np.mean(a, 0)  # expect: NB206
            """,
            call="col_means(np.ones((2, 2)))",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def grid(n):
                return np.linspace(0.0, 1.0, n, False)  # expect: NB206
            """,
            call="grid(5)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def f(a):
                return np.sum(a, 0), np.zeros(3, np.int64), np.random.normal(0.0, 1.0, 3)
            """,
            call="f(np.ones((2, 2)))",
            numba="compiles",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        found = self.overload_call(node)
        if found is None or found[1].max_positional is None or self.knowledge is None:
            return
        target = found[0]
        most = found[1].max_positional
        given = sum(1 for arg in node.args if arg.keyword is None)
        if given > most:
            self.report(
                node.args[most],
                target=str(target).removeprefix("builtins."),
                version=_numba_version(self.knowledge),
                most=most,
                plural="" if most == 1 else "s",
                accepted=", ".join((found[1].parameters or ())[:most]) or "none",
                given=given,
            )
