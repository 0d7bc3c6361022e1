"""SourceFile -> ParsedModule (libcst tree + shared metadata), or a reason it could not be read.

Called by the static pass (`numba_lint/static/`), the editor's hover and `explain`. Decodes with
the file's PEP 263 encoding and turns a syntax error into a `SyntaxProblem` (NB001). The static
pass's faster parse of a reduced text (`static/reduced_parse.py`) builds the same
`ParsedModule`. Never imports or runs the code it parses.
"""

from __future__ import annotations

import ast
import io
import sys
import threading
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .discover import SourceFile

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from .lines import Lines
    from .names import Names

# libcst (and the modules built on it) are imported by the functions that parse with it: reading,
# decoding and Python's own parse serve runs whose files never mention numba, and those never
# import libcst (a one-file pre-commit run; tests/test_startup.py).


@dataclass
class ParsedModule:
    source: SourceFile
    text: str
    module_name: str
    wrapper: MetadataWrapper
    lines: list[str] = field(default_factory=list)
    # Python's ast of `text`, when an earlier step already built it (`statement_lines` reuses it).
    tree: ast.Module | None = field(default=None, repr=False, compare=False)

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    @property
    def names(self) -> Names:
        """The module's name resolver, built on first use and shared by every step."""
        found = self.__dict__.get("_names")
        if found is None:
            from .names import Names

            found = self.__dict__["_names"] = Names(self.module)
        return found

    @property
    def statement_lines(self) -> Lines:
        """First lines of defs, decorators and statement values (Python's ast, built once)."""
        found = self.__dict__.get("_statement_lines")
        if found is None:
            from .lines import Lines

            found = self.__dict__["_statement_lines"] = Lines(self.module, self.text, self.tree)
            self.tree = None  # the pairing keeps what it needs
        return found

    def line_of(self, node: cst.CSTNode) -> int:
        """libcst's start line of any node (computes libcst's positions for the whole module:
        the fallback when `statement_lines` cannot answer)."""
        from libcst.metadata import PositionProvider

        return self.wrapper.resolve(PositionProvider)[node].start.line


@dataclass(frozen=True)
class SyntaxProblem:
    source: SourceFile
    text: str
    row: int
    column: int
    message: str


@dataclass(frozen=True)
class Unreadable:
    source: SourceFile
    reason: str


def read_text(source: SourceFile) -> str | Unreadable:
    """The decoded text of a file, or why it cannot be read."""
    if source.text is not None:
        return source.text
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        return Unreadable(source, f"cannot read file: {exc.strerror or exc}")
    return decode(source, raw)


def decode(source: SourceFile, raw: bytes) -> str | Unreadable:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        text = raw.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        return Unreadable(source, f"cannot decode file: {exc}")
    return text.removeprefix("\ufeff")


def module_name_for(path: Path, resolved: Path | None = None) -> str:
    """Dotted module name, walking up through packages (folders with __init__.py).
    `resolved`: `path.resolve()`, when the caller has it."""
    path = resolved or path.resolve()
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) or path.stem


class _ThisThread(threading.local):
    # True while this thread runs libcst's parser (`parse_libcst`).
    parsing = False


_THIS_THREAD = _ThisThread()
# libcst's own `CSTNode.__post_init__` (its validation), once `_skip_while_parsing` replaced it.
_VALIDATE: Any = None
_install_lock = threading.Lock()


def _skip_while_parsing(node: cst.CSTNode) -> None:
    if not _THIS_THREAD.parsing:
        _VALIDATE(node)


def _install_switch() -> None:
    """Give libcst's nodes a per-thread switch for their validation, once per process."""
    global _VALIDATE
    import libcst as cst

    with _install_lock:
        if _VALIDATE is None:
            _VALIDATE = cst.CSTNode.__post_init__
            cst.CSTNode.__post_init__ = _skip_while_parsing  # type: ignore[method-assign, assignment]


def parse_libcst(text: str) -> cst.Module:
    """`cst.parse_module`, without re-validating every node the parser builds: validation is
    for trees built by hand (libcst's own comment on `CSTNode.__post_init__` says so), and it
    was a third of the parse time. The switch is per thread: the language server parses on two
    threads, and a node another thread builds meanwhile is still validated."""
    import libcst as cst

    _install_switch()
    outer = _THIS_THREAD.parsing
    _THIS_THREAD.parsing = True
    try:
        return cst.parse_module(text)
    finally:
        _THIS_THREAD.parsing = outer


_RUNNING_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def python_parse(source: SourceFile, text: str) -> ast.Module | SyntaxProblem:
    """Python's ast of `text`, or the error Python itself gives: the running Python is the one
    Numba compiles for, so syntax it cannot read (a newer release's) is an error here too."""
    try:
        # Not under the file's name: Python reads the line of a file that exists to place the
        # column, and the text checked may differ from the disk (a buffer, a notebook's cells).
        return ast.parse(text, "<checked text>")
    except SyntaxError as error:
        if "null bytes" in error.msg:  # Python gives no position
            return _nul_problem(source, text, error.msg)
        message = error.msg
        if message.startswith("invalid syntax"):
            # It may be valid in a newer Python; Numba compiles for this one.
            message += f" (Python {_RUNNING_PYTHON} grammar)"
        return SyntaxProblem(
            source=source,
            text=text,
            row=max(error.lineno or 1, 1),
            column=max(error.offset or 1, 1),
            message=message,
        )
    except ValueError as error:  # older Pythons: NUL bytes
        return _nul_problem(source, text, str(error))
    except (RecursionError, MemoryError):
        return SyntaxProblem(
            source=source,
            text=text,
            row=1,
            column=1,
            message=f"too deeply nested for Python {_RUNNING_PYTHON} to compile (nor can Numba)",
        )


def _nul_problem(source: SourceFile, text: str, message: str) -> SyntaxProblem:
    """The error at the first NUL byte."""
    before = text[: max(text.find("\0"), 0)]
    row = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return SyntaxProblem(source=source, text=text, row=row, column=column, message=message)


def parse(
    source: SourceFile, text: str, python_tree: ast.Module | None = None
) -> ParsedModule | SyntaxProblem:
    """`python_tree`: Python's ast of `text`, when the caller has it already."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    tree = python_tree
    if tree is None:
        # Python's own parser first: it places errors better, says them in the words users
        # know, and bounds what reaches libcst, whose native parser overflows its stack on
        # nesting Python rejects (thousands of brackets) and slows to minutes on long chains.
        parsed = python_parse(source, text)
        if isinstance(parsed, SyntaxProblem):
            return parsed
        tree = parsed
    try:
        module = parse_libcst(text)
    except cst.ParserSyntaxError as exc:
        return SyntaxProblem(
            source=source,
            text=text,
            row=max(exc.raw_line, 1),
            column=max(exc.raw_column, 0) + 1,
            message=exc.message.splitlines()[0] if exc.message else "invalid syntax",
        )
    except (RecursionError, ValueError) as exc:
        return SyntaxProblem(source=source, text=text, row=1, column=1, message=str(exc))
    return ParsedModule(
        source=source,
        text=text,
        module_name=source.module_name,
        wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
        lines=text.splitlines(),
        tree=tree,
    )
