"""The static pass's stages, on whatever workers the engine chose (`pool.py`).

1. Parse and index the candidate files (`prefilter`), one job per file, largest first; when
   they are all in, the files that import a module with decorator aliases without naming numba
   are parsed too (the second round). The bindings of the other files that the candidates
   import are read with `ast` meanwhile. A shard (`Plan.checked`) parses the other shards'
   files only for the project's facts (`facts_only.py`), and reads their files without numba
   only for those bindings (no syntax scan: their findings are not its own).
2. Index again while the project's decorator aliases grow (a wrapper built on another module's
   wrapper is known one round after that one), then merge every module's facts and add the
   bindings of the files never parsed.
3. Run the rules (each worker on the modules it holds) and list the jitted functions; the
   remaining files are checked for syntax by whichever worker is done first. In a project too
   large to hold every tree, each module's rules ran in stage 1 and its tree was dropped
   (`share.ModuleShare`, `dropped.py`): here only the modules whose questions the merged facts
   answer otherwise are parsed again.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from .. import progress
from ..diagnostic import Diagnostic, FunctionCoverage
from ..discover import SourceFile
from ..jit_index import JitDecorator
from ..modules import imported_modules, is_imported
from ..parse import SyntaxProblem
from ..project import ProjectFacts
from ..source_texts import pairs_of, part_of, size_of
from .pool import Job, Workers
from .prefilter import may_use_numba
from .share import Scanned, merge_facts
from .unparsed import with_unparsed_bindings

# Files without numba are scanned (syntax, bindings) in batches of this many: each is cheap.
SCAN_BATCH = 16
# Rounds of indexing again while the project's decorator aliases grow (a factory built on
# another module's factory is known one round after that one).
ALIAS_ROUNDS = 3


@dataclass
class Plan:
    """The files of one static pass, split by the prefilter."""

    # Texts read when asked (`source_texts.py`: a large project's are read again from disk).
    candidates: MutableMapping[SourceFile, str]  # may hold jitted code: parsed in round one
    rest: MutableMapping[SourceFile, str]  # never name numba: scanned, or parsed in round two
    names: dict[SourceFile, str]  # every file's module name
    # The files whose rules run (display names; a shard's), None: all.
    checked: frozenset[str] | None = None
    # Parse jobs largest first (workers in processes: a big file last would leave the others
    # idle); in one process they keep the files' order.
    largest_first: bool = True
    # Then the modules a file imports before it (`imports_first`): runs that drop the trees
    # run each module's rules right after its parse, asking about the modules parsed so far.
    imports_first: bool = False
    # What the text of a file unchanged since a cached run gave then (`TextFacts`), by file.
    known: Mapping[SourceFile, TextFacts] = field(default_factory=dict)
    # Keep what each text gives (`StagesResult.text_facts`): for the static cache's records
    # only, else a large project would hold every file's imports all run.
    keep_text_facts: bool = True

    def facts_only(self, source: SourceFile) -> bool:
        """Whether `source` is read only for the project's facts (a file of another shard:
        its rules never run, so the bodies of its jitted functions need no parse)."""
        return self.checked is not None and source.display not in self.checked

    @classmethod
    def of(cls, texts: Mapping[SourceFile, str], **choices: Any) -> Plan:
        """The plan for `texts`: the prefilter's candidates, the rest, every module name."""
        candidates = part_of(texts, [s for s, t in texts.items() if may_use_numba(t)])
        rest = part_of(texts, [s for s in texts if s not in candidates])
        names = {source: source.module_name for source in texts}
        return cls(candidates, rest, names, **choices)


@dataclass
class TextFacts:
    """What the stages read from a file's text alone, kept in its static cache record
    (`engine.py`): they hold while the text, path and module name do. `imports`: the modules
    a candidate imports; `late`: whether the second round parses a file that never names
    numba, with the digest of the inputs that answer depends on (`second_round_inputs`)."""

    imports: list[str] | None = None
    late: tuple[str, bool] | None = None


@dataclass
class StagesResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[SyntaxProblem] = field(default_factory=list)
    # The `functions` listing (`jit_index.listed`), in no particular order.
    functions: list[FunctionCoverage] = field(default_factory=list)
    # The files without numba, scanned (syntax errors, wanted bindings).
    scanned: dict[SourceFile, Scanned] = field(default_factory=dict)
    # What this run read from each file's text (`TextFacts`), for the static cache.
    text_facts: dict[SourceFile, TextFacts] = field(default_factory=dict)


