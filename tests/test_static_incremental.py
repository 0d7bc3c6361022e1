"""Incremental static re-runs (numba_lint/static/replay.py): after an edit, a run with the cache
prints exactly what a run without it prints, whether the edit changes a decorator wrapper that
another module uses, only a comment, deletes a file or adds one; unchanged files are replayed
from their records (shown by a record edited on purpose showing through), and the cache holds
one record per existing file whatever the edits.

Through the real command line, on a small project whose one module jits with another module's
wrapper and never names numba (parsed in the engine's second round).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_startup import probe

from numba_lint.jit_model import NO_DEFAULT, JitDecorator
from numba_lint.static import codec

CACHE = Path(".numba-lint") / "cache" / "static"

WRAPPER = """\
import numba


def fast(function):
    return numba.njit(cache=True)(function)
"""
NOT_A_WRAPPER = """\
def fast(function):
    return function
"""
USER = """\
from pkg.wrappers import fast


@fast
def keyword_only(**options):
    return 1
"""
OTHER = """\
import numba


@numba.njit
def also_keywords(**options):
    return 2


@numba.njit
def fine(x):
    return x + 1
"""


def wrapper_package(root: Path) -> Path:
    """A project at `root` whose package `pkg` has the wrapper module and a module that uses
    it; the package's folder."""
    (root / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "wrappers.py").write_text(WRAPPER, encoding="utf-8")
    (package / "user.py").write_text(USER, encoding="utf-8")
    return package


@pytest.fixture
def project(tmp_path: Path) -> Path:
    package = wrapper_package(tmp_path)
    (package / "other.py").write_text(OTHER, encoding="utf-8")
    (package / "plain.py").write_text("VALUE = 1\n", encoding="utf-8")
    return tmp_path


def check(project: Path, *extra: str) -> str:
    done = run_cli(
        "check", "--static-only", "--format", "json", "--jobs", "1", *extra, ".", cwd=project
    )
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    data["summary"].pop("seconds")
    return json.dumps(data, indent=2)


def same_as_without_cache(project: Path) -> str:
    cached = check(project)
    assert cached == check(project, "--no-cache")
    return cached


