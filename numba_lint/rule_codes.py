"""Every rule's code and whether it is on by default, in the registry's order
(`checks.ALL_RULES`), without importing a rule.

Read by `pipeline.known_codes` to validate and apply the rule selection: importing the rules
imports libcst, which a run over files that never mention numba does not need. A new rule is
added here too; tests/test_startup.py checks this table against the registry.
"""

from __future__ import annotations

RULE_CODES: dict[str, bool] = {
    "NB001": True,  # syntax-error
    "NB101": True,  # plain-class-attribute
    "NB110": True,  # except-as
    "NB111": True,  # except-specific-exception
    "NB112": True,  # unsupported-raise
    "NB113": True,  # del-variable
    "NB114": True,  # unsupported-context-manager
    "NB115": True,  # class-definition-in-jit
    "NB116": True,  # import-in-jit
    "NB117": True,  # global-assignment
    "NB118": True,  # match-structural-pattern
    "NB119": True,  # yield-from
    "NB120": True,  # generator-expression
    "NB121": True,  # set-comprehension
    "NB122": True,  # async-in-jit
    "NB123": True,  # var-keyword-parameter
    "NB124": True,  # dict-unpacking-call
    "NB125": True,  # starred-assignment
    "NB126": True,  # string-formatting
    "NB127": True,  # f-string-format-spec
    "NB128": False,  # assignment-expression
    "NB201": True,  # unsupported-library-function
    "NB202": True,  # unsupported-module-call
    "NB203": True,  # unsupported-keyword-argument
    "NB204": True,  # untyped-builtin
    "NB206": True,  # too-many-positional-arguments
    "NB103": True,  # plain-class-instantiation
    "NB205": True,  # untyped-global-call
    "NB130": True,  # global-mutable-container
    "NB131": True,  # global-array-write
    "NB140": True,  # heterogeneous-list
    "NB301": True,  # object-mode-requested
    "NB302": True,  # prange-without-parallel
    "NB303": False,  # parallel-without-parallelism
    "NB305": True,  # nopython-false-ignored
    "NB304": True,  # cache-unusable
    "NB306": False,  # cached-cross-module-dependency
    "NB401": True,  # generated-jit-removed
    "NB501": True,  # prange-shared-write
    "NB502": True,  # prange-container-mutation
    "NB503": True,  # prange-reduction-read
    "NB504": True,  # prange-index-rebound
    "NB505": True,  # nested-prange
    "NB901": True,  # untypable-argument
    "NB902": True,  # untyped-global
    "NB903": True,  # typing-error
    "NB904": True,  # unknown-attribute
    "NB905": True,  # no-matching-implementation
    "NB906": True,  # unsupported-construct
    "NB907": True,  # lowering-error
    "NB908": True,  # invalid-signature
    "NB909": True,  # unsupported-numpy-function
    "NB950": True,  # module-import-failed
    "NB951": True,  # module-timeout
    "NB952": True,  # module-crashed
    "NB960": True,  # not-trial-compiled
    "NB961": True,  # global-from-skipped-code
    "NB970": True,  # numba-warning
    "NB971": True,  # numba-performance-warning
    "NB972": True,  # numba-deprecation
    "NB973": True,  # numba-parallel-safety
}
