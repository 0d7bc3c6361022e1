"""The static cache on the pinned corpus: cold, warm (nothing changed), after touching one file,
and a one-file static check, each the wall and CPU time of the real command line in a subprocess.

    python benchmarks/bench_cache.py --repeat 5

The corpus (`benchmarks/.corpus/src`, fetched by bench_static.py) is copied to a temporary
folder, so that touching a file never changes it. Each repeat: `numba-lint clean`, then the
cold run (it writes the cache), the warm run, and a run after appending one comment line to
one file (the smallest that names numba only inside another word: never parsed with libcst);
then one after a comment in the smallest file with a jitted function (that file is parsed and
checked again); then two one-file static checks without the cache (what a pre-commit run of one
staged file costs): those two files alone (the second imports libcst and every rule). Targets
(issue 13): warm <= 5 % of cold, touched <= 10 %, one file <= 0.25 s. CPU is user + system
time of the command and the processes it waited for (its static workers): on a shared machine
it moves less with the load than the wall time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus" / "src"
sys.path.insert(0, str(HERE))

from timing import timed_cli  # noqa: E402


def timed(*args: str, cwd: Path) -> tuple[float, float]:
    """The wall and CPU seconds of one command line (exit code 0 or 1: findings are fine)."""
    wall, cpu, _ = timed_cli(args, cwd, accepted=(0, 1))
    return wall, cpu


def small_numba_file(tree: Path) -> Path:
    """The smallest file of the corpus that uses Numba (what a pre-commit run checks)."""
    files = [p for p in tree.rglob("*.py") if "numba" in p.read_text(errors="replace")]
    return min(files, key=lambda p: (p.stat().st_size, str(p)))


def small_jitted_file(tree: Path) -> Path:
    """The smallest file of the corpus with a jit decorator (a one-file check runs every rule)."""
    decorated = re.compile(r"^\s*@(numba\.)?(njit|jit)\b", re.MULTILINE)
    files = [p for p in tree.rglob("*.py") if decorated.search(p.read_text(errors="replace"))]
    return min(files, key=lambda p: (p.stat().st_size, str(p)))


def bytecode_note(cwd: Path) -> str:
    """Whether the numba-lint that runs has its bytecode: without it (and with
    PYTHONDONTWRITEBYTECODE set, as in some development setups) every run compiles
    numba-lint's modules again, about 0.08 s of CPU; an installed numba-lint has it."""
    found = subprocess.run(
        [sys.executable, "-c", "import numba_lint, sys; print(numba_lint.__file__)"],
        capture_output=True,
        text=True,
        cwd=cwd,
    ).stdout.strip()
    package = Path(found).parent
    modules = list(package.rglob("*.py"))
    compiled = sum(1 for m in modules if list(m.parent.glob(f"__pycache__/{m.stem}.*.pyc")))
    writes = "not written" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "written"
    return f"numba-lint bytecode: {compiled} of {len(modules)} modules compiled ({writes} by runs)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no corpus; run benchmarks/bench_static.py first")
    check = ("check", "--static-only", "--format", "json", ".")
    names = ("cold", "warm", "touched", "touched-jitted", "one", "one-jitted")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "src"
        shutil.copytree(args.corpus, tree)
        (tree / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
        touched = small_numba_file(tree)
        one = str(touched.relative_to(tree))
        jitted_file = small_jitted_file(tree)
        jitted = str(jitted_file.relative_to(tree))
        lines = sum(p.read_text(errors="replace").count("\n") for p in tree.rglob("*.py"))
        for repeat in range(args.repeat):
            timed("clean", cwd=tree)
            times["cold"].append(timed(*check, cwd=tree))
            times["warm"].append(timed(*check, cwd=tree))
            with touched.open("a", encoding="utf-8") as stream:
                stream.write(f"# touched {repeat}\n")
            times["touched"].append(timed(*check, cwd=tree))
            with jitted_file.open("a", encoding="utf-8") as stream:
                stream.write(f"# touched {repeat}\n")
            times["touched-jitted"].append(timed(*check, cwd=tree))
            times["one"].append(timed("check", "--static-only", "--no-cache", one, cwd=tree))
            one_jitted = timed("check", "--static-only", "--no-cache", jitted, cwd=tree)
            times["one-jitted"].append(one_jitted)
    medians = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    cold = medians["cold"]
    print(
        f"corpus: {sum(1 for _ in args.corpus.rglob('*.py'))} files, {lines} lines; "
        f"{os.cpu_count()} CPUs; median of {args.repeat}; touched file {one}; jitted file "
        f"{jitted}; load average {os.getloadavg()[0]:.1f}"
    )
    print(bytecode_note(args.corpus))
    print(f"{'run':36} {'seconds':>8} {'vs cold':>8} {'target':>8} {'CPU s':>7} {'vs cold':>8}")
    rows = [
        ("static cold (cache written)", "cold", None),
        ("static warm (nothing changed)", "warm", 0.05),
        ("static after touching one file", "touched", 0.10),
        ("static after touching a jitted file", "touched-jitted", None),
        ("one-file static check (no cache)", "one", None),
        ("one jitted file (no cache)", "one-jitted", None),
    ]
    for label, name, target in rows:
        shown = f"<= {target:.0%}" if target is not None else ""
        if name.startswith("one"):
            shown = "<= 0.25 s"
        print(
            f"{label:36} {medians[name]:8.2f} {medians[name] / cold:8.1%} {shown:>8} "
            f"{cpu[name]:7.2f} {cpu[name] / cpu['cold']:8.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
