"""SARIF output: valid against the official 2.1.0 schema, every rule listed, stable fingerprints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, run_cli

from numba_lint.checks import ALL_RULES
from numba_lint.diagnostic import Diagnostic, Location, Pass, Report, Severity, Summary
from numba_lint.formats import RenderOptions
from numba_lint.formats.sarif import FINGERPRINT_KEY, as_data

FIXTURE = ROOT / "tests" / "fixtures" / "ci_gate"
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
ENV = {"PYTHONPATH": str(ROOT)}


def validate(data: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(data)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "project")
    return tmp_path / "project"


def sarif(project: Path) -> dict:
    result = run_cli("check", "--static-only", "--format", "sarif", ".", cwd=project, env=ENV)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    validate(data)
    return data


def test_cli_sarif_is_valid_and_locates_the_finding(project: Path) -> None:
    data = sarif(project)
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    # Every rule, sorted by code.
    ordered = sorted(ALL_RULES, key=lambda rule: rule.code)
    assert [rule["id"] for rule in rules] == [rule.code for rule in ordered]
    for rule, info in zip(rules, ordered, strict=True):
        assert rule["name"] == info.name
        assert rule["shortDescription"]["text"] == info.summary
        assert rule["fullDescription"]["text"]
        assert rule["helpUri"] == info.url()
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")

    first = run["results"][0]
    assert first["ruleId"] == "NB101"
    assert rules[first["ruleIndex"]]["id"] == "NB101"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "kernels.py", "uriBaseId": "%SRCROOT%"}
    # `return a.x + b.x` is line 14; `a.x` spans columns 12..14 (end is exclusive).
    assert location["region"] == {
        "startLine": 14,
        "startColumn": 12,
        "endLine": 14,
        "endColumn": 15,
    }
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert len(set(prints)) == len(prints)


def test_fingerprints_survive_unrelated_edits_and_follow_the_code(project: Path) -> None:
    def prints(data: dict) -> dict[int, str]:
        return {
            r["locations"][0]["physicalLocation"]["region"]["startColumn"]: r[
                "partialFingerprints"
            ][FINGERPRINT_KEY]
            for r in data["runs"][0]["results"]
        }

    before = sarif(project)
    kernels = project / "kernels.py"
    text = kernels.read_text()
    kernels.write_text(text.replace("import numpy as np\n", "import math\nimport numpy as np\n\n"))
    moved = sarif(project)
    assert (
        moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
        == 16
    )
    assert prints(moved) == prints(before)

    kernels.write_text(text.replace("return a.x + b.x", "return a.x - b.x"))
    changed = sarif(project)
    assert set(prints(changed).values()).isdisjoint(prints(before).values())


def _diagnostic(severity: Severity, row: int, end: Location, code: str = "NB101") -> Diagnostic:
    return Diagnostic(
        filename="pkg/mod.py",
        location=Location(row, 5),
        end_location=end,
        code=code,
        message=f"a {severity.value}",
        severity=severity,
        pass_=Pass.DYNAMIC,
        function="pkg.mod.f",
        confirmed=True,
        url="https://example.invalid/rule",
    )


def test_levels_multiline_regions_and_unknown_files_are_valid_sarif(tmp_path: Path) -> None:
    report = Report(
        diagnostics=[
            _diagnostic(Severity.ERROR, 3, Location(5, 2)),
            _diagnostic(Severity.WARNING, 7, Location(7, 9)),
            _diagnostic(Severity.INFO, 9, Location(9, 5), code="NB999"),
        ],
        summary=Summary(),
        errors=["pkg/gone.py: no such file or directory"],
    )
    data = as_data(report, RenderOptions(root=tmp_path))
    validate(data)
    results = data["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["endLine"] == 5
    # An empty range still gets a one-character region (SARIF needs end > start).
    assert results[2]["locations"][0]["physicalLocation"]["region"]["endColumn"] == 6
    assert "ruleIndex" not in results[2]
    assert data["runs"][0]["invocations"][0]["executionSuccessful"] is False
