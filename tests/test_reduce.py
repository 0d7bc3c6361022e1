"""reduce_text: bodies that cannot hold jitted code are blanked, everything else is untouched."""

from __future__ import annotations

import ast
import textwrap

from numba_lint.bindings import module_bindings
from numba_lint.static.blanking import reduce_text

SOURCE = textwrap.dedent('''
    import numba
    from functools import wraps

    def plain(x):
        """Docs."""
        y = x + 1
        return y

    def decorated_inside(f):
        @wraps(f)
        def wrapped(*args):
            return f(*args)
        return wrapped

    @numba.njit
    def jitted(x):
        return x

    def factory():
        @numba.njit
        def inner(x):
            return x
        return inner

    def slow(x):
        return x

    fast = numba.njit(slow)

    class Model:
        def fit(self, x):
            return x

    class Point(NamedTuple):
        x: float

    def one_liner(x): return x
    ''').lstrip()


def _reduced_lines(source: str) -> tuple[list[str], list[str], set[int]]:
    """The original and reduced lines (as many, and the reduced text still parses) and the
    numbers of the lines that changed."""
    reduced = reduce_text(source)
    assert reduced is not None
    original, kept = source.splitlines(), reduced.splitlines()
    assert len(kept) == len(original)
    ast.parse(reduced)
    blanked = {n for n, (a, b) in enumerate(zip(original, kept, strict=True), 1) if a != b}
    return original, kept, blanked


def test_only_irrelevant_bodies_are_blanked_and_lines_are_kept() -> None:
    original, kept, blanked = _reduced_lines(SOURCE)
    # plain (5-7), decorated_inside: only harmless decorators (10-13), Model (31-32).
    assert blanked == {5, 6, 7, 10, 11, 12, 13, 31, 32}
    # Several lines become one empty string literal; a one-line body becomes `...`.
    assert kept[4:7] == ['    """', "", '"""'] and kept[9] == '    """' and kept[12] == '"""'
    assert kept[30:32] == ['    """', '"""']
    for number in (1, 4, 9, 15, 16, 17, 19, 20, 21, 22, 23, 25, 26, 28, 30, 34, 35, 37):
        assert kept[number - 1] == original[number - 1]


def test_nothing_to_reduce_or_broken_text_gives_none() -> None:
    assert reduce_text("import numba\n\n@numba.njit\ndef f(x):\n    return x\n") is None
    assert reduce_text("def broken(:\n    pass\n") is None


NESTED = textwrap.dedent("""
    import numba

    def factory(n):
        def typing_helper(x):
            return x * 2
        def wrapped_later(x):
            return x + n
        fast = numba.njit(wrapped_later)
        @numba.njit
        def kernel(x):
            return typing_helper(x)
        return kernel, fast

    class Tools:
        def plain(self, x):
            return x
        def rewrapped(self, x):
            return x
        @staticmethod
        @numba.njit
        def fast(x):
            return x
        def setup(self):
            self.f = numba.njit(self.rewrapped)

    @numba.njit
    def jitted(x):
        def closure(y):
            return y + 1
        return closure(x)
    """).lstrip()


def test_nested_plain_definitions_of_kept_plain_code_are_blanked() -> None:
    original, kept, blanked = _reduced_lines(NESTED)
    # factory.typing_helper (5) and Tools.plain (16): plain and never passed to a call;
    # Tools.setup (24): it mentions njit but holds no definition and wraps no module function.
    # Kept: the closure passed to njit, the jitted functions, the method passed by attribute,
    # everything inside a jitted function (its closure is jitted code too), the module function
    # that a function wraps with njit (32-33) and the function that wraps it (the jit index
    # reads the call).
    assert blanked == {5, 16, 24}
    assert kept[4] == "        ..." and kept[15] == "        ..."
    assert (
        reduce_text("class C:\n    def f(self):\n        return 1\n") == 'class C:\n    """\n"""\n'
    )
    assert reduce_text("def f(x):\n    return x\n") == "def f(x):\n    ...\n"


PROJECT = {
    "pkg/__init__.py": "",
    "pkg/_jit.py": "import numba\n\nfastjit = numba.njit(cache=True)\n",
    # Never mentions numba: only the project's alias can jit here; `timed` is plain Python.
    "pkg/kernels.py": textwrap.dedent("""
        import functools
        from ._jit import fastjit
        from ._jit import fastjit as fj

        def timed(f):
            @functools.wraps(f)
            def inner(*a):
                return f(*a)
            return inner

        @timed
        def plain(x):
            return x + 1

        @fastjit
        def kernel(x):
            return x * 2

        @fj
        def renamed(x):
            return x * 3
        """).lstrip(),
    # Names numba, so parsed in the first round: `_jit.fastjit` comes from a project module and
    # is taken for plain Python until the aliases are known; then the module is parsed again.
    "pkg/speculated.py": textwrap.dedent("""
        import numba
        from . import _jit
        from .kernels import timed

        @_jit.fastjit
        def aliased(x):
            return x + 1

        @timed
        def plain(x):
            return x - 1

        @numba.njit
        def direct(x):
            return x
        """).lstrip(),
    # umap's pattern: a module function jitted by a call inside another function.
    "pkg/layouts.py": textwrap.dedent("""
        import numba

        def epoch(x):
            total = 0.0
            for i in range(x):
                total += i
            return total

        def optimize(x):
            step = numba.njit(epoch, fastmath=True)
            return step(x)
        """).lstrip(),
}


