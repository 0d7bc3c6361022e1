"""Same tree, same configuration -> byte-identical findings, whatever the hash seed, the number of
workers or the cache; and where Numba offers several candidate places, the one in source order.

The CLI runs on `examples/`, on `tests/fixtures/determinism/` (return statements and
assignments whose types Numba cannot unify, several plain-object arguments, several failing
signatures, messages that quote Numba's internal names, a failure without a location) and on
the valid-code corpus `tests/fixtures/valid_corpus/`; the cold-cache run shares the CPUs with
busy processes.
"""

from __future__ import annotations

import ast
import contextlib
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from dynamic_support import check_source, load
from numba_prover import prove_examples

from numba_lint.diagnostic import Diagnostic, FunctionCoverage, Location, Pass, Severity
from numba_lint.dynamic.parent import run
from numba_lint.dynamic.parent.locate import Finding, Locator, SourceNodes, to_diagnostics
from numba_lint.dynamic.parent.messages import choose_disagreeing
from numba_lint.pipeline import diagnostic_order, function_order

FIXTURES = ROOT / "tests" / "fixtures" / "determinism"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples and the fixtures, copied: the tree every run checks."""
    folder = tmp_path_factory.mktemp("determinism")
    shutil.copytree(ROOT / "examples", folder / "examples")
    shutil.copytree(FIXTURES, folder / "fixtures")
    # The valid-code corpus: 65 modules whose every function must come out the same.
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid_corpus", folder / "valid_corpus")
    (folder / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    return folder


def check(tree: Path, seed: int, *args: str, cache: Path | None = None) -> str:
    env = {"PYTHONHASHSEED": str(seed)}
    if cache is not None:
        env["NUMBA_LINT_CACHE_DIR"] = str(cache)
    done = run_cli("check", *args, *([] if cache else ["--no-cache"]), ".", cwd=tree, env=env)
    assert done.returncode == 1, done.stderr
    return done.stdout


def without_timings(text: str) -> str:
    data = json.loads(text)
    data["summary"].pop("seconds")
    return json.dumps(data, indent=2)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder (NUMBA_LINT_CACHE_DIR, dynamic/parent/cache.py) for the runs using one."""
    return tmp_path_factory.mktemp("cache")


@contextlib.contextmanager
def cpu_load(processes: int = 3) -> Iterator[None]:
    """Busy processes competing for the CPUs while a run goes on (a loaded CI machine)."""
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for process in busy:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def json_runs(tree: Path, cache: Path) -> dict[str, str]:
    with cpu_load():
        loaded = check(tree, 2, "--format", "json", "--jobs", "2", cache=cache)
    return {
        "seed 1, 1 job, no cache": check(tree, 1, "--format", "json", "--jobs", "1"),
        "seed 2, 2 jobs, cold cache, CPU under load": loaded,
        "seed 3, 2 jobs, warm cache": check(
            tree, 3, "--format", "json", "--jobs", "2", cache=cache
        ),
    }


def test_json_identical_across_seeds_jobs_and_cache(json_runs: dict[str, str]) -> None:
    texts = {name: without_timings(text) for name, text in json_runs.items()}
    first = next(iter(texts.values()))
    for name, text in texts.items():
        assert text == first, name
    # Not vacuous: every fixture produced its findings.
    report = json.loads(first)
    found = [d for d in report["diagnostics"] if d["severity"] != "info"]
    assert {d["filename"].split("/")[0] for d in found} == {"examples", "fixtures"}
    assert sum(f["filename"].startswith("valid_corpus/") for f in report["functions"]) > 250
    assert len(report["diagnostics"]) >= 15


def test_sarif_identical_across_seeds_jobs_and_cache(
    tree: Path, cache: Path, json_runs: dict[str, str]
) -> None:
    # The JSON runs already compare cold and warm trial compiles; SARIF is their formatting, so
    # both runs here read the warm cache (a third cold run cost about a minute of the suite).
    one = check(tree, 3, "--format", "sarif", "--jobs", "2", cache=cache)
    other = check(tree, 1, "--format", "sarif", "--jobs", "1", cache=cache)
    assert one == other
    assert json.loads(one)["runs"][0]["results"]


