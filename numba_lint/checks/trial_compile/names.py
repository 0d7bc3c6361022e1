"""NB9xx rules about names: a global Numba cannot type, an unknown attribute, a NumPy function
Numba does not support, a global the trial compile left undefined.

Each class carries its docs, the shape of Numba's error it claims and the node it points at
(claims.py).
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from ...diagnostic import Severity
from ..base import Example
from .claims import Failure, LineNodes, TrialRule, name_on

UNTYPED_GLOBAL = re.compile(r"Untyped global name '([^']+)':?\s*(.*)")
NAME_ERROR = re.compile(r"NameError: name '([^']+)' is not defined")
UNKNOWN_ATTR = re.compile(r"Unknown attribute '([^']+)' of type (.+)")
MODULE_OWNER = re.compile(r"Module\(<module '([\w.]+)'")
# Python's own wording for `np.frobnicate`, let through by Numba (0.68: with no location).
NO_MODULE_ATTR = re.compile(r"^module '([\w.]+)' has no attribute '([^']+)'")
UNSUPPORTED_NUMPY = re.compile(r"Use of unsupported NumPy function '([\w.]+)'")


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class UntypedGlobal(TrialRule):
    """
    ## What it does
    Reports a global name used in jitted code whose value Numba cannot type, most often a plain
    Python function or an object of an ordinary class. The finding points at the use.

    ## Why is this bad?
    Nopython code can only call jitted functions and what Numba supports. A plain function is
    "Untyped global name 'helper'".

    ## Example

    ## Use instead
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
            shown=True,
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
            shown=True,
        ),
    )

    shapes = (UNTYPED_GLOBAL,)

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        match = UNTYPED_GLOBAL.search(failure.message)
        if match is None:
            return None
        what = match.group(2).strip().removesuffix(".") or "its type is unknown"
        return {"name": match.group(1), "detail": what[0].lower() + what[1:]}

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """The call of the untyped global, else the name itself."""
        match = UNTYPED_GLOBAL.search(failure.message)
        if match is None:
            return None
        for node, _ in nodes.nodes_on(line, (cst.Call,)):
            assert isinstance(node, cst.Call)
            if isinstance(node.func, cst.Name) and node.func.value == match.group(1):
                return node
        return name_on(nodes, line, match.group(1))


class UnknownAttribute(TrialRule):
    """
    ## What it does
    Reports an attribute or method that the value's Numba type does not have, including a NumPy
    function Numba does not implement (`np.foo` is an unknown attribute of `Module(numpy)`).

    ## Why is this bad?
    Nopython mode only knows the attributes Numba registers for each type.

    ## Example

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
            shown=True,
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

    shapes = (UNKNOWN_ATTR, MODULE_OWNER, NO_MODULE_ATTR)

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        named = _unknown_attribute(failure)
        if named is None:
            return None
        attribute, owner, module = named
        if module is not None:
            owner = f"module {module}"
        return {"attribute": attribute, "owner": owner}

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """The attribute read of that name; `np.fft.fft`: the unknown `fft` is the one read
        from the module the message names."""
        named = _unknown_attribute(failure)
        if named is None:
            return None
        attribute, _, module = named
        reads = [
            node
            for node, _ in nodes.nodes_on(line, (cst.Attribute,))
            if isinstance(node, cst.Attribute) and node.attr.value == attribute
        ]
        if module is not None:
            last = module.rsplit(".", 1)[-1]
            reads.sort(key=lambda n: _dotted(n.value).rsplit(".", 1)[-1] != last)
        return reads[0] if reads else None


def _unknown_attribute(failure: Failure) -> tuple[str, str, str | None] | None:
    """(attribute, owner as Numba wrote it, the owner's module name if it is a module) of
    Numba's "Unknown attribute" or Python's "module 'numpy' has no attribute"."""
    match = UNKNOWN_ATTR.search(failure.message)
    if match is not None:
        owner = match.group(2).strip()
        module = MODULE_OWNER.search(owner)
        if module is not None:
            return match.group(1), owner, module.group(1)
        if owner.startswith("Module(") and "'" in owner:
            return match.group(1), owner, owner.split("'")[1]
        return match.group(1), owner, None
    python = NO_MODULE_ATTR.search(failure.message)
    if python is not None:
        return python.group(2), f"module {python.group(1)}", python.group(1)
    return None


class UnsupportedNumpyFunction(TrialRule):
    """
    ## What it does
    Reports a NumPy function that Numba does not implement in nopython mode (or not in the way
    it is called), at the `np.<function>` attribute.

    ## Why is this bad?
    Numba implements a subset of NumPy. A function outside it stops the compile with "Use of
    unsupported NumPy function".

    ## Example

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
            shown=True,
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

    shapes = (UNSUPPORTED_NUMPY,)

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        match = UNSUPPORTED_NUMPY.search(failure.message)
        return {"name": match.group(1)} if match else None

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """The attribute that reads the function (`np.foo`)."""
        match = UNSUPPORTED_NUMPY.search(failure.message)
        if match is None:
            return None
        wanted = match.group(1).rsplit(".", 1)[-1]
        for node, _ in nodes.nodes_on(line, (cst.Attribute,)):
            if isinstance(node, cst.Attribute) and node.attr.value == wanted:
                return node
        return None


class GlobalFromSkippedCode(TrialRule):
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
            shown=True,
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

    shapes = (UNTYPED_GLOBAL, NAME_ERROR)

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        for pattern in cls.shapes:
            match = pattern.search(failure.message)
            if match and match.group(1) in failure.dropped:
                return {"name": match.group(1)}
        return None

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """The name, untyped or undefined."""
        for pattern in cls.shapes:
            match = pattern.search(failure.message)
            if match:
                node = name_on(nodes, line, match.group(1))
                if node is not None:
                    return node
        return None
