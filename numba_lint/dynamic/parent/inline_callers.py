"""`inline="always"` functions -> the checked functions they are typed inside.

Numba inlines such a function into each caller before typing and never compiles it on its own,
so neither a harvest nor the trial compile sees it by itself. The parent reads, from the source
text alone, which trial-compiled functions call it, to say so instead of "not checked".
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from ...bindings import IMPORT
from ...jit_index import JitFunction
from ...parse import ParsedModule

INLINE_UNREACHED = (
    'inline="always": typed only inside its callers, and no trial-compiled function calls it'
)

# (module, its bindings, function, checked) of one planned function.
Planned = tuple[ParsedModule, Mapping[str, str], JitFunction | None, bool]
# How many re-exports a name is followed through (`from pkg import helper`, pkg importing it
# from util) before giving up.
REEXPORT_HOPS = 8


def inlined_into(functions: list[Planned]) -> dict[int, tuple[str, ...]]:
    """(module, its bindings, function, checked) of every planned function -> for each unchecked
    `inline="always"` function whose body was typed inside a checked function, its position ->
    those callers' names.

    Callers are found in every checked module, through its imports (`from pkg.util import
    helper`, `util.helper(...)`), and through other inlined functions, whose calls are typed
    along with them.
    """
    wanted = _unchecked_inlined(functions)
    if not wanted:
        return {}
    resolver = _CalleeResolver(functions, wanted)
    callers: dict[int, list[str]] = {}
    frontier = [n for n, (_, _, function, checked) in enumerate(functions) if checked and function]
    reached = set(frontier)
    while frontier:
        following = []
        for position in frontier:
            for target, shown in _inlined_calls(functions, position, resolver):
                callers.setdefault(target, []).append(shown)
                if target not in reached:
                    reached.add(target)
                    following.append(target)
        frontier = following
    return {position: tuple(dict.fromkeys(names)) for position, names in callers.items()}


def _unchecked_inlined(functions: list[Planned]) -> dict[str, int]:
    """Dotted module-level name -> position, of every unchecked `inline="always"` function."""
    wanted: dict[str, int] = {}
    for position, (parsed, _, function, checked) in enumerate(functions):
        if checked or function is None or "." in function.qualname:
            continue
        if function.decorator.options.get("inline") != "always":
            continue
        for name in {function.name, function.dispatcher_name} - {None}:
            wanted[f"{parsed.module_name}.{name}"] = position
    return wanted


class _CalleeResolver:
    """A name called inside a module -> the position of the wanted function it names, if any,
    through the module's imports and the re-exports of the modules they name."""

    def __init__(self, functions: list[Planned], wanted: dict[str, int]) -> None:
        self.wanted = wanted
        # Each module's bindings, as the static engine computed them (`IndexedModule`).
        self.tables: dict[str, Mapping[str, str]] = {}
        for parsed, bindings, _, _ in functions:
            self.tables.setdefault(parsed.module_name, bindings)

    def resolve(self, module: str, dotted: str) -> int | None:
        head, _, rest = dotted.partition(".")
        kind = self.tables[module].get(head)
        if kind is None:
            return None
        full = kind[len(IMPORT) :] if kind.startswith(IMPORT) else f"{module}.{head}"
        full = f"{full}.{rest}" if rest else full
        for _ in range(REEXPORT_HOPS):
            if full in self.wanted:
                return self.wanted[full]
            owner, _, name = full.rpartition(".")
            kind = self.tables.get(owner, {}).get(name)
            if kind is None or not kind.startswith(IMPORT):
                return None
            full = kind[len(IMPORT) :]
        return None


def _inlined_calls(
    functions: list[Planned], position: int, resolver: _CalleeResolver
) -> list[tuple[int, str]]:
    """(callee position, caller as shown) for each wanted function the function at `position`
    calls; the caller's file is named when it is not the callee's module."""
    parsed, _, function, _ = functions[position]
    assert function is not None
    found = []
    for dotted in _called_names(function.node):
        target = resolver.resolve(parsed.module_name, dotted)
        if target is None or target == position:
            continue
        shown = function.qualname
        if functions[target][0].module_name != parsed.module_name:
            shown += f" ({parsed.source.display})"
        found.append((target, shown))
    return found


def _called_names(node: cst.FunctionDef) -> list[str]:
    """`f` and `mod.f` of every call in the function (other callees are never inlined here)."""
    found: list[str] = []

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            parts = []
            func: cst.BaseExpression = call.func
            while isinstance(func, cst.Attribute):
                parts.append(func.attr.value)
                func = func.value
            if isinstance(func, cst.Name):
                found.append(".".join([func.value, *reversed(parts)]))

    node.visit(_Calls())
    return found
