"""The NB9xx rules own the shapes of Numba's errors they claim and the node each points at.

Real Numba errors (compiled in this process, as a worker would) go through the parent's path:
messages.classify asks the rules in CLAIM_ORDER, locate's node choice asks their locators.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import numba
import pytest
from libcst.metadata import MetadataWrapper

from numba_lint.checks.dynamic import (
    CLAIM_ORDER,
    DYNAMIC_RULES,
    LOCATE_ORDER,
    Failure,
    GlobalFromSkippedCode,
    NoMatchingImplementation,
    TypingFailure,
    UnknownAttribute,
    UntypedGlobal,
)
from numba_lint.dynamic.parent.locate import _node_for
from numba_lint.dynamic.parent.messages import classify, failure_of, first_line
from numba_lint.dynamic.parent.source_nodes import SourceNodes
from numba_lint.dynamic.worker.describe import describe_error


def _failure(tmp_path: Path, code: str, call: str, dropped: frozenset[str] = frozenset()):
    """Compile `code`'s function `f` with real Numba; the failure record and its source."""
    text = textwrap.dedent(code).strip("\n") + "\n"
    path = tmp_path / "case.py"
    path.write_text(text)
    namespace: dict[str, object] = {"__file__": str(path), "__name__": "case"}
    exec(compile(text, str(path), "exec"), namespace)
    with pytest.raises(numba.core.errors.TypingError) as caught:
        eval(call, namespace)
    raw = describe_error(caught.value)
    message = first_line(raw["root_text"] or raw["text"])
    source = SourceNodes(
        "case.py",
        str(path),
        MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True),
        lines=text.splitlines(),
    )
    return raw, failure_of(raw, message, set(dropped)), source


def _located(source: SourceNodes, line: int, failure: Failure) -> str:
    node = _node_for(source, line, failure)
    assert node is not None
    return source.wrapper.module.code_for_node(node)


def test_every_claiming_rule_is_a_listed_rule_and_typing_failure_comes_last():
    assert set(CLAIM_ORDER) <= set(DYNAMIC_RULES)
    assert set(LOCATE_ORDER) <= set(DYNAMIC_RULES)
    assert CLAIM_ORDER[-1] is TypingFailure


def test_unknown_attribute_claims_and_points_at_the_attribute(tmp_path):
    raw, failure, source = _failure(
        tmp_path,
        """
        from numba import njit

        @njit
        def f(a):
            return a.nope + 1
        """,
        "f(1.0)",
    )
    rule, fields = classify(failure)
    assert rule is UnknownAttribute
    assert fields == {"attribute": "nope", "owner": "float64"}
    assert _located(source, 5, failure) == "a.nope"


def test_untyped_global_claims_and_points_at_the_call(tmp_path):
    raw, failure, source = _failure(
        tmp_path,
        """
        from numba import njit
        import fractions

        @njit
        def f(a):
            return helper(a) + 1

        helper = fractions.Fraction
        """,
        "f(1)",
    )
    rule, fields = classify(failure)
    assert rule is UntypedGlobal
    assert fields["name"] == "helper"
    assert _located(source, 6, failure) == "helper(a)"
    # The same failure, for a global only skipped top-level code defines: NB961 claims it first.
    skipped = failure_of(raw, failure.message, {"helper"})
    assert classify(skipped)[0] is GlobalFromSkippedCode


def test_no_implementation_claims_and_points_at_the_call(tmp_path):
    _, failure, source = _failure(
        tmp_path,
        """
        import numpy as np
        from numba import njit

        @njit
        def f(n):
            return np.zeros("a") + n
        """,
        "f(1)",
    )
    rule, fields = classify(failure)
    assert rule is NoMatchingImplementation
    assert fields["name"] == "zeros"
    assert _located(source, 6, failure) == 'np.zeros("a")'


def test_any_other_typing_error_is_nb903(tmp_path):
    _, failure, _ = _failure(
        tmp_path,
        """
        from numba import njit

        @njit
        def f(n):
            if n > 0:
                return 1
            return "s"
        """,
        "f(1)",
    )
    assert classify(failure)[0] is TypingFailure
