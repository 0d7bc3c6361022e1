"""Static-only runs on several cores: candidate files -> diagnostics, in forked workers.

Called by `pipeline.run` when only the static pass runs and there are enough files to share.
Each worker parses and indexes its share (phase 1); the parent merges the project's decorator
aliases; workers re-index and collect their modules' facts (phase 2); the parent merges the
facts; workers run the rules (phase 3). libcst trees never cross a process boundary: only
names, facts and diagnostics do. Never used for the dynamic pass, which needs the trees.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import traceback
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .bindings import unparsed_bindings
from .checks.base import ProjectFacts, StaticRule, run_static_rules
from .diagnostic import Diagnostic
from .discover import SourceFile
from .jit_index import JitDecorator, JitIndex, build_index, reindexed
from .parse import ParsedModule, SyntaxProblem, module_name_for, parse
from .project import collect_facts

# Below this many candidate files the fork and the messages cost more than they save.
MIN_FILES = 8
# Files without numba are scanned (syntax, bindings) in batches of this many: each is cheap.
SCAN_BATCH = 16

# What a scan finds in a file that never mentions numba: its syntax error, or its top-level
# bindings and the names it passes as call arguments (`bindings.unparsed_bindings`).
Scanned = SyntaxProblem | tuple[dict[str, str], set[str]]


@dataclass
class PoolResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[SyntaxProblem] = field(default_factory=list)
    jit_functions: int = 0
    # The files without numba, scanned while the candidates were parsed.
    scanned: dict[SourceFile, Scanned] = field(default_factory=dict)


def worker_count(requested: int | None, files: int) -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    wanted = requested or available
    return max(1, min(wanted, files // MIN_FILES or 1))


class _Worker:
    """State kept in one worker process between phases: its modules, their indexes and facts."""

    def __init__(self, rules: Sequence[type[StaticRule]], knowledge: Any) -> None:
        self.rules = rules
        self.knowledge = knowledge
        self.modules: list[tuple[ParsedModule, JitIndex]] = []
        # Each module's own facts, collected right after its parse: parses are handed out to
        # whichever worker is free, so work done there is shared evenly; later phases are not.
        self.facts: list[ProjectFacts] = []

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
                self.modules.append((result, index))
                self.facts.append(collect_facts([(result, index)]))
                aliases[result.module_name] = dict(index.decorator_aliases)
        return problems, aliases

    def scan(self, share: list[tuple[SourceFile, str]]) -> list[tuple[SourceFile, Scanned]]:
        """Syntax and bindings of files that never mention numba (no libcst unless broken)."""
        found: list[tuple[SourceFile, Scanned]] = []
        for source, text in share:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                problem = parse(source, text)
                if isinstance(problem, SyntaxProblem):
                    found.append((source, problem))
                continue
            module_name = module_name_for(source.path)
            found.append(
                (source, unparsed_bindings(tree, module_name, source.path.stem == "__init__"))
            )
        return found

    def index(self, aliases: dict[str, JitDecorator]) -> ProjectFacts:
        """Parse or index again the modules the project's aliases concern; the merged facts."""
        for position, (module, index) in enumerate(self.modules if aliases else ()):
            again = reindexed(module, index, aliases)
            if again[0] is not module or again[1] is not index:
                self.modules[position] = again
                self.facts[position] = collect_facts([again])
        return merge_facts(self.facts)

    def rules_pass(self, facts: ProjectFacts) -> tuple[list[Diagnostic], int]:
        diagnostics: list[Diagnostic] = []
        for parsed, index in self.modules:
            diagnostics.extend(run_static_rules(parsed, index, self.rules, self.knowledge, facts))
        return diagnostics, sum(len(index.functions) for _, index in self.modules)


