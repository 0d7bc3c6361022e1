"""One share of the static pass: the modules one worker parses, indexes and checks.

The engine's stages (`stages.py`) drive one `ModuleShare` per worker, in a forked process
(`pool.ProcessWorkers`) or in-process (`pool.LocalWorkers`, the pool of one): the same code
either way, so the findings cannot depend on the number of workers. A share keeps its libcst
trees between stages up to a budget (`held_text`); past it, a module's rules run right after
its parse and its tree is dropped (`dropped.py`), so a worker's memory stays bounded. Only
names, facts, diagnostics and listings leave a share.
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..bindings import unparsed_bindings
from ..checks.base import StaticRule, run_static_rules
from ..diagnostic import Diagnostic, FunctionCoverage
from ..discover import SourceFile
from ..jit_index import IndexedModule, JitDecorator, listed
from ..modules import imported_modules
from ..parse import ParsedModule, SyntaxProblem, parse
from ..project import ProjectFacts, collect_facts
from .asked import AskedFacts
from .dropped import Answers, Dropped, KeptFacts, RunningFacts, kept_facts
from .facts_only import settle_guesses
from .indexing import index_module
from .reduced_parse import NOTHING_ASSUMED, guess_holds, parse_reduced, reindexed

if TYPE_CHECKING:  # the forecast: runs with the static cache only
    from .forecast import Preparsed

# What a scan finds in a file that never mentions numba: its syntax error, or its top-level
# bindings and the names it passes as call arguments (`bindings.unparsed_bindings`); a file
# without a syntax error whose bindings were not wanted has no entry.
Scanned = SyntaxProblem | tuple[dict[str, str], set[str]]
# Per module, the rules run right after its parse: their diagnostics and the questions they
# asked about the project.
# Kept compactly (`dropped.Answers`) from the parse on; a rules run of the rules stage hands on
# its `AskedFacts` as they are.
EarlyRules = tuple[list[Diagnostic], AskedFacts | Answers]


class ModuleShare:
    """State kept between stages: the share's modules, their indexes and facts.

    `reduce`: parse the blanked text (`reduced_parse`), for runs that keep no trees.
    `early_rules`: run a module's rules right after its parse when it imports no module of
    the project (in worker processes: it shares the rules out like the parses).
    `held_text`: the characters of text whose trees the share holds (None: every tree, as
    runs that hand the trees on need); the modules parsed past it are `Dropped`."""

    def __init__(
        self,
        rules: Sequence[type[StaticRule]],
        knowledge: Any,
        project_modules: frozenset[str] = frozenset(),
        *,
        reduce: bool = True,
        early_rules: bool = True,
        held_text: int | None = None,
    ) -> None:
        self.rules = rules
        self.knowledge = knowledge
        self.project_modules = project_modules
        self.reduce = reduce
        self.early_rules = early_rules
        self.held_text = held_text
        self.held = 0  # characters of text whose trees are held
        self.running = RunningFacts()
        # In one process the knowledge is read only once some code is jitted: the engine's
        # reader, for rules run ahead of the rules stage (`knowledge` None until then).
        self.read_knowledge: Callable[[], Any] | None = None
        self.modules: list[IndexedModule | Dropped] = []
        # Per module, the decorators its blanked parse took for plain Python (`reindex` checks
        # them against the project's aliases); a `Dropped` keeps its own (here: none).
        self.assumed: list[frozenset[str]] = []
        # Each module's own facts, collected right after its parse: parses are handed out to
        # whichever worker is free, so work done there is shared evenly; later stages are not.
        self.facts: list[KeptFacts] = []
        # Per module, its early rules, kept if the merged facts answer them alike; None: run
        # in the rules stage.
        self.early: list[EarlyRules | None] = []
        # First-round parses done by the engine's forecast (`forecast.py`), by display name.
        self.preparsed: Preparsed = {}
        # Files parsed only for the project's facts (another shard's): no rules run on them,
        # and the positions of those whose guessed jitted bodies their first index did not
        # confirm (`facts_only.settle_guesses`).
        self.facts_only: set[str] = set()
        self.unconfirmed: set[int] = set()

    def run(self, command: str, payload: Any) -> Any:
        """One stage's command, as the pool sends it."""
        if command == "parse":
            if len(payload) > 2 and payload[2]:  # another shard's files: read for facts only
                self.facts_only.update(source.display for source, _ in payload[0])
            return self.parse(*payload[:2])
        if command == "scan":
            return self.scan(*payload)
        if command == "reindex":
            return self.reindex(payload)
        if command == "index":
            return self.index(payload)
        return self.rules_pass(*payload)

    def parse(
        self, share: Iterable[tuple[SourceFile, str]], jit_names: frozenset[str] | None
    ) -> tuple[list[SyntaxProblem], dict[str, dict[str, JitDecorator]]]:
        problems, aliases = [], {}
        for source, text in share:
            facts_only = source.display in self.facts_only
            result, assumed = self._parse_and_index(source, text, jit_names)
            if isinstance(result, SyntaxProblem):
                problems.append(result)
            else:
                module = result
                facts = kept_facts(collect_facts([module]))
                self.running.add(facts)
                self.facts.append(facts)
                if module.jit_index.decorator_aliases:  # most have none: no entry (the
                    # stages keep every parse's answer until the aliases settle)
                    aliases[module.parsed.module_name] = dict(module.jit_index.decorator_aliases)
                if not guess_holds(module):
                    self.unconfirmed.add(len(self.modules))
                if self.held_text is None or self.held + len(text) <= self.held_text:
                    self.held += len(text)
                    self.assumed.append(assumed or NOTHING_ASSUMED)
                    self.modules.append(module)
                    self.early.append(None if facts_only else self._early_rules(module, facts))
                else:  # past the budget: its rules now, with the facts known so far
                    self.assumed.append(NOTHING_ASSUMED)  # the `Dropped` keeps its own
                    self.modules.append(Dropped.of(module, jit_names, assumed))
                    self.early.append(None if facts_only else self._rules_ahead(module))
                del module, result  # the tree goes before the collection below
            gc.collect(0)  # the parse's cyclic garbage (`engine.static_pass` says why)
        return problems, aliases

    def _parse_and_index(
        self, source: SourceFile, text: str, jit_names: frozenset[str] | None
    ) -> tuple[IndexedModule | SyntaxProblem, frozenset[str]]:
        """`_parse_one`, indexed; the engine's forecast may have done both already."""
        ready = self.preparsed.pop(source.display, None)
        if ready is not None and jit_names is None and self.reduce and ready[0] == text:
            return ready[1], ready[2]
        result, assumed = self._parse_one(source, text, jit_names)
        if isinstance(result, SyntaxProblem):
            return result, assumed
        return index_module(result), assumed

    def _parse_one(
        self, source: SourceFile, text: str, jit_names: frozenset[str] | None
    ) -> tuple[ParsedModule | SyntaxProblem, frozenset[str]]:
        facts_only = source.display in self.facts_only
        if not self.reduce:
            if facts_only:  # only jitted bodies blanked: the others give facts here
                return parse_reduced(source, text, facts_only=True, whole=True)
            return parse(source, text), NOTHING_ASSUMED
        # Round one (no jit_names) may take project decorators for plain Python: `reindex`
        # checks that once the project's aliases are known.
        return parse_reduced(
            source, text, jit_names, assume=jit_names is None, facts_only=facts_only
        )

    def _early_rules(self, module: IndexedModule, facts: KeptFacts) -> EarlyRules | None:
        """The rules of a module that imports no module of the project, run now with its own
        facts: its questions about the project (a field name, a registered name, a binding
        of its own) are likely answered alike by the merged facts. Rules are the only work
        tied to the worker that holds a module's tree; run here, inside a parse job, they are
        shared out like the parses (one generated module held 30 % of the corpus's rules)."""
        parsed, index, _ = module
        if not self.early_rules or not self.rules or not index.functions:
            return None
        imported = imported_modules([(parsed.module_name, parsed.source.path, parsed.text)])
        imported.discard(parsed.module_name)
        if not imported.isdisjoint(self.project_modules):
            return None
        asked = AskedFacts(facts)
        found = run_static_rules(parsed, index, self.rules, self.knowledge, asked)
        return found, Answers(asked.asked)

    def _rules_ahead(self, module: IndexedModule) -> EarlyRules | None:
        """The rules of a module whose tree is about to be dropped, asking the facts of every
        module this share parsed so far (kept if the merged facts answer alike)."""
        parsed, index, _ = module
        if not self.rules or not index.functions:
            return None
        if self.knowledge is None and self.read_knowledge is not None:
            self.knowledge = self.read_knowledge()
        asked = AskedFacts(self.running)
        found = run_static_rules(parsed, index, self.rules, self.knowledge, asked)
        return found, Answers(asked.asked)

    def held_module(self, position: int) -> IndexedModule:
        """The module at `position` with its tree: a dropped one parsed and indexed again as
        its first parse did, then indexed again with the aliases that did so (deterministic:
        the tree it had)."""
        module = self.modules[position]
        if not isinstance(module, Dropped):
            return module
        parsed, assumed = self._parse_one(module.source, module.text(), module.jit_names)
        if isinstance(parsed, SyntaxProblem):  # parsed once: the parse cannot fail now
            raise RuntimeError(f"{module.source.display}: parsed again, it does not parse")
        rebuilt = index_module(parsed)
        for aliases in module.reindexed_with:
            again = reindexed(rebuilt, assumed, aliases)
            if again.parsed is not rebuilt.parsed:
                assumed = NOTHING_ASSUMED
            rebuilt = again
        return rebuilt

    def held_modules(self) -> list[IndexedModule]:
        """Every module with its tree (for runs that hand the trees on: they drop none)."""
        return [self.held_module(position) for position in range(len(self.modules))]

    def module_name_at(self, position: int) -> str:
        module = self.modules[position]
        return module.module_name if isinstance(module, Dropped) else module.parsed.module_name

    def display_at(self, position: int) -> str:
        module = self.modules[position]
        return (
            module.source.display if isinstance(module, Dropped) else module.parsed.source.display
        )

    def has_functions_at(self, position: int) -> bool:
        module = self.modules[position]
        if isinstance(module, Dropped):
            return module.has_functions
        return bool(module.jit_index.functions)

    def listing_at(self, position: int) -> list[FunctionCoverage]:
        module = self.modules[position]
        if isinstance(module, Dropped):
            return list(module.listing)
        return listed(module.parsed, module.jit_index)

    def scan(
        self, share: Iterable[tuple[SourceFile, str]], with_bindings: bool
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
                module_name = source.module_name
                package = source.path.stem == "__init__"
                found.append((source, unparsed_bindings(tree, module_name, package)))
        return found

    def reindex(self, aliases: dict[str, JitDecorator]) -> dict[str, dict[str, JitDecorator]]:
        """Parse or index again the modules the project's aliases concern; the decorator
        aliases of those that changed (a wrapper built on another module's wrapper becomes
        known only now: the engine asks again while the aliases grow)."""
        changed = {}
        for position in range(len(self.modules) if aliases else 0):
            found = self.reindex_at(position, aliases)
            if found is not None:
                changed[self.module_name_at(position)] = found
        return changed

    def reindex_at(
        self, position: int, aliases: dict[str, JitDecorator]
    ) -> dict[str, JitDecorator] | None:
        """`reindex` for one module: its decorator aliases if it was parsed or indexed again,
        None if it stands as it was."""
        kept = self.modules[position]
        if isinstance(kept, Dropped) and not kept.changed_by(aliases):
            return None
        module = self.held_module(position)
        assumed = kept.assumed_plain() if isinstance(kept, Dropped) else self.assumed[position]
        again = reindexed(module, assumed, aliases)
        if again is module:
            return None
        if again.parsed is not module.parsed:  # parsed again, assuming nothing
            assumed = NOTHING_ASSUMED
        self.facts[position] = kept_facts(collect_facts([again]))
        self.early[position] = None
        if isinstance(kept, Dropped):  # dropped again: its tree goes with this call
            self.modules[position] = kept.reindexed(again, aliases, assumed)
        else:
            self.assumed[position] = assumed
            self.modules[position] = again
        return dict(again.jit_index.decorator_aliases)

    def index(self, aliases: dict[str, JitDecorator]) -> ProjectFacts:
        """Parse or index again the modules the project's aliases concern; the merged facts."""
        self.reindex(aliases)
        if self.facts_only:
            settle_guesses(self, aliases)
        return merge_facts(self.facts)

    def rules_pass(
        self, facts: ProjectFacts, checked: frozenset[str] | None = None
    ) -> tuple[list[Diagnostic], list[FunctionCoverage]]:
        """The rules on the share's modules (`checked`: only those files, by display name;
        None: all), and the listing of every module's jitted functions."""
        diagnostics: list[Diagnostic] = []
        for position in range(len(self.modules)):
            if checked is None or self.display_at(position) in checked:
                diagnostics.extend(self.rules_at(position, facts)[0])
        listing = [
            entry for position in range(len(self.modules)) for entry in self.listing_at(position)
        ]
        return diagnostics, listing

    def rules_at(self, position: int, facts: ProjectFacts) -> EarlyRules:
        """The findings of one module's rules with the project's `facts`, and the questions
        they asked (the early rules' findings if those facts answer them alike)."""
        early = self.early[position]
        if early is not None and early[1].answers_hold(facts):
            return early
        asked = AskedFacts(facts)
        if not self.has_functions_at(position):
            return [], asked
        parsed, index, _ = self.held_module(position)  # a dropped one only for these rules
        found = run_static_rules(parsed, index, self.rules, self.knowledge, asked)
        gc.collect(0)
        return found, asked

    def has_jitted_code(self) -> bool:
        return any(self.has_functions_at(position) for position in range(len(self.modules)))


def merge_facts(parts: Sequence[ProjectFacts | KeptFacts]) -> ProjectFacts:
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
