"""Texts + rules -> StaticResult: the static pass, one engine for every mode.

Called by `pipeline.run` (the command line, the language server). The prefilter splits the
files; the stages (`stages.py`) parse, index, settle the project's aliases, merge the facts and
run the rules, on forked workers when a static-only run has enough files to share, else on one
share in this process (the pool of one). Runs that keep the trees (the dynamic pass and the
HTML report read them) parse in this process, without blanking any body. Never imports Numba.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import collector
from ..checks import RuleInfo, static_rules
from ..checks.base import StaticRule
from ..diagnostic import Diagnostic, FunctionCoverage
from ..discover import SourceFile
from ..jit_index import IndexedModule, listing_order
from ..parse import SyntaxProblem
from ..source_texts import size_of
from . import pool
from .cache import text_digest
from .share import ModuleShare
from .stages import Plan, StagesResult, TextFacts, run_stages
from .syntax_only import syntax_diagnostic as _syntax_diagnostic

if TYPE_CHECKING:  # the replay and the forecast are imported by runs with the static cache only
    from .forecast import Preparsed
    from .replay import Record

# The characters of candidate text up to which a static-only pass holds every tree until its
# rules stage (the benchmark corpus's candidates: 3.1 MB; a generated tree of 250,000 lines:
# 5.1 MB, peak 0.8-1.1 GB over all processes either way). A larger project's workers drop
# each module's tree once its rules have run (`share.ModuleShare`, `dropped.py`): a reduced
# tree takes 60-200 times its text, so held trees would grow past a gigabyte with the project
# (2.1 GB at 1,000,000 lines), while dropping them costs a quarter to a third more CPU time
# (the modules parsed again), so small projects keep them.
HELD_TEXT = 6_000_000


@dataclass
class StaticResult:
    # Findings before suppression, syntax errors (NB001) included, in no particular order.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # One entry per jitted function and per further variant of a def jitted twice.
    functions: list[FunctionCoverage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Every parsed module with its index, when the run keeps the trees (`keep_trees`).
    indexed: list[IndexedModule] = field(default_factory=list)
    # Each file's record for the static cache (`replay.py`), when the run was given the past
    # ones; None otherwise, or when some value could not be written down.
    records: dict[str, Record] | None = None

    @property
    def jit_functions(self) -> int:
        return len(self.functions)


def static_pass(
    texts: Mapping[SourceFile, str],
    rules: Iterable[type[RuleInfo]],
    *,
    jobs: int | None,
    keep_trees: bool,
    checked: frozenset[str] | None = None,
    stored: Mapping[str, Record] | None = None,
    digests: Mapping[str, str] | None = None,
) -> StaticResult:
    """`jobs`: the worker processes asked for (None: one per core); `keep_trees`: return
    the indexed modules, whole; `checked`: the files whose rules run (display names);
    `stored`: the static cache's records of past runs (display name -> record), to replay
    what they hold for unchanged files and return this run's records; `digests`: each file's
    text digest by display name, when the caller has worked them out (the static cache)."""
    plan = Plan.of(texts, checked=checked, keep_text_facts=stored is not None)
    static = static_rules(list(rules))
    # Each file's digest and module name, for the static cache's records only: without them a
    # large project's texts would all be read again to be hashed, the digests kept all run.
    given = digests or {}
    files = {
        s.display: (given.get(s.display) or text_digest(texts[s]), plan.names[s])
        for s in (texts if stored is not None else ())
    }
    replayed = None if stored is None else _still_valid(stored, texts, files)
    if replayed:
        plan.known = _text_facts(texts, replayed)
    preparsed: Preparsed = {}
    to_parse = len(plan.candidates)
    if stored is not None and replayed is not None and not keep_trees:
        from .forecast import files_to_parse

        at_most = 2 * pool.MIN_FILES  # the fewest files to parse that take the pool
        to_parse = files_to_parse(plan.candidates, stored, replayed, at_most, preparsed)
    workers = 1 if keep_trees else pool.worker_count(jobs, to_parse)
    plan.largest_first = pooled = workers >= 2 and to_parse >= 2 * pool.MIN_FILES
    result = StaticResult()
    held = _held_text(plan, keep_trees)
    plan.imports_first = held is not None
    # The static pass with Python's cyclic garbage collector off (`collector.py`): libcst
    # builds about a million small objects for a large project and the trees stay alive until
    # the rules have run, so every full collection walked all of them again (a third of the
    # static pass's CPU time on the benchmark corpus). Syntax trees hold no reference cycles,
    # so nothing is lost; the forked static workers inherit the setting. Parsing does leave
    # cyclic garbage (about half of a worker's memory on the corpus), so each parse is followed
    # by a collection of the youngest generation (`share.py`): it looks only at what that parse
    # allocated, so the cost stays linear (5 % of the parse time).
    with collector.paused():
        if pooled:
            knowledge = _knowledge(static, result.notes)
            project_modules = _with_packages(plan.names.values())
            with pool.ProcessWorkers(
                workers, static, knowledge, project_modules, (replayed, files), held, preparsed
            ) as processes:
                staged = run_stages(processes, plan, before_rules=lambda: None)
                if replayed is not None:
                    result.records = _merged(processes.ask_all("records", None))
        else:
            share = _share(
                static, replayed, files, reduce=not keep_trees, early_rules=False, held_text=held
            )
            share.read_knowledge = lambda: _knowledge(static, result.notes)
            share.preparsed = preparsed

            def before_rules() -> None:
                # In one process the knowledge is read only when some code is jitted (or
                # already, for the rules of a module whose tree was dropped).
                if static and share.knowledge is None and share.has_jitted_code():
                    share.knowledge = _knowledge(static, result.notes)

            staged = run_stages(pool.LocalWorkers(share), plan, before_rules)
            if keep_trees:
                result.indexed = share.held_modules()
            if replayed is not None:  # `share` is a `ReplayingShare`
                result.records = share.run("records", None)
            # Trees no caller keeps are freed now, by reference counting: alive when the
            # collector resumes, the first collection of their generation walks them all
            # (a second of CPU on the corpus with one worker).
            del share, before_rules
        result.diagnostics = _diagnostics(staged, plan)
        result.functions = sorted(staged.functions, key=listing_order)
    if result.records is not None:
        _write_text_facts(result.records, staged.text_facts)
    return result


def _text_facts(texts: Iterable[SourceFile], records: Mapping[str, Record]) -> dict:
    """What the unchanged files' texts gave the last run (`stages.TextFacts`), from their
    records' "text" part; a part that is not as written is left out (worked out again)."""
    known = {}
    for source in texts:
        record = records.get(source.display)
        part = record.get("text") if record is not None else None
        if not isinstance(part, dict):
            continue
        imports, late = part.get("imports"), part.get("late")
        if not (isinstance(imports, list) and all(isinstance(name, str) for name in imports)):
            imports = None
        if isinstance(late, list) and len(late) == 2 and isinstance(late[0], str):
            late = (late[0], bool(late[1]))
        else:
            late = None
        known[source] = TextFacts(imports, late)
    return known


