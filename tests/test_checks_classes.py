"""NB103 plain-class-instantiation: which classes count as plain, and which never do."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from lint_support import lint_files, lint_source
from numba_prover import prove_examples


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


FOLD = Path(__file__).parent / "fixtures" / "fold_causes" / "plain_objects.py"


def test_one_finding_per_plain_object_in_the_full_run() -> None:
    """A plain class created and used on several lines, a plain-class parameter read several
    times, a class defined in the jitted body: one finding each (at the creation, the first use,
    the definition), the other places listed; the trial compile confirms each, adding nothing."""
    done = run_cli("check", "--no-cache", "--exit-zero", "--format", "json", str(FOLD))
    assert done.returncode == 0, done.stderr[-3000:]
    shown = [
        (d["location"]["row"], d["code"], d["confirmed"], d.get("detail", {}).get("also_at"))
        for d in json.loads(done.stdout)["diagnostics"]
        if d["severity"] != "info"
    ]
    assert shown == [
        (18, "NB103", True, [at(19, 9), at(20, 10), at(21, 9), at(22, 16), at(22, 22)]),
        (27, "NB101", True, [at(27, 22), at(27, 33)]),
        (32, "NB115", True, [at(34, 13), at(37, 12), at(37, 18)]),
    ]


def test_a_plain_argument_is_one_finding_at_its_first_use() -> None:
    """`h.size` is an attribute some Numba type has (the static pass stays silent on it); the
    trial compile names the argument there, and the static NB101 on `h.first` joins it."""
    path = FOLD.parent / "plain_argument.py"
    done = run_cli("check", "--no-cache", "--exit-zero", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr[-3000:]
    [found] = [d for d in json.loads(done.stdout)["diagnostics"] if d["severity"] != "info"]
    assert (found["location"]["row"], found["code"]) == (12, "NB901")
    assert found["detail"]["also_at"] == [at(13, 16), at(13, 26)]
    code = path.read_text().partition("\n\nR = ")[0] + "\n"
    [outcome] = prove_examples([{"code": code, "call": "use(Holder())"}])
    assert outcome["outcome"] == "fails", outcome


def at(row: int, column: int) -> dict[str, int]:
    return {"row": row, "column": column}


def test_the_folded_functions_really_fail_in_numba() -> None:
    calls = ["make(1.0)", "use(Holder())", "inner(1)"]
    code = FOLD.read_text().partition("\n\nR1 = ")[0] + "\n"
    outcomes = prove_examples([{"code": code, "call": call} for call in calls])
    assert [o["outcome"] for o in outcomes] == ["fails"] * 3, outcomes


def test_folded_message_names_the_other_lines(tmp_path: Path) -> None:
    found = lint_files(tmp_path, {"module.py": FOLD.read_text()}, ["NB103", "NB101"])
    assert [(d.code, d.location.row) for d in found] == [
        ("NB103", 18),
        ("NB101", 27),
        ("NB101", 34),
    ]
    assert found[0].message.endswith("(also used at lines 19, 20, 21, 22)")
    assert found[1].message.endswith("(also used at line 27)")
    # NB115 not selected: the class defined in the jitted body is said at its first attribute.
    assert found[2].message.endswith("(also used at line 37)")
