"""One module's trial compile, inside a worker process: job dict -> result dict (plain data).

Run by trial.py in a process forked from the warm forkserver. Imports the module's skeleton,
turns each function's signature sources into Numba types, types every (function, signature)
typing-only (or compiles it with --full-compile) and records raw failures, warnings and the
callees reached. It never runs the module's other top-level statements; locating is the parent's.
"""

from __future__ import annotations

import inspect
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import numba
from numba.core import errors, sigutils, typeinfer, types
from numba.core.dispatcher import Dispatcher

from . import skeleton as skeleton_mod
from .annotations import annotation_candidates
from .typing_only import check, full_compile, typing_only

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Numba names places as `File "rel/path.py", line N` (innermost first) and `at /abs/path.py (N)`.
_TEXT_LOC = re.compile(r'File "([^"]+)", line (\d+)|(?:at|Raised from) (/[^\n]+?\.py) \((\d+)\)')
_NUMBA_DIR = str(Path(numba.__file__).resolve().parent)


def clean(text: str) -> str:
    return _ANSI.sub("", text)


def _is_user_file(filename: str | None) -> bool:
    return bool(filename) and not str(filename).startswith(_NUMBA_DIR) and Path(
        str(filename)).suffix == ".py"


def _loc(exc: BaseException) -> dict[str, Any] | None:
    loc = getattr(exc, "loc", None)
    if loc is None or not _is_user_file(getattr(loc, "filename", None)):
        return None
    return {"file": str(Path(loc.filename).resolve()), "line": int(loc.line)}


def describe_error(exc: BaseException) -> dict[str, Any]:
    """Numba's exception -> the raw facts the parent needs to locate and word it."""
    chain: list[dict[str, Any]] = []
    current: BaseException | None = exc
    seen: set[int] = set()
    innermost = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        loc = _loc(current)
        if loc is not None and (not chain or chain[-1] != loc):
            chain.append(loc)
        if isinstance(current, errors.NumbaError):
            innermost = current
        current = current.__cause__
    last = errors.loc_info.get("loc") if hasattr(errors, "loc_info") else None
    fallback = None
    if last is not None and _is_user_file(getattr(last, "filename", None)):
        fallback = {"file": str(Path(last.filename).resolve()), "line": int(last.line)}
    text = clean(str(exc))
    mentioned = []
    for match in _TEXT_LOC.finditer(text):
        filename = match.group(1) or match.group(3)
        line = match.group(2) or match.group(4)
        if _is_user_file(filename):
            mentioned.append({"file": str(Path(filename).resolve()), "line": int(line)})
    return {
        "types": [cls.__name__ for cls in type(exc).__mro__],
        "text_locs": mentioned,
        "text": text,
        "root_text": clean(str(innermost)),
        "chain": chain,
        "fallback": fallback,
        "numba_error": isinstance(exc, errors.NumbaError),
    }


def _warning(record: warnings.WarningMessage, function: str | None) -> dict[str, Any] | None:
    message = record.message
    if not isinstance(message, errors.NumbaWarning):
        return None
    loc = getattr(message, "loc", None)
    where = None
    if loc is not None and _is_user_file(getattr(loc, "filename", None)):
        where = {"file": str(Path(loc.filename).resolve()), "line": int(loc.line)}
    elif _is_user_file(record.filename):
        where = {"file": str(Path(record.filename).resolve()), "line": int(record.lineno)}
    return {
        "category": type(message).__name__,
        "text": clean(str(message.msg if hasattr(message, "msg") else message)),
        "where": where,
        "function": function,
    }


class _EagerDeferral:
    """While the skeleton runs, `@njit("sig")` records its signatures instead of compiling."""

    def __enter__(self) -> _EagerDeferral:
        self.compile = Dispatcher.compile
        self.disable = Dispatcher.disable_compile
        original_compile, original_disable = self.compile, self.disable

        def deferred_compile(disp: Dispatcher, sig: Any) -> Any:
            eager = typeinfer._temporary_dispatcher_map.get(disp.py_func.__name__) is disp
            if eager:
                disp.__dict__.setdefault("_numba_lint_declared", []).append(sig)
                return None
            return original_compile(disp, sig)

        def deferred_disable(disp: Dispatcher, val: bool = True) -> None:
            if "_numba_lint_declared" in disp.__dict__:
                return None
            return original_disable(disp, val)

        Dispatcher.compile = deferred_compile  # type: ignore[method-assign]
        Dispatcher.disable_compile = deferred_disable  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        Dispatcher.compile = self.compile  # type: ignore[method-assign]
        Dispatcher.disable_compile = self.disable  # type: ignore[method-assign]


