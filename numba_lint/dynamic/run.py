"""(ParsedModule, JitIndex) pairs + Config -> DynamicResult: diagnostics and per-function coverage.

The dynamic pass's one entry point, called by the pipeline: plan signature sources, run one
worker job per module (cached by content), then locate failures and warnings, add callee
coverage and the "not trial-compiled" notes. Runs in the linter's process: never imports Numba.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from ..checks import dynamic as rules
from ..checks.dynamic.names import NAME_ERROR, UNTYPED_GLOBAL
from ..config import Config
from ..diagnostic import Diagnostic, FunctionCoverage, Location, Pass
from ..jit_index import JitIndex
from ..parse import ParsedModule
from .cache import ResultCache
from .locate import Finding, Locator, to_diagnostics
from .messages import first_line
from .numba_warnings import warning_findings
from .protocol import (
    KIND_INVALID_SIGNATURE,
    NO_TYPES,
    FailureRecord,
    FunctionStatus,
    Job,
    WarningRecord,
    WorkerResult,
)
from .signatures import (
    INLINE_UNREACHED,
    FunctionPlan,
    inlined_into,
    load_harvest,
    plan_module,
)
from .source_nodes import SourceFile
from .trial import Outcome, run_jobs

STATEMENT_SECONDS = 5.0


@dataclass
class DynamicResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    functions: list[FunctionCoverage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Seconds each module's worker took (not cached ones), for --verbose and the benchmark.
    timings: dict[str, float] = field(default_factory=dict)
    # Once per run, not per module: the workers used Numba's full compile because the typing-only
    # engine cannot be used with the installed Numba (numba_compat.engine_note).
    engine_note: str | None = None
    # With record_types: every typing's variables and types (dynamic/explain_types.py).
    types: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Module:
    parsed: ParsedModule
    index: JitIndex
    plans: list[FunctionPlan]
    job: Job
    source: SourceFile


def module_job(parsed: ParsedModule, plans: list[FunctionPlan], config: Config) -> Job:
    job: Job = {
        "path": str(parsed.source.path.resolve()),
        "project_root": str(config.project_root.resolve()),
        "module_name": parsed.module_name,
        "text": parsed.text,
        "functions": [plan.to_job() for plan in plans],
        "full_compile": bool(config.full_compile),
        "statement_seconds": STATEMENT_SECONDS,
    }
    if parsed.source.companions:  # the other modules of a notebook (numba_lint/notebook)
        job["companions"] = [list(companion) for companion in parsed.source.companions]
    return job


def _prepare(
    parsed: ParsedModule, index: JitIndex, config: Config, harvest: dict[str, Any]
) -> _Module:
    plans = plan_module(parsed, index, config.project_root, harvest)
    source = SourceFile(
        parsed.source.display,
        str(parsed.source.path.resolve()),
        parsed.wrapper,
        lines=parsed.lines,
        jitted={f.node: f.qualname for f in index.functions},
    )
    return _Module(parsed, index, plans, module_job(parsed, plans, config), source)


@dataclass
class _Collected:
    """What the modules' outcomes add up to, before de-duplication and coverage."""

    findings: list[Finding] = field(default_factory=list)
    # (file, qualname) -> signatures of every user function typed while checking (callees).
    typed: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    coverage: list[tuple[_Module, FunctionPlan, FunctionStatus]] = field(default_factory=list)


def run_dynamic(
    modules: Sequence[tuple[ParsedModule, JitIndex]], config: Config, record_types: bool = False
) -> DynamicResult:
    result = DynamicResult()
    harvest, problem = load_harvest(config.project_root, config.signatures_file)
    if problem:
        result.errors.append(problem)
    prepared = [_prepare(parsed, index, config, harvest) for parsed, index in modules]
    for module in prepared:
        if record_types:  # the HTML report's types per line (a job of its own in the cache)
            module.job["record_types"] = True
    outcomes = _run(prepared, config, result)
    unavailable = [o.reason for o in outcomes if o.failure == "unavailable"]
    if unavailable:
        result.errors.append(f"dynamic pass skipped: {unavailable[0]}")

    display = {m.source.path: m.source.filename for m in prepared}
    locator = Locator({m.source.path: m.source for m in prepared}, display)
    collected = _Collected()
    for module, outcome in zip(prepared, outcomes, strict=True):
        if outcome.result is None:
            _collect_failure(module, outcome, collected, result)
        else:
            _collect_result(module, outcome.result, locator, collected)
            result.types.extend(outcome.result.get("types", []))
            result.engine_note = result.engine_note or outcome.result.get("engine_note")

    result.diagnostics.extend(to_diagnostics(collected.findings, display))
    entries = [
        _coverage(module, plan, status, collected.typed)
        for module, plan, status in collected.coverage
    ]
    entries = _inlined_through_callers(collected.coverage, entries)
    # The variants of a def jitted more than once have one def line: one NB960 for them.
    reported: set[tuple[str, str]] = set()
    for (module, plan, status), entry in zip(collected.coverage, entries, strict=True):
        result.functions.append(entry)
        if not entry.checked and not status.get("module_failed"):
            if (module.source.path, plan.qualname) in reported:
                continue
            reported.add((module.source.path, plan.qualname))
            result.diagnostics.append(
                _not_checked(module, plan, entry, status.get("notes", []), bool(harvest))
            )
    return result


