"""Syntax rules (NB110-NB128): probe verdicts decide, only nopython code is checked."""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from numba_lint.checks import (
    syntax_assignments,
    syntax_exceptions,
    syntax_generators,
    syntax_keywords,
    syntax_names,
    syntax_statements,
    syntax_strings,
)
from numba_lint.checks.base import StaticRule, run_static_rules
from numba_lint.checks.rule_bases import ProbedSyntaxRule
from numba_lint.discover import SourceFile
from numba_lint.jit_index import build_index
from numba_lint.knowledge import Knowledge, load_knowledge
from numba_lint.knowledge_build.probes import PROBES_BY_NAME
from numba_lint.parse import parse
from numba_lint.project import ProjectFacts

SYNTAX_MODULES = (
    syntax_exceptions,
    syntax_names,
    syntax_statements,
    syntax_generators,
    syntax_keywords,
    syntax_assignments,
    syntax_strings,
)
RULES: list[type[StaticRule]] = [
    value
    for module in SYNTAX_MODULES
    for value in vars(module).values()
    if isinstance(value, type)
    and issubclass(value, ProbedSyntaxRule)
    and value is not ProbedSyntaxRule
]


def test_the_syntax_modules_hold_every_syntax_rule() -> None:
    assert sorted(rule.code for rule in RULES) == [f"NB{n}" for n in range(110, 129)]


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    found, note = load_knowledge(build=False)
    if found is None:
        pytest.skip(note or "no knowledge")
    return found


def lint(text: str, knowledge: Knowledge | None, rules=RULES) -> list[tuple[str, int]]:
    text = textwrap.dedent(text)
    parsed = parse(SourceFile(Path("m.py"), "m.py", text), text)
    found = run_static_rules(parsed, build_index(parsed), rules, knowledge, ProjectFacts())
    return sorted((d.code, d.location.row) for d in found)


BAD = """
from numba import njit, objmode

@njit
def f(a):
    try:
        a += 1
    except ValueError as e:
        a = 0
    del a
    import math
    return [x for x, *rest in [(a, a)]], f"{a!r}"
"""


def test_every_construct_in_one_function(knowledge) -> None:
    assert lint(BAD, knowledge) == [
        ("NB110", 8),
        ("NB111", 8),
        ("NB113", 10),
        ("NB116", 11),
        ("NB125", 12),
        ("NB127", 12),
    ]


def test_code_outside_jitted_functions_is_not_checked(knowledge) -> None:
    assert lint(BAD.replace("@njit\n", ""), knowledge) == []


def test_object_mode_code_is_not_checked(knowledge) -> None:
    assert lint(BAD.replace("@njit", "@jit(forceobj=True)"), knowledge) == []
    text = """
    from numba import njit, objmode

    @njit
    def f(a):
        with objmode(b="int64"):
            import math
            try:
                b = int(math.sqrt(a))
            except ValueError as e:
                b = 0
        del b
        return a
    """
    assert lint(text, knowledge) == [("NB113", 12)]


def test_a_probe_that_compiled_silences_its_rule(knowledge) -> None:
    compiled = {name: True for name in knowledge.syntax}
    assert lint(BAD, replace(knowledge, syntax=compiled)) == []
    # A probe that was never run is no verdict either: nothing is guessed.
    assert lint(BAD, replace(knowledge, syntax={})) == []
    assert lint(BAD, None) == []


def test_nested_functions_and_jitted_call_forms(knowledge) -> None:
    text = """
    from numba import njit

    def slow(a):
        def inner(b, **kw):
            return b
        return {i for i in range(a)}

    fast = njit(slow)
    """
    assert lint(text, knowledge) == [("NB121", 7), ("NB123", 5)]


def test_exception_handlers(knowledge) -> None:
    text = """
    import builtins
    from numba import njit

    @njit
    def f(a):
        try:
            a += 1
        except Exception:
            a = 0
        try:
            a += 1
        except:
            a = 0
        try:
            a += 1
        except (KeyError, IndexError):
            a = 0
        try:
            a += 1
        except Exception:
            raise ValueError("no")
        return a
    """
    assert lint(text, knowledge) == [("NB111", 17)]


def test_context_managers(knowledge) -> None:
    text = """
    import numba
    import numpy as np
    from numba import njit, objmode

    @njit(parallel=True)
    def f(a):
        with numba.parallel_chunksize(4):
            a += 1
        with objmode():
            a += 1
        with np.errstate(all="ignore"):
            a += 1
        with open("x") as fh:
            a += 1
        return a
    """
    assert lint(text, knowledge) == [("NB114", 12), ("NB114", 14)]


def test_globals_written_or_only_read(knowledge) -> None:
    text = """
    from numba import njit

    total = 0
    scale = 2

    @njit
    def f(a):
        global total, scale
        for total in range(a):
            pass
        return a * scale

    @njit
    def g(a):
        global scale
        def inner():
            scale = 3
            return scale
        return a * scale + inner()
    """
    assert lint(text, knowledge) == [("NB117", 9)]


def test_match_patterns(knowledge) -> None:
    text = """
    from numba import njit

    @njit
    def f(a, t):
        match a:
            case 1 | 2:
                return 0
            case [x, y]:
                return 1
            case {"k": v}:
                return 2
            case int() as n:
                return 3
            case other:
                return 4
    """
    assert lint(text, knowledge) == [("NB118", 9), ("NB118", 11), ("NB118", 13)]


def test_expression_forms(knowledge) -> None:
    text = """
    from numba import njit

    @njit
    def f(a, d):
        s = "%d items" % a
        t = "{}".format(a)
        u = s % a
        v = f"{a}" + f"{a:>4}"
        w = sum(x for x in range(a))
        g(**d)
        g(*d)
        yield from range(a)
    """
    assert lint(text, knowledge) == [
        ("NB119", 13),
        ("NB120", 10),
        ("NB124", 11),
        ("NB126", 6),
        ("NB126", 7),
        ("NB127", 9),
    ]


def test_async_constructs(knowledge) -> None:
    text = """
    from numba import njit

    @njit
    async def f(a):
        await a
        async for i in a:
            pass
        async with a:
            pass
        return a
    """
    assert lint(text, knowledge) == [("NB122", 6), ("NB122", 7), ("NB122", 9)]


def test_walrus_is_reported_only_when_selected(knowledge) -> None:
    text = """
    from numba import njit

    @njit
    def f(a):
        if (b := a + 1) > 1:
            return b
        return 0
    """
    assert lint(text, knowledge) == [("NB128", 6)]
    assert syntax_assignments.Walrus.default_enabled is False


def test_every_probe_a_rule_reads_exists() -> None:
    """A misspelt probe name would silence its rule forever: every name must be a real probe."""
    named = {name for rule in RULES for name in rule.probes}
    for module in SYNTAX_MODULES:
        named |= set(re.findall(r'(?:active|probe_failed)\("([^"]+)"', inspect.getsource(module)))
    assert len(named) > 20
    assert named - set(PROBES_BY_NAME) == set()
