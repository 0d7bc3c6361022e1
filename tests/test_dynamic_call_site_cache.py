"""The planning's call-site scan, remembered by content (call_site_cache.py), plans exactly as
the scan itself (on the call-site fixtures and the valid-corpus modules with call results,
keyword arguments and references between results), and a damaged entry is scanned again."""

from __future__ import annotations

from pathlib import Path

from dynamic_support import FIXTURES, load

from numba_lint.dynamic.parent.call_site_cache import CallSiteCache
from numba_lint.dynamic.parent.signatures import plan_module

CORPUS = Path(__file__).resolve().parent / "fixtures" / "valid_corpus"
CHOSEN = ("chains_knn", "string_processing", "keyword_calls", "nndescent_heap", "umap_layout")
FILES = [CORPUS / f"{name}.py" for name in CHOSEN] + sorted((FIXTURES / "callsites").glob("*.py"))


def test_remembered_call_sites_plan_as_the_scan(tmp_path: Path) -> None:
    cache = CallSiteCache(tmp_path)
    compared = 0
    for path in FILES:
        root = CORPUS if CORPUS in path.parents else FIXTURES / "callsites"
        parsed, index, _ = load(path, root)
        stored = plan_module(parsed, index, root, {}, cache.find)  # scans and stores
        entries = set(tmp_path.glob("*.json"))
        parsed, index, _ = load(path, root)  # a fresh parse: nothing kept in memory
        remembered = plan_module(parsed, index, root, {}, cache.find)
        assert set(tmp_path.glob("*.json")) == entries, path  # read, not scanned
        assert stored == remembered, path
        assert [p.to_job() for p in stored] == [p.to_job() for p in remembered], path
        compared += sum(len(plan.results) for plan in stored)
    assert compared >= 30  # the comparison saw call results, not only empty plans


def test_a_damaged_entry_is_scanned_again(tmp_path: Path) -> None:
    path = next(p for p in FILES if "callsites" in p.parts)
    parsed, index, _ = load(path, FIXTURES / "callsites")
    cache = CallSiteCache(tmp_path)
    first = plan_module(parsed, index, FIXTURES / "callsites", {}, cache.find)
    assert first == plan_module(parsed, index, FIXTURES / "callsites", {})  # the scan itself
    for entry in tmp_path.glob("*.json"):
        entry.write_text('{"sites": {"f": [[1]]}, "results": []}', encoding="utf-8")
    again = plan_module(parsed, index, FIXTURES / "callsites", {}, cache.find)
    assert again == first
