"""Static-only runs on several cores: candidate files -> diagnostics, in forked workers.

Called by `pipeline.run` when only the static pass runs and there are enough files to share.
Each worker parses and indexes its share (phase 1); the parent merges the project's decorator
aliases; workers re-index and collect their modules' facts (phase 2); the parent merges the
facts; workers run the rules (phase 3). libcst trees never cross a process boundary: only
names, facts and diagnostics do. Never used for the dynamic pass, which needs the trees.
"""

from __future__ import annotations

import ast
import gc
import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from . import progress
from .bindings import unparsed_bindings
from .checks.base import AskedFacts, ProjectFacts, StaticRule, run_static_rules
from .diagnostic import Diagnostic, FunctionCoverage
from .discover import SourceFile
from .jit_index import JitDecorator, JitIndex, build_index, listed, reindexed
from .modules import imported_modules
from .parse import ParsedModule, SyntaxProblem, module_name_for, parse
from .project import collect_facts

# Below this many candidate files the fork and the messages cost more than they save.
MIN_FILES = 8
# Files without numba are scanned (syntax, bindings) in batches of this many: each is cheap.
SCAN_BATCH = 16
# Rounds of indexing again while the project's decorator aliases grow (a factory built on
# another module's factory is known one round after that one).
ALIAS_ROUNDS = 3

# What a scan finds in a file that never mentions numba: its syntax error, or its top-level
# bindings and the names it passes as call arguments (`bindings.unparsed_bindings`); a file
# without a syntax error whose bindings were not wanted has no entry.
Scanned = SyntaxProblem | tuple[dict[str, str], set[str]]


@dataclass
class PoolResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[SyntaxProblem] = field(default_factory=list)
    jit_functions: int = 0
    # The static-only `functions` listing (`jit_index.listed`), in no particular order.
    functions: list[FunctionCoverage] = field(default_factory=list)
    # The files without numba, scanned while the candidates were parsed.
    scanned: dict[SourceFile, Scanned] = field(default_factory=dict)


