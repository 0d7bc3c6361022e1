"""The static pass's values as JSON data and back, for the static cache (`cache.py`, `replay.py`).

JSON, never pickle: a static-only run promises not to execute anything from the checked tree,
its cache included. Every value comes back equal to the one written (tuples stay tuples, sets
stay sets), because replayed values feed later steps of the same computation; a value of a type
this module does not know raises `Uncacheable`, and the run then stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..diagnostic import CellPosition, Diagnostic, FunctionCoverage, Location, Pass, Severity
from ..discover import SourceFile
from ..parse import SyntaxProblem

if TYPE_CHECKING:  # imported where records are read: a replayed run's output needs no libcst
    from ..jit_model import JitDecorator
    from ..project import ProjectFacts
    from .share import Scanned


class Uncacheable(ValueError):
    """A value the cache cannot write faithfully."""


def literal_data(value: Any) -> Any:
    """A literal (what `ast.literal_eval` gives) as JSON data that tells its type."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, (tuple, list, set, frozenset)):
        tag = {tuple: "t", list: "l", set: "s", frozenset: "fs"}.get(type(value))
        if tag is None:
            raise Uncacheable(type(value).__name__)
        return {tag: [literal_data(item) for item in value]}
    if isinstance(value, dict):
        return {"d": [[literal_data(k), literal_data(v)] for k, v in value.items()]}
    if isinstance(value, bytes):
        return {"b": value.hex()}
    if isinstance(value, complex):
        return {"c": [repr(value.real), repr(value.imag)]}
    if value is Ellipsis:
        return {"e": 0}
    raise Uncacheable(type(value).__name__)


def literal(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    [(tag, content)] = data.items()
    if tag == "f":
        return float(content)
    if tag in ("t", "l", "s", "fs"):
        items = [literal(item) for item in content]
        return {"t": tuple, "l": list, "s": set, "fs": frozenset}[tag](items)
    if tag == "d":
        return {literal(k): literal(v) for k, v in content}
    if tag == "b":
        return bytes.fromhex(content)
    if tag == "c":
        return complex(float(content[0]), float(content[1]))
    if tag == "e":
        return Ellipsis
    raise ValueError(f"unknown tag {tag!r}")


def decorator_data(d: JitDecorator) -> list[Any]:
    return [
        d.kind,
        d.qualified_name,
        literal_data(dict(d.options)),
        literal_data(dict(d.option_sources)),
        literal_data(d.positional),
        d.line,
        d.shape,
        d.via,
        literal_data(d.parameters),
        literal_data(dict(d.option_parameters)),
        literal_data(dict(d.positional_parameters)),
    ]


def decorator(data: list[Any]) -> JitDecorator:
    kind, name, options, sources, positional, line, shape, via, parameters, *forwarded = data
    by_option, by_position = forwarded
    from ..jit_model import JitDecorator

    return JitDecorator(
        kind=kind,
        qualified_name=name,
        options=literal(options),
        option_sources=literal(sources),
        positional=literal(positional),
        line=line,
        shape=shape,
        via=via,
        parameters=literal(parameters),
        option_parameters=literal(by_option),
        positional_parameters=literal(by_position),
    )


def aliases_data(aliases: Mapping[str, JitDecorator]) -> dict[str, Any]:
    return {name: decorator_data(d) for name, d in aliases.items()}


def aliases_from_data(data: Mapping[str, Any]) -> dict[str, JitDecorator]:
    return {name: decorator(d) for name, d in data.items()}


def problem_data(problem: SyntaxProblem) -> list[Any]:
    return [problem.row, problem.column, problem.message]


def problem(data: list[Any], source: SourceFile, text: str) -> SyntaxProblem:
    row, column, message = data
    return SyntaxProblem(source, text, row, column, message)


def scanned_data(scanned: Scanned) -> list[Any]:
    """A scan's answer for one file (`share.Scanned`): its problem, or its bindings."""
    if isinstance(scanned, SyntaxProblem):
        return ["problem", problem_data(scanned)]
    bindings, arguments = scanned
    return ["bindings", bindings, sorted(arguments)]


def scanned(data: list[Any], source: SourceFile, text: str) -> Scanned:
    if data[0] == "problem":
        return problem(data[1], source, text)
    return dict(data[1]), set(data[2])


def facts_data(facts: ProjectFacts) -> dict[str, Any]:
    if facts.module_names:
        raise Uncacheable("module_names")
    return {
        "field_names": sorted(facts.field_names),
        "bindings": {module: dict(names) for module, names in facts.bindings.items()},
        "registered": sorted(facts.registered),
    }


def facts(data: Mapping[str, Any]) -> ProjectFacts:
    from ..project import ProjectFacts

    return ProjectFacts(
        field_names=frozenset(data["field_names"]),
        bindings=data["bindings"],
        registered=frozenset(data["registered"]),
    )


def diagnostic_data(d: Diagnostic) -> dict[str, Any]:
    cell = d.cell
    return {
        "filename": d.filename,
        "location": [d.location.row, d.location.column],
        "end_location": [d.end_location.row, d.end_location.column],
        "code": d.code,
        "message": d.message,
        "severity": d.severity.value,
        "pass": d.pass_.value,
        "function": d.function,
        "confirmed": d.confirmed,
        "url": d.url,
        "detail": d.detail,
        "cell": None if cell is None else _cell_data(cell),
    }


def _cell_data(cell: CellPosition) -> list[Any]:
    return [cell.cell, cell.row, cell.column, cell.end_row, cell.end_column, cell.exact, cell.text]


def diagnostic(data: dict[str, Any]) -> Diagnostic:
    cell = data["cell"]
    return Diagnostic(
        filename=data["filename"],
        location=Location(*data["location"]),
        end_location=Location(*data["end_location"]),
        code=data["code"],
        message=data["message"],
        severity=Severity(data["severity"]),
        pass_=Pass(data["pass"]),
        function=data["function"],
        confirmed=data["confirmed"],
        url=data["url"],
        detail=data["detail"],
        cell=None if cell is None else CellPosition(*cell),
    )


def function_data(f: FunctionCoverage) -> dict[str, Any]:
    return {
        "filename": f.filename,
        "name": f.name,
        "line": f.line,
        "checked": f.checked,
        "signature_source": f.signature_source,
        "signatures": list(f.signatures),
        "reason": f.reason,
        "via": f.via,
        "dispatcher": f.dispatcher,
        "cell": None if f.cell is None else list(f.cell),
    }


def function(data: dict[str, Any]) -> FunctionCoverage:
    cell = data["cell"]
    return FunctionCoverage(
        filename=data["filename"],
        name=data["name"],
        line=data["line"],
        checked=data["checked"],
        signature_source=data["signature_source"],
        signatures=tuple(data["signatures"]),
        reason=data["reason"],
        via=data["via"],
        dispatcher=data["dispatcher"],
        cell=None if cell is None else (cell[0], cell[1]),
    )
