"""What the static cache's replay keeps all run long: no text of an unchanged file, and this
run's records as JSON text until they are handed on (numba_lint/static/replay.py)."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pytest

from numba_lint.checks import ALL_RULES
from numba_lint.discover import SourceFile
from numba_lint.static import engine, replay, stages
from tests.test_static_pool import make_project


def _texts(root: Path) -> dict[SourceFile, str]:
    return {
        SourceFile(path, str(path.relative_to(root))): path.read_text()
        for path in sorted(root.rglob("*.py"))
    }


def _run(texts: dict[SourceFile, str], stored: Any) -> engine.StaticResult:
    return engine.static_pass(texts, ALL_RULES, jobs=1, keep_trees=False, stored=stored)


def _found(result: engine.StaticResult) -> list[tuple[Any, ...]]:
    return sorted((d.filename, d.location.row, d.code, d.message) for d in result.diagnostics)


def test_unchanged_files_are_replayed_without_their_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one file changed, every other file answers from its record; none of them keeps
    its text (a large project's would all be held), and one its record cannot answer for is
    read again from disk to be parsed for real: the findings are a run's without the cache."""
    make_project(tmp_path)
    first = _run(_texts(tmp_path), {})
    assert first.records
    edited = tmp_path / "pkg" / "m3.py"
    edited.write_text(edited.read_text() + "\n\ndef more(x):\n    return x\n")
    texts = _texts(tmp_path)
    seen: list[list[object]] = []
    rules_pass = replay.ReplayingShare.rules_pass

    def watched(self: replay.ReplayingShare, *args: Any) -> Any:
        seen.append([vars(module) for module in self.unparsed])
        return rules_pass(self, *args)

    monkeypatch.setattr(replay.ReplayingShare, "rules_pass", watched)
    again = _run(texts, first.records)
    (kept,) = seen
    assert len(kept) >= 20  # the unchanged modules, answered from their records
    held = set(texts.values())
    assert not any(
        isinstance(value, str) and value in held for module in kept for value in module.values()
    )
    assert _found(again) == _found(_run(texts, None))
    # The records handed on are plain JSON values, as the cache writes them.
    assert again.records is not None
    for record in again.records.values():
        for value in record.values():
            assert type(value) is not replay._Encoded
    assert json.loads(json.dumps(again.records)) == again.records


def test_only_a_run_with_the_cache_keeps_what_each_text_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file's imports (`stages.TextFacts`) are kept for the cache's records only: a run
    without the cache would hold them for every file of the project until its end."""
    make_project(tmp_path)
    texts = _texts(tmp_path)
    alive: list[int] = []
    rules = stages._rules

    def counted(*args: Any) -> Any:  # inside the stages, every part of them still alive
        alive.append(sum(type(item) is stages.TextFacts for item in gc.get_objects()))
        return rules(*args)

    monkeypatch.setattr(stages, "_rules", counted)
    without, with_cache = _run(texts, None), _run(texts, {})
    assert alive[0] == 0 and alive[1] >= 20
    assert with_cache.records and _found(without) == _found(with_cache)
