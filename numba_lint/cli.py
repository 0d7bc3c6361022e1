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
from typing import Any

from .cli_parser import build_parser
from .config import Config, ConfigError, apply_environment, apply_table, load_config
from .diagnostic import Report, Severity
from .formats import RenderOptions, renderer

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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `numba-lint PATHS` means `numba-lint check PATHS`.
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "check")
    if argv[0] == "harvest":
        # The harvested command's own flags must reach it untouched: harvest parses its own.
        from .harvest import harvest_main

        return harvest_main(argv[1:])
    # Only the named command's parser is built (every one for `--help`).
    args = build_parser(None if argv[0] in ("-h", "--help") else argv[0]).parse_args(argv)
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
    except Exception:  # a bug of numba-lint: exit 2, never 1 (which means "findings")
        import traceback

        sys.stderr.write(
            "numba-lint: internal error (a bug: please report it with the traceback below)\n"
        )
        traceback.print_exc()
        return EXIT_USAGE
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
    _start_factory_early(config, options)
    try:
        report = _run_with_progress(config, options, args.format)
    except Exception as exc:
        if _is_static_worker_failure(exc):  # a crash of ours: one line, exit 2, no traceback
            raise ConfigError(f"{exc} (please report it)") from None
        raise
    _say_signatures_file(report, config, args.verbose)
    from .filter import BaselineRequest, apply_baseline

    baseline = BaselineRequest(read=args.baseline, write=args.write_baseline)
    wrote_baseline = apply_baseline(report, baseline, config.project_root, options.stdin_source)
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
    if wrote_baseline:  # a baseline run exits clean unless files could not be read
        return EXIT_USAGE if report.errors else EXIT_CLEAN
    return exit_code(report, config.fail_level, args.exit_zero)


def _start_factory_early(config: Config, options: Any) -> None:
    """Start the trial compile's worker factory now when the run will most likely need it: it
    imports Numba on another core while the static pass runs (dynamic/parent/early_start.py)."""
    if config.static_only:  # nothing of the dynamic pass imported
        return
    from .dynamic.parent.early_start import start_early

    stdin = options.stdin_source.text if options.stdin_source is not None else None
    if start_early(config, options.paths, stdin):
        from .dynamic.parent.trial import prestart

        try:
            prestart()
        except OSError:  # the dynamic pass reports it when it needs the factory
            pass


def _is_static_worker_failure(exc: Exception) -> bool:
    """Whether a static worker process died (`static.pool.StaticWorkerFailure`). Looked up
    without importing the pool: a run that never started one (most one-file runs never import
    it, nor libcst) cannot have raised it."""
    pool = sys.modules.get("numba_lint.static.pool")
    return pool is not None and isinstance(exc, pool.StaticWorkerFailure)


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


def exit_code(report: Report, fail_level: str, exit_zero: bool = False) -> int:
    if report.errors:
        return EXIT_USAGE
    if exit_zero:
        return EXIT_CLEAN
    threshold = Severity(fail_level).rank
    failing = any(d.severity.rank >= threshold for d in report.diagnostics)
    return EXIT_FINDINGS if failing else EXIT_CLEAN
