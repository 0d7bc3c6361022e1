"""A share of the static pass that replays what a past run computed for unchanged files.

Used by the engine when the static cache is on (`cache.py`). Each file's record holds what every
stage's command answered for it, with the inputs it answered: the parse (given the names that
can jit there), each round of indexing again (given the digest of the project's decorator
aliases), its facts, its rules' findings with the questions they asked about the project
(`asked.py`) and its listing; for a file never parsed, its scan. A file whose text is unchanged
answers from its record for as long as the inputs match; the first time one differs its module
is parsed for real and brought to where the run stands by replaying the rounds so far. Every
answer is thus either computed or the copy of one computed from the same inputs, so the output
is the output of a run without the cache. The records of this run come back through `records`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..checks.base import StaticRule
from ..diagnostic import Diagnostic, FunctionCoverage
from ..discover import SourceFile
from ..jit_index import JitDecorator
from ..parse import SyntaxProblem, Unreadable, read_text
from ..project import ProjectFacts
from ..source_texts import TextChanged
from . import codec
from .cache import text_digest
from .dropped import as_project_facts
from .share import ModuleShare, Scanned, merge_facts

Record = dict[str, Any]
# The parts of a record that describe the module after its parse; kept from a past run while
# the module stays unparsed.
_MODULE_PARTS = ("steps", "facts", "functions", "rules", "listing")


def aliases_digest(aliases: Mapping[str, JitDecorator]) -> str | None:
    """What identifies a round's project aliases; None if they cannot be written down."""
    try:
        data = codec.aliases_data(aliases)
    except codec.Uncacheable:
        return None
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass
class _Unparsed:
    """A module answered from its past record so far: not its text, which a project's many
    unchanged files would hold all run long (read again if it is parsed for real)."""

    source: SourceFile
    record: Record

    def step(self, number: int) -> list[Any] | None:
        steps = self.record.get("steps", [])
        return steps[number] if number < len(steps) else None

    def settled_after(self, rounds: int) -> bool:
        """Whether the past run's module after `rounds` rounds is the one it ended with."""
        later = self.record.get("steps", [])[rounds:]
        return all(changed is None for _, changed in later) and "facts" in self.record


