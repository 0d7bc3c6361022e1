"""Lifetimes worked out on demand (patches.py, 4) and IR legality without `del`s (typing_only.py).

Each case is typed twice with real Numba, with both speed-ups and without them, and must give
the same signature, types, IR (less the `del`s) or error text. The cases are the readers of the
deferred lifetimes: `objmode` blocks (with-lifting reads them, object-mode lowering reads the
entry variables), `literal_unroll` (its unroll reads the live variables), generators, closures.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numba
import numpy as np
import pytest
from numba import literal_unroll, objmode
from numba.core import analysis, errors, ir, typed_passes
from numba.core.ir_utils import check_and_legalize_ir

from numba_lint.dynamic.worker import patches
from numba_lint.dynamic.worker import typing_only as engine

ARRAY = numba.float64[::1]


def with_objmode(a):  # type: ignore[no-untyped-def]
    with objmode(total="float64"):
        total = float(np.sum(a))
    return total + 1.0


def objmode_bad_annotation(a):  # type: ignore[no-untyped-def]
    with objmode(total="not_a_numba_type"):
        total = float(np.sum(a))
    return total


def unrolled(t):  # type: ignore[no-untyped-def]
    total = 0.0
    for value in literal_unroll(t):
        total += value
    return total


@numba.njit(inline="always")
def _inlined_unroll(t):  # type: ignore[no-untyped-def]
    total = 0.0
    for value in literal_unroll(t):
        total += value * 2
    return total


def calls_inlined_unroll(t):  # type: ignore[no-untyped-def]
    return _inlined_unroll(t) + 1.0


def closure_unroll(t):  # type: ignore[no-untyped-def]
    def inner(u):  # type: ignore[no-untyped-def]
        total = 0.0
        for value in literal_unroll(u):
            total += value * 3
        return total

    return inner(t) - 1.0


def nested_unroll(t):  # type: ignore[no-untyped-def]
    total = 0.0
    for first in literal_unroll(t):
        for second in literal_unroll(t):
            total += first * second
    return total


def countdown(n):  # type: ignore[no-untyped-def]
    while n > 0:
        half = n / 2.0
        yield half
        n -= 1


def with_closure(a):  # type: ignore[no-untyped-def]
    scale = 3.0

    def inner(v):  # type: ignore[no-untyped-def]
        return v * scale

    total = 0.0
    for i in range(a.shape[0]):
        if a[i] > 0:
            total += inner(a[i])
    return total


def loops_and_branches(a, k):  # type: ignore[no-untyped-def]
    out = np.empty_like(a)
    best = -1
    for i in range(a.shape[0]):
        x = a[i]
        if x > k:
            best = i
            x = x - k
        elif x < -k:
            x = x + k
        out[i] = x
    return out, best


def counting_loop(n):  # type: ignore[no-untyped-def]
    total = 0
    for i in range(n):
        if i % 3 == 0:
            total += i
    return total


def type_error_in_loop(a):  # type: ignore[no-untyped-def]
    total = 0.0
    for i in range(a.shape[0]):
        total += np.interp(a[i])
    return total


HETEROGENEOUS = numba.types.Tuple((numba.float64, numba.int64))
CASES: list[tuple[Callable[..., Any], tuple[Any, ...]]] = [
    (with_objmode, (ARRAY,)),
    (objmode_bad_annotation, (ARRAY,)),
    (unrolled, (HETEROGENEOUS,)),
    (calls_inlined_unroll, (HETEROGENEOUS,)),
    (closure_unroll, (HETEROGENEOUS,)),
    (nested_unroll, (HETEROGENEOUS,)),
    (countdown, (numba.int64,)),
    (with_closure, (ARRAY,)),
    (loops_and_branches, (ARRAY, numba.float64)),
    (type_error_in_loop, (ARRAY,)),
]


def _without_addresses(text: str) -> str:
    return re.sub(r"0x[0-9a-fA-F]+", "0x", text)


def _outcome(function: Callable[..., Any], sig: tuple[Any, ...]) -> dict[str, Any]:
    """What a typing-only check of a fresh dispatcher gives: its types and IR, or its error."""
    dispatcher = numba.njit(function)
    try:
        with engine.typing_only():
            engine.check(dispatcher, sig)
    except Exception as exc:  # noqa: BLE001 - the error is the outcome
        # Indentation aside: Numba indents by `BaseFunction._depth`, which failures leave raised.
        lines = re.sub(r"\x1b\[[0-9;]*m", "", _without_addresses(str(exc))).splitlines()
        return {"error": type(exc).__name__, "text": [line.strip() for line in lines]}
    typed = dispatcher.overloads[sig]
    dump = io.StringIO()
    with contextlib.redirect_stdout(dump):
        typed.func_ir.dump()
    # Each statement without the `del`s, the padding and the (unordered) list of its variables.
    statements = "\n".join(
        re.sub(r"\s+\[[^\[\]]*\]$", "", line).strip()
        for line in dump.getvalue().splitlines()
        if "del " not in line
    )
    # Names Numba makes from process-wide counters (inlined functions, fresh temporaries) are
    # renamed in order of appearance.
    names = sorted(typed.typemap, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w$.])(" + "|".join(map(re.escape, names)) + r")(?![\w$.])")
    renamed: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return renamed.setdefault(match.group(1), f"v{len(renamed)}")

    text = pattern.sub(rename, statements)
    # So are block labels (by rank).
    rank = {str(label): f"L{i}" for i, label in enumerate(sorted(typed.func_ir.blocks))}
    text = re.sub(r"(label |jump )(\d+)", lambda m: m.group(1) + rank[m.group(2)], text)
    text = re.sub(
        r"(branch [^,]+, )(\d+), (\d+)",
        lambda m: f"{m.group(1)}{rank[m.group(2)]}, {rank[m.group(3)]}",
        text,
    )
    return {
        "signature": str(typed.signature),
        "typemap": sorted((renamed.get(n, n), str(t)) for n, t in typed.typemap.items()),
        "calltypes": sorted(_without_addresses(str(s)) for s in typed.calltypes.values()),
        "ir": _without_addresses(text),
    }


def _plain_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numba's own post-processing and IRLegalization, as before the two speed-ups."""
    monkeypatch.setattr(patches, "lazy_lifetimes", lambda manager: manager)
    monkeypatch.setattr(engine, "_LegalIR", typed_passes.IRLegalization)


