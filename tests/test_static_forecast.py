"""The engine's forecast of a cached run's parses (numba_lint/static/forecast.py): an edit to a
jitted module that leaves the project's decorator aliases as they were is checked in this
process, without forking the pool; an edit that changes them (an alias, an exported wrapper, a
module that starts or stops exporting one) takes the pool, since every module is parsed again.
The output equals a run without the cache after each edit, whichever was chosen.

Through the real command line with `--jobs 2` on a project of 20 jitted modules (enough for
two workers), in a process that says whether it imported multiprocessing: only the pool
does (`test_startup.probe`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli
from test_startup import probe
from test_static_incremental import NOT_A_WRAPPER, WRAPPER, wrapper_package

from numba_lint.modules import imported_modules
from numba_lint.static.prefilter import may_use_numba

KERNEL = """\
from numba import njit


@njit
def kernel_{n}(x, **options):
    return x + {n}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    package = wrapper_package(tmp_path)
    for number in range(20):
        (package / f"kernel_{number}.py").write_text(KERNEL.format(n=number), encoding="utf-8")
    return tmp_path


def without_cache(project: Path) -> str:
    done = run_cli(
        "check",
        "--static-only",
        "--format",
        "json",
        "--jobs",
        "2",
        "--no-cache",
        ".",
        cwd=project,
    )
    assert done.returncode in (0, 1), done.stderr
    return _shown(done.stdout)


def cached(project: Path) -> tuple[str, bool]:
    """The output of a cached run and whether it forked the pool."""
    shown, code, heavy = probe(
        "check", "--static-only", "--format", "json", "--jobs", "2", ".", cwd=project
    )
    assert code in (0, 1), shown
    return _shown(shown), "multiprocessing" in heavy


def _shown(stdout: str) -> str:
    data = json.loads(stdout)
    data["summary"].pop("seconds")
    return json.dumps(data, indent=2)


def edit(project: Path, name: str, text: str) -> None:
    (project / "pkg" / name).write_text(text, encoding="utf-8")


def test_a_body_edit_is_checked_without_the_pool(project: Path) -> None:
    first, pooled = cached(project)
    assert pooled and first == without_cache(project)  # cold: every module is parsed
    assert first.count('"code": "NB') >= 21
    caught = "try:\n        return x\n    except Exception as e:\n        return 0"
    body = KERNEL.format(n=3).replace("return x + 3", caught)
    edit(project, "kernel_3.py", body)
    edited, pooled = cached(project)
    assert not pooled
    assert edited == without_cache(project) != first
    assert '"code": "NB110"' in edited
    edit(project, "kernel_3.py", KERNEL.format(n=3) + "# a comment\n")
    commented, pooled = cached(project)
    assert not pooled and commented == without_cache(project) == first


def test_a_decorator_alias_edit_takes_the_pool(project: Path) -> None:
    first, _ = cached(project)
    renamed = KERNEL.format(n=5).replace("import njit", "import njit as fast_jit")
    edit(project, "kernel_5.py", renamed.replace("@njit", "@fast_jit"))
    edited, pooled = cached(project)
    assert pooled and edited == without_cache(project)
    # A module that starts exporting an alias (it was not even parsed last run).
    edit(project, "__init__.py", "from numba import njit as exported\n")
    added, pooled = cached(project)
    assert pooled and added == without_cache(project)
    edit(project, "__init__.py", "")
    edit(project, "kernel_5.py", KERNEL.format(n=5))
    restored, pooled = cached(project)
    assert pooled and restored == without_cache(project) == first


def test_an_exported_wrapper_edit_takes_the_pool(project: Path) -> None:
    first, _ = cached(project)
    assert '"function": "keyword_only"' in first
    edit(project, "wrappers.py", NOT_A_WRAPPER + "import numba\n")
    unwrapped, pooled = cached(project)
    assert pooled and '"function": "keyword_only"' not in unwrapped
    assert unwrapped == without_cache(project)
    # The wrapper back, with a body edit elsewhere in the file: the same aliases as recorded.
    edit(project, "wrappers.py", WRAPPER)
    cached(project)
    edit(project, "wrappers.py", WRAPPER + "\n\ndef helper():\n    return 2\n")
    edited, pooled = cached(project)
    assert not pooled and edited == without_cache(project) == first


def test_a_module_that_stops_naming_numba_takes_the_pool(project: Path) -> None:
    """It gave the project an alias (`njit`) and is no longer parsed: the aliases change."""
    cached(project)
    edit(project, "kernel_7.py", "def kernel_7(x):\n    return x\n")
    edited, pooled = cached(project)
    assert pooled and edited == without_cache(project)


NUMBA_WORDS = [
    "numba", "import numba\n", "xnumba", "numba_x", "_numba", "numba.njit", "a numba b",
    "\u00e9numba", "numbanumba", "x numbanumba numba", "numba2", "(numba)", "numbas numba",
]  # fmt: skip


