"""Static findings + dynamic findings -> one list, each problem said once.

Called by the pipeline after both passes. A static finding on the node a trial-compile error
points at is kept and marked `confirmed` (the dynamic one, now redundant, is dropped and its
Numba detail attached); a dynamic finding repeated across signatures becomes one that lists them.

Consequences fold into their cause (`fold`, called on each module's static findings by
`checks.base.run_static_rules`): a rule that knows a finding only follows from another problem
(every attribute of a plain-class instance follows from creating it) reports it with a `cause`
key (`detail["cause"]`). Findings with one cause become one: the finding that sits at the
cause's position (`cause_at`) when there is one, else the first in source order; the others
are listed in its `detail["also_at"]` and named in its message ("also used at lines 14, 18").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .diagnostic import Diagnostic, Location, Severity

# The detail keys of the folding mechanism. `object`: the parameter a static finding is about
# (matched with the trial compile's `arguments`, see `merge`).
CAUSE = "cause"
ALSO_AT = "also_at"
OBJECT = "object"


def cause_at(location: Location) -> str:
    """The cause key that names a position: the finding reported there (if any) is the cause."""
    return f"at:{location.row}:{location.column}"


def fold(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per cause (see the module docstring); order otherwise kept, `cause` keys
    removed. Causes chain: a finding whose cause is a position where another finding with a
    cause sits folds, with it, into that finding's cause."""
    if not any(CAUSE in d.detail for d in diagnostics):
        return diagnostics
    at: dict[tuple[str, str], int] = {}
    for index, d in enumerate(diagnostics):
        at.setdefault((d.filename, cause_at(d.location)), index)

    def group(index: int) -> tuple[str, str] | int:
        """The root of `index`: the index of the finding everything folds into, or the cause
        key of a cause no finding sits at."""
        seen = {index}
        while True:
            d = diagnostics[index]
            cause = d.detail.get(CAUSE)
            if cause is None:
                return index
            target = at.get((d.filename, cause))
            if target is None or target in seen:
                return (d.filename, cause)
            seen.add(target)
            index = target

    members: dict[tuple[str, str] | int, list[int]] = {}
    for index in range(len(diagnostics)):
        members.setdefault(group(index), []).append(index)
    result: list[tuple[int, Diagnostic]] = []
    for root, indexes in members.items():
        ordered = sorted(indexes, key=lambda i: diagnostics[i].location)
        kept_index = root if isinstance(root, int) else ordered[0]
        kept = diagnostics[kept_index]
        detail = {k: v for k, v in kept.detail.items() if k != CAUSE}
        others = [diagnostics[i].location for i in ordered if i != kept_index]
        if not others:
            result.append(
                (kept_index, kept.with_changes(detail=detail) if CAUSE in kept.detail else kept)
            )
            continue
        also = [*detail.get(ALSO_AT, []), *(o.to_json() for o in others)]
        also.sort(key=lambda place: (place["row"], place["column"]))
        detail[ALSO_AT] = also
        message = _with_also(kept.message, also)
        result.append((kept_index, kept.with_changes(detail=detail, message=message)))
    return [d for _, d in sorted(result, key=lambda item: item[0])]


def _with_also(message: str, also: list[dict[str, int]]) -> str:
    rows = sorted({place["row"] for place in also})
    said = ", ".join(str(row) for row in rows)
    return f"{message} (also used at line{'s' if len(rows) > 1 else ''} {said})"


def _folded_here(d: Diagnostic, found: Diagnostic) -> bool:
    """Whether `found` lies on one of the places folded into `d` (`detail["also_at"]`)."""
    if d.filename != found.filename:
        return False
    start, end = found.location, _end(found)
    return any(start <= Location(p["row"], p["column"]) <= end for p in d.detail.get(ALSO_AT, ()))


def _same_argument(static: Diagnostic, found: Diagnostic) -> bool:
    """Whether the static finding is about a parameter the trial compile found untypable in
    the same function (`detail["object"]` among `detail["arguments"]`)."""
    name = static.detail.get(OBJECT)
    if name is None or static.filename != found.filename or static.function != found.function:
        return False
    arguments = found.detail.get("arguments") or ()
    return any(isinstance(a, dict) and a.get("param") == name for a in arguments)


