"""NB9xx rules about type inference: an argument nopython mode cannot type, no implementation
for the argument types, and any other typing error (unification included).

Each class carries its docs, the shape of Numba's error it claims and the node it points at
(claims.py). NB901's location (the first use of the argument) is chosen in dynamic/parent/locate.py,
from the worker's record of untypable arguments rather than from Numba's text.
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from ..base import Example
from .claims import Failure, LineNodes, TrialRule, call_of, name_on

NO_IMPL = re.compile(
    r"No implementation of function Function\(<(?:built-in )?(?:function|"
    r"class|method) '?([\w.]+)'?[^>]*>\) found for signature:"
)
NO_IMPL_SIG = re.compile(r">>> (.+)")
REJECTED = re.compile(
    r"(?:Rejected as the implementation raised a specific error|raised from)"
    r"[^\n]*\n\s*(\w+(?:Error|Exception)): ([^\n]+)"
)
DISPATCHER = re.compile(r"type\(CPUDispatcher\(<function ([\w.<>]+) at")
UNIFY = re.compile(r"Cannot unify .+ for '([A-Za-z_]\w*)(?:\.\d+)?'")

# Numba's names of the operator functions -> the CST operator they type.
_OPERATORS: dict[str, type[cst.CSTNode]] = {
    "add": cst.Add,
    "iadd": cst.AddAssign,
    "sub": cst.Subtract,
    "isub": cst.SubtractAssign,
    "mul": cst.Multiply,
    "imul": cst.MultiplyAssign,
    "truediv": cst.Divide,
    "itruediv": cst.DivideAssign,
    "floordiv": cst.FloorDivide,
    "mod": cst.Modulo,
    "pow": cst.Power,
    "matmul": cst.MatrixMultiply,
    "lt": cst.LessThan,
    "gt": cst.GreaterThan,
    "le": cst.LessThanEqual,
    "ge": cst.GreaterThanEqual,
    "eq": cst.Equal,
    "ne": cst.NotEqual,
    "and_": cst.BitAnd,
    "or_": cst.BitOr,
    "xor": cst.BitXor,
    "lshift": cst.LeftShift,
    "rshift": cst.RightShift,
}
_ITEM_FUNCTIONS = ("getitem", "setitem", "static_getitem", "static_setitem")


def _operation(nodes: LineNodes, line: int, kind: type[cst.CSTNode]) -> cst.CSTNode | None:
    """The innermost binary operation, augmented assignment or comparison using `kind`."""
    for node, _ in nodes.nodes_on(line, (cst.BinaryOperation, cst.AugAssign, cst.Comparison)):
        if isinstance(node, cst.Comparison):
            if any(isinstance(t.operator, kind) for t in node.comparisons):
                return node
        elif isinstance(node, (cst.BinaryOperation, cst.AugAssign)):
            if isinstance(node.operator, kind):
                return node
    return None


class UntypableArgument(TrialRule):
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

    ## Use instead
    Pass the numbers, or make the class a `@jitclass`:
    """

    code = "NB901"
    name = "untypable-argument"
    summary = "a call passes an argument nopython mode cannot type"
    # {what}: "argument 'a' is an instance of the plain class 'MyInt'", "arguments 'a' and 'b'
    # are ...", "argument 'pts' is a list of 'Point' instances" (dynamic/parent/locate.py).
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
            shown=True,
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
            shown=True,
        ),
    )


class TypingFailure(TrialRule):
    """
    ## What it does
    Reports a nopython typing error the more specific NB9xx codes do not cover (for example
    "Cannot unify", an undefined name, a wrong number of arguments to a jitted callee).

    ## Why is this bad?
    Numba cannot compile the function with these argument types; calling it raises
    `TypingError`.

    ## Example

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
        Example(
            """
            from numba import njit

            @njit("int64(int64)")
            def f(n):
                x = 1
                if n:
                    x = "s"  # expect: NB903
                return x
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

    shapes = (UNIFY,)

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        """Any failure no other rule claims (asked last)."""
        return {"detail": failure.message}

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """For a unification failure, the variable Numba names."""
        match = UNIFY.search(failure.message)
        return name_on(nodes, line, match.group(1)) if match else None


class NoMatchingImplementation(TrialRule):
    """
    ## What it does
    Reports a call or operator for which Numba has no implementation accepting these argument
    types ("No implementation of function ... found for signature").

    ## Why is this bad?
    The function exists in nopython mode, but not for these types or keywords.

    ## Example

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
            shown=True,
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

    shapes = (NO_IMPL, NO_IMPL_SIG, REJECTED, DISPATCHER)

    @classmethod
    def claim(cls, failure: Failure) -> dict[str, Any] | None:
        match = NO_IMPL.search(failure.text)
        if match is None:
            return None
        signature = NO_IMPL_SIG.search(failure.text)
        reasons = REJECTED.findall(failure.text)
        reason = f" ({reasons[-1][1].strip().removesuffix('.')})" if reasons else ""
        return {
            "name": match.group(1).rsplit(".", 1)[-1],
            "signature": signature.group(1).strip() if signature else "these argument types",
            "reason": reason,
        }

    @classmethod
    def locate(cls, nodes: LineNodes, line: int, failure: Failure) -> cst.CSTNode | None:
        """The subscript, operation or call Numba could not type: by the function it names,
        or by the jitted function (`CPUDispatcher`) it tried to call."""
        match = NO_IMPL.search(failure.text)
        callee = DISPATCHER.search(failure.text)
        name = match.group(1).rsplit(".", 1)[-1] if match else None
        if name in _ITEM_FUNCTIONS:
            for node, _ in nodes.nodes_on(line, (cst.Subscript,)):
                return node
        if name in _OPERATORS:
            found = _operation(nodes, line, _OPERATORS[name])
            if found is not None:
                return found
        wanted = name or (callee.group(1).rsplit(".", 1)[-1] if callee else None)
        return call_of(nodes, line, wanted) if wanted else None
