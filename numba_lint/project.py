"""All parsed modules -> ProjectFacts: names the project itself gives meaning to.

Called by the pipeline after parsing, before the static rules. Collects field names of the
project's jitclasses, structrefs, namedtuples and structured dtypes, and the attributes and
methods the project registers on its own Numba types (`overload_method`, `overload_attribute`,
`make_attribute_wrapper`, attribute templates), so that attribute rules do not mistake them for
plain-class attributes, and each module's bindings as its `IndexedModule` carries them. Reads
the CSTs only; never imports anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import libcst as cst

from . import bindings as project_bindings
from . import index_memo
from .jit_index import IndexedModule, JitIndex
from .parse import ParsedModule
from .recursion import deep_recursion
from .walk import TypeDispatchVisitor, walk


class AnswersProjectQuestions:
    """The only questions rules ask about the project (`checks.base.ProjectQuestions`),
    answered from field names, registrations and bindings: by the whole project's
    `ProjectFacts`, and by a static worker's facts so far (`static.dropped.RunningFacts`)."""

    field_names: AbstractSet[str]
    registered: AbstractSet[str]
    bindings: Mapping[str, Mapping[str, str]]

    def is_field(self, attribute: str) -> bool:
        return attribute in self.field_names

    def is_registered(self, name: str) -> bool:
        return name in self.registered

    def resolve(self, module: str, qualified: str) -> str | None:
        """What `qualified`, seen from `module`, is bound to (`bindings.resolve`)."""
        return project_bindings.resolve(self.bindings, module, qualified)


