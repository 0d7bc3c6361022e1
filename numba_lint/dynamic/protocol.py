"""The records that cross the process boundary of the dynamic pass, defined once for both sides.

The parent (run.py) sends a `Job` per module; the worker (worker.py, describe.py, prelower.py,
irfacts.py) answers with a `WorkerResult` holding `FailureRecord`s, `WarningRecord`s and the
rest; the result cache (cache.py) stores it as JSON; locate.py, messages.py, run.py,
numba_warnings.py, server/ and explain/ read it. Everything is plain JSON-able data (the cache
and the pipe to the worker carry it as JSON), hence TypedDicts rather than classes.

This module never imports Numba: both sides import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

# The coverage reason for a function without any source of argument types (worker.py writes
# it, run.py tells it apart from the other reasons).
NO_TYPES = "no argument types"

# FailureRecord["kind_hint"]: what the worker already knows about a failure.
# A signature (decorator, harvested, annotations) Numba cannot read or use.
KIND_INVALID_SIGNATURE = "invalid-signature"
# Found while lowering, or by prelower.py's read of the types (what only lowering rejects).
KIND_LOWERING = "lowering"
# An argument at a call site that nopython mode cannot type (see `untypable`).
KIND_UNTYPABLE = "untypable"


class Where(TypedDict):
    """A place in user code: a resolved path and a 1-based line."""

    file: str
    line: int


class ErrorFacts(TypedDict):
    """Numba's exception, read in the worker (describe.describe_error)."""

    # Names of the exception's classes, most derived first (its MRO).
    types: list[str]
    # User-code places Numba's text mentions, in the text's order.
    text_locs: list[Where]
    text: str
    # The text of the innermost Numba error in the cause chain.
    root_text: str
    # User-code locations along the cause chain, outermost first.
    chain: list[Where]
    # The last place Numba was working on (its loc_info), when in user code.
    fallback: Where | None
    numba_error: bool


class Sites(TypedDict):
    """The candidate places of a unification failure (irfacts.py): `return` statements, or the
    assignments that meet in one variable."""

    kind: str  # "return" or "variable"
    places: list[dict[str, Any]]


class FailureRecord(ErrorFacts, total=False):
    """One failed (function, signature): the error's facts and what the worker knows besides."""

    function: str | None  # the plan's qualname (key)
    signature: str | None
    # Where the signature came from: "decorator", "harvest", "annotations", "callsite".
    source: str | None
    callsite_line: int | None
    full_compile: bool
    kind_hint: str  # KIND_*
    # The untypable arguments (argtypes.py): param, class, module, container.
    untypable: list[dict[str, Any]]
    sites: Sites
    # Numba's internal variable names -> what they stand for (irfacts.py).
    names: dict[str, dict[str, Any]]
    # Added by the parent: the signature's place as written or harvested.
    signature_order: int
    # Added by the parent for a jitclass whose spec failed: the class statement's line.
    class_line: int
    signature_source: str


class WarningRecord(TypedDict, total=False):
    """A Numba warning caught in the worker (describe.describe_warning)."""

    category: str  # the warning class's name
    text: str
    where: Where | None
    function: str | None
    signature: str  # added when raised while checking one signature


class StatementRecord(TypedDict, total=False):
    """A top-level statement the skeleton could not run (skeleton.py)."""

    line: int
    names: list[str]  # what it would have bound
    error: str
    detail: ErrorFacts


class FunctionStatus(TypedDict, total=False):
    """Whether the worker checked a function, with which signatures, or why not."""

    checked: bool
    source: str | None
    signatures: Sequence[str]
    reason: str | None  # NO_TYPES or another reason
    notes: list[str]
    missing: bool  # the module has no attribute of that name
    # Set by the parent: the module's worker gave no result; a timed-out statement blocked it.
    module_failed: bool
    timed_out: bool


class TypedRecord(TypedDict):
    """A user function Numba typed while checking (callees included)."""

    file: str
    qualname: str
    line: int
    signature: str


class WorkerResult(TypedDict, total=False):
    """One module's answer from its worker (worker.run_job)."""

    functions: dict[str, FunctionStatus]  # by plan key
    failures: list[FailureRecord]
    warnings: list[WarningRecord]
    statements: list[StatementRecord]
    typed: list[TypedRecord]
    notes: list[str]
    dropped_names: list[str]
    # name -> why the kept statement binding it could not run in the worker.
    not_run: dict[str, str]
    # name -> line of dropped top-level code that fills it.
    filled_by_skipped: dict[str, int]
    project_files: list[str]
    # `numba-lint explain` and the HTML report: every variable's type (explain_types.py).
    types: list[dict[str, Any]]
    # Why the typing-only engine was not used with this Numba (numba_compat.py).
    engine_note: str


class Job(TypedDict, total=False):
    """One module to trial-compile (run.module_job)."""

    path: str  # resolved
    project_root: str
    module_name: str
    text: str
    # The jitted functions' plans (signatures.FunctionPlan.to_job).
    functions: list[dict[str, Any]]
    full_compile: bool
    statement_seconds: float
    # The other modules of a notebook: (module name, path, text).
    companions: list[list[str]]
    # Record every variable's type (explain, the HTML report).
    record_types: bool
    # Set by trial.py (never part of the cache key) on a job run by a worker forked from its
    # package's factory: the line of the module's statement that first imports the package.
    preloaded_line: int