def _serve(connection: Connection, rules: Sequence[type[StaticRule]], knowledge: Any) -> None:
    worker = _Worker(rules, knowledge)
    while True:
        command, payload = connection.recv()
        if command == "stop":
            return
        try:
            if command == "parse":
                answer = worker.parse(*payload)
            elif command == "scan":
                answer = worker.scan(payload)
            elif command == "index":
                answer = worker.index(payload)
            else:
                answer = worker.rules_pass(payload)
            connection.send(("ok", answer))
        except Exception:  # noqa: BLE001 - reported by the parent as a crash of the pool
            connection.send(("error", traceback.format_exc()))


def _ask(connections: list[Connection], command: str, payloads: list[Any]) -> list[Any]:
    for connection, payload in zip(connections, payloads, strict=True):
        connection.send((command, payload))
    answers = []
    for connection in connections:
        status, answer = connection.recv()
        if status != "ok":
            raise RuntimeError(f"static worker failed:\n{answer}")
        answers.append(answer)
    return answers


def _parse_jobs(
    files: dict[SourceFile, str], jit_names: frozenset[str] | None = None
) -> list[tuple[str, Any]]:
    """One job per file, largest first: the cost of a file (its jitted code) is not known in
    advance, so fixed shares would leave one worker idle while the other finishes."""
    ordered = sorted(files.items(), key=lambda item: -len(item[1]))
    return [("parse", ([item], jit_names)) for item in ordered]


def _parse_all(
    connections: list[Connection],
    files: dict[SourceFile, str],
    scans: dict[SourceFile, str],
    then: Any,
) -> tuple[list[Any], list[Any]]:
    """Parse `files` and scan `scans` (in small batches, after the parses: they fill the
    workers' last gaps), handing each job to whichever worker is free. When every parse of
    `files` is in, `then(answers)` may return more parse jobs (the second round), which go
    before the scans still waiting. Returns the parse answers and the scan answers."""
    first_round = _parse_jobs(files)
    others = list(scans.items())
    batches = [("scan", others[i : i + SCAN_BATCH]) for i in range(0, len(others), SCAN_BATCH)]
    pending = deque([*first_round, *batches])
    awaiting_first_round = len(first_round)
    if not awaiting_first_round:
        pending.extendleft(reversed(then([])))
    idle, busy = list(connections), {}
    answers: dict[str, list[Any]] = {"parse": [], "scan": []}
    while pending or busy:
        while idle and pending:
            connection = idle.pop()
            command, payload = pending.popleft()
            connection.send((command, payload))
            busy[connection] = command
        for connection in wait(list(busy)):
            status, answer = connection.recv()  # type: ignore[union-attr]
            if status != "ok":
                raise RuntimeError(f"static worker failed:\n{answer}")
            command = busy.pop(connection)  # type: ignore[call-overload]
            answers[command].append(answer)
            idle.append(connection)  # type: ignore[arg-type]
            if command == "parse" and awaiting_first_round:
                awaiting_first_round -= 1
                if not awaiting_first_round:
                    pending.extendleft(reversed(then(list(answers["parse"]))))
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
) -> PoolResult:
    """`more_candidates(modules with aliases)`: files that import those without naming numba;
    `extend_facts(facts, scanned)`: the merged facts plus the unparsed modules' bindings;
    `others`: the files that are not candidates, scanned (syntax, bindings) meanwhile."""
    context = multiprocessing.get_context("fork")
    connections, processes = [], []
    for _ in range(workers):
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, rules, knowledge), daemon=True)
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
            extra.update(more_candidates(reexporting) if reexporting else {})
            # These files never mention numba: only the project's aliases can jit there.
            alias_names = frozenset(
                n for _, found in parsed for names in found.values() for n in names
            )
            return _parse_jobs(extra, alias_names)

        parsed, scanned = _parse_all(connections, candidates, dict(others or {}), second_round)
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
        facts = merge_facts(_ask(connections, "index", [aliases] * workers))
        if extend_facts is not None:
            facts = extend_facts(facts, result.scanned)
        for diagnostics, count in _ask(connections, "rules", [facts] * workers):
            result.diagnostics.extend(diagnostics)
            result.jit_functions += count
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
