"""The call-site scan finds the same sites with positions computed ahead (positions.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dynamic_support import FIXTURES
from libcst.metadata import MetadataWrapper, PositionProvider

from numba_lint.discover import SourceFile
from numba_lint.dynamic.parent import call_sites
from numba_lint.dynamic.parent.positions import resolve_positions
from numba_lint.jit_index import build_index
from numba_lint.parse import ParsedModule, parse

MODULES = sorted((FIXTURES / "callsites").rglob("*.py")) + sorted(
    (FIXTURES / "project").rglob("*.py")
)


def _parsed(path: Path) -> ParsedModule:
    parsed = parse(SourceFile(path, path.name), path.read_text(encoding="utf-8"))
    assert isinstance(parsed, ParsedModule)
    return parsed


def _sites(parsed: ParsedModule) -> tuple[object, object]:
    index = build_index(parsed)
    names = {f.name for f in index.functions}
    return call_sites.call_sites(parsed, names)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_same_call_sites_and_results(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_ahead = _sites(_parsed(path))
    monkeypatch.setattr(call_sites, "resolve_positions", lambda wrapper: None)
    assert _sites(_parsed(path)) == with_ahead


def test_positions_are_libcsts_and_no_idle_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    path = MODULES[0]
    expected = _parsed(path).wrapper.resolve(PositionProvider)
    parsed = _parsed(path)
    walks: list[object] = []
    original = MetadataWrapper.visit_batched

    def counted(self: MetadataWrapper, providers: object) -> object:
        walks.append(providers)
        return original(self, providers)  # type: ignore[arg-type]

    monkeypatch.setattr(MetadataWrapper, "visit_batched", counted)
    resolve_positions(parsed.wrapper)
    found = parsed.wrapper.resolve(PositionProvider)
    assert walks == []
    assert sorted(map(str, found.values())) == sorted(map(str, expected.values()))
    assert len(found) == len(expected) > 0


def test_the_fixtures_have_call_sites_to_compare() -> None:
    found = [_sites(_parsed(path))[0] for path in MODULES]
    assert sum(len(sites) for by_name in found for sites in by_name.values()) >= 5  # type: ignore[attr-defined]
