"""A worker's raw failure -> Diagnostics at the root-cause node, worded in one plain line.

Called by run.py in the linter's process; never imports Numba. The line comes from the error's
cause chain (innermost user-code location), then Numba's message text; the column range comes
from the CST: the attribute, global name, call, subscript or operator the message names, or the
first use of an untypable argument. Failures inside a jitted callee carry the call chain.

Where Numba offers several candidate places, the choice is by source order, never by Numba's
iteration order (which depends on string hashing): the return or assignment that brings in a
type Numba cannot unify (messages.choose_disagreeing, the places read by irfacts.py), the first
use of any untypable argument; the others go to `detail["also_at"]`. A failure Numba gives no
location for is put on the function's name and says so. Numba's internal variable names
(`$phi14.0.2`, `arg.0`) are replaced by the user's expression or a plain phrase.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import libcst as cst

from ...checks import trial_compile as rules
from ...checks.base import RuleInfo
from ...checks.trial_compile import LOCATE_ORDER, Failure, TrialRule
from ...diagnostic import Diagnostic, Location, Pass
from ...discover import display_path
from ..protocol import KIND_INVALID_SIGNATURE, KIND_LOWERING, FailureRecord
from .disagreement import disagreement
from .messages import (
    QUOTED,
    UNTYPABLE_TYPE,
    classify,
    failure_of,
    first_line,
    root_location,
    stable_text,
)
from .source_nodes import (
    SourceNodes,
    decorator_argument,
    first_use,
    line_range,
    load_source,
    node_range,
    params_of,
)
from .wording import describe_untypable, qualified, user_names

NO_LOCATION = "Numba gave no location; reported at the function"


@dataclass(frozen=True)
class Finding:
    rule: type[RuleInfo]
    message: str
    file: str
    line: int
    start: tuple[int, int] | None  # (row, 1-based column) when a node was found
    end: tuple[int, int] | None
    function: str | None
    detail: dict[str, Any]
    # "in inner, called from outer at line 12": how a caller's check reached a callee's failure.
    trail: str = ""
    # The failing signature's place among the function's signatures as written (decorator) or
    # harvested: the order in which a finding lists them, whatever order they arrived in.
    signature_order: int = 0


def _node_for(source: SourceNodes, line: int, failure: Failure) -> cst.CSTNode | None:
    """The node on `line` that the message is about: the first node a rule's locator finds
    (checks/trial_compile LOCATE_ORDER), else any name the message quotes."""
    for rule in LOCATE_ORDER:
        node = rule.locate(source, line, failure)
        if node is not None:
            return node
    for quoted in QUOTED.findall(failure.message):
        for node, _ in source.nodes_on(line, (cst.Name,)):
            if node.value == quoted:  # type: ignore[attr-defined]
                return node
    return None


def _named_in_function(
    source: SourceNodes, function_line: int, rule: type[TrialRule], failure: Failure
) -> cst.CSTNode | None:
    """For a failure Numba gave no location for: the first node, in source order, of the
    checked function's body that the claiming rule's message names (`np.frobnicate` for
    "module 'numpy' has no attribute 'frobnicate'"), else None. Only the claiming rule's own
    locator: a name merely quoted in the message is too weak a clue across a whole body."""
    function = source.function_at(function_line)[0]
    if function is None:
        return None
    where = source.position(function)
    for line in range(where.start.line, where.end.line + 1):
        node = rule.locate(source, line, failure)
        if node is not None:
            return node
    return None


def _def_name(source: SourceNodes, function_line: int) -> cst.CSTNode | None:
    """The name in the `def` line of the checked function."""
    function = source.function_at(function_line)[0]
    return function.name if function is not None else None


class Locator:
    """Turns raw worker records into Findings, with a cache of parsed files."""

    def __init__(self, sources: dict[str, SourceNodes], display: dict[str, str]) -> None:
        self.sources = sources  # by resolved path
        self.display = display  # resolved path -> display name for unparsed project files

    def source(self, path: str | None) -> SourceNodes | None:
        if path is None:
            return None
        if path not in self.sources:
            # A file outside the checked modules (a callee's module, a package's `__init__`
            # that warned at import) is named as the file discovery would name it.
            shown = self.display.setdefault(path, display_path(Path(path)))
            loaded = load_source(path, shown)
            if loaded is None:
                return None
            self.sources[path] = loaded
        return self.sources[path]

    def failure(
        self, raw: FailureRecord, home: SourceNodes, function_line: int, dropped: set[str]
    ) -> list[Finding]:
        """Findings for one failed (function, signature)."""
        findings: list[Finding] = []
        message = first_line(raw.get("root_text") or raw.get("text", ""))
        path, line, callers = self._location(raw, home, function_line)
        nowhere = path is None
        source = self.source(path) if path else None
        if source is None:
            source, line, callers = home, line if path == home.path and line else function_line, []
        assert line is not None
        untypable = {u["param"]: u for u in raw.get("untypable", [])}
        # The placeholder of an untypable argument anywhere in Numba's text (a failed getitem
        # names it in the signature lines, not the first): typing reached that argument.
        placeholder = UNTYPABLE_TYPE.search(raw.get("root_text") or raw.get("text", ""))
        detail: dict[str, Any] = {
            "numba": stable_text(raw.get("text", "")),
            "signature": raw.get("signature"),
            "signature_source": raw.get("source"),
        }
        if raw.get("kind_hint") == KIND_INVALID_SIGNATURE:
            return [self._invalid_signature(raw, message, home, function_line, detail)]
        reached = placeholder is not None and placeholder.group(1) in untypable
        if not reached and raw.get("types"):
            failure = failure_of(raw, message, dropped)
            rule, fields = classify(failure)
            node: cst.CSTNode | None = None
            text = rule.message.format(**fields)
            chosen = disagreement(raw, source, message)
            if chosen is not None:
                line, node, text, also = chosen
                detail["also_at"] = also
            elif nowhere:
                node = _named_in_function(home, function_line, rule, failure)
                if node is None:
                    node = _def_name(home, function_line)
                else:
                    nowhere = False
                    detail["location"] = "none from Numba: the node its message names"
                line = source.position(node).start.line if node is not None else line
            else:
                node = _node_for(source, line, failure)
            text = user_names(text, raw.get("names", {}), source, line)
            if nowhere:
                text = f"{text} ({NO_LOCATION})"
                detail["location"] = "none from Numba"
            owner_node, owner = source.function_at(line)
            trail = self._trail(callers, source, owner)
            if trail:
                trail = f"in {owner}, {trail}"
                detail["call_chain"] = [f"{p}:{n}" for p, n in callers]
            start, end = node_range(source, node) if node is not None else line_range(source, line)
            findings.append(
                Finding(rule, text, source.path, line, start, end, owner, detail, trail)
            )
        if untypable:
            findings.append(
                self._untypable(list(untypable.values()), raw, home, function_line, detail)
            )
        order = int(raw.get("signature_order", 0))
        return [replace(f, signature_order=order) for f in findings]

    def _location(
        self, raw: FailureRecord, home: SourceNodes, function_line: int
    ) -> tuple[str | None, int | None, list[tuple[str, int]]]:
        """Numba's location of the failure, or (None, None, []) when it gave none. The last
        location Numba was working on (`fallback`) is where lowering stopped for a lowering
        failure, so it counts there, inside the checked function; for any other failure it is
        only the last thing type inference looked at (often in another function): a guess."""
        path, line, callers = root_location(raw)
        if raw.get("chain") or raw.get("text_locs") or path is None:
            return path, line, callers
        text = raw.get("text", "")
        lowering = (
            raw.get("kind_hint") == KIND_LOWERING
            or "LoweringError" in raw.get("types", [])
            or "(step: native lowering)" in text
        )
        if not lowering:
            return None, None, []
        function = home.function_at(function_line)[0]
        if function is None or path != home.path or line is None:
            return None, None, []
        where = home.position(function)
        if not where.start.line <= line <= where.end.line:
            return None, None, []
        return path, line, callers

    def _invalid_signature(
        self,
        raw: FailureRecord,
        message: str,
        home: SourceNodes,
        function_line: int,
        detail: dict[str, Any],
    ) -> Finding:
        """At the decorator's signature (or the jitclass spec) that Numba could not use."""
        function_node, owner = home.function_at(function_line)
        holder: cst.CSTNode | None = function_node
        if raw.get("class_line"):
            classes = home.nodes_on(raw["class_line"], (cst.ClassDef,))
            holder = classes[0][0] if classes else holder
        node = decorator_argument(holder) if holder is not None else None
        signature = raw.get("signature")
        if signature:
            what = f"signature {signature}"
        else:
            what = "jitclass spec" if raw.get("class_line") else "signature"
        rule = rules.InvalidSignature
        start, end = node_range(home, node) if node is not None else line_range(home, function_line)
        text = rule.message.format(what=what, detail=message)
        return Finding(rule, text, home.path, start[0], start, end, owner, detail)

    def _untypable(
        self,
        infos: list[dict[str, Any]],
        raw: FailureRecord,
        home: SourceNodes,
        function_line: int,
        detail: dict[str, Any],
    ) -> Finding:
        """One finding for every argument of a call that nopython mode cannot type, at the
        first use, in source order, of any of them; the others' first uses in `also_at`."""
        rule = rules.UntypableArgument
        function_node, owner = home.function_at(function_line)
        if function_node is not None:
            # Named in the signature's order, whatever order they were recorded in.
            params = [p.name.value for p in params_of(function_node)]
            infos = sorted(
                infos, key=lambda i: params.index(i["param"]) if i["param"] in params else 0
            )
        uses = []
        for info in infos:
            node = first_use(function_node, info["param"]) if function_node else None
            where = node_range(home, node) if node is not None else line_range(home, function_line)
            uses.append((where, node, info))
        uses.sort(key=lambda use: use[0][0])
        (start, end), _, first = uses[0]
        text = rule.message.format(
            what=describe_untypable(infos), line=raw.get("callsite_line") or "?"
        )
        extra: dict[str, Any] = {
            "class": qualified(first),
            "arguments": [
                {"param": i["param"], "class": qualified(i), "container": i.get("container")}
                for i in infos
            ],
        }
        also = [{"row": s[0], "column": s[1]} for (s, _), _, _ in uses[1:] if s != start]
        if also:
            extra["also_at"] = also
        return Finding(
            rule,
            text,
            home.path,
            start[0],
            start,
            end,
            owner or raw.get("function"),
            {**detail, **extra},
        )

    def _trail(self, callers: list[tuple[str, int]], source: SourceNodes, owner: str | None) -> str:
        parts = []
        for path, line in reversed(callers):
            caller_source = self.source(path)
            name = caller_source.function_at(line)[1] if caller_source else None
            if name == owner and caller_source is source:
                continue
            where = (
                f"line {line}"
                if caller_source is source
                else (f"{caller_source.filename if caller_source else path}:{line}")
            )
            parts.append(f"called from {name or '?'} at {where}")
        return ", ".join(parts)


