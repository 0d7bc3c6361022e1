"""The rule walk of each jitted function, remembered between checks of one file (the language
server): an edit inside one jitted function's body walks that function again and reuses what
the walks of the others found.

A remembered walk of function H is reused only when nothing it read can have changed:
- the file, its module name, the rules and the knowledge are the same;
- the module's jit index is the same (every jitted function's name, line, decorator and form,
  the jitclasses and decorator aliases): which names are jitted, and how, is what rules read
  about other functions;
- the text differs from the last check's only inside the *body* of one outermost jitted
  function G (not its decorators or signature, no `global` statement among the changed
  lines), so the module-level names, imports and bindings rules resolve against are the same
  text; H is not G and its own lines are the same text at the same position (an edit that
  adds or removes lines walks every function below it again);
- the project answers every question H's walk asked it (field names, registrations,
  bindings) as it did then; asking again also records them for the caller, as a walk would.
Anything else walks every function, as without the memo. Off unless `remember_walks` is called
(the CLI checks each file once); tests/test_server_incremental.py checks that a sequence of
edits gives exactly the findings of a check from scratch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import libcst as cst

from ..diagnostic import Diagnostic
from ..jit_index import JitFunction, JitIndex
from ..parse import ParsedModule
from ..recent import Recent

if TYPE_CHECKING:
    from .base import ProjectQuestions

_GLOBAL = re.compile(r"\bglobal\b")
# File -> its last check's walks, for the last files checked (the server's; the CLI keeps none).
_PAST: Recent[str, _Past] = Recent()


def remember_walks(files: int) -> None:
    """Remember the rule walks of the last `files` files checked (0: none, forgets all)."""
    _PAST.set_limit(files)


@dataclass
class _Walked:
    """One function's walk: its lines (first, body, last), findings and questions asked."""

    span: tuple[int, int, int]
    diagnostics: list[Diagnostic]
    asked: dict[tuple[str, ...], Any]


@dataclass
class _Past:
    lines: list[str]
    key: tuple[Any, ...]
    knowledge: Any
    walked: dict[str, _Walked] = field(default_factory=dict)


class Recorder:
    """The project's questions, passed on and remembered with their answers."""

    def __init__(self, project: ProjectQuestions) -> None:
        self.project = project
        self.asked: dict[tuple[str, ...], Any] = {}

    def is_field(self, attribute: str) -> bool:
        answer = self.asked[("is_field", attribute)] = self.project.is_field(attribute)
        return answer

    def is_registered(self, name: str) -> bool:
        answer = self.asked[("is_registered", name)] = self.project.is_registered(name)
        return answer

    def resolve(self, module: str, qualified: str) -> str | None:
        answer = self.asked[("resolve", module, qualified)] = self.project.resolve(
            module, qualified
        )
        return answer


def _index_key(index: JitIndex) -> tuple[Any, ...]:
    """What rules may read of the other jitted functions: all but their trees."""
    functions = tuple(
        (f.qualname, f.line, f.form, f.dispatcher_name, f.class_name, repr(f.decorator))
        + tuple(repr(v) for v in f.variants)
        for f in index.functions
    )
    return (
        functions,
        tuple(sorted((name, tuple(sorted(fields))) for name, fields in index.jitclasses.items())),
        tuple(sorted((name, repr(d)) for name, d in index.decorator_aliases.items())),
    )


def _changed(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """The lines that differ: (first, last in the old text, last in the new text), 1-based;
    first > last when only lines were inserted or removed there."""
    limit = min(len(old), len(new))
    first = 0
    while first < limit and old[first] == new[first]:
        first += 1
    tail = 0
    while tail < limit - first and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return first + 1, len(old) - tail, len(new) - tail


class WalkMemo:
    """One run of the rules on one module: which walks are reused, and what to remember."""

    def __init__(
        self,
        parsed: ParsedModule,
        index: JitIndex,
        rules: Sequence[type],
        knowledge: Any,
        outermost: Sequence[JitFunction],
    ) -> None:
        self.parsed = parsed
        self.lines = parsed.text.splitlines(keepends=True)
        self.key = (parsed.module_name, tuple(rules), _index_key(index))
        self.knowledge = knowledge
        self.outermost = outermost
        self.spans = {f.qualname: parsed.statement_lines.def_span(f.node) for f in outermost}
        self.walked: dict[str, _Walked] = {}
        self.past = _PAST.get(parsed.source.display)
        unique = len(self.spans) == len(outermost)
        self.reusable = self._past_applies() if unique else set()

    def _past_applies(self) -> set[str]:
        """The outermost functions whose past walk may stand (see the module docstring)."""
        past = self.past
        if past is None or past.key != self.key or past.knowledge is not self.knowledge:
            return set()
        first, old_last, new_last = _changed(past.lines, self.lines)
        if first <= max(old_last, new_last):  # something changed: inside one jitted body?
            changed = past.lines[first - 1 : old_last] + self.lines[first - 1 : new_last]
            if any(_GLOBAL.search(line) for line in changed):
                return set()
            if not any(self._inside_body(name, first, old_last, new_last) for name in self.spans):
                return set()
        shift = len(self.lines) - len(past.lines)
        return {
            name
            for name, span in self.spans.items()
            if span is not None
            and name in past.walked
            and past.walked[name].span == span
            and (span[2] < first or (shift == 0 and span[0] > new_last))
        }

    def _inside_body(self, name: str, first: int, old_last: int, new_last: int) -> bool:
        new = self.spans[name]
        assert self.past is not None
        old = self.past.walked.get(name)
        if new is None or old is None or not self._own_block(name):
            return False
        start, body, _ = old.span
        return (
            new[:2] == (start, body)
            and body > start
            and body <= first
            and old_last <= old.span[2]
            and new_last <= new[2]
        )

    def _own_block(self, name: str) -> bool:
        """Whether the def's body starts on a line of its own (not after the signature's colon,
        so a change from its first body line on leaves the signature alone)."""
        return any(
            f.qualname == name and isinstance(f.node.body, cst.IndentedBlock)
            for f in self.outermost
        )

    def reuse(self, function: JitFunction, project: ProjectQuestions) -> list[Diagnostic] | None:
        """The past findings of `function`'s walk, when they stand; None: walk it."""
        if function.qualname not in self.reusable:
            return None
        assert self.past is not None
        walked = self.past.walked[function.qualname]
        for question, answer in walked.asked.items():
            if getattr(project, question[0])(*question[1:]) != answer:
                return None
        self.walked[function.qualname] = walked
        return walked.diagnostics

    def record(
        self,
        function: JitFunction,
        diagnostics: list[Diagnostic],
        asked: dict[tuple[str, ...], Any],
    ) -> None:
        span = self.spans.get(function.qualname)
        if span is not None:
            self.walked[function.qualname] = _Walked(span, diagnostics, asked)

    def keep(self) -> None:
        """Remember this run for the next check of the file."""
        _PAST.put(
            self.parsed.source.display, _Past(self.lines, self.key, self.knowledge, self.walked)
        )


def memo_for(
    parsed: ParsedModule,
    index: JitIndex,
    rules: Sequence[type],
    knowledge: Any,
    outermost: Sequence[JitFunction],
) -> WalkMemo | None:
    """The memo of this module's walks, or None when walks are not remembered."""
    if not _PAST.limit:
        return None
    return WalkMemo(parsed, index, rules, knowledge, outermost)
