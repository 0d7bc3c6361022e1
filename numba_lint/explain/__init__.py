"""`numba-lint explain`: one jitted function's inferred types per line, and why it fails.

`target` reads the command line's function position, `collect` runs the module's trial compile
in a worker (the dynamic pass's own machinery, types recorded by
dynamic/worker/explain_types.py) and gathers the function's typings and findings, `render`
prints them as text or JSON.
"""
