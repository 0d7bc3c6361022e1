"""The real pre-commit runs both hooks of .pre-commit-hooks.yaml from this checkout.

pre-commit installs the hook environment from PyPI (about a minute). `pre-commit try-repo` would
install it again for each of the two runs here (failing, then fixed): it writes a config naming
the repository, its commit and every hook of its manifest, and runs it with a fresh store in a
temporary folder. The test writes that same config itself and runs `pre-commit run` on it twice
with one store (PRE_COMMIT_HOME), so the second run reuses the installed environment. The hook
repository is a snapshot of the checkout committed into a throw-away repository, so that new
files of a working tree (or a source tree without git) are in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

BAD = """\
from numba import njit


class MyInt:
    def __init__(self, x):
        self.x = x


@njit
def add_object(a, b):
    return a.x + b.x


add_object(MyInt(5), MyInt(6))
"""

FIXED = """\
from numba import njit


class MyInt:
    def __init__(self, x):
        self.x = x


@njit
def add_object(a, b):
    return a + b


add_object(MyInt(5).x, MyInt(6).x)
"""

GOOD = """\
import numpy as np
from numba import njit


@njit
def total(values):
    return np.sum(values) * 2.0


total(np.ones(3))
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def _env() -> dict[str, str]:
    # The hook must run numba-lint as pre-commit installed it, never this checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **GIT_ENV, "NO_COLOR": "1", "TERM": "dumb"}


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=_env(), check=True, capture_output=True, text=True
    ).stdout


def _project_files() -> list[str]:
    if (ROOT / ".git").exists():
        listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
        return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]
    skip = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".venv", "build", "dist"}
    return [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*")
        if path.is_file() and not skip.intersection(path.relative_to(ROOT).parts)
    ]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as it is on disk, committed into a throw-away repository."""
    snapshot = tmp_path_factory.mktemp("numba-lint-snapshot")
    for name in _project_files():
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot


@pytest.fixture(scope="module")
def hook_config(hook_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The config `pre-commit try-repo` writes: the snapshot at its commit, every hook of its
    manifest (sorted by id, as try-repo lists them)."""
    manifest = yaml.safe_load((hook_repo / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hooks = [{"id": hook_id} for hook_id in sorted(hook["id"] for hook in manifest)]
    assert len(hooks) == 2, hooks
    revision = git("rev-parse", "HEAD", cwd=hook_repo).strip()
    config = {"repos": [{"repo": str(hook_repo), "rev": revision, "hooks": hooks}]}
    path = tmp_path_factory.mktemp("pre-commit-config") / ".pre-commit-config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run_hooks(hook_config: Path, store: Path, user_repo: Path) -> subprocess.CompletedProcess[str]:
    # Every hook of the manifest, on every file, with one store for the test's two runs.
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "run",
            "--config",
            str(hook_config),
            "--all-files",
            "--color",
            "never",
        ],
        cwd=user_repo,
        env={**_env(), "PRE_COMMIT_HOME": str(store)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hooks_fail_on_the_bad_line_then_pass_once_fixed(hook_config: Path, tmp_path: Path):
    user = tmp_path / "user"
    user.mkdir()
    git("init", "-q", cwd=user)
    (user / "bad.py").write_text(BAD)
    (user / "good.py").write_text(GOOD)
    # A notebook (types_or: jupyter) with the same failure in cell 5.
    shutil.copy(ROOT / "tests" / "fixtures" / "notebooks" / "tutorial.ipynb", user / "nb.ipynb")
    git("add", "-A", cwd=user)

    store = tmp_path / "store"
    failed = run_hooks(hook_config, store, user)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    for hook in ("numba-lint (static only)", "numba-lint"):
        assert any(
            line.startswith(hook + ".") and line.endswith("Failed") for line in output.splitlines()
        ), output
    # Both hooks point at `a.x` on line 11 of bad.py; good.py is clean.
    assert output.count("bad.py:11:12: NB101") == 2, output
    assert output.count("nb.ipynb:cell 5:2:12: NB101") == 2, output
    assert "good.py:" not in output

    (user / "bad.py").write_text(FIXED)
    (user / "nb.ipynb").unlink()
    git("add", "-A", cwd=user)
    passed = run_hooks(hook_config, store, user)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    for hook in ("numba-lint (static only)", "numba-lint"):
        assert any(
            line.startswith(hook + ".") and line.endswith("Passed") for line in output.splitlines()
        ), output
