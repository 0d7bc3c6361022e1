"""Command-line paths -> the Python source files to check.

Called first by the pipeline. Walks folders recursively, honours the configured excludes
(gitignore-style patterns, matched against paths relative to the project root) and reads
stdin for "-". Never parses code; reading a file's bytes happens here, decoding in `parse`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import translate
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

# Jupyter notebooks are read as the Python modules their code cells form (numba_lint/notebook).
PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
# What gives a gitignore pattern more meaning than a shell glob of one path component: a path
# (`/`), negation, escapes, character classes, comments, `**` (see `component_globs`).
_GITIGNORE_SYNTAX = frozenset("/!\\[]#")


@dataclass(frozen=True)
class SourceFile:
    """One file to check. `display` is the path as the user should see it."""

    path: Path
    display: str
    # Source given directly (stdin, editor buffer); None means read `path` from disk.
    text: str | None = None
    # (module name, path, text) of modules the trial compile imports from these texts instead
    # of from disk: the files a notebook's %%writefile cells write (numba_lint/notebook).
    companions: tuple[tuple[str, str, str], ...] = field(default=(), compare=False, repr=False)
    # `path.resolve()`, when discovery worked it out (it resolves every file it walks).
    resolved: Path | None = field(default=None, compare=False, repr=False)

    @cached_property
    def module_name(self) -> str:
        """The dotted module name of `path` (`parse.module_name_for`), worked out once per
        run: the static cache, the engine's plan and its workers all ask for it."""
        from .parse import module_name_for

        return module_name_for(self.path, self.resolved)


@dataclass
class Discovery:
    files: list[SourceFile]
    # Paths that do not exist: exit code 2.
    errors: list[str]
    # Folders without Python files: said on stderr, not an error (as ruff does).
    notes: list[str]


def resolve_safely(path: Path) -> Path:
    """`path.resolve()`, or the absolute path when a symbolic link loops (resolve raises):
    the file is still listed, and reading it gives the diagnostic."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


class ExcludeMatcher:
    def __init__(self, patterns: Iterable[str], root: Path) -> None:
        self.root = root.resolve()
        self.patterns = list(patterns)
        globs = component_globs(self.patterns)
        # One expression for every glob, matched against each name on the path; None: the
        # patterns need pathspec (`spec`).
        self.names: re.Pattern[str] | None = None
        if globs is not None:
            self.names = re.compile("|".join(translate(glob) for glob in globs) or "(?!)")

    @cached_property
    def spec(self) -> pathspec.GitIgnoreSpec:
        # Built on first use, for patterns that are more than globs of one name.
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(self.patterns)

    def excluded(self, path: Path, resolved: Path | None = None) -> bool:
        """`resolved`: `path.resolve()`, when the caller has it (a walk knows its folder's)."""
        try:
            relative = (resolved or resolve_safely(path)).relative_to(self.root)
        except ValueError:
            relative = Path(path.name)
        if self.names is not None:
            return any(self.names.match(part) for part in relative.parts)
        text = relative.as_posix()
        if path.is_dir():
            text += "/"
        # Match every ancestor too, so "build" excludes "build/x/y.py".
        parts = relative.parts
        for depth in range(1, len(parts)):
            if self.spec.match_file("/".join(parts[:depth]) + "/"):
                return True
        return self.spec.match_file(text)


def component_globs(patterns: Sequence[str]) -> tuple[str, ...] | None:
    """The patterns, when each is a glob of one path component (`build`, `*.egg-info`, the
    default excludes): gitignore matches such a pattern against every file and folder name on
    the path, as a shell glob (`fnmatch`, case-sensitive) matches one name, so no pathspec is
    imported (a tenth of a pre-commit run's start-up). None when one uses more of gitignore."""
    for pattern in patterns:
        if not pattern or pattern != pattern.strip() or "**" in pattern:
            return None
        if not _GITIGNORE_SYNTAX.isdisjoint(pattern):
            return None
    return tuple(patterns)


def display_path(path: Path, cwd: Path | None = None, resolved: Path | None = None) -> str:
    """`path` relative to `cwd` when it lies below it (`resolved`: `path.resolve()`, when the
    caller has it; `cwd` is taken as resolved when given)."""
    cwd = cwd or Path.cwd().resolve()
    try:
        shown = (resolved or resolve_safely(path)).relative_to(cwd).as_posix()
    except ValueError:
        shown = path.as_posix()
    return printable_name(shown)


def printable_name(name: str) -> str:
    """A file name as valid Unicode: bytes that are not UTF-8 (Linux allows any) arrive as
    lone surrogates, which no output format can encode; they are shown as `\\xe9`, as git
    does. Reading still uses the real path."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def discover(
    paths: Iterable[str],
    excludes: Iterable[str],
    root: Path,
    force_exclude: bool = False,
) -> Discovery:
    """Expand `paths` into source files.

    Files named explicitly are checked even when an exclude matches them, unless
    `force_exclude` is set (pre-commit passes every staged file explicitly).
    """
    matcher = ExcludeMatcher(excludes, root)
    files: list[SourceFile] = []
    errors: list[str] = []
    notes: list[str] = []
    seen: set[Path] = set()
    cwd = Path.cwd().resolve()

    def add(path: Path, resolved: Path | None = None) -> None:
        key = resolved or resolve_safely(path)
        if key not in seen:
            seen.add(key)
            # A link that points nowhere is named by itself in its diagnostic.
            shown = key if resolved or key.exists() else path.absolute()
            found = SourceFile(path=path, display=display_path(path, cwd, shown), resolved=key)
            files.append(found)

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            broken = "a symbolic link that loops or points nowhere"
            errors.append(f"{raw}: {broken if path.is_symlink() else 'no such file or directory'}")
            continue
        if path.is_file():
            if force_exclude and matcher.excluded(path):
                continue
            add(path)
            continue
        found = 0
        for folder, subfolders, names in os.walk(path):
            here = Path(folder)
            here_resolved = here.resolve()  # once per folder, not once per file
            subfolders[:] = sorted(
                d for d in subfolders if not matcher.excluded(here / d, _child(here_resolved, d))
            )
            for name in sorted(names):
                candidate = here / name
                if candidate.suffix not in PYTHON_SUFFIXES:
                    continue
                resolved = _child(here_resolved, name)
                if not matcher.excluded(candidate, resolved):
                    add(candidate, resolved)
                    found += 1
        if found == 0:
            notes.append(f"{raw}: no Python files found")
    files.sort(key=lambda f: f.display)
    return Discovery(files=files, errors=errors, notes=notes)


def _child(folder_resolved: Path, name: str) -> Path | None:
    """The resolved path of `name` in a resolved folder without resolving it again (one
    `lstat`, not one per part of the path); None for a symbolic link (it is resolved)."""
    child = folder_resolved / name
    return None if os.path.islink(child) else child