def _same_node(a: Diagnostic, b: Diagnostic) -> bool:
    """Same file and one range inside the other (a point range counts as its whole line)."""
    if a.filename != b.filename:
        return False
    a_start, a_end = a.location, _end(a)
    b_start, b_end = b.location, _end(b)
    return (a_start <= b_start and b_end <= a_end) or (b_start <= a_start and a_end <= b_end)


def _end(d: Diagnostic) -> Location:
    if d.end_location <= d.location:
        return Location(d.location.row, 10**9)
    return d.end_location


def _span(d: Diagnostic) -> tuple[int, int]:
    return (d.end_location.row - d.location.row, d.end_location.column - d.location.column)


def collapse(dynamic: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per (file, range, code, message), listing every signature that failed."""
    merged: dict[tuple[object, ...], Diagnostic] = {}
    for diagnostic in dynamic:
        key = (
            diagnostic.filename,
            diagnostic.location,
            diagnostic.end_location,
            diagnostic.code,
            diagnostic.message,
        )
        if key not in merged:
            merged[key] = diagnostic
            continue
        kept = merged[key]
        signatures = list(kept.detail.get("signatures", []))
        for signature in diagnostic.detail.get("signatures", []):
            if signature not in signatures:
                signatures.append(signature)
        merged[key] = kept.with_changes(detail={**kept.detail, "signatures": signatures})
    return list(merged.values())


# The detail key that lists the static findings the trial compile folded into a finding
# (`{"code", "row", "column"}`), so that what the static pass alone reports can be told apart.
FOLDED_STATIC = "folded_static"

_ALSO_SUFFIX = re.compile(r" \(also used at lines? [\d, ]+\)$")


def _absorbed(kept: Diagnostic, others: list[Diagnostic]) -> Diagnostic:
    """`kept` with the places of `others` (findings of the same cause) in its `also_at`."""
    if not others:
        return kept
    places = [p for d in others for p in (d.location.to_json(), *d.detail.get(ALSO_AT, []))]
    also = sorted(
        {(p["row"], p["column"]) for p in [*kept.detail.get(ALSO_AT, []), *places]}
        - {(kept.location.row, kept.location.column)}
    )
    listed = [{"row": row, "column": column} for row, column in also]
    folded = [
        {"code": d.code, **d.location.to_json(), ALSO_AT: d.detail.get(ALSO_AT, [])} for d in others
    ]
    detail = {**kept.detail, ALSO_AT: listed, FOLDED_STATIC: folded}
    message = _with_also(_ALSO_SUFFIX.sub("", kept.message), listed)
    return kept.with_changes(detail=detail, message=message)


def _predicted_warning(static: list[Diagnostic], found: Diagnostic) -> int | None:
    """The static finding on the node of the Numba warning `found` whose rule predicts that
    warning (`RuleInfo.numba_warning`), if any."""
    numba_text = str(found.detail.get("numba", ""))
    if not numba_text:
        return None
    predictions = _predictions()
    for index, d in enumerate(static):
        words = predictions.get(d.code) if d.pass_ is not found.pass_ else None
        if words and words in numba_text and _same_node(d, found):
            return index
    return None


def _predictions() -> dict[str, str]:
    """Rule code -> the words of the Numba warning that rule predicts."""
    from .checks import ALL_RULES  # the rule registry imports this module

    return {rule.code: rule.numba_warning for rule in ALL_RULES if rule.numba_warning}


# How a static error matches a dynamic one, best first (see `_error_candidates`).
_SAME_NODE, _FOLDED_HERE, _SAME_ARGUMENT = 0, 1, 2


def merge(static: list[Diagnostic], dynamic: list[Diagnostic]) -> list[Diagnostic]:
    """Static findings (confirmed where the trial compile agrees) plus the dynamic rest."""
    result = list(static)
    dropped: set[int] = set()
    leftover: list[Diagnostic] = []
    for found in collapse(dynamic):
        if found.severity is not Severity.ERROR:
            if not _confirm_warning(result, found):
                leftover.append(found)
            continue
        candidates = _error_candidates(result, found, dropped)
        if not candidates:
            leftover.append(found)
            continue
        index, match, how = min(
            candidates,
            key=lambda item: (item[2], item[1].location != found.location, _span(item[1])),
        )
        # Static findings about the other untypable arguments the trial compile names in the
        # same call (`a.x`, then `b.x` for two instances of one plain class) have the same
        # cause: they fold into this finding.
        same_cause = [i for i, _, h in candidates if h == _SAME_ARGUMENT and i != index]
        dropped.update(same_cause)
        folded = [result[i] for i in sorted(same_cause, key=lambda i: result[i].location)]
        if how == _SAME_ARGUMENT and found.location < match.location:
            result[index] = _absorbed(_named_at_first_use(found, match), folded)
        else:
            result[index] = _absorbed(_confirmed_by(match, found), folded)
    return [d for i, d in enumerate(result) if i not in dropped] + leftover


def _dynamic_detail(found: Diagnostic) -> dict[str, Any]:
    """What a confirmed static finding keeps of the dynamic one (under `detail["dynamic"]`)."""
    return {"code": found.code, "message": found.message, **found.detail}


def _confirm_warning(result: list[Diagnostic], found: Diagnostic) -> bool:
    """Mark the static finding that predicted Numba's warning `found` confirmed (in place);
    False when no static rule said it first."""
    predicted = _predicted_warning(result, found)
    if predicted is None:
        return False
    # A static rule said it first, with its fix: Numba's warning confirms it.
    detail = {**result[predicted].detail, "dynamic": _dynamic_detail(found)}
    result[predicted] = result[predicted].with_changes(confirmed=True, detail=detail)
    return True


def _error_candidates(
    result: list[Diagnostic], found: Diagnostic, dropped: set[int]
) -> list[tuple[int, Diagnostic, int]]:
    """The static errors the dynamic error `found` may confirm, each with how it matches.

    The static error on the same node: the narrowest one that overlaps; else the one a finding
    on this node was folded into (the trial compile found a consequence of it); else one about
    the same parameter of the same function. Errors already folded away are not candidates.
    """
    candidates = []
    for index, d in enumerate(result):
        if index in dropped or d.severity is not Severity.ERROR or d.pass_ is found.pass_:
            continue
        how = _match_kind(d, found)
        if how is not None:
            candidates.append((index, d, how))
    return candidates


def _match_kind(static: Diagnostic, found: Diagnostic) -> int | None:
    """How the static error matches the dynamic one (`_SAME_NODE` best), None when not at all."""
    if _same_node(static, found):
        return _SAME_NODE
    if _folded_here(static, found):
        return _FOLDED_HERE
    if _same_argument(static, found):
        return _SAME_ARGUMENT
    return None


def _named_at_first_use(found: Diagnostic, match: Diagnostic) -> Diagnostic:
    """The trial compile names the argument at its first use, before the attribute the static
    pass could tell: one finding there, listing the static one's places."""
    places = [match.location.to_json(), *match.detail.get(ALSO_AT, [])]
    also = sorted(
        [*found.detail.get(ALSO_AT, []), *places],
        key=lambda place: (place["row"], place["column"]),
    )
    detail = {**found.detail, ALSO_AT: also, "static": {"code": match.code}}
    return found.with_changes(detail=detail, message=_with_also(found.message, also))


def _confirmed_by(match: Diagnostic, found: Diagnostic) -> Diagnostic:
    """The static error `match`, confirmed by the trial compile's `found`."""
    detail = {**match.detail, "dynamic": _dynamic_detail(found)}
    # The trial compile often knows more (which argument, which class, which call): say it.
    message = match.message
    if found.message and found.message not in message:
        message = f"{message}; trial compile: {found.message}"
    return match.with_changes(confirmed=True, detail=detail, message=message)
