"""numba-lint harvest: real Numba, real pytest, real subprocess and multiprocessing children.

The fixture project (tests/fixtures/harvest_project) is copied to a temporary directory and its
own test suite is run through the harvest once per module; the other tests read that result.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

from numba_lint.dynamic.parent.inline_callers import INLINE_UNREACHED
from numba_lint.harvest import harvest_main, run_harvest
from numba_lint.signatures_file import (
    CAP_NOTE,
    MAX_SIGNATURES,
    NOT_PASSED,
    HarvestEntry,
    SignaturesFile,
    describe_function,
    dumps,
    function_sources,
    load_signatures,
    lookup,
    merge_entry,
    merge_files,
    read_file,
    shape_of,
    staleness,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "harvest_project"


def copy_project(destination: Path) -> Path:
    project = destination / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    return project


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, int]:
    """(project copy, signatures file, harvest summary, exit code) of one harvested pytest run."""
    project = copy_project(tmp_path_factory.mktemp("harvest"))
    output = project / ".numba-lint" / "signatures.json"
    summary = io.StringIO()
    previous = Path.cwd()
    os.chdir(project)
    env_fail = os.environ.pop("HPKG_FAIL", None)
    try:
        code = run_harvest([sys.executable, "-m", "pytest", "-q"], project, output, stream=summary)
    finally:
        os.chdir(previous)
        if env_fail is not None:
            os.environ["HPKG_FAIL"] = env_fail
    return project, output, summary.getvalue(), code


def test_records_every_function_the_tests_reach(harvested):
    project, output, summary, code = harvested
    assert code == 0, summary
    entries = load_signatures(output)
    expected = {
        "hpkg/kernels.py::scale": [["float64[:, ::1]", "float64"]],
        # only called from jitted code (sum_squares): recorded when the caller was typed
        "hpkg/kernels.py::_square": [["float64"]],
        "hpkg/kernels.py::sum_squares": [["float64[::1]"]],
        "hpkg/kernels.py::clip_total": [["float64[::1]", NOT_PASSED]],
        "hpkg/kernels.py::double": [["float64"]],
        "hpkg/kernels.py::apply": [["<dispatcher hpkg.kernels:double>", "float64"]],
        "hpkg/kernels.py::norm": [["<namedtuple hpkg.kernels:Point(float64, float64)>"]],
        "hpkg/kernels.py::shape_sum": [["UniTuple(int64, 2)"]],
        "hpkg/kernels.py::first_word_length": [["ListType(unicode_type)"]],
        "hpkg/kernels.py::add_half": [["float64", "float64"]],
        "hpkg/shapes.py::add_twice": [["<jitclass hpkg.shapes:Counter>", "float64"]],
        "hpkg/shapes.py::Counter.add": [["<jitclass hpkg.shapes:Counter>", "float64"]],
        # only in a multiprocessing (fork) child / only in a `python -m` subprocess
        "hpkg/workers.py::in_child": [["float64[::1]"]],
        "hpkg/workers.py::in_subprocess": [["int64"]],
        # typed from an eager caller's compile at import time
        "hpkg/kernels.py::_eager_callee": [["float64"]],
        # a dynamic gufunc's kernel (core dimensions as arrays, the output included)
        "hpkg/ufuncs.py::shift": [["float64[:]", "float64", "float64[:]"]],
        "hpkg/ufuncs.py::box_total": [
            ["<structref hpkg.ufuncs:BoxType(('value', float64), ('count', int64))>"]
        ],
        "hpkg/chain.py::chain_total": [["float64[::1]"]],
    }
    for key, signatures in expected.items():
        assert key in entries, f"{key} not recorded; summary:\n{summary}"
        assert [list(s) for s in entries[key].signatures] == signatures, key
    assert "hpkg/kernels.py::never_called" not in entries
    assert "hpkg/kernels.py::eager_half" not in entries
    # inline="always" helpers are inlined into chain_total before typing, never compiled alone.
    assert not [key for key in entries if key.startswith("hpkg/inline.py")]
    assert "1 signature skipped: explicit in the decorator" in summary
    assert not any(key.startswith("<") for key in entries)  # generated code is not project code
    assert entries["hpkg/kernels.py::clip_total"].params == ("a", "low=")


def test_a_type_that_cannot_be_stored_is_reported(harvested):
    _, output, summary, _ = harvested
    # call_with_one was only ever called with a test's local jitted function: it has an entry
    # (check says why it is unused) but is not counted among the recorded functions.
    assert summary.splitlines()[0].startswith(
        "numba-lint harvest: 20 signatures of 20 functions recorded (20 new) from 3 processes; "
    )
    assert summary.splitlines()[0].endswith(
        "now holds signatures of 20 functions and lists 1 without a storable one"
    )
    assert (
        "2 signatures not recorded (1 function with no signature stored at all, which `check` "
        "cannot use: hpkg/kernels.py::call_with_one):" in summary
    )
    lines = [line.strip() for line in summary.splitlines() if "local_triple" in line]
    assert [line.split(" ")[0] for line in lines] == [
        "hpkg/kernels.py::apply",
        "hpkg/kernels.py::call_with_one",
    ]
    assert all(
        "defined inside a function" in line and "no importable name" in line for line in lines
    )
    entries = load_signatures(output)
    # The reason is kept in the file too, without the object's address (stable diffs).
    for key in ("hpkg/kernels.py::apply", "hpkg/kernels.py::call_with_one"):
        assert entries[key].unstorable and "0x" not in entries[key].unstorable[0]
    assert entries["hpkg/kernels.py::call_with_one"].signatures == ()


def test_file_is_stable_and_sorted(harvested):
    _, output, _, _ = harvested
    text = output.read_text(encoding="utf-8")
    assert dumps(read_file(output)) == text
    # Merging the same run again changes nothing.
    again = merge_files(read_file(output), read_file(output))
    assert dumps(again) == text
    keys = list(json.loads(text)["functions"])
    assert keys == sorted(keys)
    assert '        ["float64[:, ::1]", "float64"]\n' in text  # one signature per line


def test_round_trip_in_a_worker(harvested):
    """Every stored signature is parsed back, and compiled, in a fresh process."""
    project, output, _, _ = harvested
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "numba_lint.harvest.replay",
            str(output),
            "--root",
            str(project),
            "--compile",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        timeout=120,
    )
    report = json.loads(done.stdout)
    assert report["failures"] == [], done.stderr
    assert report["signatures"] >= 16
    assert report["round_trip_rate"] == 1.0
    # Functions defined inside test functions cannot be imported; all others compile.
    local = sum(
        len(entry.signatures) for key, entry in load_signatures(output).items() if "<locals>" in key
    )
    assert report["compiled"] == report["signatures"] - local


def test_stale_parameters_are_detected(harvested):
    project, output, _, _ = harvested
    entry = load_signatures(output)["hpkg/kernels.py::clip_total"]
    source = (project / "hpkg" / "kernels.py").read_text(encoding="utf-8")

    def current(text: str):
        return shape_of(function_sources(text)["clip_total"])

    assert staleness(entry, current(source)) is None
    reformatted = source.replace(
        "    total = 0.0\n    for value in a:",
        "    # a comment\n    total = 0.0  # start\n\n    for value in a:",
    )
    assert staleness(entry, current(reformatted)) is None
    body = source.replace("max(value, low)", "min(value, low)")
    assert staleness(entry, current(body)) == "body"
    params = source.replace("def clip_total(a, low=0.0):", "def clip_total(a, low=0.0, high=9.0):")
    assert staleness(entry, current(params)) == "params"


def test_exit_code_of_a_failing_test_run_is_passed_through(tmp_path, monkeypatch):
    project = copy_project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setenv("HPKG_FAIL", "1")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    code = harvest_main(
        [
            "--output",
            "sigs.json",
            "--",
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "checks/check_kernels.py",
            "-k",
            "fail or scale",
        ]
    )
    assert code == 1
    # What compiled before the failure is still recorded, and the hook directory is gone.
    assert "hpkg/kernels.py::scale" in load_signatures(project / "sigs.json")
    assert list(scratch.iterdir()) == []


def test_a_warm_numba_cache_does_not_hide_callees(tmp_path, monkeypatch):
    """sum_squares has cache=True: loaded from a warm cache it is never typed, so its callee
    _square would never compile. The harvest runs with an empty cache of its own."""
    project = copy_project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "warm-cache"))
    command = [sys.executable, "-m", "pytest", "-q", "checks/check_kernels.py", "-k", "scale"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    assert list((tmp_path / "warm-cache").rglob("*.nbi")), "the plain run did not fill the cache"
    assert harvest_main(["--output", "sigs.json", "--", *command]) == 0
    assert "hpkg/kernels.py::_square" in load_signatures(project / "sigs.json")


def test_plain_exit_codes_and_usage(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert harvest_main(["--", sys.executable, "-c", "import sys; sys.exit(3)"]) == 3
    assert harvest_main([]) == 2
    assert harvest_main(["--", str(tmp_path / "no-such-program")]) == 127


def test_interrupted_command_leaves_the_file_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sigs.json").write_text("keep", encoding="utf-8")
    kill = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    code = harvest_main(["--output", "sigs.json", "--replace", "--", sys.executable, "-c", kill])
    assert code == 128 + signal.SIGTERM
    assert (tmp_path / "sigs.json").read_text(encoding="utf-8") == "keep"


def test_a_shadowed_sitecustomize_still_runs(tmp_path, monkeypatch, capfd):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "sitecustomize.py").write_text("MARK = 'theirs ran'\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(theirs))
    monkeypatch.chdir(tmp_path)
    code = harvest_main(
        ["--", sys.executable, "-c", "import sitecustomize; print(sitecustomize.MARK)"]
    )
    assert code == 0
    assert "theirs ran" in capfd.readouterr().out


def entry(signatures, params=("x",), note=None, unstorable=()):
    return HarvestEntry(
        "m.py",
        "f",
        tuple(params),
        "sha256:0",
        tuple(tuple(s) for s in signatures),
        note,
        tuple(unstorable),
    )


def test_merge_is_a_union_and_new_parameters_replace_old_signatures():
    old = entry([["int64"]])
    merged = merge_entry(old, entry([["float64"], ["int64"]]))
    assert merged.signatures == (("float64",), ("int64",))
    renamed = merge_entry(old, entry([["float64"]], params=("y",)))
    assert renamed.signatures == (("float64",),)


def test_cap_keeps_existing_signatures_first_and_notes_it():
    old = entry([[f"int{bits}"] for bits in (8, 16)])
    new = entry([[f"float64[{':, ' * n}:]"] for n in range(MAX_SIGNATURES + 3)])
    merged = merge_entry(old, new)
    assert len(merged.signatures) == MAX_SIGNATURES
    assert ("int8",) in merged.signatures and ("int16",) in merged.signatures
    assert merged.note == CAP_NOTE
    assert f'"note": "{CAP_NOTE}"' in dumps(SignaturesFile("0.68.1", {"m.py::f": merged}))


def test_merge_drops_functions_that_are_gone(tmp_path):
    (tmp_path / "m.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    kept = entry([["int64"]])
    renamed = HarvestEntry("m.py", "g", ("x",), None, (("int64",),))
    deleted = HarvestEntry("gone.py", "f", ("x",), None, (("int64",),))
    old = SignaturesFile("0.68.1", {e.key: e for e in (kept, renamed, deleted)})
    merged = merge_files(old, SignaturesFile(), project_root=tmp_path)
    assert set(merged.entries) == {"m.py::f"}


def test_function_shapes_and_lookup():
    shape = describe_function(
        "    @njit(cache=True)\n    def f(a, /, b, c=1, *args, d, e=2, **kw):\n        pass\n"
    )
    assert shape is not None
    assert shape.params == ("a", "/", "b", "c=", "*args", "d", "e=", "**kw")
    assert describe_function("def g(a, *, k):\n    pass\n").params == ("a", "*", "k")
    assert describe_function("x = 1\n") is None
    nested = HarvestEntry("m.py", "outer.<locals>.inner", ("x",), None, ())
    assert lookup({nested.key: nested}, "m.py", "outer.inner") is nested
    assert sorted(
        function_sources(
            "class C:\n    def m(self):\n        def n():\n            pass\n"
            "if True:\n    def h():\n        pass\n"
        )
    ) == ["C.m", "C.m.<locals>.n", "h"]


def test_signature_strings_parse_with_numba_sigutils():
    from numba.core import sigutils

    stored = HarvestEntry(
        "m.py",
        "f",
        ("a", "b"),
        None,
        (("float64[:, ::1]", "UniTuple(int64, 2)"), ("int64", NOT_PASSED)),
    )
    strings = stored.signature_strings()
    assert strings == ("(float64[:, ::1], UniTuple(int64, 2),)",)
    args, return_type = sigutils.normalize_signature(strings[0])
    assert str(args[0]) == "array(float64, 2d, C)" and return_type is None


def test_type_spellings_round_trip():
    import numba
    from numba import types
    from numba.typed import Dict, List

    from numba_lint.harvest import spelling

    readonly = np.zeros(3)
    readonly.setflags(write=False)
    record = np.dtype([("a", np.int64), ("b", np.float64)])
    values = [
        np.zeros((2, 2)),
        np.zeros((2, 2), order="F"),
        np.zeros((2, 2))[:, ::2],
        np.zeros(()),
        readonly,
        np.zeros(2, dtype=record),
        np.zeros(2, dtype=record)[0],
        np.zeros(2, "M8[ns]"),
        np.zeros(2, "m8[s]"),
        [1, 2],
        {1, 2},
        List([1.0]),
        Dict.empty(types.unicode_type, types.float64[:]),
        (1, 2),
        (1, 2.5, "x"),
        (),
        "text",
        None,
        True,
        1j,
        np.float32(1.0),
        np.random.default_rng(0),
        ((1, 2), (3.0,)),
    ]
    found = [numba.typeof(value) for value in values]
    found += [
        types.Optional(types.int64),
        types.StarArgTuple((types.int64, types.float64)),
        types.StarArgUniTuple(types.int64, 2),
    ]
    for numba_type in found:
        text = spelling.encode_argument(numba_type)
        assert spelling.parse_type(text) == numba_type, (numba_type, text)
    assert spelling.encode_argument(numba.typeof(np.zeros((2, 2)))) == "float64[:, ::1]"
    assert spelling.encode_argument(numba.typeof(readonly)) == (
        "Array(float64, 1, 'C', readonly=True)"
    )
    assert spelling.encode_argument(types.Omitted(0.0)) == NOT_PASSED


def test_check_finds_a_failure_using_only_harvested_types(harvested, tmp_path):
    """harvest -> break a lazy function whose only type source is the harvest -> check."""
    project, output, _, _ = harvested
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__"))
    kernels = copy / "hpkg" / "kernels.py"
    text = kernels.read_text(encoding="utf-8")
    broken = text.replace("    return a * factor\n", "    return a * factor + 'oops'\n", 1)
    assert broken != text
    kernels.write_text(broken, encoding="utf-8")
    row = broken.splitlines().index("    return a * factor + 'oops'") + 1
    done = run_cli("check", "--format", "json", "--no-cache", "hpkg/kernels.py", cwd=copy)
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads(done.stdout)
    errors = [d for d in data["diagnostics"] if d["severity"] == "error"]
    assert [(d["location"]["row"], d["pass"], d["function"]) for d in errors] == [
        (row, "dynamic", "scale")
    ]
    scale = next(f for f in data["functions"] if f["name"] == "scale")
    assert scale["checked"] and scale["signature_source"] == "harvest"
    # Without the harvested file nothing else gives `scale` types: it is not checked at all.
    (copy / ".numba-lint" / "signatures.json").unlink()
    again = run_cli("check", "--format", "json", "--no-cache", "hpkg/kernels.py", cwd=copy)
    scale = next(f for f in json.loads(again.stdout)["functions"] if f["name"] == "scale")
    assert not scale["checked"] and scale["reason"] == "no argument types"


QUICK_RUN = (
    "import numpy as np; from hpkg import kernels; "
    "kernels.scale(np.ones((2, 2)), 2.0); kernels.add_half(np.ones(2), np.ones(2))"
)


def test_harvest_and_check_agree_on_the_root_without_pyproject(tmp_path):
    """No pyproject.toml: harvest (run from the repository root) and check (given file paths,
    as pre-commit does, or run from a subfolder) use the same root, so check reads the file."""
    project = copy_project(tmp_path)
    (project / "pyproject.toml").unlink()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    done = run_cli("harvest", "--", sys.executable, "-c", QUICK_RUN, cwd=project)
    assert done.returncode == 0, done.stderr
    signatures = project / ".numba-lint" / "signatures.json"
    assert "hpkg/kernels.py::scale" in load_signatures(signatures)
    # Shown like the checked files: relative to the working directory when below it.
    for cwd, path, shown in (
        (project, "hpkg/kernels.py", ".numba-lint/signatures.json"),
        (project / "hpkg", "kernels.py", str(signatures.resolve())),
    ):
        done = run_cli("check", "--format", "json", "--no-cache", "-v", path, cwd=cwd)
        data = json.loads(done.stdout)
        assert data["summary"]["signatures_file"] == shown, cwd
        scale = next(f for f in data["functions"] if f["name"] == "scale")
        assert scale["checked"] and scale["signature_source"] == "harvest", cwd
        assert f"numba-lint: note: harvested signatures read from {shown}" in done.stderr


def test_a_missing_signatures_file_is_said(tmp_path):
    project = copy_project(tmp_path)
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    configured = text + '\n[tool.numba-lint]\nsignatures-file = "types/sigs.json"\n'
    (project / "pyproject.toml").write_text(configured, encoding="utf-8")
    done = run_cli("check", "--format", "json", "--no-cache", "hpkg/shapes.py", cwd=project)
    assert json.loads(done.stdout)["summary"]["signatures_file"] is None
    assert "signatures-file types/sigs.json (set in [tool.numba-lint] in" in done.stderr
    assert "does not exist: run `numba-lint harvest" in done.stderr
    # Harvest writes where check reads: the configured file, under the project root.
    command = [sys.executable, "-c", "from hpkg import shapes; shapes.add_twice("]
    command[-1] += "shapes.Counter(1.0), 2.0)"
    env = {"PYTHONPATH": str(project)}
    done = run_cli("harvest", "--", *command, cwd=project / "checks", env=env)
    assert done.returncode == 0, done.stderr
    assert "hpkg/shapes.py::add_twice" in load_signatures(project / "types" / "sigs.json")
    done = run_cli("check", "--format", "json", "--no-cache", "hpkg/shapes.py", cwd=project)
    assert json.loads(done.stdout)["summary"]["signatures_file"] == "types/sigs.json"
    assert "does not exist" not in done.stderr


PROOF = """
import warnings, sys
import numba
from numba.core.errors import NumbaWarning
warnings.simplefilter("error", NumbaWarning)
import numpy as np
from hpkg import chain, kernels, ufuncs
out = np.zeros(3)
calls = {{
    "add_half": lambda: kernels.add_half(np.ones(2), np.ones(2)),
    "shift": lambda: ufuncs.shift(np.arange(3.0), 2.0, out),
    "box_total": lambda: ufuncs.box_total(ufuncs.Box(1.5, 2)),
    "chain_total": lambda: chain.chain_total(np.array([1.0, 3.0])),
}}
failed = []
for name, call in calls.items():
    try:
        call()
    except numba.core.errors.TypingError:
        failed.append(name)
