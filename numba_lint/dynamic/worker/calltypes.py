"""A module-level call of a jitted function -> the argument types a real call would compile.

Used inside worker processes by argtypes.py (it imports Numba). Two things a real call does are
reproduced without running the call:

- Numba's dispatcher folds the arguments first: keyword arguments go to their positions, an
  omitted defaulted parameter becomes `types.Omitted(default)`, extra positional arguments
  become the `*args` tuple. `fold_call` (fold.py) runs that folding, Numba's own (C) code, on a
  fresh dispatcher of the function whose compile step stops it: nothing is compiled or run.
- An argument can be the result of another jitted call (`d = pairwise(pts)` then `nearest(d)`):
  the skeleton never runs such an assignment, so `d` has no value. Its type is known without
  running anything: the return type the trial compile inferred for `pairwise` with `pts`'s type,
  as the value Python would get back (Numba boxes an int32 result as a Python int, typed
  int64 when passed on). `CallTyper` types those arguments, subscripts, attributes and tuple
  unpacking of them, after having the worker check the producing function first.

Plain argument expressions (no result of a jitted call, no call of anything Numba compiled) are
evaluated in the skeleton's namespace, 2 s each, and typed with `numba.typeof`, as before.
"""

from __future__ import annotations

import ast
import contextlib
import operator
import types as pytypes
import warnings
from collections.abc import Callable
from typing import Any

from . import skeleton as skeleton_mod
from .fold import (
    Typed,
    Unknown,
    as_returned,
    fold_call,
    numba_type,
    spelled,
    tuple_items,
    typing_context,
    unpacked,
)
from .numba_compat import Dispatcher, DUFunc, numpy_support, types


def _is_compiled(value: Any) -> bool:
    """Something Numba compiles when called (dispatcher, ufunc, cfunc, jitclass): never run."""
    return callable(value) and type(value).__module__.split(".")[0] == "numba"


