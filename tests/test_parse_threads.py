"""Parsing on several threads at once (the language server does) leaves libcst's node validation
on for every other thread, and every thread gets the tree of its own text."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import libcst as cst

from numba_lint import parse as parse_module


def _parse(number: int) -> str:
    text = "".join(f"def f{number}_{k}(x):\n    return x + {k}\n" for k in range(200))
    return parse_module.parse_libcst(text).code


def test_threads_parse_their_own_text_and_validation_stays_on() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(_parse, range(32)))
    for number, code in enumerate(codes):
        assert code.startswith(f"def f{number}_0(x):")
    # Validation is really back: a hand-built node with a bad field is refused again.
    try:
        cst.Name("not a name")
    except cst.CSTValidationError:
        pass
    else:
        raise AssertionError("libcst validation stayed switched off after threaded parses")


def test_a_node_built_on_another_thread_while_one_parses_is_validated() -> None:
    # Numba-lint's parse switches validation off for its own thread only: a hand-built node on
    # another thread (the server's other thread, a user of libcst in the same process) is still
    # refused while the parse runs.
    text = "".join(f"def f{k}(x):\n    return x + {k}\n" for k in range(4000))
    done = threading.Event()

    def parse() -> None:
        try:
            parse_module.parse_libcst(text)
        finally:
            done.set()

    thread = threading.Thread(target=parse)
    thread.start()
    attempts = refused = 0
    while not done.is_set():
        attempts += 1
        try:
            cst.Name("not a name")
        except cst.CSTValidationError:
            refused += 1
    thread.join()
    assert attempts > 0 and refused == attempts
