"""NB103 plain-class-instantiation: which classes count as plain, and which never do."""

from __future__ import annotations

from pathlib import Path

from lint_support import lint_source


def test_plain_classes_and_their_plain_subclasses(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        import abc
        from abc import ABC
        from dataclasses import dataclass

        from numba import njit

        class Base(object):
            pass

        class Child(Base):
            pass

        class Shape(ABC):
            pass

        class Square(abc.ABC):
            pass

        @dataclass(frozen=True)
        class Frozen:
            a: int

        @njit
        def f():
            Base()
            Child()
            Shape()
            Square()
            Frozen(1)
            return 0
        """,
        ["NB103"],
    )
    assert [row for row, _ in found] == [25, 26, 27, 28, 29]


def test_classes_numba_can_type_are_never_flagged(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        import enum
        from collections import namedtuple
        from typing import NamedTuple

        from numba import float64, njit
        from numba.core import types
        from numba.experimental import jitclass, structref

        class Spec:
            pass

        Spec = jitclass([("x", float64)])(Spec)

        class Record(NamedTuple):
            x: float

        Pair = namedtuple("Pair", "a b")

        class Color(enum.IntEnum):
            RED = 1

        class Oops(Exception):
            pass

        class MyError(Oops):
            pass

        @structref.register
        class PointType(types.StructRef):
            pass

        class Point(structref.StructRefProxy):
            pass

        structref.define_proxy(Point, PointType, ["x"])

        class Meta(type):
            pass

        class WithMeta(metaclass=Meta):
            pass

        class Registered:
            pass

        typeof_impl_register(Registered)

        @njit
        def f(x):
            if x < 0:
                raise MyError("negative")
            Spec(1.0)
            Record(1.0)
            Pair(1, 2)
            Color(1)
            Point(1.0)
            WithMeta()
            Registered()
            return x
        """,
        ["NB103"],
    )
    assert found == []


def test_classes_from_unchecked_modules_are_unknown(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path,
        """
        from numba import njit
        from sklearn.base import BaseEstimator
        from .models import Model

        @njit
        def f():
            BaseEstimator()
            Model()
            return 0
        """,
        ["NB103"],
    )
    assert found == []
