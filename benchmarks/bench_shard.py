"""`check --shard I/N` against one run on the pinned corpus: wall and CPU time of each shard,
and a check that the shards' merged outputs are the one run's, file for file.

    python benchmarks/bench_shard.py                  # static-only, 2 shards, 3 rounds
    python benchmarks/bench_shard.py --full --repeat 1   # the trial compile too (minutes)

Each round runs, one after another (interleaved, so the machine's load falls on all alike):
the one run, then shard 1/N ... N/N, each `numba-lint check --no-cache --format json` in a
subprocess (`--static-only` unless `--full`; `--no-cache` also keeps the trial-compile cache
out), then a check of the file the split weighs most, alone (no shard that holds it can take
less). CPU is user + system time of the command and the processes it waited for (its static
and trial-compile workers). The check (`--check 2 3`, the default) runs every shard of each
count with `--select ALL --static-only` and `numba-lint merge`s them: the merged JSON must be
the one run's (seconds aside). With `--full`, the timed rounds' outputs are checked the same
way. The corpus (benchmarks/.corpus/src, fetched by bench_static.py) is copied to a temporary
folder with a `pyproject.toml` of its own. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus" / "src"
TREE = HERE.parent  # the numba-lint this benchmark belongs to
sys.path.insert(0, str(HERE))

sys.path.insert(0, str(TREE))

from timing import timed_cli  # noqa: E402

from numba_lint.shard_cost import FULL, STATIC, cost  # noqa: E402

HEAVIEST = "heaviest file alone"


def timed(args: list[str], cwd: Path, tree: Path = TREE) -> tuple[float, float, dict]:
    """Wall seconds, CPU seconds and the JSON output of one `numba-lint` command line, run
    from the numba-lint source `tree` (its folder above `numba_lint/`)."""
    wall, cpu, output = timed_cli(args, cwd, tree)
    return wall, cpu, json.loads(output)


def heaviest_file(corpus: Path, full: bool) -> str:
    """The corpus's file the split weighs most (`numba_lint/shard_cost.py`): checked alone, it
    is the least any shard that holds it can take, whatever the split."""
    weights = FULL if full else STATIC
    weighed = []
    for path in sorted(corpus.rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        weighed.append((cost(text, weights), str(path.relative_to(corpus))))
    return max(weighed)[1]


def merged(outputs: list[dict], cwd: Path) -> dict:
    """The shards' outputs joined by `numba-lint merge`."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, output in enumerate(outputs):
            path = Path(folder) / f"shard{number}.json"
            path.write_text(json.dumps(output), encoding="utf-8")
            paths.append(str(path))
        done = subprocess.run(
            [sys.executable, "-m", "numba_lint", "merge", *paths],
            cwd=cwd,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise SystemExit(f"numba-lint merge failed:\n{done.stderr}")
    return json.loads(done.stdout)


def same_as_one_run(one: dict, shards: list[dict], cwd: Path) -> bool:
    """Whether the merged shards are the one run, file for file (the seconds aside)."""
    joined = merged(shards, cwd)
    for output in (one, joined):
        output["summary"].pop("seconds", None)
    if joined == one:
        return True
    ours = {json.dumps(d, sort_keys=True) for d in joined["diagnostics"]}
    theirs = {json.dumps(d, sort_keys=True) for d in one["diagnostics"]}
    for side, only in (("one run only", theirs - ours), ("shards only", ours - theirs)):
        for text in sorted(only)[:10]:
            d = json.loads(text)
            where = f"{d['filename']}:{d['location']['row']}"
            print(f"  {side}: {where} {d['code']} {d['message'][:160]}")
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--full", action="store_true", help="time the full check (trial compile)")
    parser.add_argument("--check", type=int, nargs="*", default=[2, 3], help="shard counts")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another numba-lint source folder (holding numba_lint/): its runs interleaved",
    )
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no corpus; run benchmarks/bench_static.py first")
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "src"
        shutil.copytree(args.corpus, corpus)
        (corpus / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
        return measure(args, corpus)


def measure(args: argparse.Namespace, corpus: Path) -> int:
    """The timed rounds and the checks on `corpus` (a copy with a configuration of its own)."""
    mode = [] if args.full else ["--static-only"]
    base = ["check", "--no-cache", "--exit-zero", "--format", "json", *mode, "."]
    shards = [f"{i}/{args.shards}" for i in range(1, args.shards + 1)]
    trees = {"": TREE} if args.baseline is None else {"": TREE, "baseline ": args.baseline}
    runs = [f"{name}{run}" for name in trees for run in ["one run", *shards]]
    times: dict[str, list[tuple[float, float]]] = {run: [] for run in [*runs, HEAVIEST]}
    heaviest = heaviest_file(corpus, full=args.full)
    loads = [os.getloadavg()[0]]
    identical = True
    for _ in range(args.repeat):
        for name, tree in trees.items():
            outputs = {}
            for run in ["one run", *shards]:
                extra = [] if run == "one run" else ["--shard", run]
                wall, cpu, outputs[run] = timed([*base, *extra], cwd=corpus, tree=tree)
                times[f"{name}{run}"].append((wall, cpu))
            if args.full:
                one = outputs["one run"]
                identical &= same_as_one_run(one, [outputs[r] for r in shards], corpus)
        alone = timed([*base[:-1], heaviest], cwd=corpus)
        times[HEAVIEST].append(alone[:2])
        loads.append(os.getloadavg()[0])
    files = sum(1 for _ in corpus.rglob("*.py"))
    print(
        f"corpus: {files} files; {'full check' if args.full else 'static-only'}; "
        f"{os.cpu_count()} CPUs; median of {args.repeat} interleaved rounds; "
        f"load average {min(loads):.1f}-{max(loads):.1f}"
    )

    def median(run: str, part: int) -> float:
        return statistics.median(values[part] for values in times[run])

    print(f"{'run':22} {'wall s':>8} {'vs one':>7} {'CPU s':>8} {'vs one':>7}")
    for name in trees:
        one = f"{name}one run"
        for run in ["one run", *shards]:
            label = f"{name}{run if run == 'one run' else 'shard ' + run}"
            wall, cpu = median(f"{name}{run}", 0), median(f"{name}{run}", 1)
            wall_ratio, cpu_ratio = wall / median(one, 0), cpu / median(one, 1)
            print(f"{label:22} {wall:8.2f} {wall_ratio:7.2f} {cpu:8.2f} {cpu_ratio:7.2f}")
    wall, cpu = median(HEAVIEST, 0), median(HEAVIEST, 1)
    wall_ratio, cpu_ratio = wall / median("one run", 0), cpu / median("one run", 1)
    print(f"{HEAVIEST:22} {wall:8.2f} {wall_ratio:7.2f} {cpu:8.2f} {cpu_ratio:7.2f}  {heaviest}")
    slowest = max(median(run, 0) for run in shards)
    print(f"slowest shard: {slowest / median('one run', 0):.2f} of the one run's wall time")
    for count in args.check:
        check = ["check", "--no-cache", "--exit-zero", "--format", "json", "--static-only"]
        check += ["--select", "ALL", "."]
        one = timed(check, cwd=corpus)[2]
        shards = [
            timed([*check, "--shard", f"{i}/{count}"], cwd=corpus)[2] for i in range(1, count + 1)
        ]
        same = same_as_one_run(one, shards, corpus)
        identical &= same
        print(
            f"check, {count} shards, --select ALL --static-only: "
            f"{'identical to the one run' if same else 'DIFFERENT'} "
            f"({len(one['diagnostics'])} diagnostics, {len(one['functions'])} functions)"
        )
    if args.full:
        print(f"full check outputs: {'identical' if identical else 'DIFFERENT'} (every round)")
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
