"""A function's signature sources (job data) -> Numba argument types to check (worker side).

Used by worker.py after the skeleton import: reads signatures the decorator recorded, decodes
harvested spellings, maps annotations, and types module-level call sites as a real call would
(calltypes.py: arguments evaluated 2 s each, or typed from other jitted calls' return types,
then folded by Numba's dispatcher); a value Numba cannot type becomes a placeholder type that
fails at its first use.
"""

from __future__ import annotations

import inspect
import types as pytypes
from collections.abc import Iterator
from typing import Any

from .annotations import annotation_candidates
from .calltypes import CallTyper
from .describe import without_addresses
from .fold import Typed, Unknown, fold_call, numba_type
from .numba_compat import Dispatcher, numba, types


def _type_of(value: Any, param: str) -> tuple[Any, dict[str, Any] | None]:
    """Numba's type of a call-site value, or a placeholder that fails at its first use."""
    typ = numba_type(value)
    if typ is not None:
        return typ, None
    cls = type(value)
    placeholder = types.Opaque(f"untypable({param}: {cls.__qualname__})")
    info = {"param": param, "class": cls.__qualname__, "module": cls.__module__}
    # A list (tuple, set) of plain objects: name the objects' class, not `list`.
    if isinstance(value, (list, tuple, set, frozenset)) and value:
        item = type(next(iter(value)))
        info["container"], info["class"] = cls.__qualname__, item.__qualname__
        info["module"] = item.__module__
    return placeholder, info


def _call_site_signature(
    disp: Any,
    site: dict[str, Any],
    typer: CallTyper,
    notes: list[str],
    prefix: tuple[Any, ...] = (),
) -> tuple[tuple[Any, ...], list[dict[str, Any]], int] | None:
    """(argument types, untypable arguments, line) of one call site, folded by Numba's
    dispatcher as a real call would be (keywords, omitted defaults as `types.Omitted`, the
    `*args` tuple), results of other jitted calls typed, never run; None (and a note) when its
    arguments cannot be typed."""
    where = f"call at line {site['line']} skipped"
    try:
        args, kwargs = typer.arguments(site)
        if is_stencil(disp):
            # A StencilFunc types its positional arrays (StencilFunc._type_me); `out=` and
            # `neighborhood=` change what it writes and reads, not the kernel's types.
            folded, names = tuple(args), list(disp.kernel_ir.arg_names)
            if len(folded) != len(names):
                raise TypeError(f"{len(names)} arrays expected, {len(folded)} given")
        else:
            # A jitclass constructor's call site has no `self`: the instance type goes first.
            folded = fold_call(disp, [*(Typed(t) for t in prefix), *args], kwargs)
            names = list(inspect.signature(disp.py_func).parameters)
    except NameError as exc:
        notes.append(f"{where}: {exc}")
        return None
    except Unknown as exc:
        notes.append(f"{where}: {exc}")
        return None
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - user code
        notes.append(f"{where}: {type(exc).__name__}: {exc}")
        return None
    argtypes, untypable = [], []
    for name, value in zip(names, folded, strict=True):
        typ, bad = _type_of(value, name)
        argtypes.append(typ)
        if bad is not None:
            untypable.append(bad)
    ufunc = disp.__dict__.get("_numba_lint_ufunc") if isinstance(disp, Dispatcher) else None
    if ufunc is not None and not untypable:
        try:
            return kernel_types(ufunc, tuple(argtypes)), untypable, site["line"]
        except Exception as exc:  # noqa: BLE001 - a call Numba's ufunc would reject too
            notes.append(f"{where}: {type(exc).__name__}: {exc}")
            return None
    return tuple(argtypes), untypable, site["line"]


class CallSiteSignatures:
    """A function's distinct call-site signatures, worked out one at a time as the worker checks
    them: a call can read the result of an earlier call of the same function
    (`state = step(1)` then `step(state)`), whose type exists once that earlier signature has
    been checked. Iterating, `bool` and `len` give what a list of them would."""

    def __init__(
        self,
        disp: Any,
        plan: dict[str, Any],
        typer: CallTyper,
        notes: list[str],
        prefix: tuple[Any, ...] = (),
    ):
        self._disp, self._typer, self._notes, self._prefix = disp, typer, notes, prefix
        self._pending = iter(plan["callsites"])
        self._found: list[tuple[tuple[Any, ...], list[dict[str, Any]], int]] = []

    def _another(self) -> bool:
        """Works out call sites until one gives a new signature; False when none is left."""
        for site in self._pending:
            found = _call_site_signature(self._disp, site, self._typer, self._notes, self._prefix)
            if found is not None and all(found[0] != seen for seen, _, _ in self._found):
                self._found.append(found)
                return True
        return False

    def __iter__(self) -> Iterator[tuple[tuple[Any, ...], list[dict[str, Any]], int]]:
        number = 0
        while number < len(self._found) or self._another():
            yield self._found[number]
            number += 1

    def __bool__(self) -> bool:
        return bool(self._found) or self._another()

    def __len__(self) -> int:
        while self._another():
            pass
        return len(self._found)


