"""The rule framework: what a rule is, what it may see, and the one walk that runs them all.

A rule is a small class carrying its code, kebab-case name, severity, message, documentation
(the class docstring, with fixed headings) and proven examples. Static rules are libcst visitors
that *report*; they never print, read configuration, touch the filesystem or import user code.
Dynamic rules (NB9xx) carry the same documentation; the dynamic pass emits their diagnostics.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from ..diagnostic import DOCS_URL, Diagnostic, Location, Pass, Severity
from ..jit_index import JitFunction, JitIndex
from ..merge import CAUSE, cause_at, fold
from ..parse import ParsedModule
from ..recursion import deep_recursion
from ..walk import walk
from .rule_docs import render_docs
from .walk_memo import Recorder, memo_for

if TYPE_CHECKING:
    from ..knowledge import Knowledge

DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead")


@dataclass(frozen=True)
class Example:
    """A complete module. `call` is Python run after it to trigger the compile (lazy functions).

    `numba` says what real Numba does with it: "fails" (nopython compile error), "compiles",
    or "warns" (compiles, with a NumbaWarning). Invalid examples mark each line the rule must
    report with a trailing `# expect: NBxxx` comment.
    """

    code: str
    call: str | None = None
    numba: str = ""
    # Other modules of the example's project, (module name, code), written next to it: for
    # rules about what one module takes from another.
    modules: tuple[tuple[str, str], ...] = ()
    # The example the rule's docs show: under "Example" (an invalid one) or "Use instead" (a
    # valid one), so the code on the page is the tested code (rule_docs.render_docs).
    shown: bool = False

    @property
    def source(self) -> str:
        return textwrap.dedent(self.code).strip("\n") + "\n"

    @property
    def module_sources(self) -> dict[str, str]:
        return {name: textwrap.dedent(code).strip("\n") + "\n" for name, code in self.modules}

    def expected(self, code: str) -> list[int]:
        marker = f"# expect: {code}"
        return [n for n, line in enumerate(self.source.splitlines(), 1) if marker in line]


class ProjectQuestions(Protocol):
    """The questions rules may ask about the project: `project.ProjectFacts` answers them, and so
    does the static engine's recorder of questions (`static/asked.py`), which relies on rules
    asking nothing else."""

    def is_field(self, attribute: str) -> bool: ...

    def is_registered(self, name: str) -> bool: ...

    def resolve(self, module: str, qualified: str) -> str | None: ...


@dataclass
class RuleContext:
    parsed: ParsedModule
    index: JitIndex
    knowledge: Knowledge | None
    project: ProjectQuestions
    # The innermost jitted function whose body is being walked (None outside jitted code).
    function: JitFunction | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # What each name node in jitted code is bound to at module level (see GlobalRule.binding).
    bindings_seen: dict[cst.CSTNode, str | None] = field(default_factory=dict)
    # What several rules derive alike from one node of this module (the prange loops of a
    # function, ...), computed by the first rule that asks: (what, node) -> the value.
    shared: dict[tuple[str, cst.CSTNode], Any] = field(default_factory=dict)


class RuleInfo:
    """Documentation and identity, shared by static and dynamic rules."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    pass_: ClassVar[Pass] = Pass.STATIC
    # One line: what is wrong (used in lists, SARIF shortDescription).
    summary: ClassVar[str]
    # Format string for the diagnostic message.
    message: ClassVar[str]
    # Imprecise rules ship off by default (select them explicitly).
    default_enabled: ClassVar[bool] = True
    valid: ClassVar[Sequence[Example]] = ()
    invalid: ClassVar[Sequence[Example]] = ()
    # Words of the Numba warning that reports the same problem at the same place (a static
    # rule that predicts it): the trial compile's warning then confirms this finding instead
    # of repeating it (merge.merge).
    numba_warning: ClassVar[str] = ""

    @classmethod
    def page_name(cls) -> str:
        return f"{cls.code}-{cls.name}.md"

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(page=cls.page_name())

    @classmethod
    def docs(cls) -> str:
        """The docstring, with the shown examples' code under "Example" and "Use instead"."""
        return render_docs(inspect.cleandoc(cls.__doc__ or ""), cls.invalid, cls.valid)


