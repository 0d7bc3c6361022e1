"""A shard parses the other shards' files only for the project's facts (numba_lint/static/
facts_only.py): the bodies of their jitted functions blanked on a guess the jit index checks.
Every file's findings are still exactly a single run's, whichever shard holds it, with the
project's aliases, wrappers, registrations and field names in a file of another shard: one
job or two, trees held or dropped, the static-only parse and the whole parse of full runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from numba_lint import pipeline
from numba_lint.checks import ALL_RULES
from numba_lint.config import Config
from numba_lint.discover import SourceFile
from numba_lint.shard import Shard
from numba_lint.static import engine, reduced_parse, share
from numba_lint.static.blanking import reduce_parsed
from numba_lint.static.engine import static_pass

JIT = """import numba

fast = numba.njit(cache=True)


def kernel(**options):
    return numba.njit(**options)
"""
# A decorated function that is not jitted (`setup_jit` is plain, though named like a decorator
# that jits), whose body registers `helper`
# and declares the field `weight`: the guess blanks it, the index disproves the guess. And a
# structref's fields (`px`, `py`), which helpers.py reads.
EXT = """import numba
import numpy as np
from numba.core import types
from numba.experimental import structref
from numba.extending import overload

from pkg.helpers import helper


def setup_jit(function):
    return function


@setup_jit
def install():
    overload(helper)
    return np.dtype([("weight", np.float64)])


@numba.njit
def twice(x):
    y = helper(x)
    return 2 * x + y


@structref.register
class PointType(types.StructRef):
    pass


class PointProxy(structref.StructRefProxy):
    pass


structref.define_proxy(PointProxy, PointType, ["px", "py"])
"""
HELPERS = """import numba


def helper(x):
    return x + 1


class Plain:
    def __init__(self):
        self.weight = 1.0
        self.other = 2.0


@numba.njit
def use_helper(x):
    return helper(x)


@numba.njit
def use_fields(p):
    return p.weight + p.other


@numba.njit
def use_point(p):
    return p.px + p.py
"""
USE = """from pkg._jit import fast, kernel
from pkg.ext import twice
from pkg.helpers import Plain, helper


@fast
def aliased(x):
    return twice(x) + helper(x)


@kernel(parallel=True)
def wrapped(p):
    return p.weight + p.other + len([1])
"""
FILES = {"__init__.py": "", "_jit.py": JIT, "ext.py": EXT, "helpers.py": HELPERS, "use.py": USE}


def _project(root: Path, files: dict[str, str], copies: int = 1) -> dict[SourceFile, str]:
    """`files` in package `pkg` (and `pkg1`, ... for more copies: enough files for the
    static worker processes)."""
    texts = {}
    root.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        package = "pkg" if copy == 0 else f"pkg{copy}"
        (root / package).mkdir()
        for name, text in files.items():
            path = root / package / name
            path.write_text(text.replace("pkg.", f"{package}."), encoding="utf-8")
            texts[SourceFile(path, f"{package}/{name}")] = path.read_text(encoding="utf-8")
    return texts


def _by_file(result: engine.StaticResult) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for d in result.diagnostics:
        found.setdefault(d.filename, []).append(
            (d.location.row, d.location.column, d.code, d.message)
        )
    return {name: sorted(rows) for name, rows in found.items()}


def _each_file_alone(texts: dict[SourceFile, str], **options: object) -> None:
    """Every file checked as the only file of its shard finds what the single run finds
    there (the other files of the project read for their facts only)."""
    whole = _by_file(static_pass(texts, ALL_RULES, **options))  # type: ignore[arg-type]
    for source in texts:
        alone = static_pass(texts, ALL_RULES, checked=frozenset({source.display}), **options)  # type: ignore[arg-type]
        assert _by_file(alone) == {k: v for k, v in whole.items() if k == source.display}


def test_a_guessed_body_is_blanked_only_where_no_fact_can_come_from_it() -> None:
    text = """import numba
from numba import njit


def top(x):
    return x


@njit
def plain_body(x):
    return top(x) + 1


@njit
def passes_a_function(x):
    return apply(top, x)


@njit
def nested(x):
    def inner(y):
        return y
    return inner(x)


@njit
def rebinds(x):
    global top
    return x


@numba.jitclass([])
class Holder:
    def __init__(self):
        pass


@memoize
def not_named_to_jit(x):
    return top(x) + 2
