"""The dynamic pass: trial-compile jitted functions in worker processes and locate failures.

`run_dynamic` (run.py) is the entry point for the pipeline. protocol.py types the records that
cross the process boundary (both sides import it). Parent-side modules never import Numba or
user code: run, module_findings (coverage, failed workers and top-level statements), signatures,
trial, cache, locate (with source_nodes, wording, disagreement), messages, numba_warnings.
Worker-side modules run only in processes forked by the worker factory: zygote, warm, worker,
skeleton_import (the skeleton import and what it left), skeleton, skeleton_rules (pure `ast`:
which top-level statements the skeleton keeps), argtypes, calltypes (call-site arguments folded
as a real call), annotations, describe, irfacts (type-inference candidates read after a
failure), numba_compat (every Numba internal used, with the version check), modes (full compile
and `check`), typing_only, prelower. docs/dynamic-pass.md walks through a run.
"""

from __future__ import annotations

from .run import DynamicResult, run_dynamic

__all__ = ["DynamicResult", "run_dynamic"]
