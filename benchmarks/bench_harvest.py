"""Harvest on real packages' own test suites -> coverage of lazy functions, round trip, CPU cost.

Not a timed test: run by hand, takes minutes. For each package (sdist pinned in
shared/data/realcorpus-pins.tsv, fetched with `pip download` when missing, hash checked) it runs
the test suite twice from a fresh copy with a cold Numba cache: once plain, once through
`numba-lint harvest`, and compares CPU seconds (user+sys of all child processes). Then it counts
the lazy jitted functions of the library the harvest covered and replays every stored signature
(parse + compile) in a fresh process.

    python benchmarks/bench_harvest.py --work /tmp/bench resampy quantecon
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from numba_lint.signatures_file import load_signatures, lookup  # noqa: E402

# name -> (pytest arguments, library folder). Tests as shipped in the sdist.
PACKAGES = {
    "resampy": (["tests"], "resampy"),
    "quantecon": (["quantecon"], "quantecon"),
}
LAZY_KINDS = {"jit", "njit", "vectorize", "guvectorize"}
PYTEST = ["-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider"]


@dataclass
class Result:
    package: str
    version: str
    tests_exit: int
    jitted: int
    lazy: int
    lazy_covered: int
    signatures: int
    decoded: int
    compiled: int
    not_recorded: int
    base_cpu: float
    harvest_cpu: float
    base_wall: float
    harvest_wall: float

    @property
    def overhead(self) -> float:
        return (self.harvest_cpu - self.base_cpu) / self.base_cpu if self.base_cpu else 0.0


def pinned(pins: Path, name: str) -> tuple[str, str]:
    for line in pins.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if fields and fields[0] == name:
            return fields[1], fields[2]
    raise SystemExit(f"{name} is not in {pins}")


def _sdist(work: Path, name: str, version: str) -> Path:
    """The sdist's path: its file name spells the project name as the build backend did
    (`numba_stats-1.14.0.tar.gz` for numba-stats)."""
    for spelling in (name, name.replace("-", "_"), name.replace("_", "-")):
        if (work / f"{spelling}-{version}.tar.gz").exists():
            return work / f"{spelling}-{version}.tar.gz"
    return work / f"{name}-{version}.tar.gz"


def fetch(work: Path, name: str, version: str, sha256: str) -> Path:
    archive = _sdist(work, name, version)
    if not archive.exists():
        base = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(work)]
        # `--no-binary :all:` also forbids wheels for the build backend (interpolation's
        # poetry), which pip needs for the sdist's metadata; then only this package's.
        for only_source in (":all:", name):
            done = subprocess.run([*base, "--no-binary", only_source, f"{name}=={version}"])
            if done.returncode == 0:
                break
        else:
            raise SystemExit(f"cannot download {name}=={version}")
        archive = _sdist(work, name, version)
    if hashlib.sha256(archive.read_bytes()).hexdigest() != sha256:
        raise SystemExit(f"{archive}: sha256 does not match the pin")
    return archive


def fresh_copy(archive: Path, destination: Path) -> Path:
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(destination, filter="data")
    return next(destination.iterdir())


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, float, float]:
    """(exit code, CPU seconds of the command and all its children, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return code, cpu, wall


def explicit_types(function: object) -> bool:
    """True when the decorator gives argument types; a @guvectorize with only its layout string
    ("(n),(m)->(m)") is dynamic: typed at call time, like a lazy @njit."""
    positional = function.decorator.positional  # type: ignore[attr-defined]
    if function.kind == "guvectorize":  # type: ignore[attr-defined]
        return len(positional) >= 2
    return bool(function.signatures)  # type: ignore[attr-defined]


def lazy_functions(project: Path, library: str) -> tuple[int, list[tuple[str, str]]]:
    """(jitted functions, lazy ones) of the library, tests excluded; (-1, []) without libcst
    (a timing-only machine)."""
    try:
        from numba_lint.discover import SourceFile
        from numba_lint.jit_index import build_index
        from numba_lint.parse import ParsedModule, parse
    except ImportError:
        return -1, []
    jitted = 0
    lazy = []
    for path in sorted((project / library).rglob("*.py")):
        relative = path.relative_to(project).as_posix()
        if "/tests/" in f"/{relative}" or path.name.startswith("test_"):
            continue
        text = path.read_text(encoding="utf-8")
        parsed = parse(SourceFile(path, relative), text)
        if not isinstance(parsed, ParsedModule):
            continue
        for function in build_index(parsed).functions:
            if function.form in ("overload-implementation", "jitclass-method"):
                continue
            jitted += 1
            if function.kind in LAZY_KINDS and not explicit_types(function):
                lazy.append((relative, function.qualname))
    return jitted, lazy


def bench(name: str, work: Path, pins: Path) -> Result:
    version, sha256 = pinned(pins, name)
    archive = fetch(work, name, version, sha256)
    tests, library = PACKAGES[name]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as cache:
        project = fresh_copy(archive, work / f"run-{name}-base")
        base_code, base_cpu, base_wall = timed(
            [sys.executable, *PYTEST, *tests], project, {**env, "NUMBA_CACHE_DIR": cache}
        )
    project = fresh_copy(archive, work / f"run-{name}")
    output = project / ".numba-lint" / "signatures.json"
    harvest = [
        sys.executable,
        "-c",
        "import sys; from numba_lint.harvest import harvest_main; "
        "sys.exit(harvest_main(sys.argv[1:]))",
        "--output",
        str(output),
        "--replace",
        "--",
        sys.executable,
        *PYTEST,
        *tests,
    ]
    log = work / f"{name}-harvest.log"
    with open(log, "w", encoding="utf-8") as stream:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        code = subprocess.run(
            harvest, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=stream
        ).returncode
        harvest_wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    harvest_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = log.read_text(encoding="utf-8")
    not_recorded = next(
        (
            int(line.split()[2])
            for line in summary.splitlines()
            if "signatures not recorded" in line
        ),
        0,
    )
    entries = load_signatures(output)
    jitted, lazy = lazy_functions(project, library)
    covered = sum(1 for path, qualname in lazy if lookup(entries, path, qualname) is not None)
    replay = subprocess.run(
        [
            sys.executable,
            "-m",
            "numba_lint.harvest.replay",
            str(output),
            "--root",
            str(project),
            "--compile",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    report = json.loads(replay.stdout)
    (work / f"{name}-replay.json").write_text(replay.stdout, encoding="utf-8")
    return Result(
        name,
        version,
        max(code, base_code),
        jitted,
        len(lazy),
        covered,
        report["signatures"],
        report["decoded"],
        report["compiled"],
        not_recorded,
        base_cpu,
        harvest_cpu,
        base_wall,
        harvest_wall,
    )


def table(results: list[Result]) -> str:
    rows = [
        "| package | jitted fns | lazy | lazy covered | signatures | round trip (parsed) "
        "| compiled again | not recorded | tests CPU s: plain → harvest (overhead) | wall s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.package} {r.version} | {r.jitted} | {r.lazy} | {r.lazy_covered}/{r.lazy} "
            f"({r.lazy_covered / max(r.lazy, 1):.0%}) | {r.signatures} | "
            f"{r.decoded}/{r.signatures} ({r.decoded / max(r.signatures, 1):.0%}) | "
            f"{r.compiled}/{r.signatures} | {r.not_recorded} | "
            f"{r.base_cpu:.1f} → {r.harvest_cpu:.1f} ({r.overhead:+.1%}) | "
            f"{r.base_wall:.0f} → {r.harvest_wall:.0f} |"
        )
    return "\n".join(rows)


def package_options(
    description: str, packages: list[str], work: Path, work_holds: str
) -> argparse.Namespace:
    """The command line both package benchmarks take (this one and bench_realworld.py): the
    packages to run, the work folder (`work_holds`: what goes in it) and the pins file."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "packages",
        nargs="*",
        default=packages,
        choices=packages,
        help="the pinned packages to run, in this order (default: all of them)",
    )
    parser.add_argument(
        "--work", type=Path, default=work, help=f"folder for {work_holds} (default: %(default)s)"
    )
    parser.add_argument(
        "--pins",
        type=Path,
        default=REPO.parent / "shared" / "data" / "realcorpus-pins.tsv",
        help="the TSV of pinned versions and sha256 digests (default: %(default)s)",
    )
    return parser.parse_args()


def main() -> int:
    options = package_options(
        __doc__.splitlines()[0],
        list(PACKAGES),
        Path(tempfile.gettempdir()) / "nbl-bench",
        "the sdists, venvs and copies",
    )
    options.work.mkdir(parents=True, exist_ok=True)
    results = [bench(name, options.work, options.pins) for name in options.packages]
    (options.work / "results.json").write_text(
        json.dumps([{**asdict(r), "overhead": r.overhead} for r in results], indent=2),
        encoding="utf-8",
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
