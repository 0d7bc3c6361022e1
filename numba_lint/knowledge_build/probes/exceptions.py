"""Probes of exception handling: `try` in its forms, `raise`, `assert`.

Part of `PROBES` (see `probes/__init__.py`); plain data, never imports Numba.
"""

from __future__ import annotations

from .probe import Probe

EXCEPTION_PROBES: tuple[Probe, ...] = (
    # ---- exceptions -----------------------------------------------------------------
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
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
    Probe(
        "raise-exception",
        """
        @njit
        def probe(a):
            if a > 5:
                raise ValueError("too big", a)
            return a
        """,
    ),
    Probe(
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
    Probe(
        "raise-from",
        """
        @njit
        def probe(a):
            if a > 5:
                raise ValueError("too big") from None
            return a
        """,
    ),
    Probe(
        "assert",
        """
        @njit
        def probe(a):
            assert a > 0, "positive"
            return a
        """,
    ),
)
