"""Numba warnings recorded by a worker -> NB970 findings at the line and node they concern.

Called by run.py in the linter's process; never imports Numba. An argument warning (reflected
list) points at the argument's first use, a decorator-option warning (`parallel=True`,
`nopython=False`) at that keyword; otherwise the warning's own line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import libcst as cst

from ..checks import dynamic as rules
from .locate import Finding, Locator, SourceFile, first_use, line_range, node_range

_URL_TAIL = re.compile(r"\s*For more information visit (\S+)\s*$", re.S)
_ARGUMENT = re.compile(r"(?<!keyword )argument '(\w+)'")
# Numba's SSA versions of a variable (`last.2`) read as the variable itself.
_SSA_SUFFIX = re.compile(r"\b([A-Za-z_]\w*)\.\d+\b")
_KEYWORD = re.compile(r"keyword argument '(\w+)")


def warning_findings(
    warnings: list[dict[str, Any]],
    home: SourceFile,
    function_lines: dict[str, int],
    locator: Locator,
) -> list[Finding]:
    """NB970 findings for the warnings a worker recorded for the module `home`."""
    findings = []
    for warning in warnings:
        text = warning["text"].strip()
        url_match = _URL_TAIL.search(text)
        text = _URL_TAIL.sub("", text).strip()
        first = _SSA_SUFFIX.sub(r"\1", " ".join(text.split("\n\n")[0].split()))
        where = warning.get("where")
        function_line = function_lines.get(warning.get("function") or "")
        source = (locator.source(where["file"]) if where else None) or home
        line = where["line"] if where else (function_line or 1)
        node = None
        function_node, owner = source.function_at(line)
        if function_node is None and function_line is not None:
            function_node, owner = source.function_at(function_line)
        argument = _ARGUMENT.search(first)
        if argument and function_node is not None:
            node = first_use(function_node, argument.group(1))
        elif "parallel=True" in first and function_node is not None:
            node = keyword_argument(function_node, "parallel")
        elif (keyword := _KEYWORD.search(first)) and function_node is not None:
            node = keyword_argument(function_node, keyword.group(1))
        if node is not None:
            start, end = node_range(source, node)
            line = start[0]
        else:
            start, end = line_range(source, line)
        message = rules.NumbaWarningRule.message.format(category=warning["category"], detail=first)
        detail = {"numba": warning["text"]}
        if url_match:
            detail["more"] = url_match.group(1)
        if warning.get("signature"):
            detail["signature"] = warning["signature"]
        findings.append(
            Finding(
                rules.NumbaWarningRule,
                message,
                source.path,
                line,
                start,
                end,
                owner or warning.get("function"),
                detail,
            )
        )
    return _one_per_place(findings)


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
