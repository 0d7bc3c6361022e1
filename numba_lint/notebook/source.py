"""Notebook cells -> Python modules, IPython syntax neutralised without moving any line.

The code cells, in order, form one module (what the kernel runs when the notebook runs top to
bottom). A `%%file name.py` / `%%writefile name.py` cell is a module of its own named after the
file it writes (`-a` appends to an earlier one); other cell magics (`%%timeit`, `%%bash`, ...)
hold code in another language or code run in a loop, so they are skipped and counted.

Line magics (also common ones written without `%`), shell escapes (`!cmd`, `x = !cmd`) and
help (`obj?`, `??obj`) become `pass` at the same indentation, so every other line keeps its
number and the module still parses. `%time expr` / `%timeit expr` keep the timed expression, in
parentheses at its own columns: it is a call site whose argument types the trial compile can
use, and like every call it is never executed. A cell that still does not parse is recorded as
a syntax error and left blank, as Jupyter compiles each cell on its own. Nothing is run here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from .read import Cell, Notebook

# `%%time` and `%%capture` run their body as ordinary code in the kernel's namespace.
_PYTHON_CELL_MAGICS = frozenset({"time", "capture"})
_WRITE_MAGICS = frozenset({"file", "writefile"})
# Line magics people write without `%` (IPython's automagic) in notebooks.
_AUTOMAGICS = frozenset(
    {"pip", "conda", "mamba", "cd", "ls", "pwd", "env", "load_ext", "matplotlib", "time"}
    | {"timeit", "run", "reset", "who", "whos", "history", "mkdir", "rm", "cp", "mv", "cat"}
    | {"clear", "less", "man", "alias", "autoreload", "config", "prun", "precision", "xmode"}
)
_ASSIGNED_ESCAPE = re.compile(r"^\s*[\w.,\s\[\]()*]+?=\s*[!%]")
_TIMED = re.compile(r"^(\s*)(%timeit|%time)\b((?:\s+-[a-z]\s*\d*)*)")


@dataclass
class VirtualModule:
    # "" for the notebook's own module, else the file a %%writefile cell writes ("kernels.py").
    name: str
    lines: list[str] = field(default_factory=list)
    # (cell number, 1-based line in the cell) of each line of `lines`.
    rows: list[tuple[int, int]] = field(default_factory=list)
    # (row, column, message) of each cell that does not parse (its lines are blank here).
    syntax_errors: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def add(self, cell: Cell, lines: list[str], first: int) -> None:
        self.lines.extend(lines)
        self.rows.extend((cell.number, first + offset) for offset in range(len(lines)))


@dataclass
class NotebookModules:
    modules: list[VirtualModule]
    # cell magic name -> how many cells it made skip (`{"timeit": 2, "bash": 1}`).
    skipped: dict[str, int] = field(default_factory=dict)


def notebook_modules(notebook: Notebook) -> NotebookModules:
    main = VirtualModule("")
    result = NotebookModules([main])
    written: dict[str, VirtualModule] = {}
    for cell in notebook.cells:
        if cell.kind != "code" or not cell.lines:
            continue
        magic, start = _cell_magic(cell.lines)
        if magic is None:
            _add_code(main, cell, neutralised(list(cell.lines)))
            continue
        name, arguments = magic
        body = list(cell.lines[start + 1 :])
        if name in _PYTHON_CELL_MAGICS:
            # The magic line itself becomes `pass`; the body is ordinary code.
            blank = ["pass" if i == start else "" for i in range(start + 1)]
            _add_code(main, cell, blank + neutralised(body))
            continue
        target = _written_python_file(name, arguments)
        if target is None:
            result.skipped[name] = result.skipped.get(name, 0) + 1
            continue
        path, append = target
        module = written.get(path) if append else None
        if module is None:
            module = written[path] = VirtualModule(path)
            result.modules.append(module)
        # %%writefile writes the body as it is: IPython syntax in it is not transformed.
        module.add(cell, body, start + 2)
    return result


def _add_code(main: VirtualModule, cell: Cell, lines: list[str]) -> None:
    """Jupyter compiles each cell on its own: a cell that does not parse is one syntax error
    (kept with its module row) and blank lines, so the other cells are still checked."""
    try:
        compile("".join(line + "\n" for line in lines), "<cell>", "exec", ast.PyCF_ONLY_AST, True)
    except SyntaxError as error:
        line = min(max(error.lineno or 1, 1), len(lines))
        main.syntax_errors.append((len(main.lines) + line, max(error.offset or 1, 1), error.msg))
        lines = [""] * len(lines)
    except (ValueError, RecursionError, MemoryError):
        pass  # the parse of the whole module reports it
    main.add(cell, lines, 1)


def _cell_magic(lines: tuple[str, ...]) -> tuple[tuple[str, list[str]] | None, int]:
    """((magic name, its arguments), line index) when the cell starts with `%%name`."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("%%"):
            words = stripped[2:].split()
            if words:
                return (words[0], words[1:]), index
        return None, 0
    return None, 0


