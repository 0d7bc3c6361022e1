"""Registry pass: what the installed Numba's typing registries support, as JSON-ready data.

Runs inside the knowledge-build subprocess (it imports Numba; the linter process never calls it).
Input: the installed Numba/NumPy; output: supported and unsupported callables of the covered
modules with the parameter names their `@overload` implementations accept, the modules Numba
registers nothing from, and every attribute/method name some Numba type resolves.
"""

from __future__ import annotations

import importlib
import inspect
import weakref
from collections import Counter
from typing import Any

# Modules whose every public callable is examined: a name of one of these that Numba does not
# type is reported as unsupported. Walked when importable.
COVERED_MODULES = (
    "builtins",
    "math",
    "cmath",
    "operator",
    "random",
    "heapq",
    "functools",
    "numpy",
    "numpy.linalg",
    "numpy.random",
    "numpy.fft",
    "numpy.ma",
    "numpy.char",
    "numpy.strings",
    "numpy.emath",
    "numpy.polynomial.polynomial",
    "numpy.polynomial.polyutils",
)

# Modules that user code often calls by mistake from jitted code. One is recorded as wholly
# unsupported only when the registry holds nothing that comes from it (numba-scipy, for
# example, registers scipy.special functions and so takes scipy off this list).
FOREIGN_MODULES = (
    "os",
    "sys",
    "re",
    "json",
    "itertools",
    "collections",
    "time",
    "datetime",
    "pathlib",
    "subprocess",
    "pickle",
    "copy",
    "string",
    "statistics",
    "logging",
    "threading",
    "multiprocessing",
    "socket",
    "csv",
    "glob",
    "shutil",
    "decimal",
    "fractions",
    "struct",
    "warnings",
    "inspect",
    "textwrap",
    "urllib",
    "shelve",
    "sqlite3",
    "pprint",
    "scipy",
    "pandas",
    "matplotlib",
    "sklearn",
    "torch",
    "tensorflow",
    "jax",
    "polars",
    "numexpr",
    "sympy",
    "networkx",
    "PIL",
    "cv2",
    "h5py",
    "xarray",
    "dask",
)


def typing_context() -> Any:
    """Numba's CPU typing context with every registry loaded (both refreshes are needed)."""
    from numba.core import registry

    context = registry.cpu_target.typing_context
    context.refresh()
    registry.cpu_target.target_context.refresh()
    return context


def _overload_parameters(numba_type: Any) -> dict[str, Any]:
    """What the overload templates accept: the union of their parameter names, whether any
    takes **kwargs, and the most positional arguments any accepts (None: *args, unbounded).
    Everything is None when a template is opaque (its argument handling is code)."""
    unknown: dict[str, Any] = {"parameters": None, "open": False, "max_positional": None}
    templates = getattr(numba_type, "templates", None)
    if not templates:
        return unknown
    names: list[str] = []
    open_ = False
    most: int | None = 0
    for template in templates:
        implementation = getattr(template, "_overload_func", None)
        if implementation is None:
            return unknown
        try:
            signature = inspect.signature(implementation)
        except (TypeError, ValueError):
            return unknown
        positional = 0
        for parameter in signature.parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                open_ = True
            elif parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                most = None
            else:
                if parameter.name not in names:
                    names.append(parameter.name)
                if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
                    positional += 1
        if most is not None:
            most = max(most, positional)
    return {"parameters": names, "open": open_, "max_positional": most}


def _public_names(module: Any) -> list[str]:
    names = getattr(module, "__all__", None)
    listed = set(names) if isinstance(names, (list, tuple)) else set()
    return sorted({n for n in dir(module) if not n.startswith("_")} | listed)


def examine_module(context: Any, module_name: str) -> tuple[dict[str, Any], list[str]]:
    """(qualified callable name -> entry, non-callable public names) for one module."""
    module = importlib.import_module(module_name)
    callables: dict[str, Any] = {}
    others: list[str] = []
    for name in _public_names(module):
        try:
            value = getattr(module, name)
        except AttributeError:
            continue
        if inspect.ismodule(value) or not callable(value):
            others.append(name)
            continue
        entry: dict[str, Any] = {"supported": False}
        try:
            numba_type = context.resolve_value_type(value)
        except Exception:  # Numba says "cannot type this": ValueError, TypingError, ...
            numba_type = None
        if numba_type is not None:
            entry = {"supported": True, **_overload_parameters(numba_type)}
        callables[f"{module_name}.{name}"] = entry
    return callables, others


def registered_modules(context: Any) -> Counter[str]:
    """Reverse map of the registry: top-level module name -> number of registered objects."""
    counts: Counter[str] = Counter()
    for key in list(context._globals):
        value = key() if isinstance(key, weakref.ref) else key
        owner = getattr(value, "__module__", None)
        if owner is None and hasattr(value, "__self__"):  # bound methods (numpy.random.*)
            owner = getattr(type(value.__self__), "__module__", None)
        if isinstance(owner, str):
            counts[owner.split(".")[0]] += 1
    return counts


def attribute_names(context: Any) -> tuple[dict[str, list[str]], list[str]]:
    """Per type key: attribute/method names its templates resolve; and the open-ended keys."""
    per_type: dict[str, set[str]] = {}
    open_keys: set[str] = set()
    for key, templates in context._attributes.items():
        label = getattr(key, "__name__", None) or str(key)
        names = per_type.setdefault(label, set())
        for template in templates:
            attr = getattr(template, "_attr", None)
            if isinstance(attr, str):
                names.add(attr)
            for member in dir(type(template)):
                if member.startswith("resolve_"):
                    names.add(member[len("resolve_") :])
            if "generic_resolve" in dir(type(template)):
                generic = type(template).generic_resolve
                if getattr(generic, "__qualname__", "").split(".")[0] != "AttributeTemplate":
                    open_keys.add(label)
    return {k: sorted(v) for k, v in sorted(per_type.items()) if v}, sorted(open_keys)


def build_registry() -> dict[str, Any]:
    context = typing_context()
    callables: dict[str, Any] = {}
    module_attributes: dict[str, list[str]] = {}
    covered: list[str] = []
    for module_name in COVERED_MODULES:
        try:
            found, others = examine_module(context, module_name)
        except ImportError:
            continue
        covered.append(module_name)
        callables.update(found)
        module_attributes[module_name] = others
    counts = registered_modules(context)
    unsupported_modules = [m for m in FOREIGN_MODULES if counts.get(m, 0) == 0]
    per_type, open_keys = attribute_names(context)
    union = sorted({name for names in per_type.values() for name in names})
    return {
        "callables": callables,
        "covered_modules": covered,
        "module_attributes": module_attributes,
        "unsupported_modules": unsupported_modules,
        "registered_modules": dict(sorted(counts.items())),
        "attributes": union,
        "type_attributes": per_type,
        "open_attribute_types": open_keys,
    }
