"""False alarms at their cause: project-registered attributes, module constants, literal lists.

`fixtures/false_alarm_causes/valid/` holds code real Numba compiles without a warning (proven
here); numba-lint must report nothing at warning or error level on it, statically and in the
full default run (static + trial compile). `invalid/` holds the failing counterparts: each line
marked `# expect: NBxxx` must be reported, and each function must really fail in Numba.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from numba_prover import prove_examples

FIXTURES = Path(__file__).parent / "fixtures" / "false_alarm_causes"
VALID = sorted((FIXTURES / "valid").glob("*.py"))
INVALID = sorted((FIXTURES / "invalid").glob("*.py"))
# The calls that prove each function of an invalid file fails (one Numba run each).
INVALID_CALLS = {
    "mixed_literal_list.py": ["walk(0)", "grow(0)", "pick(0)", "split(0)", "part(0)", "member(0)"],
    "module_calls.py": ["stamp('d')", "setting('d')", "title('d')", "joined('d')"],
    "unregistered_attribute.py": ["summary(Counter(6.0, 3))"],
}


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, str | None], dict]:
    cases = [(path, None) for path in VALID] + [
        (path, call) for path in INVALID for call in INVALID_CALLS[path.name]
    ]
    payload = [{"code": path.read_text(), "call": call} for path, call in cases]
    found = prove_examples(payload)
    return {(path.name, call): outcome for (path, call), outcome in zip(cases, found, strict=True)}


def check(*args: str) -> dict:
    done = run_cli("check", "--no-cache", "--exit-zero", "--format", "json", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def shown(report: dict) -> list[tuple[str, int, str]]:
    return sorted(
        (Path(d["filename"]).name, d["location"]["row"], d["code"])
        for d in report["diagnostics"]
        if d["severity"] in ("warning", "error")
    )


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_code_compiles_in_numba(outcomes, path: Path) -> None:
    outcome = outcomes[(path.name, None)]
    assert outcome["outcome"] == "compiles", outcome["detail"]


def test_valid_code_is_silent_statically_and_in_the_full_run() -> None:
    files = [str(path) for path in VALID]
    assert shown(check("--static-only", *files)) == []
    full = check(*files)
    assert shown(full) == []
    # The trial compile really ran on every file (module-level calls give the types).
    checked = {Path(f["filename"]).name for f in full["functions"] if f["checked"]}
    assert checked == {path.name for path in VALID}


@pytest.mark.parametrize(
    "case",
    [(path, call) for path in INVALID for call in INVALID_CALLS[path.name]],
    ids=lambda case: f"{case[0].stem}:{case[1]}",
)
def test_invalid_code_fails_in_numba(outcomes, case) -> None:
    path, call = case
    outcome = outcomes[(path.name, call)]
    assert outcome["outcome"] == "fails", outcome["detail"]


def test_invalid_code_is_reported_on_the_marked_lines() -> None:
    expected = sorted(
        (path.name, row, line.split("# expect: ")[1].strip())
        for path in INVALID
        for row, line in enumerate(path.read_text().splitlines(), 1)
        if "# expect: " in line
    )
    assert shown(check("--static-only", *map(str, INVALID))) == expected


def test_registrations_count_in_the_static_pool_too(tmp_path: Path) -> None:
    """Facts from the module that registers the attributes reach the module using them, which
    imports no project module (the pool's early run) and is checked in another worker."""
    wrapper = (FIXTURES / "valid" / "attribute_wrapper.py").read_text()
    head, _, _ = wrapper.partition("@njit\ndef width")
    (tmp_path / "ext.py").write_text(head)
    (tmp_path / "use.py").write_text(
        "from numba import njit\n\n\n@njit\ndef width(iv, x):\n"
        "    return iv.high - iv.low + iv.contains(x) + iv.width + iv.wdth\n"
    )
    for number in range(16):
        (tmp_path / f"m{number}.py").write_text(
            f"from numba import njit\n\n\n@njit\ndef f{number}(x):\n    return x\n"
        )
    serial = check("--static-only", "--jobs", "1", str(tmp_path))
    pooled = check("--static-only", "--jobs", "2", str(tmp_path))
    assert shown(serial) == shown(pooled) == [("use.py", 6, "NB101")]
    [finding] = [d for d in pooled["diagnostics"] if d["code"] == "NB101"]
    assert "'wdth'" in finding["message"]
