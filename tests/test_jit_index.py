"""Every way of writing a jitted function ends up in the jit index, with its options."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from numba_lint.discover import SourceFile
from numba_lint.jit_index import (
    JitFunction,
    JitIndex,
    absolute_name,
    build_index,
    listed,
    project_aliases,
)
from numba_lint.parse import ParsedModule, parse
from numba_lint.static.indexing import index_module


def parsed(text: str, path: Path = Path("/project/module.py")) -> ParsedModule:
    source = SourceFile(path=path, display=path.name, text=None)
    result = parse(source, textwrap.dedent(text).lstrip("\n"))
    assert isinstance(result, ParsedModule)
    return result


def index_of(text: str) -> JitIndex:
    return build_index(parsed(text))


def summary(index: JitIndex) -> list[tuple[str, str, str]]:
    return [(f.qualname, f.kind, f.form) for f in index.functions]


def test_decorator_spellings() -> None:
    index = index_of("""
        import numba
        import numba as nb
        from numba import jit, njit
        from numba import njit as nj

        @jit
        def a(x): return x

        @njit
        def b(x): return x

        @numba.jit("f8(f8)", nopython=True, cache=True)
        def c(x): return x

        @nb.njit(parallel=True, fastmath=True)
        def d(x): return x

        @nj
        def e(x): return x

        @jit(nopython=True, nogil=True)
        def f(x): return x

        def g(x): return x
        """)
    assert summary(index) == [
        ("a", "jit", "decorator"),
        ("b", "njit", "decorator"),
        ("c", "jit", "decorator"),
        ("d", "njit", "decorator"),
        ("e", "njit", "decorator"),
        ("f", "jit", "decorator"),
    ]
    by_name = {f.name: f for f in index.functions}
    assert by_name["c"].signatures == ('"f8(f8)"',)
    assert by_name["c"].decorator.options == {"nopython": True, "cache": True}
    assert by_name["d"].decorator.options == {"parallel": True, "fastmath": True}
    assert by_name["f"].decorator.option("nogil") is True
    assert by_name["a"].signatures == ()


def test_call_forms() -> None:
    index = index_of("""
        from numba import jit, njit

        def slow(x): return x
        def g(x): return x
        def h(x): return x
        def k(x): return x

        fast = njit(slow)
        g_fast = jit(nopython=True)(g)
        h = jit()(h)
        jit("int64(int64)")(k)
        """)
    assert summary(index) == [
        ("slow", "njit", "call"),
        ("g", "jit", "call"),
        ("h", "jit", "call"),
        ("k", "jit", "call"),
    ]
    by_name = {f.name: f for f in index.functions}
    assert by_name["slow"].dispatcher_name == "fast"
    assert by_name["g"].decorator.options == {"nopython": True}
    assert by_name["h"].dispatcher_name == "h"
    assert by_name["k"].signatures == ('"int64(int64)"',)


def test_ufunc_cfunc_and_stencil_decorators() -> None:
    index = index_of("""
        from numba import cfunc, guvectorize, stencil, vectorize

        @vectorize(["float64(float64)"])
        def v(x): return x

        @guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")
        def gv(x, out): out[:] = x

        @cfunc("float64(float64)")
        def cf(x): return x

        @stencil
        def st(a): return a[0, 1]
        """)
    assert summary(index) == [
        ("v", "vectorize", "decorator"),
        ("gv", "guvectorize", "decorator"),
        ("cf", "cfunc", "decorator"),
        ("st", "stencil", "decorator"),
    ]
    assert index.functions[0].signatures == ('["float64(float64)"]',)
    assert index.functions[3].signatures == ()


def test_jitclass_methods_both_import_paths() -> None:
    index = index_of("""
        import numba.experimental
        from numba import int64
        from numba.experimental import jitclass

        @jitclass([("x", int64)])
        class A:
            def __init__(self, x):
                self.x = x

            def get(self):
                def inner():
                    return 1
                return self.x + inner()

        @numba.experimental.jitclass
        class B:
            y: int64

            def __init__(self, y):
                self.y = y
        """)
    assert summary(index) == [
        ("A.__init__", "jitclass", "jitclass-method"),
        ("A.get", "jitclass", "jitclass-method"),
        ("B.__init__", "jitclass", "jitclass-method"),
    ]
    assert index.jitclasses == {"A": frozenset({"x"}), "B": frozenset({"y"})}
    assert index.functions[1].class_name == "A"


def test_overload_and_register_jitable_implementations() -> None:
    index = index_of("""
        from numba.extending import overload, overload_method, register_jitable
        from numba.core import types

        def norm(x): ...

        @overload(norm)
        def norm_impl(x):
            if isinstance(x, types.Float):
                def impl(x):
                    return abs(x)
                return impl

        @overload_method(types.Array, "norm2")
        def norm2(a):
            return lambda a: (a * a).sum()

        @register_jitable
        def helper(x):
            return x
        """)
    assert summary(index) == [
        ("norm_impl.impl", "overload", "overload-implementation"),
        ("helper", "register_jitable", "decorator"),
    ]


def test_project_reexports_across_modules(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    decorators = parsed(
        """
        import numba
        from numba import njit as plain_njit

        fast_jit = numba.njit(cache=True, fastmath=True)
        """,
        package / "_jit.py",
    )
    user = parsed(
        """
        from ._jit import fast_jit, plain_njit
        from pkg import _jit

        @fast_jit
        def a(x): return x

        @plain_njit(parallel=True)
        def b(x): return x

        @_jit.fast_jit
        def c(x): return x
        """,
        package / "kernels.py",
    )
    first = [index_module(decorators), index_module(user)]
    assert first[1][1].functions == []
    aliases = project_aliases(first)
    assert set(aliases) == {"pkg._jit.plain_njit", "pkg._jit.fast_jit"}
    index = build_index(user, aliases)
    assert summary(index) == [
        ("a", "njit", "decorator"),
        ("b", "njit", "decorator"),
        ("c", "njit", "decorator"),
    ]
    by_name = {f.name: f for f in index.functions}
    assert by_name["a"].decorator.options == {"cache": True, "fastmath": True}
    assert by_name["b"].decorator.options == {"parallel": True}


def test_relative_names_resolve_against_the_package(tmp_path: Path) -> None:
    package = tmp_path / "pkg" / "sub"
    package.mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    module = parsed("x = 1\n", package / "mod.py")
    init = parsed("x = 1\n", package / "__init__.py")
    assert absolute_name(".helpers.f", module) == "pkg.sub.helpers.f"
    assert absolute_name("..util.g", module) == "pkg.util.g"
    assert absolute_name(".", module) == "pkg.sub"
    assert absolute_name(".mod", init) == "pkg.sub.mod"
    assert absolute_name("numpy.sum", module) == "numpy.sum"


def test_overload_helpers_that_are_not_returned_are_python() -> None:
    # Found on the real corpus (interpolation 2.2.7): a nested def used at typing time to build
    # source text is not compiled; only the returned implementations are.
    index = index_of("""
        from numba.extending import overload

        def funzip(t): ...

        @overload(funzip)
        def ol_funzip(t):
            def print_tuple(t):
                return "({},)".format(", ".join(t))

            def impl(t):
                return t

            label = print_tuple(["a"])
            if label:
                return impl
            return None
        """)
    assert summary(index) == [("ol_funzip.impl", "overload", "overload-implementation")]


def test_options_written_next_to_the_function_in_a_call_form() -> None:
    # umap 0.5.12 writes `numba.njit(f, fastmath=True, parallel=True)`.
    index = index_of("""
        import numba

        def epoch(x): return x
        def single(x): return x

        fast_epoch = numba.njit(epoch, fastmath=True, parallel=True)
        serial = numba.njit(single, parallel=False)
        parallel = numba.njit(single, parallel=True, fastmath=True)
        """)
    by_name = {f.name: f for f in index.functions}
    assert by_name["epoch"].decorator.options == {"fastmath": True, "parallel": True}
    assert by_name["epoch"].signatures == ()
    # Wrapped twice with different `parallel`: no rule may assume either value.
    assert by_name["single"].decorator.options == {}
    assert "parallel" in by_name["single"].decorator.option_sources


def test_pipeline_reindexes_every_spelling_of_a_reexport(tmp_path: Path) -> None:
    from lint_support import lint_files, rows

    found = lint_files(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/_jit.py": "import numba\n\nfast_jit = numba.njit(cache=True)\n",
            "pkg/a.py": """
            from ._jit import fast_jit
            from .b import helper

            @fast_jit
            def f(x):
                return helper(x)
            """,
            "pkg/b.py": """
            from . import _jit

            def helper(x):
                return x

            @_jit.fast_jit
            def g(x):
                return helper(x)
            """,
            "pkg/c.py": """
            from pkg import _jit
            from pkg.b import helper

            @_jit.fast_jit
            def h(x):
                return helper(x)
            """,
        },
        ["NB205"],
    )
    assert rows(found) == [("a.py", 6, "NB205"), ("b.py", 8, "NB205"), ("c.py", 6, "NB205")]


def test_star_star_options_are_recorded_as_unknown() -> None:
    index = index_of("""
        from numba import njit

        OPTIONS = {"parallel": True}

        @njit(cache=True, **OPTIONS)
        def f(x):
            return x
        """)
    decorator = index.functions[0].decorator
    assert decorator.options == {"cache": True}
    assert decorator.option_sources == {"**": "OPTIONS"}


# ---- project wrappers of numba's decorators ---------------------------------------------------

FACTORIES = Path(__file__).resolve().parent / "fixtures" / "factories"


def by_name(index: JitIndex) -> dict[str, JitFunction]:
    return {f.qualname: f for f in index.functions}


def test_factories_in_the_same_module_carry_literal_options() -> None:
    # numba-stats 1.14: `_jit(npar)` builds signatures and returns `_jit_custom(...)`, which
    # returns `nb.njit(signatures, cache=cache, ...)`.
    index = index_of("""
        import numba as nb

        def _jit_custom(signatures, cache=True):
            return nb.njit(signatures, cache=cache, error_model="numpy")

        def _jit(npar, *, cache=True):
            signatures = [nb.float64(*[nb.float64] * npar)]
            return _jit_custom(signatures, cache=cache)

        @_jit(2)
        def a(x, y): return x

        @_jit(1, cache=False)
        def b(x): return x

        @_jit_custom("f8(f8)")
        def c(x): return x

        @_jit
        def not_jitted(x): return x

        def plain(x):
            return len(x)
        """)
    functions = by_name(index)
    assert sorted(functions) == ["a", "b", "c"]
    assert functions["a"].decorator.options == {"cache": True, "error_model": "numpy"}
    assert functions["a"].via == "module._jit"
    # Signatures built by code: eager, but not spelled; never taken for a lazy function's.
    assert functions["a"].signatures == ()
    assert "signatures" in functions["a"].decorator.option_sources
    assert functions["b"].decorator.options == {"cache": False, "error_model": "numpy"}
    assert functions["c"].signatures == ('"f8(f8)"',)
    assert functions["c"].via == "module._jit_custom"
    assert set(index.decorator_aliases) >= {"_jit", "_jit_custom"}
    assert "plain" not in index.decorator_aliases


def test_a_wrapper_of_the_function_itself_and_partial_aliases() -> None:
    index = index_of("""
        import functools
        from functools import partial
        from numba import guvectorize, njit

        def fast(fn):
            return njit(nogil=True)(fn)

        def either(fn):
            return njit(fn, cache=True)

        nogil_njit = functools.partial(njit, nogil=True)
        numba_guvectorize = partial(guvectorize, nopython=True)

        @fast
        def a(x): return x

        @either
        def b(x): return x

        @either("f8(f8)")
        def c(x): return x

        @nogil_njit
        def d(x): return x

        @nogil_njit(fastmath=True)
        def e(x): return x

        @numba_guvectorize(["void(f8[:], f8[:])"], "(n)->(n)")
        def f(x, out): out[:] = x

        @fast(True)
        def not_jitted(x): return x
        """)
    functions = by_name(index)
    assert sorted(functions) == ["a", "b", "c", "d", "e", "f"]
    assert functions["a"].decorator.options == {"nogil": True}
    assert functions["a"].via == "module.fast"
    assert functions["b"].decorator.options == {"cache": True}
    assert functions["c"].signatures == ('"f8(f8)"',)
    assert functions["d"].decorator.options == {"nogil": True}
    assert functions["d"].via == "module.nogil_njit"
    assert functions["e"].decorator.options == {"nogil": True, "fastmath": True}
    assert functions["f"].kind == "guvectorize"
    assert functions["f"].decorator.options == {"nopython": True}
    assert functions["f"].via == "module.numba_guvectorize"


def test_wrapper_classes_and_their_wrap_classmethods() -> None:
    # numbagg 0.9.6: `@ndreduce.wrap(signature)` keeps the function in an object whose method
    # applies `numba.guvectorize(...)` to `self.func` on first call; subclasses inherit it.
    index = index_of("""
        import functools
        import numba

        class NumbaBase:
            def __init__(self, func, signature):
                self.func = func
                self.signature = signature
                functools.wraps(func)(self)

            @classmethod
            def wrap(cls, *args, **kwargs):
                return lambda func: cls(func, *args, **kwargs)

            def gufunc(self, *, target):
                vectorize = numba.guvectorize(
                    self.signature, "(n)->()", nopython=True, target=target
                )
                return vectorize(self.func)

        class ndreduce(NumbaBase):
            pass

        class Plain:
            @classmethod
            def wrap(cls, *args):
                return lambda func: cls(func, *args)

        @ndreduce.wrap(["void(f8[:], f8[:])"])
        def total(x, out): out[0] = x.sum()

        @NumbaBase
        def bare(x, out): out[0] = x.sum()

        @Plain.wrap(1)
        def python(x): return x
        """)
    functions = by_name(index)
    assert sorted(functions) == ["bare", "total"]
    assert functions["total"].kind == "guvectorize"
    assert functions["total"].via == "module.ndreduce.wrap"
    assert functions["total"].decorator.options == {"nopython": True}
    assert "target" in functions["total"].decorator.option_sources
    assert functions["bare"].via == "module.NumbaBase"


def test_functions_jitted_inside_factory_functions() -> None:
    index = index_of("""
        from numba import njit

        def make(scale):
            def _impl(x):
                return x * scale
            return njit(nogil=True)(_impl)

        def make_cached():
            def inner(x):
                return x + 1
            fast = njit(inner, cache=True)
            return fast

        def python_only():
            def helper(x):
                return x
            return helper

        @njit
        def jitted(x):
            def nested(y):
                return y
            return nested(x)
        """)
    assert summary(index) == [
        ("make._impl", "njit", "call"),
        ("make_cached.inner", "njit", "call"),
        ("jitted", "njit", "decorator"),
    ]
    functions = by_name(index)
    assert functions["make._impl"].decorator.options == {"nogil": True}
    assert functions["make._impl"].dispatcher_name is None  # no module-level name holds it
    assert functions["make_cached.inner"].decorator.options == {"cache": True}


def test_a_def_jitted_twice_is_listed_once_per_variant() -> None:
    module = parsed("""
        from numba import njit

        def step(x):
            return x + 1.0

        step_par = njit(parallel=True)(step)
        step_ser = njit(step)
        """)
    index = build_index(module)
    # The rules walk the body once, with only the options both variants agree on.
    assert len(index.functions) == 1
    assert "parallel" in index.functions[0].decorator.option_sources
    entries = listed(module, index)
    assert [(e.name, e.line, e.dispatcher) for e in entries] == [
        ("step", 3, "step_par"),
        ("step", 3, "step_ser"),
    ]


def test_factories_across_modules_are_followed_through_the_project_aliases(
    tmp_path: Path,
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    util = parsed(
        """
        import numba as nb

        def _jit(nargs, cache=False):
            return nb.njit([nb.float64(*[nb.float64] * nargs)], cache=cache, nogil=True)
        """,
        package / "_util.py",
    )
    user = parsed(
        """
        from ._util import _jit

        @_jit(1, cache=True)
        def square(x): return x * x
        """,
        package / "dist.py",
    )
    first = [index_module(util), index_module(user)]
    assert first[1][1].functions == []
    aliases = project_aliases(first)
    assert aliases["pkg._util._jit"].shape == "factory"
    again = build_index(user, aliases)
    (square,) = again.functions
    assert square.decorator.options == {"cache": True, "nogil": True}
    assert square.via == "pkg._util._jit"


def test_the_fixture_project_is_indexed_with_via_and_stays_silent() -> None:
    from conftest import run_cli

    done = run_cli("check", "--static-only", "--format", "json", str(FACTORIES))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["diagnostics"] == []
    found = {(f["name"], f.get("dispatcher")): f.get("via") for f in report["functions"]}
    assert found == {
        ("make_scaler._impl", None): None,
        ("local_add", None): "facpkg._util._jit",
        ("square", None): "facpkg._util._jit",
        ("hypot2", None): "facpkg._util._jit",
        ("double", None): "facpkg._util.fast",
        ("triple", None): "facpkg._util.nogil_njit",
        ("quadruple", None): "facpkg._util.nogil_njit",
        ("cumulate", None): "facpkg._util.numba_guvectorize",
        ("total", None): "facpkg._util.Reduction.wrap",
        ("step", "step_fast"): None,
        ("step", "step_plain"): None,
    }
    assert report["summary"]["jit_functions"] == len(report["functions"]) == 11


# Imports the fixture project with every Numba warning an error (installed after importing
# numba), calls every jitted function once and says what compiled it.
_PROVE = """
import json, sys, warnings
import numba
from numba.core.errors import NumbaWarning
warnings.simplefilter("error", NumbaWarning)
import numpy as np
sys.path.insert(0, sys.argv[1])
from facpkg import _util, kernels, variants
values = np.arange(4.0)
calls = {
    "local_add": lambda: _util.local_add(1.0, 2.0),
    "square": lambda: kernels.square(3.0),
    "hypot2": lambda: kernels.hypot2(3.0, 4.0),
    "double": lambda: kernels.double(2.0),
    "triple": lambda: kernels.triple(2.0),
    "quadruple": lambda: kernels.quadruple(2.0),
    "cumulate": lambda: kernels.cumulate(values)[-1],
    "total": lambda: kernels.total(values),
    "make_scaler._impl": lambda: kernels.scale3(2.0),
    "step_fast": lambda: variants.step_fast(1.0),
    "step_plain": lambda: variants.step_plain(1.0),
}
objects = {
    "local_add": _util.local_add,
    "square": kernels.square,
    "hypot2": kernels.hypot2,
    "double": kernels.double,
    "triple": kernels.triple,
    "quadruple": kernels.quadruple,
    "cumulate": kernels.cumulate,
    "total": kernels.total.gufunc(),
    "make_scaler._impl": kernels.scale3,
    "step_fast": variants.step_fast,
    "step_plain": variants.step_plain,
}
results = {name: float(call()) for name, call in calls.items()}
# What compiled each: a dispatcher with a compiled signature, or a (g)ufunc with loops.
compiled = {
    name: bool(getattr(value, "signatures", None) or getattr(value, "types", None))
    and type(value).__module__.startswith("numba")
    for name, value in objects.items()
}
print(json.dumps({"results": results, "compiled": compiled}))
"""


def test_every_wrapper_pattern_of_the_fixture_compiles_in_numba() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROVE, str(FACTORIES)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    proof = json.loads(done.stdout)
    assert all(proof["compiled"].values()), proof["compiled"]
    assert set(proof["compiled"]) == set(proof["results"])
    assert proof["results"] == {
        "local_add": 3.0,
        "square": 9.0,
        "hypot2": 25.0,
        "double": 4.0,
        "triple": 6.0,
        "quadruple": 8.0,
        "cumulate": 6.0,
        "total": 6.0,
        "make_scaler._impl": 6.0,
        "step_fast": 2.0,
        "step_plain": 2.0,
    }


def test_verbose_text_names_the_wrapper_of_each_function() -> None:
    from conftest import run_cli

    done = run_cli("check", "--static-only", "-v", str(FACTORIES / "facpkg"))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("Jitted through project wrappers or as variants:")
    listing = [line.split("facpkg/", 1)[1] for line in lines[start + 1 : -1]]
    assert listing == [
        "_util.py:61: local_add (via facpkg._util._jit)",
        "kernels.py:7: square (via facpkg._util._jit)",
        "kernels.py:12: hypot2 (via facpkg._util._jit)",
        "kernels.py:17: double (via facpkg._util.fast)",
        "kernels.py:22: triple (via facpkg._util.nogil_njit)",
        "kernels.py:27: quadruple (via facpkg._util.nogil_njit)",
        "kernels.py:32: cumulate (via facpkg._util.numba_guvectorize)",
        "kernels.py:40: total (via facpkg._util.Reduction.wrap)",
        "variants.py:6: step (jitted as step_fast)",
        "variants.py:6: step (jitted as step_plain)",
    ]
    assert lines[-1].startswith("All checks passed (4 files, 11 jit functions")


def test_a_factory_built_on_another_modules_factory_serial_and_pooled(tmp_path: Path) -> None:
    from conftest import run_cli

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_base.py").write_text(
        "import numba as nb\n\n"
        "def _jit_custom(signatures, cache=False):\n"
        "    return nb.njit(signatures, cache=cache, nogil=True)\n"
    )
    # Never names numba: parsed because it uses an alias of _base; its `_jit` is known only
    # once `_base._jit_custom` is.
    (package / "_util.py").write_text(
        "from ._base import _jit_custom\n\n"
        "def _jit(nargs):\n"
        "    return _jit_custom(['float64(float64)'] * nargs, cache=True)\n"
    )
    (package / "dist.py").write_text(
        "import numba\nfrom ._util import _jit\n\n@_jit(1)\ndef square(x):\n    return x * x\n"
    )
    for number in range(16):  # enough files for the static pool's workers
        (package / f"filler{number}.py").write_text(
            f"from numba import njit\n\n@njit\ndef f{number}(x):\n    return x\n"
        )
    listings = []
    for jobs in ("1", "2"):
        done = run_cli("check", "--static-only", "--format", "json", "--jobs", jobs, str(package))
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        listings.append([(f["name"], f.get("via")) for f in report["functions"]])
    assert listings[0] == listings[1]
    assert ("square", "pkg._util._jit") in listings[0]
    assert len(listings[0]) == 17


def test_the_full_run_lists_each_variant_of_a_def_jitted_twice() -> None:
    from conftest import run_cli

    variants = FACTORIES / "facpkg" / "variants.py"
    done = run_cli("check", "--format", "json", "--no-cache", str(variants))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    entries = [(f["name"], f["dispatcher"], f["checked"]) for f in report["functions"]]
    # `step` has no argument types: neither variant is checked, both are listed, each with the
    # reason of its own check.
    assert entries == [("step", "step_fast", False), ("step", "step_plain", False)]
    assert [f["reason"] for f in report["functions"]] == ["no argument types"] * 2
    assert report["summary"]["jit_functions"] == 2


def test_rules_see_the_bodies_of_functions_jitted_through_wrappers(tmp_path: Path) -> None:
    # The bodies are jitted code: a call of a plain Python helper there is found (NB205), in a
    # file that never names numba as in one that does.
    from lint_support import lint_files, rows

    found = lint_files(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/_util.py": """
            import functools
            import numba as nb

            def _jit(nargs):
                return nb.njit([nb.float64(*[nb.float64] * nargs)])

            class Kernel:
                def __init__(self, func, signature):
                    self.func = func
                    self.signature = signature
                    functools.wraps(func)(self)

                @classmethod
                def wrap(cls, *args):
                    return lambda func: cls(func, *args)

                def gufunc(self):
                    return nb.guvectorize(self.signature, "(n)->()")(self.func)
            """,
            "pkg/helpers.py": "def helper(x):\n    return x\n",
            "pkg/kernels.py": """
            from ._util import Kernel, _jit
            from .helpers import helper

            @_jit(1)
            def square(x):
                return helper(x) * x

            @Kernel.wrap(["void(float64[:], float64[:])"])
            def total(values, out):
                out[0] = helper(values[0])
            """,
        },
        ["NB205"],
    )
    assert rows(found) == [("kernels.py", 6, "NB205"), ("kernels.py", 10, "NB205")]


# `register_jitable(f)` as a statement registers `f` itself for jitted code (Numba overloads the
# function object and hands it back), in each spelling; the result need not be bound.
REGISTERED = """
    import numba
    import numba as nb
    from numba import njit
    from numba.extending import register_jitable


    def third(x):
        return x / 3


    def half(x):
        return x / 2


    def quarter(x):
        return x / 4


    register_jitable(third)
    numba.extending.register_jitable(half)
    nb.extending.register_jitable(inline="always")(quarter)


    @njit("float64(float64)")
    def f(x):
        return third(x) + half(x) + quarter(x)
