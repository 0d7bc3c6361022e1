"""What a one-worker static pass holds per file: live objects when its parse stage ends.

    python benchmarks/bench_scale_census.py                       # 500,000 and 1,000,000 lines
    python benchmarks/bench_scale_census.py --no-cache --lines 250000 500000

Generates bench_scale.py's trees (--corpus, --keep as there) and runs `numba-lint check
--static-only --jobs 1` on each in a fresh process, in-process there, with a hook that counts
every live object (`gc.get_objects()`, after a collection, and the strings, numbers, bytes and
untracked tuples they refer to) by type once the parse stage is done: the RSS high-water mark
is reached in that stage (the largest module's parse on top of what every file parsed so far
left), so what is alive then is what the peak grows by. Prints the growth between the first
and the last size, per type and per file. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scale import CORPUS, generate  # noqa: E402


def census() -> dict[str, list[int]]:
    """Bytes and count of the live objects by type (atoms: those held by a container)."""
    gc.collect()
    found: dict[str, list[int]] = {}
    atoms: set[int] = set()
    for item in gc.get_objects():
        entry = found.setdefault(type(item).__name__, [0, 0])
        entry[0] += sys.getsizeof(item)
        entry[1] += 1
        # Objects the collector does not track: atoms, and tuples of atoms only (the
        # collector stops tracking those), with what they hold.
        untracked = [held for held in gc.get_referents(item) if not gc.is_tracked(held)]
        while untracked:
            held = untracked.pop()
            if id(held) in atoms or not isinstance(held, (str, bytes, int, float, tuple)):
                continue
            atoms.add(id(held))
            entry = found.setdefault(f"({type(held).__name__})", [0, 0])
            entry[0] += sys.getsizeof(held)
            entry[1] += 1
            if isinstance(held, tuple):
                untracked.extend(held)
    return found


def one(tree: Path, out: Path, cache: bool) -> None:
    """In this process: check `tree`, writing the census at the end of the parse stage."""
    os.chdir(tree)
    import numba_lint.static.stages as stages
    from numba_lint.cli import main

    settle = stages._settled_facts

    def counted(*args: object, **kwargs: object) -> object:
        out.write_text(json.dumps(census()))
        return settle(*args, **kwargs)  # type: ignore[arg-type]

    stages._settled_facts = counted  # type: ignore[assignment]
    command = ["check", "--static-only", "--exit-zero", "--format", "json", "-o", os.devnull]
    main([*command, "--jobs", "1", *([] if cache else ["--no-cache"]), "."])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[500_000, 1_000_000])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", type=Path, help="generate here and keep the trees")
    parser.add_argument("--no-cache", action="store_true", help="numba-lint's --no-cache")
    parser.add_argument("--one", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], args.one[1], not args.no_cache)
        return 0
    base = args.keep or Path(tempfile.mkdtemp(prefix="numba-lint-census-"))
    counts, sizes = [], []
    try:
        for size in args.lines:
            tree, out = base / f"tree-{size}", base / f"census-{size}.json"
            shutil.rmtree(tree, ignore_errors=True)
            files, lines = generate(args.corpus, tree, size)
            flags = ["--no-cache"] if args.no_cache else []
            subprocess.run(
                [sys.executable, __file__, "--one", str(tree), str(out), *flags], check=True
            )
            counts.append(json.loads(out.read_text()))
            sizes.append((files, lines))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    first, last = counts[0], counts[-1]
    growth = Counter({k: last.get(k, [0])[0] - first.get(k, [0])[0] for k in {*first, *last}})
    files = sizes[-1][0] - sizes[0][0]
    total = sum(growth.values())
    print(f"{sizes[0][1]:,} -> {sizes[-1][1]:,} lines ({files:,} more files): ", end="")
    print(f"{total / 2**20:.2f} MiB more, {total / max(files, 1):,.0f} bytes a file")
    for name, grown in growth.most_common(15):
        print(f"  {grown / 2**20:8.3f} MiB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
