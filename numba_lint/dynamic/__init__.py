"""The dynamic pass: trial-compile jitted functions in worker processes and locate failures.

Two sides, one sub-package each, and the records they exchange:

- `parent/` runs in the linter and never imports Numba or user code: run (`run_dynamic`, the
  entry point for the pipeline), module_findings (coverage, failed workers and top-level
  statements), signatures (argument types planned per function, from decorators, harvested
  (the signatures file), call_sites and factory_results), inline_callers (where an
  `inline="always"` function is typed), trial (the worker factory's client and the job
  queue), cache, locate (with source_nodes, wording,
  disagreement), messages, numba_warnings (with warning_anchors).
- `worker/` runs only in the factory process (`python -m numba_lint.dynamic.worker.zygote`)
  and the workers it forks: zygote, warm, worker, skeleton_import (the skeleton import and what
  it left), skeleton, skeleton_rules (pure `ast`: which top-level statements the skeleton
  keeps; its vocabulary and helpers in skeleton_ast), argtypes, calltypes (call-site
  arguments; fold: folded and typed as a real call), annotations, describe, irfacts
  (type-inference candidates read after a failure), explain_types,
  numba_compat (every Numba internal used, with the version check), modes (full compile and
  `check`), typing_only, patches, prelower.
- `protocol.py` types the records that cross the process boundary; both sides import it.

tests/test_dynamic_boundary.py holds the line: importing this package or anything in
`parent/` leaves Numba unimported, and nothing outside `worker/` imports a worker module
(the language server's type hover and the tests aside). docs/dynamic-pass.md walks through a
run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .parent.run import DynamicResult, run_dynamic

__all__ = ["DynamicResult", "run_dynamic"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the worker factory (`worker/zygote.py`) and the command line's
    # early start of it (`parent/trial.py`) import this package, and `parent.run` pulls in
    # libcst and every rule, which neither needs.
    if name in __all__:
        from .parent import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
