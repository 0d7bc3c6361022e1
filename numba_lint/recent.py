"""A bounded, thread-safe memory of the most recently used values, for the language server.

The server checks and parses on two threads and keeps a little of each check for the next one
(`static/chunked_parse.py`: the trees of the pieces parsed; `checks/walk_memo.py`: each file's
rule walks). Both keep at most a set number of entries and drop the least recently used first;
a limit of 0 (the default) keeps nothing, which is how the CLI runs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")


class Recent(Generic[Key, Value]):
    """Key -> value for the last `limit` keys used (`get` or `put`)."""

    def __init__(self) -> None:
        self.limit = 0
        self._entries: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def set_limit(self, limit: int) -> None:
        """Keep at most `limit` entries from now on (0: none, and forget all)."""
        with self._lock:
            self.limit = limit
            self._trim()

    def get(self, key: Key) -> Value | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = value
            self._trim()

    def _trim(self) -> None:
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)
