"""Target -> Explanation: one jitted function's source, its inferred types and its findings.

Runs in the linter's process and never imports Numba or the user's code: the module is parsed
and indexed as the static pass does it (`static.indexing`), then goes through the dynamic pass's
own steps (signature plans, the worker job, the worker factory of dynamic/parent/trial.py, the
locator), with the job's "record_types" set so the worker also returns the types of every typing
it ran, complete or stopped by an error (dynamic/worker/explain_types.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from libcst.metadata import PositionProvider

from ..config import Config
from ..diagnostic import Diagnostic, FunctionCoverage, Location, Report, Summary
from ..discover import SourceFile
from ..dynamic.parent.harvested import load_harvest
from ..dynamic.parent.locate import Locator, to_diagnostics
from ..dynamic.parent.module_findings import PreparedModule, coverage_entry
from ..dynamic.parent.run import Collected, collect_result, module_job, prepare_module
from ..dynamic.parent.trial import run_jobs
from ..dynamic.parent.warning_anchors import split_at_top_level_commas
from ..jit_index import IndexedModule, JitFunction
from ..notebook.expand import expand_notebooks, in_cells
from ..parse import ParsedModule, SyntaxProblem, Unreadable, read_text
from ..static.indexing import parse_and_index
from .target import Target, TargetError

# The signature source `--signature` reports (the worker sees it as a harvested signature).
GIVEN = "--signature"


@dataclass(frozen=True)
class SourceLine:
    row: int  # 1-based line of the module the worker typed
    text: str
    label: str  # as the user counts lines: "12", or "cell 5:3" in a notebook


@dataclass(frozen=True)
class Typing:
    """One typing of the function: all its types, or those inferred before it failed."""

    signature: str
    return_type: str
    complete: bool
    # (row, variable, type), in source order.
    variables: tuple[tuple[int, str, str], ...]


@dataclass
class Explanation:
    filename: str
    function: str
    lines: list[SourceLine]
    coverage: FunctionCoverage | None = None
    typings: list[Typing] = field(default_factory=list)
    # Findings on the function's own lines, and those about it found elsewhere (a callee).
    findings: list[Diagnostic] = field(default_factory=list)
    elsewhere: list[Diagnostic] = field(default_factory=list)
    # Why the module produced no worker result (timeout, crash), if it did not.
    problem: str | None = None


@dataclass
class _ModuleText:
    source: SourceFile
    text: str
    # Virtual row -> (cell, line in the cell) for a notebook's module; empty for a .py file.
    rows: list[tuple[int, int]]


def explain(target: Target, config: Config, signature: str | None = None) -> Explanation:
    """The explanation of the target's function; TargetError when it names none."""
    problems = []
    for module in _modules(target):
        indexed = parse_and_index(module.source, module.text)
        if isinstance(indexed, SyntaxProblem):
            where = _label(indexed.row, module.rows)
            problems.append(f"{module.source.display}:{where}: {indexed.message}")
            continue
        function = _find(indexed, target, module.rows)
        if function is not None:
            return _explained(indexed, function, module.rows, config, signature)
    what = f"'{target.name}'" if target.name else f"line {target.line}"
    where = f"{target.path}" + (f", cell {target.cell}" if target.cell else "")
    unparsed = f" (it does not parse: {problems[0]})" if problems else ""
    raise TargetError(f"{where}: no jitted function at {what}{unparsed}")


def _modules(target: Target) -> list[_ModuleText]:
    source = SourceFile(path=target.path, display=str(target.path))
    if not target.is_notebook:
        text = read_text(source)
        if isinstance(text, Unreadable):
            raise TargetError(f"{target.path}: {text.reason}")
        return [_ModuleText(source, text, [])]
    report = Report(diagnostics=[], summary=Summary())
    virtual, notebooks = expand_notebooks([source], report)
    if notebooks.problems:
        raise TargetError(f"{target.path}: {notebooks.problems[0].message}")
    if report.errors:
        raise TargetError(report.errors[0])
    found = []
    for item in virtual:
        rows = list(notebooks.origins[item.display].module.rows)
        found.append(_ModuleText(item, item.text or "", rows))
    return found


def _find(
    indexed: IndexedModule, target: Target, rows: list[tuple[int, int]]
) -> JitFunction | None:
    parsed, index, _ = indexed
    if target.name is not None:
        named = [f for f in index.functions if f.qualname == target.name]
        named = named or [f for f in index.functions if f.name == target.name]
        if target.cell is not None:
            named = [f for f in named if _cell_of(parsed, f, rows) == target.cell]
        return named[0] if named else None
    row = target.line or 0
    if target.cell is not None:
        if (target.cell, row) not in rows:
            return None
        row = rows.index((target.cell, row)) + 1
    from ..server.hover import enclosing_function  # the hover's rule for "the function here"

    return enclosing_function(indexed, row)


def _cell_of(parsed: ParsedModule, function: JitFunction, rows: list[tuple[int, int]]) -> int:
    start = parsed.wrapper.resolve(PositionProvider)[function.node].start.line
    return rows[start - 1][0] if 0 < start <= len(rows) else 0


