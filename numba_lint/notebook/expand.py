"""The pipeline's two notebook steps: .ipynb files -> virtual modules, and findings -> cells.

`expand_notebooks` replaces each discovered notebook by the Python modules its code cells form
(`source.notebook_modules`), as SourceFiles whose text is given, so every later step (parse,
jit index, static rules, the dynamic pass's worker, `# noqa`) treats them as .py files. The
notebook's own module keeps the notebook's path and display name; a `%%writefile kernels.py`
module has the path of the file it writes and the display `nb.ipynb[kernels.py]` until
`relocate` turns every finding back into `nb.ipynb` with its cell position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostic import Diagnostic, FunctionCoverage, Location, Pass, Report
from ..discover import SourceFile, resolve_safely
from ..listing import listing_order
from ..parse import Unreadable, module_name_for, read_text

if TYPE_CHECKING:
    from .read import Notebook, NotebookProblem
    from .source import VirtualModule

# The notebook reader, its cell-to-module step and positions are imported by runs that meet a
# notebook: every run passes through `expand_notebooks`, few check one.

NOTEBOOK_SUFFIX = ".ipynb"
# How messages name a line of the module they are about ("passed at line 17").
_LINE_WORDS = re.compile(r"\bline (\d+)\b")


@dataclass(frozen=True)
class Origin:
    """Where one virtual module came from."""

    notebook: Notebook
    display: str
    path: Path
    module: VirtualModule


@dataclass
class Notebooks:
    # Display of each virtual module -> its origin.
    origins: dict[str, Origin] = field(default_factory=dict)
    # One NB001 per notebook that could not be read as one.
    problems: list[Diagnostic] = field(default_factory=list)
    # Display -> path of the notebooks those problems are about.
    unread: dict[str, Path] = field(default_factory=dict)

    @property
    def paths(self) -> dict[str, Path]:
        """Display of each virtual module -> the notebook's path (per-file-ignores match it)."""
        return {**self.unread, **{d: origin.path for d, origin in self.origins.items()}}

    def relocate(self, report: Report, order: Callable[[Diagnostic], Any]) -> None:
        """Findings and functions of virtual modules -> the notebook, with cell positions."""
        if not self.origins:
            return
        report.diagnostics = sorted((self._moved(d) for d in report.diagnostics), key=order)
        # Re-sorted: a %%writefile module listed after the notebook's own may sit above it.
        report.functions = sorted(
            (self._moved_function(f) for f in report.functions), key=listing_order
        )
        for display in self.origins:
            report.sources.pop(display, None)
        reported = {d.filename for d in report.diagnostics}
        fallback: set[str] = set()
        for origin in self.origins.values():
            if origin.display in reported:  # the physical lines, as for a .py file
                report.sources[origin.display] = list(origin.notebook.raw_lines)
            if not origin.notebook.exact_layout:
                fallback.add(origin.display)
        for display in sorted(fallback & reported):
            report.notes.append(
                f"{display}: not saved one source line per JSON line, so SARIF and GitHub "
                "positions point at the line where each cell's source starts"
            )

    def _moved(self, diagnostic: Diagnostic) -> Diagnostic:
        from .positions import cell_position

        origin = self.origins.get(diagnostic.filename)
        if origin is None or not origin.module.rows or diagnostic.cell is not None:
            return diagnostic
        position, start, end = cell_position(
            origin.notebook, origin.module.rows, diagnostic.location, diagnostic.end_location
        )
        return replace(
            diagnostic,
            filename=origin.display,
            location=start,
            end_location=end,
            cell=position,
            message=in_cells(diagnostic.message, origin.module.rows),
        )

    def _moved_function(self, function: FunctionCoverage) -> FunctionCoverage:
        origin = self.origins.get(function.filename)
        if origin is None or not origin.module.rows:
            return function
        from .positions import cell_line, physical_location

        number, line = cell_line(origin.module.rows, function.line)
        cell = origin.notebook.cells[number - 1]
        physical = physical_location(origin.notebook, cell, line, 1)
        return replace(function, filename=origin.display, line=physical.row, cell=(number, line))


def in_cells(message: str, rows: list[tuple[int, int]]) -> str:
    """ "passed at line 17" (a line of the virtual module) -> "passed at cell 7, line 3"."""

    def cell_words(match: re.Match[str]) -> str:
        row = int(match.group(1))
        if not 1 <= row <= len(rows):
            return match.group(0)
        number, line = rows[row - 1]
        return f"cell {number}, line {line}"

    return _LINE_WORDS.sub(cell_words, message)