def test_static_findings_alike_inside_a_full_run_and_alone(
    tree: Path, json_runs: dict[str, str]
) -> None:
    """The static pass's findings of a full run are those of `--static-only`, once the trial
    compile's contributions (confirmation, its words and detail) are taken out."""
    alone = json.loads(check(tree, 2, "--format", "json", "--static-only"))["diagnostics"]
    full = json.loads(next(iter(json_runs.values())))["diagnostics"]
    # Static findings the trial compile showed to share a cause with another one are folded
    # into it (merge.FOLDED_STATIC): take them out of the static-only run, and their places
    # out of the finding that holds them.
    folded = [f for d in full for f in d.get("detail", {}).get("folded_static", [])]
    assert folded, "examples/plain_class.py folds b.x into a.x"
    gone = {
        (d["filename"], f["code"], f["row"], f["column"])
        for d in full
        for f in d.get("detail", {}).get("folded_static", [])
    }

    def static_part(diagnostics: list[dict[str, Any]]) -> list[str]:
        found = []
        for d in diagnostics:
            place = (d["filename"], d["code"], d["location"]["row"], d["location"]["column"])
            if d["pass"] != "static" or place in gone:
                continue
            d = {**d, "confirmed": False, "message": d["message"].split("; trial compile: ")[0]}
            detail = {k: v for k, v in d.get("detail", {}).items() if k != "dynamic"}
            taken = {
                (p["row"], p["column"])
                for f in detail.pop("folded_static", [])
                for p in [f, *f["also_at"]]
            }
            if taken:
                also = [p for p in detail["also_at"] if (p["row"], p["column"]) not in taken]
                detail = (
                    {**detail, "also_at": also}
                    if also
                    else {k: v for k, v in detail.items() if k != "also_at"}
                )
            d["detail"] = detail
            found.append(
                json.dumps({k: v for k, v in d.items() if v or k != "detail"}, sort_keys=True)
            )
        return found

    assert static_part(full) == static_part(alone)
    assert static_part(alone)


# (file, function) -> (code, row, column, end column, also_at rows/columns, words in message)
EXPECTED = {
    # Numba lists the two returns from a set; the later one in source order brings the str.
    ("returns.py", "pick"): (
        "NB903",
        (11, 9, 19),
        [(9, 9)],
        "cannot unify the return types: Literal[str](s) here, Literal[int](1) at line 9",
    ),
    # Two int returns, one str: the str one, wherever it is.
    ("returns.py", "majority"): (
        "NB903",
        (19, 9, 19),
        [(17, 9), (20, 5)],
        "Literal[str](s) here, Literal[int](1) at line 17, Literal[int](2) at line 20",
    ),
    # Numba names the merge point (`return y`); the assignment `y = "s"` brings the str.
    ("unify.py", "branches"): (
        "NB903",
        (10, 9, 16),
        [(8, 5)],
        "cannot unify the types of 'y': Literal[str](s) here, Literal[int](1) at line 8",
    ),
    # The other place is the parameter (Numba says the decorator's line, 14).
    ("unify.py", "loop"): (
        "NB903",
        (17, 9, 16),
        [(15, 10)],
        "cannot unify the types of 'x': Literal[str](s) here, float64 at line 15",
    ),
    # `$phi14.0.2` in Numba's words: the conditional expression, its `else` branch.
    ("unify.py", "ternary"): (
        "NB903",
        (23, 25, 28),
        [(23, 13)],
        "cannot unify the types of '1 if n else \"s\"': Literal[str](s) here",
    ),
    # First use in source order of any untypable argument (`b.x`), every one named.
    ("plain_args.py", "total"): (
        None,
        (14, 12, 15),
        [(14, 18), (14, 29)],
        "arguments 'a' (an instance of the plain class 'Point'), 'pts' (a list of 'Point' "
        "instances) and 'b' (an instance of the plain class 'Point'), which nopython mode "
        "cannot type",
    ),
    ("signatures.py", "same"): (
        "NB903",
        (8, 22, 36),
        [],
        "[for 3 signatures: float64(float64[:]); float64(float64[::1]); int64(int64[:])]",
    ),
    # `$6return_value.1 ... defined at None` in Numba's words.
    ("internal.py", "returns_text"): (
        "NB903",
        (8, 5, 15),
        [],
        "No conversion from Literal[str](s) to int64 for the returned value",
    ),
    # `Undecided type $50load_method.8 := <undecided>` in Numba's words.
    ("internal.py", "undecided"): (
        "NB903",
        (14, 5, 34),
        [],
        "Undecided type 'd.setdefault(n, []).append'",
    ),
    # Numba gives no location at all: the function's name in its `def` line, and says so.
    ("internal.py", "no_location"): (
        "NB903",
        (19, 5, 16),
        [],
        "(Numba gave no location; reported at the function)",
    ),
}


