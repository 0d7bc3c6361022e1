"""What the language server keeps of one check for the next: it checks the same module again
on every keystroke, so each step that can tell what an edit left alone keeps its past work
(the CLI keeps none). `remember_between_checks` switches all of them on; each module's
docstring says when its memory stands, and tests/test_server_incremental.py compares edits
with checks that keep nothing.
"""

from __future__ import annotations

from ..checks.walk_memo import remember_walks
from ..index_memo import remember_indexes
from ..spliced_ast import remember_module_trees
from ..static.blanking import remember_passed_names
from ..static.chunked_parse import remember_pieces

# Parse trees of module pieces kept across keystrokes (about 20 lines each while remembered):
# an edit re-parses only the piece it touched (static/chunked_parse.py).
REMEMBERED_PIECES = 64
# Files whose rule walks are kept per jitted function (checks/walk_memo.py), and whose jit
# index, facts (index_memo.py) and Python tree (spliced_ast.py) are kept: an edit inside one
# jitted function walks and parses only that function again.
REMEMBERED_FILES = 16
# Names passed in the plain definitions the blanking keeps (static/blanking.py): the blanking
# of an edited module walks only the definitions whose text changed.
REMEMBERED_DEFINITIONS = 512


def remember_between_checks(on: bool = True) -> None:
    """Keep each check's reusable work for the next (`on`), or keep nothing and forget all."""
    remember_pieces(REMEMBERED_PIECES if on else 0)
    remember_walks(REMEMBERED_FILES if on else 0)
    remember_indexes(REMEMBERED_FILES if on else 0)
    remember_passed_names(REMEMBERED_DEFINITIONS if on else 0)
    remember_module_trees(REMEMBERED_FILES if on else 0)
