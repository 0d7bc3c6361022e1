"""Parsing on several threads at once (the language server does) leaves libcst's node validation
as it found it, and every thread gets the tree of its own text."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import libcst as cst

from numba_lint import parse as parse_module

_ORIGINAL = cst.CSTNode.__post_init__


def _parse(number: int) -> str:
    text = "".join(f"def f{number}_{k}(x):\n    return x + {k}\n" for k in range(200))
    return parse_module.parse_libcst(text).code


def test_threads_parse_their_own_text_and_validation_comes_back() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(_parse, range(32)))
    for number, code in enumerate(codes):
        assert code.startswith(f"def f{number}_0(x):")
    assert cst.CSTNode.__post_init__ is _ORIGINAL
    # Validation is really back: a hand-built node with a bad field is refused again.
    try:
        cst.Name("not a name")
    except cst.CSTValidationError:
        pass
    else:
        raise AssertionError("libcst validation stayed switched off after threaded parses")
