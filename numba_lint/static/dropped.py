"""A module whose libcst tree a static worker let go, and the facts its early rules ask.

Used by `share.ModuleShare` once the texts of the trees it holds pass its budget: a module
parsed after that is indexed, its facts collected and its rules run at once, then only what
the later stages read of it is kept (`Dropped`): its name, the names its index looked up, its
listing, and the parse inputs to parse it again; not its text (read again from disk, its digest
compared: `source_texts.text_again`). It is parsed again only if a later stage needs its tree:
the project's aliases change its index, or the merged facts answer its rules' questions
otherwise than the facts known at its parse (`RunningFacts`). A module the aliases index again
is dropped again, with the aliases of each re-index, to be rebuilt through the same steps.
Parsing is deterministic, so the tree parsed again is the one dropped, and the findings stay
the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..diagnostic import FunctionCoverage
from ..discover import SourceFile
from ..jit_index import IndexedModule, JitDecorator, listed
from ..project import AnswersProjectQuestions, ProjectFacts
from ..source_texts import digest_of, text_again


@dataclass(frozen=True)
class Dropped:
    """What is left of a module whose tree was dropped (a few names and its listing)."""

    source: SourceFile
    digest: bytes  # of its text (`source_texts.digest_of`)
    module_name: str
    # The parse's input (`ModuleShare.parse`): the names that can jit there, None: any.
    jit_names: frozenset[str] | None
    # The decorators its blanked parse took for plain Python, and the qualified names its
    # index looked up as possible project aliases: what decides whether new aliases change it.
    assumed: frozenset[str]
    looked_up: frozenset[str]
    has_functions: bool
    listing: tuple[FunctionCoverage, ...]
    # The project's aliases of each time they indexed it again (`reduced_parse.reindexed`), in
    # order: its tree is the first parse's taken through the same steps.
    reindexed_with: tuple[Mapping[str, JitDecorator], ...] = ()

    @classmethod
    def of(
        cls, module: IndexedModule, jit_names: frozenset[str] | None, assumed: frozenset[str]
    ) -> Dropped:
        """`module` (as its first parse and index left it) without its tree."""
        parsed, index, _ = module
        return cls(
            source=parsed.source,
            digest=digest_of(parsed.text),
            module_name=parsed.module_name,
            jit_names=jit_names,
            assumed=assumed,
            looked_up=index.looked_up,
            has_functions=bool(index.functions),
            listing=tuple(listed(parsed, index)),
        )

    def text(self) -> str:
        """The text it was parsed from (`source_texts.TextChanged` if the file changed)."""
        return text_again(self.source, self.digest)

    def reindexed(
        self, module: IndexedModule, aliases: Mapping[str, JitDecorator], assumed: frozenset[str]
    ) -> Dropped:
        """This module once `aliases` indexed it again as `module` (`assumed`: what that
        left assumed), dropped again."""
        parsed, index, _ = module
        return replace(
            self,
            assumed=assumed,
            looked_up=index.looked_up,
            has_functions=bool(index.functions),
            listing=tuple(listed(parsed, index)),
            reindexed_with=(*self.reindexed_with, aliases),
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
