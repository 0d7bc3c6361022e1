"""NB9xx: what the trial compile found. The dynamic pass (numba_lint.dynamic) emits these.

Each class documents one failure class of a nopython trial compile, or a reason a module or
function was not trial-compiled. The classes only carry identity, wording and examples.
"""

from __future__ import annotations

from ..diagnostic import Severity
from .base import DynamicRule, Example
from .numba_warning_rules import NUMBA_WARNING_RULES


class UntypableArgument(DynamicRule):
    """
    ## What it does
    Reports an argument, found at a module-level call of a jitted function, whose value Numba
    cannot type: typically an instance of a plain Python class. The finding points at the first
    place the function uses that argument (`a.x`), not at the decorator as Numba's own message
    does. The call itself is never executed by numba-lint.

    ## Why is this bad?
    Nopython mode needs a Numba type for every argument. `numba.typeof` fails on instances of
    ordinary classes, so the call raises "Cannot determine Numba type of <class ...>".

    ## Example
    ```python
    class MyInt:
        def __init__(self, x):
            self.x = x

    @njit
    def add(a, b):
        return a.x + b.x

    add(MyInt(5), MyInt(6))
    ```

    ## Use instead
    Pass the numbers, or make the class a `@jitclass`:
    ```python
    @njit
    def add(a, b):
        return a + b

    add(5, 6)
    ```
    """

    code = "NB901"
    name = "untypable-argument"
    summary = "a call passes an argument nopython mode cannot type"
    # {what}: "argument 'a' is an instance of the plain class 'MyInt'", "arguments 'a' and 'b'
    # are ...", "argument 'pts' is a list of 'Point' instances" (dynamic/locate.py).
    message = "{what}, which nopython mode cannot type (passed at line {line})"
    invalid = (
        Example(
            """
            from numba import njit

            class MyInt:
                def __init__(self, x):
                    self.x = x

            @njit
            def add(a, b):
                return a.x + b.x  # expect: NB901

            add(MyInt(5), MyInt(6))
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def add(a, b):
                return a + b

            add(5, 6)
            """,
            numba="compiles",
        ),
    )


class UntypedGlobal(DynamicRule):
    """
    ## What it does
    Reports a global name used in jitted code whose value Numba cannot type, most often a plain
    Python function or an object of an ordinary class. The finding points at the use.

    ## Why is this bad?
    Nopython code can only call jitted functions and what Numba supports. A plain function is
    "Untyped global name 'helper'".

    ## Example
    ```python
    def helper(x):
        return x + 1

    @njit("int64(int64)")
    def f(x):
        return helper(x)
    ```

    ## Use instead
    ```python
    @njit
    def helper(x):
        return x + 1
    ```
    """

    code = "NB902"
    name = "untyped-global"
    summary = "a global nopython mode cannot type"
    message = "global '{name}' cannot be used in nopython mode: {detail}"
    invalid = (
        Example(
            """
            from numba import njit

            def helper(x):
                return x + 1

            @njit("int64(int64)")
            def f(x):
                return helper(x)  # expect: NB902
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def helper(x):
                return x + 1

            @njit("int64(int64)")
            def f(x):
                return helper(x)
            """,
            numba="compiles",
        ),
    )


