"""One module's trial compile, inside a worker process: job dict -> result dict (plain data).

Run by zygote.py in a process forked from the warm worker factory. Imports the module's skeleton,
turns each function's signature sources into Numba types, types every (function, signature)
typing-only (or compiles it with --full-compile) and records raw failures, warnings and the
callees reached. It never runs the module's other top-level statements; locating is the parent's.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..protocol import (
    KIND_INVALID_SIGNATURE,
    KIND_UNTYPABLE,
    NO_TYPES,
    ErrorFacts,
    FailureRecord,
    FunctionStatus,
    Job,
    WorkerResult,
)
from . import skeleton as skeleton_mod
from .argtypes import is_stencil, signature_text, signatures_for, target_of
from .calltypes import CallTyper
from .describe import describe_error, describe_warning, is_user_file
from .irfacts import failure_facts
from .modes import TypedResult, check, full_compile
from .numba_compat import Dispatcher, errors, sigutils
from .prelower import lowering_hazards
from .skeleton_import import import_skeleton, install_finder, record_skeleton

# TypedResults already scanned for lowering hazards (a callee is reached from many checks).
_SCANNED: set[int] = set()


def run_job(job: Job) -> WorkerResult:
    path = Path(job["path"])
    finder = install_finder(job, path)
    result = _empty_result()
    skel = import_skeleton(job, path, result)
    record_skeleton(skel, finder, result, job["module_name"])
    mode = _mode(job, result)
    plans = {plan["qualname"]: plan for plan in job["functions"]}
    imported = _compiled_at_import(skel.module, plans)
    checked: dict[str, FunctionStatus] = {}
    running: set[str] = set()

    def ensure(qualname: str) -> bool:
        """Checks a function once, when first needed: a call site's argument can be the return
        type of another function's check (`nearest(d)` after `d = pairwise(pts)`). False while
        that check is still running (a call site that depends on the function itself)."""
        if qualname in checked or qualname in running:
            return qualname in checked
        running.add(qualname)
        plan = plans[qualname]
        # In the log: a worker that dies while checking names the function's line.
        sys.stderr.write(f'numba-lint: checking File "{path}", line {plan["line"]}\n')
        sys.stderr.flush()
        checked[qualname] = _check_function(
            plan, skel.module, mode, result, typer, imported.get(qualname, [])
        )
        running.discard(qualname)
        return True

    def type_now(qualname: str, argtypes: tuple[Any, ...]) -> None:
        """Checks one call-site signature of a function whose check is running, ahead of its
        turn: a call reads the result of another call of it (`state = step(state)`). Nothing is
        recorded twice: at its turn the signature is already typed, and a failure found again
        is the same finding."""
        plan = plans[qualname]
        target, _ = target_of(skel.module, plan)
        if target is None:
            return
        failure = _check_one(target, argtypes, mode, plan, result)
        if failure is not None:
            result["failures"].append(_ahead_failure(qualname, argtypes, mode, failure))

    typer = CallTyper(skel.module, job["functions"], ensure, mode, type_now)
    with _types_recorded(job, result):
        for qualname in plans:
            ensure(qualname)
    result["functions"] = {qualname: checked[qualname] for qualname in plans}
    return result


def _empty_result() -> WorkerResult:
    """The result's lists before the skeleton is imported (it adds its own keys)."""
    return {
        "functions": {},
        "failures": [],
        "warnings": [],
        "statements": [],
        "typed": [],
        "notes": [],
    }


def _ahead_failure(
    qualname: str, argtypes: tuple[Any, ...], mode: Any, failure: FailureRecord
) -> FailureRecord:
    """The record of a call-site signature typed ahead of its function's turn (`type_now`)."""
    return {
        "function": qualname,
        "signature": signature_text(argtypes),
        "source": "callsite",
        "callsite_line": None,
        "full_compile": mode is full_compile,
        **failure,
    }


@contextlib.contextmanager
def _types_recorded(job: Job, result: WorkerResult) -> Iterator[None]:
    """`numba-lint explain`'s jobs: every variable's type, also of failed typings."""
    if not job.get("record_types"):
        yield
        return
    from .explain_types import recording

    with recording() as recorder:
        yield
    result["types"] = recorder.answer()


