"""`numba-lint explain`: targets, the types per line against Numba's inspect_types(), failures."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from numba_lint.cli import main
from numba_lint.explain.collect import split_signature
from numba_lint.explain.target import TargetError, parse_target

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "explain"
PLAIN_LOOP = FIXTURES / "plain_loop.py"
COMPILES = FIXTURES / "compiles.py"
TUTORIAL = ROOT / "tests" / "fixtures" / "notebooks" / "tutorial.ipynb"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["explain", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def explained(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code in (0, 1), err
    return json.loads(out)


# --- targets ---------------------------------------------------------------------------------


def test_targets_by_name_line_and_cell() -> None:
    assert parse_target(f"{PLAIN_LOOP}::scaled_sum").name == "scaled_sum"
    by_line = parse_target(f"{PLAIN_LOOP}:18")
    assert (by_line.name, by_line.line, by_line.cell) == (None, 18, None)
    cell = parse_target(f"{TUTORIAL}:cell 5::add_object")
    assert (cell.name, cell.cell) == ("add_object", 5)
    cell_line = parse_target(f"{TUTORIAL}:cell 5:2")
    assert (cell_line.line, cell_line.cell) == (2, 5)
    assert parse_target(f"{COMPILES}::Outer.method").name == "Outer.method"


@pytest.mark.parametrize(
    "text",
    [f"{PLAIN_LOOP}", f"{PLAIN_LOOP}::1bad", "missing.py::f", f"{PLAIN_LOOP}:cell 2:3"],
)
def test_bad_targets_are_refused(text: str) -> None:
    with pytest.raises(TargetError):
        parse_target(text)


def test_signature_spellings() -> None:
    assert split_signature("float64[:], int64") == ["float64[:]", "int64"]
    assert split_signature("(float64[:, ::1], UniTuple(int64, 2))") == [
        "float64[:, ::1]",
        "UniTuple(int64, 2)",
    ]
    assert split_signature("float64(float64[:], int64)") == ["float64[:]", "int64"]
    with pytest.raises(TargetError):
        split_signature("float64[:], int64(")


def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "nowhere.py::f")
    assert code == 2 and out == "" and "no such file" in err and "Traceback" not in err
    code, _, err = run(capsys, f"{PLAIN_LOOP}::not_there")
    assert code == 2 and "no jitted function at 'not_there'" in err
    code, _, err = run(capsys, f"{COMPILES}:2")
    assert code == 2 and "no jitted function at line 2" in err


def test_a_file_that_does_not_parse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("from numba import njit\n\n@njit\ndef f(x):\n    return x +\n")
    code, out, err = run(capsys, f"{broken}::f")
    assert code == 2 and out == "" and "does not parse" in err and "Traceback" not in err


# --- a failing function ----------------------------------------------------------------------


def test_failing_plain_class_types_up_to_the_failure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, f"{PLAIN_LOOP}::scaled_sum")
    assert code == 1
    lines = out.splitlines()
    failing = next(n for n, line in enumerate(lines) if line.startswith("18 |"))
    before = "\n".join(lines[:failing])
    # The loop variables and what the loop reads were typed before Numba met `a.x`.
    assert re.search(r"^\s+:\s+i: int64$", before, re.M)
    assert re.search(r"j: int64", before)
    assert "row: array(float64, 1d, C)" in before
    assert "total: float64" in before
    # The failing line is marked under `a.x`, with the finding, Numba's text and the fix.
    marker = lines[failing + 1]
    assert marker.index("^^^") == lines[failing].index("a.x")
    assert "NB901" in marker and "plain class 'MyInt'" in marker
    assert any("Numba: Failed in nopython mode pipeline" in line for line in lines)
    assert any("Unknown attribute 'x'" in line for line in lines)
    assert any("fix: Pass the numbers" in line for line in lines)
    # No type is shown after the failure.
    assert not any(line.lstrip().startswith(":") for line in lines[failing + 1 :])


def test_the_plain_class_example_marks_a_x(capsys: pytest.CaptureFixture[str]) -> None:
    data = explained(capsys, str(ROOT / "examples" / "plain_class.py:14"))
    assert data["function"] == "add_object" and data["signature_source"] == "callsite"
    [finding] = data["findings"]
    assert (finding["location"]["row"], finding["location"]["column"]) == (14, 12)
    assert (
        "plain class 'MyInt'" in finding["message"]
        and "Unknown attribute" in (finding["detail"]["numba"])
    )
    assert finding["fix"]
    [typing] = data["typings"]
    assert typing["complete"] is False
    assert {(v["line"], v["name"]) for v in typing["variables"]} == {(12, "a"), (12, "b")}


def test_notebook_cell(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, f"{TUTORIAL}:cell 5::add_object")
    assert code == 1
    assert "cell 5:1 | def add_object(a, b):" in out
    assert "passed at cell 7, line 3" in out
    by_line = explained(capsys, f"{TUTORIAL}:cell 5:2")
    assert by_line["function"] == "add_object"
    assert by_line["lines"][1]["label"] == "cell 5:2"


# --- compiling functions: the types of Numba's inspect_types() -------------------------------

_INSPECT = """
import io, json, re, sys
sys.path.insert(0, sys.argv[1])
import compiles
found = {}
for name in sys.argv[2:]:
    buffer = io.StringIO()
    getattr(compiles, name).inspect_types(file=buffer)
    line, seen = 0, set()
    for text in buffer.getvalue().splitlines():
        header = re.match(r"\\s*# --- LINE (\\d+) ---", text)
        if header:
            line = int(header.group(1))
            continue
        assign = re.match(r"\\s*#   ([A-Za-z_][\\w.]*) = (.*)  :: (.*)$", text)
        if not assign:
            continue
        target, value, annotated = assign.groups()
        if value.startswith("call "):  # annotated with the call's signature: its return type
            annotated = annotated.rsplit(") -> ", 1)[1]
        seen.add((line, target.split(".")[0], annotated))
    found[name] = sorted(seen)