def is_stencil(target: Any) -> bool:
    """A @stencil kernel (a StencilFunc: typed per call, never a Dispatcher)."""
    from .numba_compat import StencilFunc

    return isinstance(target, StencilFunc)


def _harvest_signature(args: list[str], py_func: Any) -> tuple[Any, ...]:
    """Stored argument spellings -> Numba types (markers resolved in the skeleton modules)."""
    from ...harvest.spelling import decode_signature

    return decode_signature(args, py_func)


def target_of(module: Any, plan: dict[str, Any]) -> tuple[Any, str | None]:
    """The object to check (dispatcher / jitclass method dispatcher) or why there is none."""
    if plan["form"] == "jitclass-method":
        cls = getattr(module, plan["class_name"] or "", None)
        class_type = getattr(cls, "class_type", None)
        if class_type is None:
            return None, f"jitclass {plan['class_name']} is not defined at import"
        method = _jitclass_member(class_type, plan)
        if method is None:
            return None, f"jitclass {plan['class_name']} has no jitted member {plan['name']}"
        return method, None
    holder = plan["dispatcher_name"] or plan["name"]
    value = getattr(module, holder, None)
    if value is None:
        return None, f"'{holder}' is not defined when the module's skeleton is imported"
    if isinstance(value, Dispatcher) or is_stencil(value) or plan["decorator"]:
        return value, None
    return _kernel_target(value, plan), None


# Attributes through which wrapper objects keep what they wrap: functools.wraps, Numba's own
# dispatchers and ufuncs, and the `func` of wrapper classes (numbagg's `ndmove(func, ...)`).
_WRAPPED = ("__wrapped__", "py_func", "func", "_dispatcher", "gufunc_builder")


def _stored(obj: Any, name: str) -> Any:
    """An attribute's stored value, never running a property or other code of the project
    (a property may compile): instance data, or a C type's data member (`partial.func`)."""
    try:
        own = vars(obj) if hasattr(obj, "__dict__") else {}
        if isinstance(own, dict) and name in own:
            return own[name]
        found = inspect.getattr_static(obj, name, None)
        if isinstance(found, (pytypes.MemberDescriptorType, pytypes.GetSetDescriptorType)):
            return getattr(obj, name, None)
    except Exception:  # noqa: BLE001 - user objects
        return None
    if hasattr(type(found), "__get__") and not inspect.isfunction(found):
        return None  # a property, cached_property, classmethod...: code, not data
    return found


def _same_def(func: Any, plan: dict[str, Any]) -> bool:
    qualname = getattr(func, "__qualname__", None)
    return isinstance(qualname, str) and qualname.replace(".<locals>", "") == plan["qualname"]


def _def_behind(value: Any, plan: dict[str, Any]) -> tuple[Any, list[Any]]:
    """(the plan's `def` reached from a module attribute through wrapper objects, or None; the
    Numba objects met on the way that compile it: dispatchers, DUFuncs, GUFuncs)."""
    seen: set[int] = set()
    found, compilers = None, []
    pending = [value]
    while pending and len(seen) < 32:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if inspect.isfunction(current):
            if found is None and _same_def(current, plan):
                found = current
            continue
        if isinstance(current, Dispatcher) or hasattr(current, "_frozen"):
            compilers.append(current)
        pending.extend(v for v in (_stored(current, n) for n in _WRAPPED) if v is not None)
        # A wrapper that built its ufunc already (numbagg's `ndreduce` does it in `__init__`).
        attributes = getattr(current, "__dict__", None)
        if isinstance(attributes, dict):
            pending.extend(v for v in attributes.values() if hasattr(v, "_dispatcher"))
    return found, [c for c in compilers if _kernel_function(c) is found]


def _kernel_function(compiler: Any) -> Any:
    return getattr(getattr(compiler, "_dispatcher", compiler), "py_func", None)


def _compiled_loops(ufunc: Any) -> list[str]:
    built = getattr(ufunc, "ufunc", None) or ufunc
    return list(getattr(built, "types", None) or [])


def _kernel_target(value: Any, plan: dict[str, Any]) -> Any:
    """For a module attribute that is not a dispatcher: a dispatcher of the `def` behind it,
    typed like a jitted function (a @vectorize/@guvectorize kernel, a wrapper class's `func`),
    marked with what its argument types come from: the harvest; the module-level calls of a
    lazy ufunc (`_numba_lint_ufunc`); loops compiled at import (`_numba_lint_compiled`); never
    the calls of a wrapper, whose parameters need not be the def's (`_numba_lint_wrapped`)."""
    func, compilers = _def_behind(value, plan)
    if func is None:
        return value
    dispatchers = [c for c in compilers if isinstance(c, Dispatcher)]
    ufuncs = [c for c in compilers if not isinstance(c, Dispatcher)]
    options: dict[str, Any] = {}
    locals_ = getattr(getattr(ufuncs[0], "_dispatcher", None), "locals", None) if ufuncs else None
    if dispatchers:  # a plain-Python wrapper around a dispatcher: keep its options
        options = {k: v for k, v in dispatchers[0].targetoptions.items() if k != "nopython"}
        locals_ = dispatchers[0].locals
    target = numba.njit(locals=dict(locals_ or {}), **options)(func)
    compiled = [loop for ufunc in ufuncs for loop in _compiled_loops(ufunc)]
    if compiled and not plan["harvest"]:
        target.__dict__["_numba_lint_compiled"] = compiled
    elif ufuncs and ufuncs[0] is value and not getattr(value, "_frozen", True):
        target.__dict__["_numba_lint_ufunc"] = value
    else:
        target.__dict__["_numba_lint_wrapped"] = True
    return target


