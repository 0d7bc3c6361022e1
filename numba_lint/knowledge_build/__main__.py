"""`python -m numba_lint.knowledge_build --output FILE`: derive the knowledge JSON for this Python.

Used by `knowledge.load_knowledge` (in a subprocess, with a timeout). `--ship` refreshes the
prebuilt file in `numba_lint/data` (`--ship --hide scipy` the one for environments without
SciPy). Writes the file atomically; prints nothing on success.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..atomic import write_atomically


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m numba_lint.knowledge_build")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--output", type=Path, help="JSON file to write")
    target.add_argument(
        "--ship", action="store_true", help="write the prebuilt file in numba_lint/data"
    )
    parser.add_argument("--no-probes", action="store_true", help="registry pass only")
    parser.add_argument("--probe", action="append", help="run only this probe (repeatable)")
    parser.add_argument(
        "--hide", default="", help="comma-separated modules to treat as absent (e.g. scipy)"
    )
    args = parser.parse_args(argv)
    if args.hide:
        from .environment import HIDE_ENV

        os.environ[HIDE_ENV] = args.hide  # inherited by the probe worker
    from .environment import install_hider, load_numba_extensions

    install_hider()
    load_numba_extensions()
    from .build import build_knowledge

    data = build_knowledge(probes=not args.no_probes, probe_names=args.probe)
    output: Path = args.output
    if args.ship:
        from ..knowledge import DATA_DIR, knowledge_file_name

        output = DATA_DIR / knowledge_file_name(data["key"])
    write_atomically(output, json.dumps(data, indent=0, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
