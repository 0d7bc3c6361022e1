"""Texts none of which can hold jitted code -> their syntax errors: the static pass of such a run,
without libcst or a rule.

Called by `pipeline.run` before the engine (`engine.static_pass`): when the prefilter finds no
file that may use numba, the engine would parse nothing with libcst, run no rule and list no
jitted function; all it reports is each file's syntax error from Python's own parse. This
gives the same findings without importing the engine, libcst or the rules, which is most of a
one-file run's time (a pre-commit hook passes every staged Python file, most of them without
numba). `syntax_diagnostic` is the one NB001 of a `SyntaxProblem`, the engine's included.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..diagnostic import Diagnostic, Location, Pass
from ..discover import SourceFile
from ..parse import SyntaxProblem, python_parse
from .prefilter import may_use_numba


def syntax_only_findings(texts: Mapping[SourceFile, str]) -> list[Diagnostic] | None:
    """The syntax errors of `texts` when no file may hold jitted code; None when one may
    (the engine must run)."""
    if any(may_use_numba(text) for text in texts.values()):
        return None
    problems = (python_parse(source, text) for source, text in texts.items())
    return [syntax_diagnostic(p) for p in problems if isinstance(p, SyntaxProblem)]


def syntax_diagnostic(problem: SyntaxProblem) -> Diagnostic:
    # The rules' package is imported only for a file that has a syntax error.
    from ..checks.syntax_error import SyntaxErrorRule

    rule = SyntaxErrorRule
    return Diagnostic(
        filename=problem.source.display,
        location=Location(problem.row, problem.column),
        end_location=Location(problem.row, problem.column + 1),
        code=rule.code,
        message=rule.message.format(detail=problem.message),
        severity=rule.severity,
        pass_=Pass.STATIC,
        url=rule.url(),
    )