def entry(project: Path) -> dict:
    [path] = sorted((project / CACHE).glob("*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def test_wrapper_edit_reaches_the_module_that_uses_it(project: Path) -> None:
    first = same_as_without_cache(project)
    assert first.count('"function": "keyword_only"') >= 1
    wrappers = project / "pkg" / "wrappers.py"
    wrappers.write_text(NOT_A_WRAPPER, encoding="utf-8")
    unwrapped = same_as_without_cache(project)
    assert '"function": "keyword_only"' not in unwrapped
    wrappers.write_text(WRAPPER, encoding="utf-8")
    assert same_as_without_cache(project) == first


def test_comment_edit_replays_the_other_files(project: Path) -> None:
    first = same_as_without_cache(project)
    # The record of an unchanged file is what the next run reports for it: edit it on purpose.
    data = entry(project)
    [finding] = data["records"]["pkg/other.py"]["rules"][0]
    original, finding["message"] = finding["message"], "replayed from its record"
    [path] = sorted((project / CACHE).glob("*.json"))
    path.write_text(json.dumps(data), encoding="utf-8")
    user = project / "pkg" / "user.py"
    user.write_text(USER + "# a comment\n", encoding="utf-8")
    replayed = check(project)
    assert "replayed from its record" in replayed
    # Everything else as a run without the cache (the touched file's finding included).
    restored = replayed.replace("replayed from its record", json.dumps(original)[1:-1])
    assert restored == check(project, "--no-cache") == first


def test_deleted_and_added_files(project: Path) -> None:
    same_as_without_cache(project)
    (project / "pkg" / "other.py").unlink()
    without_other = same_as_without_cache(project)
    assert "also_keywords" not in without_other
    assert set(entry(project)["records"]) == {
        "pkg/__init__.py",
        "pkg/wrappers.py",
        "pkg/user.py",
        "pkg/plain.py",
    }
    (project / "pkg" / "added.py").write_text(
        USER.replace("keyword_only", "added"), encoding="utf-8"
    )
    with_added = same_as_without_cache(project)
    assert '"function": "added"' in with_added
    assert len(entry(project)["records"]) == 5
    assert len(list((project / CACHE).glob("*.json"))) == 1  # one slot, rewritten


def test_values_come_back_as_they_were_written() -> None:
    values = [None, True, 3, "s", 1.5, float("inf"), (1, (2, "x")), [1], {"a": (1,)}, {1, 2}]
    values += [frozenset({"a"}), b"\x00", 1 + 2j, Ellipsis, {3: "positional"}]
    for value in values:
        back = codec.literal(json.loads(json.dumps(codec.literal_data(value))))
        assert back == value and type(back) is type(value)
    wrapper = JitDecorator(
        kind="njit",
        qualified_name="pkg.fast",
        options={"cache": True, "locals": {"x": "int64"}},
        positional=("int64(int64)",),
        shape="factory",
        via="pkg.fast",
        parameters=(("parallel", False), ("signature", NO_DEFAULT)),
        option_parameters={"parallel": "parallel"},
        positional_parameters={0: "signature"},
    )
    data = json.loads(json.dumps(codec.decorator_data(wrapper)))
    assert codec.decorator(data) == wrapper
    with pytest.raises(codec.Uncacheable):
        codec.literal_data(object())


def caller_of_a_plain_helper(project: Path) -> tuple[Path, str]:
    """`pkg/caller.py`'s jitted function calls `pkg/helpers.py`'s plain `helper` (NB205);
    the helper's path and the output, which is that without the cache."""
    helpers = project / "pkg" / "helpers.py"
    helpers.write_text("def helper(x):\n    return x\n", encoding="utf-8")
    (project / "pkg" / "caller.py").write_text(
        "import numba\nfrom pkg.helpers import helper\n\n\n"
        "@numba.njit\ndef caller(x):\n    return helper(x)\n",
        encoding="utf-8",
    )
    plain = same_as_without_cache(project)
    assert '"code": "NB205"' in plain
    return helpers, plain


def test_facts_edit_checks_the_importer_again(project: Path) -> None:
    """`caller.py` is unchanged, but what it imports changed: its rules run again."""
    helpers, plain = caller_of_a_plain_helper(project)
    helpers.write_text(
        "import numba\n\n\n@numba.njit\ndef helper(x):\n    return x\n", encoding="utf-8"
    )
    jitted = same_as_without_cache(project)
    assert '"code": "NB205"' not in jitted
    helpers.write_text("def helper(x):\n    return x\n", encoding="utf-8")
    assert same_as_without_cache(project) == plain


def test_wrapper_edit_in_the_worker_pool(project: Path) -> None:
    """Enough modules for two worker processes: the ones that use the wrapper replay their
    records in the workers until the wrapper changes, then are parsed again there."""
    for number in range(20):
        user = USER.replace("keyword_only", f"keyword_only_{number}")
        (project / "pkg" / f"user_{number}.py").write_text(
            f"import numba\n{user}", encoding="utf-8"
        )

    def pooled() -> str:
        cached = check(project, "--jobs", "2")
        assert cached == check(project, "--jobs", "2", "--no-cache")
        return cached

    first = pooled()
    assert first.count('"code": "NB') >= 21
    wrappers = project / "pkg" / "wrappers.py"
    wrappers.write_text(WRAPPER + "# a comment\n", encoding="utf-8")
    assert pooled() == first
    wrappers.write_text(NOT_A_WRAPPER, encoding="utf-8")
    assert '"function": "keyword_only_7"' not in pooled()
    wrappers.write_text(WRAPPER, encoding="utf-8")
    assert pooled() == first


def test_damaged_record_is_ignored_and_rewritten(project: Path) -> None:
    first = same_as_without_cache(project)
    for damage in ({"steps": 5}, {"rules": [1]}, {"facts": "x"}, {"parse": [None, None, 7]}):
        data = entry(project)
        data["records"]["pkg/other.py"].update(damage)
        data["records"]["pkg/user.py"].update(damage)
        [path] = sorted((project / CACHE).glob("*.json"))
        path.write_text(json.dumps(data), encoding="utf-8")
        # An edit the rescan answers (it reads the records of the parsed files: `parse`).
        (project / "pkg" / "plain.py").write_text(f"VALUE = {damage!r}\n", encoding="utf-8")
        assert check(project) == first
        # An edit the engine must see (`plain.py` now names numba): the records are read.
        plain = f"import numba\n\nVALUE = {damage!r}\n"
        (project / "pkg" / "plain.py").write_text(plain, encoding="utf-8")
        assert check(project) == first
        assert check(project, "--jobs", "2") == first
        assert entry(project)["records"]["pkg/other.py"] != data["records"]["pkg/other.py"]


def probed_check(project: Path, *extra: str) -> tuple[str, list[str]]:
    """`check` as `check()` runs it, in a process that also says which heavy modules it
    imported (`test_startup.probe`)."""
    shown, code, heavy = probe(
        "check", "--static-only", "--format", "json", "--jobs", "1", *extra, ".", cwd=project
    )
    assert code in (0, 1), shown
    data = json.loads(shown)
    data["summary"].pop("seconds")
    return json.dumps(data, indent=2), heavy


def test_edited_files_that_were_never_parsed_are_rescanned_without_the_engine(
    project: Path,
) -> None:
    """`plain.py` never names numba and nothing parsed imports it: an edit is read again by
    Python's parser alone (`rescan.py`); the output is the output without the cache. An
    edit that makes it use the project's wrapper (the engine's second round) takes the
    engine, and so does one that makes it name numba."""
    first = same_as_without_cache(project)
    plain = project / "pkg" / "plain.py"
    plain.write_text("VALUE = 2  # edited\n", encoding="utf-8")
    rescanned, heavy = probed_check(project)
    assert [m for m in heavy if m != "importlib.metadata"] == []
    assert rescanned == check(project, "--no-cache") == first
    plain.write_text("def broken(:\n    pass\n", encoding="utf-8")
    broken, heavy = probed_check(project)
    assert "numba_lint.static.engine" not in heavy  # the NB001 imports the rules' package
    assert '"filename": "pkg/plain.py"' in broken and '"code": "NB001"' in broken
    assert broken == check(project, "--no-cache")
    plain.write_text(USER.replace("keyword_only", "now_jitted"), encoding="utf-8")
    wrapped, heavy = probed_check(project)
    assert "numba_lint.static.engine" in heavy and '"function": "now_jitted"' in wrapped
    assert wrapped == check(project, "--no-cache")
    plain.write_text("VALUE = 1\n", encoding="utf-8")
    assert same_as_without_cache(project) == first


def test_an_imported_module_is_rescanned_while_its_bindings_stand(project: Path) -> None:
    """A module a jitted one imports lends its bindings to the rules (NB205 here): an edit
    that keeps them is rescanned; one that changes them takes the engine."""
    helpers, plain = caller_of_a_plain_helper(project)
    helpers.write_text("def helper(x):\n    return x + 1  # edited\n", encoding="utf-8")
    edited, heavy = probed_check(project)
    assert "numba_lint.static.engine" not in heavy
    assert edited == check(project, "--no-cache") == plain
    helpers.write_text("import math\n\nhelper = math.floor\n", encoding="utf-8")
    rebound, heavy = probed_check(project)
    assert "numba_lint.static.engine" in heavy and '"code": "NB205"' not in rebound
    assert rebound == check(project, "--no-cache")
