"""parse_in_pieces: the joined module is the whole-file module, position for position."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from numba_lint.recent import Recent
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


def long_module(edited: int) -> str:
    """Five jitted functions of 60 lines each (pieces of PIECE_LINES = 100 hold two), with
    one line of function `edited` changed."""
    functions = []
    for number in range(5):
        body = [f"    x{line} = a + {line}\n" for line in range(58)]
        if number == edited:
            body[30] = "    x30 = a - 1\n"
        functions.append(f"@numba.njit\ndef f{number}(a):\n{''.join(body)}    return a\n")
    return "import numba\n\n\n" + "\n\n".join(functions)


def test_remembered_pieces_reparse_only_the_edited_piece(monkeypatch) -> None:
    # The language server's keystrokes: only the piece with the edit reaches libcst again, and
    # the joined module is still the whole-file module of the new text.
    monkeypatch.setattr(chunked_parse, "_remembered", Recent())
    chunked_parse.remember_pieces(64)
    parsed: list[str] = []

    def counting_parse(text: str) -> cst.Module:
        parsed.append(text)
        return cst.parse_module(text)

    try:
        text = long_module(edited=-1)
        first = parse_in_pieces(text, ast.parse(text), counting_parse)
        count = len(parsed)
        edited = long_module(edited=4)
        again = parse_in_pieces(edited, ast.parse(edited), counting_parse)
    finally:
        chunked_parse.remember_pieces(0)
    assert count >= 3 and len(parsed) == count + 1 and "x30 = a - 1" in parsed[-1]
    assert again.code == edited and positions(again) == positions(cst.parse_module(edited))
    # An untouched piece's trees are the first parse's.
    assert first.body[0] is again.body[0] and first.body[1] is again.body[1]
