"""Argument types from a harvested signatures file (`numba-lint harvest` writes it).

The parent reads the file once per run (`load_harvest`) and looks each jitted function up in it
(`harvested`): its recorded argument spellings, or a note saying why they cannot be used (stale
parameters, nothing storable). It never imports Numba.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...parse import ParsedModule


def relative_path(parsed: ParsedModule, project_root: Path) -> str:
    try:
        return parsed.source.path.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        return parsed.source.path.as_posix()


def harvested(
    parsed: ParsedModule,
    project_root: Path,
    harvest: Mapping[str, Any],
    qualname: str,
    shapes: dict[str, Any],
) -> tuple[tuple[tuple[str, ...], ...], str | None]:
    """(argument spellings per signature, note) from the signatures file for one function.

    `shapes` caches the module's function shapes (qualname -> node), filled on the first lookup
    that finds an entry and shared by the module's later lookups."""
    if not harvest:
        return (), None
    from ... import signatures_file as sf

    entry = sf.lookup(harvest, relative_path(parsed, project_root), qualname)
    if entry is None:
        return (), None
    if not shapes:
        try:
            shapes.update(sf.function_sources(parsed.text))
        except SyntaxError:
            pass
        shapes.setdefault("", None)
    node = shapes.get(entry.qualname)
    stale = sf.staleness(entry, sf.shape_of(node)) if node is not None else None
    if stale == "params":
        return (), (
            "harvested signatures are stale (the parameters changed since the harvest): "
            "re-run `numba-lint harvest`"
        )
    if not entry.signatures:
        # In the file, yet nothing to type it with: the reason replaces "no argument types".
        why = "; ".join(entry.unstorable) or "no signature was recorded"
        return (), f"the harvest compiled it but could store no signature: {why}"
    note = "harvested before the body last changed" if stale == "body" else None
    return tuple(tuple(sig) for sig in entry.signatures), note


def load_harvest(project_root: Path, signatures_file: str) -> tuple[dict[str, Any], str | None]:
    """The harvested signatures (empty when there is no file) and a problem, if any.

    The path is resolved by config.signatures_path, the rule `harvest` writes by."""
    from ...config import signatures_path

    path = signatures_path(project_root, signatures_file)
    if not path.is_file():
        return {}, None
    from ... import signatures_file as reader

    try:
        return dict(reader.load_signatures(path)), None
    except Exception as exc:  # noqa: BLE001 - a broken file is reported, not fatal
        return {}, f"{path}: cannot read signatures file: {exc}"
