"""JitFunction -> where its argument types can come from, read from the source text alone.

Called by the parent before scheduling workers; it never imports Numba or user code. Sources,
most trusted first: decorator signatures, a harvested signatures file, PEP 484 annotations,
module-level call sites. Workers turn these into Numba types; callee coverage is added later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import PositionProvider

from ..jit_index import JitFunction, JitIndex
from ..parse import ParsedModule

SOURCES = ("decorator", "harvest", "annotations", "callsite", "callee")
# Kinds whose explicit signatures the worker can check.
SIGNED_KINDS = frozenset({"jit", "njit", "cfunc", "vectorize", "guvectorize"})
LAZY_KINDS = frozenset({"jit", "njit"})


@dataclass(frozen=True)
class CallSite:
    line: int
    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...] = ()


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
    # Why nothing can be checked, when the function is out of reach whatever its types.
    unreachable: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def to_job(self) -> dict[str, Any]:
        return {
            "qualname": self.qualname,
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
                {"line": c.line, "args": list(c.args), "kwargs": dict(c.kwargs)}
                for c in self.callsites
            ],
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


class _CallSites(cst.CSTVisitor):
    """Calls made by module-level code (not inside a def or class body)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.found: dict[str, list[CallSite]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Name) or func.value not in self.names:
            return
        if any(arg.star for arg in node.args):
            return
        module = cst.Module(body=[])
        args = tuple(module.code_for_node(a.value) for a in node.args if a.keyword is None)
        kwargs = tuple(
            (a.keyword.value, module.code_for_node(a.value))
            for a in node.args
            if a.keyword is not None
        )
        line = self.get_metadata(PositionProvider, node).start.line
        self.found.setdefault(func.value, []).append(CallSite(line, args, kwargs))


def call_sites(parsed: ParsedModule, names: set[str]) -> dict[str, list[CallSite]]:
    visitor = _CallSites(names)
    parsed.wrapper.visit(visitor)
    return visitor.found


def relative_path(parsed: ParsedModule, project_root: Path) -> str:
    try:
        return parsed.source.path.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        return parsed.source.path.as_posix()


def _harvested(
    parsed: ParsedModule,
    project_root: Path,
    harvest: Mapping[str, Any],
    qualname: str,
    shapes: dict[str, Any],
) -> tuple[tuple[tuple[str, ...], ...], str | None]:
    """(argument spellings per signature, note) from the signatures file for one function."""
    if not harvest:
        return (), None
    from .. import signatures_file as sf

    entry = sf.lookup(harvest, relative_path(parsed, project_root), qualname)
    if entry is None:
        return (), None
    if not shapes:
        try:
            shapes.update(sf.function_sources(parsed.text))
        except SyntaxError:
            pass
        shapes.setdefault("", None)
    node = shapes.get(entry.qualname)
    stale = sf.staleness(entry, sf.shape_of(node)) if node is not None else None
    if stale == "params":
        return (), (
            "harvested signatures are stale (the parameters changed since the harvest): "
            "re-run `numba-lint harvest`"
        )
    if not entry.signatures:
        # In the file, yet nothing to type it with: the reason replaces "no argument types".
        why = "; ".join(entry.unstorable) or "no signature was recorded"
        return (), f"the harvest compiled it but could store no signature: {why}"
    note = "harvested before the body last changed" if stale == "body" else None
    return tuple(tuple(sig) for sig in entry.signatures), note


def plan_module(
    parsed: ParsedModule,
    index: JitIndex,
    project_root: Path,
    harvest: Mapping[str, Any],
) -> list[FunctionPlan]:
    """A FunctionPlan for every JitFunction of the module."""
    by_name: dict[str, JitFunction] = {}
    for function in index.functions:
        if function.form in ("decorator", "call") and "." not in function.qualname:
            by_name[function.dispatcher_name or function.name] = function
    sites = call_sites(parsed, set(by_name))
    shapes: dict[str, Any] = {}
    plans = []
    for function in index.functions:
        params, _ = _params(function.node)
        names = tuple(p.name.value for p in params)
        holder = function.dispatcher_name or function.name
        harvest_sigs, harvest_note = _harvested(
            parsed, project_root, harvest, function.qualname, shapes
        )
        unreachable = None
        if function.form == "overload-implementation":
            unreachable = "an @overload implementation is checked through the calls it serves"
        elif function.form == "call" and function.dispatcher_name is None:
            unreachable = "the jitted function is not bound to a module-level name"
        elif function.form == "decorator" and "." in function.qualname:
            unreachable = "defined inside another function or class, not reachable at import"
        elif function.kind not in SIGNED_KINDS and function.form != "jitclass-method":
            unreachable = f"@{function.kind} functions are not trial-compiled yet"
        plans.append(
            FunctionPlan(
                qualname=function.qualname,
                name=function.name,
                line=function.line,
                kind=function.kind,
                form=function.form,
                dispatcher_name=function.dispatcher_name,
                class_name=function.class_name,
                params=names,
                decorator=_decorator_signatures(function),
                harvest=harvest_sigs,
                harvest_note=harvest_note,
                annotated=_annotated(function),
                callsites=tuple(sites.get(holder, ())) if by_name.get(holder) is function else (),
                unreachable=unreachable,
                options=dict(function.decorator.options),
            )
        )
    return plans


def load_harvest(project_root: Path, signatures_file: str) -> tuple[dict[str, Any], str | None]:
    """The harvested signatures (empty when there is no file) and a problem, if any.

    The path is resolved by config.signatures_path, the rule `harvest` writes by."""
    from ..config import signatures_path

    path = signatures_path(project_root, signatures_file)
    if not path.is_file():
        return {}, None
    from .. import signatures_file as reader

    try:
        return dict(reader.load_signatures(path)), None
    except Exception as exc:  # noqa: BLE001 - a broken file is reported, not fatal
        return {}, f"{path}: cannot read signatures file: {exc}"