class CallTyper:
    """Argument values and types of one module's call sites, for every function of its job.

    `ensure(qualname)` makes the worker check a function of the module now (once), so that the
    return type of a call of it can be read from what its check typed; False while that
    function's own check is running, when `type_now(qualname, argtypes)` checks the one
    signature needed ahead of its turn (`state = step(state)`).
    """

    def __init__(
        self,
        module: Any,
        plans: list[dict[str, Any]],
        ensure: Callable[[str], bool],
        mode: Any,
        type_now: Callable[[str, tuple[Any, ...]], None] | None = None,
    ) -> None:
        self.namespace: dict[str, Any] = module.__dict__
        self.ensure = ensure
        self.type_now = type_now
        self.mode = mode
        self.results: dict[str, dict[str, Any]] = {}
        self.local: dict[int, str] = {}
        self.methods = {p["qualname"] for p in plans if p["form"] == "jitclass-method"}
        for plan in plans:
            self.results.update(plan.get("results", {}))
            if "." not in plan["qualname"]:
                value = self.namespace.get(plan["dispatcher_name"] or plan["name"])
                if isinstance(value, Dispatcher):
                    self.local[id(value)] = plan["qualname"]
        # CallResult key -> the type of its value, once known.
        self._typed: dict[str, Any] = {}

    def arguments(self, site: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """The call's arguments: values, or `Typed` for those that come from jitted calls."""
        refs = site.get("refs", {})
        args = [self._argument(src, refs) for src in site["args"]]
        kwargs = {name: self._argument(src, refs) for name, src in site["kwargs"].items()}
        return args, kwargs

    def _argument(self, src: str, refs: dict[str, str]) -> Any:
        node = _expression(src)
        if self._plain(node, refs):
            return self._evaluate(node)
        return Typed(self.type_of(node, refs))

    def _plain(self, node: ast.AST, refs: dict[str, str]) -> bool:
        """Whether evaluating `node` reads no result of a jitted call and calls nothing compiled."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in refs:
                return False
            if isinstance(sub, ast.Call) and _is_compiled(self._callee(sub.func)):
                return False
        return True

    def _evaluate(self, node: ast.expr) -> Any:
        code = compile(ast.Expression(body=node), "<call site>", "eval")
        with skeleton_mod.time_limit(2.0):
            return eval(code, self.namespace)  # noqa: S307 - the argument, never a jitted call

    def _callee(self, func: ast.expr) -> Any:
        """The object a call's function expression names, looked up without running code."""
        if isinstance(func, ast.Name):
            return self.namespace.get(func.id)
        if isinstance(func, ast.Attribute):
            base = self._callee(func.value)
            if isinstance(base, pytypes.ModuleType):
                return getattr(base, func.attr, None)
        return None

    def type_of(self, node: ast.expr, refs: dict[str, str]) -> Any:
        """The Numba type of the value `node` has at the call (never running a jitted call)."""
        if self._plain(node, refs):
            value = self._evaluate(node)
            typ = numba_type(value)
            if typ is None:
                raise Unknown(f"Numba cannot type the value of `{ast.unparse(node)}`")
            return typ
        if isinstance(node, ast.Name):
            return self._result_type(refs[node.id], node.id)
        if isinstance(node, ast.Tuple):
            return types.BaseTuple.from_types([self.type_of(e, refs) for e in node.elts])
        if isinstance(node, ast.Subscript):
            return self._item_type(node, refs)
        if isinstance(node, ast.Attribute):
            found = typing_context().resolve_getattr(self.type_of(node.value, refs), node.attr)
            if found is None or isinstance(found, types.BoundFunction):
                raise Unknown(f"numba-lint cannot type `{ast.unparse(node)}`")
            return found
        if isinstance(node, ast.Call):
            callee = self._callee(node.func)
            if isinstance(callee, Dispatcher):
                return self._call_type(node, refs)
            if isinstance(callee, DUFunc):
                return self._ufunc_call_type(node, refs)
            class_type = getattr(callee, "class_type", None)
            if isinstance(class_type, types.ClassType):
                # A @jitclass instance: its type does not depend on the constructor's arguments.
                return class_type.instance_type
            if isinstance(node.func, ast.Attribute):
                return self._method_type(node, node.func, refs)
        raise Unknown(f"numba-lint does not type `{ast.unparse(node)}` without running it")

    def _method_type(self, node: ast.Call, func: ast.Attribute, refs: dict[str, str]) -> Any:
        """A method called on a value that has only a type (`chain.prepend(-1.0)`, `d.ravel()`),
        typed by Numba: a @jitclass method returns what its compiled code boxes, an array
        method what NumPy returns (the same types for the methods Numba supports)."""
        base = self.type_of(func.value, refs)
        method = typing_context().resolve_getattr(base, func.attr)
        if not isinstance(method, types.BoundFunction) or node.keywords:
            raise Unknown(f"numba-lint does not type `{ast.unparse(node)}` without running it")
        argtypes = []
        for arg in node.args:
            typ = numba_type(self._argument(ast.unparse(arg), refs))
            if typ is None or isinstance(arg, ast.Starred):
                raise Unknown(f"Numba cannot type an argument of `{ast.unparse(node)}`")
            argtypes.append(typ)
        qualname = f"{getattr(base, 'classname', '')}.{func.attr}"
        if qualname in self.methods and self.type_now is not None:
            # A method of a @jitclass of this module: checked for these types as that method
            # (its findings and coverage are the method's), then its return type read.
            full = (base, *argtypes)
            self.type_now(qualname, full)
            typed = base.jit_methods[func.attr].overloads.get(full)
            signature = getattr(typed, "signature", None)
        else:
            context = contextlib.nullcontext() if self.mode is None else self.mode()
            with warnings.catch_warnings(), context:
                # Its warnings and failures belong to where the method is checked.
                warnings.simplefilter("ignore")
                signature = typing_context().resolve_function_type(method, tuple(argtypes), {})
        if signature is None:
            raise Unknown(f"`{ast.unparse(node)}` did not type")
        if isinstance(base, types.ClassInstanceType):
            return as_returned(signature.return_type, ast.unparse(node))
        return signature.return_type

    def _item_type(self, node: ast.Subscript, refs: dict[str, str]) -> Any:
        base = self.type_of(node.value, refs)
        index: Any
        if self._plain(node.slice, refs):
            # The key exactly as Python builds it (`d[:, 0]` -> (slice(None), 0)).
            holder = ast.Subscript(
                ast.Name("__numba_lint_key__", ast.Load()), node.slice, ast.Load()
            )
            code = compile(ast.fix_missing_locations(ast.Expression(holder)), "<key>", "eval")
            key = eval(code, {"__numba_lint_key__": _Key()})  # noqa: S307 - builds the key only
            if isinstance(base, types.BaseTuple) and isinstance(key, (int, slice)):
                picked = tuple_items(base)[key]
                return types.BaseTuple.from_types(picked) if isinstance(key, slice) else picked
            index = numba_type(key)
        else:
            index = self.type_of(node.slice, refs)
        found = typing_context().resolve_function_type(operator.getitem, (base, index), {})
        if found is None:
            raise Unknown(f"numba-lint cannot type `{ast.unparse(node)}`")
        return found.return_type

    def _result_type(self, key: str, name: str) -> Any:
        result = self.results[key]
        where = f"'{name}' comes from `{result['value']}` at line {result['line']}"
        if key not in self._typed:
            # No cycle is possible: a result reads only bindings made before it. Only types are
            # kept: a result whose function's check is still running can be typed later.
            try:
                value = _expression(result["value"])
                self._typed[key] = self.type_of(value, result["refs"])
            except Unknown as exc:
                raise Unknown(f"{where}: {exc}") from None
        typ = self._typed[key]
        path = result["targets"].get(name)
        if path is None:
            raise Unknown(f"{where}, through an unpacking numba-lint does not follow")
        for number in path:
            typ = unpacked(typ, number, where)
        return typ

    def _call_type(self, node: ast.Call, refs: dict[str, str]) -> Any:
        callee = self._callee(node.func)
        name = ast.unparse(node.func)
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise Unknown(f"`{ast.unparse(node)}` unpacks its arguments")
        args = [self._argument(ast.unparse(a), refs) for a in node.args]
        kwargs = {k.arg: self._argument(ast.unparse(k.value), refs) for k in node.keywords if k.arg}
        try:
            folded = fold_call(callee, args, kwargs)
        except TypeError as exc:
            raise Unknown(f"`{ast.unparse(node)}` does not bind: {exc}") from None
        argtypes = tuple(numba_type(v) for v in folded)
        if any(t is None for t in argtypes):
            raise Unknown(f"Numba cannot type an argument of `{ast.unparse(node)}`")
        qualname = self.local.get(id(callee))
        finished = True
        if qualname is not None:
            # False while `callee` is the function whose call sites are being typed: then only
            # its signatures checked so far (earlier calls) are known.
            finished = self.ensure(qualname)
            if not finished and argtypes not in callee.overloads and self.type_now is not None:
                self.type_now(qualname, argtypes)
        else:
            self._type_elsewhere(callee, argtypes)
        typed = callee.overloads.get(argtypes)
        signature = getattr(typed, "signature", None)
        if signature is None and callee.overloads and finished:
            # Compiled eagerly for declared signatures: a call picks the one its types convert to.
            cases = [o.signature for o in callee.overloads.values() if o.signature is not None]
            signature = typing_context().resolve_overload(name, cases, argtypes, {})
        if signature is None or signature.return_type is None:
            if not finished:
                raise Unknown(f"{name}{spelled(argtypes)} is not typed before this call")
            raise Unknown(f"{name}{spelled(argtypes)} did not type")
        return as_returned(signature.return_type, f"{name}{spelled(argtypes)}")

    def _ufunc_call_type(self, node: ast.Call, refs: dict[str, str]) -> Any:
        """The type of what calling a @vectorize ufunc returns, from the loop a call uses: the
        one for the arguments' element types, as `DUFunc._compile_for_args` picks them (compiled
        now if missing, as the call would; never run). Arrays in: a new C-contiguous array out;
        scalars only: a NumPy scalar of the loop's output type."""
        ufunc: Any = self._callee(node.func)
        text = ast.unparse(node)
        if node.keywords or len(node.args) != ufunc.nin or ufunc.nout != 1:
            raise Unknown(f"numba-lint types `{text}` only with {ufunc.nin} positional arguments")
        elements, ndim = [], 0
        for arg in node.args:
            value = self._argument(ast.unparse(arg), refs)
            typ = numba_type(value)
            if isinstance(typ, types.Array):
                elements.append(typ.dtype)
                ndim = max(ndim, typ.ndim)
            elif isinstance(value, Typed) or typ is None:
                elements.append(typ)
            else:
                elements.append(numpy_support.map_arrayscalar_type(value))
        if any(t is None for t in elements):
            raise Unknown(f"Numba cannot type an argument of `{text}`")
        signature, _ = ufunc.find_ewise_function(tuple(elements))
        if signature is None and not ufunc._frozen:
            # Looked up first: compiling types it already has would warn, as a repeated call does.
            ufunc._compile_for_argtys(tuple(elements))
            signature, _ = ufunc.find_ewise_function(tuple(elements))
        if signature is None:
            raise Unknown(f"`{text}`: the ufunc has no loop for {spelled(tuple(elements))}")
        if ndim:
            return types.Array(signature.return_type, ndim, "C")
        return signature.return_type

    def _type_elsewhere(self, callee: Dispatcher, argtypes: tuple[Any, ...]) -> None:
        """A jitted function of another module: typed here only for its return type; its own
        findings belong to its module's check."""
        from .modes import check

        with warnings.catch_warnings(), self.mode():
            warnings.simplefilter("ignore")
            try:
                check(callee, argtypes)
            except Exception:  # noqa: BLE001, S110 - reported where that function is checked
                pass


def _expression(src: str) -> ast.expr:
    """An expression's source as written in the call (it may span lines: `f(a +\n b)`)."""
    return ast.parse(f"(\n{src}\n)", mode="eval").body


class _Key:
    def __getitem__(self, key: Any) -> Any:
        return key
