"""The ordered registry of every rule numba-lint knows, static and dynamic alike.

Codes: NB0xx the file itself, NB1xx unsupported constructs, NB2xx unsupported calls,
NB3xx decorator configuration, NB4xx performance and deprecation, NB5xx prange loops (races),
NB9xx trial-compile results.
Add a rule by writing its class in a module here and listing it below.
"""

from __future__ import annotations

from .base import DynamicRule, RuleInfo, StaticRule
from .caching import CachedCrossModuleDependency
from .calls import (
    TooManyPositional,
    UnsupportedKeyword,
    UnsupportedLibraryFunction,
    UnsupportedModuleCall,
    UntypedBuiltin,
)
from .classes import PlainClassInstantiation
from .decorators import (
    CacheUnusable,
    GeneratedJitRemoved,
    NopythonFalseIgnored,
    ObjectModeRequested,
    ParallelWithoutParallelism,
    PrangeWithoutParallel,
)
from .dynamic import DYNAMIC_RULES
from .globals import GlobalArrayWrite, GlobalMutableContainer, UntypedGlobalCall
from .literals import HeterogeneousList
from .parallel import PrangeSharedWrite
from .parallel_containers import PrangeContainerMutation
from .parallel_loops import NestedPrange, PrangeIndexRebound
from .parallel_reductions import PrangeReductionRead
from .plain_class import PlainClassAttribute
from .syntax import (
    ClassDefinition,
    ContextManager,
    DelName,
    ExceptAs,
    ExceptSpecific,
    GlobalWrite,
    ImportInJit,
    MatchPattern,
    RaiseForm,
)
from .syntax_error import SyntaxErrorRule
from .syntax_expressions import (
    AsyncConstruct,
    DictUnpackingCall,
    FStringFormatSpec,
    GeneratorExpression,
    SetComprehension,
    StarredAssignment,
    StringFormatting,
    VarKeywordParameter,
    Walrus,
    YieldFrom,
)

ALL_RULES: list[type[RuleInfo]] = [
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
    *DYNAMIC_RULES,
]


def static_rules(rules: list[type[RuleInfo]]) -> list[type[StaticRule]]:
    return [rule for rule in rules if issubclass(rule, StaticRule)]


__all__ = ["ALL_RULES", "DynamicRule", "RuleInfo", "StaticRule", "static_rules"]
