"""NB9xx rules about compiling what typed: a construct nopython mode does not support, a failure
while lowering to machine code, a signature Numba cannot use.

Each class carries its docs and the shape of Numba's error it claims (claims.py). NB908's
location (the decorator's signature or the jitclass spec) is chosen in dynamic/parent/locate.py.
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from ..base import Example
from .claims import Failure, LineNodes, TrialRule, name_on

LOWERING_GLOBAL = re.compile(r'During: lowering "[^"]*= global\((\w+): ')
_SELECTOR = re.compile(r"<numba\.core\.base\.OverloadSelector object[^>]*>, \((.+?),?\)$")
_UNSUPPORTED_TYPES = ("UnsupportedBytecodeError", "UnsupportedError", "ConstantInferenceError")
# The worker's hints (dynamic/protocol.py).
_HINT_LOWERING = "lowering"
_HINT_INVALID_SIGNATURE = "invalid-signature"


class UnsupportedConstruct(TrialRule):
    """
    ## What it does
    Reports Python constructs nopython mode rejects while reading the function's bytecode or
    rewriting it (`try/except E as e`, class definitions, `with` on unsupported objects,
    generators in closures, non-constant exception classes, ...).

    ## Why is this bad?
    Numba cannot translate the construct at all, whatever the argument types.

    ## Example

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
        Example(
            """
            from numba import njit

            @njit("int64(int64)")
            def f(n):
                class C:  # expect: NB906
                    pass
                return n
            """,
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            "from numba import njit\n\n@njit('int64(int64)')\ndef f(n):\n    return n\n",
            numba="compiles",
        ),
    )

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        if any(kind in failure.types for kind in _UNSUPPORTED_TYPES):
            return {"detail": failure.message}
        return None


class LoweringFailure(TrialRule):
    """
    ## What it does
    Reports a failure that only Numba's code generation (lowering) raises. `--full-compile` runs
    lowering; the default typing-only check stops before it and reports the cases it can see in
    the types.

    ## Why is this bad?
    The function types fine but cannot be compiled to machine code: for example returning
    `zip(...)`/`enumerate(...)` iterators, or using a global jitclass instance as a constant.

    ## Example

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
            shown=True,
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

    shapes = (LOWERING_GLOBAL, _SELECTOR)

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        message = failure.message
        if failure.kind_hint == _HINT_LOWERING:
            return {"detail": message}
        if not (
            "(step: native lowering)" in failure.text
            or "LoweringError" in failure.types
            or ("NumbaError" not in failure.types and failure.full_compile)
        ):
            return None
        if "load_from_data_pointer" in message:
            # Numba's words for an iterator returned to (boxed for) the caller.
            message = (
                "returning an iterator from a jitted function cannot be compiled; "
                "return a tuple, list or array instead"
            )
        constant = LOWERING_GLOBAL.search(failure.text)
        selector = _SELECTOR.search(message)
        if constant and selector:
            message = (
                f"global '{constant.group(1)}' of type {selector.group(1)} cannot be "
                "used as a constant in compiled code"
            )
        return {"detail": message}

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """The global whose value could not be lowered as a constant."""
        match = LOWERING_GLOBAL.search(failure.text)
        return name_on(nodes, line, match.group(1)) if match else None


class InvalidSignature(TrialRule):
    """
    ## What it does
    Reports an explicit signature (decorator, harvested file, annotation), a `@guvectorize`
    layout or a `@jitclass` spec that Numba cannot parse or resolve.

    ## Why is this bad?
    A bad signature in a decorator raises when the module is imported.

    ## Example

    ## Use instead
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
            shown=True,
        ),
    )
    valid = (
        Example(
            "from numba import njit\n\n@njit('float64(float64)')\ndef f(x):\n    return x\n",
            numba="compiles",
            shown=True,
        ),
    )

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        if failure.kind_hint != _HINT_INVALID_SIGNATURE:
            return None
        what = f"signature {failure.signature}" if failure.signature else "signature"
        return {"what": what, "detail": failure.message}
