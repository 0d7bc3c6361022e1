"""The ordered registry of every rule numba-lint knows, static and dynamic alike.

Codes: NB0xx the file itself, NB1xx unsupported constructs, NB2xx unsupported calls,
NB3xx decorator configuration, NB4xx performance and deprecation, NB5xx prange loops (races),
NB9xx trial-compile results.
Add a rule by writing its class in a module here and listing it below.
"""

from __future__ import annotations

import builtins
from typing import Any, cast

from .base import DynamicRule, RuleInfo, StaticRule
from .caching import CachedCrossModuleDependency
from .call_arguments import TooManyPositional, UnsupportedKeyword
from .call_builtins import UntypedBuiltin
from .call_globals import UntypedGlobalCall
from .call_library import UnsupportedLibraryFunction, UnsupportedModuleCall
from .class_attributes import PlainClassAttribute
from .class_instantiation import PlainClassInstantiation
from .decorators import (
    CacheUnusable,
    GeneratedJitRemoved,
    NopythonFalseIgnored,
    ObjectModeRequested,
)
from .decorators_parallel import ParallelWithoutParallelism, PrangeWithoutParallel
from .globals import GlobalArrayWrite, GlobalMutableContainer
from .literals import HeterogeneousList
from .parallel import PrangeSharedWrite
from .parallel_containers import PrangeContainerMutation
from .parallel_loops import NestedPrange, PrangeIndexRebound
from .parallel_reductions import PrangeReductionRead
from .syntax_assignments import StarredAssignment, Walrus
from .syntax_error import SyntaxErrorRule
from .syntax_exceptions import ExceptAs, ExceptSpecific, RaiseForm
from .syntax_generators import (
    AsyncConstruct,
    GeneratorExpression,
    SetComprehension,
    YieldFrom,
)
from .syntax_keywords import DictUnpackingCall, VarKeywordParameter
from .syntax_names import DelName, GlobalWrite
from .syntax_statements import ClassDefinition, ContextManager, ImportInJit, MatchPattern
from .syntax_strings import FStringFormatSpec, StringFormatting

# The static rules, in the registry's order.
STATIC_RULES: list[type[RuleInfo]] = [
    SyntaxErrorRule,
    PlainClassAttribute,
    ExceptAs,
    ExceptSpecific,
    RaiseForm,
    DelName,
    ContextManager,
    ClassDefinition,
    ImportInJit,
    GlobalWrite,
    MatchPattern,
    YieldFrom,
    GeneratorExpression,
    SetComprehension,
    AsyncConstruct,
    VarKeywordParameter,
    DictUnpackingCall,
    StarredAssignment,
    StringFormatting,
    FStringFormatSpec,
    Walrus,
    UnsupportedLibraryFunction,
    UnsupportedModuleCall,
    UnsupportedKeyword,
    UntypedBuiltin,
    TooManyPositional,
    PlainClassInstantiation,
    UntypedGlobalCall,
    GlobalMutableContainer,
    GlobalArrayWrite,
    HeterogeneousList,
    ObjectModeRequested,
    PrangeWithoutParallel,
    ParallelWithoutParallelism,
    NopythonFalseIgnored,
    CacheUnusable,
    CachedCrossModuleDependency,
    GeneratedJitRemoved,
    PrangeSharedWrite,
    PrangeContainerMutation,
    PrangeReductionRead,
    PrangeIndexRebound,
    NestedPrange,
]
# STATIC_RULES, then the trial compile's (NB9xx): built on first use, by `__getattr__`.
ALL_RULES: list[type[RuleInfo]]


def __getattr__(name: str) -> Any:
    # The trial compile's rules (trial_compile/) are imported only here: the static pass of a
    # one-file check needs STATIC_RULES alone (issue 13 part 4).
    if name == "ALL_RULES":
        from .trial_compile import DYNAMIC_RULES

        rules = [*STATIC_RULES, *DYNAMIC_RULES]
        # builtins': `globals` here is the rules' module of that name.
        builtins.globals()["ALL_RULES"] = rules
        return rules
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def static_rules(rules: list[type[RuleInfo]]) -> list[type[StaticRule]]:
    # The class's own ancestry, not `issubclass`: StaticRule is an ABC through libcst's visitor,
    # whose first check of each class walks every subclass (a few ms of a one-file run).
    return cast("list[type[StaticRule]]", [rule for rule in rules if StaticRule in rule.__mro__])


__all__ = ["ALL_RULES", "STATIC_RULES", "DynamicRule", "RuleInfo", "StaticRule", "static_rules"]
