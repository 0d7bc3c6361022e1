"""ParsedModule + JitIndex -> what each module-level name is bound to; resolving names across
the project's modules.

Called by `static.indexing.index_module` once per indexed module (the bindings travel on its
`IndexedModule`, read by the project's facts and the dynamic pass); rules resolve the qualified
names of the code they see with `resolve`. Reads the CST only; never imports anything. A name
bound in more than one way, or in a way this module does not recognise, is "other": rules stay
silent.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence

import libcst as cst

from .jit_index import FUNCTION_KINDS, JitIndex, absolute_module_name, absolute_name
from .names import target_names
from .parse import ParsedModule

JITTED = "jitted"
PLAIN_FUNCTION = "plain-function"
PLAIN_CLASS = "plain-class"
MUTABLE_CONTAINER = "mutable-container"
ARRAY = "array"
# A number, string, bool or None, or a tuple or arithmetic of them: Numba freezes its value.
CONSTANT = "constant"
OTHER = "other"
IMPORT = "import:"

# Decorators that leave a class an ordinary Python class (Numba still cannot type it).
_PLAIN_CLASS_DECORATORS = frozenset({"dataclass", "total_ordering"})
# Bases that keep a class plain: nothing Numba knows how to type derives from these alone.
_PLAIN_BASES = frozenset({"object", "ABC"})
_CONTAINER_CALLS = frozenset({"list", "dict", "set"})
# NumPy constructors whose result is a fresh ndarray.
_ARRAY_CALLS = frozenset(
    "zeros ones empty full array arange linspace zeros_like ones_like empty_like full_like eye "
    "identity asarray".split()
)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else ""
    return ""


def _literal(value: cst.BaseExpression) -> bool:
    """`3`, `-1.5`, `"a"`, `True`, `2 ** 31`, `(1, 2)`: a value written out in the source."""
    if isinstance(value, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)):
        return True
    if isinstance(value, cst.Name):
        return value.value in ("True", "False", "None")
    if isinstance(value, cst.UnaryOperation):
        return _literal(value.expression)
    if isinstance(value, cst.BinaryOperation):
        return _literal(value.left) and _literal(value.right)
    if isinstance(value, cst.Tuple):
        return bool(value.elements) and all(_literal(e.value) for e in value.elements)
    return False


def _top_level_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Module-level statements, descending into if/try/with/for blocks but not defs/classes."""
    for statement in body:
        yield statement
        if isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
            for block in _blocks(statement):
                yield from _top_level_statements(block)


def _blocks(statement: cst.CSTNode) -> Iterator[list[cst.BaseStatement]]:
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        yield list(body.body)
    for handler in getattr(statement, "handlers", ()):
        if isinstance(handler.body, cst.IndentedBlock):
            yield list(handler.body.body)
    for name in ("orelse", "finalbody"):
        other = getattr(statement, name, None)
        if other is None:
            continue
        if isinstance(other, cst.If):
            yield [other]
        elif isinstance(getattr(other, "body", None), cst.IndentedBlock):
            yield list(other.body.body)


class _Bindings:
    """The kinds each module-level name is bound as, in source order (more than one kind, or
    an unrecognised one, makes it "other"), and the bases of the classes that may be plain."""

    def __init__(self) -> None:
        self.kinds: dict[str, list[str]] = {}
        self.class_bases: dict[str, list[str]] = {}

    def bind(self, name: str, kind: str) -> None:
        self.kinds.setdefault(name, []).append(kind)


