"""The dynamic pass: trial-compile jitted functions in worker processes and locate failures.

`run_dynamic` is the entry point for the pipeline. This package's parent-side modules
(signatures, trial, locate, cache, run) never import Numba or user code; worker-side modules
(warm, worker, skeleton, typing_only, annotations) run only in worker processes.
"""

from __future__ import annotations

from .run import DynamicResult, run_dynamic  # noqa: F401

__all__ = ["DynamicResult", "run_dynamic"]