@pytest.mark.parametrize(("where", "expected"), EXPECTED.items(), ids=lambda v: str(v))
def test_root_cause_row_and_column(json_runs: dict[str, str], where, expected) -> None:
    filename, function = where
    code, (row, column, end), also, words = expected
    report = json.loads(next(iter(json_runs.values())))
    [found] = [
        d
        for d in report["diagnostics"]
        if d["filename"] == f"fixtures/{filename}" and d["function"] == function
        if d["severity"] == "error" and (code is None or d["code"] == code)
        if (d["location"]["row"], d["location"]["column"]) == (row, column)
    ]
    assert found["end_location"]["column"] == end
    detail = found["detail"].get("dynamic", found["detail"])
    assert [(p["row"], p["column"]) for p in detail.get("also_at", [])] == also
    assert words in found["message"]
    assert "$" not in found["message"] and "arg." not in found["message"]


def _alone(path: Path, function: str) -> str:
    """The fixture with only `function` among its jitted functions (each fails on its own)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [
        node for node in tree.body if not isinstance(node, ast.FunctionDef) or node.name == function
    ]
    return ast.unparse(tree)


def test_fixture_failures_are_real_numba_failures() -> None:
    calls = {"total": None}
    cases = [
        {"code": _alone(FIXTURES / filename, function), "call": calls.get(function, None)}
        for filename, function in EXPECTED
    ]
    outcomes = [result["outcome"] for result in prove_examples(cases)]
    assert outcomes == ["fails"] * len(cases), list(zip(EXPECTED, outcomes, strict=True))


# Unit tests: each place that chooses among candidates, given them in reverse (and shuffled).


def test_disagreeing_place_does_not_depend_on_candidate_order() -> None:
    places = [
        {"line": 7, "column": 9, "block": 8, "type": "Literal[int](1)"},
        {"line": 9, "column": 9, "block": 20, "type": "Literal[str](s)"},
        {"line": 11, "column": 5, "block": 30, "type": "int64"},
    ]
    forward = choose_disagreeing(places)
    backward = choose_disagreeing(list(reversed(places)))
    assert forward == backward
    assert forward is not None and forward[0]["line"] == 9
    assert [p["line"] for p in forward[1]] == [7, 11]
    # A tie (one int, one str): the later one in source order brings the disagreeing type.
    tie = choose_disagreeing(list(reversed(places[:2])))
    assert tie is not None and tie[0]["line"] == 9
    # `none` unifies with anything (Optional): never the odd one out by itself.
    optional = [{"line": 3, "type": "none"}, {"line": 5, "type": "float64"}]
    assert choose_disagreeing(optional) is None


def test_untypable_arguments_do_not_depend_on_recorded_order(tmp_path: Path) -> None:
    """The worker records untypable arguments in signature order; reversed, the finding is the
    same (first use in source order, arguments named in the signature's order)."""
    path = tmp_path / "example.py"
    path.write_text(
        "from numba import njit\n\n\n@njit\ndef f(a, b):\n    return b.x + a.x\n",
        encoding="utf-8",
    )
    parsed, index, _ = load(path, tmp_path)
    source = SourceNodes(
        "example.py",
        str(path.resolve()),
        parsed.wrapper,
        lines=parsed.lines,
        jitted={fn.node: fn.qualname for fn in index.functions},  # type: ignore[attr-defined]
    )
    infos = [
        {"param": "a", "class": "P", "module": "m"},
        {"param": "b", "class": "P", "module": "m"},
    ]
    base = {"types": [], "text": "", "root_text": "", "callsite_line": 9, "function": "f"}
    found = []
    for order in (infos, list(reversed(infos))):
        locator = Locator({source.path: source}, {})
        [finding] = locator.failure({**base, "untypable": order}, source, 5, set())
        found.append(finding)
    assert found[0] == found[1]
    assert found[0].start == (6, 12)  # b.x: the first use in source order
    assert found[0].detail["also_at"] == [{"row": 6, "column": 18}]
    assert found[0].message.startswith("arguments 'a' and 'b' are instances")


def test_signatures_listed_as_written_whatever_order_failures_arrive_in() -> None:
    from numba_lint.checks.trial_compile import TypingFailure

    findings = [
        Finding(
            TypingFailure,
            "NameError: name 'u' is not defined",
            "k.py",
            8,
            (8, 22),
            (8, 23),
            "same",
            {"numba": "", "signature": signature},
            signature_order=order,
        )
        for order, signature in enumerate(["f8(f8[:])", "f8(f8[::1])", "i8(i8[:])"])
    ]
    forward = to_diagnostics(findings, {})
    backward = to_diagnostics(list(reversed(findings)), {})
    assert forward == backward
    assert [d.detail["signatures"] for d in forward] == [["f8(f8[:])", "f8(f8[::1])", "i8(i8[:])"]]


def test_output_order_is_total() -> None:
    def diagnostic(row: int, column: int, code: str, message: str, pass_: Pass) -> Diagnostic:
        return Diagnostic(
            "a.py",
            Location(row, column),
            Location(row, column + 1),
            code,
            message,
            Severity.ERROR,
            pass_,
        )

    diagnostics = [
        diagnostic(3, 1, "NB903", "b", Pass.DYNAMIC),
        diagnostic(3, 1, "NB903", "a", Pass.DYNAMIC),
        diagnostic(3, 1, "NB101", "z", Pass.STATIC),
        diagnostic(2, 9, "NB904", "y", Pass.DYNAMIC),
    ]
    functions = [
        FunctionCoverage("b.py", "g", 3, True),
        FunctionCoverage("a.py", "h", 9, True),
        FunctionCoverage("a.py", "f", 9, True),
    ]
    for _ in range(5):
        random.shuffle(diagnostics)
        random.shuffle(functions)
        ordered = sorted(diagnostics, key=diagnostic_order)
        assert [(d.location.row, d.code, d.message) for d in ordered] == [
            (2, "NB904", "y"),
            (3, "NB101", "z"),
            (3, "NB903", "a"),
            (3, "NB903", "b"),
        ]
        assert [(f.filename, f.name) for f in sorted(functions, key=function_order)] == [
            ("a.py", "f"),
            ("a.py", "h"),
            ("b.py", "g"),
        ]


def test_statement_timeout_is_an_info_note_and_the_function_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A top-level statement stopped by its time limit: what timed out and the limit, as info;
    the function that needs its name is unchecked with that reason, never a finding."""
    monkeypatch.setattr(run, "STATEMENT_SECONDS", 0.5)
    code = (
        "import time\n\n"
        "from numba import njit\n\n"
        "LIMIT = time.sleep(2) or 3\n\n\n"
        '@njit("int64(int64)")\n'
        "def f(x):\n"
        "    return x + LIMIT\n"
    )
    result = check_source(tmp_path, code)
    assert {d.severity for d in result.diagnostics} == {Severity.INFO}
    [note] = [d for d in result.diagnostics if d.code == "NB950"]
    assert note.location.row == 5 and "0.5 s" in note.message
    [entry] = result.functions
    assert not entry.checked
    assert entry.reason == "line 5 timed out (statement ran longer than 0.5 s); it defines 'LIMIT'"
    [unchecked] = [d for d in result.diagnostics if d.code == "NB960"]
    assert "timed out" in unchecked.message