def test_reduced_parse_indexes_the_same_jitted_code_as_the_full_parse(tmp_path) -> None:
    from numba_lint.discover import SourceFile
    from numba_lint.static.pool import LocalWorkers
    from numba_lint.static.share import ModuleShare
    from numba_lint.static.stages import Plan, run_stages

    texts = {}
    for name, text in PROJECT.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        texts[SourceFile(path, name)] = text
    found, bound = {}, {}
    for reduce in (False, True):
        # The engine's stages in one process, without rules: the modules as they were indexed.
        share = ModuleShare([], None, reduce=reduce, early_rules=False)
        staged = run_stages(LocalWorkers(share), Plan.of(texts), before_rules=lambda: None)
        assert not staged.problems
        found[reduce] = {
            (module.source.display, function.qualname): module.module.code_for_node(
                function.node.body
            )
            for module, index, _ in share.modules
            for function in index.functions
        }
        # Each module's bindings are those of its final index (a module parsed or indexed
        # again once the project's aliases are known gets them anew).
        bound[reduce] = {module.module_name: bindings for module, _, bindings in share.modules}
        for module, index, bindings in share.modules:
            assert bindings == module_bindings(module, index)
    assert set(found[True]) == {
        ("pkg/kernels.py", "kernel"),
        ("pkg/kernels.py", "renamed"),
        ("pkg/layouts.py", "epoch"),
        ("pkg/speculated.py", "aliased"),
        ("pkg/speculated.py", "direct"),
    }
    assert found[True] == found[False]
    assert bound[True] == bound[False]
    # Taken for plain Python by the first, blanked parse; jitted through the project's alias.
    assert bound[True]["pkg.speculated"]["aliased"] == "jitted"
    assert bound[True]["pkg.speculated"]["timed"] == "import:pkg.kernels.timed"


def test_project_alias_names_decide_in_files_without_numba() -> None:
    text = PROJECT["pkg/kernels.py"]
    original = text.splitlines()

    def blanked(jit_names: frozenset[str] | None) -> set[str]:
        kept = (reduce_text(text, jit_names) or text).splitlines()
        return {original[n].strip() for n, line in enumerate(kept) if line != original[n]}

    # By default any unknown decorator may jit: `@timed` keeps `plain` whole.
    assert "return x + 1" not in blanked(None)
    # Told the project's aliases, `timed` is plain Python; `fj` (fastjit renamed) still jits.
    assert "return x + 1" in blanked(frozenset({"fastjit"}))
    assert not {"return x * 2", "return x * 3"} & blanked(frozenset({"fastjit"}))


def test_decorators_from_project_modules_are_assumed_plain_and_listed() -> None:
    from numba_lint.static.blanking import reduce_parsed

    text = PROJECT["pkg/speculated.py"]
    reduced = reduce_parsed(text, module=("pkg.speculated", False))
    assert reduced.assumed_plain == {"pkg._jit.fastjit", "pkg.kernels.timed"}
    assert reduced.text is not None
    kept = reduced.text.splitlines()
    assert kept[6] == kept[10] == "    ..."  # both bodies blanked
    assert kept[14] == "    return x"  # numba's own decorator: never assumed
    # Without the module's name nothing is assumed: unknown decorators may jit.
    assert reduce_parsed(text).assumed_plain == frozenset()
    assert "return x + 1" in (reduce_parsed(text).text or text)


def test_dotted_alias_names_keep_their_functions_whole() -> None:
    # A wrapper class's classmethod (`@Reduction.wrap(...)`, numbagg's spelling) is a dotted
    # project alias: in a file without numba it must keep the function it jits whole.
    text = textwrap.dedent("""
        from ._util import Reduction

        @Reduction.wrap(["void(float64[:], float64[:])"])
        def total(values, out):
            out[0] = 0.0
            for i in range(values.shape[0]):
                out[0] += values[i]

        @Reduction.other()
        def plain(x):
            return x + 1
        """).lstrip("\n")
    reduced = reduce_text(text, frozenset({"Reduction.wrap"})) or text
    assert "out[0] += values[i]" in reduced
    assert "return x + 1" not in reduced