@pytest.mark.parametrize("text", NUMBA_WORDS)
def test_the_numba_word_is_found_as_a_plain_word_pattern_finds_it(text: str) -> None:
    assert may_use_numba(text) == bool(re.search(r"\bnumba\b", text))


def test_alias_names_hidden_inside_others_change_no_verdict() -> None:
    """The second round tests the fewest names (`jit` stands for `njit` and `_jit_fast`): a
    file holding only one of the longer names is still found."""
    names = frozenset({"jit", "njit", "_jit_fast", "wrap", "Base.wrap", "Base"})
    reexporting = ["pkg.deco"]
    for name in sorted(names):
        text = f"from pkg.deco import {name}\n"
        assert may_use_numba(text, reexporting, names), name
        assert may_use_numba(text, reexporting, frozenset({name}))
    assert not may_use_numba("from pkg.deco import other\n", reexporting, names)
    assert not may_use_numba("from pkg.other import njit\n", reexporting, names)


def test_imports_are_found_on_every_line_as_written() -> None:
    text = "import a\nfrom .b import c\n  import d.e, f\nx = 'import g'\n"
    text += "\tfrom ..h import i\nimport j"
    found = imported_modules([("pkg.sub.mod", Path("pkg/sub/mod.py"), text)])
    assert found == {"a", "pkg.sub.b", "d.e", "pkg.h", "j"}


def test_the_texts_are_hashed_once_when_the_cache_gave_their_digests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The static cache hashes every text for its slot; the engine takes those digests."""
    from numba_lint.checks import ALL_RULES
    from numba_lint.discover import SourceFile
    from numba_lint.static import engine
    from numba_lint.static.cache import text_digest

    path = tmp_path / "kernel.py"
    text = KERNEL.format(n=1)
    source = SourceFile(path, "kernel.py")
    digest = text_digest(text)

    def hashed_again(_: str) -> str:
        raise AssertionError("hashed again")

    monkeypatch.setattr(engine, "text_digest", hashed_again)
    found = engine.static_pass(
        {source: text}, ALL_RULES, jobs=1, keep_trees=False, stored={},
        digests={"kernel.py": digest},
    )  # fmt: skip
    assert found.records is not None and found.records["kernel.py"]["sha"] == digest


def test_what_unchanged_texts_gave_is_read_back_from_their_records(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The imports of each candidate and the second round's answer for each file that never
    names numba (`user.py` is one: it jits with the project's wrapper) are kept in the
    records: after a body edit only the edited file's imports are read again, and no file
    is tested for the second round; the findings are those of a run without the cache."""
    from numba_lint.checks import ALL_RULES
    from numba_lint.discover import SourceFile
    from numba_lint.static import engine, stages

    def texts() -> dict[SourceFile, str]:
        paths = sorted((project / "pkg").glob("*.py"))
        return {SourceFile(p, p.name): p.read_text(encoding="utf-8") for p in paths}

    def run(stored: dict | None) -> engine.StaticResult:
        return engine.static_pass(texts(), ALL_RULES, jobs=1, keep_trees=False, stored=stored)

    first = run({})
    assert first.records is not None
    assert first.records["user.py"]["text"]["late"][1] is True
    assert first.records["kernel_1.py"]["text"]["imports"] == ["numba"]
    edit(project, "kernel_3.py", KERNEL.format(n=3) + "\n\nvalue = kernel_3(1)\n")
    imported, tested = [], []
    imported_modules, may_use_numba = stages.imported_modules, stages.may_use_numba

    def counted_imports(modules: list) -> set[str]:
        imported.extend(name for name, _, _ in modules)
        return imported_modules(modules)

    def counted_test(text: str, *round_two: object) -> bool:
        if round_two:
            tested.append(text)
        return may_use_numba(text, *round_two)  # type: ignore[arg-type]

    monkeypatch.setattr(stages, "imported_modules", counted_imports)
    monkeypatch.setattr(stages, "may_use_numba", counted_test)
    cached = run(first.records)
    assert imported == ["pkg.kernel_3"] and tested == []
    monkeypatch.undo()
    fresh = run(None)
    assert cached.diagnostics and set(cached.diagnostics) == set(fresh.diagnostics)
    assert len(cached.diagnostics) == len(fresh.diagnostics)
    assert cached.functions == fresh.functions


def test_a_damaged_text_part_is_worked_out_again(project: Path) -> None:
    first, _ = cached(project)
    [path] = sorted((project / ".numba-lint" / "cache" / "static").glob("*.json"))
    for damage in (5, {"imports": [1], "late": "x"}, {"imports": "pkg", "late": [None]}):
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data["records"].values():
            record["text"] = damage
        path.write_text(json.dumps(data), encoding="utf-8")
        edit(project, "kernel_4.py", KERNEL.format(n=4) + f"# {damage!r}\n")
        again, pooled = cached(project)
        assert not pooled and again == first == without_cache(project)
