"""lines.Lines: the lines Python's ast gives agree with libcst's positions, reduced text or not."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from numba_lint.lines import Lines
from numba_lint.static.blanking import reduce_parsed

SOURCE = textwrap.dedent(
    """
    import numba
    from numba import njit

    def unrelated(a):
        def helper():
            return 2
        return helper

    def plain(a):
        def nested():
            return 1
        return nested

    @numba.njit(
        cache=True,
    )
    def f(x):
        if x:
            @njit
            def g(y): return y
        elif x > 1:
            pass
        else:
            for i in range(3):
                while i:
                    try:
                        i -= 1
                    except ValueError:
                        def h(): pass
                    finally:
                        pass
        return x

    class C:
        @staticmethod
        @njit(fastmath=True)
        def m(v):
            return v

    fast = njit(
        plain
    ); other = 1
    njit(plain)

    def factories():
        if plain:
            return njit(cache=True)(plain)
        if fast:
            return (
                njit
            )(plain)
        return \\
            njit(plain)
    """
)


def _check(text: str, tree: ast.Module | None) -> int:
    module = cst.parse_module(text)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    lines = Lines(module, SOURCE, tree)
    checked = 0
    for node in positions:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            assert lines.def_line(node) == positions[node.name].start.line
            decorators = lines.decorator_lines(node)
            assert decorators == [positions[d.decorator].start.line for d in node.decorators]
            checked += 1
        elif isinstance(node, (cst.Assign, cst.Expr, cst.Return)) and isinstance(
            node.value, cst.Call
        ):
            assert lines.value_line(node) == positions[node.value].start.line
            checked += 1
    return checked


def test_lines_agree_with_libcst_positions() -> None:
    assert _check(SOURCE, None) == 15


def test_reduced_text_with_the_original_tree() -> None:
    result = reduce_parsed(SOURCE)
    reduced, tree = result.text, result.tree
    assert reduced is not None and tree is not None
    assert "helper" not in reduced  # `unrelated`'s body was blanked; its lines stay
    # The nested def of the blanked body is gone from libcst's tree, the rest agrees.
    assert _check(reduced, tree) == 14
