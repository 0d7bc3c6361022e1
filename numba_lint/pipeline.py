"""The whole run in one place: paths -> Report.

discover -> read and parse -> jit index -> static rules -> (dynamic pass) -> merge -> filter.
Called by the CLI and the language server. Never prints, never exits; the caller formats the
Report. The static steps never import Numba; the dynamic pass runs in worker processes.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import progress
from .bindings import unparsed_bindings
from .checks import ALL_RULES, RuleInfo, static_rules
from .checks.base import ProjectFacts, run_static_rules
from .checks.syntax_error import SyntaxErrorRule
from .config import Config
from .diagnostic import Diagnostic, FunctionCoverage, Location, Pass, Report, Summary
from .discover import SourceFile, discover
from .filter import FindingFilter
from .jit_index import (
    JitIndex,
    build_index,
    listed,
    listing_order,
    settled,
    with_variants,
)
from .modules import imported_modules, is_imported
from .notebook.expand import expand_notebooks
from .parse import (
    ParsedModule,
    SyntaxProblem,
    Unreadable,
    may_use_numba,
    module_name_for,
    parse,
    read_text,
)
from .project import collect_facts
from .shard import Shard, home, keep_shard, shard_members
from .static_cache import StaticCache, StaticOutput, project_cache_dir
from .static_pool import Scanned


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
    return {rule.code: rule.default_enabled for rule in ALL_RULES}


def run(config: Config, options: Options) -> Report:
    started = time.perf_counter()
    selection = FindingFilter(config, known_codes())
    report = Report(diagnostics=[], summary=Summary())

    sources: list[SourceFile]
    if options.stdin_source is not None:
        sources = [options.stdin_source]
    else:
        found = discover(
            options.paths, config.excludes(), config.project_root, options.force_exclude
        )
        report.errors.extend(found.errors)
        report.notes.extend(found.notes)
        sources = found.files
    report.summary.files = len(sources)
    members = shard_members(sources, options.shard)
    sources, notebooks = expand_notebooks(sources, report)  # .ipynb -> virtual modules

    texts: dict[SourceFile, str] = {}
    for source in sources:
        text = read_text(source)
        if isinstance(text, Unreadable):
            report.errors.append(f"{source.display}: {text.reason}")
        else:
            texts[source] = text

    rules = [rule for rule in ALL_RULES if rule.code in selection.selected]
    cache = _static_cache(config, options, texts, selection)
    notes_before, cached = len(report.notes), cache.load() if cache is not None else None
    pooled: list[Diagnostic] | None
    indexed: list[tuple[ParsedModule, JitIndex]]
    with _collector_paused():
        if cached is not None:  # the same files, configuration and version as a past run
            pooled = _replayed(cached, report)
        else:
            pooled = _static_parallel(texts, rules, config, report) if config.static_only else None
        if pooled is not None:
            diagnostics = pooled
            indexed = []
        else:
            first, syntax_problems = _parse_relevant(texts, reduce=config.static_only)
            diagnostics = [_syntax_diagnostic(problem) for problem in syntax_problems]
            indexed = _index(first)
            parsed = {module.source for module, _ in indexed}
            others = {s: t for s, t in texts.items() if s not in parsed}
            facts = _unparsed_facts(
                collect_facts(indexed),
                imported_modules([(m.module_name, m.source.path, m.text) for m, _ in indexed]),
                others,
                {source: module_name_for(source.path) for source in others},
            )
            # One entry per jitted function and per further variant of a def jitted twice.
            listing = sorted((e for m, i in indexed for e in listed(m, i)), key=listing_order)
            report.summary.jit_functions = len(listing)
            if config.static_only:
                report.functions = listing
            mine = [m for m in indexed if members is None or home(m[0].source.display) in members]
            diagnostics.extend(_static(mine, rules, facts, report))

    if cache is not None and cached is None:
        cache.store(_static_output(diagnostics, report, notes_before))
    diagnostics.extend(notebooks.problems)

    if not config.static_only and report.summary.jit_functions:
        from .dynamic import run_dynamic  # the parent only schedules; workers import Numba
        from .merge import merge

        dynamic = run_dynamic(
            [
                (p, i)
                for p, i in indexed
                if i.functions and (members is None or home(p.source.display) in members)
            ],
            config,
            options.record_types,
        )
        report.types = dynamic.types
        diagnostics = merge(diagnostics, dynamic.diagnostics)
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

    # Source lines only of the files with findings (noqa comments, the text format's excerpt).
    reported = {d.filename for d in diagnostics}
    if options.record_types:
        reported |= {module.source.display for module, index in indexed if index.functions}
    lines = {s.display: t.splitlines() for s, t in texts.items() if s.display in reported}
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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The static steps with Python's cyclic garbage collector off (restored afterwards).

    libcst builds about a million small objects for a large project and the trees stay alive
    until the rules have run, so every full collection walked all of them again: a third of the
    static pass's CPU time on the benchmark corpus. Syntax trees hold no reference cycles, so
    nothing is lost; the forked static workers inherit the setting. Parsing does leave cyclic
    garbage (about half of a worker's memory on the corpus), so each parse is followed by a
    collection of the youngest generation: it looks only at what that parse allocated, so the
    cost stays linear (5 % of the parse time) while memory no longer grows with it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_relevant(
    texts: dict[SourceFile, str], reduce: bool = False
) -> tuple[list[tuple[ParsedModule, JitIndex]], list[SyntaxProblem]]:
    """Parse only files that can involve Numba: they mention it, or import a project module
    that re-exports its decorators. Returns each module with its first (alias-free) index."""
    modules: list[tuple[ParsedModule, JitIndex]] = []
    problems: list[SyntaxProblem] = []
    pending = dict(texts)
    parsing = [0, 0]  # files parsed, files to parse (known so far)

    def parse_some(
        selected: list[SourceFile], jit_names: frozenset[str] | None = None, assume: bool = False
    ) -> None:
        parsing[1] += len(selected)
        for source in selected:
            text = pending.pop(source)
            result = parse(source, text, reduce=reduce, jit_names=jit_names, assume=assume)
            parsing[0] += 1
            progress.advance("files parsed", *parsing)
            gc.collect(0)  # its cyclic garbage, young: cheap (`_collector_paused`)
            if isinstance(result, SyntaxProblem):
                problems.append(result)
            else:
                modules.append((result, build_index(result)))

    # Decorators imported from project modules are taken for plain Python until the project's
    # aliases are known (`_index` checks the assumption).
    parse_some([s for s, text in pending.items() if may_use_numba(text)], assume=True)
    reexporting = [m.module_name for m, index in modules if index.decorator_aliases]
    if reexporting and pending:
        # These files never mention numba: only the project's aliases can jit there.
        alias_names = frozenset(name for _, index in modules for name in index.decorator_aliases)
        parse_some(
            [s for s, text in pending.items() if may_use_numba(text, reexporting, alias_names)],
            alias_names,
        )
    # A syntax error in a file without "numba" still matters: it is a broken file.
    for source, text in list(pending.items()):
        try:
            compile(text, source.display, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError:
            parse_some([source])
        except (ValueError, RecursionError, MemoryError):
            parse_some([source])
    return modules, problems


def _index(first: list[tuple[ParsedModule, JitIndex]]) -> list[tuple[ParsedModule, JitIndex]]:
    """Re-index, with the project's decorator aliases, only the modules whose first index
    looked up one of them (the first, alias-free index stands for the others), while the
    aliases grow (`jit_index.settled`)."""
    return settled(first)


def _unparsed_facts(
    facts: ProjectFacts,
    imported: set[str],
    others: dict[SourceFile, str],
    module_names: Mapping[SourceFile, str],
    scanned: Mapping[SourceFile, Scanned] | None = None,
) -> ProjectFacts:
    """Add the bindings of project modules that were not parsed (they never mention Numba, so
    none of their functions is jitted) when a parsed module imports them (`imported`: the
    modules the parsed ones import). Read with `ast` (`scanned`: those the static workers
    have read already)."""
    bindings = dict(facts.bindings)
    registered = set(facts.registered)
    seen = Counter(module_names[source] for source in others)
    for source, text in others.items():
        name = module_names[source]
        if not is_imported(name, imported):
            continue
        if name in bindings or seen[name] > 1:  # one module name, several files: unknown
            bindings[name] = {}
            continue
        known = (scanned or {}).get(source)
        if isinstance(known, SyntaxProblem):
            continue
        if known is None:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            known = unparsed_bindings(tree, name, source.path.stem == "__init__")
        found, arguments = known
        bindings[name] = found
        registered |= arguments
    return replace(facts, bindings=bindings, registered=frozenset(registered))


def _static_parallel(
    texts: dict[SourceFile, str], rules: list[type[RuleInfo]], config: Config, report: Report
) -> list[Diagnostic] | None:
    """The static-only run in worker processes; None when it is not worth it (few files)."""
    from .static_pool import MIN_FILES, run_static_parallel, worker_count

    candidates = {s: t for s, t in texts.items() if may_use_numba(t)}
    workers = worker_count(config.jobs, len(candidates))
    if workers < 2 or len(candidates) < 2 * MIN_FILES:
        return None
    names = {source: module_name_for(source.path) for source in texts}
    knowledge = None
    static = static_rules(rules)
    if static:
        from .knowledge import load_knowledge

        knowledge, note = load_knowledge()
        if note:
            report.notes.append(note)
    rest = {s: t for s, t in texts.items() if s not in candidates}

    def more_candidates(
        reexporting: list[str], alias_names: frozenset[str]
    ) -> dict[SourceFile, str]:
        extra = {s: t for s, t in rest.items() if may_use_numba(t, reexporting, alias_names)}
        for source in extra:
            rest.pop(source)
        candidates.update(extra)
        return extra

    # Only the bindings of modules the candidates import are used; the workers read those of
    # the others for nothing (a second-round candidate's imports are read later, here).
    imported = imported_modules([(names[s], s.path, t) for s, t in candidates.items()])
    first_round = set(candidates)

    def extend_facts(facts: ProjectFacts, scanned: Mapping[SourceFile, Scanned]) -> ProjectFacts:
        late = [(names[s], s.path, t) for s, t in candidates.items() if s not in first_round]
        return _unparsed_facts(facts, imported | imported_modules(late), rest, names, scanned)

    pooled = run_static_parallel(
        candidates,
        static,
        knowledge,
        workers,
        more_candidates,
        extend_facts,
        others=dict(rest),
        wanted_bindings=lambda source: is_imported(names[source], imported),
        project_modules=_with_packages(names.values()),
    )
    diagnostics = [_syntax_diagnostic(problem) for problem in pooled.problems]
    # Files without numba were scanned by the workers; a syntax error there is still reported.
    for source in rest:
        problem = pooled.scanned.get(source)
        if isinstance(problem, SyntaxProblem):
            diagnostics.append(_syntax_diagnostic(problem))
    report.summary.jit_functions = len(pooled.functions)
    report.functions = sorted(pooled.functions, key=listing_order)
    return diagnostics + pooled.diagnostics


def _static_cache(
    config: Config, options: Options, texts: dict[SourceFile, str], selection: FindingFilter
) -> StaticCache | None:
    """The static cache of a static-only run over files (not standard input: an editor's
    buffer changes with every keystroke); None with `--no-cache` or `cache = false`."""
    # A shard's output is a part of the tree's (its key would be the whole tree's): not cached.
    if not config.cache or not config.static_only or options.stdin_source is not None:
        return None
    if options.shard is not None:
        return None
    if options.record_types:  # the HTML report reads the trees themselves
        return None
    return StaticCache(project_cache_dir(config.project_root), texts, sorted(selection.selected))


def _replayed(cached: StaticOutput, report: Report) -> list[Diagnostic]:
    report.functions, report.summary.jit_functions = cached.functions, cached.jit_functions
    report.notes.extend(cached.notes)
    return list(cached.diagnostics)


def _static_output(
    diagnostics: list[Diagnostic], report: Report, notes_before: int
) -> StaticOutput:
    return StaticOutput(
        list(diagnostics),
        list(report.functions),
        report.summary.jit_functions,
        report.notes[notes_before:],
    )


def _with_packages(module_names: Iterable[str]) -> frozenset[str]:
    """The module names and the names of every package above them."""
    found: set[str] = set()
    for name in module_names:
        parts = name.split(".")
        found.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return frozenset(found)


def _static(
    indexed: list[tuple[ParsedModule, JitIndex]],
    rules: list[type[RuleInfo]],
    facts: ProjectFacts,
    report: Report,
) -> list[Diagnostic]:
    static = static_rules(rules)
    if not static or not any(index.functions for _, index in indexed):
        return []
    from .knowledge import load_knowledge

    knowledge, note = load_knowledge()
    if note:
        report.notes.append(note)
    diagnostics: list[Diagnostic] = []
    for parsed, index in indexed:
        diagnostics.extend(run_static_rules(parsed, index, static, knowledge, facts))
    return diagnostics


def _syntax_diagnostic(problem: SyntaxProblem) -> Diagnostic:
    rule = SyntaxErrorRule
    return Diagnostic(
        filename=problem.source.display,
        location=Location(problem.row, problem.column),
        end_location=Location(problem.row, problem.column + 1),
        code=rule.code,
        message=rule.message.format(detail=problem.message),
        severity=rule.severity,
        pass_=Pass.STATIC,
        url=rule.url(),
    )
