"""`check --shard I/N`: which of the discovered files one job of a CI matrix reports on.

Called by the pipeline once the files are read. The split is by each file's estimated cost
(`shard_cost.py`), not its size. Every shard still reads the whole tree and indexes
every file that may use numba (project decorator aliases, wrappers, bindings and registrations
come from every module), so a file's findings are those of a one-job run; the rules, the
syntax scan and the trial compile are limited to the shard's files, and the other shards'
files are parsed only for the project's facts, without the bodies of their jitted functions
(`static/facts_only.py`). The report keeps only the shard's findings. `numba-lint merge` joins
the outputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import shard_cost
from .diagnostic import Report
from .discover import SourceFile

_SHAPE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as written on the command line
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """'I/N' with 1 <= I <= N; ValueError with the reason otherwise."""
    match = _SHAPE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not of the form I/N (e.g. 1/4)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ValueError(f"'{text}': the number of shards must be at least 1")
    if not 1 <= index <= count:
        raise ValueError(f"'{text}': the shard must be between 1 and {count}")
    return Shard(index, count)


def assign(weights: Iterable[tuple[str, float]], shard: Shard) -> frozenset[str]:
    """The names (display paths) shard `shard` checks, from every file's (name, weight).

    Greedy over a stable order (heaviest first, then by name): each file goes to the shard
    with the least weight so far, the lowest-numbered on a tie. Depends only on the names and
    weights, so every job of the matrix computes the same split without talking to the
    others. A file heavier than a shard's fair share gets a shard to itself."""
    totals = [0.0] * shard.count
    mine: set[str] = set()
    for name, weight in sorted(weights, key=lambda item: (-item[1], item[0])):
        lightest = min(range(shard.count), key=lambda position: (totals[position], position))
        totals[lightest] += weight
        if lightest == shard.index - 1:
            mine.add(name)
    return frozenset(mine)


def shard_members(
    discovered: Iterable[str],
    texts: Mapping[SourceFile, str],
    shard: Shard | None,
    full: bool = False,
) -> frozenset[str] | None:
    """The display names of the `discovered` files this shard reports on; None: every file.

    Each file weighs what its `texts` (a notebook's: its modules') are estimated to cost
    (`shard_cost.cost`; `full`: the trial compile too); a file that could not be read weighs
    nothing, and is still some shard's."""
    if shard is None:
        return None
    weights = shard_cost.FULL if full else shard_cost.STATIC
    totals = dict.fromkeys(discovered, 0.0)
    for source, text in texts.items():
        name = home(source.display)
        if name in totals:
            totals[name] += shard_cost.cost(text, weights)
    return assign(totals.items(), shard)


def home(display: str) -> str:
    """The discovered file a display name belongs to: a notebook's modules and findings are
    shown as `book.ipynb[module]` and go with `book.ipynb`."""
    marker = display.find(".ipynb[")
    if marker >= 0 and display.endswith("]"):
        return display[: marker + len(".ipynb")]
    return display


def keep_shard(report: Report, members: frozenset[str], paths: frozenset[str]) -> None:
    """Drop from `report` what belongs to files of other shards (`paths`: the resolved paths
    of `members`, which the recorded types name)."""
    report.diagnostics = [d for d in report.diagnostics if home(d.filename) in members]
    report.functions = [f for f in report.functions if home(f.filename) in members]
    report.sources = {
        name: lines for name, lines in report.sources.items() if home(name) in members
    }
    report.types = [t for t in report.types if str(t.get("file", "")) in paths]
    report.summary.jit_functions = len(report.functions)
