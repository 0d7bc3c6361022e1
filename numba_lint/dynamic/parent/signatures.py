"""JitFunction -> where its argument types can come from, read from the source text alone.

Called by the parent before scheduling workers; it never imports Numba or user code. Sources,
most trusted first: decorator signatures, a harvested signatures file, PEP 484 annotations,
module-level call sites. Workers turn these into Numba types; callee coverage is added later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import PositionProvider

from ...jit_index import JitFunction, JitIndex
from ...parse import ParsedModule
from .factory_results import factory_bindings
from .positions import resolve_positions

SOURCES = ("decorator", "harvest", "annotations", "callsite", "callee", "no-parameters")
# Kinds whose explicit signatures the worker can check.
SIGNED_KINDS = frozenset({"jit", "njit", "cfunc", "vectorize", "guvectorize"})
LAZY_KINDS = frozenset({"jit", "njit"})
# Kinds without signatures of their own, typed only from their module-level call sites
# (a StencilFunc types for the argument types of each call, worker.py).
CALL_TYPED_KINDS = frozenset({"stencil"})


@dataclass(frozen=True)
class CallSite:
    line: int
    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...] = ()
    # Names the arguments read whose value at this call comes from a `CallResult` (by key): the
    # skeleton never ran that assignment, so the worker types them without a value.
    refs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CallResult:
    """A module-level assignment whose value calls a jitted function of the module
    (`d = pairwise(pts)`, `lo, hi = stats(d)`). The skeleton drops it (the call is never run), so
    the names it binds have no value in the worker, only a type: the return type that the trial
    compile infers for the call, passed through the `targets`' index paths."""

    key: str  # "line:column" of the statement, unique in the module
    line: int
    value: str  # source of the assigned expression
    # Each bound name with its index path into the value (`a, (b, c) = ...`: b -> (1, 0));
    # None when the target cannot be followed (a starred target, an attribute, ...).
    targets: tuple[tuple[str, tuple[int, ...] | None], ...]
    refs: tuple[tuple[str, str], ...] = ()  # names its value reads that come from other results

    def to_job(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "value": self.value,
            "targets": {n: (list(p) if p is not None else None) for n, p in self.targets},
            "refs": dict(self.refs),
        }


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


Position = tuple[int, int]


def _target_paths(
    target: cst.BaseExpression, path: tuple[int, ...] = ()
) -> list[tuple[str, tuple[int, ...] | None]]:
    """Names an assignment target binds, each with its index path into the assigned value."""
    if isinstance(target, cst.Name):
        return [(target.value, path)]
    if isinstance(target, (cst.Tuple, cst.List)):
        if any(isinstance(e, cst.StarredElement) for e in target.elements):
            return [(name, None) for name, _ in _target_paths_flat(target)]
        found = []
        for number, element in enumerate(target.elements):
            found.extend(_target_paths(element.value, (*path, number)))
        return found
    return [(name, None) for name, _ in _target_paths_flat(target)]


def _target_paths_flat(node: cst.CSTNode) -> list[tuple[str, None]]:
    """Every plain name inside a target that cannot be followed (`*rest`, `a.b[0]` binds none)."""
    if isinstance(node, cst.Name):
        return [(node.value, None)]
    if isinstance(node, cst.StarredElement):
        return _target_paths_flat(node.value)
    if isinstance(node, (cst.Tuple, cst.List)):
        return [pair for e in node.elements for pair in _target_paths_flat(e.value)]
    return []


