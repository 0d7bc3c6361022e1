"""What Numba's failed type inference knew, read from the error's traceback (worker side).

Used by worker.py after a check failed. Numba's unification errors name one place, chosen by
its own iteration order ("Can't unify return type" lists a set of types; "Cannot unify X and Y
for 'v'" names the merge point, not the assignments that disagree), and its messages quote
internal variables (`$phi14.0.2`, `$50load_method.8`, `arg.0`). The frames of the failing
`TypeInferer` are still alive in the exception's traceback: this module reads from them, as
plain data, every candidate place (file, line, block, type) so that the parent can choose by
source order, and what each internal name stands for, so that the parent can word it in the
user's terms. Nothing here changes how Numba types; it only reads after the failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .describe import is_user_file
from .numba_compat import ir, typeinfer

_INTERNAL = re.compile(r"'(\$[\w.]+|arg\.\d+)'|(\$[\w.]+)")
_UNIFY_VAR = re.compile(r"Cannot unify .+? and .+? for '([^']+)'")


def _inferer(exc: BaseException) -> typeinfer.TypeInferer | None:
    """The TypeInferer whose constraint raised, from the innermost exception that has one."""
    found = None
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            local = tb.tb_frame.f_locals
            for candidate in (local.get("self"), local.get("typeinfer")):
                if isinstance(candidate, typeinfer.TypeInferer):
                    found = candidate
            tb = tb.tb_next
        current = current.__cause__
    return found


def _where(loc: Any) -> dict[str, Any] | None:
    filename = getattr(loc, "filename", None)
    if not is_user_file(filename) or not getattr(loc, "line", None):
        return None
    return {"file": str(Path(str(filename)).resolve()), "line": int(loc.line)}


def _assignments(inferer: typeinfer.TypeInferer) -> dict[str, tuple[int, ir.Assign]]:
    found = {}
    for label, block in inferer.func_ir.blocks.items():
        for inst in block.body:
            if isinstance(inst, ir.Assign):
                found[inst.target.name] = (label, inst)
    return found


def _type_of(inferer: typeinfer.TypeInferer, name: str) -> str | None:
    var = inferer.typevars.get(name)
    return str(var.type) if var is not None and var.type is not None else None


def _unify_sites(inferer: typeinfer.TypeInferer, target: str) -> list[dict[str, Any]]:
    """The assignments (not phis) whose values meet in `target`, each with its type."""
    defs = _assignments(inferer)
    sites: list[dict[str, Any]] = []
    todo, seen = [target], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        label, inst = defs[name]
        value = inst.value
        if isinstance(value, ir.Expr) and value.op == "phi":
            todo.extend(v.name for v in value.incoming_values if isinstance(v, ir.Var))
            continue
        where, kind = _where(inst.loc), _type_of(inferer, name)
        if where is not None and kind is not None and name != target:
            site = {**where, "block": label, "type": kind, "name": name.split(".")[0]}
            if isinstance(value, ir.Arg):
                # Numba places arguments at the function's first line (its first decorator).
                site["param"] = value.name
            sites.append(site)
    return sites


def _return_sites(inferer: typeinfer.TypeInferer) -> list[dict[str, Any]]:
    sites = []
    for label, block in inferer.func_ir.blocks.items():
        inst = block.terminator
        if isinstance(inst, ir.Return) and isinstance(inst.value, ir.Var):
            where, kind = _where(inst.loc), _type_of(inferer, inst.value.name)
            if where is not None and kind is not None:
                sites.append({**where, "block": label, "type": kind})
    return sites


def _internal_names(inferer: typeinfer.TypeInferer, text: str) -> dict[str, dict[str, Any]]:
    """Each internal variable the message quotes -> what it is (an attribute, a merge, ...)."""
    defs = _assignments(inferer)
    arg_names = list(inferer.func_ir.arg_names)
    names: dict[str, dict[str, Any]] = {}
    for match in _INTERNAL.finditer(text):
        name = match.group(1) or match.group(2)
        if name in names:
            continue
        if name.startswith("arg."):
            index = int(name.split(".")[1])
            if index < len(arg_names):
                names[name] = {"kind": "arg", "param": arg_names[index]}
            continue
        info: dict[str, Any] = {"kind": "value"}
        if "return_value" in name:
            info["kind"] = "return"
        if name in defs:
            _, inst = defs[name]
            value = inst.value
            where = _where(inst.loc)
            if where is not None:
                info.update(where)
            if isinstance(value, ir.Expr):
                if value.op == "getattr":
                    info.update(kind="attribute", attr=value.attr)
                elif value.op == "phi":
                    info["kind"] = "merge"
        names[name] = info
    return names


def failure_facts(exc: BaseException, root_text: str) -> dict[str, Any]:
    """Extra fields for a failure record: `sites` (candidate places, unordered) and `names`."""
    try:
        inferer = _inferer(exc)
        if inferer is None:
            return {}
        facts: dict[str, Any] = {}
        if "Can't unify return type" in root_text:
            facts["sites"] = {"kind": "return", "places": _return_sites(inferer)}
        else:
            match = _UNIFY_VAR.search(root_text)
            if match:
                facts["sites"] = {
                    "kind": "variable",
                    "places": _unify_sites(inferer, match.group(1)),
                }
        names = _internal_names(inferer, root_text)
        if names:
            facts["names"] = names
        return facts
    except Exception:  # noqa: BLE001 - best effort: Numba's internals may change shape
        return {}
