"""A module's jit index and its own project facts, remembered between checks of one file (the
language server): an edit inside the body of one jitted function reuses both instead of walking
the whole module again.

`jit_index.build_index` asks `reused_index` before it reads the module's wrappers and again
before its walk, and hands what it built to `keep_index`; `project.collect_facts` does the same
per module with `reused_facts` and `keep_facts`. A past index stands for the new text when
nothing the index's walk reads can have changed:
- the file, its module name and the project's aliases are the same, and so are the module's own
  wrappers (`wrappers.py`): read again and compared, unless the edited def G cannot be one
  whatever its body says (jitted by numba's own decorator, or no own `return`, before and
  after, gives a name, attribute, call, lambda or conditional: see `_wrappers_skip`);
- the text and the blanked text the tree was parsed from (`reduced_parse`) differ from the
  past ones only inside the *body* of one top-level jitted def G, no line added or removed
  (the index holds every function's lines), G's decorators and signature unchanged;
- G's body, before and after, holds nothing the index's walk looks at inside a function: no
  nested def or class, no `global`/`nonlocal`, no call whose first argument names a
  module-level def (`njit(f)` anywhere jits `f`).
The index is then the past one with each function's node replaced by the node at the same
place in the new tree. The facts of a module (field names, registrations) never read a jitted
body, so with the index the past facts stand too. Anything else builds both from scratch, as
without the memo. Off unless `remember_indexes` is called (the CLI checks each file once);
tests/test_server_incremental.py checks that edits give exactly the findings of a check from
scratch.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst

from .body_reading import gives_nothing, inert, numba_decorated
from .jit_model import JitDecorator, JitIndex
from .modules import module_imports
from .parse import ParsedModule
from .recent import Recent

# Past builds kept per file: one per set of project aliases it was indexed with (a static pass
# may index a module twice, before and after the project's aliases are known).
_BUILDS_PER_FILE = 4
# Statement nodes a jitted function may sit in (a def's place is a path through these).
_CONTAINERS = (
    cst.Module,
    cst.IndentedBlock,
    cst.SimpleStatementSuite,
    cst.ClassDef,
    cst.FunctionDef,
    cst.If,
    cst.Else,
    cst.For,
    cst.While,
    cst.With,
    cst.Try,
    cst.ExceptHandler,
    cst.Finally,
)
# A module's own wrappers of numba's decorators and the names they looked up in vain.
Wrappers = tuple[dict[str, JitDecorator], set[str]]
# File -> its last builds (the server's; the CLI keeps none).
_PAST: Recent[str, list[_Build]] = Recent()


def remember_indexes(files: int) -> None:
    """Remember the jit indexes and facts of the last `files` files checked (0: none)."""
    _PAST.set_limit(files)


@dataclass
class _Build:
    """One index build: what it read, what it gave, and (once collected) the module's facts."""

    parsed: ParsedModule
    reduced: list[str]
    known: Mapping[str, JitDecorator]
    wrappers: tuple[dict[str, JitDecorator], frozenset[str]]
    index: JitIndex
    facts: tuple[frozenset[str], frozenset[str]] | None = None
    # Each function's place in `parsed.module` (child positions), found on first reuse.
    places: list[tuple[int, ...]] | None = field(default=None, repr=False)
    # Top-level defs of this text known to give the wrappers nothing (`body_reading.gives_nothing`).
    gives_nothing: dict[tuple[str, int], bool] = field(default_factory=dict, repr=False)


def _reduced_lines(parsed: ParsedModule) -> list[str]:
    """The lines of the text the tree was parsed from (blanked bodies and all)."""
    reduced = parsed.__dict__.get("reduced_text")
    return (reduced if isinstance(reduced, str) else parsed.text).splitlines(keepends=True)


def _changed(old: list[str], new: list[str]) -> tuple[int, int] | None:
    """The first and last line (1-based) that differ when no line was added or removed; (1, 0)
    when none differ; None when the number of lines differs."""
    if len(old) != len(new):
        return None
    first, last = 0, len(new)
    while first < last and old[first] == new[first]:
        first += 1
    while last > first and old[last - 1] == new[last - 1]:
        last -= 1
    return first + 1, last


def _top_level_defs(module: cst.Module) -> dict[str, cst.FunctionDef]:
    """The module's top-level defs by name (the first of two with one name)."""
    found: dict[str, cst.FunctionDef] = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            found.setdefault(statement.name.value, statement)
    return found