def _inlined_through_callers(
    coverage: list[tuple[_Module, FunctionPlan, FunctionStatus]],
    entries: list[FunctionCoverage],
) -> list[FunctionCoverage]:
    """An `inline="always"` function is never compiled on its own: Numba inlines its body into
    each caller before typing. When a checked function calls it (in any module, or through
    another inlined function), its body was typed there, so it counts as checked through its
    callers; otherwise that is the reason it is unchecked (signatures.inlined_into)."""
    functions = [
        (
            module.parsed,
            module.index,
            next((f for f in module.index.functions if f.qualname == plan.qualname), None),
            entry.checked,
        )
        for (module, plan, _), entry in zip(coverage, entries, strict=True)
    ]
    reached = inlined_into(functions)
    updated = []
    for position, ((_, _, function, _), entry) in enumerate(zip(functions, entries, strict=True)):
        if position in reached:
            entry = replace(
                entry,
                checked=True,
                signature_source="callee",
                reason=None,
                signatures=tuple(f"inlined into {caller}" for caller in reached[position]),
            )
        elif (
            not entry.checked
            and entry.reason == NO_TYPES
            and function is not None
            and function.decorator.options.get("inline") == "always"
        ):
            entry = replace(entry, reason=INLINE_UNREACHED)
        updated.append(entry)
    return updated


def _collect_failure(
    module: _Module, outcome: Outcome, collected: _Collected, result: DynamicResult
) -> None:
    """A module without a worker result: one diagnostic (unless no worker could start)."""
    if outcome.failure == "unavailable":
        reason = "dynamic pass unavailable"
    else:
        result.diagnostics.append(_module_failure(module, outcome))
        reason = f"module not checked: {outcome.reason}"
    for plan in module.plans:
        status: FunctionStatus = {
            "checked": False,
            "source": None,
            "reason": reason,
            "module_failed": True,
        }
        collected.coverage.append((module, plan, status))


def _collect_result(
    module: _Module, worker: WorkerResult, locator: Locator, collected: _Collected
) -> None:
    dropped = set(worker.get("dropped_names", []))
    lines = {plan.key: plan.line for plan in module.plans}
    # A suffixed key (`f@f_s`, `C.prop@23`) names the def itself in findings.
    names = {plan.key: plan.qualname for plan in module.plans if plan.suffix}
    timed_out = _timed_out_names(worker)
    # Functions whose failure only says that a timed-out statement's name is missing: not a
    # finding (another run, less loaded, may finish the statement), but unchecked, and why.
    blocked: dict[str, str] = {}
    for raw in worker["failures"]:
        function = raw.get("function") or ""  # always set by the worker for its failures
        reason = _blocked_by_timeout(raw, timed_out)
        if reason is not None:
            blocked.setdefault(function, reason)
            continue
        line = lines.get(function, 1)
        # The signature's place as written or harvested: findings list signatures in that order.
        status = worker["functions"].get(function, FunctionStatus())
        written = list(status.get("signatures", []))
        signature = raw.get("signature")
        order = written.index(signature) if signature in written else len(written)
        raw = {**raw, "signature_order": order}
        if function in names:
            raw["function"] = names[function]
        collected.findings.extend(locator.failure(raw, module.source, line, dropped))
    decorated = _statement_findings(module, worker, locator, dropped, collected.findings)
    found_warnings: list[WarningRecord] = [
        {**item, "function": names[item.get("function") or ""]}
        if item.get("function") in names
        else item
        for item in worker.get("warnings", [])
    ]
    lines.update({plan.qualname: plan.line for plan in module.plans})
    collected.findings.extend(warning_findings(found_warnings, module.source, lines, locator))
    for item in worker["typed"]:
        collected.typed.setdefault((item["file"], item["qualname"]), []).append(item["signature"])
    for plan in module.plans:
        status = worker["functions"].get(plan.key, FunctionStatus())
        compiled_by = decorated.get(plan.key) or decorated.get(plan.qualname)
        if compiled_by == "decorator":
            # Its decorator compiled it at import and failed: it was checked.
            status = {"checked": True, "source": "decorator", "signatures": plan.decorator}
        elif compiled_by == "callsite" and not status.get("checked"):
            status = {"checked": True, "source": "callsite", "signatures": ()}
        if plan.key in blocked:
            status = {
                "checked": False,
                "source": None,
                "reason": blocked[plan.key],
                "timed_out": True,
            }
        collected.coverage.append((module, plan, status))


