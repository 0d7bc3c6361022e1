"""Typing-only trial compile vs Numba's own compile, on explicitly signed functions.

    python benchmarks/bench_dynamic.py [--repeat 3]

Writes a corpus of signed functions (some deliberately failing) to a temporary folder, then, in
fresh processes, times per function (a) the typing-only check numba-lint runs and (b)
`dispatcher.compile(sig)`, the cost a user pays on first call. Also times the worker factory's
start-up (import and warm Numba once) and the whole dynamic pass on the corpus. Findings on the
failing functions must be identical in both modes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def write_corpus(folder: Path) -> Path:
    lines = ["import numpy as np", "from numba import njit", ""]
    count = 0
    for copy in range(COPIES):
        for signature, body in TEMPLATES:
            arguments = "a, b" if "], float64[" in signature.split("(", 1)[1] else "a"
            code = body.format(n=count, k=copy % 3)
            lines += [f'@njit("{signature}")', f"def f{count}({arguments}):", f"    {code}", ""]
            count += 1
    path = folder / "corpus.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


IN_PROCESS = textwrap.dedent(
    """
    import json, sys, time, types
    from numba.core import utils
    from numba_lint.dynamic import typing_only as engine
    from numba_lint.dynamic.worker import EagerDeferral, describe_error
    utils.DEVELOPER_MODE = True
    mode, path = sys.argv[1], sys.argv[2]
    module = types.ModuleType("corpus"); module.__file__ = path
    sys.modules["corpus"] = module
    with EagerDeferral():
        exec(compile(open(path).read(), path, "exec"), module.__dict__)
    context = engine.typing_only if mode == "typing" else engine.full_compile
    # Warm Numba's contexts first, as the worker factory does, so f0 is not charged for it.
    from numba import njit, float64
    with context():
        engine.check(njit(lambda x: x + 1.0), (float64,))
    out = {}
    for name, disp in vars(module).items():
        sigs = getattr(disp, "__dict__", {}).get("_numba_lint_declared")
        if not sigs:
            continue
        started = time.perf_counter()
        verdict = "ok"
        with context():
            try:
                engine.check(disp, sigs[0])
            except Exception as exc:
                raw = describe_error(exc)
                line = raw["chain"][-1]["line"] if raw["chain"] else None
                verdict = [line, [l for l in raw["root_text"].splitlines() if l.strip()][0]]
        out[name] = [time.perf_counter() - started, verdict]
    json.dump(out, sys.stdout)
    """
)


def per_function(mode: str, path: Path) -> dict[str, list]:
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "NUMBA_COLOR_SCHEME": "no_color", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(done.stdout)


def whole_pass(path: Path) -> tuple[float, float, int]:
    """(zygote start-up s, dynamic pass s, findings) in this process, as the CLI runs it."""
    from numba_lint.config import Config
    from numba_lint.discover import SourceFile
    from numba_lint.dynamic import run_dynamic, trial
    from numba_lint.jit_index import build_index
    from numba_lint.parse import parse

    started = time.perf_counter()
    trial.zygote()
    startup = time.perf_counter() - started
    parsed = parse(SourceFile(path, path.name), path.read_text(encoding="utf-8"))
    config = Config(project_root=path.parent, cache=False, jobs=1)
    started = time.perf_counter()
    result = run_dynamic([(parsed, build_index(parsed))], config)
    return startup, time.perf_counter() - started, len(result.diagnostics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per mode")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_corpus(Path(folder))
        runs = {
            mode: [per_function(mode, path) for _ in range(options.repeat)]
            for mode in ("typing", "full")
        }
        startup, dynamic, findings = whole_pass(path)
    names = list(runs["typing"][0])
    median = {
        mode: {n: statistics.median(r[n][0] for r in runs[mode]) for n in names} for mode in runs
    }
    verdicts_typing = {n: runs["typing"][0][n][1] for n in names}
    verdicts_full = {n: runs["full"][0][n][1] for n in names}
    failing = [n for n in names if verdicts_full[n] != "ok"]
    identical = all(verdicts_typing[n] == verdicts_full[n] for n in names)
    total = {mode: sum(median[mode].values()) for mode in median}
    per_fn = {mode: statistics.median(median[mode].values()) * 1000 for mode in median}
    print(f"functions: {len(names)} ({len(failing)} failing); verdicts identical: {identical}")
    print(f"typing-only: total {total['typing']:.2f} s, median {per_fn['typing']:.1f} ms/function")
    print(
        f"dispatcher.compile: total {total['full']:.2f} s, median {per_fn['full']:.1f} ms/function"
    )
    print(
        f"speed-up: {total['full'] / total['typing']:.1f}x total, "
        f"{per_fn['full'] / per_fn['typing']:.1f}x median"
    )
    print(f"worker factory start-up (import + warm numba): {startup:.2f} s")
    print(f"whole dynamic pass on the corpus (1 worker): {dynamic:.2f} s, {findings} findings")
    print("per function (ms, typing-only / compile):")
    for name in names:
        print(
            f"  {name:5s} {median['typing'][name] * 1000:8.1f} {median['full'][name] * 1000:9.1f}"
            f"  {'FAILS' if name in failing else ''}"
        )


if __name__ == "__main__":
    main()
