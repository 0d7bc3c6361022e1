"""Numba's error text -> what kind of failure it is, in one plain line (no positions).

Called by locate.py in the linter's process; pure text, never imports Numba. Recognises the
message shapes of Numba 0.68 (unknown attribute, untyped global, no implementation, unify,
lowering of constants, ...) and picks the matching NB9xx rule and its message fields.
"""

from __future__ import annotations

import re
from typing import Any

from ..checks import dynamic as rules
from ..checks.base import RuleInfo

UNSUPPORTED_NUMPY = re.compile(r"Use of unsupported NumPy function '([\w.]+)'")
MODULE_OWNER = re.compile(r"Module\(<module '([\w.]+)'")
UNKNOWN_ATTR = re.compile(r"Unknown attribute '([^']+)' of type (.+)")
UNTYPABLE_TYPE = re.compile(r"untypable\((\w+): ([\w.<>]+)\)")
UNTYPED_GLOBAL = re.compile(r"Untyped global name '([^']+)':?\s*(.*)")
NAME_ERROR = re.compile(r"NameError: name '([^']+)' is not defined")
NO_IMPL = re.compile(
    r"No implementation of function Function\(<(?:built-in )?(?:function|"
    r"class|method) '?([\w.]+)'?[^>]*>\) found for signature:"
)
NO_IMPL_SIG = re.compile(r">>> (.+)")
_REJECTED = re.compile(
    r"(?:Rejected as the implementation raised a specific error|raised from)"
    r"[^\n]*\n\s*(\w+(?:Error|Exception)): ([^\n]+)"
)
DISPATCHER = re.compile(r"type\(CPUDispatcher\(<function ([\w.<>]+) at")
UNIFY_TARGET = re.compile(r"Cannot unify .+? and .+? for '([^']+)'")
UNIFY = re.compile(r"Cannot unify .+ for '([A-Za-z_]\w*)(?:\.\d+)?'")
QUOTED = re.compile(r"'([A-Za-z_]\w*)'")
LOWERING_GLOBAL = re.compile(r'During: lowering "[^"]*= global\((\w+): ')
_SELECTOR = re.compile(r"<numba\.core\.base\.OverloadSelector object[^>]*>, \((.+?),?\)$")
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


def classify(
    raw: dict[str, Any], message: str, dropped: set[str]
) -> tuple[type[RuleInfo], dict[str, Any]]:
    text = raw.get("text", "")
    kinds = set(raw.get("types", []))
    if raw.get("kind_hint") == "invalid-signature":
        signature = raw.get("signature")
        what = f"signature {signature}" if signature else "signature"
        return rules.InvalidSignature, {"what": what, "detail": message}
    for pattern in (UNTYPED_GLOBAL, NAME_ERROR):
        match = pattern.search(message)
        if match and match.group(1) in dropped:
            return rules.GlobalFromSkippedCode, {"name": match.group(1)}
    match = UNTYPED_GLOBAL.search(message)
    if match:
        what = match.group(2).strip().removesuffix(".") or "its type is unknown"
        return rules.UntypedGlobal, {"name": match.group(1), "detail": what[0].lower() + what[1:]}
    match = UNSUPPORTED_NUMPY.search(message)
    if match:
        return rules.UnsupportedNumpyFunction, {"name": match.group(1)}
    match = UNKNOWN_ATTR.search(message)
    if match:
        owner = match.group(2).strip()
        if owner.startswith("Module("):
            owner = "module " + owner.split("'")[1] if "'" in owner else owner
        return rules.UnknownAttribute, {"attribute": match.group(1), "owner": owner}
    match = NO_IMPL.search(text)
    if match:
        signature = NO_IMPL_SIG.search(text)
        reasons = _REJECTED.findall(text)
        reason = f" ({reasons[-1][1].strip().removesuffix('.')})" if reasons else ""
        return rules.NoMatchingImplementation, {
            "name": match.group(1).rsplit(".", 1)[-1],
            "signature": signature.group(1).strip() if signature else "these argument types",
            "reason": reason,
        }
    if (
        "UnsupportedBytecodeError" in kinds
        or "UnsupportedError" in kinds
        or ("ConstantInferenceError" in kinds)
    ):
        return rules.UnsupportedConstruct, {"detail": message}
    if raw.get("kind_hint") == "lowering":
        return rules.LoweringFailure, {"detail": message}
    if (
        "(step: native lowering)" in text
        or "LoweringError" in kinds
        or ("NumbaError" not in kinds and raw.get("full_compile"))
    ):
        if "load_from_data_pointer" in message:
            # Numba's words for an iterator returned to (boxed for) the caller.
            message = (
                "returning an iterator from a jitted function cannot be compiled; "
                "return a tuple, list or array instead"
            )
        constant = LOWERING_GLOBAL.search(text)
        selector = _SELECTOR.search(message)
        if constant and selector:
            message = (
                f"global '{constant.group(1)}' of type {selector.group(1)} cannot be "
                "used as a constant in compiled code"
            )
        return rules.LoweringFailure, {"detail": message}
    return rules.TypingFailure, {"detail": message}


def root_location(raw: dict[str, Any]) -> tuple[str | None, int | None, list[tuple[str, int]]]:
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
