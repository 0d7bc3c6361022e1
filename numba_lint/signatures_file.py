"""`.numba-lint/signatures.json`: read, merge and write the signatures a harvest recorded.

Written by `numba-lint harvest`; read by the dynamic pass as a signature source. Pure stdlib: it
never imports Numba or the user's code (the harvest hook copies this file into every process).

Format (version 1), one JSON object, keys sorted, one signature per line so that git diffs show
exactly which signature appeared or went away::

    {
      "format": 1,
      "numba": "0.68.1",
      "functions": {
        "pkg/kernels.py::scale": {
          "params": ["a", "factor="],
          "source_hash": "sha256:5f0c...",
          "signatures": [
            ["float64[::1]", "float64"],
            ["int64[:, ::1]", "<not passed>"]
          ]
        }
      }
    }

- Key: the source file relative to the project root (always `/`), `::`, the function's Python
  `__qualname__` (nested functions keep `<locals>`: `make.<locals>.inner`).
- `params`: the parameter list as written: `x`, `y=` (has a default), `*args`, `*` (start of
  keyword-only parameters), `/` (end of positional-only ones), `**kw`. A change here makes the
  stored signatures stale (they no longer line up with the arguments).
- `source_hash`: sha256 of the function's syntax tree (decorators and body; comments and
  formatting do not count). A change here means the body changed since the harvest.
- `signatures`: argument types, one list per compiled signature, sorted. Each argument is
  Numba's own parseable spelling (`float64[:, ::1]`, `UniTuple(int64, 2)`, `unicode_type`,
  `ListType(float64)`, `Array(float64, 1, 'C', readonly=True)`, ...): `numba.core.sigutils` reads
  `"(" + ", ".join(args) + ",)"` back. Three spellings are not types but markers:
  `<not passed>` (the argument was left at its default), `<KIND module:qualname>` (a reference to a
  Python object the worker resolves: `dispatcher`, `jitclass`) and
  `<KIND module:qualname(FIELD, ...)>` (`namedtuple`, `enum` with their field/value types).
- `note` (optional): set when the cap of `MAX_SIGNATURES` per function was reached.
- `unstorable` (optional): why some compiled signatures of this function could not be written.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .atomic import write_atomically

FORMAT_VERSION = 1
MAX_SIGNATURES = 8
NOT_PASSED = "<not passed>"
CAP_NOTE = f"more than {MAX_SIGNATURES} signatures were compiled; {MAX_SIGNATURES} are kept"

_REFERENCE = re.compile(
    r"^<(?P<kind>[a-z]+) (?P<module>[\w.]+):(?P<qualname>[\w.]+)(?:\((?P<fields>.*)\))?>$"
)


class SignaturesFileError(Exception):
    """The file exists but cannot be read as a signatures file (one sentence, with the path)."""


@dataclass(frozen=True)
class HarvestEntry:
    """One function's harvested signatures, as stored in the file."""

    path: str
    qualname: str
    params: tuple[str, ...]
    source_hash: str | None
    signatures: tuple[tuple[str, ...], ...]
    note: str | None = None
    unstorable: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return entry_key(self.path, self.qualname)

    def signature_strings(self) -> tuple[str, ...]:
        """The signatures that are plain types, as strings `numba.core.sigutils` parses.

        Signatures holding a marker (`<not passed>`, a reference) are left out: decode those
        with `numba_lint.harvest.spelling.decode_signature` in the worker.
        """
        return tuple(
            "(" + "".join(arg + ", " for arg in signature).rstrip(" ") + ")"
            for signature in self.signatures
            if not any(is_marker(arg) for arg in signature)
        )


@dataclass(frozen=True)
class Reference:
    """A parsed `<kind module:qualname(fields)>` marker."""

    kind: str
    module: str
    qualname: str
    fields: str | None = None


@dataclass(frozen=True)
class FunctionShape:
    """What the file keys staleness on: the parameter list and a hash of the syntax tree."""

    params: tuple[str, ...]
    source_hash: str


@dataclass(frozen=True)
class SignaturesFile:
    numba: str | None = None
    entries: Mapping[str, HarvestEntry] = field(default_factory=dict)


def entry_key(path: str, qualname: str) -> str:
    return f"{path}::{qualname}"


def is_marker(arg: str) -> bool:
    return arg.startswith("<") and arg.endswith(">")


def parse_reference(arg: str) -> Reference | None:
    """The reference inside a `<kind module:qualname(...)>` marker, None for anything else."""
    match = _REFERENCE.match(arg)
    if match is None:
        return None
    return Reference(match["kind"], match["module"], match["qualname"], match["fields"])