print(json.dumps(found))
"""


def test_types_match_inspect_types(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["row_means", "count_above", "pairs"]
    done = subprocess.run(
        [sys.executable, "-c", _INSPECT, str(FIXTURES), *names],
        capture_output=True,
        text=True,
        check=True,
        cwd=FIXTURES,
    )
    numba = json.loads(done.stdout)
    for name in names:
        data = explained(capsys, f"{COMPILES}::{name}")
        assert data["checked"] and not data["findings"], name
        [typing] = data["typings"]
        assert typing["complete"] is True
        ours = {(v["line"], v["name"], v["type"]) for v in typing["variables"]}
        def_line = data["lines"][0]["line"]
        # Numba puts the arguments at the decorator's line; explain at the `def` line.
        theirs = {(max(line, def_line), var, text) for line, var, text in numba[name]}
        # Numba's final IR may assign a variable twice on one line (`count = 0` then the SSA
        # copy `count.2 = count`, Literal[int](0) and int64), and typing sees the IR before the
        # typed passes, where such a copy can sit on a loop's header line instead. So: every
        # line and variable Numba shows is shown, with one of Numba's types for it there, and
        # every type shown is one Numba gives the variable.
        by_place: dict[tuple[int, str], set[str]] = {}
        for line, var, text in theirs:
            by_place.setdefault((line, var), set()).add(text)
        assert set(by_place) <= {(line, var) for line, var, _ in ours}, name
        for line, var, text in ours:
            assert text in by_place.get(
                (line, var), {t for (_, v), ts in by_place.items() if v == var for t in ts}
            ), (name, var)
        assert len(ours) >= 3


def test_given_signature_without_other_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, f"{COMPILES}::count_above", "--signature", "float32[:], float64")
    assert code == 0  # typed without findings
    data = explained(capsys, f"{COMPILES}::count_above", "--signature", "float32[:], float64")
    assert data["signature_source"] == "--signature"
    assert data["signatures"] == ["(array(float32, 1d, A), float64)"]
    [typing] = data["typings"]
    assert typing["signature"] == "(array(float32, 1d, A), float64)"
    types = {v["name"]: v["type"] for v in typing["variables"]}
    assert types["v"] == "float32" and types["count"] == "int64"
    assert typing["return"] == "Tuple(int64, bool)"
    bad = explained(capsys, f"{COMPILES}::count_above", "--signature", "float64[:], nothing")
    assert [f["code"] for f in bad["findings"]] == ["NB908"]


def test_a_failing_callee_marks_the_call(capsys: pytest.CaptureFixture[str]) -> None:
    data = explained(capsys, f"{FIXTURES / 'callee.py'}::outer")
    [finding] = data["findings"]
    assert finding["code"] == "NB904" and finding["location"]["row"] == 16
    assert finding["detail"]["found_at"].endswith("callee.py:8:12")
    [typing] = data["typings"]
    assert typing["complete"] is False
    assert {"i": "int64"}.items() <= {v["name"]: v["type"] for v in typing["variables"]}.items()
    code, out, _ = run(capsys, f"{FIXTURES / 'callee.py'}::outer")
    assert code == 1 and "unknown attribute 'foo' of int64" in out


def test_a_function_without_argument_types(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lonely = tmp_path / "lonely.py"
    lonely.write_text(
        "from numba import njit\n\n\n@njit\ndef lonely(x):\n    y = x + 1\n    return y\n"
    )
    code, out, _ = run(capsys, f"{lonely}::lonely")
    assert code == 1 and "not trial-compiled: no argument types" in out and ": " in out
    code, out, _ = run(capsys, f"{lonely}::lonely", "--signature", "float32")
    assert code == 0 and "x: float32" in out and "y: float64" in out