def _change(past: _Build, parsed: ParsedModule, reduced: list[str]) -> tuple[int, int] | None:
    """The first and last line where the text or the blanked text differs from the past ones
    ((1, 0): none); None when lines were added or removed."""
    text_change = _changed(past.parsed.text.splitlines(True), parsed.text.splitlines(True))
    reduced_change = _changed(past.reduced, reduced)
    if text_change is None or reduced_change is None:
        return None
    return min(text_change[0], reduced_change[0]), max(text_change[1], reduced_change[1])


def _edited_body(past: _Build, parsed: ParsedModule, first: int, last: int) -> bool:
    """Whether the lines `first`..`last` that changed lie in the body of one top-level jitted
    def that the index's walk does not look into (see the module docstring)."""
    if first > last:
        return True  # the same text
    old_lines = past.parsed.text.splitlines(keepends=True)
    lines = parsed.text.splitlines(keepends=True)
    old_defs, new_defs = _top_level_defs(past.parsed.module), _top_level_defs(parsed.module)
    for function in past.index.functions:
        old = old_defs.get(function.name)
        if old is not function.node or not isinstance(old.body, cst.IndentedBlock):
            continue
        span = past.parsed.statement_lines.def_span(old)
        if span is None:
            continue
        start, body, end = span
        if not (start < body <= first and last <= end):
            continue  # the change is not inside this body
        new = new_defs.get(function.name)
        if new is None or not isinstance(new.body, cst.IndentedBlock):
            return False
        if parsed.statement_lines.def_span(new) != span:
            return False
        module_defs = frozenset(new_defs)
        return all(
            inert("".join(text[start - 1 : end]), "".join(text[body - 1 : end]), module_defs)
            for text in (old_lines, lines)
        )
    return False


def _wrappers_skip(
    past: _Build, parsed: ParsedModule, tree: ast.Module | None, first: int, last: int
) -> dict[tuple[str, int], bool] | None:
    """Whether the module's wrappers (`wrappers.module_wrappers`) cannot read the lines that
    changed: they lie in the body of a top-level def that is no wrapper whatever its body
    says: one of numba's own decorators jits it (by the names the module's imports bind), or
    none of its own `return`s, before and after, gives a value the wrappers' evaluation follows
    (`body_reading.gives_nothing`). The verdicts found for the new text's defs by name and
    line (empty: none asked), or None: the wrappers must be read."""
    if first > last:
        return {}
    if tree is None:
        return None
    for node in tree.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body[0].lineno <= first
            and last <= (node.end_lineno or 0)
        ):
            is_package = parsed.source.path.stem == "__init__"
            imports = module_imports(tree, parsed.module_name, is_package)
            if any(numba_decorated(d, imports) for d in node.decorator_list):
                return {}
            if not gives_nothing(node) or not _gave_nothing(past, node):
                return None
            return {(node.name, node.lineno): True}
    return None


