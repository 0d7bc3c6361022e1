"""Typing-only trial compile vs Numba's own compile, on explicitly signed functions.

    python benchmarks/bench_dynamic.py [--repeat 3] [--no-real] [--no-generated]
    python benchmarks/bench_dynamic.py --sixty [--repeat 3]

Two sets of signed functions: (1) the explicitly signed `@njit("...")` / `@jit(sig)` functions of
the corpus of `bench_static.py` (fetched and verified by its code) whose modules import here, found
with numba-lint's jit index and imported from their unpacked sources in a virtualenv under
benchmarks/.cache/ that adds scikit-learn and tqdm (pynndescent and umap-learn import them);
(2) generated functions, some failing on purpose. In fresh processes it times per function, in
wall and CPU time, (a) the typing-only check numba-lint runs and (b) `dispatcher.compile(sig)`,
the cost a user pays on first call, for every declared signature, and compares the verdicts. It
also times the worker factory's start-up and numba-lint's real dynamic pass (`run_dynamic`, no
cache, one worker).

`--sixty` times instead, side by side each round, `numba-lint check` (full: static pass and trial
compile, fresh cache) of a generated module of 60 valid signed functions against
`python -c "import mod60"` that compiles them (empty NUMBA_CACHE_DIR), with a static-only check
and a bare `import numba` for the breakdown.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import site
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import venv
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_static import CACHE, DEFAULT_PINS, fetch, read_pins  # noqa: E402

# The corpus modules import these (pynndescent: scikit-learn; umap-learn: tqdm as well).
VENV_PACKAGES = ("scikit-learn", "tqdm")
# Dispatchers only: @vectorize/@guvectorize/@cfunc and CUDA kernels compile for real in both modes.
DISPATCHER_KINDS = ("njit", "jit")
MODES = ("typing", "full")

# (signature, body) templates; {n} makes names unique. The last ones fail on purpose.
TEMPLATES = [
    (
        "float64(float64[::1])",
        "s = 0.0\n    for i in range(a.shape[0]):\n        s += a[i]\n    return s",
    ),
    ("float64(float64[::1])", "return np.sum(np.sin(a) * np.cos(a))"),
    ("float64(float64[::1], float64[::1])", "return np.dot(a, a) + b[0]"),
    (
        "float64[::1](float64[::1])",
        "out = np.empty_like(a)\n    for i in range(a.shape[0]):\n"
        "        out[i] = a[i] * {n}.0\n    return out",
    ),
    (
        "int64(int64)",
        "t = 0\n    for i in range(a):\n        if i % 3 == {k}:\n            t += i\n    return t",
    ),
    ("float64(float64[:, ::1])", "return a.mean() + a.std() + a.max()"),
    ("float64[::1](float64[::1])", "return np.sort(a)[::-1].copy()"),
    ("int64[::1](float64[::1])", "return np.argsort(a)"),
    ("float64(float64[::1])", "return np.median(a) + np.percentile(a, 50.0)"),
    ("float64[::1](float64[::1], float64[::1])", "return np.interp(a, np.sort(b), b)"),
    ("UniTuple(float64, 2)(float64[::1])", "return a.min(), a.max()"),
    ("float64(float64[::1])", "c = np.cumsum(a)\n    return c[-1] - c[0]"),
    ("float64(float64[::1])", "return np.linalg.norm(a) if a.size else 0.0"),
    ("float64(float64[::1])", "return a.nope_{n}"),  # fails: unknown attribute
    ("float64(float64)", "return undefined_{n}(a)"),  # fails: undefined name
]
COPIES = 4  # 15 templates x 4 = 60 functions, 8 failing


def _function_lines(templates: list[tuple[str, str]], count: int) -> list[str]:
    """`count` functions made from `templates`, cycled; {n} and {k} make each one unique."""
    lines = ["import numpy as np", "from numba import njit", ""]
    for number in range(count):
        signature, body = templates[number % len(templates)]
        arguments = "a, b" if "], float64[" in signature.split("(", 1)[1] else "a"
        code = body.format(n=number, k=(number // len(templates)) % 3)
        lines += [f'@njit("{signature}")', f"def f{number}({arguments}):", f"    {code}", ""]
    return lines


def write_corpus(folder: Path) -> Path:
    path = folder / "corpus.py"
    lines = _function_lines(TEMPLATES, len(TEMPLATES) * COPIES)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SIXTY = 60
PASSING = TEMPLATES[:-2]  # the 13 templates that compile


def write_sixty(folder: Path) -> Path:
    """A module of 60 valid `@njit("sig")` functions: importing it compiles every one."""
    path = folder / "mod60.py"
    path.write_text("\n".join(_function_lines(PASSING, SIXTY)) + "\n", encoding="utf-8")
    return path


# Imports each module with eager signatures deferred (numba-lint's own EagerDeferral), so that
# neither mode is charged for the import, then checks every declared signature of the listed
# functions under one mode. Prints {"module:name": [seconds, verdict, CPU seconds]} and the
# modules that failed to import.
IN_PROCESS = textwrap.dedent(
    """
    import importlib, json, sys, time
    from numba.core import utils
    from numba_lint.dynamic.worker import typing_only as engine
    from numba_lint.dynamic.worker.describe import describe_error
    from numba_lint.dynamic.worker.skeleton_import import EagerDeferral
    utils.DEVELOPER_MODE = True
    mode, spec = sys.argv[1], json.loads(sys.argv[2])
    context = engine.typing_only if mode == "typing" else engine.full_compile
    # Warm Numba's contexts first, as the worker factory does, so the first function is not
    # charged for it.
    from numba import njit, float64
    with context():
        engine.check(njit(lambda x: x + 1.0), (float64,))
    out, broken, loaded = {}, {}, []
    # Import everything before checking anything: a typing-only check leaves Numba state that
    # makes a later real compile in the same process (an import-time call) fail.
    for module_name, names in spec:
        try:
            with EagerDeferral():
                loaded.append((importlib.import_module(module_name), module_name, names))
        except Exception as exc:
            broken[module_name] = type(exc).__name__ + ": " + str(exc)[:200]
    for module, module_name, names in loaded:
        for name in names or list(vars(module)):
            disp = getattr(module, name, None)
            sigs = getattr(disp, "__dict__", {}).get("_numba_lint_declared")
            if not sigs:
                continue
            started, cpu_started = time.perf_counter(), time.process_time()
            verdict = "ok"
            with context():
                for sig in sigs:
                    try:
                        engine.check(disp, sig)
                    except Exception as exc:
                        raw = describe_error(exc)
                        line = raw["chain"][-1]["line"] if raw["chain"] else None
                        text = [l for l in raw["root_text"].splitlines() if l.strip()]
                        verdict = [line, text[0] if text else type(exc).__name__]
                        break
            out[module_name + ":" + name] = [
                time.perf_counter() - started, verdict, time.process_time() - cpu_started
            ]
    json.dump({"functions": out, "broken": broken}, sys.stdout)
    """
)


def per_function(python: Path, mode: str, spec: list, path_entries: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as numba_cache:
        # A fresh NUMBA_CACHE_DIR: `cache=True` functions must not load earlier compiles.
        done = subprocess.run(
            [str(python), "-c", IN_PROCESS, mode, json.dumps(spec)],
            capture_output=True,
            text=True,
            env={
                "PYTHONPATH": os.pathsep.join([str(ROOT), *path_entries]),
                "NUMBA_COLOR_SCHEME": "no_color",
                "NUMBA_CACHE_DIR": numba_cache,
                "PATH": "/usr/bin:/bin",
                "HOME": os.environ.get("HOME", "/tmp"),
            },
        )
    if done.returncode != 0:
        sys.exit(f"{mode} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def dynamic_python() -> Path:
    """A virtualenv over this Python's packages (numba, numpy, scipy) plus VENV_PACKAGES."""
    env = CACHE / "dynamic-venv"
    python = env / "bin" / "python"
    if not python.exists():
        venv.create(env, with_pip=True, system_site_packages=True)
    # `system_site_packages` reaches the base interpreter's packages only: run from a virtualenv
    # (the usual case), numba and numpy live in that virtualenv, so a path file adds its
    # site-packages behind the new environment's own.
    site_packages = next((env / "lib").glob("python*/site-packages"))
    outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (site_packages / "_outer_site_packages.pth").write_text("\n".join(outer) + "\n")
    probe = subprocess.run([str(python), "-c", "import sklearn, tqdm"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *VENV_PACKAGES], check=True)
    return python


