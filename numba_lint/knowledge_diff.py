"""`numba-lint knowledge --diff OTHER`: what changes for the static rules between two Numbas.

OTHER is a knowledge file (JSON, as `numba-lint knowledge` builds and caches them) or a Numba
version with a table shipped in the wheel or built in the cache folder. Compares this
environment's knowledge with OTHER's and prints what becomes supported or unsupported when
moving to OTHER: callables, accepted keywords, syntax probes, attribute names, whole modules.
Reads JSON only; never imports Numba.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

from .knowledge import DATA_DIR, Knowledge, default_cache_dir, load_knowledge
from .knowledge_build.environment import environment_key


class DiffError(Exception):
    """OTHER names no readable knowledge table: one line, exit 2."""


def _tables() -> list[Path]:
    """Every knowledge table this machine holds: shipped ones, then built ones."""
    found: list[Path] = []
    for folder in (DATA_DIR, default_cache_dir()):
        if folder.is_dir():
            found.extend(sorted(folder.glob("knowledge-numba-*.json")))
    return found


def _read(path: Path) -> Knowledge:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DiffError(f"{path}: not a readable knowledge file ({exc})") from exc
    if not isinstance(data, dict) or "callables" not in data:
        raise DiffError(f"{path}: not a knowledge file (no 'callables')")
    return Knowledge.from_json(data, origin=str(path))


def resolve(other: str) -> Knowledge:
    """A knowledge file's path, or a Numba version: its table for the closest environment
    (same Python and SciPy presence preferred)."""
    path = Path(other).expanduser()
    if path.is_file():
        return _read(path)
    candidates = [p for p in _tables() if p.name.startswith(f"knowledge-numba-{other}_")]
    if not candidates:
        versions = sorted(
            {p.name.split("_")[0].removeprefix("knowledge-numba-") for p in _tables()}
        )
        raise DiffError(
            f"no knowledge table for Numba {other} (tables here: {', '.join(versions) or 'none'});"
            " run `numba-lint knowledge` in an environment with that Numba and pass the file it"
            " names"
        )
    here = environment_key()
    wanted = (f"_py-{here['python']}_", "_scipy" if here["scipy"] else "_noscipy")

    def closeness(path: Path) -> tuple[int, str]:
        return (-sum(part in path.name for part in wanted), path.name)

    return _read(min(candidates, key=closeness))


def _names(title: str, names: Iterable[str]) -> list[str]:
    listed = sorted(names)
    if not listed:
        return []
    return [f"{title} ({len(listed)}):", *(f"  {name}" for name in listed)]


def _keywords(base: Knowledge, other: Knowledge) -> list[str]:
    """Callables supported in both whose accepted keyword names changed."""
    lines = []
    for name in sorted(set(base.callables) & set(other.callables)):
        before, after = base.callables[name], other.callables[name]
        if not (before.supported and after.supported):
            continue
        if before.parameters is None or after.parameters is None:
            continue
        added = sorted(set(after.parameters) - set(before.parameters))
        removed = sorted(set(before.parameters) - set(after.parameters))
        if added or removed:
            change = ", ".join([*(f"+{k}" for k in added), *(f"-{k}" for k in removed)])
            lines.append(f"  {name}: {change}")
    return [f"keywords accepted ({len(lines)}):", *lines] if lines else []


def _label(knowledge: Knowledge) -> str:
    key = knowledge.key
    scipy = "SciPy" if key.get("scipy") else "no SciPy"
    return (
        f"Numba {key.get('numba')} (NumPy {key.get('numpy')}, Python {key.get('python')}, {scipy})"
    )


def diff(base: Knowledge, other: Knowledge) -> str:
    """What the static rules see differently with `other` than with `base`."""

    def supported(knowledge: Knowledge) -> set[str]:
        return {n for n, info in knowledge.callables.items() if info.supported}

    def unsupported(knowledge: Knowledge) -> set[str]:
        return {n for n, info in knowledge.callables.items() if not info.supported}

    # Only names both tables examined change verdict; a name one table never saw is unknown.
    both = set(base.callables) & set(other.callables)
    probes = set(base.syntax) & set(other.syntax)
    sections = [
        _names("becomes supported", both & supported(other) & unsupported(base)),
        _names("becomes unsupported", both & unsupported(other) & supported(base)),
        _keywords(base, other),
        _names(
            "syntax that now compiles",
            {p for p in probes if other.syntax[p]} - {p for p in probes if base.syntax[p]},
        ),
        _names(
            "syntax that now fails",
            {p for p in probes if base.syntax[p]} - {p for p in probes if other.syntax[p]},
        ),
        _names("attribute names added", other.attributes - base.attributes),
        _names("attribute names removed", base.attributes - other.attributes),
        _names(
            "modules no longer wholly unsupported",
            base.unsupported_modules - other.unsupported_modules,
        ),
        _names(
            "modules now wholly unsupported", other.unsupported_modules - base.unsupported_modules
        ),
    ]
    header = [f"from {_label(base)}", f"  to {_label(other)}"]
    body = [line for section in sections for line in section]
    return "\n".join(header + (body or ["no difference the static rules can see"])) + "\n"


def diff_main(other: str) -> int:
    """`numba-lint knowledge --diff OTHER` -> exit code (2: OTHER or this environment unknown)."""
    try:
        target = resolve(other)
    except DiffError as exc:
        sys.stderr.write(f"numba-lint: error: {exc}\n")
        return 2
    base, note = load_knowledge()
    if base is None:
        sys.stderr.write(f"numba-lint: error: {note}\n")
        return 2
    sys.stdout.write(diff(base, target))
    return 0
