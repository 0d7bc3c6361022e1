"""Count the functions Numba really compiles in each pinned package, independently of numba-lint,
and compare with what `numba-lint check --static-only` indexes.

    python benchmarks/bench_static.py --repeat 1     # fetches the corpus once (if not yet)
    python benchmarks/count_jitted.py                # all pins; --packages numbagg,sparse

The independent count imports every module of each package (its own folder only: not the
sdist's tests/, docs/ or benchmarks/ beside it) in a fresh process of a scratch virtualenv
(`benchmarks/.cache/count-venv`: the running interpreter's site-packages, so the same Numba,
plus the packages' own dependencies) with Numba's constructors patched to record every Python
function handed to them:

- `Dispatcher.__init__` (`jit`, `njit`, the methods of a `jitclass`, the kernels of `cuda.jit`),
- `UFuncDispatcher.__init__` (`vectorize`, `guvectorize`, eager or lazy, any target),
- `CFunc.__init__` (`cfunc`), `StencilFunc.__init__` (`stencil`),
- `templates.make_overload_template` and its method/attribute siblings (`overload`,
  `overload_method`, `overload_attribute`; `register_jitable` is recorded as the function it
  registers): an overload registration counts once, matched by any implementation numba-lint
  lists inside the registering function.

Compilation itself is skipped where a decorator compiles eagerly (explicit signatures): the
count is of the functions given to Numba, and importing does not take minutes. A function
compiled twice (a serial and a parallel variant of one def) counts twice.

What an import cannot see, and is listed apart (column "unseen") rather than as a difference:
functions jitted only when a function runs (a def nested in a function, `njit(f)` called
inside a function, a class whose method applies `guvectorize` on first call, as numbagg's),
and modules that fail to import (the reason is printed).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import venv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = HERE / ".corpus" / "src"
VENV = HERE / ".cache" / "count-venv"
DEFAULT_PINS = ROOT.parent / "shared" / "data" / "realcorpus-pins.tsv"
# The pins' own dependencies that the development environment lacks (numba, numpy, scipy come
# from the running interpreter's site-packages).
DEPENDENCIES = (
    "scikit-learn",
    "joblib",
    "sympy",
    "requests",
    "tqdm",
    "multipledispatch",
    "tempita",
)
# Pin name -> the importable package, where it differs.
PACKAGE_NAMES = {"umap-learn": "umap", "numba-stats": "numba_stats"}


# ---- the recording process ------------------------------------------------------------------


def record(package_dir: Path, others: list[str]) -> dict[str, Any]:
    """Import every module under `package_dir` with Numba's constructors patched; the recorded
    functions defined in the package's files and the modules that failed to import. `others`:
    folders put on the path after the package's (the other pins, which some pins import)."""
    import warnings

    warnings.simplefilter("ignore")
    from numba.core import ccallback, dispatcher, registry
    from numba.core.typing import templates
    from numba.np.ufunc import ufuncbuilder
    from numba.stencils import stencil

    # (file, first line) -> {id of the function object: times given to Numba}. A module whose
    # import fails runs again at every later import of it: new function objects for the same
    # defs, which must not count again; one function object given twice (a serial and a
    # parallel variant) counts twice.
    given: dict[tuple[str, int], dict[int, int]] = {}
    about: dict[tuple[str, int], dict[str, Any]] = {}
    keep: list[Any] = []  # the function objects stay alive: their ids stay theirs

    def note(function: Any, kind: str) -> None:
        code = getattr(function, "__code__", None)
        if code is None:
            return
        key = (code.co_filename, code.co_firstlineno)
        keep.append(function)
        counts = given.setdefault(key, {})
        counts[id(function)] = counts.get(id(function), 0) + 1
        about.setdefault(
            key,
            {"file": key[0], "first_line": key[1], "name": function.__name__, "kind": kind},
        )

    def patch_init(cls: Any, kind: str, function_of: Any) -> None:
        original = cls.__init__

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            note(function_of(*args, **kwargs), kind)
            original(self, *args, **kwargs)

        cls.__init__ = init

    patch_init(dispatcher.Dispatcher, "jit", lambda py_func, *a, **k: py_func)
    patch_init(ufuncbuilder.UFuncDispatcher, "ufunc", lambda py_func, *a, **k: py_func)
    patch_init(ccallback.CFunc, "cfunc", lambda pyfunc, *a, **k: pyfunc)
    patch_init(stencil.StencilFunc, "stencil", lambda kernel_ir, *a, **k: kernel_ir.func_id.func)

    def overload_template(name: str, position: int) -> None:
        original = getattr(templates, name)

        def make(*args: Any, **kwargs: Any) -> Any:
            func = args[position]
            if getattr(func, "__qualname__", "").endswith(
                "register_jitable.<locals>.wrap.<locals>.ov_wrap"
            ):
                note(args[0], "register_jitable")
            else:
                note(func, "overload")
            return original(*args, **kwargs)

        setattr(templates, name, make)

    overload_template("make_overload_template", 1)
    overload_template("make_overload_method_template", 2)
    overload_template("make_overload_attribute_template", 2)

    # Eager compilation (explicit signatures) is skipped: only what is given to Numba counts.
    def skip_in_decorators(cls: Any, method: str) -> None:
        original = getattr(cls, method)

        def maybe(self: Any, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_code.co_filename.replace(os.sep, "/")
            if caller.endswith(("numba/core/decorators.py", "numba/cuda/decorators.py")):
                return None
            return original(self, *args, **kwargs)

        setattr(cls, method, maybe)

    skip_in_decorators(dispatcher.Dispatcher, "compile")
    skip_in_decorators(dispatcher.Dispatcher, "disable_compile")  # asserts a compiled signature
    skip_in_decorators(ccallback.CFunc, "compile")
    # (Eager `vectorize`/`guvectorize` do compile: the ufunc they build is used at import.)
    del registry  # imported so that the CPU target is registered before the patches

    failed: dict[str, str] = {}
    lazy: set[tuple[str, int]] = set()
    parent = package_dir.parent
    sys.path[:0] = [str(parent), *others]
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts or path.name == "__main__.py":
            continue
        parts = list(path.relative_to(parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name in sys.modules:
            continue
        try:
            __import__(name)
        except BaseException as error:  # noqa: BLE001 - any failure is reported, not fatal
            failed[name] = (
                f"{type(error).__name__}: {str(error).splitlines()[0][:120] if str(error) else ''}"
            )
            continue
        # A def its decorator replaced by an object of the project that keeps it
        # (`functools.wraps` sets `__wrapped__`) may be compiled later, on first call (numbagg's
        # `@ndreduce.wrap(...)`): recorded apart, never counted as compiled.
        for value in list(vars(sys.modules[name]).values()):
            wrapped = getattr(value, "__wrapped__", None)
            code = getattr(wrapped, "__code__", None)
            if code is None or type(value).__module__.split(".")[0] == "numba":
                continue
            lazy.add((code.co_filename, code.co_firstlineno))
    root = str(package_dir.resolve()) + os.sep
    found = []
    for key, counts in given.items():
        if str(Path(key[0]).resolve()).startswith(root):
            found.append({**about[key], "times": max(counts.values())})
    wrapped = [
        {"file": file, "first_line": line}
        for file, line in sorted(lazy - set(given))
        if str(Path(file).resolve()).startswith(root)
    ]
    return {"functions": found, "failed": failed, "wrapped": wrapped}


# ---- the comparing process ------------------------------------------------------------------


@dataclass
class Comparison:
    package: str
    independent: int = 0
    numba_lint: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    # numba-lint's functions an import cannot see: where, and why.
    unseen: list[str] = field(default_factory=list)
    # What Numba compiles that is no def numba-lint could index: lambdas, overloads that return
    # a lambda or code generated at typing time.
    not_defs: list[str] = field(default_factory=list)
    listed: bool = True
    failed: dict[str, str] = field(default_factory=dict)


def read_pins(path: Path) -> list[tuple[str, str]]:
    pins = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "name\t")):
            name, version = line.split("\t")[:2]
            pins.append((name, version))
    return pins


def package_dir(name: str, version: str) -> Path | None:
    folder = SOURCES / f"{name.replace('-', '_')}-{version}"
    if not folder.is_dir():
        folder = SOURCES / f"{name}-{version}"
    package = PACKAGE_NAMES.get(name, name.replace("-", "_"))
    for candidate in (folder / package, folder / "src" / package):
        if (candidate / "__init__.py").is_file():
            return candidate
    return None


def scratch_python() -> Path:
    """The scratch virtualenv's interpreter: this interpreter's packages plus DEPENDENCIES."""
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    venv.create(VENV, with_pip=True)
    site = next((VENV / "lib").glob("python*/site-packages"))
    (site / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "-q", *DEPENDENCIES], check=True)
    return python