class StaticRule(RuleInfo, cst.BatchableCSTVisitor):
    # Rules resolve names with `context.parsed.names`; positions are computed only for the
    # nodes they report (most modules report nothing).
    METADATA_DEPENDENCIES: ClassVar[Sequence[Any]] = ()

    def __init__(self, context: RuleContext) -> None:
        super().__init__()
        self.context = context
        # (jitted function, name) -> the cause key of this rule's first finding about the name
        # there (`first_finding`).
        self._first_findings: dict[tuple[str, str], str] = {}

    @property
    def function(self) -> JitFunction | None:
        return self.context.function

    @property
    def knowledge(self) -> Knowledge | None:
        return self.context.knowledge

    def check_function(self, function: JitFunction) -> None:
        """Called once per jitted function before its body is walked (decorator checks)."""

    def position_key(self, node: cst.CSTNode) -> str:
        """The cause key naming `node`'s position: findings reported with it as their `cause`
        fold into the finding any rule reports on `node` (see `merge.fold`)."""
        where: CodeRange = self.context.parsed.wrapper.resolve(PositionProvider)[node]
        return cause_at(Location(where.start.line, where.start.column + 1))

    def first_finding(self, node: cst.CSTNode, name: str) -> str:
        """The cause key for a finding at `node` about `name` (a global, a library function):
        the position of this rule's first finding about `name` in the jitted function. One
        fix (jit the helper, pass the container as an argument, replace the call) is the same
        for every use there, so they are one finding listing the others (`merge.fold`)."""
        function = self.context.function.qualname if self.context.function is not None else ""
        key = (function, name)
        if key not in self._first_findings:
            self._first_findings[key] = self.position_key(node)
        return self._first_findings[key]

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        function: JitFunction | None = None,
        cause: str | None = None,
        detail: Mapping[str, Any] | None = None,
        **arguments: Any,
    ) -> None:
        """Report `node`. `cause`: a key shared by the findings that follow from one problem
        (a `position_key`, or any string unique to that problem); they become one finding.
        `detail`: machine-readable facts for the merge and the JSON output."""
        where: CodeRange = self.context.parsed.wrapper.resolve(PositionProvider)[node]
        owner = function or self.context.function
        self.context.diagnostics.append(
            Diagnostic(
                filename=self.context.parsed.source.display,
                location=Location(where.start.line, where.start.column + 1),
                end_location=Location(where.end.line, where.end.column + 1),
                code=self.code,
                message=message if message is not None else self.message.format(**arguments),
                severity=self.severity,
                pass_=Pass.STATIC,
                function=owner.qualname if owner else None,
                url=self.url(),
                detail={**(detail or {}), **({CAUSE: cause} if cause is not None else {})},
            )
        )


class DynamicRule(RuleInfo):
    """A trial-compile result class; the dynamic pass builds its diagnostics."""

    pass_ = Pass.DYNAMIC


def _outermost(functions: Sequence[JitFunction], parsed: ParsedModule) -> list[JitFunction]:
    """Jitted functions not nested inside another jitted function (their bodies cover the rest)."""
    jitted = {function.node for function in functions}
    names = parsed.names
    return [
        function
        for function in functions
        if not any(owner in jitted for owner in names.ancestors(function.node))
    ]


_VISITOR_NAMES: dict[type, tuple[str, ...]] = {}


def _visitor_methods(rules: Sequence[StaticRule]) -> dict[str, list[Any]]:
    """libcst's `_get_visitor_methods`, with the method names looked up once per rule class
    (its `inspect.getmembers` per instance cost seconds per corpus run)."""
    methods: dict[str, list[Any]] = {}
    for rule in rules:
        names = _VISITOR_NAMES.get(type(rule))
        if names is None:
            names = _VISITOR_NAMES[type(rule)] = _own_visitor_names(type(rule))
        for name in names:
            methods.setdefault(name, []).append(getattr(rule, name))
    return methods


