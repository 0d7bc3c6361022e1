"""Module text -> the same text with the bodies that cannot matter to the static pass blanked.

Called by `reduced_parse.parse_reduced` in static-only runs: libcst, the slow part of the
static pass, then parses only module-level statements, def/class headers and the definitions
that can hold jitted code or facts the rules read. Line and column numbers are preserved (whole
lines are replaced), so diagnostics point at the original text. Uses CPython's fast `ast`;
never changes a line that is kept.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..jit_model import JIT_DECORATORS
from ..modules import dotted_name, module_imports
from ..recent import Recent
from ..spliced_ast import parse_module_text
from .jitted_guess import FactlessIfJitted

# A definition mentioning any of these may register an extension or declare record fields
# (jitclass specs, dtypes, namedtuples, structrefs) that the rules read: it is kept whole.
_FACT_WORDS = re.compile(
    r"\b(?:overload\w*|register\w*|typeof_impl|type_callable|lower_builtin|lower_cast|"
    r"infer_global|make_attribute_wrapper|jitclass|structref|StructRef\w*|define_\w+|"
    r"namedtuple|NamedTuple|from_dtype|recarray|fromrecords)\b|dtype\s*(?:\(\s*|=\s*)\["
)
# These make code jitted: they matter in a definition that holds nested definitions (one of
# them may be jitted) or that wraps a module-level function (`njit(f)` in a method).
_JIT_WORDS = re.compile(r"\b(?:n?jit|vectorize|guvectorize|cfunc|stencil|objmode)\b")
# Last names of numba's decorators and extension hooks: never assumed plain, even when imported
# through a project module (a re-export is likely then). Those the jit index knows, and the hooks
# it does not follow.
_NUMBA_DECORATOR_NAMES = frozenset(name.rpartition(".")[2] for name in JIT_DECORATORS) | {
    "overload_classmethod",
    "intrinsic",
    "jit_module",
}
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
# Lines that start a decorator, or a nested definition.
_DECORATOR_LINE = re.compile(r"^[ \t]*@", re.MULTILINE)
_NESTED_DEFINITION = re.compile(r"^[ \t]+(?:async[ \t]+)?(?:def|class)[ \t]", re.MULTILINE)
# A name passed as the first argument of a call, not called itself: `njit(f, ...)` wraps `f`.
_FIRST_ARGUMENT = re.compile(r"\(\s*([A-Za-z_]\w*)\s*(?=[,)])")
# Decorators that never make code jitted: a definition whose decorators are all of these
# (by their last name) can still be reduced.
_HARMLESS_DECORATORS = frozenset(
    {
        "property",
        "staticmethod",
        "classmethod",
        "abstractmethod",
        "setter",
        "getter",
        "deleter",
        "wraps",
        "lru_cache",
        "cache",
        "cached_property",
        "contextmanager",
        "fixture",
        "parametrize",
        "skipif",
        "skip",
        "xfail",
        "slow",
        "total_ordering",
        "dataclass",
        "override",
        "final",
        "filterwarnings",
        "usefixtures",
    }
)


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _called_with(statements: list[ast.stmt]) -> set[str]:
    """Names passed as arguments in the given statements, outside definitions
    (`fast = njit(slow)`)."""
    names: set[str] = set()
    for statement in statements:
        if isinstance(statement, _DEFINITIONS):
            continue
        names |= _passed_names(statement)
    return names


# A kept definition's text -> the names passed in it (the language server's, which blanks the
# same module on every keystroke; the CLI keeps none): `_passed_names` of the same text is the
# same, wherever it sits.
_PASSED: Recent[str, frozenset[str]] = Recent()


def remember_passed_names(definitions: int) -> None:
    """Keep the names passed in the last `definitions` kept definitions (0: none)."""
    _PASSED.set_limit(definitions)


def _names_passed_in(node: ast.AST, text: str) -> set[str]:
    """`_passed_names(node)`, remembered by the definition's text when asked to."""
    if not _PASSED.limit:
        return _passed_names(node)
    found = _PASSED.get(text)
    if found is None:
        found = frozenset(_passed_names(node))
        _PASSED.put(text, found)
    return set(found)


def _passed_names(node: ast.AST) -> set[str]:
    """Names and attribute names passed as arguments anywhere in `node` (`njit(helper)`,
    `njit(self._impl)`)."""
    names: set[str] = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(arg, ast.Name):
                    names.add(arg.id)
                elif isinstance(arg, ast.Attribute):
                    names.add(arg.attr)
    return names


