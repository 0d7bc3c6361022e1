"""Root-cause ranges: the node the Numba message is about, not the decorator or whole line."""

from __future__ import annotations

import json

import pytest
from dynamic_support import check_source

from numba_lint.dynamic import DynamicResult

CODE = """
import numpy as np
from numba import njit


def helper(x):
    return x


@njit("float64(float64[:])")
def submodule_function(a):
    return np.fft.fft(a)[0].real


@njit("float64(float64)")
def untyped_call(x):
    return helper(x) + 1.0


@njit("float64(float64[:])")
def bad_index(a):
    return a["x"] + 1.0


@njit("float64(float64, unicode_type)")
def bad_operator(x, s):
    return 2.0 * (x + s)


@njit("int64(int64)")
def cannot_unify(n):
    y = 1
    if n:
        y = "s"
    return y


@njit("float64(float64)")
def undefined(x):
    return x + not_defined_anywhere


@njit
def pairs(n):
    return zip(range(n), range(n))


@njit("int64(int64)")
def iterate_pairs(n):
    s = 0
    for a, b in pairs(n):
        s += a * b
    return s


@njit("float64(float64)")
def unknown_numpy_function(x):
    y = x + 1.0
    return np.frobnicate(y)
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> DynamicResult:
    return check_source(tmp_path_factory.mktemp("locate"), CODE)


def span(result: DynamicResult, function: str) -> tuple[str, int, int, int]:
    [found] = [d for d in result.diagnostics if d.function == function]
    return found.code, found.location.row, found.location.column, found.end_location.column


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("submodule_function", ("NB904", 11, 12, 22)),  # np.fft.fft, not np.fft
        ("untyped_call", ("NB902", 16, 12, 21)),  # the call helper(x)
        ("bad_index", ("NB905", 21, 12, 18)),  # a["x"]
        ("bad_operator", ("NB905", 26, 19, 24)),  # x + s, not the multiplication
        # The assignment that brings in the disagreeing type (`y = "s"`), not where they meet.
        ("cannot_unify", ("NB903", 33, 9, 16)),
        ("undefined", ("NB903", 39, 16, 36)),  # the undefined name
        # Lowering would reject it (an iterator returned); typing-only reads it from the types.
        ("pairs", ("NB907", 44, 5, 35)),
        # Numba 0.59 places it; 0.68 raises Python's AttributeError with no location, and the
        # attribute its message names is found in the body: np.frobnicate either way.
        ("unknown_numpy_function", ("NB904", 58, 12, 25)),
    ],
)
def test_range_is_the_named_node(result: DynamicResult, function: str, expected: tuple) -> None:
    assert span(result, function) == expected


def test_messages_are_one_plain_line_without_addresses(result: DynamicResult) -> None:
    for diagnostic in result.diagnostics:
        assert "\n" not in diagnostic.message
        assert "0x" not in diagnostic.message and "/" not in diagnostic.message.split("(")[0]
        assert diagnostic.detail["numba"]  # the full Numba text stays available


def test_same_failure_for_several_signatures_is_one_diagnostic(tmp_path) -> None:
    code = (
        "from numba import njit\n\n"
        '@njit(["int64(int64)", "float64(float64)"])\n'
        "def f(x):\n"
        "    return x.nope\n"
    )
    found = check_source(tmp_path, code).diagnostics
    # int64 and float64 give different messages ("of int64", "of float64"): two findings.
    assert sorted(d.message.split(" [")[0] for d in found) == [
        "unknown attribute 'nope' of float64",
        "unknown attribute 'nope' of int64",
    ]
    same = (
        "from numba import njit\n\n"
        '@njit(["float64(float64[:])", "float64(float64[::1])"])\n'
        "def g(a):\n"
        "    return a.sum() + undefined_name\n"
    )
    [one] = check_source(tmp_path, same, name="same.py").diagnostics
    assert one.detail["signatures"] == ["float64(float64[:])", "float64(float64[::1])"]
    assert "[for 2 signatures: float64(float64[:]); float64(float64[::1])]" in one.message


def _locator_for(tmp_path, code: str):
    from dynamic_support import load

    from numba_lint.dynamic.parent.locate import Locator, SourceNodes

    path = tmp_path / "nowhere.py"
    path.write_text(code, encoding="utf-8")
    parsed, index, _ = load(path, tmp_path)
    source = SourceNodes(
        "nowhere.py",
        str(path.resolve()),
        parsed.wrapper,
        lines=parsed.lines,
        jitted={f.node: f.qualname for f in index.functions},  # type: ignore[attr-defined]
    )
    return Locator({source.path: source}, {}), source


NOWHERE = (
    "from numba import njit\n\n\n"
    "@njit\n"
    "def g(n):\n"
    "    return n\n\n\n"
    '@njit("(int64,)")\n'
    "def f(n):\n"
    "    a = g(n)\n"
    "    return a\n"
)


def test_no_location_from_numba_is_the_def_line_and_said(tmp_path) -> None:
    """Numba's error has no location (its message names none, the exception has no `.loc`):
    the last place type inference looked at (`fallback`, here `a = g(n)`) is not a root cause.
    The finding goes on the function's name and says Numba gave no location."""
    locator, source = _locator_for(tmp_path, NOWHERE)
    raw = {
        "types": ["TypingError", "NumbaError", "Exception"],
        "text": "Failed in nopython mode pipeline (step: x)\nSomething without a place",
        "root_text": "Something without a place",
        "chain": [],
        "text_locs": [],
        "fallback": {"file": source.path, "line": 11},
        "function": "f",
    }
    [found] = locator.failure(raw, source, 10, set())
    assert (found.start, found.end) == ((10, 5), (10, 6))
    assert found.message.endswith("(Numba gave no location; reported at the function)")
    # A lowering failure stopped where lowering was: that place is kept.
    lowering = {**raw, "types": ["LoweringError", "NumbaError", "Exception"]}
    [lowered] = locator.failure(lowering, source, 10, set())
    assert lowered.start == (11, 5) and "no location" not in lowered.message


