"""The planning's call-site scan remembered by content: (module text, names) -> call sites.

Used by run.py around signatures.plan_module, in the linter's process. A warm run (every
worker result cached) still plans every module, because the plans are part of each result's
cache key; the call-site scan is most of that planning (libcst's positions need a code
generation of the whole module: about 0.9 s of CPU on quantecon's 30 modules). Its answer is a
function of the module's text, the names it looks for and numba-lint's version alone, so it is
stored as plain JSON beside the worker results (`dynamic/callsites/<key>.json`, trimmed with
them by ResultCache.trim) and read back, field by field, on the next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from ...atomic import write_atomically
from ...parse import ParsedModule
from .call_sites import CallResult, CallSite, call_sites

# Bump when CallSite, CallResult or how they are found changes.
FORMAT = 1
Found = tuple[dict[str, list[CallSite]], dict[str, CallResult]]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


class CallSiteCache:
    """`find(parsed, names, jitted)`: call_sites' answer, from `folder` when known (the
    result cache's SITES_FOLDER)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.salt = json.dumps([FORMAT, _version("numba-lint"), _version("libcst")])

    def find(self, parsed: ParsedModule, names: set[str], jitted: set[str] | None) -> Found:
        key = hashlib.sha256(
            json.dumps(
                [self.salt, parsed.text, sorted(names), None if jitted is None else sorted(jitted)]
            ).encode("utf-8")
        ).hexdigest()
        path = self.folder / f"{key}.json"
        try:
            found = _loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            found = None
        if found is not None:
            with contextlib.suppress(OSError):
                os.utime(path)  # a use: the cache's trim goes by the time of last use
            return found
        found = call_sites(parsed, names, jitted)
        with contextlib.suppress(OSError):
            write_atomically(path, json.dumps(_dumps(found)))
        return found


def _dumps(found: Found) -> dict[str, Any]:
    sites, results = found
    return {
        "sites": {
            name: [[s.line, list(s.args), _pairs(s.kwargs), _pairs(s.refs)] for s in found_sites]
            for name, found_sites in sites.items()
        },
        "results": [
            [r.key, r.line, r.value, [[n, p] for n, p in r.targets], _pairs(r.refs)]
            for r in results.values()
        ],
    }


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [list(pair) for pair in pairs]


def _loads(text: str) -> Found:
    """The stored answer; ValueError, KeyError or TypeError when it is not one."""
    data = json.loads(text)
    sites = {
        str(name): [
            CallSite(
                int(line),
                tuple(str(a) for a in args),
                _tuples(kwargs),
                _tuples(refs),
            )
            for line, args, kwargs, refs in found
        ]
        for name, found in data["sites"].items()
    }
    results = {}
    for key, line, value, targets, refs in data["results"]:
        results[str(key)] = CallResult(
            str(key),
            int(line),
            str(value),
            tuple((str(n), None if p is None else tuple(int(i) for i in p)) for n, p in targets),
            _tuples(refs),
        )
    return sites, results


def _tuples(pairs: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(first), str(second)) for first, second in pairs)
