"""Numba warnings recorded by a worker -> findings at the line and node they concern.

Called by run.py in the linter's process; never imports Numba. Each warning category has its
rule (checks/numba_warning_rules.py: NB971 performance, NB972 deprecation, NB973 parallel
safety; NB970 any other). An argument warning (reflected list) points at the argument's first
use, with a fix hint; a decorator-option warning (`parallel=True`, `nopython=False`) at that
keyword; a contiguity warning at the `np.dot(...)` call or `@` operator; a parallel-safety
warning at the variable's assignment inside the `prange` loop, a `prange` loop Numba runs
serially at the `break`/`return` that exits it (the others in `also_at`); a warning with no
place of its own at the function's name; otherwise the warning's own line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import libcst as cst

from ...checks import trial_compile as rules
from ...checks.base import DynamicRule
from ...checks.numba_warning_rules import RULE_FOR_CATEGORY
from ..protocol import WarningRecord
from .locate import Finding, Locator
from .source_nodes import SourceNodes, first_use, line_range, node_range
from .warning_anchors import contiguity_node, loop_exits, parallel_writes, reflected_hint

_URL_TAIL = re.compile(r"\s*For more information visit (\S+)\s*$", re.S)
_ARGUMENT = re.compile(r"(?<!keyword )argument '(\w+)'")
# Numba's SSA versions of a variable (`last.2`) read as the variable itself.
_SSA_SUFFIX = re.compile(r"\b([A-Za-z_]\w*)\.\d+\b")
_KEYWORD = re.compile(r"keyword argument '(\w+)")


def rule_for(category: str) -> type[DynamicRule]:
    """The rule that owns a Numba warning category (NB970 for any other)."""
    return RULE_FOR_CATEGORY.get(category, rules.NumbaWarningRule)


# Numba before 0.61 warns, beside a typing failure whose cause was a plain Python exception
# (`np.frobnicate`: numpy's AttributeError), that it captured that exception "old style". The
# warning is about Numba's own error handling and follows from the failure already reported.
_OLD_STYLE_CAPTURE = "'old_style' error-capturing"


def warning_findings(
    warnings: list[WarningRecord],
    home: SourceNodes,
    function_lines: dict[str, int],
    locator: Locator,
    failed: frozenset[tuple[str, str | None]] = frozenset(),
) -> list[Finding]:
    """NB970-NB973 findings for the warnings a worker recorded for the module `home`.
    `failed`: the (function, signature) pairs whose trial compile failed."""
    findings = []
    for warning in warnings:
        pair = (warning.get("function") or "", warning.get("signature"))
        if _OLD_STYLE_CAPTURE in warning["text"] and pair in failed:
            continue  # one cause, one finding: the failure's
        text = warning["text"].strip()
        url_match = _URL_TAIL.search(text)
        text = _URL_TAIL.sub("", text).strip()
        first = _SSA_SUFFIX.sub(r"\1", " ".join(text.split("\n\n")[0].split()))
        where = warning.get("where")
        function_line = function_lines.get(warning.get("function") or "")
        source = (locator.source(where["file"]) if where else None) or home
        line = where["line"] if where else (function_line or 1)
        function_node, owner = source.function_at(line)
        if function_node is None and function_line is not None:
            function_node, owner = source.function_at(function_line)
        node, others, what = _anchor(source, line, first, function_node)
        if node is None and where is None and function_node is not None:
            node = function_node.name  # no place of its own: the function, not its decorator
        start, end = node_range(source, node) if node is not None else line_range(source, line)
        rule = rule_for(warning["category"])
        detail: dict[str, Any] = {"numba": warning["text"]}
        hint = reflected_hint(first, function_node, warning.get("signature"))
        message = rule.message.format(category=warning["category"], detail=first + hint)
        if others:
            detail["also_at"] = [{"row": r, "column": c} for r, c in others]
            rows = sorted({r for r, _ in others})
            plural = "s" if len(rows) > 1 else ""
            message += f" (also {what} at line{plural} {', '.join(map(str, rows))})"
        if url_match:
            detail["more"] = url_match.group(1)
        if warning.get("signature"):
            detail["signature"] = warning["signature"]
        function = owner or warning.get("function")
        findings.append(Finding(rule, message, source.path, start[0], start, end, function, detail))
    return _one_per_place(_without_consequences(findings))


def _anchor(
    source: SourceNodes, line: int, first: str, function_node: cst.FunctionDef | None
) -> tuple[cst.CSTNode | None, list[tuple[int, int]], str]:
    """The node a warning is about (None: its line), the other places of the same cause, and
    what happens there ("written", "exits the loop")."""
    if function_node is None:
        return contiguity_node(source, line, first), [], ""
    argument = _ARGUMENT.search(first)
    if argument:
        return first_use(function_node, argument.group(1)), [], ""
    if "parallel=True" in first:
        return keyword_argument(function_node, "parallel"), [], ""
    keyword = _KEYWORD.search(first)
    if keyword:
        return keyword_argument(function_node, keyword.group(1)), [], ""
    for nodes, what in (
        (parallel_writes(source, line, first), "written"),
        (loop_exits(source, line, first), "exits the loop"),
    ):
        if nodes:
            return nodes[0], [node_range(source, n)[0] for n in nodes[1:]], what
    return contiguity_node(source, line, first), [], ""


_NOTHING_PARALLEL = "no transformation for parallel execution was possible"
_SERIAL_PRANGE = "prange or pndindex loop will not be executed in parallel"


def _without_consequences(findings: list[Finding]) -> list[Finding]:
    """One finding per cause: when Numba runs a function's `prange` loops serially (an early
    exit), its "parallel=True ... no transformation" warning for that function follows from
    it; the loop's finding says so instead of a second finding at the keyword."""
    serial = {(f.file, f.function) for f in findings if _SERIAL_PRANGE in f.message}
    serial &= {(f.file, f.function) for f in findings if _NOTHING_PARALLEL in f.message}
    if not serial:
        return findings
    kept = []
    for finding in findings:
        place = (finding.file, finding.function)
        if place in serial and _NOTHING_PARALLEL in finding.message:
            continue
        if place in serial and _SERIAL_PRANGE in finding.message:
            note = " No loop of this function runs in parallel, so parallel=True has no effect."
            finding = replace(finding, message=finding.message + note)
        kept.append(finding)
    return kept


