"""`numba-lint explain TARGET`: parse the flags, explain one function, print it; exit codes.

0: the function was typed without findings; 1: it has findings (or could not be trial-compiled);
2: a target, flag or configuration that cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..config import ConfigError, apply_environment, apply_table, load_config
from .target import TargetError, parse_target

DESCRIPTION = """\
Show a jitted function's source with the Numba type of every variable each line assigns, the
signatures it was trial-compiled with and where they came from. On a function that fails:
the types inferred up to the failure, the failing line marked with the finding, Numba's own
message and the rule's fix hint. The module runs in a worker process, as for `check`.

targets:
  path.py::func               a function by name (Class.method, outer.inner for nested ones)
  path.py:LINE                the jitted function that contains LINE
  nb.ipynb:cell N::func       in a notebook (cells counted as Jupyter shows them, from 1)
  nb.ipynb:cell N:LINE        line LINE of cell N
"""


def add_explain_parser(sub: Any) -> None:
    explain = sub.add_parser(
        "explain",
        help="show one jitted function's inferred types per line, and why it fails",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument("target", help="path.py::func, path.py:LINE or nb.ipynb:cell N::func")
    explain.add_argument(
        "--signature",
        metavar="TYPES",
        help="check these argument types instead of any other source, e.g. "
        '"float64[:], int64" (Numba\'s type names)',
    )
    explain.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    explain.add_argument("--config", type=Path, metavar="PYPROJECT", help="use this pyproject.toml")
    explain.add_argument(
        "--timeout", type=float, help="seconds allowed for the module's trial compile"
    )
    explain.add_argument(
        "--full-compile", action="store_true", default=None, help="compile through LLVM too"
    )


def explain_main(args: argparse.Namespace) -> int:
    from .collect import explain
    from .render import render_json, render_text

    try:
        target = parse_target(args.target)
    except TargetError as exc:
        sys.stderr.write(f"numba-lint: error: {exc}\n")
        return 2
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"--config {args.config}: no such file")
    config = load_config(target.path.parent, args.config)
    overrides = {"timeout": args.timeout, "full-compile": args.full_compile}
    apply_table(config, {k: v for k, v in overrides.items() if v is not None}, "command line")
    apply_environment(config)
    if config.static_only:
        sys.stderr.write(
            "numba-lint: error: explain needs the trial compile, which the configuration or "
            "NUMBA_LINT_STATIC_ONLY turns off\n"
        )
        return 2
    try:
        explanation = explain(target, config, args.signature)
    except TargetError as exc:
        sys.stderr.write(f"numba-lint: error: {exc}\n")
        return 2
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(explanation))
    coverage = explanation.coverage
    unchecked = coverage is None or not coverage.checked
    failed = unchecked or explanation.problem or explanation.findings or explanation.elsewhere
    return 1 if failed else 0