def _rebound_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level by assignment or `import ... as`: any of them may
    be a jit decorator under a new name."""
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, _DEFINITIONS):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.alias) and node.asname:
                names.add(node.asname)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


def _dotted(node: ast.expr) -> str | None:
    """The decorator's dotted name, called (`@njit(...)`) or not."""
    return dotted_name(node.func if isinstance(node, ast.Call) else node)


def reduce_text(
    text: str, jit_names: frozenset[str] | None = None, module: tuple[str, bool] | None = None
) -> str | None:
    """`text` with reducible definition bodies blanked; None when nothing changes or the text
    does not parse (the caller then parses it as it is). See `reduce_parsed`."""
    return reduce_parsed(text, jit_names, module).text


@dataclass(frozen=True)
class Reduced:
    text: str | None  # None: nothing blanked
    tree: ast.Module | None  # None: the text does not parse
    # Decorators taken for plain Python, by their absolute names (see `reduce_parsed`).
    assumed_plain: frozenset[str] = frozenset()
    # With `jitted_bodies`: the `def` lines of the decorated functions whose bodies were
    # blanked on the guess that they are jitted (`jitted_guess.py`).
    guessed_jitted: frozenset[int] = frozenset()


def reduce_parsed(
    text: str,
    jit_names: frozenset[str] | None = None,
    module: tuple[str, bool] | None = None,
    *,
    jitted_bodies: bool = False,
    plain_bodies: bool = True,
) -> Reduced:
    """`reduce_text`, plus the ast of the original text, which `lines.Lines` reuses instead of
    parsing again.

    `jit_names`, for a file that never mentions numba: the only names under which a decorator
    can jit its function there (the project's decorator aliases). A decorator by any other name
    is then plain Python, like `property`.

    `module` (name, is a package): decorators imported from a module outside numba (a project
    helper such as `@core.non_normalized(...)`) are taken for plain Python and listed in
    `assumed_plain`; the caller must parse the text again without this assumption if one of
    them turns out to be one of the project's decorator aliases. Otherwise every unknown
    decorator may jit.

    `jitted_bodies` (a file read only for the project's facts: another shard's): also blank
    the bodies of decorated functions no fact can come from if they are jitted, and list them
    in `guessed_jitted` (`jitted_guess.py`); `plain_bodies` False: blank no other body (a run
    that parses whole texts, where those bodies give facts)."""
    try:
        tree = parse_module_text(text)  # `ast.parse`, in the language server a spliced one
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Reduced(None, None)
    imports = None
    if jit_names is not None:
        jit_names = jit_names | _rebound_names(tree)
    elif module is not None:
        imports = module_imports(tree, *module)
    reducer = _Reducer(text, tree, jit_names, imports)
    reducer.plain_bodies = plain_bodies
    if jitted_bodies:
        reducer.factless = FactlessIfJitted(tree, reducer.lines)
    reduced = reducer.reduce()
    return Reduced(reduced, tree, frozenset(reducer.assumed), frozenset(reducer.guessed))


def _first_line(node: _Definition) -> int:
    """The line of the first decorator, else of the `def`/`class` keyword."""
    return node.decorator_list[0].lineno if node.decorator_list else node.lineno


