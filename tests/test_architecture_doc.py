"""docs/architecture.md's tree names every module and package of numba_lint/, and nothing else.

The tree is how a newcomer finds the room a change belongs in: a module missing from it has no
room, and an entry whose file is gone sends them to the wrong one.
"""

from __future__ import annotations

import re
from pathlib import Path

import numba_lint

PACKAGE = Path(numba_lint.__file__).resolve().parent
DOC = PACKAGE.parent / "docs" / "architecture.md"
# A tree line: its indentation ("│   " per level), a branch, then the names it describes.
ENTRY = re.compile(r"^((?:│   |    )*)[├└]── (\S[^\[]*?)(?:\s{2,}|\s*\[|$)")


def _tree_lines() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    tree = text.split("## The tree", 1)[1].split("```", 2)[1]
    return tree.splitlines()


def _entries() -> list[tuple[Path, str]]:
    """(folder, name or glob) of every entry in the tree, nested entries under their package."""
    found: list[tuple[Path, str]] = []
    parents: list[Path] = [PACKAGE]
    for line in _tree_lines():
        match = ENTRY.match(line)
        if match is None:
            continue
        depth = len(match.group(1)) // 4
        del parents[depth + 1 :]
        for name in (part.strip() for part in match.group(2).split(",")):
            found.append((parents[depth], name))
            if name.endswith("/"):
                parents.append(parents[depth] / name.rstrip("/"))
    return found


def test_every_top_level_module_and_package_has_a_line() -> None:
    named = {name.rstrip("/") for folder, name in _entries() if folder == PACKAGE}
    present = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")
    }
    assert present - named == set(), "modules without a line in docs/architecture.md"


def test_every_entry_names_something_that_exists() -> None:
    entries = _entries()
    assert len(entries) > 40
    stale = [
        str((folder / name).relative_to(PACKAGE))
        for folder, name in entries
        if not list(folder.glob(name.rstrip("/")))
    ]
    assert stale == []
