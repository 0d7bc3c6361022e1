"""The language server's Python trees (numba_lint/spliced_ast.py): after every edit of a
sequence, the tree built from the last text's tree equals the whole parse of the new text,
positions included, and a text that does not parse raises as the whole parse does."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from numba_lint import spliced_ast
from numba_lint.recent import Recent

SOURCE = '''\
"""A module."""
import numpy as np
from numba import njit

A = 1; B = 2


@njit(cache=True)
def first(x):
    total = 0
    for i in range(x.shape[0]):
        total += x[i]
    return total

# a comment between definitions

class Plain:
    def method(self):
        return 1


def last(values):
    return [v * 2 for v in values]
'''

# (what the edit does, old, new): each applies to the text the edits before it left.
EDITS = [
    ("a line in a body", "total += x[i]", "total += x[i] * 2"),
    ("a decorator", "@njit(cache=True)", "@njit(cache=False)"),
    ("a body and its signature", "def first(x):\n    total = 0", "def first(y):\n    total = 1"),
    ("a method", "return 1", "return self"),
    ("a comment between statements", "# a comment between", "x = 3  # between"),
    ("a line shared by two statements", "A = 1; B = 2", "A = 3; B = 2"),
    ("the last statement", "v * 2", "v * 3"),
    ("a statement split in two", "    return [v * 3 for v in values]", "    y = 1; return y"),
    ("the same text", "", ""),
    ("a new line", "    y = 1; return y\n", "    y = 1\n    return y\n"),
    ("a module docstring", '"""A module."""', '"""Another."""'),
    ("a string left open", "    total = 1\n", '    total = """\n'),
]


@pytest.fixture
def remembered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(spliced_ast, "_PAST", Recent())
    spliced_ast.remember_module_trees(4)
    yield
    spliced_ast.remember_module_trees(0)


def dumped(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


def test_every_edit_gives_the_whole_parse(remembered: None) -> None:
    text = SOURCE
    previous = spliced_ast.parse_module_text(text)
    assert dumped(previous) == dumped(ast.parse(text))
    spliced = 0
    for what, old, new in EDITS:
        assert old in text, what
        text = text.replace(old, new, 1)
        try:
            whole = ast.parse(text)
        except SyntaxError:
            with pytest.raises(SyntaxError):
                spliced_ast.parse_module_text(text)
            continue
        tree = spliced_ast.parse_module_text(text)
        assert dumped(tree) == dumped(whole), what
        # A statement of the last tree that the edit did not touch is the same object.
        spliced += any(any(s is t for t in previous.body) for s in tree.body)
        previous = tree
    assert spliced >= 5


def test_a_text_with_other_line_ends_is_parsed_whole(remembered: None) -> None:
    text = SOURCE.replace("\n", "\r\n")
    first = spliced_ast.parse_module_text(text)
    edited = text.replace("total += x[i]", "total -= x[i]")
    again = spliced_ast.parse_module_text(edited)
    assert dumped(again) == dumped(ast.parse(edited))
    assert not any(s is t for s in again.body for t in first.body)


def test_trees_are_not_remembered_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spliced_ast, "_PAST", Recent())
    first = spliced_ast.parse_module_text(SOURCE)
    again = spliced_ast.parse_module_text(SOURCE)
    assert first is not again
