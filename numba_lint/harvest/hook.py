"""In every Python process of a harvested run: wrap Numba's compile entry points, append one JSON
line per new signature of a project function to `<dir>/records-<pid>.jsonl`.

Loaded by the generated `sitecustomize.py` (runner.py) when NUMBA_LINT_HARVEST_DIR is set. It
never imports Numba itself (it waits until the program does), never changes what a compile
returns or raises, and never lets its own errors reach the program.
"""

from __future__ import annotations

import importlib.abc
import inspect
import json
import os
import sys
import threading
from typing import Any

try:  # copies in the hook directory when loaded by sitecustomize
    import _numba_lint_signatures_file as _format  # type: ignore[import-not-found]
    import _numba_lint_spelling as _spelling  # type: ignore[import-not-found]
except ImportError:
    from numba_lint import signatures_file as _format
    from numba_lint.harvest import spelling as _spelling

DIR_VARIABLE = "NUMBA_LINT_HARVEST_DIR"
ROOT_VARIABLE = "NUMBA_LINT_HARVEST_ROOT"
# Top-level module names of the project (comma-separated): a function of one of these compiled
# from a file outside the root is an installed copy of the project, reported, not recorded.
PACKAGES_VARIABLE = "NUMBA_LINT_HARVEST_PACKAGES"
# Modules whose classes own the compile entry points, and the patch each one gets.
WATCHED = ("numba.core.dispatcher", "numba.np.ufunc.ufuncbuilder")
# Third-party code inside the project root (a venv in the repository) is not project code.
_NOT_PROJECT = ("site-packages", "dist-packages")


class Recorder:
    """Per process: which signatures were written already, and the open record file."""

    def __init__(self, out_dir: str, root: str, packages: frozenset[str] = frozenset()) -> None:
        self.out_dir = out_dir
        self.root = os.path.realpath(root)
        self.packages = packages
        self.lock = threading.Lock()
        # Keyed by the function object itself (kept alive here), so an id cannot be reused.
        self.seen: set[tuple[Any, tuple[Any, ...]]] = set()
        self.shapes: dict[Any, tuple[str, str, dict[str, Any]] | None] = {}
        self.pid = -1
        self.fd = -1

    def record(self, py_func: Any, args: tuple[Any, ...], eager: bool) -> None:
        key = (py_func, args)
        with self.lock:
            if key in self.seen:
                return
            self.seen.add(key)
            described = self._describe(py_func)
            if described is None:
                return
            path, qualname, shape = described
            line: dict[str, Any] = {"path": path, "qualname": qualname, **shape, "eager": eager}
            try:
                line["args"] = _spelling.encode_args(args)
            except Exception as exc:
                # Listed by the summary, never dropped silently; a bug in the encoder shows too.
                line["args"] = None
                line["why"] = (
                    str(exc)
                    if isinstance(exc, _spelling.Unstorable)
                    else (f"numba-lint could not encode it ({type(exc).__name__}: {exc})")
                )
                line["shown"] = "(" + ", ".join(str(arg) for arg in args) + ")"
            self._write(json.dumps(line) + "\n")

    def _describe(self, py_func: Any) -> tuple[str, str, dict[str, Any]] | None:
        code = getattr(py_func, "__code__", None)
        if code is None:
            return None
        if code not in self.shapes:
            self.shapes[code] = self._shape(py_func, code)
        return self.shapes[code]

    def _shape(self, py_func: Any, code: Any) -> tuple[str, str, dict[str, Any]] | None:
        if code.co_filename.startswith("<"):  # generated code: exec'd strings, jitclass ctors
            return None
        filename = os.path.realpath(code.co_filename)
        inside = filename.startswith(self.root + os.sep)
        relative = os.path.relpath(filename, self.root).replace(os.sep, "/") if inside else ""
        if not inside or any(part in _NOT_PROJECT for part in relative.split("/")):
            module = str(getattr(py_func, "__module__", None) or "")
            if module.partition(".")[0] in self.packages:
                # The project's own module, imported from somewhere else (a non-editable
                # install): its records could never match the source, so the summary says so.
                self._write(
                    json.dumps({"outside": filename, "qualname": py_func.__qualname__}) + "\n"
                )
            return None
        if not os.path.isfile(filename):
            return None
        try:
            shape = _format.describe_function(inspect.getsource(py_func))
        except (OSError, TypeError):
            shape = None
        if shape is None:
            params = list(inspect.signature(py_func).parameters)
            described: dict[str, Any] = {"params": params, "source_hash": None}
        else:
            described = {"params": list(shape.params), "source_hash": shape.source_hash}
        import numba

        described["numba"] = numba.__version__
        described["line"] = code.co_firstlineno
        return relative, py_func.__qualname__, described

    def announce(self) -> None:
        """One line per process that imported Numba, so the summary can count processes."""
        try:
            # Numba is half-imported here (its dispatcher module just ran): no `import numba`.
            version = getattr(sys.modules.get("numba"), "__version__", None)
            self._write(json.dumps({"process": os.getpid(), "numba": version}) + "\n")
        except Exception:
            pass

    def _write(self, text: str) -> None:
        # Reopen after a fork: a multiprocessing child writes its own file, line by line, because
        # it leaves through os._exit and never runs atexit.
        if self.pid != os.getpid():
            self.pid = os.getpid()
            path = os.path.join(self.out_dir, f"records-{self.pid}.jsonl")
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.write(self.fd, text.encode("utf-8"))


