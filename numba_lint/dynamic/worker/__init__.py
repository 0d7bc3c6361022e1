"""The worker's side of the dynamic pass: imports Numba, imports the user's module skeleton.

Runs only in the factory process started as `python -m numba_lint.dynamic.worker.zygote` and
in the workers it forks (and in the language server's type hover, in a process of its own).
The linter never imports these modules (tests/test_dynamic_boundary.py checks it). Imports
nothing itself.
"""
