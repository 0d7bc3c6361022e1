"""Baselines: record today's findings, then report only new ones, whatever moves around them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

ENV = {"PYTHONPATH": str(ROOT)}

NEW_FUNCTION = """

@njit
def scale(p):
    return p.factor * 2
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "tests" / "fixtures" / "ci_gate", tmp_path / "project")
    return tmp_path / "project"


def check(project: Path, *flags: str):
    return run_cli("check", "--static-only", "--format", "json", *flags, ".", cwd=project, env=ENV)


def test_write_then_only_new_findings_are_reported(project: Path) -> None:
    written = check(project, "--write-baseline", "ci/baseline.json")
    assert written.returncode == 0, written.stderr
    assert "recorded 2 findings in ci/baseline.json" in written.stderr
    data = json.loads((project / "ci" / "baseline.json").read_text())
    assert data["version"] == 1
    assert [(f["file"], f["code"], f["function"], f["count"]) for f in data["findings"]] == [
        ("kernels.py", "NB101", "add_object", 1),
        ("kernels.py", "NB101", "add_object", 1),
    ]
    assert all("line" not in f and "row" not in f for f in data["findings"])

    clean = check(project, "--baseline", "ci/baseline.json")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert json.loads(clean.stdout)["diagnostics"] == []

    kernels = project / "kernels.py"
    # Lines inserted above move the known findings; a new function adds a new one.
    kernels.write_text("# a comment\n\n" + kernels.read_text() + NEW_FUNCTION)
    newer = check(project, "--baseline", "ci/baseline.json")
    assert newer.returncode == 1
    found = json.loads(newer.stdout)["diagnostics"]
    assert [(d["code"], d["function"], d["location"]["row"]) for d in found] == [
        ("NB101", "scale", 30)
    ]


def test_baseline_file_is_stable(project: Path) -> None:
    check(project, "--write-baseline", "one.json")
    check(project, "--write-baseline", "two.json")
    assert (project / "one.json").read_bytes() == (project / "two.json").read_bytes()


def test_a_second_copy_of_a_known_problem_is_new(project: Path) -> None:
    check(project, "--write-baseline", "baseline.json")
    kernels = project / "kernels.py"
    kernels.write_text(
        kernels.read_text().replace(
            "    return a.x + b.x\n", "    c = a.x + b.x\n    return a.x + b.x\n"
        )
    )
    result = check(project, "--baseline", "baseline.json")
    rows = [d["location"]["row"] for d in json.loads(result.stdout)["diagnostics"]]
    assert result.returncode == 1
    assert len(rows) == 2


@pytest.mark.parametrize(
    "content",
    ["not json", '{"version": 99, "findings": []}', '{"version": 1, "findings": [{"file": "x"}]}'],
)
def test_a_bad_baseline_is_a_usage_error(project: Path, content: str) -> None:
    (project / "baseline.json").write_text(content)
    result = check(project, "--baseline", "baseline.json")
    assert result.returncode == 2
    assert "--baseline baseline.json" in result.stderr


def test_missing_baseline_is_a_usage_error(project: Path) -> None:
    result = check(project, "--baseline", "nowhere.json")
    assert result.returncode == 2
