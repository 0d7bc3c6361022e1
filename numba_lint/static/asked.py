"""Project facts that remember each question a rules run asked them, and the answer.

Used by the static workers' early rules (`share.ModuleShare`): a module's rules run right after
its parse, with that module's own facts, and their findings stand if the project's merged facts
answer every remembered question alike. Rules see the project only through these questions
(`checks.base.ProjectQuestions`), so the run would find exactly the same.
"""

from __future__ import annotations

from typing import Any

from ..checks.base import ProjectQuestions
from ..project import ProjectFacts


class AskedFacts:
    """Facts that remember each question a rules run asked and the answer it got.

    The static workers run a module's rules right after its parse, with only that module's
    facts, and keep the diagnostics if the project's merged facts give every remembered
    question the same answer (`answers_hold`): rules see the project through these questions
    only, so the run would find exactly the same. Otherwise the rules run again.
    """

    def __init__(self, facts: ProjectQuestions) -> None:
        self.facts = facts
        self.asked: dict[tuple[str, ...], Any] = {}

    def is_field(self, attribute: str) -> bool:
        answer = self.asked[("is_field", attribute)] = self.facts.is_field(attribute)
        return answer

    def is_registered(self, name: str) -> bool:
        answer = self.asked[("is_registered", name)] = self.facts.is_registered(name)
        return answer

    def resolve(self, module: str, qualified: str) -> str | None:
        answer = self.asked[("resolve", module, qualified)] = self.facts.resolve(module, qualified)
        return answer

    def answers_hold(self, facts: ProjectFacts) -> bool:
        """Whether `facts` answer every question asked so far as these facts did."""
        return all(
            getattr(facts, question[0])(*question[1:]) == answer
            for question, answer in self.asked.items()
        )