def _type_of(value: Any, param: str) -> tuple[Any, dict[str, Any] | None]:
    """Numba's type of a call-site value, or a placeholder that fails at its first use."""
    try:
        return numba.typeof(value), None
    except (ValueError, TypeError):
        cls = type(value)
        placeholder = types.Opaque(f"untypable({param}: {cls.__qualname__})")
        return placeholder, {"param": param, "class": cls.__qualname__,
                             "module": cls.__module__}


def _call_site_signatures(
    disp: Any, plan: dict[str, Any], namespace: dict[str, Any], notes: list[str]
) -> list[tuple[tuple[Any, ...], list[dict[str, Any]], int]]:
    """(argument types, untypable arguments, line) for every call site that evaluates."""
    found = []
    py_sig = inspect.signature(disp.py_func)
    for site in plan["callsites"]:
        try:
            with skeleton_mod._time_limit(2.0):
                args = [eval(src, namespace) for src in site["args"]]  # noqa: S307
                kwargs = {k: eval(src, namespace) for k, src in site["kwargs"].items()}  # noqa: S307
            bound = py_sig.bind(*args, **kwargs)
        except NameError as exc:
            notes.append(f"call at line {site['line']} skipped: {exc}")
            continue
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - user code
            notes.append(f"call at line {site['line']} skipped: {type(exc).__name__}: {exc}")
            continue
        argtypes, untypable = [], []
        for name in py_sig.parameters:
            if name not in bound.arguments:
                break
            typ, bad = _type_of(bound.arguments[name], name)
            argtypes.append(typ)
            if bad is not None:
                untypable.append(bad)
        found.append((tuple(argtypes), untypable, site["line"]))
    return found


def _harvest_signature(text: str) -> Any:
    try:
        return sigutils.normalize_signature(text)[0]
    except Exception:  # noqa: BLE001 - try the repr spelling next
        value = eval(text, dict(vars(types)))  # noqa: S307 - Numba's own type reprs
        return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _target(module: Any, plan: dict[str, Any]) -> tuple[Any, str | None]:
    """The object to check (dispatcher / jitclass method dispatcher) or why there is none."""
    if plan["form"] == "jitclass-method":
        cls = getattr(module, plan["class_name"] or "", None)
        class_type = getattr(cls, "class_type", None)
        method = class_type.jit_methods.get(plan["name"]) if class_type is not None else None
        if method is None:
            return None, f"jitclass {plan['class_name']} is not defined at import"
        return method, None
    holder = plan["dispatcher_name"] or plan["name"]
    value = getattr(module, holder, None)
    if value is None:
        return None, f"'{holder}' is not defined when the module's skeleton is imported"
    return value, None


def _signatures_for(
    target: Any, plan: dict[str, Any], module: Any, notes: list[str]
) -> tuple[str | None, list[tuple[Any, list[dict[str, Any]], int | None]]]:
    """(source name, [(signature, untypable arguments, call line)]) by order of trust."""
    declared = target.__dict__.get("_numba_lint_declared") if isinstance(target, Dispatcher) else None
    if declared:
        return "decorator", [(sig, [], None) for sig in declared]
    if plan["decorator"]:
        # cfunc / vectorize / guvectorize: compiled for real when the decorator ran.
        return "decorator", []
    if plan["harvest"]:
        return "harvest", [(_harvest_signature(text), [], None) for text in plan["harvest"]]
    prefix: tuple[Any, ...] = ()
    if plan["form"] == "jitclass-method":
        prefix = (getattr(module, plan["class_name"]).class_type.instance_type,)
    if plan["annotated"] and isinstance(target, Dispatcher):
        candidates = annotation_candidates(target.py_func, skip_first=bool(prefix), notes=notes)
        if candidates:
            return "annotations", [(prefix + c, [], None) for c in candidates]
    if plan["callsites"] and isinstance(target, Dispatcher):
        sites = _call_site_signatures(target, plan, module.__dict__, notes)
        if sites:
            unique: dict[Any, tuple[Any, list[dict[str, Any]], int | None]] = {}
            for argtypes, untypable, line in sites:
                unique.setdefault(argtypes, (argtypes, untypable, line))
            return "callsite", list(unique.values())
    return None, []