class _Reducer:
    def __init__(
        self,
        text: str,
        tree: ast.Module,
        jit_names: frozenset[str] | None,
        imports: dict[str, str] | None = None,
    ) -> None:
        self.tree = tree
        self.lines = text.splitlines(keepends=True)
        self.jit_names = jit_names
        self.imports = imports
        self.assumed: set[str] = set()
        # With `jitted_bodies`: which decorated functions' bodies give no fact if jitted.
        self.factless: FactlessIfJitted | None = None
        self.plain_bodies = True
        self.guessed: set[int] = set()
        functions = {
            node.name
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        # Module functions passed to a call anywhere (`fast = njit(slow)` at module level,
        # `numba.njit(slow)` in a function): the wrapped function is jitted code. (Classes are
        # passed around too, `isinstance(x, C)`, but are only jitted at module level.)
        self.wrappers = functions & set(_FIRST_ARGUMENT.findall(text))

    def reduce(self) -> str | None:
        wrapped = _called_with(self.tree.body) | self.wrappers
        changed = self._block(self.tree.body, wrapped)
        return "".join(self.lines) if changed else None

    def _harmless(self, decorator: ast.expr) -> bool:
        name = _decorator_name(decorator)
        if name in _HARMLESS_DECORATORS:
            return True
        if self.jit_names is not None:
            # Aliases may be dotted (`Kernel.wrap`, a wrapper class's classmethod).
            return name not in self.jit_names and _dotted(decorator) not in self.jit_names
        if self.imports is None or name in _NUMBA_DECORATOR_NAMES:
            return False
        dotted = _dotted(decorator)
        head, _, rest = (dotted or "").partition(".")
        source = self.imports.get(head)
        if source is None or source == "numba" or source.startswith("numba."):
            return False  # numba's own, or not bound by an import: it may jit
        self.assumed.add(f"{source}.{rest}" if rest else source)
        return True

    def _block(self, statements: list[ast.stmt], wrapped: set[str]) -> bool:
        """Blank the definitions of one block that cannot matter; look inside the ones kept
        that are plain Python themselves (a factory around a jitted closure, a class with one
        jitted method): their nested definitions are blanked the same way. `wrapped`: names
        passed to calls in this block."""
        changed = False
        for node in statements:
            if not isinstance(node, _DEFINITIONS) or node.name in wrapped:
                continue
            if not all(self._harmless(d) for d in node.decorator_list):
                # Jitted, or decorated by something that may jit it: kept whole, unless only
                # the project's facts are read here and its body cannot give one if jitted.
                if self.factless is not None and self.factless(node):
                    if self._blank_body(node):
                        self.guessed.add(node.lineno)
                        changed = True
                continue
            if not self.plain_bodies:
                continue
            end = node.end_lineno or node.lineno
            # The header counts too (bases such as NamedTuple or StructRefProxy declare
            # fields), and so do the decorators.
            span = "".join(self.lines[_first_line(node) - 1 : end])
            if self._matters(node, span):
                # Not jitted itself (a jitted function's nested defs are jitted code: never
                # here), so its own nested definitions may be blanked.
                changed |= self._block(node.body, _names_passed_in(node, span))
            else:
                changed |= self._blank_body(node)
        return changed

    def _matters(self, node: _Definition, span: str) -> bool:
        """Whether a plain definition holds facts, jitted code or the call that jits a
        module-level function."""
        if _FACT_WORDS.search(span) or self._has_jitting_decorator(node, span):
            return True
        if not _JIT_WORDS.search(span):
            return False
        # A nested def or class (a text test below the `def` line: a false yes only keeps more).
        header_lines = node.lineno - _first_line(node) + 1
        body_start = 0
        for _ in range(header_lines):
            body_start = span.find("\n", body_start) + 1
        if body_start and _NESTED_DEFINITION.search(span, body_start):
            return True
        return bool(self.wrappers & set(_FIRST_ARGUMENT.findall(span)))

    def _has_jitting_decorator(self, node: ast.AST, span: str) -> bool:
        if not _DECORATOR_LINE.search(span):  # no decorator anywhere (the common answer)
            return False
        for child in ast.walk(node):
            if isinstance(child, _DEFINITIONS):
                if not all(self._harmless(d) for d in child.decorator_list):
                    return True
        return False

    def _blank_body(self, node: _Definition) -> bool:
        """Replace the body of `node` by `...` (one line) or an empty string literal over the
        same lines; the lines before and after keep their numbers."""
        lines = self.lines
        first = node.body[0]
        decorators = getattr(first, "decorator_list", None) or [first]
        start, end = decorators[0].lineno, node.end_lineno or first.lineno
        if start <= node.lineno or start > len(lines):
            return False
        prefix = lines[start - 1][: first.col_offset]
        if decorators[0] is not first:  # `@decorator` sits one column left of its expression
            prefix = lines[start - 1][: max(decorators[0].col_offset - 1, 0)]
        if prefix.strip():  # the body shares its first line with the header
            return False
        newline = "\r\n" if lines[end - 1].endswith("\r\n") else "\n"
        if start == end:
            lines[start - 1] = f"{prefix}...{newline}"
            return True
        # One string literal over the blanked lines: libcst builds a node for every empty
        # line, and one token is cheaper than thousands of them.
        lines[start - 1] = f'{prefix}"""{newline}'
        for number in range(start, end - 1):
            lines[number] = newline
        lines[end - 1] = f'"""{newline}'
        return True