class TypingFailure(DynamicRule):
    """
    ## What it does
    Reports a nopython typing error the more specific NB9xx codes do not cover (for example
    "Cannot unify", an undefined name, a wrong number of arguments to a jitted callee).

    ## Why is this bad?
    Numba cannot compile the function with these argument types; calling it raises
    `TypingError`.

    ## Example
    ```python
    @njit("int64(int64)")
    def f(n):
        x = 1
        if n:
            x = "s"
        return x
    ```

    ## Use instead
    Keep each variable to one type.
    """

    code = "NB903"
    name = "typing-error"
    summary = "the trial compile failed to type the function"
    message = "{detail}"
    invalid = (
        Example(
            """
            from numba import njit

            @njit("int64(int64)")
            def f(n):
                return undefined_name + n  # expect: NB903
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            "from numba import njit\n\n@njit('int64(int64)')\ndef f(n):\n    return n\n",
            numba="compiles",
        ),
    )


class UnknownAttribute(DynamicRule):
    """
    ## What it does
    Reports an attribute or method that the value's Numba type does not have, including a NumPy
    function Numba does not implement (`np.foo` is an unknown attribute of `Module(numpy)`).

    ## Why is this bad?
    Nopython mode only knows the attributes Numba registers for each type.

    ## Example
    ```python
    @njit("float64(float64[:])")
    def f(a):
        return a.nope
    ```

    ## Use instead
    Use an attribute Numba supports for that type (see Numba's "Supported NumPy features").
    """

    code = "NB904"
    name = "unknown-attribute"
    summary = "an attribute the value's Numba type does not have"
    message = "unknown attribute '{attribute}' of {owner}"
    invalid = (
        Example(
            """
            from numba import njit

            @njit("float64(float64[:])")
            def f(a):
                return a.nope  # expect: NB904
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit("float64(float64[:])")
            def f(a):
                return a.sum()
            """,
            numba="compiles",
        ),
    )


class NoMatchingImplementation(DynamicRule):
    """
    ## What it does
    Reports a call or operator for which Numba has no implementation accepting these argument
    types ("No implementation of function ... found for signature").

    ## Why is this bad?
    The function exists in nopython mode, but not for these types or keywords.

    ## Example
    ```python
    @njit("float64[:](int64)")
    def f(n):
        return np.zeros("a")
    ```

    ## Use instead
    Pass the types the implementation accepts, e.g. `np.zeros(n)`.
    """

    code = "NB905"
    name = "no-matching-implementation"
    summary = "no nopython implementation for these argument types"
    message = "no implementation of '{name}' for {signature}{reason}"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit("float64[:](int64)")
            def f(n):
                return np.zeros("a")  # expect: NB905
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit("float64[:](int64)")
            def f(n):
                return np.zeros(n)
            """,
            numba="compiles",
        ),
    )


class UnsupportedConstruct(DynamicRule):
    """
    ## What it does
    Reports Python constructs nopython mode rejects while reading the function's bytecode or
    rewriting it (`try/except E as e`, class definitions, `with` on unsupported objects,
    generators in closures, non-constant exception classes, ...).

    ## Why is this bad?
    Numba cannot translate the construct at all, whatever the argument types.

    ## Example
    ```python
    @njit("int64(int64)")
    def f(n):
        class C:
            pass
        return n
    ```

    ## Use instead
    Move the construct out of the jitted function.
    """

    code = "NB906"
    name = "unsupported-construct"
    summary = "a construct nopython mode cannot translate"
    message = "{detail}"
    invalid = (
        Example(
            """
            from numba import njit

            @njit("int64(int64)")
            def f(n):
                try:
                    return n
                except ValueError as exc:  # expect: NB906
                    return 0
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            "from numba import njit\n\n@njit('int64(int64)')\ndef f(n):\n    return n\n",
            numba="compiles",
        ),
    )


class LoweringFailure(DynamicRule):
    """
    ## What it does
    Reports a failure that only Numba's code generation (lowering) raises. `--full-compile` runs
    lowering; the default typing-only check stops before it and reports the cases it can see in
    the types.

    ## Why is this bad?
    The function types fine but cannot be compiled to machine code: for example returning
    `zip(...)`/`enumerate(...)` iterators, or using a global jitclass instance as a constant.

    ## Example
    ```python
    @njit("int64(int64)")
    def f(n):
        return zip(range(n), range(n))
    ```

    ## Use instead
    Return concrete values (tuples, arrays) instead of iterators.

    ## Known limitations
    The default typing-only check reports the cases it can read from the types: a jitclass
    instance, a `np.random.Generator` or a datetime64/timedelta64 array used as a global constant,
    and a returned value Numba cannot hand back to its caller (an iterator such as `zip`,
    `enumerate`, `iter(array)` or `np.ndenumerate`; a jitted generator is fine). Other lowering
    failures are found only with `--full-compile`.
    """

    code = "NB907"
    name = "lowering-error"
    summary = "code generation failed (found by --full-compile)"
    message = "code generation failed: {detail}"
    invalid = (
        Example(
            """
            from numba import int64, njit
            from numba.experimental import jitclass

            @jitclass([("v", int64)])
            class Box:
                def __init__(self, v):
                    self.v = v

            BOX = Box(1)

            @njit("int64()")
            def f():
                return BOX.v  # expect: NB907
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            "from numba import njit\n\n@njit('int64(int64)')\ndef f(n):\n    return n\n",
            numba="compiles",
        ),
        # A generator is not an iterator Numba cannot return.
        Example(
            """
            from numba import njit

            @njit
            def squares(n: int):
                for i in range(n):
                    yield i * i
            """,
            call="assert list(squares(3)) == [0, 1, 4]",
            numba="compiles",
        ),
    )


class InvalidSignature(DynamicRule):
    """
    ## What it does
    Reports an explicit signature (decorator, harvested file, annotation), a `@guvectorize`
    layout or a `@jitclass` spec that Numba cannot parse or resolve.

    ## Why is this bad?
    A bad signature in a decorator raises when the module is imported.

    ## Example
    ```python
    @njit("float65(float64)")
    def f(x):
        return x
    ```

    ## Use instead
    ```python
    @njit("float64(float64)")
    def f(x):
        return x
    ```
    """

    code = "NB908"
    name = "invalid-signature"
    summary = "a signature Numba cannot parse"
    message = "invalid {what}: {detail}"
    # Numba raises a plain NameError at import for it (not a NumbaError): "other".
    invalid = (
        Example(
            """
            from numba import njit

            @njit("float65(float64)")  # expect: NB908
            def f(x):
                return x
            """,
            numba="other",
        ),
    )
    valid = (
        Example(
            "from numba import njit\n\n@njit('float64(float64)')\ndef f(x):\n    return x\n",
            numba="compiles",
        ),
    )


class UnsupportedNumpyFunction(DynamicRule):
    """
    ## What it does
    Reports a NumPy function that Numba does not implement in nopython mode (or not in the way
    it is called), at the `np.<function>` attribute.

    ## Why is this bad?
    Numba implements a subset of NumPy. A function outside it stops the compile with "Use of
    unsupported NumPy function".

    ## Example
    ```python
    @njit("int64(int64[:])")
    def f(days):
        return np.busday_count(days, days)
    ```

    ## Use instead
    Compute it outside the jitted function, or with loops and the supported functions.
    """

    code = "NB909"
    name = "unsupported-numpy-function"
    summary = "a NumPy function nopython mode does not implement"
    message = (
        "NumPy function '{name}' is not supported in nopython mode (or not with these arguments)"
    )
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit("float64(float64[:])")
            def f(a):
                return np.busday_count(a, a) + 1.0  # expect: NB909
            """,
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit("float64(float64[:])")
            def f(a):
                return np.sum(a) + 1.0
            """,
            numba="compiles",
        ),
    )


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
    ```python
    import package_not_installed
    ```

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
    ```python
    LIMIT = spin_forever()
    ```
    (The tested example below sleeps 1.5 s and is checked with `timeout = 1`.)

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
    ```python
    import ctypes
    ctypes.string_at(1, 1)
    VALUE = ctypes.string_at(1, 1)
    ```

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
    ```python
    @njit
    def f(x):
        return x
    ```

    ## Use instead
    ```python
    @njit
    def f(x: float) -> float:
        return x
    ```
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
        ),
    )


