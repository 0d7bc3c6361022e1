"""The real command line in a subprocess: exit codes, formats, noqa, config, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, run_cli

SEED = (ROOT / "examples" / "plain_class.py").read_text(encoding="utf-8")
SEED_ROW = next(n for n, line in enumerate(SEED.splitlines(), 1) if "return a.x + b.x" in line)


def project(tmp_path: Path, files: dict[str, str], pyproject: str = "") -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return tmp_path


def test_seed_example_is_flagged_at_the_attribute(tmp_path: Path) -> None:
    root = project(tmp_path, {"seed.py": SEED})
    done = run_cli("check", "--static-only", "seed.py", cwd=root)
    assert done.returncode == 1, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(
        f"seed.py:{SEED_ROW}:12: NB101 [error] attribute 'x' of 'a' is resolved by no Numba type"
    )
    assert "    return a.x + b.x" in done.stdout
    assert "           ^^^" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("Found 2 errors, 0 warnings")


def test_clean_code_prints_only_the_summary_and_exits_0() -> None:
    done = run_cli("check", "--static-only", "examples/clean.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("All checks passed (1 file, 2 jit functions")
    assert len(done.stdout.splitlines()) == 1


def test_bare_paths_mean_check() -> None:
    done = run_cli("--static-only", "examples/clean.py")
    assert done.returncode == 0, done.stderr


def test_json_output_follows_the_contract(tmp_path: Path) -> None:
    root = project(tmp_path, {"seed.py": SEED})
    done = run_cli("check", "--static-only", "--format", "json", "seed.py", cwd=root)
    data = json.loads(done.stdout)
    assert data["version"] == 1
    assert set(data["summary"]) >= {
        "files",
        "jit_functions",
        "dynamically_checked",
        "unchecked_no_signature",
        "seconds",
        "signatures_file",
    }
    # The static pass reads no harvested signatures file.
    assert data["summary"]["signatures_file"] is None
    first = data["diagnostics"][0]
    assert first["filename"] == "seed.py"
    assert first["location"] == {"row": SEED_ROW, "column": 12}
    assert first["end_location"] == {"row": SEED_ROW, "column": 15}
    assert (first["code"], first["severity"], first["pass"]) == ("NB101", "error", "static")
    assert first["function"] == "add_object" and first["confirmed"] is False
    assert first["url"].endswith("rules/NB101-plain-class-attribute.md")
    rows = [(d["location"]["row"], d["location"]["column"]) for d in data["diagnostics"]]
    assert rows == sorted(rows)


def test_noqa_and_exit_zero(tmp_path: Path) -> None:
    text = SEED.replace("return a.x + b.x", "return a.x + b.x  # noqa: NB101")
    root = project(tmp_path, {"seed.py": text})
    done = run_cli("check", "--static-only", "seed.py", cwd=root)
    assert done.returncode == 0 and "NB101" not in done.stdout.split("All checks")[0]
    root2 = project(tmp_path / "two", {"seed.py": SEED})
    assert run_cli("check", "--static-only", "--exit-zero", "seed.py", cwd=root2).returncode == 0


def test_config_ignore_and_flag_override(tmp_path: Path) -> None:
    root = project(tmp_path, {"seed.py": SEED}, '[tool.numba-lint]\nignore = ["NB101"]\n')
    assert run_cli("check", "--static-only", "seed.py", cwd=root).returncode == 0
    done = run_cli("check", "--static-only", "--select", "NB101", "seed.py", cwd=root)
    assert done.returncode == 0  # ignore still applies on top of select
    done = run_cli("check", "--static-only", "--ignore", "NB001", "seed.py", cwd=root)
    assert done.returncode == 0


def test_per_file_ignores(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {"legacy/seed.py": SEED},
        '[tool.numba-lint]\nper-file-ignores = {"legacy/*" = ["NB101"]}\n',
    )
    assert run_cli("check", "--static-only", ".", cwd=root).returncode == 0


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, "[tool.numba-lint]\nselect = ['NB999']\n")
    done = run_cli("check", "--static-only", "a.py", cwd=root)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "numba-lint: error: [tool.numba-lint] in "
        f"{root / 'pyproject.toml'}: unknown rule code or prefix 'NB999'"
    ]
    done = run_cli("check", "--format", "xml", "a.py", cwd=root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    done = run_cli("check", "--jobs", "0", "a.py", cwd=root)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_syntax_error_is_a_finding_and_other_files_are_still_checked(tmp_path: Path) -> None:
    root = project(tmp_path, {"broken.py": "import numba\ndef f(:\n    pass\n", "seed.py": SEED})
    done = run_cli("check", "--static-only", ".", cwd=root)
    assert done.returncode == 1
    assert "broken.py:2:7: NB001 [error] syntax error:" in done.stdout
    assert f"seed.py:{SEED_ROW}:12: NB101" in done.stdout


def test_unreadable_and_missing_paths_exit_2_but_still_report(tmp_path: Path) -> None:
    root = project(tmp_path, {"seed.py": SEED})
    (root / "latin.py").write_bytes(b"# -*- coding: utf-8 -*-\nx = '\xff'\n")
    done = run_cli("check", "--static-only", "seed.py", "latin.py", "missing.py", cwd=root)
    assert done.returncode == 2
    assert "latin.py: cannot decode file" in done.stderr
    assert "missing.py: no such file or directory" in done.stderr
    assert "NB101" in done.stdout and "Traceback" not in done.stderr


def test_stdin_mode_uses_the_given_filename(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    done = run_cli(
        "check", "--static-only", "--stdin-filename", "pkg/seed.py", "-", cwd=root, stdin=SEED
    )
    assert done.returncode == 1
    assert done.stdout.startswith(f"pkg/seed.py:{SEED_ROW}:12: NB101")


def test_rule_and_rules_commands() -> None:
    done = run_cli("rule", "NB101")
    assert done.returncode == 0
    assert done.stdout.startswith("# NB101 plain-class-attribute")
    assert "## Why is this bad?" in done.stdout
    assert run_cli("rule", "plain-class-attribute").stdout == done.stdout
    unknown = run_cli("rule", "NB999")
    assert unknown.returncode == 2 and "unknown rule 'NB999'" in unknown.stderr
    listing = run_cli("rules").stdout
    assert "NB101" in listing and "NB001" in listing


def test_help_lists_the_commands_and_flags() -> None:
    top = run_cli("--help").stdout
    for command in ("check", "rule", "rules", "server", "harvest"):
        assert command in top
    check = run_cli("check", "--help").stdout
    for flag in (
        "--format",
        "--select",
        "--ignore",
        "--static-only",
        "--stdin-filename",
        "--jobs",
        "--no-cache",
        "--exit-zero",
        "--fail-level",
    ):
        assert flag in check
