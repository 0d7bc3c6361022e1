"""Probes of statements: `del`, `with`, nested `class`, imports, `global`/`nonlocal`,
loop `else`, `match`.

Part of `PROBES` (see `probes/__init__.py`); plain data, never imports Numba.
"""

from __future__ import annotations

from .probe import Probe

STATEMENT_PROBES: tuple[Probe, ...] = (
    # ---- statements -----------------------------------------------------------------
    Probe(
        "del-local",
        """
        @njit
        def probe(a):
            b = a + 1
            del b
            return a
        """,
    ),
    Probe(
        "del-subscript-list",
        """
        @njit
        def probe(a):
            b = [a, a + 1]
            del b[0]
            return len(b)
        """,
    ),
    Probe(
        "del-subscript-dict",
        """
        @njit
        def probe(a):
            d = {1: a, 2: a}
            del d[a]
            return len(d)
        """,
    ),
    Probe(
        "with-objmode",
        """
        @njit
        def probe(a):
            with objmode(b="int64"):
                b = a + 1
            return b
        """,
    ),
    Probe(
        "with-user-context-manager",
        """
        class Manager:
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                return False

        cm = Manager()

        @njit
        def probe(a):
            with cm:
                a = a + 1
            return a
        """,
    ),
    Probe(
        "class-definition",
        """
        @njit
        def probe(a):
            class Inner:
                pass
            return a
        """,
    ),
    Probe(
        "import-in-body",
        """
        @njit
        def probe(a):
            import math
            return math.sqrt(a)
        """,
    ),
    Probe(
        "from-import-in-body",
        """
        @njit
        def probe(a):
            from math import sqrt
            return sqrt(a)
        """,
    ),
    Probe(
        "global-write",
        """
        G = 1

        @njit
        def probe(a):
            global G
            G = a
            return a
        """,
    ),
    Probe(
        "global-read",
        """
        G = 1

        @njit
        def probe(a):
            global G
            return a + G
        """,
    ),
    Probe(
        "nonlocal",
        """
        @njit
        def probe(a):
            b = a
            def inner():
                nonlocal b
                b = b + 1
            inner()
            return b
        """,
    ),
    Probe(
        "for-else",
        """
        @njit
        def probe(a):
            for i in range(a):
                pass
            else:
                a = a + 1
            return a
        """,
    ),
    Probe(
        "while-else",
        """
        @njit
        def probe(a):
            while a < 0:
                a = a + 1
            else:
                a = a + 2
            return a
        """,
    ),
    Probe(
        "match-literal",
        """
        @njit
        def probe(a):
            match a:
                case 1:
                    return 10
                case _:
                    return 0
        """,
    ),
    Probe(
        "match-sequence",
        """
        @njit
        def probe(a):
            t = (a, a)
            match t:
                case (x, y):
                    return x + y
                case _:
                    return 0
        """,
    ),
    Probe(
        "match-capture",
        """
        @njit
        def probe(a):
            match a:
                case 1:
                    return 10
                case other:
                    return other
        """,
    ),
    Probe(
        "match-class",
        """
        @njit
        def probe(a):
            match a:
                case int():
                    return 10
                case _:
                    return 0
        """,
    ),
    Probe(
        "match-mapping",
        """
        @njit
        def probe(a):
            d = {1: a}
            match d:
                case {1: v}:
                    return v
                case _:
                    return 0
        """,
    ),
)
