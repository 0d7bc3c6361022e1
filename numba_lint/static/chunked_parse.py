"""Module text + its ast -> one libcst Module, parsed in pieces of top-level statements.

Used by `reduced_parse.parse_reduced` (static-only runs), which has CPython's ast of the text.
libcst's parser costs more than linear time in the size of its input: on the benchmark corpus,
parsing each file in pieces of about a hundred lines and joining the statements took a sixth
less time than parsing whole files (a 9,000-line generated file: 3.2 s whole, 2.6 s in pieces),
and much less peak memory. The joined module generates exactly the text it was parsed from, so
every node's position is the one a whole-file parse gives.

The language server checks the same module again on every keystroke: after
`remember_pieces(n)` the trees of the last n pieces are kept by their text, so an edit re-parses
only the piece it touched (libcst trees are immutable: successive parses may share one). Off
for the CLI, which parses each file once.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

import libcst as cst

from ..recent import Recent

# Pieces are cut at the first top-level statement that starts this many lines after the last cut.
PIECE_LINES = 100
# The same while pieces are remembered (the language server): an edit re-parses its piece, so
# smaller pieces re-parse little more than the statement it touched (a one-line edit in umap's
# layouts.py: a piece of 82 lines instead of 217, 5.5 instead of 9 ms of libcst).
REMEMBERED_PIECE_LINES = 20

# Piece text -> its tree (the server's; the CLI keeps none).
_remembered: Recent[str, cst.Module] = Recent()


def remember_pieces(limit: int) -> None:
    """Keep the trees of the last `limit` pieces parsed (0: keep none, the default)."""
    _remembered.set_limit(limit)


def _parse_piece(part: str, parse_module: Callable[[str], cst.Module]) -> cst.Module:
    """`parse_module(part)`, or the tree of the same text parsed before (see remember_pieces;
    every caller passes the same parse function)."""
    if not _remembered.limit:
        return parse_module(part)
    known = _remembered.get(part)
    if known is not None:
        return known
    module = parse_module(part)
    _remembered.put(part, module)
    return module


def statement_starts(tree: ast.Module) -> list[int]:
    """First line (the first decorator's, for definitions) of every top-level statement."""
    starts = []
    for node in tree.body:
        decorators = getattr(node, "decorator_list", None)
        starts.append(decorators[0].lineno if decorators else node.lineno)
    return starts


def pieces(text: str, starts: Sequence[int], size: int = PIECE_LINES) -> list[str]:
    """`text` cut before top-level statements, in pieces of at least `size` lines (the last
    may be shorter); joined, they are `text` again."""
    lines = text.splitlines(keepends=True)
    cuts, last = [], 0
    for start in sorted(set(starts)):
        if start - 1 - last >= size and start - 1 < len(lines):
            cuts.append(start - 1)
            last = start - 1
    bounds = [0, *cuts, len(lines)]
    return ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def parse_in_pieces(
    text: str, tree: ast.Module, parse_module: Callable[[str], cst.Module]
) -> cst.Module:
    """libcst's Module for `text`, from `parse_module` of each piece. Raises what
    `parse_module` raises (callers then parse the whole text, for the error's position)."""
    size = REMEMBERED_PIECE_LINES if _remembered.limit else PIECE_LINES
    parts = pieces(text, statement_starts(tree), size)
    if len(parts) == 1:
        return parse_module(text)
    modules = [_parse_piece(part, parse_module) for part in parts]
    # A piece knows its indentation unit and newline from its own first lines; blocks that use
    # them leave them unsaid, so the pieces must agree (a file mixing them is parsed whole).
    indents = {m.default_indent for m in modules if not _simple_only(m)}
    newlines = {m.default_newline for m in modules}
    if len(indents) > 1 or len(newlines) > 1:
        return parse_module(text)
    body: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = []
    carried: list[cst.EmptyLine] = []  # blank and comment lines at the end of the last piece
    for number, module in enumerate(modules):
        statements = list(module.body)
        if number:
            # A piece starts at a statement, so its own header is empty; the lines that ended
            # the previous piece belong before this statement, as in a whole-file parse.
            leading = [*carried, *module.header]
            if statements:
                first = statements[0]
                statements[0] = first.with_changes(leading_lines=[*leading, *first.leading_lines])
                carried = []
            else:
                carried = leading
        body.extend(statements)
        carried = [*carried, *module.footer] if number < len(modules) - 1 else carried
    first_module, last_module = modules[0], modules[-1]
    return cst.Module(
        body=body,
        header=first_module.header,
        footer=[*carried, *last_module.footer],
        encoding=first_module.encoding,
        default_indent=indents.pop() if indents else first_module.default_indent,
        default_newline=first_module.default_newline,
        has_trailing_newline=last_module.has_trailing_newline,
    )


def _simple_only(module: cst.Module) -> bool:
    """No indented block: the piece's indentation unit is never used."""
    return all(isinstance(statement, cst.SimpleStatementLine) for statement in module.body)
