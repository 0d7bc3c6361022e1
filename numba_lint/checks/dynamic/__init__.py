"""NB9xx: what the trial compile found. The dynamic pass (numba_lint.dynamic) emits these.

Each class documents one failure class of a nopython trial compile, or a reason a module or
function was not trial-compiled. The classes that recognise a shape of Numba's error carry it
(`claim`) and the node it points at (`locate`), see claims.py; the parent side of the dynamic
pass only loops over them in the orders below.

- names.py: NB902 untyped global, NB904 unknown attribute, NB909 NumPy function, NB961.
- inference.py: NB901 untypable argument, NB903 typing error, NB905 no implementation.
- compilation.py: NB906 unsupported construct, NB907 lowering, NB908 invalid signature.
- unchecked.py: NB950-NB952 and NB960 (not checked), NB970 Numba's other warnings.
"""

from __future__ import annotations

from ..base import DynamicRule
from ..numba_warning_rules import NUMBA_WARNING_RULES
from .claims import Failure, LineNodes, TrialRule
from .compilation import InvalidSignature, LoweringFailure, UnsupportedConstruct
from .inference import NoMatchingImplementation, TypingFailure, UntypableArgument
from .names import GlobalFromSkippedCode, UnknownAttribute, UnsupportedNumpyFunction, UntypedGlobal
from .unchecked import (
    ImportFailed,
    NotTrialCompiled,
    NumbaWarningRule,
    WorkerCrashed,
    WorkerTimeout,
)

# The order in which rules are asked to claim a failure: the first that claims it reports it.
# More specific shapes come first (a global from skipped code before any untyped global);
# NB903 claims everything and comes last.
CLAIM_ORDER: tuple[type[TrialRule], ...] = (
    InvalidSignature,
    GlobalFromSkippedCode,
    UntypedGlobal,
    UnsupportedNumpyFunction,
    UnknownAttribute,
    NoMatchingImplementation,
    UnsupportedConstruct,
    LoweringFailure,
    TypingFailure,
)

# The order in which rules' locators are asked for the node on the failure's line, whichever
# rule claimed it (Numba's text can name several things; the first locator that finds its node
# wins). After these, dynamic/parent/locate.py falls back to any quoted name on the line.
LOCATE_ORDER: tuple[type[TrialRule], ...] = (
    UnknownAttribute,
    UnsupportedNumpyFunction,
    UntypedGlobal,
    GlobalFromSkippedCode,
    TypingFailure,
    LoweringFailure,
    NoMatchingImplementation,
)

DYNAMIC_RULES: tuple[type[DynamicRule], ...] = (
    UntypableArgument,
    UntypedGlobal,
    TypingFailure,
    UnknownAttribute,
    NoMatchingImplementation,
    UnsupportedConstruct,
    LoweringFailure,
    InvalidSignature,
    UnsupportedNumpyFunction,
    ImportFailed,
    WorkerTimeout,
    WorkerCrashed,
    NotTrialCompiled,
    GlobalFromSkippedCode,
    NumbaWarningRule,
    *NUMBA_WARNING_RULES,
)

__all__ = [
    "CLAIM_ORDER",
    "DYNAMIC_RULES",
    "LOCATE_ORDER",
    "Failure",
    "GlobalFromSkippedCode",
    "ImportFailed",
    "InvalidSignature",
    "LineNodes",
    "LoweringFailure",
    "NoMatchingImplementation",
    "NotTrialCompiled",
    "NumbaWarningRule",
    "TrialRule",
    "TypingFailure",
    "UnknownAttribute",
    "UnsupportedConstruct",
    "UnsupportedNumpyFunction",
    "UntypableArgument",
    "UntypedGlobal",
    "WorkerCrashed",
    "WorkerTimeout",
]
