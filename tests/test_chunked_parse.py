"""parse_in_pieces: the joined module is the whole-file module, position for position."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from numba_lint.static import chunked_parse
from numba_lint.static.chunked_parse import parse_in_pieces, pieces, statement_starts

SOURCE = textwrap.dedent('''
    # header comment

    """Module docstring."""
    import numba

    # a comment that belongs to the next statement
    @numba.njit
    def first(x):
        if x > 0:
            return x
        # an indented comment at the end of a block
    # a comment after the block

    TABLE = [
        1,
        2,
    ]


    class Holder:
        value = 1

        def get(self):
            return self.value ;  # odd spacing kept


    @numba.njit(
        cache=True,
    )
    def last(a, b):
        return a + b
    # trailing comment

    ''').lstrip()


def positions(module: cst.Module) -> list[tuple]:
    found = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return sorted(
        (type(node).__name__, p.start.line, p.start.column, p.end.line, p.end.column)
        for node, p in found.items()
    )


@pytest.mark.parametrize("size", [1, 3, 8, 1000])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_joined_module_is_the_whole_module(size: int, newline: str, monkeypatch) -> None:
    text = SOURCE.replace("\n", newline)
    tree = ast.parse(text)
    monkeypatch.setattr(chunked_parse, "PIECE_LINES", size)
    parts = pieces(text, statement_starts(tree), size)
    assert "".join(parts) == text
    if size == 1:
        # One piece per top-level statement, after a first one of comments only.
        assert len(parts) == len(tree.body) + 1
        assert parts[0].startswith("# header comment")
    joined = parse_in_pieces(text, tree, cst.parse_module)
    whole = cst.parse_module(text)
    assert joined.code == whole.code == text
    assert positions(joined) == positions(whole)


def test_pieces_that_disagree_on_indentation_are_parsed_whole(monkeypatch) -> None:
    text = "def a():\n    return 1\n\n\ndef b():\n        return 2\n"
    monkeypatch.setattr(chunked_parse, "PIECE_LINES", 1)
    assert len(pieces(text, statement_starts(ast.parse(text)), 1)) == 2
    joined = parse_in_pieces(text, ast.parse(text), cst.parse_module)
    assert joined.code == text
    assert positions(joined) == positions(cst.parse_module(text))


def test_a_piece_that_does_not_parse_raises_like_the_whole_parse(monkeypatch) -> None:
    text = "x = 1\n\n\ndef f(:\n    pass\n"
    tree = ast.parse("x = 1\n\n\ndef f():\n    pass\n")  # the ast of an earlier, valid text
    monkeypatch.setattr(chunked_parse, "PIECE_LINES", 1)
    with pytest.raises(cst.ParserSyntaxError):
        parse_in_pieces(text, tree, cst.parse_module)
