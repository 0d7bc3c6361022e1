"""The two peepholes skipped by the typing-only engine (worker/peepholes.py) change no IR."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pytest
from dynamic_support import check_source
from numba.core.compiler import run_frontend

from numba_lint.dynamic.worker import peepholes


def plain(a: Any) -> Any:
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def with_objmode(x: Any) -> Any:
    with numba.objmode(y="float64"):
        y = float(np.sum(x))
    return y


def small_dict(x: Any) -> Any:
    d = {"a": x, "b": x + 1}
    return d["a"] + d["b"]


def big_constant_dict(x: Any) -> Any:
    # More than 15 constant entries: Python 3.10+ emits DICT_UPDATE, which the fusion undoes.
    d = {
        "k0": 0, "k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8,
        "k9": 9, "k10": 10, "k11": 11, "k12": 12, "k13": 13, "k14": 14, "k15": 15, "k16": 16,
    }  # fmt: skip
    return d["k3"] + x


FUNCTIONS = [plain, with_objmode, small_dict, big_constant_dict]


def _ir_text(function: Callable[..., Any]) -> str:
    text = run_frontend(function).dump_to_string()
    # Numba numbers the variables its rewrites make from one process-wide counter.
    return re.sub(r"\.\d+", ".N", text)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_same_ir_as_numbas_peepholes(function: Callable[..., Any]) -> None:
    expected = _ir_text(function)
    with peepholes.skipped_where_idle():
        assert _ir_text(function) == expected


def _counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"with": 0, "dict": 0}
    original_with = peepholes._ORIGINAL_DELETE_WITH_EXIT
    original_dict = peepholes._ORIGINAL_FUSE_DICT_UPDATES

    def with_exit(func_ir: Any) -> Any:
        calls["with"] += 1
        return original_with(func_ir)

    def fuse(func_ir: Any) -> Any:
        calls["dict"] += 1
        return original_dict(func_ir)

    monkeypatch.setattr(peepholes, "_ORIGINAL_DELETE_WITH_EXIT", with_exit)
    monkeypatch.setattr(peepholes, "_ORIGINAL_FUSE_DICT_UPDATES", fuse)
    return calls


@pytest.mark.parametrize(
    ("function", "with_runs", "dict_runs"),
    [(plain, 0, 0), (with_objmode, 1, 0), (small_dict, 0, 1), (big_constant_dict, 0, 1)],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_numbas_peephole_runs_only_where_it_can_act(
    monkeypatch: pytest.MonkeyPatch, function: Callable[..., Any], with_runs: int, dict_runs: int
) -> None:
    calls = _counted(monkeypatch)
    with peepholes.skipped_where_idle():
        run_frontend(function)
    assert calls == {"with": with_runs, "dict": dict_runs}


def test_restored_on_exit() -> None:
    from numba.core import interpreter

    before = (interpreter.peep_hole_delete_with_exit, interpreter.peep_hole_fuse_dict_add_updates)
    with pytest.raises(RuntimeError), peepholes.skipped_where_idle():
        raise RuntimeError("leaves the block")
    after = (interpreter.peep_hole_delete_with_exit, interpreter.peep_hole_fuse_dict_add_updates)
    assert after == before


# Valid code Numba 0.68.1 compiles cleanly: an objmode block and a large constant dict.
VALID = """
import numpy as np
from numba import njit, objmode


@njit("float64(float64[::1])")
def total(x):
    with objmode(y="float64"):
        y = float(np.sum(x))
    return y


@njit("int64(int64)")
def lookup(x):
    d = {
        "k0": 0, "k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8,
        "k9": 9, "k10": 10, "k11": 11, "k12": 12, "k13": 13, "k14": 14, "k15": 15, "k16": 16,
    }
    return d["k3"] + x
"""


def test_valid_with_and_dict_code_stays_silent(tmp_path: Path) -> None:
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(VALID, "valid.py", "exec"), namespace)  # both compile eagerly, cleanly
    assert namespace["lookup"](1) == 4
    result = check_source(tmp_path, VALID)
    assert result.diagnostics == []
    assert all(f.checked for f in result.functions)
