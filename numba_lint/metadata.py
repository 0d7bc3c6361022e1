"""MetadataWrapper -> the same wrapper with libcst's qualified names filled in without a walk.

Called by `jit_index.build_index` before anything resolves metadata. libcst computes
`QualifiedNameProvider` by visiting every node to attach a lazy lookup in the node's scope;
the scope map already lists every node with its scope, so the same lazy lookups are attached
from it directly (a dict comprehension instead of a full tree walk). Values are identical.
"""

from __future__ import annotations

from functools import partial

from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider
from libcst.metadata.base_provider import LazyValue


def prepare_qualified_names(wrapper: MetadataWrapper) -> None:
    if QualifiedNameProvider in wrapper._metadata:
        return
    scopes = wrapper.resolve(ScopeProvider)
    # Nodes without a scope get no entry: every lookup passes a default (libcst's own
    # provider stores an empty set for them).
    wrapper._metadata[QualifiedNameProvider] = {
        node: LazyValue(partial(scope.get_qualified_names_for, node))
        for node, scope in scopes.items()
        if scope
    }
