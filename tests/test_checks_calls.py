"""Call rules (NB201-NB204): registry verdicts, imports resolved, user names never flagged."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from numba_prover import prove_examples

from numba_lint.checks import call_arguments, call_builtins, call_library
from numba_lint.checks.base import run_static_rules
from numba_lint.discover import SourceFile
from numba_lint.jit_index import build_index
from numba_lint.knowledge import Knowledge, load_knowledge
from numba_lint.parse import parse
from numba_lint.project import ProjectFacts

RULES = [
    call_library.UnsupportedLibraryFunction,
    call_library.UnsupportedModuleCall,
    call_arguments.UnsupportedKeyword,
    call_builtins.UntypedBuiltin,
    call_arguments.TooManyPositional,
]


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    found, note = load_knowledge(build=False)
    if found is None:
        pytest.skip(note or "no knowledge")
    return found


def lint(text: str, knowledge: Knowledge | None) -> list[tuple[str, int]]:
    text = textwrap.dedent(text).lstrip("\n")
    parsed = parse(SourceFile(Path("m.py"), "m.py", text), text)
    found = run_static_rules(parsed, build_index(parsed), RULES, knowledge, ProjectFacts())
    return sorted((d.code, d.location.row) for d in found)


def messages(text: str, knowledge: Knowledge) -> list[str]:
    text = textwrap.dedent(text).lstrip("\n")
    parsed = parse(SourceFile(Path("m.py"), "m.py", text), text)
    found = run_static_rules(parsed, build_index(parsed), RULES, knowledge, ProjectFacts())
    return [d.message for d in found]


def test_names_resolve_through_every_import_form(knowledge) -> None:
    text = """
    import numpy as xp
    import numpy.fft
    from numpy.fft import fft
    from numpy import fft as fftmod
    from math import fmod as remainder
    from numba import njit

    @njit
    def f(a):
        return xp.fft.ifft(a), numpy.fft.rfft(a), fft(a), fftmod.fft(a), remainder(1.0, 2.0)
    """
    # fft(a) and fftmod.fft(a) both call numpy.fft.fft: one finding, listing the second.
    assert lint(text, knowledge) == [("NB201", 10)] * 4


def test_one_unsupported_callable_in_one_function_is_one_finding(knowledge) -> None:
    text = """
    import time
    import numpy as np
    from numba import njit

    @njit
    def f(a):
        b = np.fft.fft(a) + any(a)
        c = np.fft.fft(b) + any(b) + time.time()
        return c + time.time() + np.fft.ifft(a)

    @njit
    def g(a):
        return np.fft.fft(a)
    """
    text = textwrap.dedent(text).lstrip("\n")
    parsed = parse(SourceFile(Path("m.py"), "m.py", text), text)
    found = run_static_rules(parsed, build_index(parsed), RULES, knowledge, ProjectFacts())
    assert [(d.code, d.location.row, d.detail.get("also_at")) for d in found] == [
        ("NB201", 7, [{"row": 8, "column": 9}]),
        ("NB204", 7, [{"row": 8, "column": 25}]),
        ("NB202", 8, [{"row": 9, "column": 16}]),
        ("NB201", 9, None),  # numpy.fft.ifft: another callable
        ("NB201", 13, None),  # another function
    ]
    assert found[0].message.endswith("(also used at line 8)")


def test_local_and_global_names_are_never_flagged(knowledge) -> None:
    text = """
    import numpy as np
    from numba import njit

    any = np.any

    @njit
    def helper(a):
        return a

    @njit
    def f(a, id):
        reversed = helper
        fft = helper
        return any(a), id(a), reversed(a), fft(a), np.sum(a, axis=0)
    """
    assert lint(text, knowledge) == []


def test_only_jitted_code_is_checked(knowledge) -> None:
    text = """
    import os
    import numpy as np

    def f(a):
        return np.fft.fft(a), os.getcwd(), np.mean(a, axis=0), any(a)
    """
    assert lint(text, knowledge) == []
    jitted = (
        textwrap.dedent(text)
        .replace("import os", "import os\nfrom numba import njit")
        .replace("def f", "@njit\ndef f")
    )
    assert len(lint(jitted, knowledge)) == 4
    assert lint(jitted, None) == []  # without knowledge nothing is guessed


def test_unsupported_modules_but_not_their_exception_classes(knowledge) -> None:
    text = """
    import json
    import re
    import itertools
    import scipy.special
    from numba import njit

    @njit
    def f(a):
        if a < 0:
            raise json.JSONDecodeError("bad", "doc", 0)
        return re.compile("x"), itertools.chain(a), scipy.special.gamma(a)
    """
    found = lint(text, knowledge)
    expected = [("NB202", 11), ("NB202", 11)]
    if "scipy" in knowledge.unsupported_modules:
        expected.append(("NB202", 11))
    assert found == expected


def test_keywords_checked_only_where_parameters_are_known(knowledge) -> None:
    text = """
    import numpy as np
    from numba import njit

    @njit
    def f(a, kw):
        np.std(a, ddof=1)
        np.sum(a, axis=0, dtype=np.float64)
        np.isnan(a, out=a)
        np.argsort(a, kind="mergesort")
        np.zeros(3, dtype=np.int64)
        np.mean(a, **kw)
        max(a[0], a[1], key=abs)
        sorted(a, key=abs, reverse=True)
        return np.histogram(a, bins=3, density=True)
    """
    assert lint(text, knowledge) == [("NB203", 6), ("NB203", 12), ("NB203", 14)]
    assert "accepts no keyword `ddof` (it takes: a)" in messages(text, knowledge)[0]


def test_absent_names_and_user_overloads(knowledge) -> None:
    text = """
    import numpy as np
    from numba import njit
    from numba.extending import overload

    @overload(np.fft.fft)
    def fft_impl(a):
        return lambda a: a

    @njit
    def f(a):
        return np.fft.fft(a), np.product(a), np.pi
    """
    assert lint(text, knowledge) == [("NB201", 11)]
    assert "`numpy` has no function `product`" in messages(text, knowledge)[0]


def test_untyped_builtins(knowledge) -> None:
    text = """
    from numba import njit

    @njit
    def f(a):
        b = sorted(a, key=id)
        return all(a), len(a), print(a), b.any()
    """
    assert lint(text, knowledge) == [("NB204", 5), ("NB204", 6)]


def test_predictions_hold_with_real_numba(knowledge) -> None:
    """Flagged calls fail to compile and unflagged ones compile, in one real Numba process."""
    cases = {
        "np.mean(a, axis=0)": True,
        "np.std(a, ddof=1)": True,
        "np.sum(a, axis=0)": False,
        "np.fft.fft(a)": True,
        "math.fmod(a[0, 0], 2.0)": True,
        "math.sqrt(a[0, 0])": False,
        "np.tile(a, 2)": True,
        "np.random.normal(0.0, 1.0, size=3)": False,
        "any(a)": True,
        "time.time()": True,
        "np.linspace(0.0, 1.0, 5, False)": True,
        "np.sum(a, 0, np.float64)": False,
        "np.roll(a, 1, 0)": True,
        "np.arange(0, 10, 1, np.int64)": False,
    }
    payload = []
    for call in cases:
        module = (
            "import math\nimport time\nimport numpy as np\nfrom numba import njit\n\n"
            f"@njit\ndef f(a):\n    return {call}\n"
        )
        assert bool(lint(module, knowledge)) is cases[call], call
        payload.append({"code": module, "call": "f(np.ones((2, 2)))"})
    outcomes = [result["outcome"] for result in prove_examples(payload, timeout=300)]
    assert outcomes == ["fails" if flagged else "compiles" for flagged in cases.values()]


def test_object_mode_blocks_and_cuda_kernels_are_skipped(knowledge) -> None:
    text = """
    import time
    import numpy as np
    from numba import cuda, njit, objmode

    @njit
    def f(a):
        with objmode(t="float64"):
            t = time.time() + np.fft.fft(a).real.sum()
        return t + time.time()

    @cuda.jit
    def kernel(a):
        a[0] = np.fft.fft(a)
    """
    assert lint(text, knowledge) == [("NB202", 9)]


def test_annotations_decorators_and_defaults_are_python_code(knowledge) -> None:
    text = """
    import numpy as np
    from numba import njit

    @njit(cache=all([True]))
    def f(a: callable, n=np.tile(np.ones(1), 2)) -> callable:
        b: callable = a
        return any(b)
    """
    assert lint(text, knowledge) == [("NB204", 7)]


def test_positional_arity(knowledge) -> None:
    text = """
    import numpy as np
    from numba import njit

    @njit
    def f(a, t):
        np.mean(a, 0)
        np.sum(a, 0, np.float64)
        np.mean(*t)
        max(1, 2, 3, 4)
        np.isnan(a, a)
        return np.zeros(3, np.int64, "C")
    """
    assert lint(text, knowledge) == [("NB206", 6), ("NB206", 11)]
    first = messages(text, knowledge)[0]
    assert first.endswith("takes at most 1 positional argument (a); 2 given"), first


def test_module_constants_are_read_only_from_modules_without_import_side_effects() -> None:
    # `import this` prints the Zen of Python (it would corrupt JSON output on stdout) and
    # `import antigravity` opens a browser: the static pass must never import them.
    import subprocess
    import sys

    probe = (
        "import sys; from numba_lint.checks.call_library import calls_method_of_constant as c; "
        "assert c('string.ascii_lowercase.index'); assert c('os.sep.join'); "
        "assert not c('this.s.join'); assert not c('antigravity.x.y'); "
        "assert 'this' not in sys.modules and 'antigravity' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
