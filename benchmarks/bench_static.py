"""Time numba-lint's cold static pass on a real corpus, next to libcst and flake8-numba.

    python benchmarks/bench_static.py            # fetch (once), then time all three
    python benchmarks/bench_static.py --repeat 3 --findings findings.json

The corpus is the sdists pinned in ../shared/data/realcorpus-pins.tsv (or --pins), fetched with
`pip download`, checked against their sha256 and unpacked under benchmarks/.corpus/ (ignored by
git). flake8 7 + flake8-numba 0.4.0 are installed into a virtualenv under benchmarks/.cache/.
Files flake8-numba crashes on are found once, excluded from every tool's run, and listed.
Prints lines/second and the ratios; never part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / ".corpus"
CACHE = HERE / ".cache"
DEFAULT_PINS = ROOT.parent / "shared" / "data" / "realcorpus-pins.tsv"
FLAKE8_PACKAGES = ("flake8==7.*", "flake8-numba==0.4.0")


def read_pins(path: Path) -> list[tuple[str, str, str]]:
    pins = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        name, version, sha256 = line.split("\t")[:3]
        pins.append((name, version, sha256))
    return pins


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(pins: list[tuple[str, str, str]]) -> Path:
    """Download, verify and unpack every pinned sdist; returns the folder of sources."""
    sdists, sources = CORPUS / "sdists", CORPUS / "src"
    sdists.mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    for name, version, wanted in pins:
        found = _find_sdist(sdists, name, version)
        if found is None:
            base = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(sdists)]
            # `--no-binary :all:` also forbids wheels for the build backend (poetry, ...), which
            # some sdists need to report their metadata; fall back to this package only.
            for flag in (":all:", name):
                done = subprocess.run(
                    [*base, "--no-binary", flag, f"{name}=={version}"],
                    capture_output=True,
                    text=True,
                )
                if done.returncode == 0:
                    break
            else:
                sys.exit(f"cannot download {name}=={version}:\n{done.stderr[-2000:]}")
            found = _find_sdist(sdists, name, version)
        if found is None:
            sys.exit(f"pip downloaded no sdist for {name}=={version}")
        if sha256_of(found) != wanted:
            sys.exit(f"sha256 mismatch for {found.name}: expected {wanted}")
        target = sources / found.name.removesuffix(".tar.gz")
        if not target.is_dir():
            with tarfile.open(found) as archive:
                archive.extractall(sources, filter="data")
    return sources


def _find_sdist(folder: Path, name: str, version: str) -> Path | None:
    for candidate in (name, name.replace("-", "_"), name.replace("_", "-")):
        path = folder / f"{candidate}-{version}.tar.gz"
        if path.is_file():
            return path
    return None


def flake8_python() -> Path:
    """A virtualenv with flake8 + flake8-numba (it sees the installed numba it imports)."""
    env = CACHE / "flake8-venv"
    python = env / "bin" / "python"
    if not python.exists():
        venv.create(env, with_pip=True, system_site_packages=True)
    check = subprocess.run(
        [str(python), "-m", "flake8", "--version"], capture_output=True, text=True
    )
    if "flake8-numba: 0.4.0" not in check.stdout:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *FLAKE8_PACKAGES], check=True)
    return python


_CRASH_FINDER = """
import json, os, sys
from flake8.api import legacy
from flake8.main.options import JobsArgument
files = json.load(sys.stdin)
crashed = []
style = legacy.get_style_guide(jobs=JobsArgument("1"), select=["NBA"])
out = sys.stdout
sys.stdout = open(os.devnull, "w")  # flake8 prints its findings; only the crashes matter
for name in files:
    try:
        style.check_files([name])
    except Exception as exc:  # the plugin's own errors abort flake8's whole run
        crashed.append([name, type(exc).__name__ + ": " + str(exc)[:200]])
