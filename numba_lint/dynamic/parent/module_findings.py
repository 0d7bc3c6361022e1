"""One module's diagnostics that are not a located compile failure: the module's worker failed
(NB951/NB952), a top-level statement failed (decorators that compile at import, NB950), and the
coverage of each function with its "not trial-compiled" note (NB960).

Called by run.py in the linter's process; never imports Numba.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from ...checks import trial_compile as rules
from ...diagnostic import Diagnostic, FunctionCoverage, Location, Pass
from ...jit_index import JitIndex
from ...parse import ParsedModule
from ..protocol import (
    KIND_INVALID_SIGNATURE,
    NO_TYPES,
    FailureRecord,
    FunctionStatus,
    Job,
    StatementRecord,
    WorkerResult,
)
from .locate import Finding, Locator
from .signatures import FunctionPlan
from .source_nodes import SourceNodes
from .trial import Outcome


@dataclass
class PreparedModule:
    """One module ready for its worker: its static facts, plans, job and located source."""

    parsed: ParsedModule
    index: JitIndex
    plans: list[FunctionPlan]
    job: Job
    source: SourceNodes
    # Module-level name -> its kind (`IndexedModule.bindings`).
    bindings: Mapping[str, str]


def diagnostic(
    rule: type[rules.DynamicRule],
    module: PreparedModule,
    start: tuple[int, int],
    end: tuple[int, int],
    message: str,
    function: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Diagnostic:
    return Diagnostic(
        filename=module.source.filename,
        location=Location(*start),
        end_location=Location(*end),
        code=rule.code,
        message=message,
        severity=rule.severity,
        pass_=Pass.DYNAMIC,
        function=function,
        url=rule.url(),
        detail=detail or {},
    )


def module_failure(module: PreparedModule, outcome: Outcome) -> Diagnostic:
    rule: type[rules.DynamicRule]
    rule = rules.WorkerTimeout if outcome.failure == "timeout" else rules.WorkerCrashed
    line = 1
    detail = outcome.reason
    if outcome.where is not None:
        line = outcome.where[1]
        detail += f" while running line {line}"
    if outcome.failure == "error":
        detail = f"the worker failed: {outcome.reason}"
    elif outcome.failure == "memory":
        detail += "; raise memory-limit in [tool.numba-lint] to allow more"
    lines = module.parsed.lines
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = len(text) - len(text.lstrip())
    return diagnostic(
        rule,
        module,
        (line, indent + 1),
        (line, len(text) + 1),
        rule.message.format(detail=detail),
        detail={"reason": outcome.reason},
    )


def statement_findings(
    module: PreparedModule,
    worker: WorkerResult,
    locator: Locator,
    dropped: set[str],
    findings: list[Finding],
) -> dict[str, str]:
    """Top-level statements that failed while the skeleton was imported -> `findings`; returns
    the functions that such a statement compiled and saw fail: qualname -> "decorator" (their
    decorator compiles at import) or "callsite" (a module-level call compiled them)."""
    decorated: dict[str, str] = {}
    plans: dict[str, list[FunctionPlan]] = {}
    for plan in module.plans:
        if plan.class_name and "." not in plan.class_name:
            plans.setdefault(plan.class_name, []).append(plan)
        elif "." not in plan.qualname:
            plans.setdefault(plan.dispatcher_name or plan.name, []).append(plan)
    for statement in worker.get("statements", []):
        raw: dict[str, Any] = dict(statement.get("detail") or {})
        owners = [p for name in statement["names"] for p in plans.get(name, ())]
        compile_error = raw.get("numba_error") or "UnsupportedBytecodeError" in raw.get("types", [])
        if owners:
            # The decorator itself failed: it compiles at decoration (cfunc, vectorize with
            # signatures, jitclass) or rejected its signature, layout or spec.
            decorated.update((p.key, "decorator") for p in owners)
            findings.extend(
                _decorator_failed(
                    module, statement, raw, owners[0], compile_error, locator, dropped
                )
            )
        elif compile_error and raw.get("chain"):
            # A module-level statement compiled jitted code for real (`c = Counter(3)`): the
            # failure is in that code, located like any other.
            found = locator.failure(
                cast(
                    FailureRecord,
                    {**raw, "function": None, "signature": None, "source": "callsite"},
                ),
                module.source,
                statement["line"],
                dropped,
            )
            findings.extend(found)
            # The function that failed was trial-compiled, by the module-level call.
            decorated.update((f.function, "callsite") for f in found if f.function)
        else:
            findings.append(_import_failed(module, statement))
    return decorated


def _decorator_failed(
    module: PreparedModule,
    statement: StatementRecord,
    raw: dict[str, Any],
    plan: FunctionPlan,
    compile_error: bool,
    locator: Locator,
    dropped: set[str],
) -> list[Finding]:
    """A decorator that compiles at decoration, or that rejected its signature or spec."""
    hint: dict[str, Any] = {} if compile_error else {"kind_hint": KIND_INVALID_SIGNATURE}
    if plan.class_name:
        hint["class_line"] = statement["line"]
    record = {
        **raw,
        **hint,
        "function": plan.qualname,
        "signature": ", ".join(plan.decorator),
        "source": "decorator",
    }
    return locator.failure(cast(FailureRecord, record), module.source, plan.line, dropped)


def _import_failed(module: PreparedModule, statement: StatementRecord) -> Finding:
    """A top-level statement that raised (not a compile error): NB950 at its line."""
    line = statement["line"]
    start, end = span(module, line)
    missing = ", ".join(statement["names"]) or "nothing"
    message = rules.ImportFailed.message.format(
        detail=f"line {line} raised {statement['error']}; defines {missing}"
    )
    return Finding(
        rules.ImportFailed,
        message,
        module.source.path,
        line,
        start,
        end,
        None,
        {"error": statement["error"]},
    )


def span(module: PreparedModule, line: int) -> tuple[tuple[int, int], tuple[int, int]]:
    lines = module.parsed.lines
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = len(text) - len(text.lstrip())
    return (line, indent + 1), (line, max(len(text), indent) + 1)


def coverage_entry(
    module: PreparedModule,
    plan: FunctionPlan,
    status: FunctionStatus,
    typed: dict[tuple[str, str], list[str]],
) -> FunctionCoverage:
    function = next((f for f in module.index.functions if f.qualname == plan.qualname), None)
    checked = bool(status.get("checked"))
    source = status.get("source")
    signatures = tuple(status.get("signatures", ()))
    reason = status.get("reason")
    if not checked and not status.get("module_failed"):
        # A function blocked by a timed-out statement was typed, but its check did not count.
        reached = (
            None if status.get("timed_out") else typed.get((module.source.path, plan.qualname))
        )
        if reached:
            checked, source, signatures, reason = (
                True,
                "callee",
                tuple(dict.fromkeys(reached)),
                None,
            )
        elif reason == NO_TYPES and plan.harvest_note and not plan.harvest:
            # The signatures file has the function, but nothing usable: say why it is not used.
            reason = plan.harvest_note
    return FunctionCoverage(
        filename=module.source.filename,
        name=plan.qualname,
        line=plan.line,
        checked=checked,
        signature_source=source if checked else None,
        signatures=signatures,
        reason=None if checked else reason,
        # The project wrapper (decorator factory, wrapper class...) that made it jitted.
        via=function.via if function is not None else None,
        # Which variant of a def jitted more than once this entry is (listing.with_variants).
        dispatcher=plan.dispatcher_name if function is not None and function.variants else None,
    )


def not_checked(
    module: PreparedModule,
    plan: FunctionPlan,
    entry: FunctionCoverage,
    notes: list[str],
    harvest_read: bool,
) -> Diagnostic:
    function = next((f for f in module.index.functions if f.qualname == plan.qualname), None)
    if function is not None:
        where = module.source.position(function.node.name)
        start = (where.start.line, where.start.column + 1)
        end = (where.end.line, where.end.column + 1)
    else:
        start, end = span(module, plan.line)
    reason = entry.reason or NO_TYPES
    notes = [note for note in notes if note != reason]
    text = reason
    if reason == NO_TYPES and harvest_read:
        # A signatures file was read and has no entry for it: the tests never call it.
        text += (
            "; add a signature or annotations, or a test that calls it and harvest again "
            "(the signatures file has no entry for it)"
        )
    elif reason == NO_TYPES:
        text += "; add a signature, annotations or a harvested signatures file"
    if notes:
        text += " (" + "; ".join(notes) + ")"
    return diagnostic(
        rules.NotTrialCompiled,
        module,
        start,
        end,
        rules.NotTrialCompiled.message.format(reason=text),
        plan.qualname,
        {"reason": reason, "notes": notes},
    )