def run_stages(workers: Workers, plan: Plan, before_rules: Callable[[], None]) -> StagesResult:
    """`before_rules()` runs once the modules are indexed, before the rules stage."""
    result = StagesResult()
    candidates, rest, names = plan.candidates, plan.rest, plan.names
    # Only the bindings of modules the candidates import are used: the others are only
    # checked for syntax (a second-round candidate's imports are added once it is parsed).
    text_facts = result.text_facts if plan.keep_text_facts else None
    imported = _imports_of(candidates, plan, text_facts)
    others = part_of(rest, rest)
    wanted = part_of(others, [s for s in others if is_imported(names[s], imported)])
    late = part_of(rest, ())

    def second_round(parsed: list[Any]) -> list[Job]:
        """Files that import a module with decorator aliases without naming numba."""
        reexporting = [module for _, found in parsed for module, bound in found.items() if bound]
        # These files never mention numba: only the project's aliases can jit there.
        alias_names = frozenset(n for _, found in parsed for bound in found.values() for n in bound)
        if reexporting:
            inputs = second_round_inputs(reexporting, alias_names)
            for source in list(rest):
                past = plan.known.get(source)
                if past is not None and past.late is not None and past.late[0] == inputs:
                    is_late = past.late[1]
                else:
                    is_late = may_use_numba(rest[source], reexporting, alias_names)
                if text_facts is not None:
                    text_facts.setdefault(source, TextFacts()).late = (inputs, is_late)
                if is_late:
                    late[source] = candidates[source] = rest.pop(source)
        return _parse_jobs(late, alias_names, plan)

    parsed, scanned = _parse_all(workers, plan, wanted, second_round)
    for answer in scanned:
        result.scanned.update(answer)
    for source in late:  # parsed: their own problems come from the parse
        result.scanned.pop(source, None)
    aliases: dict[str, JitDecorator] = {}
    for problems, module_aliases in parsed:
        result.problems.extend(problems)
        for module, found in module_aliases.items():
            aliases.update((f"{module}.{name}", d) for name, d in found.items())
    facts = _settled_facts(workers, aliases)
    late_imports = _imports_of(late, plan, text_facts)
    facts = with_unparsed_bindings(facts, imported | late_imports, rest, names, result.scanned)
    before_rules()
    # Another shard's files are scanned only for what the project's facts read of them.
    syntax_only = part_of(
        others,
        [s for s in others if s not in wanted and s not in late and not plan.facts_only(s)],
    )
    _rules(workers, plan, facts, syntax_only, result)
    return result


def _imports_of(
    files: Mapping[SourceFile, str], plan: Plan, found: dict[SourceFile, TextFacts] | None
) -> set[str]:
    """The modules `files` import (`modules.imported_modules`), from the cached run's facts
    where a file's text is unchanged; each file's list goes into `found` (None: kept nowhere)."""
    imported: set[str] = set()
    for source, text in files.items():
        past = plan.known.get(source)
        own = past.imports if past is not None else None
        if own is None:
            own = sorted(imported_modules([(plan.names[source], source.path, text)]))
        if found is not None:
            found.setdefault(source, TextFacts()).imports = own
        imported.update(own)
    return imported


def second_round_inputs(reexporting: list[str], alias_names: frozenset[str]) -> str:
    """What the second round's answer for a text depends on, as one digest: the modules that
    export decorator aliases and the aliases' names (`prefilter.may_use_numba`)."""
    data = json.dumps([sorted(set(reexporting)), sorted(alias_names)])
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _settled_facts(workers: Workers, aliases: dict[str, JitDecorator]) -> ProjectFacts:
    """Index again while the project's aliases grow; the merged facts of every module."""
    for _ in range(ALIAS_ROUNDS):
        grown = dict(aliases)
        for changed in workers.ask_all("reindex", aliases):
            for module, bound in changed.items():
                grown.update((f"{module}.{name}", d) for name, d in bound.items())
        if grown == aliases:
            break
        aliases = grown
    return merge_facts(workers.ask_all("index", aliases))


