"""Numba's error text -> what kind of failure it is, in one plain line (no positions).

Called by locate.py in the linter's process; pure text, never imports Numba. The message
shapes of Numba 0.68 (unknown attribute, untyped global, no implementation, unify, lowering of
constants, ...) belong to the NB9xx rules that claim them (checks/dynamic); `classify` asks
them in order. Here: the first line, stable text, and the choice among unification places.
"""

from __future__ import annotations

import re
from typing import Any

from ...checks.dynamic import CLAIM_ORDER, Failure, TrialRule
from ..protocol import FailureRecord

UNTYPABLE_TYPE = re.compile(r"untypable\((\w+): ([\w.<>]+)\)")
UNIFY_TARGET = re.compile(r"Cannot unify .+? and .+? for '([^']+)'")
QUOTED = re.compile(r"'([A-Za-z_]\w*)'")
_SSA_NAME = re.compile(r"for '([A-Za-z_]\w*)\.\d+'")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+|#[0-9a-f]{6,}")
_DEFINED_AT = re.compile(r"(defined )?at (/[^\n]+?\.(?:py|ipynb)) \((\d+)\)")


def stable_text(text: str) -> str:
    """Numba's full text without object addresses (`at 0x7f..`, `#7f3..`): the same failure
    gives the same text in every run, so machine output is byte-identical."""
    return _ADDRESS.sub("", text)


# Numeric scalars unify with one another (int64 and float64 give float64), so they count as
# one family when telling which place brings in the disagreeing type.
_NUMERIC = re.compile(r"^(?:u?int\d+|float\d+|complex\d+|bool|boolean|u?intp)$")
_LITERAL = re.compile(r"^Literal\[(\w+)\]\(.*\)$")
_ARRAY = re.compile(r"^(?:readonly )?array\((\w+), (\d+)d, \w+\)$")


def type_family(text: str) -> str:
    """A Numba type's spelling -> what it unifies with: literals are their base type, numbers
    one family, strings one family, arrays by dtype and ndim (layouts unify)."""
    literal = _LITERAL.match(text)
    if literal:
        text = literal.group(1)
    if text in ("str", "unicode_type"):
        return "str"
    if text == "int" or _NUMERIC.match(text):
        return "number"
    array = _ARRAY.match(text)
    if array:
        return f"array({array.group(1)}, {array.group(2)}d)"
    return text


def source_order(place: dict[str, Any]) -> tuple[int, int, int]:
    """Where a candidate place is in the source: line, then column, then Numba's block (a
    bytecode offset, so in source order within one line)."""
    return (int(place["line"]), int(place.get("column", 0)), int(place.get("block", 0)))


def choose_disagreeing(
    places: list[dict[str, Any]],
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """Among the places whose types Numba could not unify (return statements, assignments that
    meet in one variable), the one that brings in the disagreeing type, and the others.

    Places are taken in source order whatever order Numba gave them in. Types are grouped by
    family (`type_family`; `none` goes with any family, as Numba makes it Optional). The
    family of the most places is the expected one, a tie going to the family that appears
    first in source order; the root cause is the first place, in source order, whose type is
    not of that family. With `return 1` (line 7) then `return "s"` (line 9) that is line 9;
    with `return 1`, `return "s"`, `return 2` it is the `return "s"`. None when there is no
    disagreement to show (fewer than two places, or one family).
    """
    ordered = sorted(places, key=source_order)
    counted = [p for p in ordered if type_family(p["type"]) != "none"]
    families: dict[str, int] = {}
    for place in counted:
        family = type_family(place["type"])
        families[family] = families.get(family, 0) + 1
    if len(families) < 2:
        return None
    # dicts keep insertion order (source order of each family's first place): max() keeps
    # the first of equal counts.
    expected = max(families, key=lambda family: families[family])
    root = next(p for p in counted if type_family(p["type"]) != expected)
    return root, [p for p in ordered if p is not root]


# Numba's internal variables as its messages quote them: SSA temporaries (`$phi14.0.2`,
# `$50load_method.8`, `$6return_value.1`) and arguments (`arg.0`).
INTERNAL_NAME = re.compile(r"'(\$[\w.]+|arg\.\d+)'|(\$[\w.]+)")


def first_line(text: str) -> str:
    """The first meaningful line of Numba's message (no pipeline banner), without addresses."""
    chosen = text.strip().splitlines()[0] if text.strip() else "unknown error"
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("Failed in ", "During:", 'File "')):
            chosen = line.removesuffix(".")
            break
    chosen = _SSA_NAME.sub(r"for '\1'", _ADDRESS.sub("", chosen))
    return _DEFINED_AT.sub(lambda m: f"{m.group(1) or ''}at line {m.group(3)}", chosen)


def failure_of(raw: FailureRecord, message: str, dropped: set[str]) -> Failure:
    """A worker's failure record as the rules read it."""
    return Failure(
        message=message,
        text=raw.get("text", ""),
        types=set(raw.get("types", [])),
        kind_hint=raw.get("kind_hint"),
        signature=raw.get("signature"),
        full_compile=bool(raw.get("full_compile")),
        dropped=dropped,
    )


def classify(failure: Failure) -> tuple[type[TrialRule], dict[str, Any]]:
    """The first rule (checks/dynamic CLAIM_ORDER) that claims the failure, and its fields."""
    for rule in CLAIM_ORDER:
        fields = rule.claim(failure)
        if fields is not None:
            return rule, fields
    raise AssertionError("TypingFailure claims every failure")  # pragma: no cover


def root_location(raw: FailureRecord) -> tuple[str | None, int | None, list[tuple[str, int]]]:
    """(file, line) of the innermost user-code location, and the outer locations (callers)."""
    chain = [(c["file"], c["line"]) for c in raw.get("chain", [])]
    if chain:
        return chain[-1][0], chain[-1][1], chain[:-1]
    text_locs = [(c["file"], c["line"]) for c in raw.get("text_locs", [])]
    if text_locs:
        return text_locs[0][0], text_locs[0][1], []
    fallback = raw.get("fallback")
    if fallback:
        return fallback["file"], fallback["line"], []
    return None, None, []