class _Collector(_Bindings):
    def __init__(self, parsed: ParsedModule, index: JitIndex) -> None:
        super().__init__()
        self.parsed = parsed
        self.index = index

    def value_kind(self, value: cst.BaseExpression) -> str:
        if _literal(value):
            return CONSTANT
        if isinstance(
            value, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)
        ):
            return MUTABLE_CONTAINER
        if isinstance(value, cst.Call):
            names = {q.name for q in self.parsed.names.qualified_names(value.func)}
            if names and names <= {f"builtins.{c}" for c in _CONTAINER_CALLS}:
                return MUTABLE_CONTAINER
            if names and all(
                n.startswith("numpy.") and n.rsplit(".", 1)[1] in _ARRAY_CALLS and n.count(".") == 1
                for n in names
            ):
                return ARRAY
        return OTHER

    def collect(self) -> dict[str, str]:
        module = self.parsed.module
        for statement in _top_level_statements(module.body):
            if isinstance(statement, cst.FunctionDef):
                decorated = bool(statement.decorators) or statement.asynchronous is not None
                self.bind(statement.name.value, OTHER if decorated else PLAIN_FUNCTION)
            elif isinstance(statement, cst.ClassDef):
                self.bind(statement.name.value, self.class_kind(statement))
            elif isinstance(statement, (cst.For, cst.With)):
                for name in self._block_targets(statement):
                    self.bind(name, OTHER)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self.small_statement(small)
        self.resolve_class_bases()
        result = {
            name: kinds[0]
            if len(set(kinds)) == 1
            and (kinds[0] != MUTABLE_CONTAINER and kinds[0] != ARRAY or len(kinds) == 1)
            else OTHER
            for name, kinds in self.kinds.items()
        }
        for name in self.jitted_names():
            result[name] = JITTED
        return result

    def _block_targets(self, statement: cst.CSTNode) -> Iterator[str]:
        if isinstance(statement, cst.For):
            yield from target_names(statement.target)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None:
                    yield from target_names(item.asname.name)

    def small_statement(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.Assign):
            kind = self.value_kind(small.value) if len(small.targets) == 1 else OTHER
            for target in small.targets:
                single = isinstance(target.target, cst.Name)
                for name in target_names(target.target):
                    self.bind(name, kind if single else OTHER)
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            kind = self.value_kind(small.value) if small.value is not None else OTHER
            self.bind(small.target.value, kind)
        elif isinstance(small, cst.AugAssign):
            for name in target_names(small.target):
                self.bind(name, OTHER)
        elif isinstance(small, cst.Import):
            for alias in small.names:
                local = alias.asname.name if alias.asname else alias.name
                name = _dotted(local).split(".")[0]  # type: ignore[arg-type]
                if name:
                    self.bind(name, OTHER)
        elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            source = "." * len(small.relative) + (_dotted(small.module) if small.module else "")
            source = absolute_name(source, self.parsed) if source.startswith(".") else source
            for alias in small.names:
                if not isinstance(alias.name, cst.Name):
                    continue
                local = alias.asname.name if alias.asname else alias.name
                if isinstance(local, cst.Name):
                    self.bind(local.value, f"{IMPORT}{source}.{alias.name.value}")
        elif isinstance(small, (cst.Global, cst.Del)):
            names = small.names if isinstance(small, cst.Global) else ()
            for item in names:
                self.bind(item.name.value, OTHER)
            if isinstance(small, cst.Del):
                for name in target_names(small.target):
                    self.bind(name, OTHER)

    def class_kind(self, node: cst.ClassDef) -> str:
        if node.keywords or node.name.value in self.index.jitclasses:
            return OTHER
        for decorator in node.decorators:
            target = decorator.decorator
            target = target.func if isinstance(target, cst.Call) else target
            if _dotted(target).rsplit(".", 1)[-1] not in _PLAIN_CLASS_DECORATORS:
                return OTHER
        bases = []
        for arg in node.bases:
            base = _dotted(arg.value)
            if not base or arg.keyword is not None or arg.star:
                return OTHER
            bases.append(base.rsplit(".", 1)[-1] if base.startswith("abc.") else base)
        self.class_bases[node.name.value] = bases
        return PLAIN_CLASS

    def resolve_class_bases(self) -> None:
        """A class is plain only if every base is `object`/`ABC` or another plain class here."""
        plain = {name for name in self.class_bases if self.kinds.get(name) == [PLAIN_CLASS]}
        for name in plain - _still_plain(self.class_bases, plain):
            self.kinds[name] = [OTHER]

    def jitted_names(self) -> Iterator[str]:
        for function in self.index.functions:
            if function.form == "decorator" and function.kind in FUNCTION_KINDS:
                if "." not in function.qualname:
                    yield function.name
            elif function.form == "call" and function.dispatcher_name:
                yield function.dispatcher_name


def module_bindings(parsed: ParsedModule, index: JitIndex) -> dict[str, str]:
    """Module-level name -> one of the kinds above (or "import:<absolute qualified name>")."""
    return _Collector(parsed, index).collect()


def resolve(
    bindings: Mapping[str, Mapping[str, str]], module: str, qualified: str, hops: int = 8
) -> str | None:
    """What `qualified` (as seen from `module`) is bound to, following project imports.

    None when it leads outside the checked modules (third-party code, builtins, unparsed files)
    or to a name the module does not bind.
    """
    if "<locals>" in qualified or "<" in qualified:
        return None
    if "." not in qualified:
        target_module, name = module, qualified
    else:
        target_module, name = qualified.rsplit(".", 1)
    for _ in range(hops):
        kinds = bindings.get(target_module)
        if kinds is None:
            # `import pkg.mod` then `pkg.mod.helper`: the module part may itself be a package
            # re-export; without more we cannot tell, so stay silent.
            return None
        kind = kinds.get(name)
        if kind is None or not kind.startswith(IMPORT):
            return kind
        target_module, name = kind[len(IMPORT) :].rsplit(".", 1)
    return None


