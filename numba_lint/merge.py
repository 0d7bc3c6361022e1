"""Static findings + dynamic findings -> one list, each problem said once.

Called by the pipeline after both passes. A static finding on the node a trial-compile error
points at is kept and marked `confirmed` (the dynamic one, now redundant, is dropped and its
Numba detail attached); a dynamic finding repeated across signatures becomes one that lists them.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostic import Diagnostic, Location, Severity


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


def merge(static: list[Diagnostic], dynamic: list[Diagnostic]) -> list[Diagnostic]:
    """Static findings (confirmed where the trial compile agrees) plus the dynamic rest."""
    result = list(static)
    leftover: list[Diagnostic] = []
    for found in collapse(dynamic):
        if found.severity is not Severity.ERROR:
            leftover.append(found)
            continue
        # The static error on the same node: the narrowest one that overlaps.
        candidates = [
            (index, d)
            for index, d in enumerate(result)
            if d.severity is Severity.ERROR and d.pass_ is not found.pass_ and _same_node(d, found)
        ]
        if not candidates:
            leftover.append(found)
            continue
        index, match = min(
            candidates,
            key=lambda item: (item[1].location != found.location, _span(item[1])),
        )
        detail = {
            **match.detail,
            "dynamic": {"code": found.code, "message": found.message, **found.detail},
        }
        # The trial compile often knows more (which argument, which class, which call): say it.
        message = match.message
        if found.message and found.message not in message:
            message = f"{message}; trial compile: {found.message}"
        result[index] = match.with_changes(confirmed=True, detail=detail, message=message)
    return result + leftover