def kernel_types(ufunc: Any, argtypes: tuple[Any, ...]) -> tuple[Any, ...]:
    """The kernel's argument types for a call of a lazy @vectorize or dynamic @guvectorize with
    these argument types, as Numba works them out: the arrays' dtypes, or the gufunc layout's
    core dimensions."""
    if hasattr(ufunc, "_get_function_type"):  # a dynamic GUFunc
        return tuple(ufunc._get_function_type(*argtypes).args)
    return tuple(t.dtype if isinstance(t, types.Array) else t for t in argtypes)


def _jitclass_member(class_type: Any, plan: dict[str, Any]) -> Any:
    """The dispatcher of a jitclass method, @staticmethod, or property getter or setter (the
    accessor whose def is the plan's: the nearest one starting at or above its line)."""
    name = plan["name"]
    found = class_type.jit_methods.get(name) or class_type.jit_static_methods.get(name)
    if found is not None:
        return found
    accessors = [d for d in class_type.jit_props.get(name, {}).values() if hasattr(d, "py_func")]
    above = [d for d in accessors if d.py_func.__code__.co_firstlineno <= plan["line"]]
    return max(above, key=lambda d: d.py_func.__code__.co_firstlineno, default=None)


def _is_static(module: Any, plan: dict[str, Any]) -> bool:
    class_type = getattr(module, plan["class_name"]).class_type
    return plan["name"] in class_type.jit_static_methods


def signatures_for(
    target: Any,
    plan: dict[str, Any],
    module: Any,
    notes: list[str],
    typer: CallTyper | None = None,
) -> tuple[str | None, list[tuple[Any, list[dict[str, Any]], int | None]] | CallSiteSignatures]:
    """(source name, [(signature, untypable arguments, call line)]) by order of trust; each
    distinct signature once. `typer` types call-site arguments (one without results of other
    jitted calls when not given)."""
    declared = (
        target.__dict__.get("_numba_lint_declared") if isinstance(target, Dispatcher) else None
    )
    if declared:
        return "decorator", [(sig, [], None) for sig in declared]
    if plan["decorator"]:
        # cfunc / vectorize / guvectorize: compiled for real when the decorator ran.
        return "decorator", []
    if isinstance(target, Dispatcher) and target.__dict__.get("_numba_lint_compiled"):
        # A ufunc a project wrapper or factory built while the skeleton ran: Numba compiled its
        # loops then, without error.
        return "decorator", []
    if plan["harvest"] and isinstance(target, Dispatcher):
        if plan.get("harvest_note"):
            notes.append(plan["harvest_note"])
        return "harvest", [
            (_harvest_signature(args, target.py_func), [], None) for args in plan["harvest"]
        ]
    if plan.get("harvest_note"):
        notes.append(plan["harvest_note"])
    prefix: tuple[Any, ...] = ()
    if plan["form"] == "jitclass-method" and not _is_static(module, plan):
        prefix = (getattr(module, plan["class_name"]).class_type.instance_type,)
    if plan["annotated"] and isinstance(target, Dispatcher):
        candidates = annotation_candidates(target.py_func, skip_first=bool(prefix), notes=notes)
        if candidates:
            return "annotations", [(prefix + c, [], None) for c in candidates]
    wrapped = isinstance(target, Dispatcher) and target.__dict__.get("_numba_lint_wrapped")
    if plan["callsites"] and (isinstance(target, Dispatcher) or is_stencil(target)) and not wrapped:
        if typer is None:
            typer = CallTyper(module, [], lambda qualname: True, None)
        sites = CallSiteSignatures(target, plan, typer, notes, prefix)
        if sites:
            return "callsite", sites
    if isinstance(target, Dispatcher) and not _parameters(target.py_func)[len(prefix) :]:
        # Nothing to choose: no parameter (a jitclass method or property getter: only `self`,
        # the instance type), so one signature types every call of it.
        return PARAMETERLESS, [(prefix, [], None)]
    return None, []


# The signature source of a function whose only signature needs no argument types.
PARAMETERLESS = "no-parameters"


def _parameters(py_func: Any) -> list[Any]:
    try:
        return list(inspect.signature(py_func).parameters.values())
    except (TypeError, ValueError):
        return [None]  # unknown: not parameterless


def signature_text(sig: Any) -> str:
    """A signature for people, stable across runs (no object addresses)."""
    if isinstance(sig, str):
        text = sig
    elif isinstance(sig, tuple):
        text = "(" + ", ".join(str(t) for t in sig) + ")"
    else:
        text = str(sig)
    return without_addresses(text)
