"""[tool.numba-lint] in pyproject.toml: every value is checked, bad ones are one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from numba_lint.config import DEFAULT_EXCLUDES, ConfigError, find_pyproject, load_config


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
