"""The syntax probes: one tiny nopython function per construct, keyed by a stable probe name.

Read by the probe runner (which compiles each with real Numba) and, by name, by the syntax rules
(`Knowledge.syntax[name]`). This module is plain data: it never imports Numba.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    """`body` defines `probe` (under `@njit`) and may set up globals; `call` triggers the compile.

    When `expect` is given it is a Python expression over `result` (the call's value) that must
    be true for the construct to count as supported: a construct Numba compiles but runs with
    different meaning (an `async def` that returns a value, not a coroutine) is not supported.
    """

    name: str
    body: str
    call: str = "probe(1)"
    expect: str | None = None

    @property
    def source(self) -> str:
        header = "import numpy as np\nfrom numba import njit, objmode, prange, literal_unroll\n"
        return header + textwrap.dedent(self.body).strip("\n") + "\n"


def _p(name: str, body: str, call: str = "probe(1)", expect: str | None = None) -> Probe:
    return Probe(name, body, call, expect)


PROBES: tuple[Probe, ...] = (
    # ---- exceptions -----------------------------------------------------------------
    _p(
        "try-except-bare",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except:
                a = 0
            return a
        """,
    ),
    _p(
        "try-except-exception",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except Exception:
                a = 0
            return a
        """,
    ),
    _p(
        "try-except-specific",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except ValueError:
                a = 0
            return a
        """,
    ),
    _p(
        "try-except-tuple",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except (ValueError, KeyError):
                a = 0
            return a
        """,
    ),
    _p(
        "try-except-as",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except Exception as e:
                a = 0
            return a
        """,
    ),
    _p(
        "try-except-specific-as",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except ValueError as e:
                a = 0
            return a
        """,
    ),
    _p(
        "try-except-base-exception",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except BaseException:
                a = 0
            return a
        """,
    ),
    _p(
        "try-except-user-class",
        """
        class MyError(Exception):
            pass

        @njit
        def probe(a):
            try:
                a = a + 1
            except MyError:
                a = 0
            return a
        """,
    ),
    _p(
        "try-finally",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            finally:
                a = a + 2
            return a
        """,
    ),
    _p(
        "try-else",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except Exception:
                a = 0
            else:
                a = a + 3
            return a
        """,
    ),
    _p(
        "raise-exception",
        """
        @njit
        def probe(a):
            if a > 5:
                raise ValueError("too big", a)
            return a
        """,
    ),
    _p(
        "raise-bare",
        """
        @njit
        def probe(a):
            try:
                a = a + 1
            except Exception:
                raise
            return a
        """,
    ),
    _p(
        "raise-from",
        """
        @njit
        def probe(a):
            if a > 5:
                raise ValueError("too big") from None
            return a
        """,
    ),
    _p(
        "assert",
        """
        @njit
        def probe(a):
            assert a > 0, "positive"
            return a
        """,
    ),
    # ---- statements -----------------------------------------------------------------
    _p(
        "del-local",
        """
        @njit
        def probe(a):
            b = a + 1
            del b
            return a
        """,
    ),
    _p(
        "del-subscript-list",
        """
        @njit
        def probe(a):
            b = [a, a + 1]
            del b[0]
            return len(b)
        """,
    ),
    _p(
        "del-subscript-dict",
        """
        @njit
        def probe(a):
            d = {1: a, 2: a}
            del d[a]
            return len(d)
        """,
    ),
    _p(
        "with-objmode",
        """
        @njit
        def probe(a):
            with objmode(b="int64"):
                b = a + 1
            return b
        """,
    ),
    _p(
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
    _p(
        "class-definition",
        """
        @njit
        def probe(a):
            class Inner:
                pass
            return a
        """,
    ),
    _p(
        "import-in-body",
        """
        @njit
        def probe(a):
            import math
            return math.sqrt(a)
        """,
    ),
    _p(
        "from-import-in-body",
        """
        @njit
        def probe(a):
            from math import sqrt
            return sqrt(a)
        """,
    ),
    _p(
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
    _p(
        "global-read",
        """
        G = 1

        @njit
        def probe(a):
            global G
            return a + G
        """,
    ),
    _p(
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
    _p(
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
    _p(
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
    _p(
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
    _p(
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
    _p(
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
    _p(
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
    _p(
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
    # ---- generators and async ---------------------------------------------------------
    _p(
        "yield",
        """
        @njit
        def gen(a):
            for i in range(a):
                yield i

        @njit
        def probe(a):
            t = 0
            for v in gen(a):
                t += v
            return t
        """,
    ),
    _p(
        "yield-from",
        """
        @njit
        def probe(a):
            yield from range(a)
        """,
        call="list(probe(3))",
    ),
    _p(
        "async-def",
        """
        @njit
        async def probe(a):
            return a
        """,
        expect="hasattr(result, '__await__')",
    ),
    _p(
        "await",
        """
        @njit
        async def probe(a):
            await a
            return a
        """,
    ),
    _p(
        "async-for",
        """
        @njit
        async def probe(a):
            async for i in a:
                pass
            return 1
        """,
    ),
    _p(
        "async-with",
        """
        @njit
        async def probe(a):
            async with a:
                pass
            return 1
        """,
    ),
    # ---- functions ----------------------------------------------------------------
    _p(
        "def-var-keyword",
        """
        @njit
        def probe(a, **kw):
            return a
        """,
    ),
    _p(
        "def-var-positional",
        """
        @njit
        def probe(a, *args):
            return a + len(args)
        """,
        call="probe(1, 2, 3)",
    ),
    _p(
        "def-keyword-only-default",
        """
        @njit
        def probe(a, *, b=2):
            return a + b
        """,
    ),
    _p(
        "def-keyword-only-passed",
        """
        @njit
        def probe(a, *, b=2):
            return a + b
        """,
        call="probe(1, b=3)",
    ),
    _p(
        "call-star-args",
        """
        @njit
        def add(x, y):
            return x + y

        @njit
        def probe(a):
            t = (a, a)
            return add(*t)
        """,
    ),
    _p(
        "call-dict-unpack",
        """
        @njit
        def add(x, y):
            return x + y

        @njit
        def probe(a):
            d = {"x": a, "y": a}
            return add(**d)
        """,
    ),
    _p(
        "call-keywords",
        """
        @njit
        def add(x, y=1):
            return x + y

        @njit
        def probe(a):
            return add(a, y=2)
        """,
    ),
    _p(
        "lambda",
        """
        @njit
        def probe(a):
            f = lambda x: x + 1
            return f(a)
        """,
    ),
    _p(
        "closure-local",
        """
        @njit
        def probe(a):
            def inner(x):
                return x + a
            return inner(2)
        """,
    ),
    _p(
        "closure-returned",
        """
        @njit
        def probe(a):
            def inner(x):
                return x + a
            return inner
        """,
    ),
    # ---- assignment forms ------------------------------------------------------------
    _p(
        "starred-assignment",
        """
        @njit
        def probe(a):
            t = (a, a, a)
            x, *rest = t
            return x
        """,
    ),
    _p(
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
    _p(
        "tuple-unpacking",
        """
        @njit
        def probe(a):
            x, y = a, a + 1
            return x + y
        """,
    ),
    _p(
        "walrus-if",
        """
        @njit
        def probe(a):
            if (b := a + 1) > 1:
                return b
            return 0
        """,
    ),
    _p(
        "walrus-expression",
        """
        @njit
        def probe(a):
            c = (b := a + 1) + b
            return c
        """,
    ),
    _p(
        "annotated-assignment",
        """
        @njit
        def probe(a):
            b: int = a + 1
            return b
        """,
    ),
    _p(
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
    _p(
        "list-starred-literal",
        """
        @njit
        def probe(a):
            t = (a, a)
            return [*t, 4]
        """,
    ),
    _p(
        "dict-unpack-literal",
        """
        @njit
        def probe(a):
            d = {1: a}
            e = {**d, 2: a}
            return len(e)
        """,
    ),
    _p(
        "set-literal",
        """
        @njit
        def probe(a):
            s = {a, a + 1}
            return len(s)
        """,
    ),
    # ---- comprehensions ------------------------------------------------------------
    _p(
        "list-comprehension",
        """
        @njit
        def probe(a):
            return [i * 2 for i in range(a)]
        """,
    ),
    _p(
        "dict-comprehension",
        """
        @njit
        def probe(a):
            return {i: i * 2 for i in range(a)}
        """,
    ),
    _p(
        "set-comprehension",
        """
        @njit
        def probe(a):
            return {i * 2 for i in range(a)}
        """,
    ),
    _p(
        "set-comprehension-list",
        """
        @njit
        def probe(a):
            items = [a, a + 1, a]
            return {i * 2 for i in items}
        """,
    ),
    _p(
        "generator-expression",
        """
        @njit
        def probe(a):
            return sum(i for i in range(a))
        """,
    ),
    _p(
        "generator-expression-list",
        """
        @njit
        def probe(a):
            return list(i for i in range(a))
        """,
    ),
    _p(
        "nested-comprehension",
        """
        @njit
        def probe(a):
            return [i + j for i in range(a) for j in range(a)]
        """,
    ),
    # ---- string formatting ------------------------------------------------------------
    _p(
        "f-string",
        """
        @njit
        def probe(a):
            return f"value {a} and {a + 1.5} and {'s'}"
        """,
    ),
    _p(
        "f-string-format-spec",
        """
        @njit
        def probe(a):
            return f"value {a:.2f}"
        """,
        call="probe(1.5)",
    ),
    _p(
        "f-string-conversion",
        """
        @njit
        def probe(a):
            return f"value {a!r}"
        """,
    ),
    _p(
        "percent-format",
        """
        @njit
        def probe(a):
            return "value %d" % a
        """,
    ),
    _p(
        "str-format-method",
        """
        @njit
        def probe(a):
            return "value {}".format(a)
        """,
    ),
    # ---- expressions ---------------------------------------------------------------
    _p(
        "conditional-expression",
        """
        @njit
        def probe(a):
            return a if a > 0 else -a
        """,
    ),
    _p(
        "chained-comparison",
        """
        @njit
        def probe(a):
            return 0 < a < 10
        """,
    ),
    _p(
        "starred-call-builtin",
        """
        @njit
        def probe(a):
            t = (a, a + 1)
            return max(*t)
        """,
    ),
)

PROBES_BY_NAME: dict[str, Probe] = {probe.name: probe for probe in PROBES}


def builtin_probe(name: str) -> Probe:
    """Does nopython typing know the builtin `name` at all? (reference it; call nothing)."""
    return Probe(
        f"builtin:{name}",
        f"""
        @njit
        def probe(a):
            f = {name}
            return a
        """,
    )
