"""A rule's docstring + its tested examples -> the documentation text (`RuleInfo.docs`).

The docstring holds the prose under fixed headings (`DOC_HEADINGS`); the code under "Example"
and "Use instead" comes from the rule's `Example` marked `shown` (an invalid one, a valid one),
so the page shows code the test suite runs through the rule and through real Numba, written
once. A section without a shown example keeps what the docstring holds. Read by catalog.py
(the rules/ pages, `numba-lint rule`), formats/sarif.py (rule help) and explain (fix hints).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Example

# The `# expect: NBxxx` markers are for the tests; the page's tested-examples section keeps them.
_EXPECT_MARKER = re.compile(r"\s*# expect: [A-Z]+[0-9]+")


def shown_code(example: Example) -> str:
    """The example as the docs show it: without the test markers; an example of several
    modules shows each under a comment naming its file (the tests write the main one as
    example.py)."""
    main = "".join(_EXPECT_MARKER.sub("", line) for line in example.source.splitlines(True))
    if not example.modules:
        return main
    parts = [f"# {name}.py\n{text}" for name, text in example.module_sources.items()]
    return "\n".join([*parts, f"# example.py\n{main}"])


def render_docs(docstring: str, invalid: Sequence[Example], valid: Sequence[Example]) -> str:
    shown = {
        "Example": next((e for e in invalid if e.shown), None),
        "Use instead": next((e for e in valid if e.shown), None),
    }
    lines = docstring.split("\n")
    out: list[str] = []
    section: str | None = None
    for line in lines:
        if line.startswith("## "):
            _close(out, shown.get(section or ""))
            section = line[3:].strip()
        out.append(line)
    _close(out, shown.get(section or ""))
    return "\n".join(out)


def _close(out: list[str], example: Example | None) -> None:
    """End the section just written with the example's code block, before its blank lines."""
    if example is None:
        return
    blank = 0
    while out and not out[-1].strip():
        out.pop()
        blank += 1
    out += ["```python", *shown_code(example).rstrip("\n").split("\n"), "```"]
    out += [""] * blank
