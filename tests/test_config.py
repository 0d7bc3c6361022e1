"""[tool.numba-lint] in pyproject.toml: every value is checked, bad ones are one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from numba_lint.config import (
    DEFAULT_EXCLUDES,
    ConfigError,
    find_project_root,
    find_pyproject,
    load_config,
)


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    return tmp_path


def test_no_pyproject_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.project_root == tmp_path.resolve()
    assert config.excludes() == list(DEFAULT_EXCLUDES)
    assert config.fail_level == "error"


def test_values_are_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
[tool.numba-lint]
select = ["NB1"]
ignore = ["NB101"]
per-file-ignores = {"tests/*" = ["NB2"]}
extend-exclude = ["generated"]
jobs = 3
timeout = 12.5
fail-level = "warning"
""",
    )
    config = load_config(tmp_path / "sub" / "file.py")
    assert config.select == ["NB1"] and config.ignore == ["NB101"]
    assert config.per_file_ignores == {"tests/*": ["NB2"]}
    assert "generated" in config.excludes() and ".venv" in config.excludes()
    assert (config.jobs, config.timeout, config.fail_level) == (3, 12.5, "warning")


def test_nearest_pyproject_wins(tmp_path: Path) -> None:
    write(tmp_path, "")
    inner = tmp_path / "inner"
    inner.mkdir()
    write(inner, "")
    assert find_pyproject(inner / "x.py") == inner / "pyproject.toml"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.numba-lint]\nselct = ['NB1']\n", "unknown option 'selct'"),
        ("[tool.numba-lint]\njobs = 0\n", "'jobs' must be a positive integer"),
        ("[tool.numba-lint]\nfail-level = 'loud'\n", "'fail-level' must be one of"),
        ("[tool.numba-lint]\nselect = [1]\n", "'select' must be a list of strings"),
        ("[tool.numba-lint\n", "not valid TOML"),
    ],
)
def test_bad_values_are_errors(tmp_path: Path, body: str, message: str) -> None:
    write(tmp_path, body)
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)


def test_one_root_rule_pyproject_then_repository_then_working_directory(tmp_path: Path) -> None:
    """check (from a file path), harvest (from the working directory) and the server all use
    find_project_root, so the signatures file one writes is the one the others read."""
    repo = tmp_path / "repo"
    package = repo / "src" / "pkg"
    package.mkdir(parents=True)
    module = package / "mod.py"
    module.write_text("x = 1\n", encoding="utf-8")
    # No pyproject.toml, no repository: the working directory, whichever path is checked.
    assert find_project_root(module, cwd=repo) == repo.resolve()
    assert find_project_root(repo, cwd=repo) == repo.resolve()
    # A path outside the working directory and outside any repository: its own folder.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert find_project_root(module, cwd=elsewhere) == package.resolve()
    # A repository (.git folder) wins over the working directory ...
    (repo / ".git").mkdir()
    assert find_project_root(module, cwd=package) == repo.resolve()
    assert find_project_root(package, cwd=package) == repo.resolve()
    # ... and so does a .git file (a worktree or a submodule).
    (repo / ".git").rmdir()
    (repo / ".git").write_text("gitdir: /somewhere/else\n", encoding="utf-8")
    assert find_project_root(module, cwd=elsewhere) == repo.resolve()
    # The nearest pyproject.toml wins over both.
    write(repo / "src", "")
    assert find_project_root(module, cwd=repo) == (repo / "src").resolve()
    assert load_config(module).project_root == (repo / "src").resolve()
    assert (
        load_config(module).signatures_path()
        == (repo / "src" / ".numba-lint" / "signatures.json").resolve()
    )


def test_load_config_without_pyproject_uses_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pkg").mkdir()
    config = load_config(tmp_path / "pkg")
    assert config.project_root == tmp_path.resolve()
    assert not config.signatures_file_configured()
    write(tmp_path, '[tool.numba-lint]\nsignatures-file = "types/sigs.json"\n')
    config = load_config(tmp_path / "pkg")
    assert config.signatures_file_configured()
    assert config.signatures_path() == tmp_path.resolve() / "types" / "sigs.json"


def test_memory_limit_is_read_and_checked(tmp_path: Path) -> None:
    assert load_config(tmp_path).memory_limit == 8192
    write(tmp_path, "[tool.numba-lint]\nmemory-limit = 0\n")
    assert load_config(tmp_path).memory_limit == 0
    for bad in ("-1", "1.5", '"8G"', "true"):
        write(tmp_path, f"[tool.numba-lint]\nmemory-limit = {bad}\n")
        with pytest.raises(ConfigError, match="'memory-limit' must be a whole number of MiB"):
            load_config(tmp_path)


def test_static_only_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "[tool.numba-lint]\nstatic-only = false\n")
    for value, expected in (("1", True), ("TRUE", True), ("0", False), ("", False)):
        monkeypatch.setenv("NUMBA_LINT_STATIC_ONLY", value)
        assert load_config(tmp_path).static_only is expected, value
    monkeypatch.setenv("NUMBA_LINT_STATIC_ONLY", "2")
    with pytest.raises(ConfigError, match="NUMBA_LINT_STATIC_ONLY='2'"):
        load_config(tmp_path)
