"""Probes of functions: generators and `async`, parameter kinds, call unpacking, lambdas and
closures.

Part of `PROBES` (see `probes/__init__.py`); plain data, never imports Numba.
"""

from __future__ import annotations

from .probe import Probe

FUNCTION_PROBES: tuple[Probe, ...] = (
    # ---- generators and async ---------------------------------------------------------
    Probe(
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
    Probe(
        "yield-from",
        """
        @njit
        def probe(a):
            yield from range(a)
        """,
        call="list(probe(3))",
    ),
    Probe(
        "async-def",
        """
        @njit
        async def probe(a):
            return a
        """,
        expect="hasattr(result, '__await__')",
    ),
    Probe(
        "await",
        """
        @njit
        async def probe(a):
            await a
            return a
        """,
    ),
    Probe(
        "async-for",
        """
        @njit
        async def probe(a):
            async for i in a:
                pass
            return 1
        """,
    ),
    Probe(
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
    Probe(
        "def-var-keyword",
        """
        @njit
        def probe(a, **kw):
            return a
        """,
    ),
    Probe(
        "def-var-positional",
        """
        @njit
        def probe(a, *args):
            return a + len(args)
        """,
        call="probe(1, 2, 3)",
    ),
    Probe(
        "def-keyword-only-default",
        """
        @njit
        def probe(a, *, b=2):
            return a + b
        """,
    ),
    Probe(
        "def-keyword-only-passed",
        """
        @njit
        def probe(a, *, b=2):
            return a + b
        """,
        call="probe(1, b=3)",
    ),
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
        "lambda",
        """
        @njit
        def probe(a):
            f = lambda x: x + 1
            return f(a)
        """,
    ),
    Probe(
        "closure-local",
        """
        @njit
        def probe(a):
            def inner(x):
                return x + a
            return inner(2)
        """,
    ),
    Probe(
        "closure-returned",
        """
        @njit
        def probe(a):
            def inner(x):
                return x + a
            return inner
        """,
    ),
)