def worker_count(requested: int | None, files: int) -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    wanted = requested or available
    return max(1, min(wanted, files // MIN_FILES or 1))


class _Worker:
    """State kept in one worker process between phases: its modules, their indexes and facts."""

    def __init__(
        self,
        rules: Sequence[type[StaticRule]],
        knowledge: Any,
        project_modules: frozenset[str] = frozenset(),
    ) -> None:
        self.rules = rules
        self.knowledge = knowledge
        self.project_modules = project_modules
        self.modules: list[tuple[ParsedModule, JitIndex]] = []
        # Each module's own facts, collected right after its parse: parses are handed out to
        # whichever worker is free, so work done there is shared evenly; later phases are not.
        self.facts: list[ProjectFacts] = []
        # Per module, the rules run right after its parse (diagnostics and the questions it
        # asked), kept if the merged facts answer them alike; None: run in the rules phase.
        self.early: list[tuple[list[Diagnostic], AskedFacts] | None] = []

    def parse(
        self, share: list[tuple[SourceFile, str]], jit_names: frozenset[str] | None
    ) -> tuple[list[SyntaxProblem], dict]:
        problems, aliases = [], {}
        for source, text in share:
            # Round one (no jit_names) may take project decorators for plain Python: `index`
            # checks that once the project's aliases are known.
            result = parse(source, text, reduce=True, jit_names=jit_names, assume=jit_names is None)
            if isinstance(result, SyntaxProblem):
                problems.append(result)
            else:
                index = build_index(result)
                facts = collect_facts([(result, index)])
                self.modules.append((result, index))
                self.facts.append(facts)
                self.early.append(self._early_rules(result, index, facts))
                aliases[result.module_name] = dict(index.decorator_aliases)
            gc.collect(0)  # the parse's cyclic garbage (pipeline._collector_paused says why)
        return problems, aliases

    def _early_rules(
        self, parsed: ParsedModule, index: JitIndex, facts: ProjectFacts
    ) -> tuple[list[Diagnostic], AskedFacts] | None:
        """The rules of a module that imports no module of the project, run now with its own
        facts: its questions about the project (a field name, a registered name, a binding
        of its own) are likely answered alike by the merged facts. Rules are the only work
        tied to the worker that holds a module's tree; run here, inside a parse job, they are
        shared out like the parses (one generated module held 30 % of the corpus's rules)."""
        if not self.rules or not index.functions:
            return None
        imported = imported_modules([(parsed.module_name, parsed.source.path, parsed.text)])
        imported.discard(parsed.module_name)
        if not imported.isdisjoint(self.project_modules):
            return None
        asked = AskedFacts(facts)
        return run_static_rules(parsed, index, self.rules, self.knowledge, asked), asked

    def scan(
        self, share: list[tuple[SourceFile, str]], with_bindings: bool
    ) -> list[tuple[SourceFile, Scanned]]:
        """Syntax errors of files that never mention numba (no libcst unless broken), and
        their bindings if asked."""
        found: list[tuple[SourceFile, Scanned]] = []
        for source, text in share:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                problem = parse(source, text)
                if isinstance(problem, SyntaxProblem):
                    found.append((source, problem))
                continue
            if with_bindings:
                module_name = module_name_for(source.path)
                package = source.path.stem == "__init__"
                found.append((source, unparsed_bindings(tree, module_name, package)))
        return found

    def reindex(self, aliases: dict[str, JitDecorator]) -> dict[str, dict[str, JitDecorator]]:
        """Parse or index again the modules the project's aliases concern; the decorator
        aliases of those that changed (a wrapper built on another module's wrapper becomes
        known only now: the parent asks again while the aliases grow)."""
        changed = {}
        for position, (module, index) in enumerate(self.modules if aliases else ()):
            again = reindexed(module, index, aliases)
            if again[0] is not module or again[1] is not index:
                self.modules[position] = again
                self.facts[position] = collect_facts([again])
                self.early[position] = None
                changed[again[0].module_name] = dict(again[1].decorator_aliases)
        return changed

    def index(self, aliases: dict[str, JitDecorator]) -> ProjectFacts:
        """Parse or index again the modules the project's aliases concern; the merged facts."""
        self.reindex(aliases)
        return merge_facts(self.facts)

    def rules_pass(self, facts: ProjectFacts) -> tuple[list[Diagnostic], list[FunctionCoverage]]:
        diagnostics: list[Diagnostic] = []
        for (parsed, index), early in zip(self.modules, self.early, strict=True):
            if early is not None and early[1].answers_hold(facts):
                diagnostics.extend(early[0])
            else:
                found = run_static_rules(parsed, index, self.rules, self.knowledge, facts)
                diagnostics.extend(found)
                gc.collect(0)
        return diagnostics, [
            entry for module, index in self.modules for entry in listed(module, index)
        ]


def _serve(
    connection: Connection,
    rules: Sequence[type[StaticRule]],
    knowledge: Any,
    project_modules: frozenset[str],
) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the workers, which must not
    # print a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = _Worker(rules, knowledge, project_modules)
    while True:
        try:
            command, payload = connection.recv()
        except EOFError:  # the parent is gone
            return
        if command == "stop":
            return
        answer: Any
        try:
            if command == "parse":
                answer = worker.parse(*payload)
            elif command == "scan":
                answer = worker.scan(*payload)
            elif command == "index":
                answer = worker.index(payload)
            elif command == "reindex":
                answer = worker.reindex(payload)
            else:
                answer = worker.rules_pass(payload)
            connection.send(("ok", answer))
        except Exception:  # noqa: BLE001 - reported by the parent as a crash of the pool
            connection.send(("error", traceback.format_exc()))


class StaticWorkerFailure(RuntimeError):
    """A static-pass worker raised or died (a crash in a native parser, the memory killer):
    the command line says so in one line instead of a traceback."""


def _receive(connection: Connection) -> Any:
    try:
        status, answer = connection.recv()
    except (EOFError, OSError):
        raise StaticWorkerFailure("a static-pass worker process died") from None
    if status != "ok":
        raise StaticWorkerFailure(f"a static-pass worker failed:\n{answer}")
    return answer


def _ask(connections: list[Connection], command: str, payloads: list[Any]) -> list[Any]:
    for connection, payload in zip(connections, payloads, strict=True):
        connection.send((command, payload))
    return [_receive(connection) for connection in connections]


def _parse_jobs(
    files: dict[SourceFile, str], jit_names: frozenset[str] | None = None
) -> list[tuple[str, Any]]:
    """One job per file, largest first: the cost of a file (its jitted code) is not known in
    advance, so fixed shares would leave one worker idle while the other finishes."""
    ordered = sorted(files.items(), key=lambda item: -len(item[1]))
    return [("parse", ([item], jit_names)) for item in ordered]


def _dispatch(
    connections: list[Connection],
    pending: deque[tuple[str, Any]],
    answered: Callable[[str, Any], None],
    first: tuple[str, Any] | None = None,
) -> None:
    """Hand the jobs of `pending` out to whichever worker is free until all are answered;
    `answered(command, answer)` may add jobs to `pending`. `first`: a job every worker runs
    before taking any of `pending`."""
    idle, busy = list(connections), {}
    if first is not None:
        for connection in idle:
            connection.send(first)
            busy[connection] = first[0]
        idle = []
    while pending or busy:
        while idle and pending:
            connection = idle.pop()
            command, payload = pending.popleft()
            connection.send((command, payload))
            busy[connection] = command
        for ready in wait(list(busy)):
            answering = cast(Connection, ready)  # `wait` is given connections only
            answer = _receive(answering)
            command = busy.pop(answering)
            idle.append(answering)
            answered(command, answer)


def _scan_jobs(files: dict[SourceFile, str], with_bindings: bool) -> list[tuple[str, Any]]:
    items = list(files.items())
    return [
        ("scan", (items[i : i + SCAN_BATCH], with_bindings))
        for i in range(0, len(items), SCAN_BATCH)
    ]


def _parse_all(
    connections: list[Connection],
    files: dict[SourceFile, str],
    scans: dict[SourceFile, str],
    then: Any,
) -> tuple[list[Any], list[Any]]:
    """Parse `files` and scan `scans` with their bindings (in small batches, after the parses:
    they fill the workers' last gaps), handing each job to whichever worker is free. When
    every parse of `files` is in, `then(answers)` may return more parse jobs (the second
    round), which go before the scans still waiting. Returns the parse and scan answers."""
    first_round = _parse_jobs(files)
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

    _dispatch(connections, pending, answered)
    return answers["parse"], answers["scan"]


def merge_facts(parts: list[ProjectFacts]) -> ProjectFacts:
    bindings: dict = {}
    for part in parts:
        for module, names in part.bindings.items():
            # One module name in two workers' shares: two files, so neither can be trusted.
            bindings[module] = {} if module in bindings else names
    return ProjectFacts(
        field_names=frozenset().union(*(p.field_names for p in parts)),
        bindings=bindings,
        registered=frozenset().union(*(p.registered for p in parts)),
    )


def run_static_parallel(
    candidates: dict[SourceFile, str],
    rules: Sequence[type[StaticRule]],
    knowledge: Any,
    workers: int,
    more_candidates: Any,
    extend_facts: Any = None,
    others: dict[SourceFile, str] | None = None,
    wanted_bindings: Callable[[SourceFile], bool] = lambda source: True,
    project_modules: frozenset[str] = frozenset(),
) -> PoolResult:
    """Arguments besides the files and rules:
    - `more_candidates(modules with aliases, alias names)`: the files that import those
      modules without naming numba (the second round);
    - `extend_facts(facts, scanned)`: the merged facts plus the unparsed modules' bindings;
    - `others`: the files that are not candidates, scanned for syntax errors. The bindings of
      those `wanted_bindings` accepts are read before the facts are merged; the others are
      only checked for syntax during the rules phase, by whichever worker is done with its own
      modules' rules first (the rules cannot move: each worker holds its trees);
    - `project_modules`: the names of the run's modules and of their packages."""
    context = multiprocessing.get_context("fork")
    connections, processes = [], []
    for _ in range(workers):
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=_serve, args=(child_end, rules, knowledge, project_modules), daemon=True
        )
        process.start()
        child_end.close()
        connections.append(parent_end)
        processes.append(process)
    try:
        result = PoolResult()
        extra: dict[SourceFile, str] = {}

        def second_round(parsed: list[Any]) -> list[tuple[str, Any]]:
            """Files that import a module with decorator aliases without naming numba."""
            reexporting = [
                module for _, found in parsed for module, names in found.items() if names
            ]
            # These files never mention numba: only the project's aliases can jit there.
            alias_names = frozenset(
                n for _, found in parsed for names in found.values() for n in names
            )
            extra.update(more_candidates(reexporting, alias_names) if reexporting else {})
            return _parse_jobs(extra, alias_names)

        others = others or {}
        wanted = {s: t for s, t in others.items() if wanted_bindings(s)}
        parsed, scanned = _parse_all(connections, candidates, wanted, second_round)
        for answer in scanned:
            result.scanned.update(answer)
        for source in extra:  # parsed: their own problems come from the parse
            result.scanned.pop(source, None)
        aliases: dict[str, JitDecorator] = {}
        for problems, module_aliases in parsed:
            result.problems.extend(problems)
            for module, names in module_aliases.items():
                for name, decorator in names.items():
                    aliases[f"{module}.{name}"] = decorator
        for _ in range(ALIAS_ROUNDS):
            grown = dict(aliases)
            for changed in _ask(connections, "reindex", [aliases] * workers):
                for module, names in changed.items():
                    grown.update((f"{module}.{name}", d) for name, d in names.items())
            if grown == aliases:
                break
            aliases = grown
        facts = merge_facts(_ask(connections, "index", [aliases] * workers))
        if extend_facts is not None:
            facts = extend_facts(facts, result.scanned)
        syntax_only = {s: t for s, t in others.items() if s not in wanted and s not in extra}

        def answered(command: str, answer: Any) -> None:
            if command == "rules":
                diagnostics, functions = answer
                result.diagnostics.extend(diagnostics)
                result.functions.extend(functions)
                result.jit_functions += len(functions)
            else:
                result.scanned.update(answer)

        jobs = deque(_scan_jobs(syntax_only, with_bindings=False))
        _dispatch(connections, jobs, answered, first=("rules", facts))
        return result
    finally:
        for connection in connections:
            try:
                connection.send(("stop", None))
            except OSError:
                pass
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
