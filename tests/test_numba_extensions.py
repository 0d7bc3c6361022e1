"""A Numba extension package (entry point group `numba_extensions`, name `init`) changes what
nopython mode supports; numba-lint must see what it registers, as Numba does at compile time.

The extension here is real and tiny: an installed distribution (a .dist-info folder on the
path) whose `init` registers an `@overload` of `np.fft.fft`, which Numba alone rejects (the
rocket-fft case). A second extension fails in `init`: Numba warns, and nothing else breaks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

EXTENSION = """\
def init():
    import numpy as np
    from numba.extending import overload

    @overload(np.fft.fft)
    def _fft(x):
        def impl(x):
            out = np.empty(x.shape[0], dtype=np.complex128)
            for i in range(x.shape[0]):
                out[i] = x[i]
            return out

        return impl
"""
BROKEN_EXTENSION = "def init():\n    raise RuntimeError('this extension is broken')\n"
USER_MODULE = """\
import numpy as np
from numba import njit


@njit("complex128[:](float64[:])")
def spectrum(x):
    return np.fft.fft(x)
"""


def _install(site: Path, name: str, source: str) -> None:
    """A distribution as pip leaves it: the package and its .dist-info with the entry point."""
    (site / name).mkdir(parents=True)
    (site / name / "__init__.py").write_text(source, encoding="utf-8")
    info = site / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[numba_extensions]\ninit = {name}:init\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("extensions")
    site, project, cache = root / "site", root / "project", root / "cache"
    site.mkdir()
    project.mkdir()
    _install(site, "fake_fft_ext", EXTENSION)
    _install(site, "broken_numba_ext", BROKEN_EXTENSION)
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    (project / "spectrum.py").write_text(USER_MODULE, encoding="utf-8")
    return site, project, cache


def _env(site: Path | None, cache: Path) -> dict[str, str]:
    paths = [str(Path(__file__).resolve().parent.parent)]
    if site is not None:
        paths.insert(0, str(site))
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    return {"PYTHONPATH": os.pathsep.join(paths), "NUMBA_LINT_CACHE_DIR": str(cache)}


def test_numba_itself_compiles_the_module_with_the_extension(setup) -> None:
    site, project, cache = setup
    program = (
        "import numpy as np, runpy\n"
        "spectrum = runpy.run_path('spectrum.py')['spectrum']\n"
        "print(spectrum(np.ones(3)).dtype)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=project,
        env={**os.environ, **_env(site, cache)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "complex128"
    assert "broken_numba_ext" in done.stderr  # Numba's own warning for the broken one


def test_without_the_extension_the_call_is_flagged(setup) -> None:
    _, project, cache = setup
    done = run_cli(
        "check", "--static-only", "spectrum.py", cwd=project, env=_env(None, cache / "plain")
    )
    assert done.returncode == 1
    assert "spectrum.py:7:12: NB201" in done.stdout
    # The shipped tables serve users without extensions: nothing was built for them.
    assert "derived knowledge" not in done.stderr


@pytest.mark.parametrize("mode", ["--static-only", "--no-cache"])
def test_with_the_extension_the_call_is_supported(setup, mode: str) -> None:
    site, project, cache = setup
    done = run_cli(
        "check", mode, "--format", "json", "spectrum.py", cwd=project, env=_env(site, cache)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert data["diagnostics"] == []
    if mode == "--no-cache":  # the worker typed it with the extension loaded
        assert data["summary"]["dynamically_checked"] == 1
    # Its own knowledge, keyed by the extensions installed.
    built = list(cache.glob("knowledge-*_ext-*.json"))
    assert built, sorted(cache.iterdir())
    key = json.loads(built[0].read_text(encoding="utf-8"))["key"]
    assert any(name.startswith("init=fake_fft_ext:init") for name in key["extensions"])
