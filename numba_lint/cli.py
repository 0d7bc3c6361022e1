"""Command line: `numba-lint check|explain|rule|rules|server|harvest ...` -> exit code.

Each subcommand body parses its flags and calls the library; the exit-code contract lives
here only: 0 no findings at the fail level, 1 findings, 2 usage/configuration error or a file
that cannot be read at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .config import (
    SEVERITY_NAMES,
    Config,
    ConfigError,
    apply_environment,
    apply_table,
    load_config,
)
from .diagnostic import Report, Severity
from .formats import RenderOptions, available_formats, renderer

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
SUBCOMMANDS = (
    "check",
    "merge",
    "explain",
    "rule",
    "rules",
    "server",
    "harvest",
    "knowledge",
    "clean",
)


# The configuration keys, for `numba-lint check --help` (README "Configuration" has examples).
CONFIG_HELP = """\
configuration ([tool.numba-lint] in pyproject.toml; flags override it):
  select, extend-select, ignore    rule codes or prefixes (lists)
  per-file-ignores                 table of glob = [codes]
  exclude, extend-exclude          gitignore-style patterns
  fail-level                       error | warning | info
  jobs                             trial-compile workers (default: CPU count)
  timeout                          seconds per module in the trial compile (default: 60)
  memory-limit                     MiB each trial-compile worker may allocate
                                   (default: 8192; 0: no limit)
  signatures-file                  harvested signatures (default: .numba-lint/signatures.json)
  full-compile, static-only, cache true | false

environment:
  NUMBA_LINT_STATIC_ONLY=1         static pass only, whatever the configuration says
  NUMBA_LINT_CACHE_DIR             numba-lint's cache folder (default: ~/.cache/numba-lint)