def _write_text_facts(records: dict[str, Record], found: Mapping[SourceFile, TextFacts]) -> None:
    for source, facts in found.items():
        record = records.get(source.display)
        if record is not None:
            part: dict[str, Any] = {}
            if facts.imports is not None:
                part["imports"] = facts.imports
            if facts.late is not None:
                part["late"] = list(facts.late)
            record["text"] = part


def _share(
    rules: list[type[StaticRule]],
    stored: Mapping[str, Record] | None,
    files: Mapping[str, tuple[str, str]],
    **options: Any,
) -> ModuleShare:
    if stored is None:
        return ModuleShare(rules, None, **options)
    from .replay import ReplayingShare

    return ReplayingShare(rules, stored, files, knowledge=None, **options)


def _held_text(plan: Plan, keep_trees: bool) -> int | None:
    """Each share's budget of held trees, in characters of text: None (every tree) for runs
    that hand the trees on or whose candidates fit in `HELD_TEXT`, else none: the rules of
    each module run right after its parse, with the facts known by then, and only the modules
    whose questions the merged facts answer otherwise are parsed again (about a third)."""
    if keep_trees or sum(size_of(plan.candidates, s) for s in plan.candidates) <= HELD_TEXT:
        return None
    return 0


def _still_valid(
    stored: Mapping[str, Record],
    texts: Mapping[SourceFile, str],
    files: Mapping[str, tuple[str, str]],
) -> dict[str, Record]:
    """The stored records of files whose path, module name and text are as recorded."""
    valid = {}
    for source in texts:
        record = stored.get(source.display)
        if (
            isinstance(record, dict)
            and record.get("path") == str(source.path)
            and [record.get("sha"), record.get("module")] == list(files[source.display])
        ):
            valid[source.display] = record
    return valid


def _merged(answers: list[dict[str, Record] | None]) -> dict[str, Record] | None:
    """The records of every worker (a file scanned by one and parsed by another has parts
    from both); None if any worker could not write its records down."""
    merged: dict[str, Record] = {}
    for answer in answers:
        if answer is None:
            return None
        for display, record in answer.items():
            merged.setdefault(display, {}).update(record)
    return merged


def _diagnostics(staged: StagesResult, plan: Plan) -> list[Diagnostic]:
    """The syntax errors of parsed and scanned files, then the rules' findings."""
    diagnostics = [_syntax_diagnostic(problem) for problem in staged.problems]
    for source in plan.rest:  # never parsed: a syntax error there is still reported
        problem = staged.scanned.get(source)
        if isinstance(problem, SyntaxProblem):
            diagnostics.append(_syntax_diagnostic(problem))
    return diagnostics + staged.diagnostics


def _knowledge(static: list[type[StaticRule]], notes: list[str]) -> Any:
    """What the rules know about Numba (None without static rules); its note joins `notes`."""
    if not static:
        return None
    from ..knowledge import load_knowledge

    knowledge, note = load_knowledge()
    if note:
        notes.append(note)
    return knowledge


def _with_packages(module_names: Iterable[str]) -> frozenset[str]:
    """The module names and the names of every package above them."""
    found: set[str] = set()
    for name in module_names:
        parts = name.split(".")
        found.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return frozenset(found)
