"""NB95x/NB960/NB970: what the trial compile could not check (a module that failed to import,
timed out or crashed its worker; a function left out) and Numba's other warnings.

These classes carry identity, wording and examples only: the dynamic pass builds their
findings from the worker's outcome, not from Numba's error text.
"""

from __future__ import annotations

from ...diagnostic import Severity
from ..base import DynamicRule, Example


class ImportFailed(DynamicRule):
    """
    ## What it does
    Reports a top-level statement of the module (an import, a definition, a module-level
    assignment) that failed while numba-lint imported the module's skeleton. Jitted functions
    that need what it defines are not trial-compiled.

    ## Why is this bad?
    It is not a bug in the code: usually a dependency missing where numba-lint runs (the
    pre-commit virtualenv). Install the project's dependencies there, list them in
    `additional_dependencies`, or run the hook with `language: system`.

    ## Example

    ## Use instead
    Run numba-lint in an environment with the project's dependencies.
    """

    code = "NB950"
    name = "module-import-failed"
    severity = Severity.INFO
    summary = "a top-level statement failed while the module was loaded"
    message = "module not fully checked: {detail}"
    invalid = (
        Example(
            """
            import package_that_is_not_installed  # expect: NB950
            from numba import njit

            @njit("int64(int64)")
            def f(x):
                return x
            """,
            numba="import-fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            "import math\nfrom numba import njit\n\n@njit('int64(int64)')\n"
            "def f(x):\n    return x\n",
            numba="compiles",
        ),
    )


class WorkerTimeout(DynamicRule):
    """
    ## What it does
    Reports a module whose trial compile did not finish within the timeout (`timeout` in
    `[tool.numba-lint]`, default 60 s): for example a module-level assignment that never ends.

    ## Why is this bad?
    Its functions are not trial-compiled (each is listed as unchecked, with the timeout as the
    reason). Other modules are still checked. A timeout is an info note, never a finding about
    the code: on a slower or busier machine the same module may just take longer. A single
    top-level statement that runs past its own limit (5 s) is NB950, and a function whose
    check only failed for a name that statement defines is listed as unchecked, not reported.

    ## Example
    (It sleeps 1.5 s: its test runs with `timeout = 1`.)

    ## Use instead
    Compute expensive values inside functions, or raise the timeout.
    """

    code = "NB951"
    name = "module-timeout"
    severity = Severity.INFO
    summary = "the module's trial compile timed out"
    message = "module not trial-compiled: {detail}"
    # The examples are checked with `timeout = 1` (tests/test_dynamic_examples.py).
    invalid = (
        Example(
            """
            import time

            from numba import njit

            SETTLE = time.sleep(1.5)  # expect: NB951

            @njit("int64(int64)")
            def f(x):
                return x
            """,
            numba="compiles",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            SETTLE = 0.1

            @njit("int64(int64)")
            def f(x):
                return x
            """,
            numba="compiles",
        ),
    )


class WorkerCrashed(DynamicRule):
    """
    ## What it does
    Reports a module whose worker process died: a segmentation fault, `os._exit`, an abort in
    native code while its skeleton was imported or a function compiled.

    ## Why is this bad?
    Its functions are not trial-compiled. Other modules are still checked.

    ## Example

    ## Use instead
    Keep crashing or exiting code out of import time.
    """

    code = "NB952"
    name = "module-crashed"
    severity = Severity.WARNING
    summary = "the worker checking the module died"
    message = "module not trial-compiled: {detail}"
    # Typing `f` (from its annotations) runs the overload, which ends the process; Python
    # itself never compiles `f` until it is called.
    invalid = (
        Example(
            """
            import os

            from numba import njit
            from numba.extending import overload

            def boom(x):
                pass

            @overload(boom)
            def _boom(x):
                os._exit(3)

            @njit
            def f(x: int) -> int:  # expect: NB952
                boom(x)
                return x
            """,
            numba="nothing-compiled",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit("int64(int64)")
            def f(x):
                return x
            """,
            numba="compiles",
        ),
    )


class NotTrialCompiled(DynamicRule):
    """
    ## What it does
    Lists a jitted function the dynamic pass could not trial-compile, with the reason: most
    often no argument types (lazy `@njit` without signature, annotations, module-level call or
    harvested signatures). When the harvested signatures file has the function but nothing
    usable, the reason says so instead ("harvested signatures are stale ...: re-run `numba-lint
    harvest`", "the harvest compiled it but could store no signature: ..."); an
    `inline="always"` helper that no checked function calls says that (it is only ever typed
    inside its callers). A CUDA kernel is never compiled for the CPU: a signed one on a machine
    without a GPU or CUDA driver says so; a function whose defining statement needs top-level
    code the trial compile does not run names that code's line.

    ## Why is this bad?
    Nothing is wrong with the code; the finding says what was not verified.

    ## Example

    ## Use instead
    """

    code = "NB960"
    name = "not-trial-compiled"
    severity = Severity.INFO
    summary = "a jitted function was not trial-compiled"
    message = "not trial-compiled: {reason}"
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def f(x):  # expect: NB960
                return x
            """,
            numba="nothing-compiled",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def f(x: float) -> float:
                return x
            """,
            call="f(1.0)",
            numba="compiles",
            shown=True,
        ),
    )


class NumbaWarningRule(DynamicRule):
    """
    ## What it does
    Reports any other warning Numba raised while compiling the function, at the line it
    concerns: an unsafe cast into a typed container (`NumbaTypeSafetyWarning`), an
    experimental feature, and others. Performance warnings (NB971), deprecations such as
    reflected lists (NB972) and `prange` safety warnings (NB973) have codes of their own.

    ## Why is this bad?
    The code compiles, but may not do what it says (a value silently cast to a narrower type),
    or relies on something Numba may change.

    ## Example

    ## Use instead
    """

    code = "NB970"
    name = "numba-warning"
    severity = Severity.WARNING
    summary = "Numba warned while compiling"
    message = "{category}: {detail}"
    invalid = (
        Example(
            """
            from numba import njit, types
            from numba.typed import Dict

            @njit
            def put(x: int) -> int:
                d = Dict.empty(types.int32, types.int32)
                d[1] = x  # expect: NB970
                return d[1]
            """,
            call="put(3)",
            numba="warns",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            from numba import njit, types
            from numba.typed import Dict

            @njit
            def put(x: int) -> int:
                d = Dict.empty(types.int64, types.int64)
                d[1] = x
                return d[1]
            """,
            call="put(3)",
            numba="compiles",
            shown=True,
        ),
    )
