"""numba-lint on the valid corpus (tests/fixtures/valid_corpus), one row per module.

    python benchmarks/valid_corpus.py                 # prove the corpus, run numba-lint, print
    python benchmarks/valid_corpus.py --prover p.json --lint l.json   # reuse saved outputs

Columns: the jitted functions real Numba compiled (the prover), those numba-lint found and
trial-compiled, its findings other than NB960 (code:row, with the cause class named in
tests/test_valid_corpus.py), and the functions it did not check (name:line, with its reason).
Then the same findings grouped by cause class, with counts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_valid_corpus import (  # noqa: E402
    KNOWN_EXTRA,
    KNOWN_FALSE_ALARMS,
    KNOWN_MISSED,
    KNOWN_UNCHECKED,
)
from valid_corpus_prover import CORPUS, expected_functions, prove_corpus  # noqa: E402


def run_lint() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as cache:
        done = subprocess.run(
            [sys.executable, "-m", "numba_lint", "check", "--format", "json", "--no-cache"]
            + ["--exit-zero", str(CORPUS.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "NUMBA_CACHE_DIR": cache, "NO_COLOR": "1"},
            check=True,
        )
    return json.loads(done.stdout)


def relative(filename: str) -> str:
    return Path(os.path.relpath(ROOT / filename, CORPUS)).as_posix()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prover", type=Path, help="saved output of the prover script")
    parser.add_argument("--lint", type=Path, help="saved `check --format json` output")
    args = parser.parse_args()
    proven = json.loads(args.prover.read_text()) if args.prover else prove_corpus()
    report = json.loads(args.lint.read_text()) if args.lint else run_lint()

    expected = expected_functions(proven)
    causes = {entry[:3]: entry[3] for entry in KNOWN_FALSE_ALARMS}
    found: dict[str, int] = Counter()
    checked: dict[str, int] = Counter()
    unchecked: dict[str, list[str]] = defaultdict(list)
    by_class: dict[str, list[str]] = defaultdict(list)
    for function in report["functions"]:
        file = relative(function["filename"])
        found[file] += 1
        if function["checked"]:
            checked[file] += 1
            continue
        name = function["name"].rsplit(".", 1)[-1]
        reason = KNOWN_UNCHECKED.get((file, function["line"], name), function.get("reason"))
        unchecked[file].append(f"{function['name']}:{function['line']} ({reason})")
        by_class[f"unchecked: {reason}"].append(f"{file}:{function['line']} {function['name']}")
    findings: dict[str, list[str]] = defaultdict(list)
    for d in report["diagnostics"]:
        if d["code"] == "NB960":
            continue
        file = relative(d["filename"])
        key = (file, d["location"]["row"], d["code"])
        cause = causes.get(key, "NOT LISTED")
        findings[file].append(f"{d['code']}:{d['location']['row']} [{d['severity']}] ({cause})")
        by_class[f"finding: {cause}"].append(f"{file}:{key[1]} {d['code']}")
    for table, label in ((KNOWN_MISSED, "not found by the jit index"), (KNOWN_EXTRA, "extra")):
        for (file, line, name), cause in table.items():
            by_class[f"{label}: {cause}"].append(f"{file}:{line} {name}")

    print("| module | jitted (Numba) | found | checked | findings | unchecked (reason) |")
    print("|---|---:|---:|---:|---|---|")
    for file in sorted(expected):
        print(
            f"| {file} | {len(expected[file])} | {found[file]} | {checked[file]} | "
            f"{'; '.join(findings[file])} | {'; '.join(unchecked[file])} |"
        )
    total = sum(len(f) for f in expected.values())
    summary = report["summary"]
    print(
        f"| **total** ({len(expected)} modules) | {total} | {len(report['functions'])} | "
        f"{summary['dynamically_checked']} | "
        f"{sum(len(v) for v in findings.values())} | {sum(len(v) for v in unchecked.values())} |"
    )
    share = 100.0 * summary["dynamically_checked"] / summary["jit_functions"]
    print(
        f"\nsummary: {summary['jit_functions']} jit functions ({len(report['functions'])} listed),"
        f" {summary['dynamically_checked']} trial-compiled: {share:.1f} %\n"
    )
    print("| cause class | count | where |")
    print("|---|---:|---|")
    for cause, places in sorted(by_class.items(), key=lambda item: (-len(item[1]), item[0])):
        print(f"| {cause} | {len(places)} | {', '.join(places)} |")


if __name__ == "__main__":
    main()