@pytest.mark.parametrize(("function", "sig"), CASES, ids=[c[0].__name__ for c in CASES])
def test_same_types_ir_and_errors_as_numbas_own_passes(
    monkeypatch: pytest.MonkeyPatch, function: Callable[..., Any], sig: tuple[Any, ...]
) -> None:
    fast = _outcome(function, sig)
    with monkeypatch.context() as plain:
        _plain_numba(plain)
        slow = _outcome(function, sig)
    assert fast == slow
    failing = (objmode_bad_annotation, calls_inlined_unroll, nested_unroll, type_error_in_loop)
    if function in failing:
        assert "error" in fast
    else:
        assert "signature" in fast


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per run of Numba's `compute_live_variables` (a post-processor that computed
    the lifetimes)."""
    runs: list[int] = []
    original = analysis.compute_live_variables

    def counting(*args: Any) -> Any:
        runs.append(1)
        return original(*args)

    monkeypatch.setattr(analysis, "compute_live_variables", counting)
    return runs


def test_lifetimes_are_deferred_in_typing_only_pipelines(
    monkeypatch: pytest.MonkeyPatch, computed: list[int]
) -> None:
    _outcome(loops_and_branches, (ARRAY, numba.float64))
    deferred = len(computed)
    computed.clear()
    with monkeypatch.context() as plain:
        _plain_numba(plain)
        _outcome(loops_and_branches, (ARRAY, numba.float64))
    # Numba's own runs would remain only where `del`s are written (closure inlining), and
    # closures.py skips that where there is nothing to inline, as here.
    assert deferred == 0 < len(computed)


def test_numbas_own_run_where_the_lifetimes_are_read_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    own: list[tuple[str, bool, bool]] = []
    original = patches._ORIGINAL_PP_RUN

    def recording(self: Any, *args: Any) -> Any:
        # (who ran the post-processor, in a typing-only pipeline, on what IR)
        caller = sys._getframe(2).f_code.co_name
        marked = bool(patches._LAZY_PIPELINES and patches._LAZY_PIPELINES[-1])
        special = patches._holds_literal_unroll(self.func_ir) or self.func_ir.is_generator
        emit_dels = bool(args and args[0])  # such a run is always Numba's own
        own.append((caller, marked, special and not emit_dels))
        return original(self, *args)

    monkeypatch.setattr(patches, "_ORIGINAL_PP_RUN", recording)
    _outcome(with_objmode, (ARRAY,))
    assert ("with_lifting", True, False) in own
    for function, sig in ((unrolled, (HETEROGENEOUS,)), (countdown, (numba.int64,))):
        own.clear()
        _outcome(function, sig)
        assert any(marked and special for _, marked, special in own)


def test_a_full_compile_keeps_numbas_post_processing(computed: list[int]) -> None:
    # Scalars only: a real compile after typing-only checks lowers nothing they left as stubs.
    with patches.applied():
        # Not a typing-only pipeline (not marked): every run is Numba's own.
        numba.njit(counting_loop).compile((numba.int64,))
    with_patches = len(computed)
    computed.clear()
    numba.njit(counting_loop).compile((numba.int64,))
    assert with_patches == len(computed) > 0


# Who reads what a post-processor run leaves (`variable_lifetime`, `block_entry_vars`), in the
# Numba this was measured on. A new reader must be looked at before the lifetimes stay deferred.
READERS = {
    "core/analysis.py",  # a local variable of the same name in compute_live_variables
    "core/ir.py",  # FunctionIR: defines, copies and returns them
    "core/postproc.py",  # writes them; generator info (a generator runs Numba's own run)
    "core/pylowering.py",  # object-mode lowering (not a typing-only pipeline)
    "core/transforms.py",  # with_lifting (runs Numba's own run)
    "core/untyped_passes.py",  # loop canonicalisation sets them; literal_unroll reads them
    "core/withcontexts.py",  # with-lifting, after its own run
}


def test_the_readers_of_lifetimes_are_the_known_ones() -> None:
    package = Path(numba.__file__).resolve().parent
    found = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "tests" not in path.relative_to(package).parts
        and re.search(
            r"variable_lifetime|block_entry_vars", path.read_text(encoding="utf-8", errors="ignore")
        )
    }
    assert found == READERS


def _legal_state(function: Callable[..., Any], sig: tuple[Any, ...]) -> SimpleNamespace:
    dispatcher = numba.njit(function)
    with engine.typing_only():
        engine.check(dispatcher, sig)
    typed = dispatcher.overloads[sig]
    return SimpleNamespace(func_ir=typed.func_ir, flags=numba.core.compiler.Flags())


def _error_text(action: Callable[..., Any], state: SimpleNamespace) -> str:
    with pytest.raises(errors.CompilerError) as raised:
        action(state)
    return str(raised.value)


@pytest.mark.parametrize("broken", ["phi", "del"])
def test_ir_legality_still_rejects_phis_and_dels(broken: str) -> None:
    state = _legal_state(loops_and_branches, (ARRAY, numba.float64))
    block = state.func_ir.blocks[min(state.func_ir.blocks)]
    loc = block.body[0].loc
    if broken == "phi":
        target = block.scope.redefine("numba_lint_phi", loc)
        block.insert_before_terminator(ir.Assign(ir.Expr.phi(loc), target, loc))
    else:
        block.insert_before_terminator(ir.Del(block.body[0].target.name, loc))
    ours = _error_text(engine._LegalIR().run_pass, state)
    numbas = _error_text(lambda s: check_and_legalize_ir(s.func_ir, flags=s.flags), state)
    assert ours == numbas
    assert f"Illegal IR, {broken} found" in ours


def test_typed_ir_has_no_dels_except_for_generators() -> None:
    def has_dels(function: Callable[..., Any], sig: tuple[Any, ...]) -> bool:
        blocks = _legal_state(function, sig).func_ir.blocks.values()
        return any(isinstance(statement, ir.Del) for b in blocks for statement in b.body)

    assert not has_dels(loops_and_branches, (ARRAY, numba.float64))
    assert has_dels(countdown, (numba.int64,))