class GlobalFromSkippedCode(DynamicRule):
    """
    ## What it does
    Reports a global used by jitted code that only top-level code numba-lint does not run
    defines (a loop that does more than fill tables, a `__main__` block, a call of a jitted
    function, a statement that failed or could not run).

    ## Why is this bad?
    It may be fine at run time; the function could not be fully checked. The trial compile runs
    only a skeleton of each module: imports, definitions, assignments, Numba registration calls
    (`structref.define_proxy`, `overload(f)(impl)`, `node_type.define(...)`), fill calls on
    module-level containers and `for` loops that only fill module-level tables
    (`for i in range(256): TABLE[i] = ...`). A module-level statement that fails only because it
    reads what skipped code defines or fills (`@njit(TYPES["float32"](...))` after a skipped
    loop that fills `TYPES`) is not reported either: its functions are listed as not
    trial-compiled (NB960), with the line of the code the skeleton did not run.

    ## Example
    ```python
    for i in range(3):
        LAST = i

    @njit("int64()")
    def f():
        return LAST
    ```

    ## Use instead
    Define the global with a plain module-level assignment, or fill a table defined earlier in a
    loop that only assigns into it (`TABLE[i] = ...`), calling no function of your own.
    """

    code = "NB961"
    name = "global-from-skipped-code"
    severity = Severity.INFO
    summary = "a global only skipped top-level code defines"
    message = (
        "not fully trial-compiled: global '{name}' is computed by top-level code numba-lint "
        "does not run"
    )
    # Fine at run time (the loop runs): numba-lint only says it could not check it.
    invalid = (
        Example(
            """
            from numba import njit

            for i in range(3):
                LAST = i

            @njit("int64()")
            def f():
                return LAST  # expect: NB961
            """,
            numba="compiles",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            LAST = 2

            @njit("int64()")
            def f():
                return LAST
            """,
            numba="compiles",
        ),
        # A loop that only fills a table defined before it runs in the skeleton.
        Example(
            """
            import numpy as np
            from numba import njit

            TABLE = np.zeros(4)
            for i in range(4):
                TABLE[i] = i * i

            @njit("float64()")
            def f():
                return TABLE[3]
            """,
            numba="compiles",
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
    ```python
    @njit
    def put(x: int) -> int:
        d = Dict.empty(types.int32, types.int32)
        d[1] = x
        return d[1]
    ```

    ## Use instead
    ```python
    @njit
    def put(x: int) -> int:
        d = Dict.empty(types.int64, types.int64)
        d[1] = x
        return d[1]
    ```
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
        ),
    )


DYNAMIC_RULES: tuple[type[DynamicRule], ...] = (
    UntypableArgument,
    UntypedGlobal,
    TypingFailure,
    UnknownAttribute,
    NoMatchingImplementation,
    UnsupportedConstruct,
    LoweringFailure,
    InvalidSignature,
    UnsupportedNumpyFunction,
    ImportFailed,
    WorkerTimeout,
    WorkerCrashed,
    NotTrialCompiled,
    GlobalFromSkippedCode,
    NumbaWarningRule,
    *NUMBA_WARNING_RULES,
)
