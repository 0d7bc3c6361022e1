"""Source text -> IndexedModule: the one way a module is parsed and indexed.

The engine's shares (`share.py`, `reduced_parse.reindexed`) index every module here, and the
steps that look at one module outside a static pass, `explain` and the editor's hover, parse
and index it here too, so all of them see the same jitted functions and the same bindings.
Never imports Numba.
"""

from __future__ import annotations

from ..bindings import module_bindings
from ..discover import SourceFile
from ..jit_index import IndexedModule, ProjectAliases, build_index
from ..parse import ParsedModule, SyntaxProblem, parse
from ..recursion import deep_recursion


def index_module(parsed: ParsedModule, aliases: ProjectAliases | None = None) -> IndexedModule:
    """`parsed` with its jit index (`aliases`: the project's decorator aliases known so far)
    and its module-level bindings, which the project's facts and the dynamic pass read."""
    index = build_index(parsed, aliases)
    # Module-level code nests deeper than Python's default recursion limit (a valid sum of
    # 1,500 terms), and the bindings' walk recurses per level, as the rules do.
    with deep_recursion():
        bindings = module_bindings(parsed, index)
    return IndexedModule(parsed, index, bindings)


def parse_and_index(source: SourceFile, text: str) -> IndexedModule | SyntaxProblem:
    """One module parsed whole (no body blanked) and indexed on its own, as a static pass that
    keeps the trees indexes it before it knows the other modules' aliases."""
    parsed = parse(source, text)
    if isinstance(parsed, SyntaxProblem):
        return parsed
    return index_module(parsed)