def _rules(
    workers: Workers,
    plan: Plan,
    facts: ProjectFacts,
    syntax_only: Mapping[SourceFile, str],
    result: StagesResult,
) -> None:
    """The rules on every worker, then the syntax scans of the files nobody parsed."""

    def answered(command: str, answer: Any) -> None:
        if command == "rules":
            diagnostics, functions = answer
            result.diagnostics.extend(diagnostics)
            result.functions.extend(functions)
        else:
            result.scanned.update(answer)

    jobs = deque(_scan_jobs(syntax_only, with_bindings=False))
    workers.dispatch(jobs, answered, first=("rules", (facts, plan.checked)))


def _parse_jobs(
    files: Mapping[SourceFile, str], jit_names: frozenset[str] | None, plan: Plan
) -> list[Job]:
    """One job per file: the cost of a file (its jitted code) is not known in advance, so
    fixed shares would leave one worker idle while the other finishes."""
    ordered = list(files)
    if plan.largest_first:
        ordered.sort(key=lambda source: -size_of(files, source))
    if plan.imports_first:
        ordered = imports_first(ordered, files, plan.names)
    # Each job's text is read when it is handed out (`source_texts.pairs_of`); another shard's
    # file is marked to be parsed for the project's facts only.
    return [
        (
            "parse",
            (pairs_of(files, [source]), jit_names, True)
            if plan.facts_only(source)
            else (pairs_of(files, [source]), jit_names),
        )
        for source in ordered
    ]


def imports_first(
    files: list[SourceFile], text: Mapping[SourceFile, str], names: Mapping[SourceFile, str]
) -> list[SourceFile]:
    """`files` with the project modules each one imports (read from its `text`, `from pkg
    import mod` meaning every module of `pkg`) moved before it, as far as cycles allow; else
    in the order given. A depth-first walk, without recursion (import chains can be long)."""
    by_name: dict[str, list[SourceFile]] = {}
    for source in files:
        name = names[source]
        by_name.setdefault(name, []).append(source)
        by_name.setdefault(name.rpartition(".")[0], []).append(source)  # its package's

    def imported(source: SourceFile) -> Iterator[SourceFile]:
        found = imported_modules([(names[source], source.path, text[source])])
        return (other for name in sorted(found) for other in by_name.get(name, ()))

    ordered: list[SourceFile] = []
    seen: set[SourceFile] = set()
    for root in files:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, imported(root))]
        while stack:
            source, below = stack[-1]
            following = next((other for other in below if other not in seen), None)
            if following is None:
                stack.pop()
                ordered.append(source)
            else:
                seen.add(following)
                stack.append((following, imported(following)))
    return ordered


def _scan_jobs(files: Mapping[SourceFile, str], with_bindings: bool) -> list[Job]:
    sources = list(files)
    return [
        ("scan", (pairs_of(files, sources[i : i + SCAN_BATCH]), with_bindings))
        for i in range(0, len(sources), SCAN_BATCH)
    ]


def _parse_all(
    workers: Workers,
    plan: Plan,
    scans: Mapping[SourceFile, str],
    then: Callable[[list[Any]], list[Job]],
) -> tuple[list[Any], list[Any]]:
    """Parse the candidates and scan `scans` with their bindings (in small batches, after the
    parses: they fill the workers' last gaps), handing each job to whichever worker is free.
    When every first-round parse is in, `then(answers)` may return more parse jobs (the second
    round), which go before the scans still waiting. Returns the parse and scan answers."""
    first_round = _parse_jobs(plan.candidates, None, plan)
    pending = deque([*first_round, *_scan_jobs(scans, with_bindings=True)])
    awaiting_first_round = parses = len(first_round)
    if not awaiting_first_round:
        pending.extendleft(reversed(then([])))
    answers: dict[str, list[Any]] = {"parse": [], "scan": []}

    def answered(command: str, answer: Any) -> None:
        nonlocal awaiting_first_round, parses
        answers[command].append(answer)
        if command == "parse" and awaiting_first_round:
            awaiting_first_round -= 1
            if not awaiting_first_round:
                second_round = then(list(answers["parse"]))
                parses += len(second_round)
                pending.extendleft(reversed(second_round))
        if command == "parse":
            progress.advance("files parsed", len(answers["parse"]), parses)

    workers.dispatch(pending, answered)
    return answers["parse"], answers["scan"]
