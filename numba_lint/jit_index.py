"""ParsedModule -> JitIndex: every function whose body Numba compiles, with its decorator options.

Called once per module by the static engine (`numba_lint/static/`); static rules and the
dynamic pass both read the result.
First the module's own wrappers of numba's decorators (`wrappers`), then one walk of its
statements (`index_visitor`); names resolve through the module's `names.Names` plus the
project's own re-exports and wrappers (`ProjectAliases`), which the static engine settles over
a few rounds (`numba_lint/static/stages.py`). Never imports Numba.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import index_memo
from .index_visitor import Indexer
from .jit_decorators import DecoratorResolver
from .jit_model import (
    FUNCTION_KINDS,
    IndexedModule,
    JitDecorator,
    JitFunction,
    JitIndex,
    ProjectAliases,
    absolute_name,
)
from .listing import listed, listing_order, with_variants
from .modules import absolute_module_name
from .parse import ParsedModule
from .walk import walk_statements
from .wrappers import module_wrappers

# The names other modules import from here (the index's values live in `jit_model`, the
# listing in `listing`).
__all__ = [
    "FUNCTION_KINDS",
    "IndexedModule",
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
    "with_variants",
]


def build_index(parsed: ParsedModule, project_aliases: ProjectAliases | None = None) -> JitIndex:
    known = project_aliases or {}
    # The language server's memo: the last check's index when the edit cannot change it
    # (first where it cannot change the module's wrappers either, then given them).
    reused = index_memo.reused_index(parsed, known)
    if reused is not None:
        return reused
    wrappers, looked_up = module_wrappers(parsed, known)
    reused = index_memo.reused_index(parsed, known, (wrappers, looked_up))
    if reused is not None:
        return reused
    prefix = len(parsed.module_name) + 1
    aliases = {name[prefix:]: decorator for name, decorator in wrappers.items()}
    indexer = Indexer(parsed, DecoratorResolver(parsed, known, aliases))
    walk_statements(parsed.module, indexer)
    found_by_wrappers = set(looked_up)
    aliases.update(indexer.aliases)
    looked_up |= indexer.looked_up
    index = JitIndex(indexer.functions, indexer.jitclasses, aliases, frozenset(looked_up))
    index_memo.keep_index(parsed, known, (wrappers, found_by_wrappers), index)
    return index


def project_aliases(indexes: Iterable[IndexedModule]) -> dict[str, JitDecorator]:
    """Module-level decorator aliases of every module, by their importable qualified name."""
    aliases: dict[str, JitDecorator] = {}
    for parsed, index, _ in indexes:
        for name, decorator in index.decorator_aliases.items():
            aliases[f"{parsed.module_name}.{name}"] = decorator
    return aliases
