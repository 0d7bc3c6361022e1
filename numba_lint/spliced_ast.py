"""Module text -> Python's ast, from the last tree of a text with as many lines when the two
differ inside one top-level statement (the language server: a keystroke in a 1,100-line module
parses one function, not the module).

The blanking (`static/blanking.py`) parses every text it reduces. After
`remember_module_trees(n)` the trees of the last texts are kept by their number of lines; a new
text is parsed whole unless a kept one differs from it only within the lines of one top-level
statement (decorators included) that shares no line with another statement. Then only those
lines are parsed (after as many blank lines as precede them, so every node has its line) and
put between the kept tree's other statements:
Python's tokenizer starts and ends that statement in the same state as in the kept text (the
lines around it are the same, and they parse alone), so the whole parse would give the same
tree. Texts that split lines other than at `\\n` (`\\r`, form feeds, Unicode line separators)
and the `barry_as_FLUFL` future, which changes the grammar, are always parsed whole. Off by
default (the CLI parses each text once); tests/test_server_incremental.py compares the
spliced trees with whole parses.
"""

from __future__ import annotations

import ast
import re

from .recent import Recent

# Characters that end a line for `str.splitlines` or the tokenizer other than `\n`.
_OTHER_LINE_ENDS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Number of lines -> the last text of that many lines (as lines) and its tree.
_PAST: Recent[int, tuple[list[str], ast.Module]] = Recent()


def remember_module_trees(texts: int) -> None:
    """Keep the trees of the last `texts` texts parsed (0: none, the default)."""
    _PAST.set_limit(texts)


def parse_module_text(text: str) -> ast.Module:
    """`ast.parse(text)`, raising what it raises (see the module docstring)."""
    if not _PAST.limit or _OTHER_LINE_ENDS.search(text) or "barry_as_FLUFL" in text:
        return ast.parse(text)
    lines = text.splitlines(keepends=True)
    past = _PAST.get(len(lines))
    tree = _spliced(*past, lines) if past is not None else None
    if tree is None:
        tree = ast.parse(text)
    _PAST.put(len(lines), (lines, tree))
    return tree


def _spliced(old: list[str], tree: ast.Module, new: list[str]) -> ast.Module | None:
    first, last = 0, len(new)
    while first < last and old[first] == new[first]:
        first += 1
    while last > first and old[last - 1] == new[last - 1]:
        last -= 1
    if first == last:
        return tree  # the same text
    first += 1  # 1-based, as ast's lines: lines first..last differ
    body = tree.body
    for position, statement in enumerate(body):
        start, end = _start(statement), statement.end_lineno or statement.lineno
        if not (start <= first and last <= end):
            continue
        before = body[position - 1].end_lineno or start if position else 0
        after = _start(body[position + 1]) if position + 1 < len(body) else len(new) + 1
        if before >= start or after <= end:
            return None  # the statement shares a line with another (`a = 1; b = 2`)
        try:
            # Blank lines before it put it in its place (cheaper than moving every node).
            part = ast.parse("\n" * (start - 1) + "".join(new[start - 1 : end]))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return ast.Module(
            body=[*body[:position], *part.body, *body[position + 1 :]], type_ignores=[]
        )
    return None


def _start(statement: ast.stmt) -> int:
    """The first line of a statement, its first decorator's for a definition."""
    decorators = getattr(statement, "decorator_list", None) or []
    return min((d.lineno for d in decorators), default=statement.lineno)
