"""Builds the knowledge base from the installed Numba: registry pass plus syntax probes.

Run as `python -m numba_lint.knowledge_build --output FILE` (a subprocess of the linter, or by
hand). Importing this package imports no Numba; only `build` and the probe worker do.
"""
