"""Probes of assignment forms, literals and unpacking, comprehensions, string formatting and
other expressions.

Part of `PROBES` (see `probes/__init__.py`); plain data, never imports Numba.
"""

from __future__ import annotations

from .probe import Probe

EXPRESSION_PROBES: tuple[Probe, ...] = (
    # ---- assignment forms ------------------------------------------------------------
    Probe(
        "starred-assignment",
        """
        @njit
        def probe(a):
            t = (a, a, a)
            x, *rest = t
            return x
        """,
    ),
    Probe(
        "starred-for-target",
        """
        @njit
        def probe(a):
            total = 0
            for x, *rest in [(a, a, a)]:
                total += x
            return total
        """,
    ),
    Probe(
        "tuple-unpacking",
        """
        @njit
        def probe(a):
            x, y = a, a + 1
            return x + y
        """,
    ),
    Probe(
        "walrus-if",
        """
        @njit
        def probe(a):
            if (b := a + 1) > 1:
                return b
            return 0
        """,
    ),
    Probe(
        "walrus-expression",
        """
        @njit
        def probe(a):
            c = (b := a + 1) + b
            return c
        """,
    ),
    Probe(
        "annotated-assignment",
        """
        @njit
        def probe(a):
            b: int = a + 1
            return b
        """,
    ),
    Probe(
        "augmented-assignment",
        """
        @njit
        def probe(a):
            a += 1
            a *= 2
            return a
        """,
    ),
    # ---- literals and unpacking --------------------------------------------------------
    Probe(
        "list-starred-literal",
        """
        @njit
        def probe(a):
            t = (a, a)
            return [*t, 4]
        """,
    ),
    Probe(
        "dict-unpack-literal",
        """
        @njit
        def probe(a):
            d = {1: a}
            e = {**d, 2: a}
            return len(e)
        """,
    ),
    Probe(
        "set-literal",
        """
        @njit
        def probe(a):
            s = {a, a + 1}
            return len(s)
        """,
    ),
    # ---- comprehensions ------------------------------------------------------------
    Probe(
        "list-comprehension",
        """
        @njit
        def probe(a):
            return [i * 2 for i in range(a)]
        """,
    ),
    Probe(
        "dict-comprehension",
        """
        @njit
        def probe(a):
            return {i: i * 2 for i in range(a)}
        """,
    ),
    Probe(
        "set-comprehension",
        """
        @njit
        def probe(a):
            return {i * 2 for i in range(a)}
        """,
    ),
    Probe(
        "set-comprehension-list",
        """
        @njit
        def probe(a):
            items = [a, a + 1, a]
            return {i * 2 for i in items}
        """,
    ),
    Probe(
        "generator-expression",
        """
        @njit
        def probe(a):
            return sum(i for i in range(a))
        """,
    ),
    Probe(
        "generator-expression-list",
        """
        @njit
        def probe(a):
            return list(i for i in range(a))
        """,
    ),
    Probe(
        "nested-comprehension",
        """
        @njit
        def probe(a):
            return [i + j for i in range(a) for j in range(a)]
        """,
    ),
    # ---- string formatting ------------------------------------------------------------
    Probe(
        "f-string",
        """
        @njit
        def probe(a):
            return f"value {a} and {a + 1.5} and {'s'}"
        """,
    ),
    Probe(
        "f-string-format-spec",
        """
        @njit
        def probe(a):
            return f"value {a:.2f}"
        """,
        call="probe(1.5)",
    ),
    Probe(
        "f-string-conversion",
        """
        @njit
        def probe(a):
            return f"value {a!r}"
        """,
    ),
    Probe(
        "percent-format",
        """
        @njit
        def probe(a):
            return "value %d" % a
        """,
    ),
    Probe(
        "str-format-method",
        """
        @njit
        def probe(a):
            return "value {}".format(a)
        """,
    ),
    # ---- expressions ---------------------------------------------------------------
    Probe(
        "conditional-expression",
        """
        @njit
        def probe(a):
            return a if a > 0 else -a
        """,
    ),
    Probe(
        "chained-comparison",
        """
        @njit
        def probe(a):
            return 0 < a < 10
        """,
    ),
    Probe(
        "starred-call-builtin",
        """
        @njit
        def probe(a):
            t = (a, a + 1)
            return max(*t)
        """,
    ),
)
