"""One progress line on stderr for long runs: files parsed, modules trial-compiled, and an ETA.

The CLI turns it on (`enable`) only when stderr is a terminal and the output format is one a
person reads (text, concise); the steps report through `advance`, which does nothing unless it
is on, so the library, the language server and machine formats never see a byte of it. Drawn
in place with a carriage return, at most ten times a second, and erased at the end of each
stage so that the report itself starts on a clean line. No dependency: importing it is free.
"""

from __future__ import annotations

import os
import time
from typing import TextIO

# Seconds a stage runs before its line appears: short runs stay silent. The environment may
# change it (0: always), which is how the tests see the line on a fast machine.
try:
    SHOW_AFTER = float(os.environ.get("NUMBA_LINT_PROGRESS_AFTER", "0.5"))
except ValueError:
    SHOW_AFTER = 0.5
REDRAW_EVERY = 0.1


class _Line:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.stage = ""
        self.total = 0
        self.count = 0
        self.started = 0.0
        self.drawn_at = 0.0
        self.width = 0

    def advance(self, stage: str, count: int, total: int) -> None:
        now = time.perf_counter()
        if stage != self.stage:
            self.erase()
            self.stage, self.started = stage, now
        self.count, self.total = count, total
        finished = count >= total
        if now - self.started < SHOW_AFTER or (now - self.drawn_at < REDRAW_EVERY and not finished):
            return
        self.drawn_at = now
        text = f"numba-lint: {stage} {count}/{total}{_eta(now - self.started, count, total)}"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)
        if finished:
            self.erase()

    def erase(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _eta(elapsed: float, count: int, total: int) -> str:
    if count <= 0 or count >= total:
        return ""
    remaining = elapsed / count * (total - count)
    return f", about {remaining:.0f} s left" if remaining >= 1 else ", under 1 s left"


_line: _Line | None = None


def enable(stream: TextIO) -> None:
    global _line
    _line = _Line(stream)


def disable() -> None:
    global _line
    if _line is not None:
        _line.erase()
    _line = None


def advance(stage: str, count: int, total: int) -> None:
    """`count` of `total` items of `stage` are done ("files parsed", "modules trial-compiled")."""
    if _line is not None:
        _line.advance(stage, count, total)
