"""Each corpus file's static cost, measured -> the weights of `numba_lint/shard_cost.py`.

    python benchmarks/shard_costs.py            # measure, fit, compare with the weights in use
    python benchmarks/shard_costs.py --top 20   # and the 20 costliest files

Checks each file of the pinned corpus (benchmarks/.corpus/src) on its own, in this process:
a file the prefilter skips is parsed by Python's `ast` (its syntax scan); any other is parsed
(blanked, `static/reduced_parse.py`), indexed and its rules run, then parsed and indexed again
as another shard's file (`static.share.ModuleShare`, one per file, no other module's facts).
Its cost is the difference, CPU seconds, the best of `--repeat`: what a shard pays for it as
its own file beyond what every shard pays. Then fits `shard_cost.Weights` by least squares
on each file's characters and the marks in its jitted bodies (`shard_cost.jitted_extent`),
and prints how well the weights in use and the fitted ones predict the measured costs, and
how long working out every file's weight takes. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import ast
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from numba_lint.checks import STATIC_RULES, static_rules
from numba_lint.discover import SourceFile, discover
from numba_lint.knowledge import load_knowledge
from numba_lint.shard import Shard, assign
from numba_lint.shard_cost import STATIC, Weights, cost, jitted_extent
from numba_lint.static.prefilter import may_use_numba
from numba_lint.static.share import ModuleShare

CORPUS = Path(__file__).resolve().parent / ".corpus" / "src"


def measured(corpus: Path, repeat: int) -> list[tuple[str, str, float]]:
    """(display name, text, CPU seconds) for every file of `corpus`: what checking it as one of
    a shard's own files costs more than reading it for the facts as another shard's file."""
    rules = static_rules(list(STATIC_RULES))
    knowledge, _ = load_knowledge()
    found = []
    gc.disable()  # as the static pass runs (`collector.py`); collected between files
    for source in discover([str(corpus)], [], corpus).files:
        text = source.path.read_text(encoding="utf-8", errors="replace")
        if not may_use_numba(text):  # its syntax scan; another shard's: nothing (or bindings)
            found.append((source.display, text, _best(repeat, _scan, text)))
            continue
        own = _best(repeat, _check, source, text, rules, knowledge, False)
        facts = _best(repeat, _check, source, text, rules, knowledge, True)
        found.append((source.display, text, own - facts))
    gc.enable()
    return found


def _best(repeat: int, step: Callable[..., None], *args: Any) -> float:
    """The least CPU seconds of `repeat` runs of `step(*args)`."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        step(*args)
        best = min(best, time.process_time() - started)
        gc.collect()
    return best


def _scan(text: str) -> None:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        pass


def _check(source: SourceFile, text: str, rules: list, knowledge: Any, facts_only: bool) -> None:
    """Parse and index one file as the static pass does; its rules unless `facts_only`."""
    share = ModuleShare(rules, knowledge, early_rules=False)
    share.run("parse", ([(source, text)], None, facts_only))
    facts = share.index({})
    if not facts_only:
        share.rules_pass(facts, None)


def fitted(files: list[tuple[str, str, float]]) -> Weights:
    """The weights that predict the measured costs best: the skipped files' cost per character,
    then for the others per character and per mark in jitted bodies (least squares through 0,
    a negative coefficient dropped)."""
    skipped = [(text, seconds) for _, text, seconds in files if not may_use_numba(text)]
    skipped_char = sum(s for _, s in skipped) / max(sum(len(t) for t, _ in skipped), 1)
    rows, costs = [], []
    for _, text, seconds in files:
        if may_use_numba(text):
            rows.append([float(len(text)), float(jitted_extent(text)[0])])
            costs.append(seconds)
    matrix, target = np.array(rows), np.array(costs)
    char, mark = np.linalg.lstsq(matrix, target, rcond=None)[0]
    if min(char, mark) < 0:  # one term alone
        column = 0 if mark < 0 else 1
        alone = np.linalg.lstsq(matrix[:, column : column + 1], target, rcond=None)[0][0]
        char, mark = (alone, 0.0) if column == 0 else (0.0, alone)
    return Weights(skipped_char, float(char), float(mark), STATIC.jitted_definition)


def report(files: list[tuple[str, str, float]], weights: Weights, label: str) -> None:
    """How well `weights` predict the measured costs, and how the split they give shares the
    measured cost out (the costliest shard's part: 1/N at best, or the costliest file's)."""
    predicted = [cost(text, weights) for _, text, _ in files]
    actual = [seconds for *_, seconds in files]
    error = sum(abs(p - a) for p, a in zip(predicted, actual, strict=True)) / sum(actual)
    top = max(range(len(files)), key=lambda i: actual[i])
    print(
        f"{label}: {weights}\n  predicted {sum(predicted):.2f} s of {sum(actual):.2f} s; "
        f"summed error per file {error:.0%}; costliest file {files[top][0]}: measured "
        f"{actual[top] / sum(actual):.0%}, predicted {predicted[top] / sum(predicted):.0%}"
    )
    print("  " + split_shares(files, predicted))


def split_shares(files: list[tuple[str, str, float]], weights: list[float]) -> str:
    """The measured cost of the costliest shard of 2, 3 and 4, split by `weights` (`assign`)."""
    actual = {name: seconds for name, _, seconds in files}
    named = [(name, weight) for (name, *_), weight in zip(files, weights, strict=True)]
    shares = []
    for count in (2, 3, 4):
        parts = [assign(named, Shard(i, count)) for i in range(1, count + 1)]
        heaviest = max(sum(actual[name] for name in part) for part in parts)
        shares.append(f"{count} shards {heaviest / sum(actual.values()):.2f}")
    return "costliest shard's part of the measured cost: " + ", ".join(shares)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--top", type=int, default=0, help="list the N costliest files")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no corpus; run benchmarks/bench_static.py first")
    files = measured(args.corpus, args.repeat)
    texts = [text for _, text, _ in files]
    started = time.perf_counter()
    for text in texts:
        cost(text)
    elapsed = time.perf_counter() - started
    candidates = sum(map(may_use_numba, texts))
    print(
        f"{len(files)} files ({candidates} may use numba), {sum(map(len, texts)) / 1e6:.2f} M "
        f"characters; their weights worked out in {elapsed * 1000:.0f} ms"
    )
    report(files, STATIC, "in use")
    report(files, fitted(files), "fitted")
    sizes = [float(len(text)) for _, text, _ in files]
    print(f"split by size (before): {split_shares(files, sizes)}")
    for name, text, seconds in sorted(files, key=lambda f: -f[2])[: args.top]:
        marks, definitions = jitted_extent(text)
        print(
            f"  {seconds:6.3f} s  predicted {cost(text):6.3f} s  {len(text):7} characters, "
            f"{marks:6} marks in {definitions:3} jitted definitions  {name}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
