"""JitFunction -> where its argument types can come from, read from the source text alone.

Called by the parent before scheduling workers; it never imports Numba or user code. Sources,
most trusted first: decorator signatures, a harvested signatures file (harvested.py), PEP 484
annotations, module-level call sites (call_sites.py). `plan_module` gathers them into one
FunctionPlan per jitted function; workers turn these into Numba types; callee coverage is added
later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from ...jit_index import JitFunction, JitIndex
from ...parse import ParsedModule
from .call_sites import CallResult, CallSite, call_sites
from .factory_results import factory_bindings
from .harvested import harvested

SOURCES = ("decorator", "harvest", "annotations", "callsite", "callee", "no-parameters")
# Kinds whose explicit signatures the worker can check.
SIGNED_KINDS = frozenset({"jit", "njit", "cfunc", "vectorize", "guvectorize"})
LAZY_KINDS = frozenset({"jit", "njit"})
# Kinds without signatures of their own, typed only from their module-level call sites
# (a StencilFunc types for the argument types of each call, worker.py).
CALL_TYPED_KINDS = frozenset({"stencil"})


@dataclass(frozen=True)
class FunctionPlan:
    """One jitted function and every raw source of argument types found for it."""

    qualname: str
    name: str
    line: int
    kind: str
    form: str
    dispatcher_name: str | None
    class_name: str | None
    params: tuple[str, ...]
    decorator: tuple[str, ...] = ()
    harvest: tuple[tuple[str, ...], ...] = ()
    harvest_note: str | None = None
    annotated: bool = False
    callsites: tuple[CallSite, ...] = ()
    # Every CallResult the call sites' arguments depend on, directly or through other results.
    results: tuple[CallResult, ...] = ()
    # Why nothing can be checked, when the function is out of reach whatever its types.
    unreachable: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    # Set on a plan whose qualname an earlier plan of the module has: each further variant of
    # a def jitted more than once (`f_p = njit(parallel=True)(f)`, `f_s = njit(f)`; its
    # dispatcher name), a property's setter after its getter (its line).
    suffix: str | None = None

    @property
    def key(self) -> str:
        """The plan's name in the worker job and result: the qualname, or `qualname@suffix`
        (no dot: the worker reads a dot as "nested"), so that every plan is checked and
        reported on its own."""
        return f"{self.qualname}@{self.suffix}" if self.suffix else self.qualname

    def to_job(self) -> dict[str, Any]:
        return {
            "qualname": self.key,
            "name": self.name,
            "line": self.line,
            "kind": self.kind,
            "form": self.form,
            "dispatcher_name": self.dispatcher_name,
            "class_name": self.class_name,
            "params": list(self.params),
            "decorator": list(self.decorator),
            "harvest": [list(sig) for sig in self.harvest],
            "harvest_note": self.harvest_note,
            "annotated": self.annotated,
            "callsites": [
                {
                    "line": c.line,
                    "args": list(c.args),
                    "kwargs": dict(c.kwargs),
                    "refs": dict(c.refs),
                }
                for c in self.callsites
            ],
            "results": {r.key: r.to_job() for r in self.results},
            "unreachable": self.unreachable,
            "forceobj": bool(self.options.get("forceobj")),
        }


def _params(node: cst.FunctionDef) -> tuple[list[cst.Param], bool]:
    """The parameters that take arguments, and whether *args/**kwargs exist."""
    params = node.params
    variadic = isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None
    return [*params.posonly_params, *params.params, *params.kwonly_params], variadic


def _annotated(function: JitFunction) -> bool:
    params, variadic = _params(function.node)
    if function.form == "jitclass-method":
        params = params[1:]  # self: typed as the jitclass instance
    if variadic or not params:
        return False
    needed = [p for p in params if p.default is None]
    return bool(needed) and all(p.annotation is not None for p in needed)


def _decorator_signatures(function: JitFunction) -> tuple[str, ...]:
    if function.kind not in SIGNED_KINDS:
        return ()
    positional = function.decorator.positional
    if function.kind == "guvectorize":
        if not function.signatures:  # a dynamic gufunc: only a layout, no signatures
            return ()
        # guvectorize(signatures, layout): the layout is checked with the signatures.
        return tuple(positional[:2]) if positional else ()
    return tuple(positional[:1])


def _needed(sites: tuple[CallSite, ...], results: dict[str, CallResult]) -> tuple[CallResult, ...]:
    """The results the call sites read, directly or through other results, in source order."""
    keys: set[str] = set()
    pending = [key for site in sites for _, key in site.refs]
    while pending:
        key = pending.pop()
        if key not in keys and key in results:
            keys.add(key)
            pending.extend(k for _, k in results[key].refs)
    return tuple(sorted((results[k] for k in keys), key=lambda r: (r.line, r.key)))


@dataclass
class _ModuleNames:
    """Which module-level names reach which jitted function of the module."""

    # Factory qualname -> the names bound to its result (`kernel = make_kernel(3)`).
    made: dict[str, list[str]]
    # Name whose module-level calls type a function (its dispatcher, a variant, a factory result).
    by_name: dict[str, JitFunction]
    # Every module-level jitted name: the skeleton drops assignments that call one.
    jitted: set[str]
    # A jitclass name -> its `__init__`, typed by the class's module-level instantiations.
    constructors: dict[str, JitFunction]


def _module_names(parsed: ParsedModule, index: JitIndex) -> _ModuleNames:
    # A def jitted inside a factory function is reached through the names bound to the
    # factory's result: their call sites type it, the first one holds its dispatcher.
    made = factory_bindings(parsed.module, list(index.functions))
    by_name: dict[str, JitFunction] = {}
    for function in index.functions:
        if function.form in ("decorator", "call") and "." not in function.qualname:
            by_name[function.dispatcher_name or function.name] = function
            for dispatcher, _ in function.variants:
                if dispatcher is not None:
                    by_name[dispatcher] = function
    jitted = {
        function.dispatcher_name or function.name
        for function in index.functions
        if "." not in function.qualname
    } | {d for f in index.functions for d, _ in f.variants if d is not None}
    for function in index.functions:
        for bound in made.get(function.qualname, ()):
            by_name.setdefault(bound, function)
            jitted.add(bound)
    # A jitclass's module-level instantiations (`Histogram(edges)`) are its `__init__`'s call
    # sites, `self` left out (the worker puts the instance type first).
    constructors = {
        function.class_name: function
        for function in index.functions
        if function.form == "jitclass-method"
        and function.name == "__init__"
        and function.class_name
        and "." not in function.class_name
        and function.class_name not in by_name
    }
    return _ModuleNames(made, by_name, jitted, constructors)


# One way a def is jitted: (dispatcher name, its decorator, the call sites that type it).
Wrapping = tuple[str | None, Any, tuple[CallSite, ...]]


def _wrappings(
    function: JitFunction, names: _ModuleNames, sites: dict[str, list[CallSite]]
) -> list[Wrapping]:
    holder = function.dispatcher_name or function.name
    own = tuple(sites.get(holder, ())) if names.by_name.get(holder) is function else ()
    bound_names = names.made.get(function.qualname, [])
    if bound_names:
        holder = bound_names[0]
        own = tuple(site for name in bound_names for site in sites.get(name, ()))
    if function.class_name is not None and names.constructors.get(function.class_name) is function:
        own = tuple(sites.get(function.class_name, ()))
    # Each variant of a def jitted more than once is its own plan, typed with the call
    # sites of its own name; a variant called nowhere at module level (chosen at run time,
    # `loop = f_p if parallel else f_s`) takes its siblings' call sites: the same def, so
    # the same argument types are valid for it.
    wrappings: list[Wrapping] = [(holder, function.decorator, own)]
    for dispatcher, decorator in function.variants:
        wrappings.append((dispatcher, decorator, tuple(sites.get(dispatcher or "", ()))))
    if len(wrappings) > 1:
        everywhere = tuple(site for _, _, found in wrappings for site in found)
        wrappings = [(d, dec, found or everywhere) for d, dec, found in wrappings]
    return wrappings


def _unreachable(function: JitFunction, bound_names: list[str]) -> str | None:
    """Why nothing of the function can be checked whatever its argument types, if so."""
    if function.form == "overload-implementation":
        return "an @overload implementation is checked through the calls it serves"
    if function.form == "call" and function.dispatcher_name is None and not bound_names:
        return "the jitted function is not bound to a module-level name"
    if function.form == "decorator" and "." in function.qualname:
        return "defined inside another function or class, not reachable at import"
    if (
        function.kind not in SIGNED_KINDS
        and function.kind not in CALL_TYPED_KINDS
        and function.form != "jitclass-method"
    ):
        return f"@{function.kind} functions are not trial-compiled yet"
    return None


def plan_module(
    parsed: ParsedModule,
    index: JitIndex,
    project_root: Path,
    harvest: Mapping[str, Any],
    find_sites: Callable[..., Any] = call_sites,
) -> list[FunctionPlan]:
    """A FunctionPlan for every JitFunction of the module (`find_sites`: call_sites, or the
    same answer remembered by call_site_cache.py)."""
    names = _module_names(parsed, index)
    sites, results = find_sites(parsed, set(names.by_name) | set(names.constructors), names.jitted)
    shapes: dict[str, Any] = {}
    plans: list[FunctionPlan] = []
    taken: set[str] = set()
    for function in index.functions:
        params, _ = _params(function.node)
        bound_names = names.made.get(function.qualname, [])
        harvest_sigs, harvest_note = harvested(
            parsed, project_root, harvest, function.qualname, shapes
        )
        unreachable = _unreachable(function, bound_names)
        for number, (dispatcher, decorator, found) in enumerate(_wrappings(function, names, sites)):
            suffix = None
            if number > 0:
                suffix = dispatcher or str(number)
            elif function.qualname in taken:
                suffix = str(function.line)
            taken.add(function.qualname)
            if number == 0:
                # The first wrapping's holder may be the def's own name (whose calls type it);
                # the plan names a dispatcher only where one is bound.
                dispatcher = bound_names[0] if bound_names else function.dispatcher_name
            plans.append(
                FunctionPlan(
                    qualname=function.qualname,
                    name=function.name,
                    line=function.line,
                    kind=function.kind,
                    form=function.form,
                    dispatcher_name=dispatcher,
                    class_name=function.class_name,
                    params=tuple(p.name.value for p in params),
                    decorator=_decorator_signatures(function),
                    harvest=harvest_sigs,
                    harvest_note=harvest_note,
                    annotated=_annotated(function),
                    callsites=found,
                    results=_needed(found, results),
                    unreachable=unreachable,
                    options=dict(decorator.options),
                    suffix=suffix,
                )
            )
    return plans