def signed_modules(source_root: Path) -> list[dict]:
    """Modules of the corpus with module-level dispatchers that declare signatures."""
    from numba_lint.discover import SourceFile
    from numba_lint.jit_index import build_index
    from numba_lint.parse import parse

    found = []
    for path in sorted(source_root.rglob("*.py")):
        text = path.read_bytes().decode("utf-8", "replace")
        if "numba" not in text or "jit(" not in text:
            continue
        parsed = parse(SourceFile(path, str(path.relative_to(source_root))), text)
        index = build_index(parsed)
        names = [
            f.name
            for f in index.functions
            if f.signatures
            and f.kind in DISPATCHER_KINDS
            and f.form == "decorator"
            and "." not in f.qualname
        ]
        if not names:
            continue
        top = path.parent
        for _ in range(parsed.module_name.count(".")):
            top = top.parent
        package = path.relative_to(source_root).parts[0]
        found.append(
            {
                "module": parsed.module_name,
                "path": str(path),
                "names": names,
                "top": str(top),
                "root": str(source_root / package),
            }
        )
    return found


def whole_pass(modules: list[dict]) -> dict:
    """Worker-factory start-up and numba-lint's dynamic pass, in this process, as the CLI runs
    it (no cache, one worker), restricted to the given functions of the given modules."""
    from numba_lint.config import Config
    from numba_lint.discover import SourceFile
    from numba_lint.dynamic import run_dynamic
    from numba_lint.dynamic.parent import trial
    from numba_lint.parse import SyntaxProblem
    from numba_lint.static.indexing import parse_and_index

    started = time.perf_counter()
    trial.zygote()
    startup = time.perf_counter() - started
    seconds, findings, by_function, errors, timings = 0.0, [], {}, [], {}
    roots: dict[str, list] = {}
    for module in modules:
        roots.setdefault(module["root"], []).append(module)
    for root, group in roots.items():
        pairs = []
        for module in group:
            path = Path(module["path"])
            display = str(path.relative_to(Path(root).parent))
            indexed = parse_and_index(SourceFile(path, display), path.read_text(encoding="utf-8"))
            assert not isinstance(indexed, SyntaxProblem), display
            wanted = set(module["names"])
            kept = [f for f in indexed.jit_index.functions if f.qualname in wanted]
            pairs.append(indexed._replace(jit_index=replace(indexed.jit_index, functions=kept)))
        config = Config(project_root=Path(root), cache=False, jobs=1)
        started = time.perf_counter()
        result = run_dynamic(pairs, config)
        seconds += time.perf_counter() - started
        findings += [
            [d.filename, d.function, d.location.row, d.code, str(d.severity)]
            for d in result.diagnostics
        ]
        for coverage in result.functions:
            by_function[f"{coverage.filename}:{coverage.name}"] = coverage.checked
        errors += result.errors
        timings.update(result.timings)
    return {
        "startup": startup,
        "seconds": seconds,
        "findings": findings,
        "checked": by_function,
        "errors": errors,
        "timings": timings,
    }


