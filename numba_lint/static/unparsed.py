"""The project's facts + the files never parsed -> the facts with those files' bindings.

Called by the engine's stages once every parsed module's facts are merged. A project module
that never mentions Numba holds no jitted code, but a parsed module may import it: a call to
one of its functions is a call to plain Python. Its bindings come from Python's `ast`, read by
the workers' scans where they could (`scanned`), here otherwise.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from ..bindings import unparsed_bindings
from ..discover import SourceFile
from ..modules import is_imported
from ..parse import SyntaxProblem
from ..project import ProjectFacts
from .share import Scanned


def with_unparsed_bindings(
    facts: ProjectFacts,
    imported: set[str],
    others: Mapping[SourceFile, str],
    module_names: Mapping[SourceFile, str],
    scanned: Mapping[SourceFile, Scanned],
) -> ProjectFacts:
    """Add the bindings of the `others` (files not parsed) that a parsed module imports
    (`imported`: the modules the parsed ones import)."""
    bindings = dict(facts.bindings)
    registered = set(facts.registered)
    seen = Counter(module_names[source] for source in others)
    for source, text in others.items():
        name = module_names[source]
        if not is_imported(name, imported):
            continue
        if name in bindings or seen[name] > 1:  # one module name, several files: unknown
            bindings[name] = {}
            continue
        known = scanned.get(source)
        if isinstance(known, SyntaxProblem):
            continue
        if known is None:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            known = unparsed_bindings(tree, name, source.path.stem == "__init__")
        found, arguments = known
        bindings[name] = found
        registered |= arguments
    return replace(facts, bindings=bindings, registered=frozenset(registered))