def _still_plain(class_bases: Mapping[str, Sequence[str]], plain: set[str]) -> set[str]:
    """The classes of `plain` whose every base is `object`/`ABC` or another of them that stays
    plain (a base outside `plain` makes a class other, and that may demote its subclasses)."""
    kept = set(plain)
    changed = True
    while changed:
        changed = False
        for name, bases in class_bases.items():
            if name in kept and any(b not in _PLAIN_BASES and b not in kept for b in bases):
                kept.discard(name)
                changed = True
    return kept


def unparsed_bindings(
    tree: ast.Module, module_name: str, is_package: bool
) -> tuple[dict[str, str], set[str]]:
    """Bindings of a project module that never mentions Numba, from CPython's `ast`.

    Nothing in such a module can be jitted, so its undecorated top-level defs are plain
    functions. Returns the bindings and the names it passes as call arguments (possible
    registrations with an extension, as in `collect_facts`).
    """
    collector = _UnparsedCollector(module_name, is_package)
    collector.walk(tree.body)
    result = {
        name: kinds[0] if len(kinds) == 1 or set(kinds) == {PLAIN_FUNCTION} else OTHER
        for name, kinds in collector.kinds.items()
    }
    plain = {name for name, kind in result.items() if kind == PLAIN_CLASS}
    for name in plain - _still_plain(collector.class_bases, plain):
        result[name] = OTHER
    arguments = {
        _ast_last(arg)
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        for arg in call.args
        if isinstance(arg, (ast.Name, ast.Attribute))
    }
    return result, arguments


class _UnparsedCollector(_Bindings):
    """`_Collector` for CPython's ast (a module that never mentions Numba)."""

    def __init__(self, module_name: str, is_package: bool) -> None:
        super().__init__()
        self.module_name = module_name
        self.is_package = is_package

    def walk(self, body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef):
                self.bind(node.name, OTHER if node.decorator_list else PLAIN_FUNCTION)
            elif isinstance(node, ast.ClassDef):
                self.class_definition(node)
            elif isinstance(node, ast.ImportFrom):
                self.import_from(node)
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                self.walk(
                    [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
                )
                for handler in getattr(node, "handlers", []):
                    self.walk(handler.body)
                for target in _ast_targets(node):
                    self.bind(target, OTHER)
            else:
                kind = _ast_assigned_kind(node)
                for target in _ast_targets(node):
                    self.bind(target, kind)

    def class_definition(self, node: ast.ClassDef) -> None:
        plain = not node.keywords and all(
            _ast_last(d) in _PLAIN_CLASS_DECORATORS for d in node.decorator_list
        )
        names = [_ast_last(b) for b in node.bases]
        self.class_bases[node.name] = names
        self.bind(node.name, PLAIN_CLASS if plain and all(names) else OTHER)

    def import_from(self, node: ast.ImportFrom) -> None:
        source = "." * node.level + (node.module or "")
        source = absolute_module_name(source, self.module_name, self.is_package)
        for alias in node.names:
            if alias.name != "*":
                self.bind(alias.asname or alias.name, f"{IMPORT}{source}.{alias.name}")


def _ast_assigned_kind(node: ast.stmt) -> str:
    """What an assignment binds its targets to (`value_kind` for CPython's ast, no calls)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)):
        return OTHER
    containers = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
    if isinstance(node.value, containers):
        return MUTABLE_CONTAINER
    return CONSTANT if _ast_literal(node.value) else OTHER


def _ast_literal(value: ast.AST | None) -> bool:
    """`_literal` for CPython's ast."""
    if isinstance(value, ast.Constant):
        return value.value is not Ellipsis
    if isinstance(value, ast.UnaryOp):
        return _ast_literal(value.operand)
    if isinstance(value, ast.BinOp):
        return _ast_literal(value.left) and _ast_literal(value.right)
    if isinstance(value, ast.Tuple):
        return bool(value.elts) and all(_ast_literal(e) for e in value.elts)
    return False


def _ast_last(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _ast_targets(node: ast.AST) -> Iterator[str]:
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For)):
        targets = [node.target]
    elif isinstance(node, ast.With):
        targets = [item.optional_vars for item in node.items if item.optional_vars]
    elif isinstance(node, ast.Import):
        yield from (alias.asname or alias.name.split(".")[0] for alias in node.names)
    elif isinstance(node, (ast.Global, ast.Delete)):
        yield from getattr(node, "names", ())
        targets = list(getattr(node, "targets", []))
    for target in targets:
        for child in ast.walk(target):
            if isinstance(child, ast.Name):
                yield child.id
