"""The whole run in one place: paths -> Report.

discover -> read -> static pass (parse, jit index, facts, static rules: `numba_lint/static/`)
-> (dynamic pass) -> merge -> filter. Called by the CLI and the language server. Never prints,
never exits; the caller formats the Report. The static pass never imports Numba; the dynamic
pass runs in worker processes.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import collector
from .config import Config
from .diagnostic import Diagnostic, FunctionCoverage, Report, Summary
from .discover import SourceFile, discover
from .filter import FindingFilter
from .notebook.expand import expand_notebooks
from .rule_codes import RULE_CODES
from .shard import Shard, home, keep_shard, shard_members
from .source_texts import HELD_TEXTS, TextChanged, read_all
from .static.cache import StaticCache, StaticOutput, project_cache_dir
from .static.syntax_only import syntax_only_findings

if TYPE_CHECKING:
    from .jit_index import IndexedModule

# The rules, the static engine and libcst are imported by the steps that need them: a run whose
# files never mention numba needs none of them (tests/test_startup.py).


@dataclass
class Options:
    """Per-run choices that are not configuration (they come from the command line)."""

    paths: Sequence[str] = (".",)
    stdin_source: SourceFile | None = None
    force_exclude: bool = False
    # Record the inferred types and keep every checked file's lines (the HTML report).
    record_types: bool = False
    # `check --shard I/N`: report only this shard's files (numba_lint/shard.py).
    shard: Shard | None = None


def known_codes() -> dict[str, bool]:
    """Every rule's code and whether it is on by default, without importing a rule."""
    return dict(RULE_CODES)


def run(config: Config, options: Options, hold_texts: bool = False) -> Report:
    """`hold_texts`: hold every text in memory (else only up to `HELD_TEXTS` characters: a
    larger project's texts are read again when a step needs them, `source_texts.py`)."""
    # No helper frame around the steps: a worker forked from here starts from this stack
    # depth, and Python's parser limits nesting by it (tests/test_hostile_static.py).
    started = time.perf_counter()
    selection = FindingFilter(config, known_codes())
    report = Report(diagnostics=[], summary=Summary())
    sources = _discovered(config, options, report)
    report.summary.files = len(sources)
    discovered = [source.display for source in sources]
    sources, notebooks = expand_notebooks(sources, report)  # .ipynb -> virtual modules
    texts = read_all(sources, report.errors, None if hold_texts else HELD_TEXTS)

    try:
        # A shard's files, split by what the texts say each costs (`TextChanged` when a text
        # read again is not the one read first).
        members = shard_members(discovered, texts, options.shard, full=not config.static_only)
        checked = _checked(texts, members)
        diagnostics, indexed = _static_step(texts, selection, config, options, checked, report)
        diagnostics.extend(notebooks.problems)
        if not config.static_only and report.summary.jit_functions:
            diagnostics = _dynamic_step(indexed, checked, diagnostics, config, options, report)

        # Source lines only of the files with findings (noqa comments, the text format's
        # excerpt).
        reported = {d.filename for d in diagnostics}
        if options.record_types:
            reported |= {function.filename for function in report.functions}
        lines = {s.display: texts[s].splitlines() for s in texts if s.display in reported}
    except TextChanged as changed:
        if hold_texts:  # nothing was read again
            raise
        # A file read again is not the one read first: check every file again, each read
        # once and held, so that each step sees one version of it.
        report = run(config, options, hold_texts=True)
        report.notes.append(f"{changed}: checked again as it is now")
        return report
    report.sources = lines
    paths = {source.display: source.path for source in sources}
    paths.update(notebooks.paths)
    report.diagnostics = sorted(selection.shown(diagnostics, lines, paths), key=diagnostic_order)
    notebooks.relocate(report, diagnostic_order)
    if members is not None:
        resolved = frozenset(str(s.path.resolve()) for s in sources if home(s.display) in members)
        keep_shard(report, members, resolved)
        report.summary.files = len(members)
    report.summary.seconds = time.perf_counter() - started
    return report


def diagnostic_order(d: Diagnostic) -> tuple[Any, ...]:
    """The one order of diagnostics in every output (README, "JSON output"): file, start row
    and column, code, end row and column, pass, message, function, then the detail's text, so
    that equal-looking findings never depend on the order the passes produced them in."""
    return (
        *d.sort_key,
        d.end_location.row,
        d.end_location.column,
        d.pass_.value,
        d.message,
        d.function or "",
        json.dumps(d.detail, sort_keys=True, default=str),
    )


def function_order(f: FunctionCoverage) -> tuple[str, int, str]:
    """The order of the `functions` list: file, line of the `def`, qualified name."""
    return (f.filename, f.line, f.name)


def _discovered(config: Config, options: Options, report: Report) -> list[SourceFile]:
    if options.stdin_source is not None:
        return [options.stdin_source]
    found = discover(options.paths, config.excludes(), config.project_root, options.force_exclude)
    report.errors.extend(found.errors)
    report.notes.extend(found.notes)
    return found.files