def _mode(job: Job, result: WorkerResult) -> Any:
    """typing_only, or Numba's full compile: asked for, or the engine cannot be used with this
    Numba (numba_compat; the parent shows `engine_note` once per run)."""
    from .warm import ENGINE_PROBLEM

    if job["full_compile"]:
        return full_compile
    if ENGINE_PROBLEM is not None:
        from .numba_compat import engine_note

        result["engine_note"] = engine_note(ENGINE_PROBLEM)
        return full_compile
    from .typing_only import typing_only

    return typing_only


def _compiled_at_import(module: Any, plans: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """qualname -> signatures Numba compiled for real while the skeleton ran (before any check
    of this worker): a module-level statement the skeleton keeps called it (`span =
    Interval(0.25, 0.75)` compiles the jitclass's `__init__`, `span.width = 0.5` its setter),
    and Numba compiled it without error."""
    found: dict[str, list[str]] = {}
    for qualname, plan in plans.items():
        try:
            target, _ = target_of(module, plan)
        except Exception:  # noqa: BLE001 - a module attribute that raises: not compiled here
            continue
        overloads = getattr(target, "overloads", None) if isinstance(target, Dispatcher) else None
        if overloads:
            found[qualname] = [signature_text(args) for args in overloads]
    return found


def _check_function(
    plan: dict[str, Any],
    module: Any,
    mode: Any,
    result: WorkerResult,
    typer: CallTyper | None = None,
    imported: list[str] | None = None,
) -> FunctionStatus:
    reason = _not_checkable(plan, result)
    if reason is not None:
        return {"checked": False, "source": None, "signatures": [], "reason": reason}
    target, why = target_of(module, plan)
    if target is None:
        return {"checked": False, "source": None, "signatures": [], "reason": why, "missing": True}
    notes: list[str] = []
    try:
        source, signatures = signatures_for(target, plan, module, notes, typer)
    except Exception as exc:  # noqa: BLE001 - a bad harvested/annotated type
        return _unreadable_types(plan, exc, result)
    if source is None and imported:
        # No argument types of its own, but a module-level call compiled it for real.
        return {"checked": True, "source": "callsite", "signatures": imported, "reason": None}
    if source is None:
        return _no_types(notes)
    if not signatures:  # compiled for real by its decorator at import, without error
        return {
            "checked": True,
            "source": source,
            "signatures": list(plan["decorator"]),
            "reason": None,
        }
    texts = _check_signatures(target, plan, signatures, source, mode, result, notes)
    if not texts:  # every call site was skipped above
        return _no_types(notes)
    return {"checked": True, "source": source, "signatures": texts, "reason": None, "notes": notes}


def _no_types(notes: list[str]) -> FunctionStatus:
    """Not checked: no argument types to check it with (`notes` say what was tried)."""
    return {
        "checked": False,
        "source": None,
        "signatures": [],
        "notes": notes,
        "reason": NO_TYPES,
    }


def _unreadable_types(plan: dict[str, Any], exc: Exception, result: WorkerResult) -> FunctionStatus:
    """A harvested or annotated type that could not be turned into a Numba type: a finding
    (into `result`), and the function counts as checked with the signatures it was given."""
    source = "harvest" if plan["harvest"] else "annotations"
    result["failures"].append(
        {
            "function": plan["qualname"],
            "signature": None,
            "source": source,
            "kind_hint": KIND_INVALID_SIGNATURE,
            **describe_error(exc),
        }
    )
    return {"checked": True, "source": source, "signatures": list(plan["harvest"]), "reason": None}


def _not_checkable(plan: dict[str, Any], result: WorkerResult) -> str | None:
    """Why the function cannot be checked whatever its types, or None."""
    if plan["form"] == "jitclass-method":
        holder = plan["class_name"]
    else:  # a module-level function (nested ones are unreachable below)
        holder = None if "." in plan["qualname"] else plan["dispatcher_name"] or plan["name"]
    not_run = result["not_run"].get(holder)
    if not_run is not None:
        # Its defining statement could not run here: a reason, never a finding.
        return not_run
    if plan["unreachable"]:
        return plan["unreachable"]
    if plan["forceobj"]:
        return "object mode requested (forceobj=True)"
    return None


def _check_signatures(
    target: Any,
    plan: dict[str, Any],
    signatures: list[tuple[Any, list[dict[str, Any]], int | None]],
    source: str,
    mode: Any,
    result: WorkerResult,
    notes: list[str],
) -> list[str]:
    """Types each signature, its failures into `result`; the signatures' texts (those whose
    call site was not skipped)."""
    texts = []
    annotation_failures: list[FailureRecord] = []
    for sig, untypable, line in signatures:
        incomplete = skeleton_mod.left_incomplete(
            untypable, plan, line, result["filled_by_skipped"]
        )
        if incomplete:
            # Not the caller's value, only what the skeleton left of it (`ITEMS = List()` whose
            # items a dropped `fill(ITEMS)` adds): say so instead of reporting it untypable.
            notes.append(f"call at line {line} skipped: {incomplete}")
            continue
        text = signature_text(sig)
        texts.append(text)
        try:
            sigutils.normalize_signature(sig)
        except Exception as exc:  # noqa: BLE001 - a signature Numba cannot read
            result["failures"].append(_invalid_signature(plan, text, source, exc))
            continue
        failure = _check_one(target, sig, mode, plan, result)
        base = {
            "function": plan["qualname"],
            "signature": text,
            "source": source,
            "callsite_line": line,
            "full_compile": mode is full_compile,
        }
        if untypable:
            result["failures"].append(
                {
                    **base,
                    "kind_hint": KIND_UNTYPABLE,
                    "untypable": untypable,
                    **(failure or _no_error()),
                }
            )
        elif failure is not None:
            if source == "annotations" and len(signatures) > 1:
                annotation_failures.append({**base, **failure})
            else:
                result["failures"].append({**base, **failure})
    # Array annotations without a known ndim try several; only all failing is a finding.
    if annotation_failures and len(annotation_failures) == len(signatures):
        result["failures"].append(annotation_failures[0])
    return texts


def _no_error() -> ErrorFacts:
    """The error facts of an untypable argument's record when typing did not fail otherwise."""
    return {
        "types": [],
        "text": "",
        "root_text": "",
        "chain": [],
        "fallback": None,
        "numba_error": False,
    }


def _invalid_signature(
    plan: dict[str, Any], text: str, source: str, exc: Exception
) -> FailureRecord:
    """A signature Numba cannot read (normalize_signature raised)."""
    return {
        "function": plan["qualname"],
        "signature": text,
        "source": source,
        "kind_hint": KIND_INVALID_SIGNATURE,
        **describe_error(exc),
    }


def _py_func(disp: Any) -> Any:
    """The Python function a logged dispatcher or @stencil kernel was made from."""
    if is_stencil(disp):
        return disp.kernel_ir.func_id.func
    return getattr(disp, "py_func", None)


def _check_one(
    target: Any, sig: Any, mode: Any, plan: dict[str, Any], result: WorkerResult
) -> FailureRecord | None:
    if hasattr(errors, "loc_info"):
        errors.loc_info.clear()
    failure: FailureRecord | None = None
    with warnings.catch_warnings(record=True) as caught, mode() as log:
        warnings.simplefilter("always")
        try:
            check(target, sig)
        except errors.ForceLiteralArg:
            failure = None
            result["notes"].append(f"{plan['qualname']}: needs literal argument values")
        except MemoryError:
            raise  # past the worker's memory limit: the module's outcome (zygote.py)
        except Exception as exc:  # noqa: BLE001 - every failure of the compile is a finding
            failure = describe_error(exc)
            # Every candidate place and what internal names stand for (chosen by the parent).
            failure.update(failure_facts(exc, failure["root_text"]))
    for record in caught:
        item = describe_warning(record, plan["qualname"])
        if item is not None:
            # The same warning for several signatures is one finding (numba_warnings.py).
            item["signature"] = signature_text(sig)
            result["warnings"].append(item)
    for disp, args in log.typed:
        py_func = _py_func(disp)
        code = getattr(py_func, "__code__", None)
        if code is None or not is_user_file(code.co_filename):
            continue
        typed = getattr(disp, "overloads", {}).get(args)
        if failure is None and isinstance(typed, TypedResult) and (id(typed) not in _SCANNED):
            # What only lowering would reject, read from the types (typing-only mode).
            _SCANNED.add(id(typed))
            for hazard in lowering_hazards(typed):
                result["failures"].append(
                    {"function": plan["qualname"], "signature": None, "source": None, **hazard}
                )
        result["typed"].append(
            {
                "file": str(Path(code.co_filename).resolve()),
                # The jit index spells nested functions without "<locals>".
                "qualname": py_func.__qualname__.replace(".<locals>", ""),
                "line": code.co_firstlineno,
                "signature": signature_text(args),
            }
        )
    return failure