def to_diagnostics(findings: Iterable[Finding], display: dict[str, str]) -> list[Diagnostic]:
    """Findings -> Diagnostics. The same problem found for several signatures, or reached from
    several callers, becomes one: the most direct call chain in the message, all in detail.

    The result does not depend on the order of `findings`: diagnostics come sorted by file,
    range, code and message; signatures are listed in the order written (or harvested), call
    chains shortest first, then alphabetically."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        start = finding.start or (finding.line, 1)
        key = (
            display.get(finding.file, finding.file),
            start,
            finding.end or start,
            finding.rule.code,
            finding.message,
        )
        groups.setdefault(key, []).append(finding)
    diagnostics = []
    for (filename, start, end, _, message), group in sorted(groups.items(), key=lambda g: g[0]):
        group.sort(key=lambda f: (f.signature_order, f.detail.get("signature") or ""))
        best = min(group, key=lambda f: (len(f.trail), f.trail, f.signature_order))
        detail = dict(best.detail)
        detail.pop("signature", None)
        detail["signatures"] = list(
            dict.fromkeys(f.detail["signature"] for f in group if f.detail.get("signature"))
        )
        trails = sorted({f.trail for f in group if f.trail}, key=lambda t: (len(t), t))
        if trails:
            detail["called_from"] = trails
        if best.trail:
            message = f"{message} ({best.trail})"
        if len(detail["signatures"]) > 1:
            message += (
                f" [for {len(detail['signatures'])} signatures: "
                + "; ".join(detail["signatures"])
                + "]"
            )
        diagnostics.append(
            Diagnostic(
                filename=filename,
                location=Location(*start),
                end_location=Location(*end),
                code=best.rule.code,
                message=message,
                severity=best.rule.severity,
                pass_=Pass.DYNAMIC,
                function=best.function,
                url=best.rule.url(),
                detail=detail,
            )
        )
    return diagnostics
