"""reduce_text: bodies that cannot hold jitted code are blanked, everything else is untouched."""

from __future__ import annotations

import ast
import textwrap

from numba_lint.reduce import reduce_text

SOURCE = textwrap.dedent('''
    import numba
    from functools import wraps

    def plain(x):
        """Docs."""
        y = x + 1
        return y

    def decorated_inside(f):
        @wraps(f)
        def wrapped(*args):
            return f(*args)
        return wrapped

    @numba.njit
    def jitted(x):
        return x

    def factory():
        @numba.njit
        def inner(x):
            return x
        return inner

    def slow(x):
        return x

    fast = numba.njit(slow)

    class Model:
        def fit(self, x):
            return x

    class Point(NamedTuple):
        x: float

    def one_liner(x): return x
    ''').lstrip()


def test_only_irrelevant_bodies_are_blanked_and_lines_are_kept() -> None:
    reduced = reduce_text(SOURCE)
    assert reduced is not None
    original, kept = SOURCE.splitlines(), reduced.splitlines()
    assert len(kept) == len(original)
    ast.parse(reduced)
    blanked = {n for n, (a, b) in enumerate(zip(original, kept, strict=True), 1) if a != b}
    # plain (5-7), decorated_inside: only harmless decorators (10-13), Model (31-32).
    assert blanked == {5, 6, 7, 10, 11, 12, 13, 31, 32}
    assert kept[4] == "    ..." and kept[9] == "    ..." and kept[30] == "    ..."
    for number in (1, 4, 9, 15, 16, 17, 19, 20, 21, 22, 23, 25, 26, 28, 30, 34, 35, 37):
        assert kept[number - 1] == original[number - 1]


def test_nothing_to_reduce_or_broken_text_gives_none() -> None:
    assert reduce_text("import numba\n\n@numba.njit\ndef f(x):\n    return x\n") is None
    assert reduce_text("def broken(:\n    pass\n") is None
