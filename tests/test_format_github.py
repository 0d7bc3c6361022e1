"""GitHub Actions workflow commands: one annotation per finding, escaped per GitHub's rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from numba_lint.diagnostic import Diagnostic, Location, Pass, Report, Severity, Summary
from numba_lint.formats import RenderOptions
from numba_lint.formats.github import escape_data, escape_property, render

ENV = {"PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("two\nlines\r\n", "two%0Alines%0D%0A", "two%0Alines%0D%0A"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A literal", "%250A literal", "%250A literal"),
    ],
)
def test_escaping(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_cli_github_annotates_the_finding(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "ci_gate", project)
    result = run_cli("check", "--static-only", "--format", "github", ".", cwd=project, env=ENV)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert commands[0].startswith(
        "::error file=kernels.py,line=14,col=12,endLine=14,endColumn=15,title=NB101::NB101 "
        "attribute 'x' of 'a'"
    )
    assert len(commands) == 2  # a.x and b.x
    assert lines[-1].startswith("Found 2 errors")


def _diagnostic(severity: Severity, filename: str = "src/m.py") -> Diagnostic:
    return Diagnostic(
        filename=filename,
        location=Location(3, 7),
        end_location=Location(4, 2),
        code="NB901",
        message="50% of it:\nfailed, badly",
        severity=severity,
        pass_=Pass.DYNAMIC,
    )


def test_severity_levels_and_escaped_fields() -> None:
    report = Report(
        diagnostics=[
            _diagnostic(Severity.ERROR, "dir,with:odd/m.py"),
            _diagnostic(Severity.WARNING),
            _diagnostic(Severity.INFO),
        ],
        summary=Summary(),
    )
    quiet = render(report, RenderOptions()).splitlines()
    assert quiet[0] == (
        "::error file=dir%2Cwith%3Aodd/m.py,line=3,col=7,endLine=4,endColumn=2,title=NB901::"
        "NB901 50%25 of it:%0Afailed, badly"
    )
    assert quiet[1].startswith("::warning file=src/m.py,")
    assert not any(line.startswith("::notice") for line in quiet)
    verbose = render(report, RenderOptions(verbose=True)).splitlines()
    assert verbose[2].startswith("::notice file=src/m.py,")
