"""IndexedModules + Config -> DynamicResult: diagnostics and per-function coverage.

The dynamic pass's one entry point, called by the pipeline: plan signature sources, run one
worker job per module (cached by content), then locate failures and warnings, add callee
coverage and the "not trial-compiled" notes. Runs in the linter's process: never imports Numba.
`explain` runs one module's job through the same steps: `prepare_module`, then `collect_result`
into a `Collected`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from ...checks.trial_compile.names import NAME_ERROR, UNTYPED_GLOBAL
from ...config import Config
from ...diagnostic import Diagnostic, FunctionCoverage
from ...jit_index import IndexedModule
from ...parse import ParsedModule
from ..protocol import (
    NO_TYPES,
    FailureRecord,
    FunctionStatus,
    Job,
    WarningRecord,
    WorkerResult,
)
from .cache import SITES_FOLDER, ResultCache, max_mb_problem
from .call_site_cache import CallSiteCache
from .harvested import load_harvest
from .inline_callers import INLINE_UNREACHED, inlined_into
from .locate import Finding, Locator, to_diagnostics
from .messages import first_line
from .module_findings import (
    PreparedModule,
    coverage_entry,
    module_failure,
    not_checked,
    statement_findings,
)
from .numba_warnings import warning_findings
from .signatures import FunctionPlan, plan_module
from .source_nodes import SourceNodes
from .trial import Outcome, prestart, run_jobs

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


def prepare_module(
    module: IndexedModule,
    config: Config,
    harvest: dict[str, Any],
    sites: CallSiteCache | None = None,
) -> PreparedModule:
    parsed, index, bindings = module
    if sites is None:
        plans = plan_module(parsed, index, config.project_root, harvest)
    else:
        plans = plan_module(parsed, index, config.project_root, harvest, sites.find)
    source = SourceNodes(
        parsed.source.display,
        str(parsed.source.path.resolve()),
        parsed.wrapper,
        lines=parsed.lines,
        jitted={f.node: f.qualname for f in index.functions},
    )
    job = module_job(parsed, plans, config)
    return PreparedModule(parsed, index, plans, job, source, bindings)


@dataclass
class Collected:
    """What the modules' outcomes add up to, before de-duplication and coverage."""

    findings: list[Finding] = field(default_factory=list)
    # (file, qualname) -> signatures of every user function typed while checking (callees).
    typed: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    coverage: list[tuple[PreparedModule, FunctionPlan, FunctionStatus]] = field(
        default_factory=list
    )


def run_dynamic(
    modules: Sequence[IndexedModule], config: Config, record_types: bool = False
) -> DynamicResult:
    result = DynamicResult()
    harvest, problem = load_harvest(config.project_root, config.signatures_file)
    if problem:
        result.errors.append(problem)
    cache = ResultCache() if config.cache else None
    sites = CallSiteCache(cache.folder / SITES_FOLDER) if cache is not None else None
    if cache is None and modules:
        _prestart()
    prepared: list[PreparedModule] = []
    cached: dict[int, WorkerResult] = {}
    for indexed in modules:
        module = prepare_module(indexed, config, harvest, sites)
        if record_types:  # the HTML report's types per line (a job of its own in the cache)
            module.job["record_types"] = True
        # The cache stores the records as plain JSON (dict[str, Any]); they keep their shape.
        hit = cache.get(cast(dict[str, Any], module.job)) if cache else None
        if hit is not None:
            cached[len(prepared)] = cast(WorkerResult, hit)
        elif len(prepared) == len(cached):
            # The first module that needs a worker (without a cache: before any planning): the
            # factory imports Numba on the other core while the remaining modules are planned
            # (a fully cached run starts none).
            _prestart()
        prepared.append(module)
    outcomes = _run(prepared, cached, cache, config, result)
    unavailable = [o.reason for o in outcomes if o.failure == "unavailable"]
    if unavailable:
        result.errors.append(f"dynamic pass skipped: {unavailable[0]}")

    display = {m.source.path: m.source.filename for m in prepared}
    locator = Locator({m.source.path: m.source for m in prepared}, display)
    collected = Collected()
    for module, outcome in zip(prepared, outcomes, strict=True):
        if outcome.result is None:
            _collect_failure(module, outcome, collected, result)
        else:
            collect_result(module, outcome.result, locator, collected)
            result.types.extend(outcome.result.get("types", []))
            result.engine_note = result.engine_note or outcome.result.get("engine_note")

    result.diagnostics.extend(to_diagnostics(collected.findings, display))
    entries = [
        coverage_entry(module, plan, status, collected.typed)
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
                not_checked(module, plan, entry, status.get("notes", []), bool(harvest))
            )
    return result