_recorder: Recorder | None = None


def _safe_record(py_func: Any, sig: Any, eager: bool) -> None:
    if _recorder is None:
        return
    try:
        from numba.core import sigutils

        args, _ = sigutils.normalize_signature(sig)
        _recorder.record(py_func, tuple(args), eager)
    except Exception:  # the program must never see the harvest fail
        pass


# Functions through which a lazy compile passes (a call from Python, typing a caller, a dynamic
# ufunc meeting new types); a decorator file reached before any of them means an eager compile.
_LAZY_PATHS = ("_compile_for_args", "_compile_for_argtys", "get_call_template")


def _numba_folder() -> str:
    # Numba is (at least half) imported whenever a compile runs: its package folder is known.
    numba = sys.modules.get("numba")
    return os.path.dirname(os.path.realpath(getattr(numba, "__file__", "") or "")) + os.sep


def _applier(frame: Any) -> Any:
    """The first frame above `frame` outside Numba: the code that applied Numba's decorator."""
    folder = _numba_folder()
    while frame is not None and os.path.realpath(frame.f_code.co_filename).startswith(folder):
        frame = frame.f_back
    return frame


def _is_eager(frame: Any, decorator_file: str, py_func: Any = None) -> bool:
    """True when a compile was started by a decorator with explicit signatures that a
    module-level statement of the function's own file applied (`@njit("f8(f8)")`, also
    `@_jit(2)` where the project's factory returns `njit(sigs)`): importing that file compiles
    them again, so `check` reads them without the harvest. A decorator applied anywhere else (a
    wrapper class that calls `guvectorize(sigs)(self.func)` in its `__init__` or on first call,
    `return njit(sigs)(impl)` inside a factory function) is not eager here: no import of the
    function's own file states those signatures, so the harvest records them."""
    for _ in range(12):
        if frame is None or frame.f_code.co_name in _LAZY_PATHS:
            return False
        if frame.f_code.co_filename.replace(os.sep, "/").endswith(decorator_file):
            applier = _applier(frame)
            code = getattr(py_func, "__code__", None)
            if applier is None or code is None:
                return True
            return applier.f_code.co_name == "<module>" and os.path.realpath(
                applier.f_code.co_filename
            ) == os.path.realpath(code.co_filename)
        frame = frame.f_back
    return False


def _wrap_compile(owner: Any, decorators_file: str) -> bool:
    """Record every signature `owner.compile` compiles, marking it eager when the decorator in
    `decorators_file` compiled it at definition. False when it was wrapped already."""
    original = owner.compile
    if getattr(original, "_numba_lint_wrapped", False):
        return False

    def compile(self: Any, sig: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, sig, *args, **kwargs)
        eager = _is_eager(sys._getframe(1), decorators_file, self.py_func)
        _safe_record(self.py_func, sig, eager)
        return result

    compile._numba_lint_wrapped = True  # type: ignore[attr-defined]
    compile.__wrapped__ = original  # type: ignore[attr-defined]
    owner.compile = compile
    return True


def patch_dispatcher(module: Any) -> None:
    if _wrap_compile(module.Dispatcher, "numba/core/decorators.py") and _recorder is not None:
        _recorder.announce()


def patch_ufuncbuilder(module: Any) -> None:
    _wrap_compile(module.UFuncDispatcher, "numba/np/ufunc/decorators.py")


_PATCHES = {
    "numba.core.dispatcher": patch_dispatcher,
    "numba.np.ufunc.ufuncbuilder": patch_ufuncbuilder,
}


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any, name: str) -> None:
        self.loader = loader
        self.name = name

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.loader.exec_module(module)
        try:
            _PATCHES[self.name](module)
        except Exception:
            pass


class _PostImportFinder(importlib.abc.MetaPathFinder):
    """Waits for the watched Numba modules and patches them right after they execute."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in _PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader, name)
                return spec
        return None


def install(out_dir: str, root: str, packages: frozenset[str] = frozenset()) -> None:
    """Start recording in this process (idempotent)."""
    global _recorder
    if _recorder is not None:
        return
    _recorder = Recorder(out_dir, root, packages)
    for name, patch in _PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name])
    sys.meta_path.insert(0, _PostImportFinder())


def install_from_environment() -> None:
    out_dir = os.environ.get(DIR_VARIABLE)
    if out_dir and os.path.isdir(out_dir):
        packages = frozenset(filter(None, os.environ.get(PACKAGES_VARIABLE, "").split(",")))
        install(out_dir, os.environ.get(ROOT_VARIABLE) or os.getcwd(), packages)
