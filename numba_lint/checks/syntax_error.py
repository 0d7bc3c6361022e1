"""NB001: the file does not parse. Emitted by the pipeline from parse.SyntaxProblem."""

from __future__ import annotations

from ..diagnostic import Severity
from .base import Example, RuleInfo


class SyntaxErrorRule(RuleInfo):
    """
    ## What it does
    Reports a file that Python cannot parse, at the line and column of the syntax error.

    ## Why is this bad?
    Neither Python nor Numba can compile the file, and no other rule can check it. The other
    files of the run are still checked.

    ## Example

    ## Use instead
    """

    code = "NB001"
    name = "syntax-error"
    severity = Severity.ERROR
    summary = "the file cannot be parsed"
    message = "syntax error: {detail}"
    invalid = (
        Example(
            "from numba import njit\n@njit\ndef f(x)  # expect: NB001\n    return x\n",
            numba="syntax-error",
            shown=True,
        ),
    )
    valid = (
        Example(
            "from numba import njit\n@njit\ndef f(x):\n    return x\n",
            call="f(1)",
            numba="compiles",
            shown=True,
        ),
    )
