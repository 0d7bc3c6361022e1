"""A Numba whose internals moved: one note and the full compile, or one clear error, never a crash.

numba_compat.py imports every Numba internal the dynamic pass touches. These tests run the real
CLI with a `sitecustomize.py` that removes or breaks one internal in every process (the worker
factory included) before numba-lint imports it, as a future Numba release would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numba
import pytest
from conftest import ROOT, run_cli

from numba_lint.dynamic.worker import numba_compat

FIXTURE = ROOT / "tests" / "fixtures" / "numba_compat"
SITE = ROOT / "tests" / "data" / "numba_compat_sitecustomize.py"
ENGINE_NOTE = "the typing-only engine cannot be used"
CRASH_CODES = {"NB951", "NB952"}  # module timed out / worker crashed (checks/dynamic/unchecked.py)


def _check(tmp_path: Path, **simulate: str) -> tuple[int, dict, str]:
    """`numba-lint check --format json` on a copy of the fixture, under the simulation."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    shutil.copy(SITE, site / "sitecustomize.py")
    project = tmp_path / "project"
    if not project.exists():
        shutil.copytree(FIXTURE, project)
    env = {
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(site), str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        ),
        **{f"NUMBA_LINT_TEST_{key.upper()}": value for key, value in simulate.items()},
    }
    done = run_cli("check", "--no-cache", "--format", "json", str(project), env=env)
    return done.returncode, json.loads(done.stdout), done.stderr


def _findings(data: dict) -> list[tuple[str, int, int, str, bool]]:
    return sorted(
        (
            Path(d["filename"]).name,
            d["location"]["row"],
            d["location"]["column"],
            d["code"],
            d["confirmed"],
        )
        for d in data["diagnostics"]
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The findings with Numba as installed (typing-only engine)."""
    code, data, stderr = _check(tmp_path_factory.mktemp("reference"))
    assert code == 1, stderr
    assert data["summary"]["engine_note"] is None
    assert ENGINE_NOTE not in stderr
    return data


def test_installed_numba_passes_every_check() -> None:
    assert numba_compat.NUMBA_VERSION == numba.__version__
    assert numba_compat.CORE_PROBLEM is None
    assert numba_compat.engine_problem() is None
    assert numba_compat.OLDEST_SUPPORTED <= numba_compat._release(numba.__version__)


@pytest.mark.parametrize(
    "simulate",
    [
        # A pass the engine drops from Numba's typed pipeline was renamed (an import fails).
        {"delete": "numba.core.typed_passes.NopythonRewrites"},
        # A method the engine overrides is gone (an attribute check fails; Numba's own
        # Compiler defines its own, so the full compile is unaffected).
        {"delete": "numba.core.compiler.CompilerBase.define_pipelines"},
        # An internal is still there but behaves differently: the engine fails while it is
        # imported (Numba registered its own passes before the change).
        {"break": "numba.core.compiler_machinery.register_pass"},
    ],
    ids=["renamed-pass", "missing-attribute", "changed-at-import"],
)
def test_engine_internal_missing_falls_back_to_full_compile(
    tmp_path: Path, reference: dict, simulate: dict[str, str]
) -> None:
    code, data, stderr = _check(tmp_path, **simulate)
    assert code == 1, stderr
    # The same findings, now from Numba's full compile, in both modules.
    assert _findings(data) == _findings(reference)
    # Both modules' findings come from the trial compile (confirmed or dynamic-only).
    dynamic = {
        d["filename"] for d in data["diagnostics"] if d["pass"] == "dynamic" or d["confirmed"]
    }
    assert {Path(name).name for name in dynamic} == {"shapes.py", "totals.py"}
    assert not CRASH_CODES & {d["code"] for d in data["diagnostics"]}
    # One note for the run (two modules, two workers), naming the version.
    note = data["summary"]["engine_note"]
    assert note.startswith(f"Numba {numba.__version__}: {ENGINE_NOTE}")
    assert stderr.count(ENGINE_NOTE) == 1, stderr
    assert data["summary"]["dynamically_checked"] == reference["summary"]["dynamically_checked"]


@pytest.mark.parametrize(
    ("simulate", "said"),
    [
        (
            {"delete": "numba.core.typeinfer._temporary_dispatcher_map"},
            "numba.core.typeinfer._temporary_dispatcher_map is missing",
        ),
        ({"version": "0.58.1"}, "Numba 0.58.1 is older than the oldest supported release"),
    ],
    ids=["core-internal-missing", "too-old"],
)
def test_core_internal_missing_skips_the_dynamic_pass_once(
    tmp_path: Path, reference: dict, simulate: dict[str, str], said: str
) -> None:
    code, data, stderr = _check(tmp_path, **simulate)
    assert code == 2, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("numba-lint: error:")]
    assert len(errors) == 1, stderr
    assert "dynamic pass skipped" in errors[0] and said in errors[0], errors
    assert "Traceback" not in stderr
    # The static findings are still reported; no module reads "worker crashed".
    static = [f for f in _findings(reference) if f[3] == "NB101"]
    assert [f[:4] for f in _findings(data) if f[3] == "NB101"] == [f[:4] for f in static]
    assert not CRASH_CODES & {d["code"] for d in data["diagnostics"]}
    assert data["summary"]["dynamically_checked"] == 0


def test_declared_range_is_the_one_tested() -> None:
    """pyproject's floor, numba_compat's floor and the Numba .ci/run's second stage installs."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    floor = re.search(r'"numba>=(\d+)\.(\d+)"', pyproject)
    assert floor is not None
    assert tuple(int(part) for part in floor.groups()) == numba_compat.OLDEST_SUPPORTED
    stage = re.search(r'OLDEST_NUMBA="(\d+)\.(\d+)\.\d+"', (ROOT / ".ci" / "run").read_text())
    assert stage is not None
    assert tuple(int(part) for part in stage.groups()) == numba_compat.OLDEST_SUPPORTED
