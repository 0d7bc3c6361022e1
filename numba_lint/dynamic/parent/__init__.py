"""The linter's side of the dynamic pass: plans jobs, runs them in workers, reads their records.

Nothing here imports Numba or user code (tests/test_dynamic_boundary.py checks it); the worker
side may import from here (worker/warm.py reads cache.cache_dir). Imports nothing itself, so a
worker importing one module of it loads only that module.
"""