def reference(kind: str, module: str, qualname: str, fields: Iterable[str] | None = None) -> str:
    inner = "" if fields is None else "(" + ", ".join(fields) + ")"
    return f"<{kind} {module}:{qualname}{inner}>"


# ---------------------------------------------------------------------------------------------
# Function shape: parameters and source hash, computed the same way by the hook (from
# inspect.getsource) and by the linter (from the file), so that the two can be compared.


def describe_function(source: str) -> FunctionShape | None:
    """The shape of the first `def` in `source` (any indentation), None if it has none."""
    try:
        tree = ast.parse(_dedent(source))
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return shape_of(node)
    return None


def shape_of(node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionShape:
    digest = hashlib.sha256(_canonical(node).encode("utf-8")).hexdigest()
    return FunctionShape(params_of(node.args), "sha256:" + digest)


def params_of(args: ast.arguments) -> tuple[str, ...]:
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    names: list[str] = []
    for index, arg in enumerate(positional):
        names.append(arg.arg + ("=" if index >= first_default else ""))
        if args.posonlyargs and index == len(args.posonlyargs) - 1:
            names.append("/")
    if args.vararg is not None:
        names.append("*" + args.vararg.arg)
    elif args.kwonlyargs:
        names.append("*")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        names.append(arg.arg + ("=" if default is not None else ""))
    if args.kwarg is not None:
        names.append("**" + args.kwarg.arg)
    return tuple(names)


def function_sources(text: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function in a module by Python `__qualname__` (`C.m`, `f.<locals>.g`)."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + node.name
                found.setdefault(qualname, node)
                visit(node.body, qualname + ".<locals>.")
            elif isinstance(node, ast.ClassDef):
                visit(node.body, prefix + node.name + ".")
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                # Functions defined under `if`/`try` keep the enclosing prefix.
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        visit([child], prefix)
                    elif isinstance(child, ast.ExceptHandler):
                        visit(child.body, prefix)

    visit(ast.parse(text).body, "")
    return found


def staleness(entry: HarvestEntry, current: FunctionShape) -> str | None:
    """ "params" when the parameters changed since the harvest (drop the signatures), "body"
    when only the body changed (keep them, say they are from an older version), else None."""
    if entry.params != current.params:
        return "params"
    if entry.source_hash is not None and entry.source_hash != current.source_hash:
        return "body"
    return None


def lookup(entries: Mapping[str, HarvestEntry], path: str, qualname: str) -> HarvestEntry | None:
    """The entry for `path::qualname`; `qualname` may omit `<locals>` (the jit index's form)."""
    found = entries.get(entry_key(path, qualname))
    if found is not None:
        return found
    for entry in entries.values():
        if entry.path == path and entry.qualname.replace(".<locals>", "") == qualname:
            return entry
    return None


def _dedent(source: str) -> str:
    lines = source.expandtabs().splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines) + "\n"


def _canonical(node: object) -> str:
    """A dump of the syntax tree that ignores positions and fields left empty, so that Python
    versions adding empty fields (3.12's `type_params`) do not change the hash."""
    if isinstance(node, ast.AST):
        parts = []
        for name in node._fields:
            value = getattr(node, name, None)
            if value is None or value == []:
                continue
            parts.append(f"{name}={_canonical(value)}")
        return f"{type(node).__name__}({', '.join(parts)})"
    if isinstance(node, list):
        return "[" + ", ".join(_canonical(item) for item in node) + "]"
    return repr(node)


# ---------------------------------------------------------------------------------------------
# Reading, merging, writing.


def load_signatures(path: Path) -> dict[str, HarvestEntry]:
    """The entries of a signatures file by key; {} when the file does not exist."""
    return dict(read_file(path).entries)


def read_file(path: Path) -> SignaturesFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SignaturesFile()
    except (OSError, UnicodeDecodeError) as exc:
        raise SignaturesFileError(f"cannot read {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SignaturesFileError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise SignaturesFileError(
            f"{path} is not a version {FORMAT_VERSION} numba-lint signatures file"
        )
    functions = data.get("functions", {})
    if not isinstance(functions, dict):
        raise SignaturesFileError(f"{path}: 'functions' must be an object")
    entries = {}
    for key, raw in functions.items():
        try:
            entries[key] = _entry_from_json(key, raw)
        except (TypeError, ValueError, KeyError) as exc:
            raise SignaturesFileError(f"{path}: entry {key!r} is malformed ({exc})") from exc
    numba = data.get("numba")
    return SignaturesFile(numba if isinstance(numba, str) else None, entries)


def _entry_from_json(key: str, raw: dict) -> HarvestEntry:
    file_path, sep, qualname = key.partition("::")
    if not sep or not qualname:
        raise ValueError("key must be 'path::qualname'")
    signatures = tuple(tuple(str(arg) for arg in signature) for signature in raw["signatures"])
    return HarvestEntry(
        path=file_path,
        qualname=qualname,
        params=tuple(str(name) for name in raw["params"]),
        source_hash=raw.get("source_hash"),
        signatures=signatures,
        note=raw.get("note"),
        unstorable=tuple(raw.get("unstorable", ())),
    )


def merge_entry(old: HarvestEntry | None, new: HarvestEntry) -> HarvestEntry:
    """Union of the signatures of one function. New parameters replace stale signatures; the
    cap keeps the signatures already in the file first, so reruns do not churn the diff."""
    if old is None or old.params != new.params:
        kept_first: tuple[tuple[str, ...], ...] = ()
        unstorable: set[str] = set(new.unstorable)
        capped = new.note is not None
    else:
        kept_first = old.signatures
        unstorable = set(old.unstorable) | set(new.unstorable)
        capped = old.note is not None or new.note is not None
    ordered = list(dict.fromkeys([*kept_first, *sorted(new.signatures)]))
    if len(ordered) > MAX_SIGNATURES:
        ordered = ordered[:MAX_SIGNATURES]
        capped = True
    return replace(
        new,
        signatures=tuple(sorted(ordered)),
        note=CAP_NOTE if capped else None,
        unstorable=tuple(sorted(unstorable)),
    )


def merge_files(
    old: SignaturesFile, new: SignaturesFile, project_root: Path | None = None
) -> SignaturesFile:
    """`new` merged into `old`. Entries of files or functions that no longer exist under
    `project_root` are dropped (when a root is given)."""
    entries = dict(old.entries)
    if project_root is not None:
        names: dict[str, set[str] | None] = {}
        entries = {
            key: entry
            for key, entry in entries.items()
            if _still_exists(entry, project_root, names)
        }
    for key, entry in new.entries.items():
        entries[key] = merge_entry(entries.get(key), entry)
    return SignaturesFile(new.numba or old.numba, entries)


def _still_exists(entry: HarvestEntry, root: Path, names: dict[str, set[str] | None]) -> bool:
    """Whether the entry's function is still defined; `names` caches each file's functions."""
    if entry.path not in names:
        try:
            text = (root / entry.path).read_text(encoding="utf-8")
            names[entry.path] = set(function_sources(text))
        except FileNotFoundError:
            return False
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            names[entry.path] = None  # cannot tell: keep it, the linter reports the file anyway
    found = names[entry.path]
    return found is None or entry.qualname in found


def dumps(signatures_file: SignaturesFile) -> str:
    """Stable text: keys sorted, one signature per line, two-space indent, final newline."""
    lines = ["{", f'  "format": {FORMAT_VERSION},']
    if signatures_file.numba:
        lines.append(f'  "numba": {json.dumps(signatures_file.numba)},')
    keys = sorted(signatures_file.entries)
    if not keys:
        lines.append('  "functions": {}')
        return "\n".join([*lines, "}"]) + "\n"
    lines.append('  "functions": {')
    for position, key in enumerate(keys):
        entry = signatures_file.entries[key]
        body = [f'      "params": {json.dumps(list(entry.params))}']
        if entry.source_hash:
            body.append(f'      "source_hash": {json.dumps(entry.source_hash)}')
        if entry.note:
            body.append(f'      "note": {json.dumps(entry.note)}')
        if entry.unstorable:
            body.append(f'      "unstorable": {json.dumps(list(entry.unstorable))}')
        if entry.signatures:
            rows = ",\n".join(
                f"        {json.dumps(list(signature))}" for signature in sorted(entry.signatures)
            )
            body.append(f'      "signatures": [\n{rows}\n      ]')
        else:
            body.append('      "signatures": []')
        closing = "    }" + ("," if position < len(keys) - 1 else "")
        lines += [f"    {json.dumps(key)}: {{", ",\n".join(body), closing]
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def write_file(path: Path, signatures_file: SignaturesFile) -> None:
    """Write atomically (a reader never sees half a file)."""
    write_atomically(path, dumps(signatures_file))
