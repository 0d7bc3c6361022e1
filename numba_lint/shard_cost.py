"""A file's text -> an estimate of what checking it costs, the weight `shard.assign` splits by.

Called by `shard.shard_members` for `check --shard I/N`. Reads the text with a few regular
expressions (no parse: 30-40 ms for the benchmark corpus's 5 MB), so every job of a CI
matrix works out the same weights from the tree alone; never reads a cache, a clock or
anything else that differs between machines.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .static.prefilter import may_use_numba

# A decorator line that may jit what follows: numba's decorators and the usual project aliases
# (`@njit`, `@nb.jit(...)`, `@fast_jit`, `@jitclass(spec)`, `@vectorize`, `@overload(f)`).
_JITTING_DECORATOR = re.compile(
    r"^([ \t]*)@[^\n]*?(?:jit|vectorize|cfunc|stencil|overload|intrinsic)", re.MULTILINE
)
# The definition a decorator belongs to (past any further decorators), up to its line's end.
_DEFINITION = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)\b[^\n]*", re.MULTILINE)


# What libcst builds nodes for, counted in a jitted body (`str.count`, in C): calls, indexing,
# attributes, assignments, arithmetic, arguments. Their count predicts a body's parse and rules
# better than its characters (generated code is dense; docstrings and indentation are cheap).
_NODE_MARKS = "(=+*-,[."


@dataclass(frozen=True)
class Weights:
    """Estimated CPU seconds per unit: the coefficients of `cost`, fitted on the benchmark
    corpus by benchmarks/shard_costs.py (see `STATIC`)."""

    skipped_char: float  # each character of a file the prefilter skips (its syntax scan)
    char: float  # each character of a file that may use numba
    jitted_mark: float  # each of `_NODE_MARKS` in its jitted bodies (libcst, the rules)
    jitted_definition: float  # each jitted definition (the trial compile, in a full check)


# Static-only: what checking a file as one of the shard's own costs MORE than reading it as
# another shard's file (every shard reads every file for the project's facts: that part is
# the same in every shard, so it cannot be balanced). benchmarks/shard_costs.py measured it
# per file of the pinned corpus (CPU, best of 2, one process) and fitted these by least
# squares: a skipped file costs its syntax scan, 1.4e-7 s per character; for a file that may
# use numba, 5.2e-5 s per mark in its jitted bodies, and nothing per character (fitted: 0, its
# plain code is parsed for the facts in every shard alike). The generated interpolation file
# is then about half of the corpus's weight (measured 56-60 %; by size it was 8 %).
STATIC = Weights(skipped_char=1.4e-7, char=0.0, jitted_mark=5.2e-5, jitted_definition=0.0)
# A full check also trial-compiles each module's jitted functions: most of its time (one run of
# the corpus: about 56 s of CPU, 6.5 s of it static), about 0.06 s per jitted definition the
# estimate counts (809 on the corpus). Its own files are parsed whole, the others' for the
# facts with only their jitted bodies blanked: the difference is again the jitted code.
FULL = Weights(skipped_char=1.4e-7, char=0.0, jitted_mark=5.2e-5, jitted_definition=0.06)


def cost(text: str, weights: Weights = STATIC) -> float:
    """The estimated cost of checking `text` as one of the shard's own files (beyond what
    every shard pays for it)."""
    if not may_use_numba(text):
        return weights.skipped_char * len(text)
    marks, definitions = jitted_extent(text)
    return (
        weights.char * len(text)
        + weights.jitted_mark * marks
        + weights.jitted_definition * definitions
    )


def jitted_extent(text: str) -> tuple[int, int]:
    """The `_NODE_MARKS` in the bodies of the definitions under a jitting decorator
    (outermost only: a nested one is in its parent's body), and how many such definitions.
    An estimate by indentation: a body ends at the first line indented no deeper than its
    decorator (closing brackets and comments aside)."""
    marks = count = 0
    position = 0
    while True:
        decorator = _JITTING_DECORATOR.search(text, position)
        if decorator is None:
            break
        definition = _DEFINITION.search(text, decorator.end())
        if definition is None:
            break
        end = _dedent(len(decorator.group(1))).search(text, definition.end())
        stop = end.start() if end is not None else len(text)
        body = text[definition.end() : stop]
        marks += sum(body.count(mark) for mark in _NODE_MARKS)
        count += 1
        position = max(stop, definition.end())
    return marks, count


@functools.lru_cache(maxsize=32)
def _dedent(indent: int) -> re.Pattern[str]:
    """A line indented by at most `indent` columns that starts a statement."""
    return re.compile(rf"\n[ \t]{{0,{indent}}}(?=[^\s)\]}}#])")
