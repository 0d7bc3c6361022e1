"""SourceFile + text -> ParsedModule of the text with the bodies that cannot hold jitted code
blanked (`blanking.py`), parsed by libcst in pieces (`chunked_parse.py`).

Used by the static engine when no step after it needs the whole trees (static-only runs): the
dynamic pass and the HTML report read every line of a function, so they get `parse.parse`.
`.text` and `.lines` stay the original, and every kept node sits where it sits in the original
(blanking replaces whole lines), so findings are the same as on a whole parse. The first round
may take decorators imported from project modules for plain Python (`assume`); `reindexed`
undoes that once the project's decorator aliases are known.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from ..discover import SourceFile
from ..jit_model import IndexedModule, ProjectAliases
from ..parse import ParsedModule, SyntaxProblem, parse, parse_libcst
from .blanking import reduce_parsed
from .chunked_parse import parse_in_pieces
from .indexing import index_module

NOTHING_ASSUMED: frozenset[str] = frozenset()


def parse_reduced(
    source: SourceFile, text: str, jit_names: frozenset[str] | None = None, assume: bool = False
) -> tuple[ParsedModule | SyntaxProblem, frozenset[str]]:
    """The parse, and the decorators it took for plain Python (absolute names).

    `jit_names`: the only names that can jit here (a file that never names numba, parsed for
    the project's aliases); `assume`: take decorators imported from project modules for plain
    Python (if one of them is a project alias, `reindexed` parses the module again)."""
    module_name = source.module_name
    speculation = (module_name, source.path.stem == "__init__") if assume else None
    reduced = reduce_parsed(text, jit_names, speculation)
    tree = reduced.tree
    if tree is None:  # Python cannot read it: the whole parse says why
        return parse(source, text), NOTHING_ASSUMED
    try:
        module = parse_in_pieces(reduced.text or text, tree, parse_libcst)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        # Parse the original, so errors are reported as written.
        return parse(source, text, python_tree=tree), NOTHING_ASSUMED
    parsed = ParsedModule(
        source=source,
        text=text,
        module_name=module_name,
        wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
        lines=text.splitlines(),
        tree=tree,
    )
    # The text the tree was parsed from (None: `text`), for the language server's memo of
    # the jit index (`index_memo`): an edit that changes what is blanked changes the tree.
    parsed.__dict__["reduced_text"] = reduced.text
    return parsed, reduced.assumed_plain


def reindexed(
    module: IndexedModule, assumed_plain: frozenset[str], aliases: ProjectAliases
) -> IndexedModule:
    """`module` once the project's decorator aliases are known: parsed again if the blanking
    took one of them for plain Python (`assumed_plain`), indexed again if it uses one."""
    parsed, index, _ = module
    if not assumed_plain.isdisjoint(aliases):  # a guess of `assume` was wrong
        again, _ = parse_reduced(parsed.source, parsed.text)
        if isinstance(again, ParsedModule):
            return index_module(again, aliases)
    if index.needs_aliases(aliases):
        return index_module(parsed, aliases)
    return module