def _sig_text(sig: Any) -> str:
    if isinstance(sig, str):
        return sig
    if isinstance(sig, tuple):
        return "(" + ", ".join(str(t) for t in sig) + ")"
    return str(sig)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    path = Path(job["path"])
    root = Path(job["project_root"])
    for folder in (str(path.parent), str(root), *job.get("sys_path", [])):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    finder = skeleton_mod.SkeletonFinder(root, seconds=job["statement_seconds"])
    sys.meta_path.insert(0, finder)
    result: dict[str, Any] = {"functions": {}, "failures": [], "warnings": [],
                              "statements": [], "typed": [], "notes": []}
    jitted = {p["dispatcher_name"] or p["name"] for p in job["functions"]
              if "." not in p["qualname"]}

    with warnings.catch_warnings(record=True) as caught, _EagerDeferral():
        warnings.simplefilter("always")
        skel = skeleton_mod.execute(
            _new_module(job["module_name"], path), job["text"], str(path), jitted,
            job["statement_seconds"],
        )
    for record in caught:
        item = _warning(record, None)
        if item is not None:
            result["warnings"].append(item)
    for failure in skel.failures:
        entry = {"line": failure.line, "names": list(failure.names), "error": failure.error}
        if failure.exception is not None:
            entry["detail"] = describe_error(failure.exception)
        result["statements"].append(entry)
    result["dropped_names"] = sorted(skel.dropped_names)
    result["project_files"] = sorted(
        {str(Path(s.module.__file__).resolve()) for s in finder.loaded.values()
         if getattr(s.module, "__file__", None)}
    )
    mode = full_compile if job["full_compile"] else typing_only
    for plan in job["functions"]:
        result["functions"][plan["qualname"]] = _check_function(
            plan, skel.module, mode, result
        )
    return result


def _new_module(name: str, path: Path) -> Any:
    import types as pytypes

    module = pytypes.ModuleType(name)
    module.__file__ = str(path)
    module.__package__ = name.rpartition(".")[0]
    # Self-recursion and `import pkg.mod` inside the module resolve through sys.modules.
    sys.modules[name] = module
    return module


def _check_function(
    plan: dict[str, Any], module: Any, mode: Any, result: dict[str, Any]
) -> dict[str, Any]:
    if plan["unreachable"]:
        return {"checked": False, "source": None, "signatures": [], "reason": plan["unreachable"]}
    if plan["forceobj"]:
        return {"checked": False, "source": None, "signatures": [],
                "reason": "object mode requested (forceobj=True)"}
    target, why = _target(module, plan)
    if target is None:
        return {"checked": False, "source": None, "signatures": [], "reason": why,
                "missing": True}
    notes: list[str] = []
    try:
        source, signatures = _signatures_for(target, plan, module, notes)
    except Exception as exc:  # noqa: BLE001 - a bad harvested/annotated type
        result["failures"].append({"function": plan["qualname"], "signature": None,
                                   "source": "harvest" if plan["harvest"] else "annotations",
                                   "kind_hint": "invalid-signature",
                                   **describe_error(exc)})
        return {"checked": True, "source": "harvest" if plan["harvest"] else "annotations",
                "signatures": list(plan["harvest"]), "reason": None}
    if source is None:
        return {"checked": False, "source": None, "signatures": [], "notes": notes,
                "reason": "no argument types; add a signature, annotations or a harvested "
                "signatures file"}
    if not signatures:  # compiled for real by its decorator at import, without error
        return {"checked": True, "source": source, "signatures": list(plan["decorator"]),
                "reason": None}
    texts = []
    annotation_failures: list[dict[str, Any]] = []
    for sig, untypable, line in signatures:
        text = _sig_text(sig)
        texts.append(text)
        failure = _check_one(target, sig, mode, plan, result)
        base = {"function": plan["qualname"], "signature": text, "source": source,
                "callsite_line": line}
        if untypable:
            result["failures"].append({**base, "kind_hint": "untypable", "untypable": untypable,
                                       **(failure or {"types": [], "text": "", "root_text": "",
                                                      "chain": [], "fallback": None,
                                                      "numba_error": False})})
        elif failure is not None:
            if source == "annotations" and len(signatures) > 1:
                annotation_failures.append({**base, **failure})
            else:
                result["failures"].append({**base, **failure})
    # Array annotations without a known ndim try several; only all failing is a finding.
    if annotation_failures and len(annotation_failures) == len(signatures):
        result["failures"].append(annotation_failures[0])
    return {"checked": True, "source": source, "signatures": texts, "reason": None,
            "notes": notes}


def _check_one(target: Any, sig: Any, mode: Any, plan: dict[str, Any],
               result: dict[str, Any]) -> dict[str, Any] | None:
    if hasattr(errors, "loc_info"):
        errors.loc_info.clear()
    failure = None
    with warnings.catch_warnings(record=True) as caught, mode() as log:
        warnings.simplefilter("always")
        try:
            check(target, sig)
        except errors.ForceLiteralArg:
            failure = None
            result["notes"].append(f"{plan['qualname']}: needs literal argument values")
        except Exception as exc:  # noqa: BLE001 - every failure of the compile is a finding
            failure = describe_error(exc)
    for record in caught:
        item = _warning(record, plan["qualname"])
        if item is not None:
            result["warnings"].append(item)
    for disp, args in log.typed:
        py_func = getattr(disp, "py_func", None)
        code = getattr(py_func, "__code__", None)
        if code is None or not _is_user_file(code.co_filename):
            continue
        result["typed"].append({"file": str(Path(code.co_filename).resolve()),
                                "qualname": py_func.__qualname__,
                                "line": code.co_firstlineno,
                                "signature": _sig_text(args)})
    return failure

