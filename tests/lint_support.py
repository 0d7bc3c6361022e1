"""Run the real static pass on source strings or fixture folders (shared by the rule tests)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from numba_lint.config import Config
from numba_lint.diagnostic import Diagnostic
from numba_lint.pipeline import Options, run


def lint_files(
    root: Path, files: dict[str, str], codes: list[str], default_selection: bool = False
) -> list[Diagnostic]:
    """Write `files` (relative path -> source) under `root` and check them statically."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return lint_tree(root, codes, default_selection)


def lint_tree(root: Path, codes: list[str], default_selection: bool = False) -> list[Diagnostic]:
    """Check `root` statically; keep `codes` (selected explicitly unless `default_selection`)."""
    select = [] if default_selection else codes
    config = Config(project_root=root, select=select, static_only=True, cache=False)
    report = run(config, Options(paths=[str(root)]))
    assert not report.errors, report.errors
    return [d for d in report.diagnostics if d.code in codes]


def rows(diagnostics: list[Diagnostic], code: str | None = None) -> list[tuple[str, int, str]]:
    """(file name, row, code) triples, for compact assertions."""
    return sorted(
        (Path(d.filename).name, d.location.row, d.code)
        for d in diagnostics
        if code is None or d.code == code
    )


def lint_source(
    root: Path, text: str, codes: list[str], default_selection: bool = False
) -> list[tuple[int, str]]:
    found = lint_files(root, {"module.py": text}, codes, default_selection)
    return [(row, code) for _, row, code in rows(found)]
