"""A module whose libcst tree a static worker let go, and what a worker keeps of every module.

Used by `share.ModuleShare` once the texts of the trees it holds pass its budget: a module
parsed after that is indexed, its facts collected and its rules run at once, then only what
the later stages read of it is kept (`Dropped`): its name, the names its index looked up, its
listing, and the parse inputs to parse it again; not its text (read again from disk, its digest
compared: `source_texts.text_again`). It is parsed again only if a later stage needs its tree:
the project's aliases change its index, or the merged facts answer its rules' questions
otherwise than the facts known at its parse (`RunningFacts`). A module the aliases index again
is dropped again, with the aliases of each re-index, to be rebuilt through the same steps.
Parsing is deterministic, so the tree parsed again is the one dropped, and the findings stay
the same. Every module a worker parsed is also kept until the rules stage as its own facts
(`ModuleFacts`) and its early rules' questions (`Answers`): records per file, so they are
slots, tuples and interned strings (issue 13: memory that grows with the files no more than
it must; `tests/test_static_dropped.py` holds them to a size).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from .. import bindings as project_bindings
from ..diagnostic import FunctionCoverage
from ..discover import SourceFile
from ..jit_index import IndexedModule, JitDecorator, listed
from ..project import AnswersProjectQuestions, ProjectFacts
from ..source_texts import digest_of, text_again


def interned_names(found: Iterable[str]) -> tuple[str, ...]:
    """`found` as a tuple of interned strings, the shared empty tuple if none: a dropped
    module's names, kept till the rules stage. A frozenset of 7 names takes 728 bytes, a tuple
    120; interned, the names most modules look up (`numba.njit`, `numpy.float64`) are one string
    each instead of one per module."""
    return tuple(sorted(sys.intern(name) for name in found))


@dataclass(frozen=True, slots=True)
class Dropped:
    """What is left of a module whose tree was dropped (a few names and its listing): a few
    hundred bytes, its listing aside (`tests/test_static_dropped.py` holds it to that)."""

    source: SourceFile
    digest: bytes  # of its text (`source_texts.digest_of`)
    module_name: str
    # The parse's input (`ModuleShare.parse`): the names that can jit there, None: any.
    jit_names: frozenset[str] | None
    # The decorators its blanked parse took for plain Python, and the qualified names its
    # index looked up as possible project aliases: what decides whether new aliases change it
    # (`interned_names`: sorted, interned).
    assumed: tuple[str, ...]
    looked_up: tuple[str, ...]
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
            assumed=interned_names(assumed),
            looked_up=interned_names(index.looked_up),
            has_functions=bool(index.functions),
            listing=tuple(listed(parsed, index)),
        )

    def text(self) -> str:
        """The text it was parsed from (`source_texts.TextChanged` if the file changed)."""
        return text_again(self.source, self.digest)

    def assumed_plain(self) -> frozenset[str]:
        """What its parse took for plain Python (`reduced_parse.reindexed`'s argument)."""
        return frozenset(self.assumed)

    def reindexed(
        self, module: IndexedModule, aliases: Mapping[str, JitDecorator], assumed: frozenset[str]
    ) -> Dropped:
        """This module once `aliases` indexed it again as `module` (`assumed`: what that
        left assumed), dropped again."""
        parsed, index, _ = module
        return replace(
            self,
            assumed=interned_names(assumed),
            looked_up=interned_names(index.looked_up),
            has_functions=bool(index.functions),
            listing=tuple(listed(parsed, index)),
            reindexed_with=(*self.reindexed_with, aliases),
        )

    def changed_by(self, aliases: Mapping[str, object]) -> bool:
        """Whether the project's `aliases` would parse or index the module again
        (`reduced_parse.reindexed`'s two tests)."""
        return any(name in aliases for name in self.assumed) or any(
            name in aliases for name in self.looked_up
        )


class ModuleFacts:
    """One module's own facts (`project.collect_facts` of that module alone) as a share keeps
    them until the merge, for every module it parsed: its name, its bindings (names and kinds
    interned: `numpy`, `import:numpy.float64` are one string, not one a module), its field
    and registered names as tuples (a frozenset of 5 names takes 728 bytes, a tuple 96).
    Answers the rules' questions (`checks.base.ProjectQuestions`) as those facts do."""

    __slots__ = ("module_name", "names", "fields", "registrations")

    def __init__(self, module_name: str, names: Mapping[str, str], facts: ProjectFacts) -> None:
        self.module_name = module_name
        self.names = {sys.intern(name): sys.intern(kind) for name, kind in names.items()}
        self.fields = interned_names(facts.field_names)
        self.registrations = interned_names(facts.registered)

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(self.fields)

    @property
    def registered(self) -> frozenset[str]:
        return frozenset(self.registrations)

    @property
    def bindings(self) -> Mapping[str, Mapping[str, str]]:
        return {self.module_name: self.names}

    def is_field(self, attribute: str) -> bool:
        return attribute in self.fields

    def is_registered(self, name: str) -> bool:
        return name in self.registrations

    def resolve(self, module: str, qualified: str) -> str | None:
        return project_bindings.resolve(self.bindings, module, qualified)

    def as_project_facts(self) -> ProjectFacts:
        return ProjectFacts(
            field_names=self.field_names, bindings=self.bindings, registered=self.registered
        )


# A module's facts as a share keeps them (`kept_facts`).
KeptFacts = ProjectFacts | ModuleFacts


def kept_facts(facts: ProjectFacts) -> KeptFacts:
    """The facts of one module (`collect_facts([module])`) as a share keeps them."""
    if len(facts.bindings) != 1 or facts.module_names:  # not one module's: kept as they are
        return facts
    ((module_name, names),) = facts.bindings.items()
    return ModuleFacts(module_name, names, facts)


def as_project_facts(facts: KeptFacts) -> ProjectFacts:
    return facts.as_project_facts() if isinstance(facts, ModuleFacts) else facts


class RunningFacts(AnswersProjectQuestions):
    """The merged facts of the modules one worker parsed so far (`share.merge_facts`'s rule:
    a module name seen twice has no bindings), kept up to date one module at a time so that a
    module's early rules see more of the project than its own facts."""

    def __init__(self) -> None:
        self.field_names: set[str] = set()
        self.registered: set[str] = set()
        self.bindings: dict[str, Mapping[str, str]] = {}

    def add(self, facts: KeptFacts) -> None:
        self.field_names.update(
            facts.fields if isinstance(facts, ModuleFacts) else facts.field_names
        )
        self.registered.update(
            facts.registrations if isinstance(facts, ModuleFacts) else facts.registered
        )
        for module, names in facts.bindings.items():
            self.bindings[module] = {} if module in self.bindings else names


class Answers:
    """The questions one module's early rules asked (`asked.AskedFacts.asked`) and the answers
    they got, kept from its parse to the rules stage in one flat tuple (per question: its
    length, the question, the answer; strings interned): about 40 bytes a question instead of
    180 in the dict the rules filled, and a module whose rules run early asks about 25."""

    __slots__ = ("_flat",)

    def __init__(self, asked: Mapping[tuple[str, ...], object]) -> None:
        flat: list[object] = []
        for question, answer in asked.items():
            flat.append(len(question))
            flat.extend(sys.intern(part) for part in question)
            flat.append(sys.intern(answer) if isinstance(answer, str) else answer)
        self._flat = tuple(flat)

    def _questions(self) -> Iterator[tuple[tuple[str, ...], object]]:
        flat, at = self._flat, 0
        while at < len(flat):
            end = at + 1 + flat[at]  # type: ignore[operator]
            yield flat[at + 1 : end], flat[end]  # type: ignore[misc]
            at = end + 1

    @property
    def asked(self) -> dict[tuple[str, ...], object]:
        """The questions and answers, as `AskedFacts.asked` had them (in the order asked)."""
        return dict(self._questions())

    def answers_hold(self, facts: AnswersProjectQuestions) -> bool:
        """Whether `facts` answer every question as the facts asked first did."""
        return all(
            getattr(facts, question[0])(*question[1:]) == answer
            for question, answer in self._questions()
        )
