"""A share's modules of other shards -> their facts exactly as a single run's parse gives them.

`check --shard I/N` runs the rules on its own files only, but the project's facts (decorator
aliases, bindings, field names, registered names) may come from any file, so the files of the
other shards are still parsed and indexed, with the bodies of their decorated functions blanked
where no fact can come from a jitted body (`jitted_guess.py`,
`reduced_parse.parse_reduced(facts_only=True)`). That guess is checked here, once the project's
decorator aliases are settled (an alias from another module may be what jits a function): a
module whose index does not record each such function as jitted by its decorator is parsed
again without the guess and indexed with the settled aliases, as a single run indexes it.
Called by `share.ModuleShare.index`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..jit_model import JitDecorator
from ..project import collect_facts
from .dropped import Dropped
from .indexing import index_module
from .reduced_parse import guess_holds, parsed_without_guess

if TYPE_CHECKING:
    from .share import ModuleShare


def settle_guesses(share: ModuleShare, aliases: dict[str, JitDecorator]) -> None:
    """Parse again, without the guess, each of `share`'s facts-only modules whose guess the
    index (with the settled `aliases`) does not confirm; their facts replaced."""
    for position, module in enumerate(share.modules):
        if isinstance(module, Dropped):
            # Never indexed again since its first index (else it would be held): what that
            # index said stands.
            if position not in share.unconfirmed:
                continue
            module = share.held_module(position)
        elif guess_holds(module):
            continue
        again = index_module(parsed_without_guess(module.parsed), aliases)
        share.modules[position] = again
        share.facts[position] = collect_facts([again])
