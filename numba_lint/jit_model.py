"""The values the jit index hands on: numba's decorator names and kinds, `JitDecorator` (one
resolved decorator), `JitFunction` (one function Numba compiles), `JitIndex` (a module's) and
`IndexedModule` (a parsed module with its index and bindings).
Read by every step after the index; pure data and small pure helpers, never reads files or
imports Numba.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import libcst as cst

from .modules import absolute_module_name
from .parse import ParsedModule

# Fully qualified decorator name -> the kind of jitted code it makes.
JIT_DECORATORS: dict[str, str] = {
    "numba.jit": "jit",
    "numba.core.decorators.jit": "jit",
    "numba.njit": "njit",
    "numba.core.decorators.njit": "njit",
    "numba.generated_jit": "generated_jit",
    "numba.core.decorators.generated_jit": "generated_jit",
    "numba.vectorize": "vectorize",
    "numba.np.ufunc.vectorize": "vectorize",
    "numba.np.ufunc.decorators.vectorize": "vectorize",
    "numba.guvectorize": "guvectorize",
    "numba.np.ufunc.guvectorize": "guvectorize",
    "numba.np.ufunc.decorators.guvectorize": "guvectorize",
    "numba.cfunc": "cfunc",
    "numba.core.decorators.cfunc": "cfunc",
    "numba.stencil": "stencil",
    "numba.stencils.stencil.stencil": "stencil",
    "numba.experimental.jitclass": "jitclass",
    "numba.experimental.jitclass.decorators.jitclass": "jitclass",
    "numba.jitclass": "jitclass",
    "numba.extending.overload": "overload",
    "numba.core.extending.overload": "overload",
    "numba.extending.overload_method": "overload",
    "numba.core.extending.overload_method": "overload",
    "numba.extending.overload_attribute": "overload",
    "numba.core.extending.overload_attribute": "overload",
    "numba.extending.register_jitable": "register_jitable",
    "numba.core.extending.register_jitable": "register_jitable",
    "numba.cuda.jit": "cuda_jit",
}

# Kinds whose decorated function is itself compiled. jitclass compiles the methods of the class;
# overload compiles the implementation functions defined inside the decorated one.
FUNCTION_KINDS = frozenset(
    {
        "jit",
        "njit",
        "generated_jit",
        "vectorize",
        "guvectorize",
        "cfunc",
        "stencil",
        "register_jitable",
        "cuda_jit",
    }
)


@dataclass(frozen=True)
class JitDecorator:
    """A resolved jit decorator: its kind, its literal options and its signature arguments."""

    kind: str
    qualified_name: str
    # Keyword options whose values are literals (nopython=True, cache=True, ...).
    options: Mapping[str, Any] = field(default_factory=dict)
    # Keyword options present but not literal, by source text.
    option_sources: Mapping[str, str] = field(default_factory=dict)
    # Positional arguments as source text: signatures for jit/njit/cfunc/vectorize, spec for
    # jitclass.
    positional: tuple[str, ...] = ()
    line: int = 0
    # How the project spells it: "numba" (numba's own, or a re-export or `partial` of it:
    # usable bare or called with options), "decorator" (a project callable or configured object
    # applied to the function itself), "factory" (a project callable whose call returns a
    # decorator, `@_jit(2)`) or "either" (`def w(p): return njit(p)`: `@w` jits, `@w(sigs)` is
    # a factory call, as with numba's own).
    shape: str = "numba"
    # The project wrapper that applies numba's decorator (factory, decorator function, partial,
    # configured alias, wrapper class), by its qualified name; None for numba's own spelling.
    via: str | None = None
    # Factories only: their parameters (name, literal default or NO_DEFAULT, in call order),
    # and the options and signature positions they forward from a parameter.
    parameters: tuple[tuple[str, Any], ...] = ()
    option_parameters: Mapping[str, str] = field(default_factory=dict)
    positional_parameters: Mapping[int, str] = field(default_factory=dict)

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


@dataclass(frozen=True, eq=False)
class JitFunction:
    """One function whose body Numba compiles."""

    name: str
    qualname: str
    node: cst.FunctionDef
    decorator: JitDecorator
    # How it became jitted: "decorator", "call" (fast = njit(slow)), "jitclass-method",
    # "overload-implementation".
    form: str
    line: int
    # The name that holds the dispatcher, when it differs from `name` (fast = njit(slow)).
    dispatcher_name: str | None = None
    class_name: str | None = None
    # The same def jitted again (a serial and a parallel variant): each further wrapping's
    # (dispatcher name, decorator). `decorator` then holds only the options they agree on, for
    # the rules (which walk the body once); listings name every variant.
    variants: tuple[tuple[str | None, JitDecorator], ...] = ()

    @property
    def kind(self) -> str:
        return self.decorator.kind

    @property
    def via(self) -> str | None:
        return self.decorator.via

    @property
    def signatures(self) -> tuple[str, ...]:
        """Explicit signatures in the decorator (source text), empty for lazy functions."""
        if self.kind in ("jitclass", "overload", "register_jitable", "stencil"):
            return ()
        first = self.decorator.positional[:1]
        # @guvectorize("(n)->(n)") alone is a dynamic gufunc: the string is its layout, not a
        # signature, so the function is lazy.
        if self.kind == "guvectorize" and len(self.decorator.positional) == 1 and "->" in first[0]:
            return ()
        return first


@dataclass
class JitIndex:
    functions: list[JitFunction]
    # Classes decorated with @jitclass: name -> field names (from the spec and annotations).
    jitclasses: dict[str, frozenset[str]]
    # Module-level names bound to a jit decorator (possibly pre-configured): name -> decorator.
    decorator_aliases: dict[str, JitDecorator]
    # Qualified names looked up as possible project aliases and not found: indexing again with
    # the project's aliases can change something only if one of them is an alias.
    looked_up: frozenset[str] = frozenset()

    def needs_aliases(self, aliases: Mapping[str, JitDecorator]) -> bool:
        """Whether indexing again with `aliases` (the project's) can find more."""
        return not self.looked_up.isdisjoint(aliases)

    def by_node(self) -> dict[cst.FunctionDef, JitFunction]:
        return {function.node: function for function in self.functions}


class IndexedModule(NamedTuple):
    """One module as the static pass hands it on: its parse, its jit index and what each of its
    module-level names is bound to (`bindings.module_bindings`; built once, by
    `static.indexing.index_module`). Unpacks as `parsed, index, bindings`; `.index` would be
    the tuple's own method."""

    parsed: ParsedModule
    jit_index: JitIndex
    # Module-level name -> its kind ("jitted", "plain-function", "import:<name>", ...).
    bindings: Mapping[str, str]


# Qualified name in the project -> numba decorator name, e.g. {"pkg._jit.jit": "numba.njit"}.
ProjectAliases = Mapping[str, JitDecorator]


def absolute_name(name: str, parsed: ParsedModule) -> str:
    """`.sub.name` as written in `parsed` -> `package.sub.name` (absolute names pass through)."""
    if not name.startswith("."):
        return name  # the common case, without asking the path whether it is a package
    return absolute_module_name(name, parsed.module_name, parsed.source.path.stem == "__init__")


# A factory parameter without a literal default.
NO_DEFAULT = "<no literal default>"


def closed(decorator: JitDecorator) -> JitDecorator:
    """A decorator whose forwarded parameters are not the caller's to set: they become unknown."""
    sources = dict(decorator.option_sources)
    for option, parameter in decorator.option_parameters.items():
        sources[option] = f"<{parameter}>"
    positional = list(decorator.positional)
    if decorator.positional_parameters:
        sources.setdefault("signatures", "<set by the wrapper>")
        positional = positional[: min(decorator.positional_parameters)]
    return replace(
        decorator,
        option_sources=sources,
        option_parameters={},
        positional=tuple(positional),
        positional_parameters={},
        parameters=(),
    )


def jitclass_fields(node: cst.ClassDef, decorator: JitDecorator) -> frozenset[str]:
    """The field names of a @jitclass class: its annotated attributes and its spec's names."""
    fields_: set[str] = set()
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    fields_.add(small.target.value)
    for spec in decorator.positional[:1]:
        try:
            value = ast.literal_eval(spec)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, (list, tuple)):
            fields_.update(item[0] for item in value if isinstance(item, tuple) and item)
        elif isinstance(value, dict):
            fields_.update(str(key) for key in value)
        else:
            # A spec we cannot evaluate statically: keep its string literals as field names.
            try:
                tree = ast.parse(spec, mode="eval")
            except SyntaxError:
                continue
            fields_.update(
                n.value
                for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            )
    return frozenset(fields_)
