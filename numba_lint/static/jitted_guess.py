"""A decorated function of a file read only for the project's facts -> may its body be blanked?

Used by `blanking._Reducer` for the files of other shards (`check --shard`,
`reduced_parse.parse_reduced(facts_only=True)`): the body of a function the jit index finds
jitted gives no fact (the facts' walk, `project._FieldCollector`, skips it), and the index
itself reads only three things there: nested definitions (jitted closures, their
decorators), `global`/`nonlocal` (they rebind names of the module), and calls whose first
argument names a module-level function (`njit(f)` jits `f` once the project's aliases say
the callee is a jit decorator). A body with none of them may be blanked on the guess that
the function is jitted; `facts_only.settle_guesses` checks the guess once the aliases are
known. Only a function whose decorator is named like one that jits (`njit`, `nb.jit(...)`,
`fast_jit`, `guvectorize`, `cfunc`, `stencil`) is guessed: on the benchmark corpus every other
decorated function the guess took (overloads, extension hooks, a project's plain decorators)
was not jitted, and each wrong guess costs its module a second parse. Text tests first (each
finds a superset of what it looks for), then Python's `ast` only for a body where a
function's name appears other than called.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

# A nested definition, a decorator, or a statement that rebinds a name of an enclosing scope.
_SCOPE_CHANGES = re.compile(
    r"^[ \t]*(?:async[ \t]+)?(?:def|class)\b|^[ \t]*@|(?:^|[:;])[ \t]*(?:global|nonlocal)\b",
    re.MULTILINE,
)
# Words one of which `_SCOPE_CHANGES` needs to match.
_SCOPE_WORDS = ("def", "class", "@", "global", "nonlocal")
_NO_NAMES = re.compile(r"(?!)")
# A part of a decorator's dotted name that says it jits (a false yes costs a second parse).
_JITTING_NAME = re.compile(r"jit|vectorize|cfunc|stencil")


class FactlessIfJitted:
    """One module's test: `tree` its ast, `lines` its text's lines (with their ends)."""

    def __init__(self, tree: ast.Module, lines: list[str]) -> None:
        self.tree = tree
        self.lines = lines
        self._names: frozenset[str] | None = None

    def __call__(self, node: ast.stmt) -> bool:
        """Whether nothing the project's facts read can come from the body of `node` if the
        jit index finds it jitted (a false no only keeps a body)."""
        if not isinstance(node, ast.FunctionDef) or node.body[0].lineno <= node.lineno:
            return False  # classes (jitclasses, structrefs), async defs, one-line defs
        if not any(map(_named_to_jit, node.decorator_list)):
            return False
        end = node.end_lineno or node.lineno
        body = "".join(self.lines[node.body[0].lineno - 1 : end])
        # Substring tests before each regular expression: a pattern that starts with a
        # lookbehind or an anchor is tried at every position, in C but slowly (on the corpus,
        # half the guess's time went to the two searches).
        if any(word in body for word in _SCOPE_WORDS) and _SCOPE_CHANGES.search(body):
            return False
        if self._names is None:
            self._names = frozenset(module_level_defs(self.tree))
        present = frozenset(name for name in self._names if name in body)
        if not _names_not_called(present).search(body):
            return True
        # One of those names is not called (in a string, an index, a call's first argument?):
        # the calls of the function, read exactly.
        return not any(
            isinstance(call, ast.Call)
            and call.args
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id in self._names
            for call in ast.walk(node)
        )


def _named_to_jit(decorator: ast.expr) -> bool:
    """Whether a part of the decorator's dotted name (called or not) says it jits."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    while isinstance(target, ast.Attribute):
        if _JITTING_NAME.search(target.attr):
            return True
        target = target.value
    return isinstance(target, ast.Name) and bool(_JITTING_NAME.search(target.id))


def module_level_defs(tree: ast.Module) -> Iterator[str]:
    """The names of the functions a module defines at its top level, in `if`/`try`/`with`/
    loop/`match` blocks too: those the jit index takes `njit(f)` in a function body to jit."""
    blocks = [tree.body]
    while blocks:
        for statement in blocks.pop():
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield statement.name
            elif not isinstance(statement, ast.ClassDef):
                for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                    found = getattr(statement, name, None)
                    if isinstance(found, list):
                        blocks.append([s for s in found if isinstance(s, ast.stmt)])
                        for part in found:  # handlers and match cases hold blocks
                            if not isinstance(part, ast.stmt):
                                blocks.append(getattr(part, "body", []))


@functools.lru_cache(maxsize=256)
def _names_not_called(names: frozenset[str]) -> re.Pattern[str]:
    """One of `names` as a name (not an attribute) that is not called; matches nothing when
    `names` is empty."""
    if not names:
        return _NO_NAMES
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"(?<![\w.])(?:{alternatives})\b(?!\s*\()")