TIMED_OUT = "TimeoutError: "


def _timed_out_names(worker: WorkerResult) -> dict[str, str]:
    """Names that top-level statements stopped by their time limit would have defined ->
    "line 5 timed out (statement ran longer than 5 s)"."""
    found: dict[str, str] = {}
    for statement in worker.get("statements", []):
        if statement["error"].startswith(TIMED_OUT):
            what = statement["error"].removeprefix(TIMED_OUT)
            for name in statement["names"]:
                found.setdefault(name, f"line {statement['line']} timed out ({what})")
    return found


def _blocked_by_timeout(raw: FailureRecord, timed_out: dict[str, str]) -> str | None:
    """Why the function is unchecked, when its failure is a name a timed-out statement
    defines; None for any other failure."""
    if not timed_out or raw.get("function") is None:
        return None
    message = first_line(raw.get("root_text") or raw.get("text", ""))
    for pattern in (UNTYPED_GLOBAL, NAME_ERROR):
        match = pattern.search(message)
        if match and match.group(1) in timed_out:
            return f"{timed_out[match.group(1)]}; it defines '{match.group(1)}'"
    return None


def _run(prepared: list[_Module], config: Config, result: DynamicResult) -> list[Outcome]:
    cache = ResultCache() if config.cache else None
    outcomes: dict[int, Outcome] = {}
    todo: list[int] = []
    for number, module in enumerate(prepared):
        hit = cache.get(module.job) if cache else None
        if hit is not None:
            outcomes[number] = Outcome(module.job, hit)
        else:
            todo.append(number)
    workers = config.jobs or os.cpu_count() or 1
    fresh = run_jobs([prepared[n].job for n in todo], workers, config.timeout, config.memory_limit)
    for number, outcome in zip(todo, fresh, strict=True):
        outcomes[number] = outcome
        result.timings[prepared[number].source.filename] = outcome.seconds
        if cache is not None and outcome.result is not None:
            cache.put(prepared[number].job, outcome.result)
    return [outcomes[n] for n in range(len(prepared))]


def _diagnostic(
    rule: type[rules.DynamicRule],
    module: _Module,
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


def _module_failure(module: _Module, outcome: Outcome) -> Diagnostic:
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
    return _diagnostic(
        rule,
        module,
        (line, indent + 1),
        (line, len(text) + 1),
        rule.message.format(detail=detail),
        detail={"reason": outcome.reason},
    )


def _statement_findings(
    module: _Module,
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
            plan = owners[0]
            decorated.update((p.key, "decorator") for p in owners)
            hint: dict[str, Any] = {} if compile_error else {"kind_hint": KIND_INVALID_SIGNATURE}
            if plan.class_name:
                hint["class_line"] = statement["line"]
            findings.extend(
                locator.failure(
                    cast(
                        FailureRecord,
                        {
                            **raw,
                            **hint,
                            "function": plan.qualname,
                            "signature": ", ".join(plan.decorator),
                            "source": "decorator",
                        },
                    ),
                    module.source,
                    plan.line,
                    dropped,
                )
            )
            continue
        if compile_error and raw.get("chain"):
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
            continue
        line = statement["line"]
        start, end = _span(module, line)
        missing = ", ".join(statement["names"]) or "nothing"
        message = rules.ImportFailed.message.format(
            detail=f"line {line} raised {statement['error']}; defines {missing}"
        )
        findings.append(
            Finding(
                rules.ImportFailed,
                message,
                module.source.path,
                line,
                start,
                end,
                None,
                {"error": statement["error"]},
            )
        )
    return decorated


def _span(module: _Module, line: int) -> tuple[tuple[int, int], tuple[int, int]]:
    lines = module.parsed.lines
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = len(text) - len(text.lstrip())
    return (line, indent + 1), (line, max(len(text), indent) + 1)


def _coverage(
    module: _Module,
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


def _not_checked(
    module: _Module,
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
        start, end = _span(module, plan.line)
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
    return _diagnostic(
        rules.NotTrialCompiled,
        module,
        start,
        end,
        rules.NotTrialCompiled.message.format(reason=text),
        plan.qualname,
        {"reason": reason, "notes": notes},
    )
