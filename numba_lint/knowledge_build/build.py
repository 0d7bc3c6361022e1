"""Assembles the knowledge JSON: environment key + registry pass + syntax and builtin probes.

Called by `__main__` in its own process (it imports Numba through the registry pass; the probes
compile in a separate worker process). Output: one JSON-ready dict in the `Knowledge` format.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from .environment import builder_digest, environment_key
from .probe_runner import run_probes
from .probes import PROBES, PROBES_BY_NAME, Probe, builtin_probe

FORMAT = 1


def untyped_builtins(callables: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[str]:
    """Builtins the registry cannot type AND whose probe fails with "Untyped global name"."""
    found = []
    for qualified, entry in callables.items():
        module, _, name = qualified.rpartition(".")
        if module != "builtins" or entry["supported"]:
            continue
        result = results.get(f"builtin:{name}")
        if result and not result["compiled"] and "Untyped global name" in (result["error"] or ""):
            found.append(name)
    return sorted(found)


def build_knowledge(
    probes: bool = True, probe_names: Iterable[str] | None = None, timeout: float = 120.0
) -> dict[str, Any]:
    from .registry import build_registry

    started = time.perf_counter()
    data: dict[str, Any] = {
        "format": FORMAT,
        "key": environment_key(),
        "builder": builder_digest(),
    }
    data.update(build_registry())
    registry_seconds = time.perf_counter() - started
    syntax: dict[str, bool] = {}
    errors: dict[str, str] = {}
    builtins: list[str] = []
    if probes:
        chosen: list[Probe] = (
            [PROBES_BY_NAME[n] for n in probe_names] if probe_names is not None else list(PROBES)
        )
        unsupported_builtins = [
            q.rpartition(".")[2]
            for q, e in data["callables"].items()
            if q.startswith("builtins.") and not e["supported"]
        ]
        chosen += [builtin_probe(name) for name in unsupported_builtins]
        results = run_probes(chosen, timeout=timeout)
        for name, result in results.items():
            if name.startswith("builtin:"):
                continue
            syntax[name] = bool(result["supported"])
            if result["error"]:
                errors[name] = result["error"]
        builtins = untyped_builtins(data["callables"], results)
    data["syntax"] = syntax
    data["probe_errors"] = errors
    data["untyped_builtins"] = builtins
    data["build"] = {
        "registry_seconds": round(registry_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return data
