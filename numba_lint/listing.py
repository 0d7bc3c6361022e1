"""JitIndex -> the `functions` entries of the JSON report: one per jitted function, and one per
further variant of a def jitted more than once. Called by the pipeline and the static pool;
lists what the index found, never decides what is jitted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from .diagnostic import FunctionCoverage

if TYPE_CHECKING:  # names for hints only: `listing_order` serves runs that never import libcst
    from .jit_model import IndexedModule, JitFunction, JitIndex
    from .parse import ParsedModule

# Why a static-only listing leaves every function unchecked.
STATIC_ONLY = "static pass only"


def listed(parsed: ParsedModule, index: JitIndex) -> list[FunctionCoverage]:
    """The JSON `functions` entries of a static-only run: one per jitted function, and one per
    further variant of a def jitted more than once."""
    entries = []
    for function in index.functions:
        wrappings = [(function.dispatcher_name, function.decorator), *function.variants]
        for dispatcher, decorator in wrappings:
            entries.append(
                FunctionCoverage(
                    filename=parsed.source.display,
                    name=function.qualname,
                    line=function.line,
                    checked=False,
                    reason=STATIC_ONLY,
                    via=decorator.via,
                    dispatcher=dispatcher if function.variants else None,
                )
            )
    return entries


def listing_order(entry: FunctionCoverage) -> tuple[str, int, str, str]:
    return (entry.filename, entry.line, entry.name, entry.dispatcher or "")


def with_variants(
    indexed: Iterable[IndexedModule], entries: list[FunctionCoverage]
) -> list[FunctionCoverage]:
    """The dynamic pass's `functions` entries, one per variant of a def jitted more than once.
    The pass checks each variant through its own dispatcher and names it in `dispatcher`; an
    entry without one (a pass that planned the def once) is the first variant, and the other
    variants are listed, unchecked, saying so."""
    variants: dict[tuple[str, str], JitFunction] = {
        (parsed.source.display, function.qualname): function
        for parsed, index, _ in indexed
        for function in index.functions
        if function.variants
    }
    if not variants:
        return entries
    present = {(e.filename, e.name, e.dispatcher) for e in entries if e.dispatcher is not None}
    listed_entries = []
    for entry in entries:
        function = variants.get((entry.filename, entry.name))
        if function is None or entry.dispatcher is not None:
            listed_entries.append(entry)
            continue
        listed_entries.append(replace(entry, dispatcher=function.dispatcher_name))
        for dispatcher, decorator in function.variants:
            if (entry.filename, entry.name, dispatcher) in present:
                continue
            listed_entries.append(
                replace(
                    entry,
                    checked=False,
                    signature_source=None,
                    signatures=(),
                    reason=f"one variant per def is checked: {function.dispatcher_name}",
                    via=decorator.via,
                    dispatcher=dispatcher,
                )
            )
    return listed_entries
