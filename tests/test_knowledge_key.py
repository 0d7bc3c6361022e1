"""The environment key a run remembers (`knowledge_key`) is the one it would compute, and it
changes as soon as the installed Numba, NumPy or a Numba extension changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from numba_lint import knowledge_key
from numba_lint.knowledge_build.environment import environment_key as computed_key


def _install(site: Path, name: str, version: str, entry_points: str = "") -> Path:
    """A distribution's metadata as pip leaves it (no code: the key reads metadata only)."""
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    if entry_points:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    return info


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder first on sys.path, where the tests install and remove distributions."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setattr(knowledge_key, "_REMEMBERED", {})
    return folder


def _fresh_process_key(cache: Path) -> dict:
    """The key as a new run gets it: nothing remembered in the process, only the file."""
    knowledge_key._REMEMBERED.clear()
    return knowledge_key.environment_key(cache)


def test_remembered_key_is_the_computed_one_and_is_stored(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _fresh_process_key(cache) == computed_key()
    stored = json.loads((cache / knowledge_key.FILE_NAME).read_text(encoding="utf-8"))
    assert list(stored["keys"].values()) == [computed_key()]
    assert _fresh_process_key(cache) == computed_key()


def test_installing_upgrading_and_removing_numba_changes_the_key(
    site: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    installed = computed_key()["numba"]
    assert _fresh_process_key(cache)["numba"] == installed
    shadow = _install(site, "numba", "99.1.0")  # found before the real one on sys.path
    assert _fresh_process_key(cache)["numba"] == "99.1.0"
    for path in shadow.iterdir():
        path.unlink()
    shadow.rmdir()
    _install(site, "numba", "99.2.0")
    assert _fresh_process_key(cache)["numba"] == "99.2.0"
    assert knowledge_key.environment_key(cache)["numba"] == "99.2.0"  # remembered in-process
    for path in (site / "numba-99.2.0.dist-info").iterdir():
        path.unlink()
    (site / "numba-99.2.0.dist-info").rmdir()
    assert _fresh_process_key(cache)["numba"] == installed


def test_a_new_numba_extension_changes_the_key(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _fresh_process_key(cache)["extensions"] == computed_key()["extensions"]
    _install(site, "my_ext", "0.1", "[numba_extensions]\ninit = my_ext:init\n")
    assert "init=my_ext:init@0.1" in _fresh_process_key(cache)["extensions"]


def test_a_damaged_or_foreign_file_is_recomputed(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / knowledge_key.FILE_NAME
    fingerprint = knowledge_key.installation_fingerprint()
    for text in (
        "{not json",
        json.dumps({"format": 0, "keys": {fingerprint: {"numba": "1.0"}}}),
        json.dumps({"format": knowledge_key.FORMAT, "keys": {fingerprint: {"numba": "1.0"}}}),
    ):
        path.write_text(text, encoding="utf-8")
        assert _fresh_process_key(cache) == computed_key()


def test_a_read_only_cache_is_no_failure(site: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")  # the cache folder cannot be created below it
    assert _fresh_process_key(blocked / "cache") == computed_key()


def test_unrelated_files_on_the_path_keep_the_fingerprint(site: Path) -> None:
    """The project's root is on the path (`python -m`): the cache folder or an editor's backup
    created there must not make the next run compute the key again. A module the key looks
    for (scipy copied in without its metadata) does change it."""
    before = knowledge_key.installation_fingerprint()
    (site / ".numba-lint").mkdir()
    (site / "notes.txt~").write_text("", encoding="utf-8")
    assert knowledge_key.installation_fingerprint() == before
    (site / "scipy").mkdir()
    assert knowledge_key.installation_fingerprint() != before