def _inlined_through_callers(
    coverage: list[tuple[PreparedModule, FunctionPlan, FunctionStatus]],
    entries: list[FunctionCoverage],
) -> list[FunctionCoverage]:
    """An `inline="always"` function is never compiled on its own: Numba inlines its body into
    each caller before typing. When a checked function calls it (in any module, or through
    another inlined function), its body was typed there, so it counts as checked through its
    callers; otherwise that is the reason it is unchecked (inline_callers.inlined_into)."""
    functions = [
        (
            module.parsed,
            module.bindings,
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
    module: PreparedModule, outcome: Outcome, collected: Collected, result: DynamicResult
) -> None:
    """A module without a worker result: one diagnostic (unless no worker could start)."""
    if outcome.failure == "unavailable":
        reason = "dynamic pass unavailable"
    else:
        result.diagnostics.append(module_failure(module, outcome))
        reason = f"module not checked: {outcome.reason}"
    for plan in module.plans:
        status: FunctionStatus = {
            "checked": False,
            "source": None,
            "reason": reason,
            "module_failed": True,
        }
        collected.coverage.append((module, plan, status))


def collect_result(
    module: PreparedModule, worker: WorkerResult, locator: Locator, collected: Collected
) -> None:
    dropped = set(worker.get("dropped_names", []))
    lines = {plan.key: plan.line for plan in module.plans}
    # A suffixed key (`f@f_s`, `C.prop@23`) names the def itself in findings.
    names = {plan.key: plan.qualname for plan in module.plans if plan.suffix}
    timed_out = _timed_out_names(worker)
    # Functions whose failure only says that a timed-out statement's name is missing: not a
    # finding (another run, less loaded, may finish the statement), but unchecked, and why.
    blocked: dict[str, str] = {}
    failed: set[tuple[str, str | None]] = set()
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
        failed.add((names.get(function, function), signature))
        if function in names:
            raw["function"] = names[function]
        collected.findings.extend(locator.failure(raw, module.source, line, dropped))
    decorated = statement_findings(module, worker, locator, dropped, collected.findings)
    found_warnings: list[WarningRecord] = [
        {**item, "function": names[item.get("function") or ""]}
        if item.get("function") in names
        else item
        for item in worker.get("warnings", [])
    ]
    lines.update({plan.qualname: plan.line for plan in module.plans})
    collected.findings.extend(
        warning_findings(found_warnings, module.source, lines, locator, frozenset(failed))
    )
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


def _prestart() -> None:
    with contextlib.suppress(OSError):  # run_jobs reports it when it needs the factory
        prestart()


def _run(
    prepared: list[PreparedModule],
    cached: dict[int, WorkerResult],
    cache: ResultCache | None,
    config: Config,
    result: DynamicResult,
) -> list[Outcome]:
    """One outcome per module: its cached result (`cached`, by position) or a worker's."""
    problem = max_mb_problem() if cache is not None else None
    if problem:
        result.errors.append(problem)
    outcomes = {number: Outcome(prepared[number].job, hit) for number, hit in cached.items()}
    todo = [number for number in range(len(prepared)) if number not in cached]
    workers = config.jobs or os.cpu_count() or 1
    fresh = run_jobs([prepared[n].job for n in todo], workers, config.timeout, config.memory_limit)
    for number, outcome in zip(todo, fresh, strict=True):
        outcomes[number] = outcome
        result.timings[prepared[number].source.filename] = outcome.seconds
        if cache is not None and outcome.result is not None:
            job = cast(dict[str, Any], prepared[number].job)
            cache.put(job, cast(dict[str, Any], outcome.result))
    if cache is not None and cache.stored:
        cache.trim()
    return [outcomes[n] for n in range(len(prepared))]
