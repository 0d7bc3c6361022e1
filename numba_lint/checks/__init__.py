"""The ordered registry of every rule numba-lint knows, static and dynamic alike.

Codes: NB0xx the file itself, NB1xx unsupported constructs, NB2xx unsupported calls,
NB3xx decorator configuration, NB4xx performance and deprecation, NB9xx trial-compile results.
Add a rule by writing its class in a module here and listing it below.
"""

from __future__ import annotations

from .base import DynamicRule, RuleInfo, StaticRule
from .plain_class import PlainClassAttribute
from .syntax_error import SyntaxErrorRule

ALL_RULES: list[type[RuleInfo]] = [
    SyntaxErrorRule,
    PlainClassAttribute,
]


def rules_by_code() -> dict[str, type[RuleInfo]]:
    return {rule.code: rule for rule in ALL_RULES}


def static_rules(rules: list[type[RuleInfo]]) -> list[type[StaticRule]]:
    return [rule for rule in rules if issubclass(rule, StaticRule)]


__all__ = ["ALL_RULES", "DynamicRule", "RuleInfo", "StaticRule", "rules_by_code", "static_rules"]
