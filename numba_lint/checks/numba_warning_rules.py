"""NB971-NB973: Numba's own warnings, each category under its own code, at the user's line.

The trial compile records every warning Numba raises (dynamic/worker/worker.py); the parent
turns the three categories below into their own findings (dynamic/parent/numba_warnings.py), so
that a project can select or ignore each one; any other Numba warning stays NB970
(checks/dynamic/unchecked.py).
The examples were checked with Numba 0.68.1: each flagged one compiles with a warning of its
rule's category, each fixed one compiles without any (tests/test_dynamic_numba_warning_codes.py).
"""

from __future__ import annotations

from ..diagnostic import Severity
from .base import DynamicRule, Example


class NumbaPerformanceWarningRule(DynamicRule):
    """
    ## What it does
    Reports a `NumbaPerformanceWarning` raised while the trial compile typed the function, at
    the code that causes it: the `np.dot(...)`/`np.vdot(...)` call or the `@` operator whose
    operands are non-contiguous arrays (layout 'A', such as a column slice `m[:, :2]` or a
    transposed view passed in), the `parallel=True` keyword of a function in which Numba
    found nothing to run in parallel, or the `break`/`return`/`raise`/`assert` that makes
    Numba run a `prange` loop serially (a loop with more than one exit; the other exits are
    listed in `detail.also_at`; when no loop of the function is left to run in parallel,
    Numba's "no transformation" warning for it is this same cause and not reported again).
    A warning raised once per checked signature is one finding that lists the signatures.

    ## Why is this bad?
    The code runs, but slower than it could: on non-contiguous operands Numba cannot hand the
    product to BLAS directly, `parallel=True` with nothing to parallelise only adds compile
    time, and a `prange` loop with an early exit runs on one thread.

    ## Example

    ## Use instead
    Make the operands contiguous once, before the call (or drop `parallel=True`):

    ## Known limitations
    Numba raises it only where typing reaches the call; a function not trial-compiled (NB960)
    is not checked. Numba's text names the operation but not which one: with two `np.dot`
    calls (or two `@`) on one line, the finding covers the line. When NB303 (off by default)
    reports the same `parallel=True`, Numba's warning confirms that finding instead of being
    a second one. Select or ignore it on its own with `--select NB971`/`--ignore NB971`.
    """

    code = "NB971"
    name = "numba-performance-warning"
    severity = Severity.WARNING
    summary = "Numba warned that the code is slower than it could be"
    message = "{category}: {detail}"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def project(m, v):
                return np.dot(m, v)  # expect: NB971

            grid = np.ones((4, 4))
            project(grid[:, :2], np.ones(2))
            """,
            numba="warns",
            shown=True,
        ),
        Example(
            """
            from numba import njit

            @njit(parallel=True)  # expect: NB971
            def plus_one(x: float) -> float:
                return x + 1
            """,
            call="plus_one(1.0)",
            numba="warns",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def project(m, v):
                return np.dot(m, v)

            grid = np.ones((4, 4))
            project(np.ascontiguousarray(grid[:, :2]), np.ones(2))
            """,
            numba="compiles",
            shown=True,
        ),
    )


class NumbaDeprecationRule(DynamicRule):
    """
    ## What it does
    Reports a `NumbaDeprecationWarning` or `NumbaPendingDeprecationWarning` raised while the
    trial compile typed the function. The common one is a reflected list (or set) argument: a
    Python `list` passed to a jitted function. The finding sits at the argument's first use in
    the function, and says how to fix it: a list of numbers becomes `np.asarray(values)`
    before the call; any other list a `numba.typed.List`. Deprecated decorator options
    (`nopython=False`) are reported at their keyword.

    ## Why is this bad?
    Numba will stop accepting it. Reflected lists are also slow: every call converts the
    Python list to a native one and back (to reflect changes made inside the function).
    A NumPy array is both the fastest to build from a list of numbers and the fastest to
    pass; building a `numba.typed.List` from Python is much slower, so it is the choice only
    when the elements are not numbers (strings, tuples, arrays of different lengths).

    ## Example

    ## Use instead

    ## Known limitations
    Only what Numba itself warns about while typing. `nopython=False` is NB305's finding,
    which Numba's warning confirms (it is reported as NB972 only when NB305 is ignored).
    Select or ignore it on its own with `--select NB972`/`--ignore NB972`.
    """

    code = "NB972"
    name = "numba-deprecation"
    severity = Severity.WARNING
    summary = "Numba warned that the code uses a deprecated feature (reflected list)"
    message = "{category}: {detail}"
    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def total(values):
                s = 0.0
                for v in values:  # expect: NB972
                    s += v
                return s

            total([1.0, 2.0, 3.0])
            """,
            numba="warns",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def total(values):
                s = 0.0
                for v in values:
                    s += v
                return s

            total(np.asarray([1.0, 2.0, 3.0]))
            """,
            numba="compiles",
            shown=True,
        ),
        Example(
            """
            from numba import njit
            from numba.typed import List

            @njit
            def longest(words):
                n = 0
                for w in words:
                    n = max(n, len(w))
                return n

            longest(List(["a", "bcd"]))
            """,
            numba="compiles",
        ),
    )


class NumbaParallelSafetyRule(DynamicRule):
    """
    ## What it does
    With `--full-compile`, reports Numba's `NumbaParallelSafetyWarning`: a variable assigned
    inside a `prange` loop and read after it, which is not a reduction. Numba raises it while
    generating code, from its own parfor lowering and at the loop's line; numba-lint puts it
    on the assignment inside the loop (the other assignments of the variable there are listed
    in `detail.also_at`). The default typing-only trial compile does not generate code and
    never sees it: the static rules NB501-NB503 cover the races it cannot.

    ## Why is this bad?
    Every thread writes the variable; which iteration's value survives the loop depends on
    thread scheduling, so the result changes from run to run.

    ## Example

    ## Use instead
    Compute the value outside the loop, or with a serial loop (or a reduction such as `max`,
    which Numba combines across threads correctly):

    ## Known limitations
    Only with `--full-compile`, and only where Numba warns: in Numba 0.68.1 a write under an
    `if` inside the loop (`if x[i] > 0: last = x[i]`) races the same way but compiles without
    this warning. Select or ignore it on its own with `--select NB973`/
    `--ignore NB973`.
    """

    code = "NB973"
    name = "numba-parallel-safety"
    severity = Severity.WARNING
    summary = "Numba warned that a prange loop writes a variable from several threads"
    message = "{category}: {detail}"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def last_scaled(x):
                last = 0.0
                for i in prange(x.shape[0]):
                    last = 2.0 * x[i]  # expect: NB973
                return last

            last_scaled(np.ones(8))
            """,
            numba="warns",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def last_scaled(x):
                return 2.0 * x[x.shape[0] - 1]

            last_scaled(np.ones(8))
            """,
            numba="compiles",
            shown=True,
        ),
    )


# The rule of each Numba warning category these classes own; any other category is NB970.
RULE_FOR_CATEGORY: dict[str, type[DynamicRule]] = {
    "NumbaPerformanceWarning": NumbaPerformanceWarningRule,
    "NumbaDeprecationWarning": NumbaDeprecationRule,
    "NumbaPendingDeprecationWarning": NumbaDeprecationRule,
    "NumbaParallelSafetyWarning": NumbaParallelSafetyRule,
}
NUMBA_WARNING_RULES: tuple[type[DynamicRule], ...] = (
    NumbaPerformanceWarningRule,
    NumbaDeprecationRule,
    NumbaParallelSafetyRule,
)
