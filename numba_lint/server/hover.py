"""Inferred Numba types for hover: keep each function's typings, answer "what is `x`?".

Parent side (the language server): the typings come with the trial compile of each save
(warm_worker.py runs the pipeline with the type recorder on: one compile, no job of its own);
this module keeps the last successful typing of each function and turns a cursor position into
the type of the variable under it. The document is parsed and indexed as the static pass does it
(`static.indexing`), so hover finds the jitted functions the checks find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from libcst.metadata import PositionProvider

from ..discover import SourceFile
from ..jit_index import IndexedModule, JitFunction
from ..parse import SyntaxProblem
from ..static.indexing import parse_and_index

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Typing:
    """One successful typing of one function: its argument types and its variables' types."""

    signature: str
    return_type: str
    # name -> [(line of the assignment, type)], in line order.
    variables: dict[str, list[tuple[int, str]]]


@dataclass
class TypeStore:
    """Per document: the last successful typings of each jitted function, by qualified name."""

    functions: dict[str, list[Typing]] = field(default_factory=dict)

    def update(self, answer: dict[str, Any]) -> None:
        # Functions that failed this time keep their previous (last successful) typing.
        for qualname, typings in answer.get("functions", {}).items():
            fresh = []
            for item in typings:
                variables: dict[str, list[tuple[int, str]]] = {}
                for var in item["variables"]:
                    variables.setdefault(var["name"], []).append((var["line"], var["type"]))
                fresh.append(Typing(item["signature"], item["return"], variables))
            if fresh:
                self.functions[qualname] = fresh


def markdown_at(store: TypeStore, source: SourceFile, row: int, column: int) -> str | None:
    """What hover shows at 0-based `row` and code-point `column` of the document's text: the
    types of the identifier there, inside a jitted function; None elsewhere."""
    text = source.text or ""
    lines = text.splitlines()
    if row >= len(lines):
        return None
    name = identifier_at(lines[row], column)
    if name is None:
        return None
    module = parse_and_index(source, text)
    if isinstance(module, SyntaxProblem):
        return None
    function = enclosing_function(module, row + 1)
    if function is None:
        return None
    return describe(store, function.qualname, name, row + 1)


def identifier_at(line: str, column: int) -> str | None:
    """The identifier covering 0-based code-point `column` of `line` (or ending right at it)."""
    for match in _IDENTIFIER.finditer(line):
        if match.start() <= column <= match.end():
            return match.group()
    return None


def enclosing_function(module: IndexedModule, row: int) -> JitFunction | None:
    """The innermost jitted function of `module` whose source spans 1-based `row`."""
    positions = module.parsed.wrapper.resolve(PositionProvider)
    best: tuple[int, JitFunction] | None = None
    for function in module.jit_index.functions:
        span = positions[function.node]
        if span.start.line <= row <= span.end.line:
            size = span.end.line - span.start.line
            if best is None or size < best[0]:
                best = (size, function)
    return best[1] if best else None


def describe(store: TypeStore, qualname: str, name: str, row: int) -> str | None:
    """Markdown for the type of `name` at 1-based `row` in each typing of the function."""
    typings = store.functions.get(qualname, [])
    found: list[tuple[Typing, str]] = []
    for typing in typings:
        versions = typing.variables.get(name)
        if not versions:
            continue
        # The assignment that reaches this line: the last one at or above it (else the first).
        before = [item for item in versions if item[0] <= row]
        found.append((typing, (before[-1] if before else versions[0])[1]))
    if not found:
        return None
    if len(found) == 1:
        typing, text = found[0]
        return (
            f"```python\n{name}: {text}\n```\n\n"
            f"inferred by Numba for `{qualname}{typing.signature}`"
        )
    rows = [f"- `{qualname}{typing.signature}`: `{text}`" for typing, text in found]
    return "\n".join([f"Numba types of `{name}`:", "", *rows])