What the trial compile runs and writes: SECURITY.md.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, exit 2 (argparse's contract)
        self.exit(EXIT_USAGE, f"numba-lint: error: {message} (see 'numba-lint --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="numba-lint",
        description="Find what stops @njit from compiling: a static pass over the source and a "
        "trial compile of every jitted function in isolated worker processes.",
    )
    parser.add_argument("--version", action="version", version=f"numba-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser(
        "check",
        help="check files and folders (the default command)",
        description="Check Python files and folders for code that Numba's nopython mode rejects.",
        epilog=CONFIG_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths",
        nargs="*",
        default=None,
        metavar="PATH",
        help="files or folders to check (default: .); '-' reads one file from standard input",
    )
    check.add_argument(
        "--format",
        choices=available_formats(),
        default="text",
        help="output format (default: text)",
    )
    check.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of standard output (e.g. with --format html)",
    )
    check.add_argument(
        "--select",
        type=_codes,
        help="comma-separated codes or prefixes to "
        "report (replaces the default set; ALL for every rule)",
    )
    check.add_argument(
        "--extend-select",
        type=_codes,
        help="codes or prefixes to add to the selection (e.g. rules that are off by default)",
    )
    check.add_argument(
        "--ignore",
        type=_codes,
        help="codes or prefixes not to report (added to the configured ignores)",
    )
    check.add_argument(
        "--static-only",
        action="store_true",
        default=None,
        help="skip the trial compile: never import or run the checked code (also: "
        "static-only = true, or the environment variable NUMBA_LINT_STATIC_ONLY=1)",
    )
    check.add_argument(
        "--full-compile",
        action="store_true",
        default=None,
        help="trial-compile through LLVM lowering too (slower; finds the rare "
        "failures that only appear while lowering)",
    )
    check.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        help="worker processes for the trial compile (default: CPU count)",
    )
    check.add_argument(
        "--timeout",
        type=float,
        help="seconds allowed per module in the trial compile (default: 60)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write any cache (static results, trial-compile results)",
    )
    check.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the path of the file given on "
        "standard input (for configuration, imports and messages)",
    )
    check.add_argument(
        "--config",
        type=Path,
        metavar="PYPROJECT",
        help="use this pyproject.toml instead of the nearest one",
    )
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the configured "
        "excludes to files named on the command line too (for pre-commit)",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--fail-level",
        choices=SEVERITY_NAMES,
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in this baseline file (see --write-baseline)",
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's "
        "findings in FILE (by rule, file, function and line content) and exit 0",
    )
    check.add_argument(
        "--shard",
        metavar="I/N",
        help="check only shard I of N (a CI matrix job; files split by size); join the "
        "outputs with 'numba-lint merge' (docs/ci.md)",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output (default: auto, only on a terminal)",
    )
    check.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list info diagnostics (functions not trial-compiled) and Numba's own error text",
    )

    from .shard_merge import add_merge_parser

    add_merge_parser(sub)
    from .explain.command import add_explain_parser

    add_explain_parser(sub)
    rule = sub.add_parser("rule", help="explain one rule: what it flags, why, and the fix")
    rule.add_argument("code", help="a rule code such as NB101, or its name")
    sub.add_parser("rules", help="list every rule with its code, severity and summary")
    sub.add_parser("server", help="run the language server on standard input/output")
    harvest = sub.add_parser(
        "harvest",
        help="run a command (e.g. your tests) and record the "
        "signatures Numba compiles, for the trial compile",
    )
    harvest.add_argument(
        "--output",
        type=Path,
        help="signatures file (default: signatures-file, else .numba-lint/signatures.json under "
        "the project root)",
    )
    harvest.add_argument(
        "--replace",
        action="store_true",
        help="start a new file instead of merging into the existing one",
    )
    harvest.add_argument("cmd", nargs=argparse.REMAINDER, help="-- then the command to run")
    knowledge = sub.add_parser(
        "knowledge", help="show (or rebuild) what numba-lint derived from the installed Numba"
    )
    knowledge.add_argument("--rebuild", action="store_true", help="derive it again now")
    knowledge.add_argument(
        "--diff",
        metavar="OTHER",
        help="show what becomes supported or unsupported with another Numba: a knowledge file, "
        "or a version whose table is shipped or cached (e.g. 0.59.1)",
    )
    clean = sub.add_parser("clean", help="remove the project's cache (.numba-lint/cache)")
    clean.add_argument("path", nargs="?", default=".", help="a path in the project (default: .)")
    clean.add_argument(
        "--dynamic",
        action="store_true",
        help="also remove the cached trial-compile results (shared by every project of this user)",
    )
    return parser


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `numba-lint PATHS` means `numba-lint check PATHS`.
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "check")
    if argv[0] == "harvest":
        # The harvested command's own flags must reach it untouched: harvest parses its own.
        from .harvest import harvest_main

        return harvest_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "merge":
            from .shard_merge import merge_main

            return merge_main(args)
        if args.command == "explain":
            from .explain.command import explain_main

            return explain_main(args)
        if args.command == "rule":
            return _rule(args.code)
        if args.command == "rules":
            from .catalog import rules_table  # imports every rule (and libcst): only here

            sys.stdout.write(rules_table())
            return EXIT_CLEAN
        if args.command == "server":
            from .server import serve

            return serve()
        if args.command == "clean":
            from .cache_command import clean_main

            return clean_main(Path(args.path), args.dynamic)
        if args.command == "knowledge":
            if args.diff is not None:
                from .knowledge_diff import diff_main

                return diff_main(args.diff)
            from .knowledge import knowledge_main

            return knowledge_main(rebuild=args.rebuild)
    except ConfigError as exc:
        sys.stderr.write(f"numba-lint: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("numba-lint: interrupted\n")
        return 130
    return EXIT_USAGE


def _rule(code: str) -> int:
    from .catalog import render_rule

    text = render_rule(code)
    if text is None:
        sys.stderr.write(f"numba-lint: error: unknown rule '{code}' (see 'numba-lint rules')\n")
        return EXIT_USAGE
    sys.stdout.write(text)
    return EXIT_CLEAN


def configure(args: argparse.Namespace) -> Config:
    """The configuration file for the checked paths, with command-line flags on top."""
    anchor = (
        Path(args.stdin_filename)
        if args.stdin_filename
        else Path((args.paths or ["."])[0] if args.paths != ["-"] else ".")
    )
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"--config {args.config}: no such file")
    config = load_config(anchor if anchor.exists() else Path.cwd(), args.config)
    overrides = {
        "select": args.select,
        "extend-select": args.extend_select,
        # --ignore adds to the configured ignores; --select replaces the configured selection.
        "ignore": [*config.ignore, *args.ignore] if args.ignore else None,
        "static-only": args.static_only,
        "full-compile": args.full_compile,
        "jobs": args.jobs,
        "timeout": args.timeout,
        "fail-level": args.fail_level,
    }
    apply_table(config, {k: v for k, v in overrides.items() if v is not None}, "command line")
    # Nothing on the command line turns the trial compile back on when CI forbids it.
    apply_environment(config)
    if args.no_cache:
        config.cache = False
    return config


