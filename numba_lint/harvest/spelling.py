"""Numba type <-> text that reads back: `float64[:, ::1]`, `UniTuple(int64, 2)`, references.

`encode_args` runs inside a harvested process (the hook); `decode_signature` runs inside a
dynamic-pass worker. Both import Numba lazily: the linter process never imports this module's
Numba side. A spelling is only ever written after it was read back and compared equal.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Any

try:  # inside a harvested process the hook directory holds a copy of the format module
    import _numba_lint_signatures_file as _format  # type: ignore[import-not-found]
except ImportError:
    from numba_lint import signatures_file as _format

NOT_PASSED = _format.NOT_PASSED


class Unstorable(Exception):
    """A type without a text form; the message says why, in words a user can act on."""


def _types() -> Any:
    from numba.core import types

    return types


def _namespace() -> dict[str, Any]:
    # The namespace numba.core.sigutils evaluates signature strings in.
    return vars(_types())


def parse_type(text: str) -> Any:
    """A Numba type from its spelling, exactly as `numba.core.sigutils` reads it."""
    return eval(text, {"__builtins__": {}}, _namespace())  # noqa: S307 - Numba's own scheme


def _reads_back(text: str, numba_type: Any) -> bool:
    try:
        return bool(parse_type(text) == numba_type)
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------
# Encoding (hook side).


def encode_args(args: Sequence[Any]) -> list[str]:
    """One spelling per argument type; raises Unstorable naming the argument that has none."""
    spelled = []
    for index, numba_type in enumerate(args):
        try:
            spelled.append(encode_argument(numba_type))
        except Unstorable as exc:
            raise Unstorable(f"argument {index + 1}: {exc}") from None
    return spelled


def encode_argument(numba_type: Any) -> str:
    """A top-level argument: a type, `<not passed>` or a reference marker."""
    types = _types()
    if isinstance(numba_type, types.Omitted):
        return NOT_PASSED
    if isinstance(numba_type, types.Dispatcher):
        return _object_reference(
            "dispatcher", numba_type.dispatcher.py_func, numba_type.dispatcher, "a jitted function"
        )
    if isinstance(numba_type, types.ClassInstanceType):
        return _jitclass_reference(numba_type)
    if isinstance(numba_type, (types.NamedTuple, types.NamedUniTuple)):
        python_class = numba_type.instance_class
        fields = [encode_type(field) for field in numba_type.types]
        _object_reference("namedtuple", python_class, python_class, "a namedtuple class")
        return _format.reference(
            "namedtuple", python_class.__module__, python_class.__qualname__, fields
        )
    if isinstance(numba_type, (types.EnumMember, types.IntEnumMember)):
        python_class = numba_type.instance_class
        _object_reference("enum", python_class, python_class, "an enum class")
        return _format.reference(
            "enum",
            python_class.__module__,
            python_class.__qualname__,
            [encode_type(numba_type.dtype)],
        )
    if isinstance(numba_type, types.StructRef):
        return _structref_reference(numba_type)
    return encode_type(numba_type)


def _structref_reference(struct_type: Any) -> str:
    """`<structref pkg.mod:PointType(('x', float64), ('y', float64))>`: the registered
    `types.StructRef` subclass and its fields, rebuilt as `PointType([(name, type), ...])`."""
    python_class = type(struct_type)
    _object_reference("structref", python_class, python_class, "a structref type")
    fields = [
        f"({name!r}, {encode_type(member)})" for name, member in struct_type.field_dict.items()
    ]
    text = _format.reference(
        "structref", python_class.__module__, python_class.__qualname__, fields
    )
    try:
        # Built again as a worker will (the class may transform its fields): equal or nothing.
        same = _structref(python_class, ", ".join(fields)) == struct_type
    except Exception:
        same = False
    if not same:
        raise Unstorable(
            f"structref type {python_class.__qualname__} is not rebuilt equal from its fields"
        )
    return text


def _structref(python_class: Any, fields: str) -> Any:
    return python_class(list(parse_type("(" + fields + ",)")) if fields.strip() else [])


def _jitclass_reference(instance_type: Any) -> str:
    # The class type keeps no link to the Python class; its methods know where they live.
    methods = list(instance_type.class_type.jit_methods.values())
    if not methods:
        raise Unstorable("a jitclass without methods cannot be located")
    py_func = methods[0].py_func
    module, qualname = py_func.__module__, py_func.__qualname__.rpartition(".")[0]
    resolved = _resolve_quietly(module, qualname)
    if getattr(getattr(resolved, "class_type", None), "instance_type", None) != instance_type:
        raise Unstorable(_why_no_name(_Named(module, qualname), "a jitclass"))
    return _format.reference("jitclass", module, qualname)


class _Named:
    def __init__(self, module: str, qualname: str) -> None:
        self.__module__ = module
        self.__qualname__ = qualname


def _object_reference(kind: str, named: Any, expected: Any, what: str) -> str:
    module, qualname = named.__module__, named.__qualname__
    if _resolve_quietly(module, qualname) is not expected:
        raise Unstorable(_why_no_name(named, what))
    return _format.reference(kind, module, qualname)


def _why_no_name(named: Any, what: str) -> str:
    qualname = getattr(named, "__qualname__", "?")
    if "<locals>" in qualname:
        return f"{what} defined inside a function ({qualname}) has no importable name"
    if getattr(named, "__module__", None) == "__main__":
        return f"{what} defined in a script (__main__) has no importable name"
    return f"{what} that is not reachable as {named.__module__}:{qualname}"


def _resolve_quietly(module: str, qualname: str) -> Any:
    if "<locals>" in qualname or module == "__main__" or module not in sys.modules:
        return None
    try:
        return _walk(sys.modules[module], qualname)
    except AttributeError:
        return None


def encode_type(numba_type: Any) -> str:
    """A plain type (no markers) as text that parses back equal, or Unstorable."""
    for candidate in _candidates(numba_type):
        if candidate is not None and _reads_back(candidate, numba_type):
            return candidate
    if isinstance(numba_type, _types().Dispatcher):
        raise Unstorable("a jitted function inside a container has no text form")
    raise Unstorable(f"no text form for Numba type {type(numba_type).__name__}")


def _candidates(numba_type: Any) -> list[str | None]:
    types = _types()
    found: list[str | None] = []
    try:
        if isinstance(numba_type, types.Array):
            found += _array_spellings(numba_type)
        elif isinstance(numba_type, (types.NPDatetime, types.NPTimedelta)):
            found.append(f"{type(numba_type).__name__}({numba_type.unit!r})")
        elif (call := _constructor_call(numba_type)) is not None:
            found.append(call)
        elif isinstance(numba_type, types.Literal):
            found.append(f"literal({numba_type.literal_value!r})")
    except Unstorable:
        pass
    found += [str(numba_type), repr(numba_type)]
    name = type(numba_type).__name__
    if name in _namespace():
        found.append(f"{name}({getattr(numba_type, 'name', '')!r})")
    return found


# Container types spelled as a call of their constructor, most specific class first (a
# StarArgUniTuple is a UniTuple): (class name in numba.types, the arguments of the call).
_CONSTRUCTOR_ARGUMENTS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("StarArgUniTuple", lambda t: f"{encode_type(t.dtype)}, {t.count}"),
    ("StarArgTuple", lambda t: _tuple_of(t.types)),
    ("UniTuple", lambda t: f"{encode_type(t.dtype)}, {t.count}"),
    ("Tuple", lambda t: _tuple_of(t.types)),
    ("Optional", lambda t: encode_type(t.type)),
    ("ListType", lambda t: encode_type(t.item_type)),
    ("DictType", lambda t: f"{encode_type(t.key_type)}, {encode_type(t.value_type)}"),
    ("List", lambda t: f"{encode_type(t.dtype)}, reflected={t.reflected}"),
    ("Set", lambda t: f"{encode_type(t.dtype)}, reflected={t.reflected}"),
)


def _constructor_call(numba_type: Any) -> str | None:
    """`UniTuple(int64, 2)`, `DictType(unicode_type, float64)`, ...: None for other types."""
    types = _types()
    for name, arguments in _CONSTRUCTOR_ARGUMENTS:
        if isinstance(numba_type, getattr(types, name)):
            return f"{name}({arguments(numba_type)})"
    return None


def _tuple_of(members: Sequence[Any]) -> str:
    return "(" + "".join(encode_type(member) + ", " for member in members).rstrip(" ") + ")"


def _array_spellings(array: Any) -> list[str | None]:
    dtype = encode_type(array.dtype)
    spellings: list[str | None] = []
    readonly = not array.mutable
    if not readonly and array.aligned and array.ndim > 0:
        dims = [":"] * array.ndim
        if array.layout == "C":
            dims[-1] = "::1"
        elif array.layout == "F":
            dims[0] = "::1"
        spellings.append(f"{dtype}[{', '.join(dims)}]")
    extra = (", readonly=True" if readonly else "") + ("" if array.aligned else ", aligned=False")
    spellings.append(f"Array({dtype}, {array.ndim}, {array.layout!r}{extra})")
    return spellings


# ---------------------------------------------------------------------------------------------
# Decoding (worker side).

Resolver = Callable[[str, str], Any]


def default_resolver(module: str, qualname: str) -> Any:
    """`module:qualname` -> the object, importing the module (a worker may pass its own)."""
    return _walk(importlib.import_module(module), qualname)


def _walk(root: Any, qualname: str) -> Any:
    found = root
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def decode_argument(text: str, resolver: Resolver = default_resolver) -> Any:
    """One stored argument -> a Numba type; `<not passed>` -> NOT_PASSED (a str)."""
    types = _types()
    if text == NOT_PASSED:
        return NOT_PASSED
    ref = _format.parse_reference(text)
    if ref is None:
        return parse_type(text)
    target = resolver(ref.module, ref.qualname)
    if ref.kind == "dispatcher":
        return types.Dispatcher(target)
    if ref.kind == "jitclass":
        return target.class_type.instance_type
    if ref.kind == "structref":
        return _structref(target, ref.fields or "")
    fields: tuple[Any, ...] = parse_type("(" + ref.fields + ",)") if ref.fields else ()
    if ref.kind == "namedtuple":
        return types.BaseTuple.from_types(tuple(fields), target)
    if ref.kind == "enum":
        member = types.IntEnumMember if issubclass(target, enum.IntEnum) else types.EnumMember
        return member(target, fields[0])
    raise ValueError(f"unknown reference kind {ref.kind!r} in {text!r}")


def decode_signature(
    args: Sequence[str],
    py_func: Callable[..., Any] | None = None,
    resolver: Resolver = default_resolver,
) -> tuple[Any, ...]:
    """A stored signature -> the argument types to pass to `Dispatcher.compile`.

    `<not passed>` becomes `types.Omitted(default)`, the way Numba types a call that leaves the
    argument out; that needs `py_func` (the dispatcher's Python function) for the default.
    """
    types = _types()
    decoded = [decode_argument(text, resolver) for text in args]
    if NOT_PASSED in decoded:
        if py_func is None:
            raise ValueError("a signature with <not passed> arguments needs the function")
        parameters = list(inspect.signature(py_func).parameters.values())
        for index, value in enumerate(decoded):
            if value == NOT_PASSED:
                decoded[index] = types.Omitted(parameters[index].default)
    return tuple(decoded)