class ReplayingShare(ModuleShare):
    """`ModuleShare` that answers from `stored` records (display name -> record, checked by
    the engine against each file's path, module name and text) where it can. `files`: each
    file's text digest and module name, by display name (worked out once, by the engine)."""

    def __init__(
        self,
        rules: Sequence[type[StaticRule]],
        stored: Mapping[str, Record],
        files: Mapping[str, tuple[str, str]],
        **options: Any,
    ) -> None:
        super().__init__(rules, **options)
        self.stored = stored
        self.files = files
        self.unparsed: list[_Unparsed] = []
        self.history: list[tuple[str | None, dict[str, JitDecorator]]] = []
        # This run's records, by display name; `live[i]` is the record of `modules[i]`.
        self.made: dict[str, Record] = {}
        self.live: list[Record] = []
        self.writable = True

    def run(self, command: str, payload: Any) -> Any:
        if command == "records":
            return self.records()
        return super().run(command, payload)

    def _past(self, source: SourceFile, text: str, part: str) -> Record | None:
        record = self.stored.get(source.display)
        if record is None or part not in record:
            return None
        return record

    def _record(self, source: SourceFile, text: str) -> Record:
        record = self.made.get(source.display)
        if record is None:
            digest, module = self.files[source.display]
            record = self.made[source.display] = {
                "sha": digest,
                "path": str(source.path),
                "module": module,
            }
        return record

    def _write(self, record: Record, part: str, encode: Any, value: Any) -> None:
        """`record[part] = encode(value)`, or no records at all if it cannot be written."""
        try:
            record[part] = _Encoded.of(encode(value))
        except codec.Uncacheable:
            self.writable = False

    def parse(
        self, share: Iterable[tuple[SourceFile, str]], jit_names: frozenset[str] | None
    ) -> tuple[list[SyntaxProblem], dict[str, dict[str, JitDecorator]]]:
        wanted = None if jit_names is None else sorted(jit_names)
        problems, aliases = [], {}
        for source, text in share:
            record = self._record(source, text)
            past = self._past(source, text, "parse")
            if past is not None and past["parse"][0] == wanted:
                record["parse"] = past["parse"]
                problem, found = past["parse"][1:]
                if problem is not None:
                    problems.append(codec.problem(problem, source, text))
                else:
                    self.unparsed.append(_Unparsed(source, past))
                    if found:
                        aliases[past["module"]] = codec.aliases_from_data(found)
                continue
            own_problems, own_aliases = super().parse([(source, text)], jit_names)
            problems.extend(own_problems)
            aliases.update(own_aliases)
            if own_problems:
                record["parse"] = _Encoded.of([wanted, codec.problem_data(own_problems[0]), None])
            else:
                self.live.append(record)
                module = self.module_name_at(-1)
                self._write(record, "parse", _parse_data, (wanted, own_aliases.get(module, {})))
        return problems, aliases

    def _parse_for_real(self, module: _Unparsed, rounds: int) -> None:
        """Parse `module` and bring it through the first `rounds` rounds of this run."""
        self.unparsed.remove(module)
        wanted = module.record["parse"][0]
        jit_names = None if wanted is None else frozenset(wanted)
        text = self._text_again(module.source)
        problems, _ = super().parse([(module.source, text)], jit_names)
        if problems:  # parsing is deterministic: the record was not written by this code
            raise RuntimeError(f"{module.source.display}: the static cache disagrees")
        self.live.append(self._record(module.source, text))
        for digest, aliases in self.history[:rounds]:
            self._step(len(self.modules) - 1, digest, aliases)

    def _text_again(self, source: SourceFile) -> str:
        """The text this run read first (`files`' digest): from memory when it was not read
        from disk, else read again (`source_texts.TextChanged` if the file changed since)."""
        if source.text is not None:
            return source.text
        text = read_text(source)
        if isinstance(text, Unreadable) or text_digest(text) != self.files[source.display][0]:
            raise TextChanged(source.display)
        return text

    def _step(
        self, position: int, digest: str | None, aliases: dict[str, JitDecorator]
    ) -> dict[str, JitDecorator] | None:
        found = self.reindex_at(position, aliases) if aliases else None
        steps = self.live[position].setdefault("steps", [])
        try:
            steps.append([digest, None if found is None else codec.aliases_data(found)])
        except codec.Uncacheable:
            self.writable = False
        return found

    def reindex(self, aliases: dict[str, JitDecorator]) -> dict[str, dict[str, JitDecorator]]:
        digest = aliases_digest(aliases)
        if digest is None:
            self.writable = False
        rounds = len(self.history)
        self.history.append((digest, aliases))
        changed: dict[str, dict[str, JitDecorator]] = {}
        for module in list(self.unparsed):
            past = module.step(rounds)
            if digest is not None and past is not None and past[0] == digest:
                if past[1] is not None:
                    changed[module.record["module"]] = codec.aliases_from_data(past[1])
            else:
                self._parse_for_real(module, rounds)
        for position in range(len(self.modules)):
            found = self._step(position, digest, aliases)
            if found is not None:
                changed[self.module_name_at(position)] = found
        return changed

    def index(self, aliases: dict[str, JitDecorator]) -> ProjectFacts:
        self.reindex(aliases)
        rounds = len(self.history)
        for module in list(self.unparsed):
            if not module.settled_after(rounds):
                self._parse_for_real(module, rounds)
        pieces = [codec.facts(module.record["facts"]) for module in self.unparsed]
        for position, record in enumerate(self.live):
            self._write(record, "facts", codec.facts_data, as_project_facts(self.facts[position]))
            record["functions"] = self.has_functions_at(position)
        return merge_facts([*self.facts, *pieces])

    def rules_pass(
        self, facts: ProjectFacts, checked: frozenset[str] | None = None
    ) -> tuple[list[Diagnostic], list[FunctionCoverage]]:
        diagnostics: list[Diagnostic] = []
        listing: list[FunctionCoverage] = []
        for module in list(self.unparsed):
            past = module.record.get("rules")
            if past is not None and _answers_hold(past[1], facts):
                if checked is None or module.source.display in checked:
                    diagnostics.extend(codec.diagnostic(d) for d in past[0])
                listing.extend(codec.function(f) for f in module.record["listing"])
            else:
                self._parse_for_real(module, len(self.history))
        for position in range(len(self.modules)):
            record = self.live[position]
            entries = self.listing_at(position)
            listing.extend(entries)
            record["listing"] = _Encoded.of([codec.function_data(f) for f in entries])
            if checked is None or self.display_at(position) in checked:
                found, asked = self.rules_at(position, facts)
                diagnostics.extend(found)
                questions = [[*question, answer] for question, answer in asked.asked.items()]
                record["rules"] = _Encoded.of(
                    [[codec.diagnostic_data(d) for d in found], questions]
                )
        return diagnostics, listing

    def has_jitted_code(self) -> bool:
        return super().has_jitted_code() or any(m.record["functions"] for m in self.unparsed)

    def scan(
        self, share: Iterable[tuple[SourceFile, str]], with_bindings: bool
    ) -> list[tuple[SourceFile, Scanned]]:
        found: list[tuple[SourceFile, Scanned]] = []
        for source, text in share:
            record = self._record(source, text)
            past = self._past(source, text, "scan")
            if past is not None and past["scan"][0] == with_bindings:
                record["scan"] = past["scan"]
                found.extend(
                    (source, codec.scanned(data, source, text)) for data in past["scan"][1]
                )
                continue
            answer = super().scan([(source, text)], with_bindings)
            data = [with_bindings, [codec.scanned_data(scanned) for _, scanned in answer]]
            record["scan"] = _Encoded.of(data)
            found.extend(answer)
        return found

    def records(self) -> dict[str, Record] | None:
        """This run's records (None if some value could not be written down)."""
        if not self.writable:
            return None
        for record in self.made.values():
            for part, value in record.items():
                if isinstance(value, _Encoded):
                    record[part] = json.loads(value)
        for module in self.unparsed:
            record = self.made[module.source.display]
            record.update(
                (part, module.record[part]) for part in _MODULE_PARTS if part in module.record
            )
            record["steps"] = module.record["steps"][: len(self.history)]
        return self.made


class _Encoded(str):
    """A part of this run's record as JSON text, until `records` hands the records on: a run
    without past records keeps every file's record all run long, and as text a part takes a
    third of the lists and dicts it stands for (it is read back only in `records`)."""

    __slots__ = ()

    @classmethod
    def of(cls, data: Any) -> _Encoded:
        return cls(json.dumps(data, default=str))  # as the cache writes it (`cache.store`)


def _parse_data(answer: tuple[list[str] | None, dict[str, JitDecorator]]) -> list[Any]:
    wanted, aliases = answer
    return [wanted, None, codec.aliases_data(aliases)]


def _answers_hold(questions: list[list[Any]], facts: ProjectFacts) -> bool:
    return all(getattr(facts, q[0])(*q[1:-1]) == q[-1] for q in questions)
