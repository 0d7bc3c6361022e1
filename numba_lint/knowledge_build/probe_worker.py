"""Probe worker: compiles probes with real Numba, one JSON line in -> one JSON line out.

Started by `probe_runner` as `python -m numba_lint.knowledge_build.probe_worker`; Numba is imported
once and every probe runs in this one process. A crash kills only this worker; the runner
restarts it. Never used by the linter process itself.
"""

from __future__ import annotations

import json
import re
import sys
import time
import warnings
from typing import Any

_HEADER = re.compile(r"^(Failed in \w+ mode pipeline|During: |File \"|\s*$)")


def first_informative_line(exc: BaseException) -> str:
    """The line of a Numba error that says what went wrong (the first line is boilerplate)."""
    for line in str(exc).splitlines():
        line = line.strip()
        if not line or _HEADER.match(line):
            continue
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        return f"{type(exc).__name__}: {line}"[:300]
    return type(exc).__name__


def run_probe(request: dict[str, Any]) -> dict[str, Any]:
    name = request["name"]
    namespace: dict[str, Any] = {"__name__": f"probe_{abs(hash(name))}"}
    started = time.perf_counter()
    result: dict[str, Any] = {"name": name, "compiled": False, "supported": False, "error": None}
    try:
        exec(compile(request["source"], f"<probe:{name}>", "exec"), namespace)
        probe = namespace["probe"]
        value: Any = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = eval(request["call"], namespace)
        except Exception as exc:  # a compile error or a runtime error of the probe body
            result["error"] = first_informative_line(exc)
        result["compiled"] = bool(getattr(probe, "signatures", ()))
        if result["compiled"]:
            result["error"] = None
            expect = request.get("expect")
            ok = True
            if expect:
                ok = bool(eval(expect, dict(namespace, result=value)))
                if not ok:
                    result["error"] = f"compiles, but `{expect}` does not hold"
            result["supported"] = ok
    except Exception as exc:  # the probe module itself failed (decorating, eager compile)
        result["error"] = first_informative_line(exc)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def main() -> None:
    from numba_lint.knowledge_build.environment import install_hider

    install_hider()
    import numba  # noqa: F401  (imported once, before the first probe is timed)

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        print(json.dumps(run_probe(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
