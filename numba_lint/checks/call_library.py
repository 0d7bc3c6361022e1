"""NB201, NB202: calls to library functions nopython mode cannot type, decided by the derived
registry knowledge; and `CallRule`, the base of every call rule (NB201-NB204, NB206).

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
from .rule_bases import NopythonRule

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


def numba_version(knowledge: Knowledge) -> str:
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
            shown=True,
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
        self.report(node.func, target=target, version=numba_version(knowledge), cause=cause)


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
            shown=True,
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
            version=numba_version(knowledge),
            cause=self.first_finding(node.func, target),
        )
