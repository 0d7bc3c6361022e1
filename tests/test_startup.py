"""`numba-lint --version`, building the command line's parser and checking files that never
mention numba import nothing heavy (issue 13 part 4: a pre-commit hook passes every staged
Python file, one process per batch)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from numba_lint.checks import ALL_RULES
from numba_lint.rule_codes import RULE_CODES

# Heavy libraries, and numba-lint's own modules that only other commands or numba code need.
HEAVY = (
    "libcst",
    "numba",
    "numpy",
    "pathspec",
    "importlib.metadata",
    "numba_lint.checks",
    "numba_lint.static.engine",
    "numba_lint.explain",
    "numba_lint.shard_merge",
    # Only the static pool of processes, the static cache's replay, or a notebook need these.
    "multiprocessing",
    "numba_lint.static.replay",
    "numba_lint.static.forecast",
    "numba_lint.notebook.read",
    # A static check of jitted code needs the static rules alone; a baseline only with
    # --baseline; the dynamic pass and its worker factory only for files that may use numba.
    "numba_lint.checks.trial_compile",
    "numba_lint.baseline",
    "numba_lint.dynamic.parent.run",
    "numba_lint.dynamic.parent.trial",
)
PROBE = f"""
import sys
from numba_lint.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print("exit", code)
print(sorted(m for m in {HEAVY!r} if m in sys.modules))
"""


def probe(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[str, int, list[str]]:
    """stdout before the probe's lines, the exit code, and the heavy modules imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    *shown, exit_line, modules = done.stdout.splitlines()
    assert exit_line.startswith("exit "), done.stderr
    return "\n".join(shown), int(exit_line.split()[1]), eval(modules)


def test_version_imports_no_heavy_module() -> None:
    shown, code, heavy = probe("--version")
    assert heavy == []
    assert shown.startswith("numba-lint ") and code == 0


def test_check_help_imports_no_heavy_module() -> None:
    shown, code, heavy = probe("check", "--help")
    assert heavy == []
    assert "--format" in shown and code == 0


def test_checking_files_without_numba_imports_no_heavy_module(tmp_path: Path) -> None:
    """Both modes (static-only and the default one); the file with a syntax error still gets
    its NB001."""
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    (tmp_path / "plain.py").write_text("import os\n\nprint(os.sep)\n", encoding="utf-8")
    (tmp_path / "notes.py").write_text("import sparse.numba_backend\n", encoding="utf-8")
    # The pre-commit hooks' commands (`--force-exclude`: the default excludes are matched
    # without pathspec), with and without the cache.
    hooks = (["--force-exclude"], ["--static-only", "--force-exclude"])
    for flags in (*hooks, ["--static-only", "--no-cache"]):
        shown, code, heavy = probe("check", *flags, "plain.py", "notes.py", cwd=tmp_path)
        assert (code, heavy) == (0, []), (flags, shown)
        assert "All checks passed (2 files, 0 jit functions" in shown
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    shown, code, _ = probe("check", "--no-cache", "broken.py", "plain.py", cwd=tmp_path)
    assert code == 1 and "broken.py:1:7: NB001" in shown, shown


def test_checking_a_numba_file_reads_the_remembered_environment_key(tmp_path: Path) -> None:
    """The rules run (libcst, never Numba); the knowledge's environment key is computed by
    the first run only (importlib.metadata), later ones read it (`knowledge_key`)."""
    project = tmp_path / "project"  # the current folder is on sys.path: the cache is not in it
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    (project / "jitted.py").write_text(
        "from numba import njit\n\n\n@njit\ndef f(x):\n    return {1: x}.get(x, *[x])\n",
        encoding="utf-8",
    )
    env = {"NUMBA_LINT_CACHE_DIR": str(tmp_path / "cache")}
    check = ("check", "--static-only", "--no-cache", "jitted.py")
    first = probe(*check, cwd=project, env=env)
    second = probe(*check, cwd=project, env=env)
    for shown, code, _ in (first, second):
        assert code == 0 and "1 jit function" in shown, shown
    assert {"libcst", "numba_lint.checks"} <= set(first[2]) and "numba" not in first[2]
    # Imported on first use only: the trial compile's rules, the baseline's file format;
    # nothing of the dynamic pass in a static-only run.
    later = {"numba_lint.checks.trial_compile", "numba_lint.baseline", "numba_lint.dynamic"}
    assert not later & set(first[2])
    # One file: the pool of one, without the cache, no notebook (issue 13: one-file checks).
    cached_only = {"numba_lint.static.replay", "numba_lint.static.forecast"}
    assert not {"multiprocessing", "numba_lint.notebook.read", *cached_only} & set(first[2])
    assert "importlib.metadata" in first[2] and "importlib.metadata" not in second[2]


def test_rule_code_table_matches_the_registry() -> None:
    """`rule_codes.RULE_CODES` lets a run choose its rules without importing them: it must
    list every rule of `checks.ALL_RULES`, in order, with its default."""
    assert RULE_CODES == {rule.code: rule.default_enabled for rule in ALL_RULES}
    assert list(RULE_CODES) == [rule.code for rule in ALL_RULES]


def test_a_replayed_static_run_imports_neither_rules_nor_libcst(tmp_path: Path) -> None:
    """A static-only run that the static cache answers reads the files and the cache entry."""
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    (tmp_path / "jitted.py").write_text(
        "from numba import njit\n\n\n@njit\ndef f(x):\n    try:\n        return x\n"
        "    except Exception as e:\n        return 0\n",
        encoding="utf-8",
    )
    env = {"NUMBA_LINT_CACHE_DIR": str(tmp_path / "user-cache")}
    check = ("check", "--static-only", "--format", "concise", "jitted.py")
    cold = probe(*check, cwd=tmp_path, env=env)
    warm = probe(*check, cwd=tmp_path, env=env)
    assert cold[:2] == warm[:2] and "NB110" in cold[0], cold
    assert "libcst" in cold[2]
    assert [m for m in warm[2] if m != "importlib.metadata"] == []
