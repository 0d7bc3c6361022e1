"""Every way of writing a jitted function ends up in the jit index, with its options."""

from __future__ import annotations

import textwrap
from pathlib import Path

from numba_lint.discover import SourceFile
from numba_lint.jit_index import JitIndex, absolute_name, build_index, project_aliases
from numba_lint.parse import ParsedModule, parse


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
    first = [(decorators, build_index(decorators)), (user, build_index(user))]
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