@dataclass
class ProjectFacts(AnswersProjectQuestions):
    """What the static pass knows about the whole project being checked (all modules)."""

    # Attribute names that project types legitimately carry in jitted code: jitclass and
    # structref fields, namedtuple fields, structured dtype field names, and the attributes and
    # methods the project registers on its own Numba types (overload_method,
    # overload_attribute, make_attribute_wrapper, lower_getattr, attribute templates). Merged
    # across modules (`static.share.merge_facts`), asked through `is_field`.
    field_names: frozenset[str] = frozenset()
    # Top-level names of every module in the run: module name -> names bound at module level.
    module_names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Module-level bindings of every parsed module: module name -> name -> kind (see
    # numba_lint/bindings.py: "jitted", "plain-function", "plain-class", "import:<name>", ...).
    bindings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Names passed as arguments to calls or decorators outside jitted code anywhere in the
    # project (`overload(helper)`, `typeof_impl.register(Point)`): an extension may have taught
    # Numba to type them, so rules about plain functions and classes leave them alone.
    registered: frozenset[str] = frozenset()


# Calls whose string arguments name fields: np.dtype([...]), namedtuple("P", "x y"),
# structref.define_proxy(P, T, ["a", "b"]), jitclass(spec), numba.from_dtype(...); and the
# extension API's registrations of attributes and methods on a type of the project:
# overload_method(T, "name"), overload_attribute(T, "name"), make_attribute_wrapper(T, "member",
# "name"), lower_getattr(T, "name"); typing templates are read in `visit_ClassDef`.
_FIELD_CALLS = frozenset(
    {
        "overload_method",
        "overload_attribute",
        "overload_classmethod",
        "make_attribute_wrapper",
        "lower_getattr",
        "lower_setattr",
        "dtype",
        "namedtuple",
        "define_proxy",
        "define_boxing",
        "jitclass",
        "Record",
        "make",
        "from_dtype",
        "NamedTuple",
        "recarray",
        "zeros",
        "empty",
        "array",
        "fromrecords",
    }
)
_FIELD_BASES = frozenset({"NamedTuple", "StructRefProxy", "StructRef", "TypedDict"})
# Typing templates whose `resolve_<name>` methods give a Numba type the attribute `<name>`
# (`@infer_getattr class ArrayAttribute(AttributeTemplate)`).
_TEMPLATE_BASES = frozenset({"AttributeTemplate"})


class _FieldCollector(TypeDispatchVisitor):
    def __init__(self, jitted: frozenset[cst.FunctionDef] = frozenset()) -> None:
        super().__init__()
        # Jitted bodies declare no fields and register nothing: they are not walked.
        self.jitted = jitted
        self.names: set[str] = set()
        # Last name component of every Name/Attribute passed as a call or decorator argument.
        self.arguments: Counter[str] = Counter()
        # Names passed to field-declaring calls, and module lists of strings by name.
        self.field_arguments: set[str] = set()
        self.string_lists: dict[str, cst.BaseExpression] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node not in self.jitted

    def visit_Assign(self, node: cst.Assign) -> None:
        # FIELDS = ["a", "b"]; define_proxy(P, T, FIELDS): remember the strings by name.
        if (
            len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and isinstance(node.value, (cst.List, cst.Tuple))
        ):
            self.string_lists[node.targets[0].target.value] = node.value

    def leave_Module(self, original_node: cst.Module) -> None:
        for name in self.field_arguments & set(self.string_lists):
            self._strings(self.string_lists[name])

    def _strings(self, node: cst.CSTNode) -> None:
        for string in _string_literals(node):
            for word in string.replace(",", " ").split():
                if word.isidentifier():
                    self.names.add(word)

    def visit_Call(self, node: cst.Call) -> None:
        for arg in node.args:
            value = arg.value
            if isinstance(value, cst.Attribute):
                self.arguments[value.attr.value] += 1
            elif isinstance(value, cst.Name):
                self.arguments[value.value] += 1
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if name in _FIELD_CALLS:
            for arg in node.args:
                self._strings(arg.value)
                if isinstance(arg.value, cst.Name):
                    self.field_arguments.add(arg.value.value)

    def visit_Tuple(self, node: cst.Tuple) -> None:
        # ("name", type) pairs: dtype and jitclass specs written as lists of tuples.
        if len(node.elements) in (2, 3) and isinstance(node.elements[0].value, cst.SimpleString):
            self._strings(node.elements[0].value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = {_last_name(base.value) for base in node.bases}
        decorated = {_last_name(d.decorator) for d in node.decorators}
        if bases & _TEMPLATE_BASES:
            for statement in node.body.body:
                if isinstance(statement, cst.FunctionDef):
                    name = statement.name.value
                    if name.startswith("resolve_") and len(name) > len("resolve_"):
                        self.names.add(name.removeprefix("resolve_"))
        if not (bases & _FIELD_BASES or decorated & {"jitclass", "register"}):
            return
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        self.names.add(small.target.value)
            elif isinstance(statement, cst.FunctionDef):
                # Properties of structref proxies are how jitted code reads their fields.
                self.names.add(statement.name.value)


def _last_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Name):
        return node.value
    return ""


def _string_literals(node: cst.CSTNode) -> Iterable[str]:
    found: list[str] = []

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            value = string.evaluated_value
            if isinstance(value, str):
                found.append(value)

    walk(node, _Strings())
    return found


def collect_facts(modules: Iterable[IndexedModule]) -> ProjectFacts:
    # Module-level code nests deeper than Python's default recursion limit (a valid sum of
    # 1,500 terms); the walks below recurse per level, as the rules do (`deep_recursion`).
    with deep_recursion():
        return _collect_facts(modules)


def _own_facts(parsed: ParsedModule, index: JitIndex) -> tuple[frozenset[str], frozenset[str]]:
    """The field names and registered names one module's own code gives."""
    collector = _FieldCollector(frozenset(f.node for f in index.functions))
    walk(parsed.module, collector)
    # `fast = njit(slow)` passes `slow` as an argument too; that is not a registration.
    collector.arguments.subtract(f.name for f in index.functions if f.form == "call")
    registered = frozenset(name for name, count in collector.arguments.items() if count > 0)
    return frozenset(collector.names), registered


def _collect_facts(modules: Iterable[IndexedModule]) -> ProjectFacts:
    names: set[str] = set()
    arguments: set[str] = set()
    bindings: dict[str, dict[str, str]] = {}
    for parsed, index, module_bindings in modules:
        # The language server's memo: the last check's facts when the index was reused.
        own = index_memo.reused_facts(parsed, index)
        if own is None:
            own = _own_facts(parsed, index)
            index_memo.keep_facts(parsed, index, own)
        module_fields, module_registered = own
        names |= module_fields
        arguments.update(module_registered)
        for fields in index.jitclasses.values():
            names |= fields
        # Two files with one module name (two projects in one run): neither can be trusted.
        clash = parsed.module_name in bindings
        bindings[parsed.module_name] = {} if clash else dict(module_bindings)
    return ProjectFacts(
        field_names=frozenset(names), bindings=bindings, registered=frozenset(arguments)
    )