def test_no_location_but_a_named_module_attribute_is_that_attribute(tmp_path) -> None:
    """Python's "module 'numpy' has no attribute" raised through Numba without a location:
    the finding is the unknown attribute at its read in the body, not the def line."""
    code = "import numpy as np\n" + NOWHERE.replace("a = g(n)", "a = np.frobnicate(n)")
    locator, source = _locator_for(tmp_path, code)
    raw = {
        "types": ["AttributeError", "Exception"],
        "text": "module 'numpy' has no attribute 'frobnicate'",
        "chain": [],
        "text_locs": [],
        "fallback": {"file": source.path, "line": 12},
        "function": "f",
    }
    [found] = locator.failure(raw, source, 11, set())
    assert found.rule.code == "NB904"
    assert (found.start, found.end) == ((12, 9), (12, 22))
    assert found.message == "unknown attribute 'frobnicate' of module numpy"
    assert found.detail["location"] == "none from Numba: the node its message names"
    # Without such a read in the body it stays at the def line, and says so.
    plain_locator, plain = _locator_for(tmp_path, NOWHERE)
    [unplaced] = plain_locator.failure({**raw, "fallback": None}, plain, 10, set())
    assert unplaced.start == (10, 5) and unplaced.message.endswith(
        "(Numba gave no location; reported at the function)"
    )


def test_one_finding_per_cause_and_files_named_as_discovery_names_them(tmp_path) -> None:
    """The static NB201 and the trial compile's failure are about one node: one finding,
    confirmed, at `np.frobnicate` (on Numba 0.68 the trial compile's error has no location;
    before, it sat at the function's name beside the static finding: two findings). The
    warning the package's `__init__.py` gives at import is named relative to the working
    folder, like every other file (it was its absolute path)."""
    from conftest import run_cli

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import warnings\n\nfrom numba.core.errors import NumbaPerformanceWarning\n\n"
        'warnings.warn(NumbaPerformanceWarning("the package warns at import"))\n'
        "OFFSET = 1.0\n",
        encoding="utf-8",
    )
    (package / "frob.py").write_text(
        "import numba\nimport numpy as np\nfrom pkg import OFFSET\n\n"
        '@numba.njit("float64(float64)")\n'
        "def f(x):\n    y = x + OFFSET\n    return np.frobnicate(y)\n",
        encoding="utf-8",
    )
    done = run_cli("check", "--no-cache", "--format", "json", "pkg/frob.py", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    warned, found = json.loads(done.stdout)["diagnostics"]
    assert (warned["filename"], warned["code"]) == ("pkg/__init__.py", "NB971")
    assert (found["filename"], found["code"], found["confirmed"]) == ("pkg/frob.py", "NB201", True)
    assert (found["location"], found["end_location"]) == (
        {"row": 8, "column": 12},
        {"row": 8, "column": 25},
    )


def test_old_style_capture_warning_of_a_failed_signature_is_not_a_second_finding(
    tmp_path,
) -> None:
    """Numba before 0.61 warns that it captured the failure's Python exception "old style":
    that follows from the failure, reported already. Beside a signature that compiled, it
    stays (an extension's typing function that raised)."""
    from numba_lint.dynamic.parent.numba_warnings import warning_findings

    locator, source = _locator_for(tmp_path, NOWHERE)
    warning = {
        "category": "NumbaPendingDeprecationWarning",
        "text": "Code using Numba extension API maybe depending on 'old_style' "
        "error-capturing, which is deprecated.",
        "where": None,
        "function": "f",
        "signature": "(int64,)",
    }
    lines = {"f": 10, "g": 5}
    assert warning_findings([warning], source, lines, locator, frozenset({("f", "(int64,)")})) == []
    [kept] = warning_findings([warning], source, lines, locator, frozenset({("g", None)}))
    assert kept.rule.code == "NB972" and kept.start == (10, 5)


def test_internal_names_become_the_users_words(tmp_path) -> None:
    from numba_lint.dynamic.parent.wording import user_names

    _, source = _locator_for(tmp_path, NOWHERE)
    said = user_names("No conversion from int64 to unicode_type for 'arg.0'", {}, source, 11)
    assert said == "No conversion from int64 to unicode_type for 'n'"
    said = user_names(
        "No conversion from X to Y for '$6return_value.1', defined at None", {}, source, 12
    )
    assert said == "No conversion from X to Y for the returned value"
    said = user_names("Undecided type $8.3 := <undecided>", {}, source, 11)
    assert said == "Undecided type a temporary value"