def whole_pass_elsewhere(python: Path, modules: list[dict], path_entries: list[str]) -> dict:
    """`whole_pass` under `python` (the virtualenv whose packages the corpus imports)."""
    done = subprocess.run(
        [str(python), str(Path(__file__).resolve()), "--whole-pass", json.dumps(modules)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), *path_entries]),
            "NUMBA_COLOR_SCHEME": "no_color",
        },
    )
    if done.returncode != 0:
        sys.exit(f"dynamic pass failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def measure(python: Path, spec: list, path_entries: list[str], repeat: int) -> dict:
    runs = {
        mode: [per_function(python, mode, spec, path_entries) for _ in range(repeat)]
        for mode in MODES
    }
    names = list(runs["typing"][0]["functions"])
    median = {
        mode: {n: statistics.median(r["functions"][n][0] for r in runs[mode]) for n in names}
        for mode in runs
    }
    cpu = {
        mode: {n: statistics.median(r["functions"][n][2] for r in runs[mode]) for n in names}
        for mode in runs
    }
    verdicts = {mode: {n: runs[mode][0]["functions"][n][1] for n in names} for mode in runs}
    return {
        "names": names,
        "median": median,
        "cpu": cpu,
        "failing": [n for n in names if verdicts["full"][n] != "ok"],
        "identical": verdicts["typing"] == verdicts["full"],
        "broken": runs["typing"][0]["broken"],
        "verdicts": verdicts,
    }


def combined(results: list[dict]) -> dict:
    """Both sets as one (their names do not collide: `module:function`)."""
    return {
        "names": [n for r in results for n in r["names"]],
        "median": {m: {k: v for r in results for k, v in r["median"][m].items()} for m in MODES},
        "cpu": {m: {k: v for r in results for k, v in r["cpu"][m].items()} for m in MODES},
        "failing": [n for r in results for n in r["failing"]],
        "identical": all(r["identical"] for r in results),
        "broken": {},
    }


def report(title: str, result: dict, details: bool) -> None:
    names, median = result["names"], result["median"]
    total = {mode: sum(median[mode].values()) for mode in median}
    per_fn = {mode: statistics.median(median[mode].values()) * 1000 for mode in median}
    print(f"== {title}")
    for module, reason in result["broken"].items():
        print(f"  not importable, skipped: {module} ({reason})")
    print(
        f"functions: {len(names)} ({len(result['failing'])} failing); "
        f"verdicts identical: {result['identical']}"
    )
    for label, mode in (("typing-only", "typing"), ("dispatcher.compile", "full")):
        print(f"{label}: total {total[mode]:.2f} s, median {per_fn[mode]:.1f} ms/function")
    print(
        f"speed-up: {total['full'] / total['typing']:.1f}x total, "
        f"{per_fn['full'] / per_fn['typing']:.1f}x median"
    )
    # CPU time of this process: less disturbed than wall time by other work on a shared machine.
    cpu = {mode: sum(result["cpu"][mode].values()) for mode in MODES}
    print(
        f"CPU time: typing-only {cpu['typing']:.2f} s, dispatcher.compile {cpu['full']:.2f} s, "
        f"speed-up {cpu['full'] / cpu['typing']:.1f}x"
    )
    if not details:
        return
    print("per function (ms, typing-only / compile):")
    width = max(len(n) for n in names)
    for name in names:
        flag = "FAILS" if name in result["failing"] else ""
        print(
            f"  {name:{width}s} {median['typing'][name] * 1000:8.1f}"
            f" {median['full'][name] * 1000:9.1f}  {flag}"
        )


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys of the process and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{command} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# What `--sixty` times, in this order each round: the import that compiles the module (the
# target's denominator), numba-lint's full check of it (the numerator), and for the breakdown a
# static-only check (Python, numba-lint's imports, the static pass) and `import numba` alone.
SIXTY_RUNS = ("import", "check", "static-only", "import numba")


def sixty(repeat: int) -> dict[str, list[tuple[float, float]]]:
    """`numba-lint check` of a module of 60 signed functions vs the import that compiles them."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in SIXTY_RUNS}
    with tempfile.TemporaryDirectory() as folder:
        path = write_sixty(Path(folder))
        base = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), folder]),
            "NUMBA_COLOR_SCHEME": "no_color",
        }
        lint = [sys.executable, "-m", "numba_lint", "check", "--format", "json", "--exit-zero"]
        for _ in range(repeat):
            for name in SIXTY_RUNS:
                # Fresh caches each time: Numba's (the import) and numba-lint's (the checks).
                with tempfile.TemporaryDirectory() as cache:
                    env = {**base, "NUMBA_CACHE_DIR": cache, "NUMBA_LINT_CACHE_DIR": cache}
                    command = {
                        "import": [sys.executable, "-c", "import mod60"],
                        "check": [*lint, path.name],
                        # Without the static cache: the project folder outlives the round.
                        "static-only": [*lint, "--static-only", "--no-cache", path.name],
                        "import numba": [sys.executable, "-c", "import numba"],
                    }[name]
                    times[name].append(_timed(command, env, Path(folder)))
    return times


def report_sixty(times: dict[str, list[tuple[float, float]]]) -> None:
    print(f"== module of {SIXTY} signed functions: full check vs the import that compiles them")
    for name, runs in times.items():
        walls = " ".join(f"{w:.2f}" for w, _ in runs)
        cpus = " ".join(f"{c:.2f}" for _, c in runs)
        print(f"{name:>13}: wall {walls} s; CPU {cpus} s")
    ratios = [
        (check[0] / imported[0], check[1] / imported[1])
        for imported, check in zip(times["import"], times["check"], strict=True)
    ]
    print(
        "check / import, per round: wall "
        + " ".join(f"{w:.3f}" for w, _ in ratios)
        + "; CPU "
        + " ".join(f"{c:.3f}" for _, c in ratios)
    )
    print(
        f"median: wall {statistics.median(w for w, _ in ratios):.3f}, "
        f"CPU {statistics.median(c for _, c in ratios):.3f} (target <= 0.12)"
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--whole-pass":
        print(json.dumps(whole_pass(json.loads(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per mode")
    parser.add_argument("--pins", type=Path, default=DEFAULT_PINS)
    parser.add_argument("--no-real", action="store_true", help="skip the corpus functions")
    parser.add_argument("--no-generated", action="store_true", help="skip generated functions")
    parser.add_argument("--quiet", action="store_true", help="no per-function table")
    parser.add_argument(
        "--sixty",
        action="store_true",
        help="only: numba-lint check of a module of 60 signed functions vs importing it",
    )
    options = parser.parse_args()
    if options.sixty:
        print(f"{os.cpu_count()} CPUs; {options.repeat} round(s), each run in a fresh process")
        report_sixty(sixty(options.repeat))
        return
    print(f"{os.cpu_count()} CPUs; median of {options.repeat} fresh process(es) per mode")
    results = []

    if not options.no_real:
        python = dynamic_python()
        modules = signed_modules(fetch(read_pins(options.pins)))
        entries = sorted({m["top"] for m in modules})
        spec = [[m["module"], m["names"]] for m in modules]
        real = measure(python, spec, entries, options.repeat)
        report("corpus: explicitly signed @njit/@jit functions", real, not options.quiet)
        results.append(real)
        # Every module, also those the plain import above could not load: the dynamic pass
        # imports skeletons, not modules.
        whole = whole_pass_elsewhere(python, modules, entries)
        errors = [f for f in whole["findings"] if f[4].lower().endswith("error")]
        checked = sum(whole["checked"].values())
        print(
            f"worker factory start-up (import + warm numba): {whole['startup']:.2f} s; "
            f"dynamic pass on these {len(modules)} modules (1 worker, no cache): "
            f"{whole['seconds']:.2f} s, {checked}/{len(whole['checked'])} functions checked, "
            f"{len(whole['findings'])} findings ({len(errors)} errors)"
        )
        for finding in whole["findings"]:
            print("  finding:", *finding)
        for module, seconds in whole["timings"].items():
            print(f"  worker for {module}: {seconds:.2f} s")
        for error in whole["errors"]:
            print("  dynamic pass error:", error)

    if not options.no_generated:
        with tempfile.TemporaryDirectory() as folder:
            path = write_corpus(Path(folder))
            generated = measure(Path(sys.executable), [["corpus", None]], [folder], options.repeat)
            report("generated functions", generated, not options.quiet)
            results.append(generated)
            module = {"module": "corpus", "path": str(path), "names": [], "top": folder}
            module["names"] = [n.split(":", 1)[1] for n in generated["names"]]
            module["root"] = folder
            whole = whole_pass([module])
        print(
            f"worker factory start-up (import + warm numba): {whole['startup']:.2f} s; "
            f"dynamic pass on the generated module (1 worker, no cache): "
            f"{whole['seconds']:.2f} s, {len(whole['findings'])} findings"
        )
    if len(results) == 2:
        report("both sets", combined(results), details=False)


if __name__ == "__main__":
    main()
