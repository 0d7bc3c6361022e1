"""Static-only runs on several cores: candidate files -> diagnostics, in forked workers.

Called by `pipeline.run` when only the static pass runs and there are enough files to share.
Each worker parses and indexes its share (phase 1); the parent merges the project's decorator
aliases; workers re-index and collect their modules' facts (phase 2); the parent merges the
facts; workers run the rules (phase 3). libcst trees never cross a process boundary: only
names, facts and diagnostics do. Never used for the dynamic pass, which needs the trees.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .checks.base import ProjectFacts, StaticRule, run_static_rules
from .diagnostic import Diagnostic
from .discover import SourceFile
from .jit_index import JitDecorator, JitIndex, build_index
from .parse import ParsedModule, SyntaxProblem, parse
from .project import collect_facts

# Below this many candidate files the fork and the messages cost more than they save.
MIN_FILES = 8


@dataclass
class PoolResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[SyntaxProblem] = field(default_factory=list)
    jit_functions: int = 0


def worker_count(requested: int | None, files: int) -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    wanted = requested or available
    return max(1, min(wanted, files // MIN_FILES or 1))


class _Worker:
    """State kept in one worker process between phases: its modules and their indexes."""

    def __init__(self, rules: Sequence[type[StaticRule]], knowledge: Any) -> None:
        self.rules = rules
        self.knowledge = knowledge
        self.modules: list[tuple[ParsedModule, JitIndex]] = []

    def parse(self, share: list[tuple[SourceFile, str]]) -> tuple[list[SyntaxProblem], dict]:
        problems, aliases = [], {}
        for source, text in share:
            result = parse(source, text, reduce=True)
            if isinstance(result, SyntaxProblem):
                problems.append(result)
            else:
                index = build_index(result)
                self.modules.append((result, index))
                aliases[result.module_name] = dict(index.decorator_aliases)
        return problems, aliases

    def index(self, aliases: dict[str, JitDecorator], reindex: set[str]) -> ProjectFacts:
        if aliases:
            self.modules = [
                (m, build_index(m, aliases) if m.module_name in reindex else i)
                for m, i in self.modules
            ]
        return collect_facts(self.modules)

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
                answer = worker.parse(payload)
            elif command == "index":
                answer = worker.index(*payload)
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


def _parse_all(connections: list[Connection], files: dict[SourceFile, str]) -> list[Any]:
    """Hand files out one at a time, largest first, to whichever worker is free: the cost of a
    file (its jitted code) is not known in advance, so fixed shares leave one worker idle."""
    pending = sorted(files.items(), key=lambda item: -len(item[1]))
    idle, busy, answers = list(connections), set(), []
    while pending or busy:
        while idle and pending:
            connection = idle.pop()
            connection.send(("parse", [pending.pop(0)]))
            busy.add(connection)
        for connection in wait(list(busy)):
            status, answer = connection.recv()  # type: ignore[union-attr]
            if status != "ok":
                raise RuntimeError(f"static worker failed:\n{answer}")
            answers.append(answer)
            busy.discard(connection)
            idle.append(connection)  # type: ignore[arg-type]
    return answers


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
    reindex_for: Any,
    more_candidates: Any,
    extend_facts: Any = None,
) -> PoolResult:
    """`reindex_for(aliases)`: the modules to re-index with the project's aliases;
    `more_candidates(modules with aliases)`: files that import those without naming numba;
    `extend_facts(facts)`: the merged facts plus what the parent knows (unparsed modules)."""
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
        parsed = _parse_all(connections, candidates)
        reexporting = [module for _, found in parsed for module, names in found.items() if names]
        extra = more_candidates(reexporting) if reexporting else {}
        if extra:
            parsed += _parse_all(connections, extra)
        aliases: dict[str, JitDecorator] = {}
        for problems, module_aliases in parsed:
            result.problems.extend(problems)
            for module, names in module_aliases.items():
                for name, decorator in names.items():
                    aliases[f"{module}.{name}"] = decorator
        reindex = reindex_for(aliases) if aliases else set()
        facts = merge_facts(_ask(connections, "index", [(aliases, reindex)] * workers))
        if extend_facts is not None:
            facts = extend_facts(facts)
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