"""
    reduced = reduce_parsed(text, None, ("m", False), jitted_bodies=True)
    assert reduced.guessed_jitted == frozenset({10})
    assert reduced.text is not None and "top(x) + 1" not in reduced.text
    for kept in ("apply(top, x)", "def inner", "global top", "def __init__", "top(x) + 2"):
        assert kept in reduced.text
    assert reduce_parsed(text, None, ("m", False)).guessed_jitted == frozenset()


def test_the_other_shards_files_are_parsed_for_their_facts_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _project(tmp_path, FILES)
    calls: dict[str, bool] = {}
    original = share.parse_reduced

    def spy(source: SourceFile, text: str, *args: object, **options: object):  # type: ignore[no-untyped-def]
        calls[source.display] = bool(options.get("facts_only"))
        return original(source, text, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(share, "parse_reduced", spy)
    static_pass(texts, ALL_RULES, jobs=1, keep_trees=False, checked=frozenset({"pkg/use.py"}))
    assert calls == {
        "pkg/_jit.py": True,
        "pkg/ext.py": True,
        "pkg/helpers.py": True,
        "pkg/use.py": False,
    }


def test_the_other_files_facts_are_what_the_findings_need(tmp_path: Path) -> None:
    """The fixture can fail: without `install`'s registration, or without the structref's
    fields, helpers.py's findings change."""
    texts = _project(tmp_path / "a", FILES)
    bare = dict(FILES, **{"ext.py": EXT.replace("overload(helper)", "pass")})
    bare_texts = _project(tmp_path / "b", bare)
    no_fields = dict(FILES, **{"ext.py": EXT.replace('["px", "py"]', "[]")})
    no_fields_texts = _project(tmp_path / "c", no_fields)
    found = _by_file(static_pass(texts, ALL_RULES, jobs=1, keep_trees=False))
    for other in (bare_texts, no_fields_texts):
        without = _by_file(static_pass(other, ALL_RULES, jobs=1, keep_trees=False))
        assert found["pkg/helpers.py"] != without["pkg/helpers.py"]


@pytest.mark.parametrize("keep_trees", [False, True])
def test_each_file_of_a_shard_finds_what_the_single_run_finds(
    tmp_path: Path, keep_trees: bool
) -> None:
    _each_file_alone(_project(tmp_path, FILES), jobs=1, keep_trees=keep_trees)


def test_a_wrong_guess_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ext.py's `install` is guessed jitted; its index says otherwise, so it is parsed again."""
    texts = _project(tmp_path, FILES)
    again: list[str] = []
    original = reduced_parse.parsed_without_guess

    def spy(parsed):  # type: ignore[no-untyped-def]
        again.append(parsed.source.display)
        return original(parsed)

    monkeypatch.setattr("numba_lint.static.facts_only.parsed_without_guess", spy)
    static_pass(texts, ALL_RULES, jobs=1, keep_trees=False, checked=frozenset({"pkg/use.py"}))
    assert again == ["pkg/ext.py"]


def test_shards_with_worker_processes_and_dropped_trees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough copies of the project for two worker processes, then every tree dropped after
    its rules (`engine.HELD_TEXT` 0): a dropped module whose guess failed is parsed again."""
    texts = _project(tmp_path, FILES, copies=4)
    _each_file_alone(texts, jobs=2, keep_trees=False)
    monkeypatch.setattr(engine, "HELD_TEXT", 0)
    _each_file_alone(texts, jobs=1, keep_trees=False)


@pytest.mark.parametrize("jobs", [1, 2])
def test_shards_of_a_project_whose_texts_are_read_again_find_what_one_run_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Through the pipeline, past both memory budgets (every text read again from disk when a
    step needs it, every tree dropped after its rules, `source_texts.py`): the shards' findings
    together are the single run's, each shard's only its own files'."""
    _project(tmp_path, FILES, copies=4)
    monkeypatch.setattr(pipeline, "HELD_TEXTS", 0)
    monkeypatch.setattr(engine, "HELD_TEXT", 0)

    def found(shard: Shard | None) -> set[tuple]:
        config = Config(
            project_root=tmp_path, select=["ALL"], static_only=True, cache=False, jobs=jobs
        )
        report = pipeline.run(config, pipeline.Options(paths=[str(tmp_path)], shard=shard))
        return {
            (d.filename, d.location.row, d.location.column, d.code, d.message)
            for d in report.diagnostics
        }

    whole = found(None)
    parts = [found(Shard(index, 3)) for index in (1, 2, 3)]
    assert whole and all(parts)
    assert set().union(*parts) == whole
    assert sum(len(part) for part in parts) == len(whole)  # no file in two shards
