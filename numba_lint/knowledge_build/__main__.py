"""`python -m numba_lint.knowledge_build --output FILE`: derive the knowledge JSON for this Python.

Used by `knowledge.load_knowledge` (in a subprocess, with a timeout) and to refresh the prebuilt
files in `numba_lint/data`. Writes the file atomically; prints nothing else on success.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m numba_lint.knowledge_build")
    parser.add_argument("--output", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--no-probes", action="store_true", help="registry pass only")
    parser.add_argument("--probe", action="append", help="run only this probe (repeatable)")
    parser.add_argument(
        "--hide", default="", help="comma-separated modules to treat as absent (e.g. scipy)"
    )
    args = parser.parse_args(argv)
    if args.hide:
        from .environment import HIDE_ENV

        os.environ[HIDE_ENV] = args.hide  # inherited by the probe worker
    from .environment import install_hider

    install_hider()
    from .build import build_knowledge

    data = build_knowledge(probes=not args.no_probes, probe_names=args.probe)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=args.output.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=0, sort_keys=True)
        stream.write("\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
