"""The concise format: exactly one parseable line per finding, for editors' line patterns."""

from __future__ import annotations

import re

from conftest import ROOT, run_cli

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<row>\d+):(?P<col>\d+): (?P<code>NB\d{3}) \[(?P<sev>\w+)\] "
)


def test_stdin_concise_output_is_one_line_per_finding() -> None:
    kernels = ROOT / "tests" / "fixtures" / "ci_gate" / "kernels.py"
    result = run_cli(
        "check",
        "--static-only",
        "--format",
        "concise",
        "--stdin-filename",
        "pkg/kernels.py",
        "-",
        stdin=kernels.read_text(),
        env={"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    assert [(m["path"], m["row"], m["col"], m["code"], m["sev"]) for m in matches] == [
        ("pkg/kernels.py", "14", "12", "NB101", "error"),
        ("pkg/kernels.py", "14", "18", "NB101", "error"),
    ]