def _written_python_file(name: str, arguments: list[str]) -> tuple[str, bool] | None:
    """(file name, whether it appends) for a %%writefile of a Python file; None otherwise."""
    if name not in _WRITE_MAGICS:
        return None
    append = any(a in ("-a", "--append") for a in arguments)
    files = [a for a in arguments if not a.startswith("-")]
    if len(files) != 1:
        return None
    path = files[0].strip("'\"")
    return (path, append) if path.endswith(".py") else None


def neutralised(lines: list[str]) -> list[str]:
    """`lines` with every line of IPython syntax replaced, line for line."""
    result: list[str] = []
    scanner = _Continuation()
    for line in lines:
        if scanner.at_statement and _looks_like_ipython(line):
            line = _replacement(line)
        scanner.feed(line)
        result.append(line)
    return result


def _looks_like_ipython(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return False
    if stripped[0] in "%!?":
        return True
    if stripped.endswith("?") and "#" not in stripped:
        return True
    if stripped.split(maxsplit=1)[0] in _AUTOMAGICS and not _compiles(stripped, "exec"):
        return True  # `pip install numba`: a magic without its %, and not Python
    return bool(_ASSIGNED_ESCAPE.match(line))


def _replacement(line: str) -> str:
    """What replaces a line of IPython syntax that starts a statement."""
    indent = line[: len(line) - len(line.lstrip())]
    timed = _TIMED.match(line)
    if timed:
        rest = line[timed.end() :]
        if rest.strip() and _compiles(rest.strip(), "eval"):
            # `%time f(x)` -> `(     f(x))`: the expression keeps its columns.
            return indent + "(" + " " * (timed.end() - len(indent) - 1) + rest + ")"
        if rest.strip() and _compiles(rest.strip(), "exec"):
            return indent + rest.strip()  # `%time y = f(x)`: columns move left on this line
    return indent + "pass"


_TRIPLE_QUOTES = ("'''", '"""')


class _Continuation:
    """Whether the next line starts a statement or continues one (inside brackets or a
    triple-quoted string, or after a backslash), in one pass over the lines: IPython syntax is
    recognised only where a statement starts; elsewhere it is text."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the triple quote of a string still open
        self.backslash = False

    @property
    def at_statement(self) -> bool:
        return self.depth == 0 and not self.quote and not self.backslash

    def feed(self, line: str) -> None:
        self.backslash = False
        at = 0
        while at < len(line):
            if self.quote:
                close = _string_end(line, at, self.quote)
                if close < 0:
                    return
                self.quote, at = "", close
                continue
            char = line[at]
            if char == "#":
                return
            if char in "'\"":
                quote = line[at : at + 3] if line[at : at + 3] in _TRIPLE_QUOTES else char
                close = _string_end(line, at + len(quote), quote)
                if close < 0:
                    # A triple quote goes on; a one-quote string cannot (a syntax error).
                    self.quote = quote if len(quote) == 3 else ""
                    return
                at = close
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(self.depth - 1, 0)
            elif char == "\\" and at == len(line) - 1:
                self.backslash = True
            at += 1


def _string_end(line: str, at: int, quote: str) -> int:
    """The index after the closing `quote` from `at` on (escapes skipped); -1 if none."""
    while at < len(line):
        if line[at] == "\\":
            at += 2
        elif line.startswith(quote, at):
            return at + len(quote)
        else:
            at += 1
    return -1


def _compiles(text: str, mode: str) -> bool:
    try:
        compile(text, "<timed>", mode, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True
