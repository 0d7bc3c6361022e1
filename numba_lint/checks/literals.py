"""NB140: a list literal whose items have types Numba cannot unify.

Measured with Numba 0.68.1: numbers of every kind (bool, int, float, complex) unify, and so do
numbers with None (an optional). Numbers, strings and bytes do not: Numba then builds an
immutable "literal list" that supports `len()` and little else, so iterating it, indexing it
with a variable or appending to it fails. Only literal items are classified; anything else
keeps the rule silent.
"""

from __future__ import annotations

import libcst as cst

from ..diagnostic import Severity
from .base import Example
from .syntax import NopythonRule


def _category(node: cst.BaseExpression) -> str | None:
    """The category of a literal item (number, str or bytes), None for anything else."""
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return "number"
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return "number"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return _category(node.expression) if _category(node.expression) == "number" else None
    if isinstance(node, cst.SimpleString):
        return "bytes" if "b" in node.prefix.lower() else "str"
    if isinstance(node, cst.FormattedString):
        return "str"
    if isinstance(node, cst.ConcatenatedString):
        left, right = _category(node.left), _category(node.right)
        return left if left == right else None
    return None


class HeterogeneousList(NopythonRule):
    """
    ## What it does
    Flags a list literal in jitted code that mixes numbers, strings and bytes.

    ## Why is this bad?
    A Numba list holds one item type. Numbers unify with each other (and with `None`), but a
    number and a string do not: Numba falls back to an immutable literal list, and iterating
    it, indexing it with a variable or appending to it fails with errors such as "Cannot
    __getitem__ on a literal list" or "Invalid use of getiter".

    ## Example
    ```python
    @njit
    def f():
        n = 0
        for item in [1, "two", 3.0]:
            n += 1
        return n
    ```

    ## Use instead
    Keep one type per list; use a tuple for a fixed record of mixed values:
    ```python
    @njit
    def f():
        n = 0
        for item in [1.0, 2.0, 3.0]:
            n += 1
        return n
    ```

    ## Known limitations
    Reported as a warning: a mixed literal list that is only passed to `len()` or unrolled
    with `literal_unroll` still compiles. Only literal items are classified.
    """

    code = "NB140"
    name = "heterogeneous-list"
    severity = Severity.WARNING
    summary = "list literal mixing numbers, strings or bytes"
    message = (
        "this list mixes {kinds}: Numba cannot unify them into one item type and builds an "
        "immutable literal list (no iteration, variable indexing or append)"
    )

    invalid = (
        Example(
            """
            from numba import njit

            @njit
            def count():
                n = 0
                for item in [1, "two", 3.0]:  # expect: NB140
                    n += 1
                return n
            """,
            call="count()",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            @njit
            def pick(i):
                names = ["a", b"b"]  # expect: NB140
                return names[i]
            """,
            call="pick(0)",
            numba="fails",
        ),
    )
    valid = (
        Example(
            """
            from numba import njit

            @njit
            def pick(i):
                numbers = [1, 2.5, True, -3, 1j]
                maybe = [1, None]
                names = ["a", "b" "c", f"{i}"]
                return numbers[i].real + len(maybe) + len(names)
            """,
            call="pick(0)",
            numba="compiles",
        ),
    )

    def visit_List(self, node: cst.List) -> None:
        if not self.in_nopython():
            return
        categories = {
            _category(element.value)
            for element in node.elements
            if not isinstance(element, cst.StarredElement)
        }
        categories.discard(None)
        if len(categories) > 1:
            self.report(node, kinds=" and ".join(sorted(categories)))
