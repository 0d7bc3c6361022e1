"""Numba's exceptions and warnings -> plain data a parent process can read (worker side).

Used by worker.py. Walks the `__cause__` chain (kept because warm.py sets Numba's developer
mode) for user-code locations, reads the locations Numba prints in its messages, and strips
terminal colours and object addresses so that messages are stable from run to run.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from ..protocol import ErrorFacts, WarningRecord, Where
from .numba_compat import errors, numba

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Numba names places as `File "rel/path.py", line N` (innermost first) and `at /abs/path.py (N)`.
_TEXT_LOC = re.compile(
    r'File "([^"]+)", line (\d+)|(?:at|Raised from) (/[^\n]+?\.(?:py|ipynb)) \((\d+)\)'
)
# A notebook's code cells are checked under the notebook's own path (numba_lint/notebook).
_USER_SUFFIXES = (".py", ".ipynb")
_ADDRESS = re.compile(r"#[0-9a-f]{6,}| at 0x[0-9a-fA-F]+")
_NUMBA_DIR = str(Path(numba.__file__).resolve().parent)


def clean(text: str) -> str:
    return _ANSI.sub("", text)


def is_user_file(filename: str | None) -> bool:
    return (
        bool(filename)
        and not str(filename).startswith(_NUMBA_DIR)
        and Path(str(filename)).suffix in _USER_SUFFIXES
    )


def _loc(exc: BaseException) -> Where | None:
    loc = getattr(exc, "loc", None)
    if loc is None or not is_user_file(getattr(loc, "filename", None)):
        return None
    return {"file": str(Path(loc.filename).resolve()), "line": int(loc.line)}


def describe_error(exc: BaseException) -> ErrorFacts:
    """Numba's exception -> the raw facts the parent needs to locate and word it."""
    chain: list[Where] = []
    current: BaseException | None = exc
    seen: set[int] = set()
    innermost = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        loc = _loc(current)
        if loc is not None and (not chain or chain[-1] != loc):
            chain.append(loc)
        if isinstance(current, errors.NumbaError):
            innermost = current
        current = current.__cause__
    last = errors.loc_info.get("loc") if hasattr(errors, "loc_info") else None
    fallback: Where | None = None
    if last is not None and is_user_file(getattr(last, "filename", None)):
        fallback = {"file": str(Path(last.filename).resolve()), "line": int(last.line)}
    text = clean(str(exc))
    mentioned: list[Where] = []
    for match in _TEXT_LOC.finditer(text):
        filename = match.group(1) or match.group(3)
        line = match.group(2) or match.group(4)
        if is_user_file(filename):
            mentioned.append({"file": str(Path(filename).resolve()), "line": int(line)})
    return {
        "types": [cls.__name__ for cls in type(exc).__mro__],
        "text_locs": mentioned,
        "text": text,
        "root_text": clean(str(innermost)),
        "chain": chain,
        "fallback": fallback,
        "numba_error": isinstance(exc, errors.NumbaError),
    }


def describe_warning(record: warnings.WarningMessage, function: str | None) -> WarningRecord | None:
    message = record.message
    if not isinstance(message, errors.NumbaWarning):
        return None
    loc = getattr(message, "loc", None)
    where: Where | None = None
    if loc is not None and is_user_file(getattr(loc, "filename", None)):
        where = {"file": str(Path(loc.filename).resolve()), "line": int(loc.line)}
    elif is_user_file(record.filename):
        where = {"file": str(Path(record.filename).resolve()), "line": int(record.lineno)}
    return {
        "category": type(message).__name__,
        "text": clean(str(message.msg if hasattr(message, "msg") else message)),
        "where": where,
        "function": function,
    }


def without_addresses(text: str) -> str:
    return _ADDRESS.sub("", text)
