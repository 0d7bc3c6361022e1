"""The Numba types of each user function's variables, also when typing fails (worker side).

For `numba-lint explain` (job key "record_types"): while the worker types the module, every
type inference of a function from a user file is recorded when it ends, with the types Numba
had inferred at that moment: all of them when it succeeds, the ones it got to when it raises.
Numba's TypeInferer keeps its state in its type variables, so the types "up to the failure"
are those already defined when `propagate` (or `unify`) raised. The variables are folded to
source names per line by server/typeinfo.py's `variables_of`, which hover uses too.

Imports Numba: used inside worker processes only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...server.typeinfo import variables_of
from .describe import is_user_file
from .numba_compat import typeinfer


class TypeRecorder:
    """Typings seen while active: (file, qualname, signature) -> record, the last one wins."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str, str], dict[str, Any]] = {}

    def record(self, inferer: Any, complete: bool, typdict: Any = None) -> None:
        func_id = getattr(inferer, "func_id", None)
        filename = getattr(func_id, "filename", None)
        if func_id is None or not is_user_file(filename):
            return
        known = {name: var.type for name, var in inferer.typevars.items() if var.type is not None}
        known.update(typdict or {})  # unify's answer: the return variables resolved too
        args = [known.get(name) for _, name in sorted(inferer.arg_names.items())]
        signature = "(" + ", ".join("?" if a is None else str(a) for a in args) + ")"
        returned = [known[v.name] for v in _return_vars(inferer) if v.name in known]
        qualname = func_id.func_qualname.replace(".<locals>", "")
        self.records[(str(Path(str(filename)).resolve()), qualname, signature)] = {
            "file": str(Path(str(filename)).resolve()),
            "qualname": qualname,
            "line": int(getattr(func_id, "firstlineno", 0) or 0),
            "signature": signature,
            "return": str(returned[0]) if complete and returned else "",
            "complete": complete,
            "variables": variables_of(inferer.func_ir, known),
        }

    def answer(self) -> list[dict[str, Any]]:
        return list(self.records.values())


def _return_vars(inferer: Any) -> list[Any]:
    try:
        return list(inferer._get_return_vars())
    except Exception:  # noqa: BLE001 - a private helper: no return type then
        return []


@contextlib.contextmanager
def recording() -> Iterator[TypeRecorder]:
    """While active, every type inference of a user function is recorded when it ends."""
    recorder = TypeRecorder()
    cls = typeinfer.TypeInferer
    original_propagate, original_unify = cls.propagate, cls.unify

    def propagate(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original_propagate(self, *args, **kwargs)
        except Exception:
            recorder.record(self, complete=False)
            raise

    def unify(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            answer = original_unify(self, *args, **kwargs)
        except Exception:
            recorder.record(self, complete=False)
            raise
        recorder.record(self, complete=True, typdict=answer[0])
        return answer

    cls.propagate = propagate  # type: ignore[method-assign]
    cls.unify = unify  # type: ignore[method-assign]
    try:
        yield recorder
    finally:
        cls.propagate = original_propagate  # type: ignore[method-assign]
        cls.unify = original_unify  # type: ignore[method-assign]