print(",".join(failed))
"""


def numba_rejects(project: Path) -> list[str]:
    """Which of the harvested ufunc/gufunc/structref functions real Numba rejects, with every
    Numba warning an error (installed after importing numba)."""
    done = subprocess.run(
        [sys.executable, "-c", PROOF.format()],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [name for name in done.stdout.strip().split(",") if name]


def test_check_uses_every_harvested_entry(harvested, tmp_path):
    """Dynamic @vectorize/@guvectorize, structref arguments and inline="always" helpers of
    other modules: typed from the harvest, silent when valid, an error at the root-cause line
    when broken; what cannot be used says why."""
    project, _, _, _ = harvested
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert numba_rejects(copy) == []
    done = run_cli("check", "--format", "json", "--no-cache", "hpkg/", cwd=copy)
    data = json.loads(done.stdout)
    assert [d for d in data["diagnostics"] if d["severity"] != "info"] == [], done.stdout
    functions = {f["name"]: f for f in data["functions"]}
    for name in ("add_half", "shift", "box_total"):
        assert functions[name]["checked"], functions[name]
        assert functions[name]["signature_source"] == "harvest", name
    inlined = {
        "shifted_square": ["inlined into chain_total (hpkg/chain.py)"],
        "scaled": ["inlined into chain_total (hpkg/chain.py)"],
        "_offset": ["inlined into shifted_square"],
    }
    for name, signatures in inlined.items():
        assert functions[name]["checked"] and functions[name]["signature_source"] == "callee"
        assert functions[name]["signatures"] == signatures, name
    assert functions["never_inlined"]["reason"] == INLINE_UNREACHED
    reason = functions["call_with_one"]["reason"]
    assert reason.startswith("the harvest compiled it but could store no signature: argument 1: ")
    assert "local_triple" in reason
    note = next(d for d in data["diagnostics"] if d["function"] == "call_with_one")
    assert note["code"] == "NB960" and "harvested signatures file" not in note["message"]

    edits = {
        "hpkg/kernels.py": ("    return x + 0.5 * y\n", "    return x + 0.5 * y + 'half'\n"),
        "hpkg/ufuncs.py": ("        out[i] = a[i] + k\n", "        out[i] = a[i] + k + 'k'\n"),
        "hpkg/inline.py": ("    return x - 1.0\n", "    return x - 1.0 + 'one'\n"),
    }
    rows = {}
    for name, (old, new) in edits.items():
        path = copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        text = text.replace(old, new)
        if name == "hpkg/ufuncs.py":
            text = text.replace("box.value * box.count\n", "box.value * box.missing\n")
        path.write_text(text, encoding="utf-8")
        for row, line in enumerate(text.splitlines(), 1):
            if any(mark in line for mark in ("'half'", "'k'", "box.missing", "'one'")):
                rows[row, name] = line
    assert sorted(numba_rejects(copy)) == ["add_half", "box_total", "chain_total", "shift"]
    done = run_cli("check", "--format", "json", "--no-cache", "hpkg/", cwd=copy)
    assert done.returncode == 1, done.stderr
    errors = [d for d in json.loads(done.stdout)["diagnostics"] if d["severity"] == "error"]
    assert sorted((d["location"]["row"], d["filename"]) for d in errors) == sorted(rows)
    assert {d["function"] for d in errors} == {"add_half", "shift", "box_total", "_offset"}


def test_an_installed_copy_outside_the_project_is_reported(tmp_path):
    """src layout, tests importing a non-editable installed copy (a copy of the package first
    on PYTHONPATH, as site-packages would be): nothing can be keyed to the project's source, so
    the summary says so and how to fix it, instead of recording nothing quietly."""
    project = copy_project(tmp_path)
    (project / "src").mkdir()
    shutil.move(project / "hpkg", project / "src" / "hpkg")
    site = tmp_path / "site"
    shutil.copytree(project / "src" / "hpkg", site / "hpkg")
    command = [sys.executable, "-c", QUICK_RUN]
    done = run_cli("harvest", "--", *command, cwd=project, env={"PYTHONPATH": str(site)})
    assert done.returncode == 0, done.stderr
    assert load_signatures(project / ".numba-lint" / "signatures.json") == {}
    warning = next(line for line in done.stderr.splitlines() if "warning:" in line)
    assert warning == (
        "numba-lint harvest: warning: 4 jitted functions of this project compiled from files "
        f"outside the project root {project.resolve()}, not recorded: the command imported an "
        f"installed copy ({(site / 'hpkg').resolve()}). Install the project in editable mode "
        "(`pip install -e .`) and harvest again"
    )
    # Once the source itself is imported (what an editable install does), it is recorded.
    done = run_cli("harvest", "--", *command, cwd=project, env={"PYTHONPATH": "src"})
    assert "warning:" not in done.stderr, done.stderr
    assert "src/hpkg/kernels.py::scale" in load_signatures(
        project / ".numba-lint" / "signatures.json"
    )