def _own_visitor_names(rule_class: type) -> tuple[str, ...]:
    """The `visit_`/`leave_` methods a rule class defines or inherits from numba-lint's classes.
    libcst's own visitor bases define one no-op method per node type (hundreds): scanning
    only the classes outside libcst finds the same names, without `dir()` over all of them
    (a third of a one-file check's rule stage)."""
    own = {
        name
        for cls in rule_class.__mro__
        if not cls.__module__.startswith("libcst")
        for name in vars(cls)
        if name.startswith(("visit_", "leave_"))
    }
    return tuple(
        name
        for name in sorted(own)
        if callable(getattr(rule_class, name))
        and not getattr(getattr(rule_class, name), "_is_no_op", False)
    )


class _RuleWalk(cst.CSTVisitor):
    """The visitor of the rule walk (walk.py): calls every rule's `visit_X`/`leave_X` for each
    node of type X, with the name resolver and the innermost jitted function kept up to date.
    Methods are looked up once per node type, not per node: this walk visits every node of
    every jitted body."""

    def __init__(
        self,
        methods: dict[str, list[Any]],
        context: RuleContext,
        by_node: dict[cst.FunctionDef, JitFunction],
    ) -> None:
        super().__init__()
        self.methods = methods
        self.context = context
        self.by_node = by_node
        self.names = context.parsed.names
        self.visits: dict[type, tuple[Any, ...]] = {}
        self.leaves: dict[type, tuple[Any, ...]] = {}
        self.stack: list[JitFunction] = []

    def _methods(self, node_type: type, prefix: str, found: dict) -> tuple[Any, ...]:
        """The rules' `prefix + type name` methods, remembered in `found` by node type."""
        found[node_type] = tuple(self.methods.get(prefix + node_type.__name__, ()))
        return found[node_type]

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        self.names.enter(node)
        if node_type is cst.FunctionDef:
            function = self.by_node.get(cast(cst.FunctionDef, node))
            if function is not None:
                self.stack.append(function)
                self.context.function = function
        visits = self.visits.get(node_type)
        for visit in self._methods(node_type, "visit_", self.visits) if visits is None else visits:
            visit(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        node_type = type(original_node)
        leaves = self.leaves.get(node_type)
        for leave in self._methods(node_type, "leave_", self.leaves) if leaves is None else leaves:
            leave(original_node)
        self.names.leave(original_node)
        if self.stack and self.stack[-1].node is original_node:
            self.stack.pop()
            self.context.function = self.stack[-1] if self.stack else None


def run_static_rules(
    parsed: ParsedModule,
    index: JitIndex,
    rule_classes: Iterable[type[StaticRule]],
    knowledge: Knowledge | None,
    project: ProjectQuestions,
) -> list[Diagnostic]:
    """One walk over each jitted function's body, shared by every enabled rule; the findings
    with a common cause folded into one (`merge.fold`)."""
    context = RuleContext(parsed=parsed, index=index, knowledge=knowledge, project=project)
    rules = [rule_class(context) for rule_class in rule_classes]
    if not rules or not index.functions:
        return []
    by_node = index.by_node()
    names = parsed.names
    with ExitStack() as resolved:
        resolved.enter_context(deep_recursion())  # generated code nests deeply
        for rule in rules:
            resolved.enter_context(rule.resolve(parsed.wrapper))
        for function in index.functions:
            context.function = function
            names.start(function.node)
            for rule in rules:
                rule.check_function(function)
        walker = _RuleWalk(_visitor_methods(rules), context, by_node)
        outermost = _outermost(index.functions, parsed)
        memo = memo_for(parsed, index, list(rule_classes), knowledge, outermost)
        for function in outermost:
            context.function = None
            names.start(function.node)
            if memo is None:
                walk(function.node, walker)
                continue
            reused = memo.reuse(function, project)
            if reused is not None:
                context.diagnostics.extend(reused)
                continue
            start, recorder = len(context.diagnostics), Recorder(project)
            context.project = recorder
            walk(function.node, walker)
            context.project = project
            memo.record(function, context.diagnostics[start:], recorder.asked)
        names.start(None)
        if memo is not None:
            memo.keep()
    # Findings that follow from one problem become one (all causes lie within the module).
    return fold(context.diagnostics)