def _gave_nothing(past: _Build, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`gives_nothing` for the same lines of the past text (known, or parsed again)."""
    known = past.gives_nothing.get((node.name, node.lineno))
    if known is not None:
        return known
    first = min((d.lineno for d in node.decorator_list), default=node.lineno)
    lines = past.parsed.text.splitlines(keepends=True)[first - 1 : node.end_lineno]
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    old = tree.body[0] if len(tree.body) == 1 else None
    return isinstance(old, (ast.FunctionDef, ast.AsyncFunctionDef)) and gives_nothing(old)


def _places(module: cst.Module, nodes: list[cst.FunctionDef]) -> list[tuple[int, ...]] | None:
    """Each node's place in `module`: its statement's position in the body, then the positions
    of the children leading to it."""
    wanted = {node: position for position, node in enumerate(nodes)}
    found: list[tuple[int, ...] | None] = [None] * len(nodes)

    def visit(node: cst.CSTNode, place: tuple[int, ...]) -> None:
        position = wanted.get(node)  # type: ignore[call-overload]
        if position is not None:
            found[position] = place
        for number, child in enumerate(node.children):
            if isinstance(child, _CONTAINERS):
                visit(child, (*place, number))

    for number, statement in enumerate(module.body):  # a module's own children: many
        visit(statement, (number,))
    if any(place is None for place in found):
        return None
    return [place for place in found if place is not None]


def _at(module: cst.Module, place: tuple[int, ...], old: cst.FunctionDef) -> cst.FunctionDef:
    if place[0] >= len(module.body):
        raise LookupError(place)
    node: cst.CSTNode = module.body[place[0]]
    for number in place[1:]:
        children = node.children
        if number >= len(children):
            raise LookupError(place)
        node = children[number]
    if not isinstance(node, cst.FunctionDef) or node.name.value != old.name.value:
        raise LookupError(place)
    return node


def _moved(past: _Build, parsed: ParsedModule) -> JitIndex | None:
    """The past index with each function's node taken from the new tree."""
    old = past.index
    if past.places is None:
        past.places = _places(past.parsed.module, [f.node for f in old.functions])
        if past.places is None:
            return None
    try:
        functions = [
            function
            if function.node is (node := _at(parsed.module, place, function.node))
            else replace(function, node=node)
            for function, place in zip(old.functions, past.places, strict=True)
        ]
    except LookupError:
        return None
    return JitIndex(functions, dict(old.jitclasses), dict(old.decorator_aliases), old.looked_up)


def reused_index(
    parsed: ParsedModule,
    known: Mapping[str, JitDecorator],
    wrappers: Wrappers | None = None,
) -> JitIndex | None:
    """The past index of this file, moved to `parsed`'s tree, when it stands (see the module
    docstring); None: build it. `wrappers`: the module's own wrappers and the names they looked
    up, as `build_index` found them for this text; None: not found yet (the past index stands
    only where they cannot have changed)."""
    if not _PAST.limit:
        return None
    tree = parsed.tree
    try:
        return _reused(parsed, known, wrappers, tree)
    finally:
        # The pairing of lines drops Python's tree; the wrappers read it if the memo declines.
        if tree is not None and parsed.tree is None:
            parsed.tree = tree


def _reused(
    parsed: ParsedModule,
    known: Mapping[str, JitDecorator],
    wrappers: Wrappers | None,
    tree: ast.Module | None,
) -> JitIndex | None:
    reduced = _reduced_lines(parsed)
    for past in _PAST.get(parsed.source.display) or []:
        if (
            past.parsed.module_name != parsed.module_name
            or past.parsed.source.path != parsed.source.path
            or past.known != known
        ):
            continue
        change = _change(past, parsed, reduced)
        if change is None:
            return None
        gives_nothing: dict[tuple[str, int], bool] | None = {}
        if wrappers is None:
            gives_nothing = _wrappers_skip(past, parsed, tree, *change)
            if gives_nothing is None:
                return None
        elif past.wrappers != (wrappers[0], frozenset(wrappers[1])):
            return None
        if not _edited_body(past, parsed, *change):
            return None
        index = _moved(past, parsed)
        if index is not None:
            build = _Build(parsed, reduced, known, past.wrappers, index, past.facts, past.places)
            build.gives_nothing = gives_nothing or {}
            _keep(build)
        return index
    return None


def keep_index(
    parsed: ParsedModule, known: Mapping[str, JitDecorator], wrappers: Wrappers, index: JitIndex
) -> None:
    """Remember an index built from scratch for the next check of the file."""
    if not _PAST.limit:
        return
    wrapped = (dict(wrappers[0]), frozenset(wrappers[1]))
    _keep(_Build(parsed, _reduced_lines(parsed), dict(known), wrapped, index))


def _keep(build: _Build) -> None:
    display = build.parsed.source.display
    others = [past for past in _PAST.get(display) or [] if past.known != build.known]
    _PAST.put(display, [build, *others][:_BUILDS_PER_FILE])


def _build_of(parsed: ParsedModule, index: JitIndex) -> _Build | None:
    for build in _PAST.get(parsed.source.display) or []:
        if build.index is index and build.parsed is parsed:
            return build
    return None


def reused_facts(
    parsed: ParsedModule, index: JitIndex
) -> tuple[frozenset[str], frozenset[str]] | None:
    """The module's own field names and registered names, when its index was reused (or its
    facts were collected already); None: collect them."""
    if not _PAST.limit:
        return None
    build = _build_of(parsed, index)
    return build.facts if build is not None else None


def keep_facts(parsed: ParsedModule, index: JitIndex, facts: tuple[Any, Any]) -> None:
    """Remember the module's own facts with the index they were collected for."""
    if not _PAST.limit:
        return
    build = _build_of(parsed, index)
    if build is not None:
        build.facts = (frozenset(facts[0]), frozenset(facts[1]))