def _checked(
    texts: Mapping[SourceFile, str], members: frozenset[str] | None
) -> frozenset[str] | None:
    """The files a shard checks (display names), None: all of them."""
    if members is None:
        return None
    return frozenset(source.display for source in texts if home(source.display) in members)


def _static_step(
    texts: Mapping[SourceFile, str],
    selection: FindingFilter,
    config: Config,
    options: Options,
    checked: frozenset[str] | None,
    report: Report,
) -> tuple[list[Diagnostic], list[IndexedModule]]:
    """The static pass's findings (or the cached ones) and, when a later step reads the
    trees (the dynamic pass, the HTML report), every indexed module."""
    if checked is None and not options.record_types:
        syntax_errors = syntax_only_findings(texts)
        if syntax_errors is not None:  # no file may use numba: nothing to index or check
            return syntax_errors, []
    cache = _static_cache(config, options, texts, sorted(selection.selected))
    cached = None
    if cache is not None:
        # The same files as the last run, or only files it never parsed changed since.
        cached = cache.load() or cache.rescanned(texts)
    if cached is not None:  # the same files, configuration and version as a past run
        report.functions, report.summary.jit_functions = cached.functions, cached.jit_functions
        report.notes.extend(cached.notes)
        return list(cached.diagnostics), []
    with collector.paused():  # imports that only create lasting objects (collector.py)
        from .checks import STATIC_RULES  # a replayed run imports neither rules nor the engine
        from .static.engine import static_pass
        from .static.pool import StaticWorkerFailure

    # What replaying a damaged static cache record raises (in a worker: `StaticWorkerFailure`).
    damaged = (KeyError, TypeError, ValueError, IndexError, AttributeError, StaticWorkerFailure)
    rules = [rule for rule in STATIC_RULES if rule.code in selection.selected]
    keep_trees = not config.static_only  # the dynamic pass reads the trees
    stored = cache.records() if cache is not None else None
    digests = cache.digests() if cache is not None else None  # hashed once, by the cache
    run_static = functools.partial(
        static_pass,
        texts,
        rules,
        jobs=config.jobs,
        keep_trees=keep_trees,
        checked=checked,
        digests=digests,
    )
    try:
        found = run_static(stored=stored)
    except damaged:
        if not stored:
            raise
        # A record damaged on disk (well-formed JSON, wrong shapes): the run without them,
        # which also shows any other failure as it is.
        found = run_static(stored={})
    report.notes.extend(found.notes)
    report.summary.jit_functions = found.jit_functions
    if config.static_only:
        report.functions = found.functions
    if cache is not None:
        output = StaticOutput(
            list(found.diagnostics), list(found.functions), found.jit_functions, found.notes
        )
        cache.store(output, found.records)
    return found.diagnostics, found.indexed


def _dynamic_step(
    indexed: list[IndexedModule],
    checked: frozenset[str] | None,
    diagnostics: list[Diagnostic],
    config: Config,
    options: Options,
    report: Report,
) -> list[Diagnostic]:
    """The trial compile of the checked files' jitted functions; its findings merged with
    the static ones, its coverage and notes in the report."""
    from .dynamic import run_dynamic  # the parent only schedules; workers import Numba
    from .jit_index import with_variants
    from .merge import merge

    dynamic = run_dynamic(
        [
            module
            for module in indexed
            if module.jit_index.functions
            and (checked is None or module.parsed.source.display in checked)
        ],
        config,
        options.record_types,
    )
    report.types = dynamic.types
    report.functions = sorted(with_variants(indexed, dynamic.functions), key=function_order)
    report.errors.extend(dynamic.errors)
    if dynamic.engine_note:
        report.notes.append(dynamic.engine_note)
        report.summary.engine_note = dynamic.engine_note
    report.summary.dynamic_ran = True
    report.summary.dynamically_checked = sum(1 for f in dynamic.functions if f.checked)
    report.summary.unchecked_no_signature = sum(
        1 for f in dynamic.functions if not f.checked and f.reason == "no argument types"
    )
    return merge(diagnostics, dynamic.diagnostics)


def _static_cache(
    config: Config, options: Options, texts: Mapping[SourceFile, str], selected: list[str]
) -> StaticCache | None:
    """The static cache of a static-only run over files (not standard input: an editor's
    buffer changes with every keystroke); None with `--no-cache` or `cache = false`."""
    # A shard's output is a part of the tree's (its key would be the whole tree's): not cached.
    if not config.cache or not config.static_only or options.stdin_source is not None:
        return None
    if options.shard is not None:
        return None
    if options.record_types:  # the HTML report (kept as it was: not cached)
        return None
    return StaticCache(project_cache_dir(config.project_root), texts, selected)
