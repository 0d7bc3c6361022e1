"""Module text -> the same text with the bodies that cannot matter to the static pass blanked.

Called by `parse.parse(..., reduce=True)` for static-only runs: libcst, the slow part of the
static pass, then parses only module-level statements, def/class headers and the definitions
that can hold jitted code or facts the rules read. Line and column numbers are preserved (whole
lines are replaced), so diagnostics point at the original text. Uses CPython's fast `ast`;
never changes a line that is kept.
"""

from __future__ import annotations

import ast
import re

# A definition mentioning any of these may hold jitted code, register an extension or declare
# record fields (jitclass specs, dtypes, namedtuples, structrefs): it is kept whole.
_RELEVANT = re.compile(
    r"\b(?:n?jit|overload\w*|register\w*|typeof_impl|type_callable|lower_builtin|lower_cast|"
    r"infer_global|make_attribute_wrapper|vectorize|guvectorize|cfunc|stencil|jitclass|"
    r"structref|StructRef\w*|define_\w+|namedtuple|NamedTuple|from_dtype|recarray|"
    r"fromrecords|objmode)\b|dtype\s*(?:\(\s*|=\s*)\["
)
# Decorators that never make code jitted: a definition whose decorators are all of these
# (by their last name) can still be reduced.
_HARMLESS_DECORATORS = frozenset(
    {
        "property",
        "staticmethod",
        "classmethod",
        "abstractmethod",
        "setter",
        "getter",
        "deleter",
        "wraps",
        "lru_cache",
        "cache",
        "cached_property",
        "contextmanager",
        "fixture",
        "parametrize",
        "skipif",
        "skip",
        "xfail",
        "slow",
        "total_ordering",
        "dataclass",
        "override",
        "final",
        "filterwarnings",
        "usefixtures",
    }
)


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _has_unknown_decorator(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in child.decorator_list:
                if _decorator_name(decorator) not in _HARMLESS_DECORATORS:
                    return True
    return False


def _called_with(tree: ast.Module) -> set[str]:
    """Names passed as arguments in module-level statements (`fast = njit(slow)`)."""
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(arg, ast.Name):
                        names.add(arg.id)
    return names


def reduce_text(text: str) -> str | None:
    """`text` with reducible definition bodies replaced by `...`; None when nothing changes
    or the text does not parse (the caller then parses it as it is)."""
    return reduce_parsed(text)[0]


def reduce_parsed(text: str) -> tuple[str | None, ast.Module | None]:
    """`reduce_text`, plus the ast of the original text (None when it does not parse), which
    `lines.Lines` reuses instead of parsing again."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, None
    return _reduce(text, tree), tree


def _reduce(text: str, tree: ast.Module) -> str | None:
    lines = text.splitlines(keepends=True)
    wrapped = _called_with(tree)
    changed = False
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if node.name in wrapped or _has_unknown_decorator(node):
            continue
        first = node.body[0]
        decorators = getattr(first, "decorator_list", None) or [first]
        start, end = decorators[0].lineno, node.end_lineno or first.lineno
        if start <= node.lineno or start > len(lines):
            continue
        prefix = lines[start - 1][: first.col_offset]
        if decorators[0] is not first:  # `@decorator` sits one column left of its expression
            prefix = lines[start - 1][: max(decorators[0].col_offset - 1, 0)]
        if prefix.strip():  # the body shares its first line with the header
            continue
        # The header counts too: bases such as NamedTuple or StructRefProxy declare fields.
        if _RELEVANT.search("".join(lines[node.lineno - 1 : end])):
            continue
        newline = "\r\n" if lines[end - 1].endswith("\r\n") else "\n"
        lines[start - 1] = f"{prefix}...{newline}"
        for number in range(start, end):
            lines[number] = newline
        changed = True
    return "".join(lines) if changed else None