def recorded(python: Path, package: Path, others: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "MPLBACKEND": "Agg"}
        done = subprocess.run(
            [str(python), __file__, "--record", str(package), *others],
            capture_output=True,
            text=True,
            env=env,
            cwd=cache,
            timeout=900,
        )
    if done.returncode:
        raise RuntimeError(f"recording {package} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def linted(package: Path, checkout: Path) -> dict[str, Any]:
    """numba-lint's static-only JSON report on `package`, run from `checkout` (this one, or
    another checkout of numba-lint to compare with: `--numba-lint-checkout`)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, "-m", "numba_lint", "check", "--static-only", "--no-cache"]
        + ["--format", "json", "--exit-zero", str(package)],
        capture_output=True,
        text=True,
        cwd=checkout,
        env=env,
    )
    if not done.stdout.strip():
        raise RuntimeError(f"numba-lint failed on {package}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


class _Definitions(ast.NodeVisitor):
    """Per def: its first line (first decorator), its def line, its last line, and whether it
    is nested in another function."""

    def __init__(self) -> None:
        self.by_first: dict[int, int] = {}
        self.spans: dict[int, int] = {}
        self.nested: set[int] = set()
        # Defs that return a def nested in them by name (an @overload's implementation).
        self.returns_nested: set[int] = set()
        # Names passed as the first argument of a call inside a function body (`njit(f)` run
        # only when that function runs).
        self.wrapped_in_functions: set[str] = set()
        self.names: dict[int, str] = {}
        self.depth = 0

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        self.by_first[first] = node.lineno
        self.by_first[node.lineno] = node.lineno
        self.spans[node.lineno] = node.end_lineno or node.lineno
        self.names[node.lineno] = node.name
        if self.depth:
            self.nested.add(node.lineno)
        inner = {
            child.name
            for child in ast.walk(node)
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child is not node
        }
        for child in ast.walk(node):
            if isinstance(child, ast.Return) and isinstance(child.value, ast.Name):
                if child.value.id in inner:
                    self.returns_nested.add(node.lineno)
            if isinstance(child, ast.Call) and child.args and isinstance(child.args[0], ast.Name):
                self.wrapped_in_functions.add(child.args[0].id)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815


def _definitions(path: str, cache: dict[str, _Definitions]) -> _Definitions:
    if path not in cache:
        found = _Definitions()
        try:
            found.visit(ast.parse(Path(path).read_text(encoding="utf-8")))
        except (OSError, SyntaxError, ValueError):
            pass
        cache[path] = found
    return cache[path]


def compare(
    name: str, package: Path, python: Path, others: list[str], checkout: Path
) -> Comparison:
    result = Comparison(name)
    truth = recorded(python, package, others)
    result.failed = truth["failed"]
    report = linted(package, checkout)
    result.numba_lint = report["summary"]["jit_functions"]
    # Before static-only runs listed their functions, only the count can be compared.
    result.listed = bool(report["functions"]) or not result.numba_lint
    definitions: dict[str, _Definitions] = {}
    root = package.parent
    # numba-lint's entries: (absolute file, def line) -> how many (a def jitted twice: two).
    listed: Counter[tuple[str, int]] = Counter()
    names: dict[tuple[str, int], str] = {}
    for function in report["functions"]:
        path = str((checkout / function["filename"]).resolve())
        listed[(path, function["line"])] += 1
        names[(path, function["line"])] = function["name"]
    for function in truth["functions"]:
        path = str(Path(function["file"]).resolve())
        found = _definitions(path, definitions)
        def_line = found.by_first.get(function["first_line"], function["first_line"])
        where = f"{Path(path).relative_to(root)}:{def_line} {function['name']} ({function['kind']})"
        if function["name"] == "<lambda>":
            result.not_defs.append(f"{where}: a lambda")
            continue
        if function["kind"] == "overload":
            # One registration; numba-lint lists the implementations it returns, inside it.
            end = found.spans.get(def_line, def_line)
            if def_line not in found.returns_nested:
                result.not_defs.append(f"{where}: returns a lambda or generated code")
                continue
            result.independent += 1
            inside = [key for key in listed if key[0] == path and def_line < key[1] <= end]
            if not inside:
                result.missing.append(where)
            for key in inside:
                del listed[key]
            continue
        result.independent += function["times"]
        key = (path, def_line)
        for _ in range(function["times"]):
            if listed[key]:
                listed[key] -= 1
            else:
                result.missing.append(where)
    lazy = set()
    for entry in truth["wrapped"]:
        path = str(Path(entry["file"]).resolve())
        found = _definitions(path, definitions)
        lazy.add((path, found.by_first.get(entry["first_line"], entry["first_line"])))
    for (path, line), count in sorted(listed.items()):
        if not count:
            continue
        module = ".".join(Path(path).relative_to(root).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        where = f"{Path(path).relative_to(root)}:{line} {names[(path, line)]}"
        found = _definitions(path, definitions)
        if (path, line) in lazy:
            result.unseen.extend([f"{where} (kept by a wrapper object: compiled on call)"] * count)
        elif line in found.nested:
            result.unseen.extend([f"{where} (jitted inside a function)"] * count)
        elif found.names.get(line) in found.wrapped_in_functions:
            result.unseen.extend([f"{where} (wrapped by a call inside a function)"] * count)
        elif module in result.failed:
            result.unseen.extend([f"{where} (module does not import)"] * count)
        else:
            result.extra.extend([where] * count)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pins", type=Path, default=DEFAULT_PINS)
    parser.add_argument("--packages", help="comma-separated pin names (default: all)")
    parser.add_argument("--details", action="store_true", help="list every missing/extra entry")
    parser.add_argument(
        "--numba-lint-checkout",
        type=Path,
        default=ROOT,
        help="the numba-lint checkout whose static pass is compared (default: this one)",
    )
    parser.add_argument("--record", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.record is not None:
        print(json.dumps(record(Path(args.record[0]), args.record[1:])))
        return 0
    wanted = set(args.packages.split(",")) if args.packages else None
    python = scratch_python()
    rows = []
    pins = read_pins(args.pins)
    packages = {name: package_dir(name, version) for name, version in pins}
    for name, package in packages.items():
        if wanted is not None and name not in wanted:
            continue
        if package is None:
            print(f"{name}: sources not found under {SOURCES} (run bench_static.py first)")
            continue
        others = [str(p.parent) for n, p in packages.items() if p is not None and n != name]
        rows.append(compare(name, package, python, others, args.numba_lint_checkout.resolve()))
    header = ("package", "independent", "not-a-def", "numba-lint", "missing", "extra", "unseen")
    print("{:<14} {:>11} {:>9} {:>10} {:>7} {:>5} {:>6}".format(*header))
    totals = [0] * 6
    for row in rows:
        cells = [
            row.independent,
            len(row.not_defs),
            row.numba_lint,
            len(row.missing),
            len(row.extra),
            len(row.unseen),
        ]
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
        shown = [str(c) if row.listed or i < 3 else "n/a" for i, c in enumerate(cells)]
        print("{:<14} {:>11} {:>9} {:>10} {:>7} {:>5} {:>6}".format(row.package, *shown))
    every = all(row.listed for row in rows)
    shown = [str(c) if every or i < 3 else "n/a" for i, c in enumerate(totals)]
    print("{:<14} {:>11} {:>9} {:>10} {:>7} {:>5} {:>6}".format("total", *shown))
    independent, lint, missing, extra = totals[0], totals[2], totals[3], totals[4]
    if independent and every:
        print(
            f"found by numba-lint: {independent - missing} of {independent} "
            f"({100 * (independent - missing) / independent:.1f} %); "
            f"(extra - missing) / independent: {100 * (extra - missing) / independent:+.1f} %"
        )
    elif independent:
        print(
            f"numba-lint's count vs independent: {100 * (lint - independent) / independent:+.1f} %"
        )
    for row in rows:
        for title, entries in (
            ("missing", row.missing),
            ("extra", row.extra),
            ("unseen", row.unseen),
            ("not a def", row.not_defs),
        ):
            if not row.listed and title != "not a def":
                continue
            if entries and (args.details or title in ("missing", "extra")):
                print(f"\n{row.package} {title}:")
                print("\n".join(f"  {entry}" for entry in entries[: None if args.details else 40]))
        if row.failed:
            print(f"\n{row.package} modules that do not import:")
            print("\n".join(f"  {module}: {why}" for module, why in row.failed.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