def expand_notebooks(
    sources: list[SourceFile], report: Report
) -> tuple[list[SourceFile], Notebooks]:
    """`sources` with each notebook replaced by its virtual modules."""
    notebooks = Notebooks()
    expanded: list[SourceFile] = []
    taken: set[Path] = set()  # paths of the %%writefile modules
    for source in sources:
        if source.path.suffix != NOTEBOOK_SUFFIX:
            expanded.append(source)
            continue
        text = read_text(source)
        if isinstance(text, Unreadable):
            report.errors.append(f"{source.display}: {text.reason}")
            continue
        from .read import NotebookProblem, read_notebook

        notebook = read_notebook(text)
        if isinstance(notebook, NotebookProblem):
            notebooks.problems.append(_problem(source, notebook))
            notebooks.unread[source.display] = source.path
            continue
        if notebook.language != "python":
            report.notes.append(
                f"{source.display}: not a Python notebook (kernel language "
                f"{notebook.language!r}), not checked"
            )
            continue
        expanded.extend(_virtual_sources(source, notebook, notebooks, report, taken))
    written = {
        resolve_safely(s.path): s.display for s in expanded if s.display in notebooks.origins
    }
    if not written:  # no notebook: no file can be one that a notebook writes
        return expanded, notebooks
    kept = []
    for source in expanded:  # discovery resolved the files it walked: not again here
        writer = written.get(source.resolved or resolve_safely(source.path))
        if writer is not None and source.display not in notebooks.origins:
            report.notes.append(f"{source.display}: checked as {writer}, which writes it")
            continue
        kept.append(source)
    return kept, notebooks


def _virtual_sources(
    source: SourceFile,
    notebook: Notebook,
    notebooks: Notebooks,
    report: Report,
    taken: set[Path],
) -> list[SourceFile]:
    from .source import notebook_modules

    found = notebook_modules(notebook)
    if found.skipped:
        magics = ", ".join(f"%%{name} ({count})" for name, count in sorted(found.skipped.items()))
        total = sum(found.skipped.values())
        report.notes.append(
            f"{source.display}: {total} cell{'s' if total != 1 else ''} skipped "
            f"(cell magics: {magics})"
        )
    # The last version of each written file has its real path; an earlier one (the cell was
    # rewritten further down) or one another notebook already writes gets a path of its own.
    last = {module.name: position for position, module in enumerate(found.modules)}
    virtual = []
    for position, module in enumerate(found.modules):
        path, display = source.path, source.display
        if module.name:
            path = source.path.parent / module.name
            display = f"{source.display}[{module.name}]"
            if last[module.name] != position or resolve_safely(path) in taken:
                cell = module.rows[0][0] if module.rows else position
                path = source.path.parent / f".{source.path.stem}.cell{cell}" / module.name
                display = f"{source.display}[{module.name}, cell {cell}]"
            taken.add(resolve_safely(path))
        notebooks.origins[display] = Origin(notebook, source.display, source.path, module)
        virtual.append(SourceFile(path=path, display=display, text=module.text))
        notebooks.problems.extend(
            _syntax_error(display, row, column, message)
            for row, column, message in module.syntax_errors
        )
    # The files the %%writefile cells write, importable by the notebook's other modules in the
    # trial compile before the notebook has ever run.
    written = [
        (module_name_for(s.path), str(resolve_safely(s.path)), s.text or "") for s in virtual[1:]
    ]
    return [
        replace(s, companions=tuple(c for c in written if c[1] != str(resolve_safely(s.path))))
        for s in virtual
    ]


def _syntax_error(display: str, row: int, column: int, message: str) -> Diagnostic:
    """NB001 for a cell that does not parse, at its virtual module's row (moved by `relocate`)."""
    from ..checks.syntax_error import SyntaxErrorRule  # the rules: only for a broken notebook

    rule = SyntaxErrorRule
    return Diagnostic(
        filename=display,
        location=Location(row, column),
        end_location=Location(row, column + 1),
        code=rule.code,
        message=rule.message.format(detail=message),
        severity=rule.severity,
        pass_=Pass.STATIC,
        url=rule.url(),
    )


def _problem(source: SourceFile, problem: NotebookProblem) -> Diagnostic:
    from ..checks.syntax_error import SyntaxErrorRule

    rule = SyntaxErrorRule
    return Diagnostic(
        filename=source.display,
        location=Location(problem.row, problem.column),
        end_location=Location(problem.row, problem.column + 1),
        code=rule.code,
        message=f"cannot read notebook: {problem.message}",
        severity=rule.severity,
        pass_=Pass.STATIC,
        url=rule.url(),
    )