"""

# A discarded `njit(f)` leaves `f` a plain function: calling it from jitted code fails.
DISCARDED_NJIT = """
    from numba import njit


    def third(x):
        return x / 3


    njit(third)


    @njit("float64(float64)")
    def f(x):
        return third(x)
"""


def test_register_jitable_statement_binds_the_function_for_jitted_code() -> None:
    index = index_of(REGISTERED)
    registered = [
        (f.qualname, f.kind, f.form, f.dispatcher_name) for f in index.functions if f.form == "call"
    ]
    assert registered == [
        ("third", "register_jitable", "call", "third"),
        ("half", "register_jitable", "call", "half"),
        ("quarter", "register_jitable", "call", "quarter"),
    ]
    [quarter] = [f for f in index.functions if f.name == "quarter"]
    assert quarter.decorator.options == {"inline": "always"}
    # A discarded njit(f) binds nothing; a registration inside a function body happens only when
    # that function runs.
    other = index_of("""
        from numba import njit
        from numba.extending import register_jitable


        def third(x):
            return x / 3


        def later(x):
            return x


        njit(third)


        def setup():
            register_jitable(later)
    """)
    assert [(f.qualname, f.dispatcher_name) for f in other.functions if f.form == "call"] == [
        ("third", None),
        ("later", None),
    ]


def test_register_jitable_statement_is_silent_and_discarded_njit_is_not(tmp_path: Path) -> None:
    from conftest import run_cli
    from numba_prover import prove_examples

    (tmp_path / "registered.py").write_text(textwrap.dedent(REGISTERED), encoding="utf-8")
    (tmp_path / "discarded.py").write_text(textwrap.dedent(DISCARDED_NJIT), encoding="utf-8")
    done = run_cli("check", "--static-only", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    report = json.loads(done.stdout)
    found = [
        (Path(d["filename"]).name, d["code"], d["location"]["row"])
        for d in report["diagnostics"]
        if d["severity"] != "info"
    ]
    assert found == [("discarded.py", "NB205", 14)]
    # Real Numba agrees: the registered spellings compile, the discarded njit does not.
    outcomes = prove_examples(
        [
            {"code": textwrap.dedent(REGISTERED), "call": "assert f(12.0) == 13.0"},
            {"code": textwrap.dedent(DISCARDED_NJIT), "call": "f(3.0)"},
        ]
    )
    assert [o["outcome"] for o in outcomes] == ["compiles", "fails"], outcomes


def test_a_class_whose_instances_are_decorators() -> None:
    # `@ndmoving()`: the class's `__call__(self, func)` jits `func` through another method; an
    # instance that only stores the function, or a `__call__(self, *args)`, jits nothing.
    index = index_of("""
        from numba import guvectorize

        class ndmoving:
            def __init__(self, layout="(n)->(n)"):
                self.layout = layout

            def __call__(self, func):
                self.func = func
                self.gufunc = self.wrap(func)
                return self

            def wrap(self, func):
                return guvectorize(["void(float64[:], float64[:])"], self.layout)(func)

        class keeper:
            def __call__(self, func):
                self.func = func
                return self

        class runner:
            def __call__(self, *args):
                return guvectorize("(n)->(n)")(args[0])

        @ndmoving()
        def moving(a, out): out[:] = a

        @ndmoving(layout="(n)->(n)")
        def moving2(a, out): out[:] = a

        @keeper()
        def kept(a): return a

        @runner()
        def run(a): return a
        """)
    functions = by_name(index)
    assert sorted(functions) == ["moving", "moving2"]
    assert functions["moving"].kind == "guvectorize"
    assert functions["moving"].via == "module.ndmoving"
