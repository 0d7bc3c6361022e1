"""Signatures file -> each stored signature read back (and optionally compiled) in this process.

Run as a worker: `python -m numba_lint.harvest.replay FILE [--root DIR] [--compile]` prints one
JSON object with counts and the failures. It imports the project's modules for real (the
dynamic pass uses its skeleton import instead), so it is for measuring the round trip (tests,
benchmarks) and for showing a worker how `spelling.decode_signature` is used.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..signatures_file import HarvestEntry, load_signatures
from . import spelling


@dataclass
class ReplayReport:
    signatures: int = 0
    decoded: int = 0
    compiled: int = 0
    unresolvable_functions: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def round_trip_rate(self) -> float:
        return self.decoded / self.signatures if self.signatures else 1.0


def module_name(path: str) -> str:
    """`pkg/sub/mod.py` -> `pkg.sub.mod` (a leading `src/` is dropped)."""
    parts = path.removesuffix(".py").split("/")
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def find_compilable(entry: HarvestEntry) -> Any:
    """The object that compiles `entry`'s function: a Dispatcher, or a dynamic ufunc's
    UFuncDispatcher; jitclass methods come from the class type's method table."""
    module = importlib.import_module(module_name(entry.path))
    found: Any = module
    for part in entry.qualname.split("."):
        class_type = getattr(found, "class_type", None)
        if class_type is not None and part in getattr(class_type, "jit_methods", {}):
            found = class_type.jit_methods[part]
        else:
            found = getattr(found, part)
    if not hasattr(found, "compile") and not hasattr(found, "_dispatcher"):
        # The call form `fast = njit(slow)`: the name holds the plain function, the
        # dispatcher lives under another name (possibly several, e.g. parallel and serial).
        for value in vars(module).values():
            if getattr(value, "py_func", None) is found and hasattr(value, "compile"):
                return value
        if callable(found):
            # An @overload implementation defined at module level: Numba jits it itself.
            import numba

            return numba.njit(found)
    return getattr(found, "_dispatcher", found)  # DUFunc / GUFunc keep theirs here


def replay(entries: dict[str, HarvestEntry], compile_: bool = False) -> ReplayReport:
    report = ReplayReport()
    for key, entry in sorted(entries.items()):
        report.signatures += len(entry.signatures)
        if "<locals>" in entry.qualname:
            report.unresolvable_functions.append(key)
            # Still a text round trip: the types themselves must parse.
            target = None
        else:
            try:
                target = find_compilable(entry)
            except Exception as exc:  # import errors, renamed functions
                report.unresolvable_functions.append(f"{key}: {type(exc).__name__}: {exc}")
                target = None
        for signature in entry.signatures:
            try:
                args = spelling.decode_signature(signature, getattr(target, "py_func", None))
            except Exception as exc:
                if target is None and spelling.NOT_PASSED in signature:
                    report.decoded += 1  # needs the function's defaults, not a text failure
                    continue
                report.failures.append(f"{key} {list(signature)}: {type(exc).__name__}: {exc}")
                continue
            report.decoded += 1
            if compile_ and target is not None:
                try:
                    target.compile(args)
                    report.compiled += 1
                except Exception as exc:
                    report.failures.append(
                        f"{key} {list(signature)}: compile: {type(exc).__name__}: {exc}"
                    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m numba_lint.harvest.replay")
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="directory to import the project from (default: cwd)",
    )
    parser.add_argument("--compile", action="store_true", help="also compile each signature")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(options.root.resolve()))
    report = replay(load_signatures(options.file), options.compile)
    print(json.dumps({**asdict(report), "round_trip_rate": report.round_trip_rate}, indent=2))
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
