"""SourceFile + text -> ParsedModule of the text with the bodies that cannot hold jitted code
blanked (`blanking.py`), parsed by libcst in pieces (`chunked_parse.py`).

Used by the static engine when no step after it needs the whole trees (static-only runs): the
dynamic pass and the HTML report read every line of a function, so they get `parse.parse`.
`.text` and `.lines` stay the original, and every kept node sits where it sits in the original
(blanking replaces whole lines), so findings are the same as on a whole parse. The first round
may take decorators imported from project modules for plain Python (`assume`); `reindexed`
undoes that once the project's decorator aliases are known.

A file only read for the project's facts (another shard's, `check --shard`: its rules never
run) is parsed with `facts_only`: the bodies of decorated functions are blanked too where no
fact can come from them if the function is jitted (`jitted_guess.py`). Once the project's
aliases are settled, `facts_only.settle_guesses` checks that guess against the jit index
(`guess_holds`) and parses again without it where wrong, so the module's facts are those of
the parse a single run makes.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from ..discover import SourceFile
from ..jit_model import FUNCTION_KINDS, IndexedModule, JitIndex, ProjectAliases
from ..parse import ParsedModule, SyntaxProblem, parse, parse_libcst
from .blanking import reduce_parsed
from .chunked_parse import parse_in_pieces
from .indexing import index_module

NOTHING_ASSUMED: frozenset[str] = frozenset()


def parse_reduced(
    source: SourceFile,
    text: str,
    jit_names: frozenset[str] | None = None,
    assume: bool = False,
    *,
    facts_only: bool = False,
    whole: bool = False,
) -> tuple[ParsedModule | SyntaxProblem, frozenset[str]]:
    """The parse, and the decorators it took for plain Python (absolute names).

    `jit_names`: the only names that can jit here (a file that never names numba, parsed for
    the project's aliases); `assume`: take decorators imported from project modules for plain
    Python (if one of them is a project alias, `reindexed` parses the module again).
    `facts_only`: the module is only read for the project's facts (see above); `whole`: with
    it, blank nothing else (a run whose other modules are parsed whole, `parse.parse`)."""
    module_name = source.module_name
    speculation = (module_name, source.path.stem == "__init__") if assume else None
    reduced = reduce_parsed(
        text, jit_names, speculation, jitted_bodies=facts_only, plain_bodies=not whole
    )
    tree = reduced.tree
    if tree is None or (whole and reduced.text is None):
        # Python cannot read it (the whole parse says why), or nothing was blanked.
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
    if reduced.guessed_jitted:
        # What `indexed` checks, and how to parse the text again if the guess is wrong.
        parsed.__dict__[_GUESSED] = (reduced.guessed_jitted, jit_names, assume, whole)
    return parsed, reduced.assumed_plain


# The ParsedModule attribute a `facts_only` parse that blanked a guessed jitted body sets.
_GUESSED = "guessed_jitted"


def is_facts_only(parsed: ParsedModule) -> bool:
    """Whether `parsed` blanked bodies on the guess that they are jitted."""
    return _GUESSED in parsed.__dict__


def guess_holds(module: IndexedModule) -> bool:
    """Whether the index records every function whose body the parse blanked on a guess as
    jitted by its decorator (the facts' walk skips such a body; the index reads nothing else
    there): then the module's facts are those of the parse without the guess."""
    guess = module.parsed.__dict__.get(_GUESSED)
    return guess is None or guess[0] <= _jitted_by_decorator(module.jit_index)


def parsed_without_guess(parsed: ParsedModule) -> ParsedModule:
    """The text of a `facts_only` parse parsed as a single run parses it (same inputs, no
    guessed body blanked)."""
    _, jit_names, assume, whole = parsed.__dict__[_GUESSED]
    if whole:
        again: ParsedModule | SyntaxProblem = parse(parsed.source, parsed.text)
    else:
        again, _ = parse_reduced(parsed.source, parsed.text, jit_names, assume)
    if isinstance(again, SyntaxProblem):  # parsed once: the parse cannot fail now
        raise RuntimeError(f"{parsed.source.display}: parsed again, it does not parse")
    return again


def _jitted_by_decorator(index: JitIndex) -> set[int]:
    """The `def` lines of the functions the index found jitted by a decorator."""
    return {
        function.line
        for function in index.functions
        if function.form == "decorator" and function.kind in FUNCTION_KINDS
    }


def reindexed(
    module: IndexedModule, assumed_plain: frozenset[str], aliases: ProjectAliases
) -> IndexedModule:
    """`module` once the project's decorator aliases are known: parsed again if the blanking
    took one of them for plain Python (`assumed_plain`), indexed again if it uses one."""
    parsed, index, _ = module
    if not assumed_plain.isdisjoint(aliases):  # a guess of `assume` was wrong
        again, _ = parse_reduced(parsed.source, parsed.text, facts_only=is_facts_only(parsed))
        if isinstance(again, ParsedModule):
            return index_module(again, aliases)
    if index.needs_aliases(aliases):
        return index_module(parsed, aliases)
    return module