def _check(args: argparse.Namespace) -> int:
    from .discover import SourceFile
    from .pipeline import Options
    from .static.pool import StaticWorkerFailure

    config = configure(args)
    options = Options(
        paths=args.paths or ["."],
        force_exclude=args.force_exclude,
        record_types=args.format == "html",  # the report shows the types per line
    )
    if args.shard is not None:
        from .shard import parse_shard

        try:
            options.shard = parse_shard(args.shard)
        except ValueError as exc:
            raise ConfigError(f"--shard {exc}") from None
    if args.paths == ["-"] or args.stdin_filename and args.paths in (None, [], ["-"]):
        name = args.stdin_filename or "<stdin>"
        text = sys.stdin.buffer.read()
        from .parse import decode

        source = SourceFile(path=Path(args.stdin_filename or "stdin.py"), display=name)
        decoded = decode(source, text)
        if not isinstance(decoded, str):
            sys.stderr.write(f"numba-lint: error: {name}: {decoded.reason}\n")
            return EXIT_USAGE
        options.stdin_source = SourceFile(path=source.path, display=name, text=decoded)
    elif "-" in (args.paths or []):
        raise ConfigError("'-' (standard input) cannot be mixed with other paths")
    try:
        report = _run_with_progress(config, options, args.format)
    except StaticWorkerFailure as exc:  # a crash of ours: one line, exit 2, no traceback
        raise ConfigError(f"{exc} (please report it)") from None
    _say_signatures_file(report, config, args.verbose)
    baseline_exit = _apply_baseline(args, report, config, options)
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    rendered = renderer(args.format)(
        report, RenderOptions(color=color, verbose=args.verbose, root=config.project_root)
    )
    if args.output is not None:
        try:
            args.output.write_text(rendered, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--output {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(rendered)
    for line in report.notes:
        sys.stderr.write(f"numba-lint: note: {line}\n")
    for line in report.errors:
        sys.stderr.write(f"numba-lint: error: {line}\n")
    if baseline_exit is not None:
        return baseline_exit
    return exit_code(report, config.fail_level, args.exit_zero)


def _run_with_progress(config: Config, options: Any, output_format: str) -> Report:
    """The run, with a progress line on stderr when a person watches it: stderr is a terminal
    and the format is one people read (never JSON, SARIF, GitHub annotations or HTML)."""
    from . import progress
    from .pipeline import run

    if output_format in ("text", "concise") and sys.stderr.isatty():
        progress.enable(sys.stderr)
    try:
        return run(config, options)
    finally:
        progress.disable()


def _say_signatures_file(report: Report, config: Config, verbose: bool) -> None:
    """Which harvested signatures file the trial compile read: `summary.signatures_file` in the
    JSON, a note with --verbose, and always a note when a configured file does not exist."""
    if not report.summary.dynamic_ran:
        return
    from .discover import display_path

    path = config.signatures_path()
    shown = display_path(path)
    if path.is_file():
        report.summary.signatures_file = shown
        if verbose:
            report.notes.append(f"harvested signatures read from {shown}")
        return
    if config.signatures_file_configured():
        report.notes.append(
            f"signatures-file {shown} (set in {config.origin('signatures-file')}) does not "
            "exist: run `numba-lint harvest -- <your test command>` to create it"
        )
    elif verbose:
        report.notes.append(
            f"no harvested signatures: {shown} does not exist (project root "
            f"{display_path(config.project_root)})"
        )


def _apply_baseline(
    args: argparse.Namespace, report: Report, config: Config, options: Any
) -> int | None:
    """--write-baseline records the findings (exit 0, unless files could not be read);
    --baseline drops the recorded ones from the report."""
    if args.baseline is None and args.write_baseline is None:
        return None
    from .baseline import SourceLines, load_baseline, new_findings, write_baseline

    stdin = options.stdin_source
    lines = SourceLines({stdin.display: stdin.text} if stdin and stdin.text else None)
    if args.write_baseline is not None:
        try:
            count = write_baseline(
                args.write_baseline, report.diagnostics, config.project_root, lines
            )
        except OSError as exc:
            raise ConfigError(
                f"cannot write the baseline {args.write_baseline}: {exc.strerror or exc}"
            ) from exc
        report.notes.append(
            f"recorded {count} finding{'' if count == 1 else 's'} in {args.write_baseline}"
        )
        return EXIT_USAGE if report.errors else EXIT_CLEAN
    accepted = load_baseline(args.baseline)
    before = len(report.diagnostics)
    report.diagnostics = new_findings(report.diagnostics, accepted, config.project_root, lines)
    if before > len(report.diagnostics):
        report.notes.append(
            f"{before - len(report.diagnostics)} known finding(s) hidden by "
            f"the baseline {args.baseline}"
        )
    return None


def exit_code(report: Report, fail_level: str, exit_zero: bool = False) -> int:
    if report.errors:
        return EXIT_USAGE
    if exit_zero:
        return EXIT_CLEAN
    threshold = Severity(fail_level).rank
    failing = any(d.severity.rank >= threshold for d in report.diagnostics)
    return EXIT_FINDINGS if failing else EXIT_CLEAN
