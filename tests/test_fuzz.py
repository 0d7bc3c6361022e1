"""Property tests (hypothesis): the static pass never raises, places every finding inside its
file and function, finds the same in its worker pool as in one process, and `# noqa` parsing
takes any comment.

CI runs a few derandomized examples per property (under ~30 s in all); a long local run:
`NUMBA_LINT_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py` (CONTRIBUTING.md).
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

import pytest
from fuzz_support import check_tree, function_spans, fuzz_settings, numba_modules, parses
from hypothesis import assume, given
from hypothesis import strategies as st

from numba_lint.diagnostic import Diagnostic, Location, Pass, Severity
from numba_lint.suppress import is_suppressed, noqa_codes


def _check_text(text: str) -> tuple[list[Diagnostic], list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text("", encoding="utf-8")
        (root / "module.py").write_text(text, encoding="utf-8")
        return check_tree(root), text.splitlines()


def _assert_inside(diagnostics: list[Diagnostic], text: str) -> None:
    lines = text.splitlines()
    spans = function_spans(ast.parse(text))
    for found in diagnostics:
        start, end = found.location, found.end_location
        assert 1 <= start.row <= len(lines), found
        assert 1 <= start.column <= len(lines[start.row - 1]) + 1, found
        assert (start.row, start.column) <= (end.row, end.column), found
        assert end.row <= len(lines) and end.column <= len(lines[end.row - 1]) + 1, found
        if found.function is not None:
            assert found.function in spans, (found, sorted(spans))
            assert any(first <= start.row <= last for first, last in spans[found.function]), found


@fuzz_settings(ci_examples=40)
@given(numba_modules())
def test_static_pass_never_raises_and_places_findings_inside(text: str) -> None:
    assume(parses(text))
    diagnostics, _ = _check_text(text)
    # Python accepts the module: the static pass must not call it a syntax error.
    assert not [d for d in diagnostics if d.code == "NB001"], diagnostics
    _assert_inside(diagnostics, text)


def _hypothesmith_sources() -> st.SearchStrategy[str]:
    hypothesmith = pytest.importorskip("hypothesmith")
    return hypothesmith.from_grammar()


def _jit_every_def(text: str) -> str:
    """Any valid module, with every function jitted: arbitrary syntax inside jitted code."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.decorator_list.insert(0, ast.Name("njit", ast.Load()))
    return "from numba import njit\n" + ast.unparse(ast.fix_missing_locations(tree)) + "\n"


@pytest.mark.skipif(
    not __import__("importlib").util.find_spec("hypothesmith"), reason="hypothesmith absent"
)
@fuzz_settings(ci_examples=10)
@given(st.deferred(_hypothesmith_sources))
def test_any_valid_python_with_jitted_functions(source: str) -> None:
    assume(parses(source))
    try:
        text = _jit_every_def(source)
    except (RecursionError, ValueError):
        assume(False)
    assume(parses(text))
    diagnostics, _ = _check_text(text)
    assert not [d for d in diagnostics if d.code == "NB001"], diagnostics
    _assert_inside(diagnostics, text)


@fuzz_settings(ci_examples=4)
@given(st.lists(numba_modules(), min_size=2, max_size=4))
def test_the_worker_pool_finds_what_one_process_finds(texts: list[str]) -> None:
    import numba_lint.static.pool as pool

    assume(all(parses(text) for text in texts))
    used: list[bool] = []
    original = pool.ProcessWorkers

    def counting(*args, **kwargs):
        used.append(True)
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        # Two files are enough for the pool here (a real run waits for 16).
        patch.setattr(pool, "MIN_FILES", 1)
        patch.setattr(pool, "ProcessWorkers", counting)
        root = Path(folder)
        (root / "pyproject.toml").write_text("", encoding="utf-8")
        for number, text in enumerate(texts):
            (root / f"module_{number}.py").write_text(text, encoding="utf-8")
        serial = check_tree(root, jobs=1)
        assert not used
        pooled = check_tree(root, jobs=2)
        assert used, "the run with two jobs did not use the worker pool"
    assert sorted(pooled, key=lambda d: d.sort_key) == sorted(serial, key=lambda d: d.sort_key)


_COMMENT_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.from_regex(r"#\s*(?i:noqa)\s*:?\s*([A-Za-z]+[0-9]*[,\s]*){0,3}.{0,10}", fullmatch=True)


@fuzz_settings(ci_examples=300)
@given(_COMMENT_TEXT, st.sampled_from(["x = 1  ", "", "return a.x  "]))
def test_noqa_parsing_takes_any_comment(comment: str, code: str) -> None:
    line = code + comment
    codes = noqa_codes(line)
    assert codes is None or all(c == c.upper() and c for c in codes)
    if "noqa" not in line.lower():
        assert codes is None
    diagnostic = Diagnostic(
        filename="module.py",
        location=Location(1, 1),
        end_location=Location(1, 2),
        code="NB101",
        message="",
        severity=Severity.ERROR,
        pass_=Pass.STATIC,
    )
    suppressed = is_suppressed(diagnostic, [line])
    # Silenced only by a blanket noqa or one that names the code or one of its prefixes.
    assert suppressed == (
        codes is not None and (not codes or any("NB101".startswith(c) for c in codes))
    )