def _one_per_place(findings: list[Finding]) -> list[Finding]:
    """The same warning raised once per checked signature becomes one finding.

    Numba words some warnings with the argument types (np.dot on non-contiguous arrays, "called
    on (Array(float64, 2, 'A', ...), ...)"), so each signature gives its own text at the same
    place. Warnings of one category at one place in one function, one per signature, take the
    first one's message: `to_diagnostics` then makes them one diagnostic that lists the
    signatures. Two warnings raised for the same signature there stay apart.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for number, finding in enumerate(findings):
        key = (
            finding.file,
            finding.start,
            finding.end,
            finding.rule.code,
            finding.message.split(":", 1)[0],  # the category
            finding.function,
        )
        groups.setdefault(key, []).append(number)
    merged = list(findings)
    for numbers in groups.values():
        signatures = [findings[n].detail.get("signature") for n in numbers]
        if len(numbers) < 2 or None in signatures or len(set(signatures)) != len(signatures):
            continue
        first = findings[numbers[0]]
        for number in numbers[1:]:
            merged[number] = replace(findings[number], message=first.message)
    return merged


def keyword_argument(function: cst.FunctionDef, name: str) -> cst.CSTNode | None:
    """The `name=...` argument of the function's decorator call, if written."""
    for decorator in function.decorators:
        call = decorator.decorator
        if isinstance(call, cst.Call):
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == name:
                    return arg
    return None
