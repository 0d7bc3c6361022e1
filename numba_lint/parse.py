"""SourceFile -> ParsedModule (libcst tree + shared metadata), or a reason it could not be read.

Called by the pipeline after discovery. Decodes with the file's PEP 263 encoding, skips the
libcst parse for files that cannot involve Numba (the cheap text prefilter), and turns a
syntax error into one NB001 diagnostic. Never imports or runs the code it parses.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from .discover import SourceFile
from .reduce import reduce_text

# A file can only contain jitted code if it mentions numba, or imports a project module that
# re-exports numba's decorators (found by `reexporting_modules`).
_NUMBA_WORD = re.compile(rb"\bnumba\b")


@dataclass
class ParsedModule:
    source: SourceFile
    text: str
    module_name: str
    wrapper: MetadataWrapper
    lines: list[str] = field(default_factory=list)

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module


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


def module_name_for(path: Path) -> str:
    """Dotted module name, walking up through packages (folders with __init__.py)."""
    path = path.resolve()
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) or path.stem


def may_use_numba(text: str, reexporting: Iterable[str] = ()) -> bool:
    """Cheap test: could this file contain jitted code? False means skip the parse."""
    data = text.encode("utf-8", "surrogatepass")
    if _NUMBA_WORD.search(data):
        return True
    for module in reexporting:
        if module and module.encode() in data:
            return True
        # Relative imports: "from ._jit import njit" names only the last part.
        tail = module.rsplit(".", 1)[-1]
        if tail and re.search(rb"from\s+\.+" + re.escape(tail.encode()) + rb"\b", data):
            return True
        # "from pkg import _jit" / "from . import _jit": the module is imported by its tail.
        if tail and re.search(rb"(?m)^[ \t]*from[ \t]+[.\w]+[ \t]+import[ \t][^\n]*\b"
                              + re.escape(tail.encode()) + rb"\b", data):
            return True
    return False


def parse(source: SourceFile, text: str, reduce: bool = False) -> ParsedModule | SyntaxProblem:
    """`reduce=True` (static-only runs): libcst sees the text with the bodies that cannot hold
    jitted code blanked (`reduce.reduce_text`); `.text` and `.lines` stay the original."""
    if reduce:
        reduced = reduce_text(text)
        if reduced is not None:
            try:
                module = cst.parse_module(reduced)
            except (cst.ParserSyntaxError, RecursionError, ValueError):
                pass  # parse the original below, so errors are reported as written
            else:
                return ParsedModule(
                    source=source,
                    text=text,
                    module_name=module_name_for(source.path),
                    wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
                    lines=text.splitlines(),
                )
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        # Python's own parser places the error better and says it in the words users know.
        try:
            compile(text, source.display, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as python_error:
            return SyntaxProblem(
                source=source,
                text=text,
                row=max(python_error.lineno or 1, 1),
                column=max(python_error.offset or 1, 1),
                message=python_error.msg,
            )
        except (ValueError, RecursionError, MemoryError):
            pass
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
        module_name=module_name_for(source.path),
        wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
        lines=text.splitlines(),
    )