class _Reads(cst.CSTVisitor):
    """The names an expression reads (not attribute names, keywords, or inner scopes)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return False

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return False

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return False

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return False


def _reads(*nodes: cst.CSTNode) -> list[str]:
    visitor = _Reads()
    for node in nodes:
        node.visit(visitor)
    return list(dict.fromkeys(visitor.names))


def _calls_any(node: cst.CSTNode, names: set[str]) -> bool:
    return any(
        isinstance(sub, cst.Call) and isinstance(sub.func, cst.Name) and sub.func.value in names
        for sub in _walk(node)
    )


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    pending = [node]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.children)
    return found


class _CallSites(cst.CSTVisitor):
    """Calls made by module-level code (not inside a def or class body), and the module-level
    bindings of names: which ones a call's arguments read, and which of those come from an
    assignment that calls a jitted function (a `CallResult`, never run by the skeleton)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, names: set[str], jitted: set[str]) -> None:
        super().__init__()
        self.names = names
        # Every module-level jitted name: the skeleton drops assignments that call one.
        self.jitted = jitted
        self.found: dict[str, list[tuple[CallSite, Position, list[str]]]] = {}
        # name -> (where the binding takes effect, CallResult key or None), in source order.
        self.bindings: dict[str, list[tuple[Position, str | None]]] = {}
        self.results: dict[str, tuple[CallResult, Position, list[str]]] = {}

    def _start(self, node: cst.CSTNode) -> Position:
        where = self.get_metadata(PositionProvider, node).start
        return (where.line, where.column)

    def _end(self, node: cst.CSTNode) -> Position:
        where = self.get_metadata(PositionProvider, node).end
        return (where.line, where.column)

    def _bind(self, names: list[str], node: cst.CSTNode, key: str | None = None) -> None:
        for name in names:
            self.bindings.setdefault(name, []).append((self._end(node), key))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind([node.name.value], node)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind([node.name.value], node)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = [pair for t in node.targets for pair in _target_paths(t.target)]
        self._assigned(node, targets, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assigned(node, _target_paths(node.target), node.value)

    def _assigned(
        self,
        node: cst.CSTNode,
        targets: list[tuple[str, tuple[int, ...] | None]],
        value: cst.BaseExpression | None,
    ) -> None:
        key = None
        if value is not None and _calls_any(value, self.jitted):
            line, column = self._start(node)
            key = f"{line}:{column}"
            result = CallResult(key, line, _code(value), tuple(targets))
            self.results[key] = (result, self._start(value), _reads(value))
        self._bind([name for name, _ in targets], node, key)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(_reads(node.target), node)

    def visit_For(self, node: cst.For) -> None:
        self._bind([n for n, _ in _target_paths_flat(node.target)], node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind([n for n, _ in _target_paths_flat(node.asname.name)], node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind([n for n, _ in _target_paths_flat(node.target)], node)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is not None:
            bound = [n for n, _ in _target_paths_flat(node.asname.name)]
        else:
            bound = [_code(node.name).split(".")[0]]
        self._bind(bound, node)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Name) or func.value not in self.names:
            return
        if any(arg.star for arg in node.args):
            return
        args = tuple(_code(a.value) for a in node.args if a.keyword is None)
        kwargs = tuple(
            (a.keyword.value, _code(a.value)) for a in node.args if a.keyword is not None
        )
        line = self.get_metadata(PositionProvider, node).start.line
        site = CallSite(line, args, kwargs)
        reads = _reads(*(a.value for a in node.args))
        self.found.setdefault(func.value, []).append((site, self._start(node), reads))

    def result_of(self, name: str, at: Position) -> str | None:
        """The CallResult key of the binding of `name` in effect at `at`, if it is one."""
        current = None
        for where, key in self.bindings.get(name, ()):
            if where <= at:
                current = key
        return current

    def refs(self, reads: list[str], at: Position) -> tuple[tuple[str, str], ...]:
        return tuple((name, key) for name in reads if (key := self.result_of(name, at)) is not None)


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def call_sites(
    parsed: ParsedModule, names: set[str], jitted: set[str] | None = None
) -> tuple[dict[str, list[CallSite]], dict[str, CallResult]]:
    """The call sites of `names` (each with the results its arguments read) and every result."""
    visitor = _CallSites(names, set(names) if jitted is None else jitted)
    resolve_positions(parsed.wrapper)  # h6: the same positions, without libcst's idle walk
    parsed.wrapper.visit(visitor)
    results = {
        key: replace(result, refs=visitor.refs(reads, at))
        for key, (result, at, reads) in visitor.results.items()
    }
    sites = {
        name: [replace(site, refs=visitor.refs(reads, at)) for site, at, reads in found]
        for name, found in visitor.found.items()
    }
    return sites, results


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
    from ... import signatures_file as sf

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
    sites, results = call_sites(parsed, set(by_name) | set(constructors), jitted)
    shapes: dict[str, Any] = {}
    plans: list[FunctionPlan] = []
    taken: set[str] = set()
    for function in index.functions:
        params, _ = _params(function.node)
        names = tuple(p.name.value for p in params)
        holder = function.dispatcher_name or function.name
        own = tuple(sites.get(holder, ())) if by_name.get(holder) is function else ()
        bound_names = made.get(function.qualname, [])
        if bound_names:
            holder = bound_names[0]
            own = tuple(site for name in bound_names for site in sites.get(name, ()))
        if function.class_name is not None and constructors.get(function.class_name) is function:
            own = tuple(sites.get(function.class_name, ()))
        # Each variant of a def jitted more than once is its own plan, typed with the call
        # sites of its own name; a variant called nowhere at module level (chosen at run time,
        # `loop = f_p if parallel else f_s`) takes its siblings' call sites: the same def, so
        # the same argument types are valid for it.
        wrappings: list[tuple[str | None, Any, tuple[CallSite, ...]]] = [
            (holder, function.decorator, own)
        ]
        for dispatcher, decorator in function.variants:
            wrappings.append((dispatcher, decorator, tuple(sites.get(dispatcher or "", ()))))
        if len(wrappings) > 1:
            everywhere = tuple(site for _, _, found in wrappings for site in found)
            wrappings = [(d, dec, found or everywhere) for d, dec, found in wrappings]
        harvest_sigs, harvest_note = _harvested(
            parsed, project_root, harvest, function.qualname, shapes
        )
        unreachable = None
        if function.form == "overload-implementation":
            unreachable = "an @overload implementation is checked through the calls it serves"
        elif function.form == "call" and function.dispatcher_name is None and not bound_names:
            unreachable = "the jitted function is not bound to a module-level name"
        elif function.form == "decorator" and "." in function.qualname:
            unreachable = "defined inside another function or class, not reachable at import"
        elif (
            function.kind not in SIGNED_KINDS
            and function.kind not in CALL_TYPED_KINDS
            and function.form != "jitclass-method"
        ):
            unreachable = f"@{function.kind} functions are not trial-compiled yet"
        for number, (dispatcher, decorator, found) in enumerate(wrappings):
            suffix = None
            if number > 0:
                suffix = dispatcher or str(number)
            elif function.qualname in taken:
                suffix = str(function.line)
            taken.add(function.qualname)
            plans.append(
                FunctionPlan(
                    qualname=function.qualname,
                    name=function.name,
                    line=function.line,
                    kind=function.kind,
                    form=function.form,
                    dispatcher_name=(
                        (bound_names[0] if bound_names else function.dispatcher_name)
                        if number == 0
                        else dispatcher
                    ),
                    class_name=function.class_name,
                    params=names,
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


def load_harvest(project_root: Path, signatures_file: str) -> tuple[dict[str, Any], str | None]:
    """The harvested signatures (empty when there is no file) and a problem, if any.

    The path is resolved by config.signatures_path, the rule `harvest` writes by."""
    from ...config import signatures_path

    path = signatures_path(project_root, signatures_file)
    if not path.is_file():
        return {}, None
    from ... import signatures_file as reader

    try:
        return dict(reader.load_signatures(path)), None
    except Exception as exc:  # noqa: BLE001 - a broken file is reported, not fatal
        return {}, f"{path}: cannot read signatures file: {exc}"


INLINE_UNREACHED = (
    'inline="always": typed only inside its callers, and no trial-compiled function calls it'
)


def inlined_into(
    functions: list[tuple[ParsedModule, JitIndex, JitFunction | None, bool]],
) -> dict[int, tuple[str, ...]]:
    """(module, index, function, checked) of every planned function -> for each unchecked
    `inline="always"` function whose body was typed inside a checked function, its position ->
    those callers' names.

    Numba inlines such a function into each caller before typing and never compiles it on its
    own, so neither a harvest nor the trial compile sees it by itself. Callers are found in every
    checked module, through its imports (`from pkg.util import helper`, `util.helper(...)`),
    and through other inlined functions, whose calls are typed along with them.
    """
    from ...bindings import IMPORT, module_bindings

    wanted: dict[str, int] = {}
    for position, (parsed, _, function, checked) in enumerate(functions):
        if checked or function is None or "." in function.qualname:
            continue
        if function.decorator.options.get("inline") != "always":
            continue
        for name in {function.name, function.dispatcher_name} - {None}:
            wanted[f"{parsed.module_name}.{name}"] = position
    if not wanted:
        return {}
    tables: dict[str, dict[str, str]] = {}
    for parsed, index, _, _ in functions:
        if parsed.module_name not in tables:
            tables[parsed.module_name] = module_bindings(parsed, index)

    def resolve(module: str, dotted: str) -> int | None:
        head, _, rest = dotted.partition(".")
        kind = tables[module].get(head)
        if kind is None:
            return None
        full = kind[len(IMPORT) :] if kind.startswith(IMPORT) else f"{module}.{head}"
        full = f"{full}.{rest}" if rest else full
        for _ in range(8):  # re-exports: `from pkg import helper`, pkg importing it from util
            if full in wanted:
                return wanted[full]
            owner, _, name = full.rpartition(".")
            kind = tables.get(owner, {}).get(name)
            if kind is None or not kind.startswith(IMPORT):
                return None
            full = kind[len(IMPORT) :]
        return None

    callers: dict[int, list[str]] = {}
    frontier = [n for n, (_, _, function, checked) in enumerate(functions) if checked and function]
    reached = set(frontier)
    while frontier:
        following = []
        for position in frontier:
            parsed, _, function, _ = functions[position]
            assert function is not None
            for dotted in _called_names(function.node):
                target = resolve(parsed.module_name, dotted)
                if target is None or target == position:
                    continue
                inlined_module = functions[target][0]
                shown = function.qualname
                if inlined_module.module_name != parsed.module_name:
                    shown += f" ({parsed.source.display})"
                callers.setdefault(target, []).append(shown)
                if target not in reached:
                    reached.add(target)
                    following.append(target)
        frontier = following
    return {position: tuple(dict.fromkeys(names)) for position, names in callers.items()}


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