json.dump(crashed, out)
"""


def flake8_crashes(python: Path, files: list[str], source_root: Path) -> list[list[str]]:
    """Files on which flake8-numba raises (found once, cached next to the virtualenv)."""
    key = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
    cached = CACHE / f"flake8-crashes-{key}.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    done = subprocess.run(
        [str(python), "-c", _CRASH_FINDER],
        input=json.dumps(files),
        capture_output=True,
        text=True,
        cwd=source_root,
        check=True,
    )
    crashed = json.loads(done.stdout)
    cached.write_text(json.dumps(crashed, indent=1))
    return crashed


def time_libcst(files: list[Path]) -> float:
    """A bare libcst.parse_module of every file, in this process, one core."""
    import libcst

    started = time.perf_counter()
    for path in files:
        try:
            libcst.parse_module(path.read_bytes().decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - a file libcst cannot parse still costs its time
            pass
    return time.perf_counter() - started


def time_command(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    return time.perf_counter() - started, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pins", type=Path, default=DEFAULT_PINS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool (median is shown)")
    parser.add_argument("--findings", type=Path, help="write numba-lint's JSON report here")
    parser.add_argument("--jobs", default=None, help="numba-lint --jobs (default: its own)")
    args = parser.parse_args()

    source_root = fetch(read_pins(args.pins))
    python = flake8_python()
    all_files = sorted(str(p.relative_to(source_root)) for p in source_root.rglob("*.py"))
    crashed = flake8_crashes(python, all_files, source_root)
    excluded = {name for name, _ in crashed}
    files = [name for name in all_files if name not in excluded]
    paths = [source_root / name for name in files]
    lines = sum(path.read_bytes().count(b"\n") for path in paths)

    lint = [
        sys.executable,
        "-m",
        "numba_lint",
        "check",
        "--static-only",
        "--no-cache",
        "--exit-zero",
        "--format",
        "json",
    ]
    if args.jobs:
        lint += ["--jobs", str(args.jobs)]
    flake8 = [str(python), "-m", "flake8", "--exit-zero"]
    env = {"PYTHONPATH": str(ROOT), "NO_COLOR": "1"}

    timings: dict[str, list[float]] = {
        "numba-lint static (cold)": [],
        "libcst parse": [],
        "flake8 + flake8-numba": [],
    }
    report = None
    for _ in range(args.repeat):
        seconds, done = time_command([*lint, *files], source_root, env)
        if done.returncode not in (0, 1):
            sys.exit(f"numba-lint failed:\n{done.stderr[-3000:]}")
        report = done.stdout
        timings["numba-lint static (cold)"].append(seconds)
        timings["libcst parse"].append(time_libcst(paths))
        seconds, done = time_command([*flake8, *files], source_root)
        if done.returncode != 0:
            sys.exit(f"flake8 failed:\n{done.stderr[-3000:]}")
        timings["flake8 + flake8-numba"].append(seconds)

    if args.findings and report is not None:
        args.findings.write_text(report, encoding="utf-8")
    medians = {tool: statistics.median(values) for tool, values in timings.items()}
    baseline = medians["flake8 + flake8-numba"]
    print(
        f"corpus: {len(files)} files, {lines} lines ({len(crashed)} excluded: flake8-numba "
        f"crashes on them); {os.cpu_count()} CPUs; median of {args.repeat} runs"
    )
    for name, reason in crashed:
        print(f"  excluded: {name} ({reason.splitlines()[0][:100]})")
    print(f"{'tool':<28} {'seconds':>8} {'lines/s':>9} {'vs flake8':>10}")
    for tool, seconds in medians.items():
        print(f"{tool:<28} {seconds:8.2f} {lines / seconds:9.0f} {seconds / baseline:9.2f}x")
    if report is not None:
        summary = json.loads(report)["summary"]
        print(
            f"numba-lint: {summary.get('jit_functions')} jitted functions, "
            f"{len(json.loads(report)['diagnostics'])} findings"
        )
    target_met = medians["numba-lint static (cold)"] <= 0.5 * baseline
    print("target (at most half of flake8-numba's wall time):", "met" if target_met else "MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
