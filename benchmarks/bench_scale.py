"""Time and peak memory of `numba-lint check --static-only` on a generated tree of N lines.

    python benchmarks/bench_scale.py                        # 1,000,000 lines
    python benchmarks/bench_scale.py --lines 250000 500000 1000000   # one row per size
    python benchmarks/bench_scale.py --jobs 1 --no-cache --lines 500000 1000000
    python benchmarks/bench_scale.py --jobs 1 --warm --lines 500000 1000000   # + a warm re-run

The tree is made of the pinned corpus's modules (benchmarks/.corpus/src, fetched by
bench_static.py; --corpus for another folder), copied whole and in a fixed order until the size
is reached, so the generated tree keeps the corpus's mix of numba-using and plain modules.
Each copy's top-level packages get a suffix of their own (`quantecon` -> `quantecon_c2`, in its
import statements too), so module names stay unique as in a real repository. Generated in a
temporary folder (--keep to keep it), never committed. Reports wall time, CPU time (user and
system, the workers included), lines per second, the largest process's peak RSS (getrusage) and
the peak RSS of the whole process tree, the workers included (sampled from /proc on Linux).
With --warm, each size gets a second row: the run again, its static cache kept, after one
jitted file was edited (a comment added), so that every other file is replayed from its record.
Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus" / "src"


def corpus_files(corpus: Path) -> list[tuple[Path, str, int]]:
    """(path relative to the corpus, text, lines) of every .py file, in a fixed order."""
    found = []
    for path in sorted(corpus.rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found.append((path.relative_to(corpus), text, text.count("\n") + 1))
    return found


def top_packages(corpus: Path) -> list[str]:
    """Top-level package names of the corpus's projects (folders with an __init__.py)."""
    names: set[str] = set()
    for project in corpus.iterdir():
        for candidate in (project, project / "src"):
            if candidate.is_dir():
                names.update(p.parent.name for p in candidate.glob("*/__init__.py"))
    return sorted(names)


def generate(corpus: Path, target: Path, lines: int) -> tuple[int, int]:
    """Copy the corpus into `target` (copy0, copy1, ...) until `lines` lines; (files, lines)."""
    files = corpus_files(corpus)
    if not files:
        raise SystemExit(f"no Python files under {corpus}: run benchmarks/bench_static.py first")
    packages = top_packages(corpus)
    written = count = 0
    copy = 0
    while written < lines:
        suffix = f"_c{copy}"
        rename = re.compile(r"^(\s*(?:from|import)\s+)(" + "|".join(packages) + r")\b", re.M)
        for relative, text, length in files:
            if written >= lines:
                break
            parts = [p + suffix if p in packages else p for p in relative.parts]
            destination = target / f"copy{copy}" / Path(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            renamed = rename.sub(r"\g<1>\g<2>" + suffix, text)
            destination.write_text(renamed, encoding="utf-8")
            written += length
            count += 1
        copy += 1
    return count, written


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and its descendants (Linux /proc; 0 elsewhere)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    family, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        family.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in family)


def measure(tree: Path, jobs: int | None, cache: bool = True) -> tuple[float, float, int, int, int]:
    """(seconds, CPU seconds (user + system, its workers included), largest process's peak RSS,
    process tree's sampled peak RSS, exit code)."""
    command = [sys.executable, "-m", "numba_lint", "check", "--static-only", "--exit-zero"]
    command += ["--format", "json", "-o", os.devnull, *(["--jobs", str(jobs)] if jobs else [])]
    command += [] if cache else ["--no-cache"]
    started = time.perf_counter()
    process = subprocess.Popen([*command, "."], cwd=tree, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4: this run's own figures (its reaped workers included), not every child's so far.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss * 1024, peak, process.returncode  # ru_maxrss: KiB


def _row(
    label: str, files: int, lines: int, seconds: float, cpu: float, largest: int, peak: int
) -> None:
    print(
        f"| {label} | {files:,} | {seconds:.1f} | {cpu:.1f} | {lines / seconds:,.0f} | "
        f"{largest / 2**20:,.0f} MiB | {peak / 2**20:,.0f} MiB |",
        flush=True,
    )


def _touch_one_jitted_file(tree: Path) -> None:
    """Add a comment to the first file (in sorted order) that jits something."""
    for path in sorted(tree.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "@njit" in text or "@jit" in text:
            path.write_text(text + "\n# edited by bench_scale.py --warm\n", encoding="utf-8")
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--jobs", type=int, help="numba-lint's --jobs (default: its own)")
    parser.add_argument("--keep", type=Path, help="generate here and keep the trees")
    parser.add_argument(
        "--no-cache", action="store_true", help="numba-lint's --no-cache (no records kept)"
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="then run again after editing one jitted file: the other files replay their "
        "static cache records (a second row per size; not with --no-cache)",
    )
    args = parser.parse_args()
    print(
        "| lines | files | seconds | CPU s | lines/s | largest process peak RSS | tree peak RSS |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.lines:
        base = args.keep or Path(tempfile.mkdtemp(prefix="numba-lint-scale-"))
        tree = base / f"tree-{size}"
        try:
            shutil.rmtree(tree, ignore_errors=True)
            files, lines = generate(args.corpus, tree, size)
            seconds, cpu, largest, peak, code = measure(tree, args.jobs, not args.no_cache)
            if code != 0:
                print(f"numba-lint exited {code} on {tree}", file=sys.stderr)
            _row(f"{lines:,}", files, lines, seconds, cpu, largest, peak)
            if args.warm and not args.no_cache:
                _touch_one_jitted_file(tree)
                seconds, cpu, largest, peak, code = measure(tree, args.jobs, True)
                _row(f"{lines:,} (warm, 1 file edited)", files, lines, seconds, cpu, largest, peak)
        finally:
            if args.keep is None:
                shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
