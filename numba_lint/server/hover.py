"""Inferred Numba types for hover: run the type job for a saved module, answer "what is `x`?".

Parent side (the language server): builds the dynamic pass's job for one module, runs it in a
`python -m numba_lint.server.typeinfo` subprocess (never in the server: it imports Numba and the
module's skeleton), keeps the last successful typing of each function, and turns a cursor
position into the type of the variable under it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from libcst.metadata import PositionProvider

from ..config import Config
from ..discover import SourceFile
from ..dynamic.protocol import Job
from ..jit_index import JitFunction, build_index
from ..parse import ParsedModule, parse

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


def type_job(parsed: ParsedModule, config: Config) -> Job:
    """The dynamic pass's worker job for this module (its signature plans included)."""
    from ..dynamic.parent.run import module_job  # the same job the dynamic pass sends its workers
    from ..dynamic.parent.signatures import load_harvest, plan_module

    harvest, _ = load_harvest(config.project_root, config.signatures_file)
    plans = plan_module(parsed, build_index(parsed), config.project_root, harvest)
    return module_job(parsed, plans, config)


def infer_types(path: Path, text: str, config: Config) -> dict[str, Any] | None:
    """Run the type job in a subprocess; None when the module could not be typed at all."""
    parsed = parse(SourceFile(path=path, display=str(path), text=text), text)
    if not isinstance(parsed, ParsedModule):
        return None
    job = type_job(parsed, config)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "numba_lint.server.typeinfo"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=config.timeout,
            cwd=config.project_root,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    try:
        answer = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None
    return answer if isinstance(answer, dict) else None


def identifier_at(line: str, column: int) -> str | None:
    """The identifier covering 0-based code-point `column` of `line` (or ending right at it)."""
    for match in _IDENTIFIER.finditer(line):
        if match.start() <= column <= match.end():
            return match.group()
    return None


def enclosing_function(parsed: ParsedModule, row: int) -> JitFunction | None:
    """The innermost jitted function whose source spans 1-based `row`."""
    index = build_index(parsed)
    positions = parsed.wrapper.resolve(PositionProvider)
    best: tuple[int, JitFunction] | None = None
    for function in index.functions:
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
