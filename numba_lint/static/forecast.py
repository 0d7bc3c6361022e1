"""How many candidate files a run with the static cache will parse: the engine's choice between
the pool of processes and one share in this process.

Called by the engine (`engine.py`) before it starts any worker. The unchanged files answer from
their records (`replay.py`) for as long as the project's decorator aliases are what they were:
if an edit changes them, every module is parsed again, and that is work for the pool. Whether
the aliases changed is known only from the edited files' own parses, so a few edited
candidates are parsed here, first round, as a share would parse them: their aliases are
compared with what their records say they gave. The parses are handed to the share that would
parse them next (`Preparsed`), so none is done twice.

Only the choice of workers rests on this: the records' checks (`replay.py`) still decide, file
by file, what is replayed, so a wrong forecast costs time, never a finding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..discover import SourceFile
from ..parse import SyntaxProblem
from . import codec

if TYPE_CHECKING:  # libcst: imported once a file is parsed
    from ..jit_index import IndexedModule
    from .replay import Record

# A first-round parse done ahead of the share (display name -> text, indexed module or syntax
# problem, the decorators its blanking took for plain Python).
Preparsed = dict[str, tuple[str, "IndexedModule | SyntaxProblem", frozenset[str]]]


def files_to_parse(
    candidates: Mapping[SourceFile, str],
    stored: Mapping[str, Record],
    replayed: Mapping[str, Record],
    at_most: int,
    preparsed: Preparsed,
) -> int:
    """How many of `candidates` the run is likely to parse: those without a valid record, or
    all of them when the edits change the project's decorator aliases. Up to `at_most` edited
    candidates are parsed to tell (into `preparsed`); with more, the count is already past
    what the caller asks about (it only needs to know whether `at_most` is reached)."""
    edited = {s: t for s, t in candidates.items() if s.display not in replayed}
    texts = {source.display: source for source in candidates}
    for display, record in stored.items():
        if display not in replayed and isinstance(record, dict) and gave_aliases(record):
            source = texts.get(display)
            if source is None or source not in edited:  # gone, or not a candidate now
                return len(candidates)
    if not edited or len(edited) >= at_most:
        return len(edited)
    for source, text in edited.items():
        past = _past_aliases(stored.get(source.display))
        if past is None or _aliases_now(source, text, preparsed) != past:
            return len(candidates)
    return len(edited)


def gave_aliases(record: Record) -> bool:
    """Whether a file's record says it gave the project decorator aliases, in its parse or in
    any later round."""
    parse, steps = record.get("parse"), record.get("steps")
    first = isinstance(parse, list) and len(parse) == 3 and bool(parse[2])
    later = steps if isinstance(steps, list) else []
    return first or any(isinstance(step, list) and bool(step[1:2] and step[1]) for step in later)


def _first_round_only(record: Record) -> bool:
    """Whether the record's module was parsed in the first round (no names given) and never
    gave other aliases in a later round."""
    parse, steps = record.get("parse"), record.get("steps", [])
    if not (isinstance(parse, list) and len(parse) == 3 and parse[0] is None):
        return False
    return isinstance(steps, list) and all(
        isinstance(step, list) and len(step) == 2 and step[1] is None for step in steps
    )


def _past_aliases(record: Any) -> Any:
    """The aliases the file gave last run, as data: none for a file that is new or was not
    parsed; None when the record cannot tell cheaply (a second-round parse, or aliases that
    grew with the project's in later rounds)."""
    if not isinstance(record, dict) or "parse" not in record:
        return {}
    if not _first_round_only(record):
        return None
    return record["parse"][2] or {}


def _aliases_now(source: SourceFile, text: str, preparsed: Preparsed) -> Any:
    """The aliases `text` gives in the first round, as the records hold them; None if they
    cannot be written down. The parse is kept in `preparsed`."""
    from .reduced_parse import parse_reduced  # libcst: the run parses this file anyway

    parsed, assumed = parse_reduced(source, text, None, assume=True)
    if isinstance(parsed, SyntaxProblem):
        preparsed[source.display] = (text, parsed, assumed)
        return {}
    from .indexing import index_module

    module = index_module(parsed)
    preparsed[source.display] = (text, module, assumed)
    try:
        data = codec.aliases_data(dict(module.jit_index.decorator_aliases))
    except codec.Uncacheable:
        return None
    return json.loads(json.dumps(data))
