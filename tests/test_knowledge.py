"""The knowledge base: derived from the real Numba, shipped up to date, found in the right order,
and loaded without importing Numba into the linter process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from numba_lint import knowledge as knowledge_module
from numba_lint.knowledge import (
    DATA_DIR,
    Knowledge,
    build_into,
    knowledge_file_name,
    load_knowledge,
)
from numba_lint.knowledge_build.environment import builder_digest, environment_key
from numba_lint.knowledge_build.probe_runner import run_probes
from numba_lint.knowledge_build.probes import PROBES, PROBES_BY_NAME, Probe

ROOT = Path(__file__).resolve().parent.parent


def _release(package: str) -> tuple[int, ...]:
    from importlib import metadata

    return tuple(int(part) for part in metadata.version(package).split(".")[:2])


def shipped() -> dict:
    path = DATA_DIR / knowledge_file_name(environment_key())
    if not path.is_file():
        pytest.skip(f"no prebuilt knowledge shipped for this environment ({path.name})")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry_build(tmp_path_factory) -> dict:
    """The registry pass, for real, in its own process (as load_knowledge runs it)."""
    output = tmp_path_factory.mktemp("kb") / "registry.json"
    subprocess.run(
        [sys.executable, "-m", "numba_lint.knowledge_build", "--no-probes", "--output", output],
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return json.loads(output.read_text(encoding="utf-8"))


def test_registry_derives_real_facts(registry_build) -> None:
    known = Knowledge.from_json(registry_build)
    total = known.lookup("numpy.sum")
    assert total is not None and total.supported
    if _release("numba") >= (0, 68):
        # An @overload with named parameters in 0.68; Numba 0.59 types np.sum with a template
        # class (no parameter names to read: keywords are then left to the trial compile).
        assert total.parameters is not None and "axis" in total.parameters
        assert total.max_positional == 3
    mean = known.lookup("numpy.mean")
    assert mean is not None and mean.supported and "axis" not in (mean.parameters or ())
    assert mean.max_positional == 1
    assert known.lookup("builtins.max").max_positional is None  # max(*args)
    assert known.lookup("numpy.fft.fft") == knowledge_module.CallableInfo(supported=False)
    assert known.lookup("numpy.linalg.norm").supported
    assert known.lookup("numpy.random.normal").supported
    assert known.lookup("math.sqrt").supported and not known.lookup("math.fmod").supported
    assert not known.lookup("builtins.any").supported and known.lookup("builtins.len").supported
    assert known.lookup("numpy.isnan").parameters is None  # a ufunc: keywords are code
    assert {"shape", "sum", "append"} <= known.attributes and "x" not in known.attributes
    assert {"os", "re", "itertools", "pandas"} <= known.unsupported_modules
    assert "numpy" not in known.unsupported_modules and "math" not in known.unsupported_modules
    # np.product was removed in NumPy 2.0 (1.26, the oldest stage of .ci/run, still has it).
    assert known.is_absent("numpy.product") == (_release("numpy") >= (2, 0))
    assert not known.is_absent("numpy.pi")
    assert known.covering_module("numpy.fft.fft") == "numpy.fft"


def test_shipped_registry_matches_a_fresh_build(registry_build) -> None:
    data = shipped()
    assert data["builder"] == builder_digest(), (
        "stale: python -m numba_lint.knowledge_build --ship (and --ship --hide scipy)"
    )
    for part in ("callables", "covered_modules", "attributes", "unsupported_modules"):
        assert data[part] == registry_build[part], part


def test_every_shipped_file_is_current() -> None:
    files = sorted(DATA_DIR.glob("knowledge-*.json"))
    assert files
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert path.name == knowledge_file_name(data["key"])
        assert data["builder"] == builder_digest(), f"stale {path.name}: rebuild with --ship"
        assert set(data["syntax"]) == {probe.name for probe in PROBES}, path.name


def test_probes_rerun_agree_with_the_shipped_file() -> None:
    data = shipped()
    assert set(data["syntax"]) == {probe.name for probe in PROBES}
    names = [
        "try-except-bare",
        "try-except-as",
        "del-local",
        "list-comprehension",
        "set-comprehension",
        "f-string",
        "f-string-format-spec",
        "yield-from",
        "async-def",
    ]
    results = run_probes([PROBES_BY_NAME[name] for name in names])
    assert {n: r["supported"] for n, r in results.items()} == {n: data["syntax"][n] for n in names}
    # Both verdicts occur, so the comparison can fail either way.
    assert {True, False} <= set(data["syntax"][n] for n in names)


def test_a_crashing_probe_fails_alone_and_the_worker_restarts() -> None:
    crash = Probe("crash", "import os\nos._exit(3)\n")
    hang = Probe("hang", "import time\ntime.sleep(60)\n")
    results = run_probes(
        [PROBES_BY_NAME["try-except-as"], crash, hang, PROBES_BY_NAME["try-except-bare"]],
        timeout=8,
    )
    assert [results[n]["supported"] for n in ("try-except-as", "crash", "hang")] == [False] * 3
    assert "crashed or timed out" in results["crash"]["error"]
    assert "crashed or timed out" in results["hang"]["error"]
    assert results["try-except-bare"]["supported"] is True


def test_untyped_builtins_are_confirmed_by_probe() -> None:
    data = shipped()
    assert {"any", "all", "reversed", "id", "open"} <= set(data["untyped_builtins"])
    assert "len" not in data["untyped_builtins"] and "print" not in data["untyped_builtins"]


def test_lookup_order_cache_then_shipped(tmp_path) -> None:
    shipped()
    found, note = load_knowledge(cache_dir=tmp_path, build=False)
    assert found is not None and note is None
    assert Path(found.origin).parent == DATA_DIR
    # A current file in the user cache wins over the shipped one.
    data = json.loads(Path(found.origin).read_text(encoding="utf-8"))
    data["syntax"]["del-local"] = True
    cached = tmp_path / knowledge_file_name(environment_key())
    cached.write_text(json.dumps(data), encoding="utf-8")
    found, _ = load_knowledge(cache_dir=tmp_path, build=False)
    assert found.origin == str(cached) and found.probe("del-local") is True
    # A cache file from another builder (an older numba-lint) is ignored.
    data["builder"] = "0" * 16
    cached.write_text(json.dumps(data), encoding="utf-8")
    found, _ = load_knowledge(cache_dir=tmp_path, build=False)
    assert Path(found.origin).parent == DATA_DIR


def test_missing_knowledge_is_built_once_and_cached(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(knowledge_module, "DATA_DIR", tmp_path / "no-prebuilt")
    cache = tmp_path / "cache"
    found, note = load_knowledge(cache_dir=cache, build=False)
    assert found is None and "numba-lint knowledge --rebuild" in note
    found, note = load_knowledge(cache_dir=cache)
    assert found is not None, note
    assert note.startswith("derived knowledge for numba") and str(cache) in note
    assert found.probe("try-except-as") is False and found.probe("try-except-bare") is True
    again, note = load_knowledge(cache_dir=cache)
    assert again is not None and note is None and again.origin == found.origin


def test_build_timeout_is_reported(tmp_path) -> None:
    problem = build_into(tmp_path / "k.json", timeout=0.05)
    assert problem is not None and "did not finish" in problem
    assert not (tmp_path / "k.json").exists()


def test_probe_verdicts_can_be_overridden_per_knowledge() -> None:
    found, _ = load_knowledge(build=False)
    if found is None:
        pytest.skip("no knowledge for this environment")
    changed = replace(found, syntax={**found.syntax, "del-local": True})
    assert changed.probe("del-local") is True and found.probe("del-local") is False
    assert changed.probe("no-such-probe") is None


def test_static_pass_never_imports_numba(tmp_path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from numba_lint.checks import ALL_RULES, static_rules
        from numba_lint.checks.base import run_static_rules
        from numba_lint.project import ProjectFacts
        from numba_lint.discover import SourceFile
        from numba_lint.jit_index import build_index
        from numba_lint.knowledge import load_knowledge
        from numba_lint.parse import parse

        text = '''
        import numpy as np
        from numba import njit

        @njit
        def f(a):
            try:
                import math
            except ValueError as e:
                pass
            return np.fft.fft(a), any(a), np.mean(a, axis=0), f"{a:.2f}"
        '''
        knowledge, note = load_knowledge(build=False)
        assert knowledge is not None, note
        parsed = parse(SourceFile(Path("m.py"), "m.py", text), text)
        found = run_static_rules(parsed, build_index(parsed), static_rules(ALL_RULES),
                                 knowledge, ProjectFacts())
        codes = sorted({d.code for d in found})
        assert {"NB110", "NB111", "NB116", "NB127", "NB201", "NB203", "NB204"} <= set(codes), codes
        assert "numba" not in sys.modules, sorted(m for m in sys.modules if "numba" in m)
        print("ok", codes)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_unwritable_cache_is_a_note_not_a_crash(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(knowledge_module, "DATA_DIR", tmp_path / "no-prebuilt")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    found, note = load_knowledge(cache_dir=blocker / "cache")
    assert found is None and "cannot create the cache folder" in note


def test_cache_folder_follows_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NUMBA_LINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert knowledge_module.default_cache_dir() == tmp_path / "xdg" / "numba-lint"
    monkeypatch.setenv("NUMBA_LINT_CACHE_DIR", str(tmp_path / "mine"))
    assert knowledge_module.default_cache_dir() == tmp_path / "mine"
