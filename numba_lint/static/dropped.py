"""A module whose libcst tree a static worker let go, and the facts its early rules ask.

Used by `share.ModuleShare` once the texts of the trees it holds pass its budget: a module
parsed after that is indexed, its facts collected and its rules run at once, then only what
the later stages read of it is kept (`Dropped`): its name, the names its index looked up, its
listing, and the text and parse inputs to parse it again. It is parsed again only if a later
stage needs its tree: the project's aliases change its index, or the merged facts answer its
rules' questions otherwise than the facts known at its parse (`RunningFacts`). Parsing is
deterministic, so the tree parsed again is the one dropped, and the findings stay the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..diagnostic import FunctionCoverage
from ..discover import SourceFile
from ..jit_index import IndexedModule, listed
from ..project import AnswersProjectQuestions, ProjectFacts


@dataclass(frozen=True)
class Dropped:
    """What is left of a module whose tree was dropped (a few names and its listing)."""

    source: SourceFile
    text: str
    module_name: str
    # The parse's input (`ModuleShare.parse`): the names that can jit there, None: any.
    jit_names: frozenset[str] | None
    # The decorators its blanked parse took for plain Python, and the qualified names its
    # index looked up as possible project aliases: what decides whether new aliases change it.
    assumed: frozenset[str]
    looked_up: frozenset[str]
    has_functions: bool
    listing: tuple[FunctionCoverage, ...]

    @classmethod
    def of(
        cls, module: IndexedModule, jit_names: frozenset[str] | None, assumed: frozenset[str]
    ) -> Dropped:
        """`module` (as its first parse and index left it) without its tree."""
        parsed, index, _ = module
        return cls(
            source=parsed.source,
            text=parsed.text,
            module_name=parsed.module_name,
            jit_names=jit_names,
            assumed=assumed,
            looked_up=index.looked_up,
            has_functions=bool(index.functions),
            listing=tuple(listed(parsed, index)),
        )

    def changed_by(self, aliases: Mapping[str, object]) -> bool:
        """Whether the project's `aliases` would parse or index the module again
        (`reduced_parse.reindexed`'s two tests)."""
        return not (self.assumed.isdisjoint(aliases) and self.looked_up.isdisjoint(aliases))


class RunningFacts(AnswersProjectQuestions):
    """The merged facts of the modules one worker parsed so far (`share.merge_facts`'s rule:
    a module name seen twice has no bindings), kept up to date one module at a time so that a
    module's early rules see more of the project than its own facts."""

    def __init__(self) -> None:
        self.field_names: set[str] = set()
        self.registered: set[str] = set()
        self.bindings: dict[str, Mapping[str, str]] = {}

    def add(self, facts: ProjectFacts) -> None:
        self.field_names |= facts.field_names
        self.registered |= facts.registered
        for module, names in facts.bindings.items():
            self.bindings[module] = {} if module in self.bindings else names
