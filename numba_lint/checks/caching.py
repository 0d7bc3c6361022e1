"""NB306: `cache=True` on a function whose compiled code depends on other modules.

Numba's cache for a function is checked against its own source file only (the file's
modification time and size, `numba/core/caching.py`): jitted functions it calls and globals it
reads from other modules are compiled into the cached machine code, and a change in those
modules is not seen until the cache is cleared (numba/numba#1833, open; the caching section of
Numba's documentation says so). Globals of the function's own module are not flagged: editing
them changes the file, which invalidates the cache.
"""

from __future__ import annotations

import libcst as cst

from .. import bindings as kinds
from ..diagnostic import Severity
from ..jit_index import absolute_name
from .base import Example
from .rule_bases import NopythonRule

# What a name from another module may be bound to for its value to be frozen into the cache.
_FROZEN = {
    kinds.JITTED: "the jitted function",
    kinds.ARRAY: "the global array",
    kinds.CONSTANT: "the global constant",
}


class CachedCrossModuleDependency(NopythonRule):
    """
    ## What it does
    Flags, in a function compiled with `cache=True`, each jitted function it calls and each
    global array or constant it reads that is defined in another module of the project.

    ## Why is this bad?
    Numba decides whether a cached function is still valid by looking at that function's own
    source file only. Jitted callees are compiled into the caller, and globals are frozen into
    it as constants: after you change the callee or the global in its own module, the cached
    caller keeps running the old code or the old value, with no warning, until the cache
    files (`__pycache__/*.nbi`, `*.nbc`) are deleted. Numba's documentation lists this among
    the caching limitations ("changes in other files are not detected"; numba/numba#1833).

    ## Example

    ## Use instead
    Keep a cached function and the jitted functions and globals it depends on in one module,
    or drop `cache=True` from the caller (and clear the cache whenever a dependency changes):

    ## Known limitations
    Off by default. Only modules of the checked project are followed: a jitted function from
    an installed package goes stale the same way after an upgrade, but is not flagged. Each
    dependency is one finding per function, listing the other lines that use it.
    """

    code = "NB306"
    name = "cached-cross-module-dependency"
    severity = Severity.WARNING
    default_enabled = False
    summary = "cache=True, but the function depends on another module (stale cache)"
    message = (
        "{what} '{name}' comes from module '{module}', but '{caller}' is cached "
        "(cache=True) and Numba's cache only notices changes to this file: after '{name}' "
        "changes, the cached code keeps the old one until the cache is cleared"
    )

    invalid = (
        Example(
            """
            from numba import njit
            from example_kernels import OFFSET, scale

            @njit(cache=True)
            def predict(x):
                return scale(x) + OFFSET  # expect: NB306
            """,
            modules=(
                (
                    "example_kernels",
                    """
                    from numba import njit

                    OFFSET = 1.0

                    @njit(cache=True)
                    def scale(x):
                        return 2.0 * x
                    """,
                ),
            ),
            call="predict(1.0)",
            numba="compiles",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import math
            import numpy as np
            from numba import njit
            from example_kernels import OFFSET, scale

            SCALE = 2.0

            @njit(cache=True)
            def double(x):
                return SCALE * x

            @njit(cache=True)
            def predict(x):
                return double(x) + np.sqrt(math.pi)

            @njit
            def uncached(x):
                return scale(x) + OFFSET
            """,
            modules=(
                (
                    "example_kernels",
                    """
                    from numba import njit

                    OFFSET = 1.0

                    @njit
                    def scale(x):
                        return 2.0 * x
                    """,
                ),
            ),
            call="predict(1.0); uncached(1.0)",
            numba="compiles",
        ),
        Example(
            """
            from numba import njit

            @njit(cache=True)
            def scale(x):
                return 2.0 * x

            @njit(cache=True)
            def predict(x):
                return scale(x) + 1.0
            """,
            call="predict(1.0)",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Name(self, node: cst.Name) -> None:
        self._check(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, (cst.Name, cst.Attribute)):
            self._check(node)

    def _check(self, node: cst.Name | cst.Attribute) -> None:
        function = self.function
        if function is None or function.decorator.option("cache") is not True:
            return
        if not self.in_nopython():
            return
        found = self._dependency(node)
        if found is None:
            return
        kind, module = found
        name = self.context.parsed.module.code_for_node(node)
        self.report(
            node,
            cause=self.first_finding(node, name),
            what=_FROZEN[kind],
            name=name,
            module=module,
            caller=function.name,
        )

    def _dependency(self, node: cst.Name | cst.Attribute) -> tuple[str, str] | None:
        """(kind, module) when `node` names a jitted function, array or constant that another
        module of the project defines."""
        parsed = self.context.parsed
        resolver = parsed.names
        if isinstance(node, cst.Name) and resolver.is_local(node):
            return None
        found = set()
        for qualified in resolver.qualified_names(node):
            absolute = absolute_name(qualified.name, parsed)
            module = absolute.rpartition(".")[0]
            if not module or module == parsed.module_name:
                return None
            found.add((self.context.project.resolve(parsed.module_name, absolute), module))
        if len(found) != 1:
            return None
        ((kind, module),) = found
        return (kind, module) if kind in _FROZEN else None
