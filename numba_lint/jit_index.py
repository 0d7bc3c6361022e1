"""ParsedModule -> JitIndex: every function whose body Numba compiles, with its decorator options.

Called once per module by the pipeline; static rules and the dynamic pass both read the result.
First the module's own wrappers of numba's decorators (`wrappers`), then one walk of its
statements (`index_visitor`); names resolve through the module's `names.Names` plus the
project's own re-exports and wrappers (`ProjectAliases`), settled over a few rounds
(`settled`). Never imports Numba.
"""

from __future__ import annotations

from collections.abc import Iterable

from .index_visitor import Indexer
from .jit_decorators import DecoratorResolver
from .jit_model import (
    FUNCTION_KINDS,
    JitDecorator,
    JitFunction,
    JitIndex,
    ProjectAliases,
    absolute_name,
)
from .listing import listed, listing_order, with_variants
from .modules import absolute_module_name
from .parse import ParsedModule, parse
from .walk import walk_statements
from .wrappers import module_wrappers

# The names other modules import from here (the index's values live in `jit_model`, the
# listing in `listing`).
__all__ = [
    "FUNCTION_KINDS",
    "JitDecorator",
    "JitFunction",
    "JitIndex",
    "ProjectAliases",
    "absolute_module_name",
    "absolute_name",
    "build_index",
    "listed",
    "listing_order",
    "project_aliases",
    "reindexed",
    "settled",
    "with_variants",
]


def build_index(parsed: ParsedModule, project_aliases: ProjectAliases | None = None) -> JitIndex:
    known = project_aliases or {}
    wrappers, looked_up = module_wrappers(parsed, known)
    prefix = len(parsed.module_name) + 1
    aliases = {name[prefix:]: decorator for name, decorator in wrappers.items()}
    indexer = Indexer(parsed, DecoratorResolver(parsed, known, aliases))
    walk_statements(parsed.module, indexer)
    aliases.update(indexer.aliases)
    looked_up |= indexer.looked_up
    return JitIndex(indexer.functions, indexer.jitclasses, aliases, frozenset(looked_up))


def project_aliases(indexes: Iterable[tuple[ParsedModule, JitIndex]]) -> dict[str, JitDecorator]:
    """Module-level decorator aliases of every module, by their importable qualified name."""
    aliases: dict[str, JitDecorator] = {}
    for parsed, index in indexes:
        for name, decorator in index.decorator_aliases.items():
            aliases[f"{parsed.module_name}.{name}"] = decorator
    return aliases


def settled(
    indexes: list[tuple[ParsedModule, JitIndex]], rounds: int = 3
) -> list[tuple[ParsedModule, JitIndex]]:
    """`indexes` indexed again with the project's aliases until those stop growing: a wrapper
    built on another module's wrapper is known one round after that one."""
    aliases = project_aliases(indexes)
    for _ in range(rounds):
        if not aliases:
            break
        indexes = [reindexed(module, index, aliases) for module, index in indexes]
        again = project_aliases(indexes)
        if again == aliases:
            break
        aliases = again
    return indexes


def reindexed(
    module: ParsedModule, index: JitIndex, aliases: ProjectAliases
) -> tuple[ParsedModule, JitIndex]:
    """`module` and its index once the project's decorator aliases are known: parsed again if
    the reduction took one of them for plain Python, indexed again if it uses one."""
    if module.assumed_wrongly(aliases):
        again = parse(module.source, module.text, reduce=True)
        if isinstance(again, ParsedModule):
            return again, build_index(again, aliases)
    if index.needs_aliases(aliases):
        return module, build_index(module, aliases)
    return module, index