def _explained(
    indexed: IndexedModule,
    function: JitFunction,
    rows: list[tuple[int, int]],
    config: Config,
    signature: str | None,
) -> Explanation:
    parsed = indexed.parsed
    span = parsed.wrapper.resolve(PositionProvider)[function.node]
    lines = [
        SourceLine(
            row, parsed.lines[row - 1] if row <= len(parsed.lines) else "", _label(row, rows)
        )
        for row in range(span.start.line, span.end.line + 1)
    ]
    explanation = Explanation(parsed.source.display, function.qualname, lines)
    module = _job(indexed, function, config, signature)
    outcome = run_jobs([module.job], 1, config.timeout, config.memory_limit)[0]
    if outcome.result is None:
        explanation.problem = f"module not checked: {outcome.reason}"
        return explanation
    display = {module.source.path: module.source.filename}
    collected = Collected()
    collect_result(
        module, outcome.result, Locator({module.source.path: module.source}, display), collected
    )
    for mod, plan, status in collected.coverage:
        if plan.qualname == function.qualname and explanation.coverage is None:
            coverage = coverage_entry(mod, plan, status, collected.typed)
            # An unreadable harvested (or given) signature is listed as its argument spellings.
            texts = tuple(
                s if isinstance(s, str) else "(" + ", ".join(s) + ")" for s in coverage.signatures
            )
            explanation.coverage = replace(coverage, signatures=texts)
            if signature is not None and explanation.coverage.signature_source == "harvest":
                explanation.coverage = replace(explanation.coverage, signature_source=GIVEN)
    home = str(parsed.source.path.resolve())
    # Numba places the arguments at the function's first line (its first decorator): they
    # belong to the `def` line.
    def_row = next(
        (line.row for line in lines if line.text.lstrip().startswith(("def ", "async def "))),
        span.start.line,
    )
    explanation.typings = [
        _typing(record, def_row)
        for record in outcome.result.get("types", [])
        if record["file"] == home and record["qualname"] == function.qualname
    ]
    _place(explanation, to_diagnostics(collected.findings, display), home, rows)
    return explanation


def _place(
    explanation: Explanation, diagnostics: list[Diagnostic], home: str, rows: list[tuple[int, int]]
) -> None:
    """Each finding on the function's lines, on its call of the callee where it was found, or
    elsewhere when it is about the function but located outside it."""
    first, last = explanation.lines[0].row, explanation.lines[-1].row
    for diagnostic in diagnostics:
        if rows:  # "passed at line 17" of the notebook's module -> "cell 7, line 3"
            numba = in_cells(diagnostic.detail.get("numba", ""), rows)
            diagnostic = replace(
                diagnostic,
                message=in_cells(diagnostic.message, rows),
                detail={**diagnostic.detail, "numba": numba},
            )
        inside = diagnostic.filename == explanation.filename and (
            first <= diagnostic.location.row <= last
        )
        call = None if inside else _call_in(diagnostic, home, first, last)
        if inside:
            explanation.findings.append(diagnostic)
        elif call is not None:
            explanation.findings.append(_at_call(diagnostic, call, explanation.lines))
        elif diagnostic.function == explanation.function:
            explanation.elsewhere.append(diagnostic)


def _call_in(diagnostic: Diagnostic, home: str, first: int, last: int) -> int | None:
    """The line of the function (rows `first`..`last` of `home`) whose call leads to a finding
    located in a callee, from the finding's call chain ("path:line" of each call)."""
    for step in diagnostic.detail.get("call_chain", []):
        path, _, line = str(step).rpartition(":")
        if path == home and line.isdigit() and first <= int(line) <= last:
            return int(line)
    return None


def _at_call(diagnostic: Diagnostic, row: int, lines: list[SourceLine]) -> Diagnostic:
    """A callee's finding shown on the line of this function that calls it."""
    text = next((line.text for line in lines if line.row == row), "")
    start = len(text) - len(text.lstrip()) + 1
    where = f"{diagnostic.filename}:{diagnostic.location.row}:{diagnostic.location.column}"
    return replace(
        diagnostic,
        location=Location(row, start),
        end_location=Location(row, len(text) + 1),
        message=f"{diagnostic.message} [found at {where}]",
        detail={**diagnostic.detail, "found_at": where},
    )


def _job(
    indexed: IndexedModule, function: JitFunction, config: Config, signature: str | None
) -> PreparedModule:
    harvest, _ = load_harvest(config.project_root, config.signatures_file)
    module = prepare_module(indexed, config, harvest)
    if signature is not None:
        given = tuple(split_signature(signature))
        module.plans = [
            replace(
                plan,
                decorator=(),
                harvest=(given,),
                harvest_note=None,
                annotated=False,
                callsites=(),
                results=(),
            )
            if plan.qualname == function.qualname
            else plan
            for plan in module.plans
        ]
        module.job = module_job(indexed.parsed, module.plans, config)
    module.job["record_types"] = True
    return module


def split_signature(text: str) -> list[str]:
    """`"float64[:], int64"` (or `"(float64[:], int64)"`, or with a return type in front:
    `"float64(float64[:], int64)"`) -> one type spelling per argument."""
    text = text.strip()
    wrapped = re.fullmatch(r"[\w.]*\((.*)\)", text, flags=re.DOTALL)
    if wrapped and _balanced(wrapped.group(1)):
        text = wrapped.group(1)
    pieces, depth = split_at_top_level_commas(text, "([{", ")]}")
    parts = [piece.strip() for piece in pieces[:-1]]
    if pieces[-1].strip():
        parts.append(pieces[-1].strip())
    if depth != 0 or any(not part for part in parts):
        raise TargetError(
            f"--signature '{text}': expected argument types such as 'float64[:], int64'"
        )
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _label(row: int, rows: list[tuple[int, int]]) -> str:
    if rows and 0 < row <= len(rows):
        cell, line = rows[row - 1]
        return f"cell {cell}:{line}"
    return str(row)


def _typing(record: dict[str, Any], def_row: int) -> Typing:
    return Typing(
        signature=record["signature"],
        return_type=record.get("return", ""),
        complete=bool(record.get("complete")),
        variables=tuple(
            (max(v["line"], def_row), v["name"], v["type"]) for v in record["variables"]
        ),
    )
