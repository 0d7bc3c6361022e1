"""`bench_dynamic.py --sixty`: the module it times is 60 distinct valid signed functions, and its
report gives the check / import ratio of each round."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_dynamic  # noqa: E402 - found through the path above


def test_sixty_distinct_signed_functions_none_failing(tmp_path: Path) -> None:
    path = bench_dynamic.write_sixty(tmp_path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert len(functions) == bench_dynamic.SIXTY == 60
    assert len({f.name for f in functions}) == 60
    for function in functions:
        (decorator,) = function.decorator_list
        assert isinstance(decorator, ast.Call) and isinstance(decorator.args[0], ast.Constant)
    text = path.read_text(encoding="utf-8")
    # The import must succeed: none of the templates that fail on purpose.
    assert "nope_" not in text and "undefined_" not in text


def test_the_failing_corpus_is_unchanged(tmp_path: Path) -> None:
    text = bench_dynamic.write_corpus(tmp_path).read_text(encoding="utf-8")
    assert text.count("@njit(") == 60
    assert text.count("nope_") == 4 and text.count("undefined_") == 4


def test_report_gives_each_rounds_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    times = {name: [(1.0, 1.0), (2.0, 2.0)] for name in bench_dynamic.SIXTY_RUNS}
    times["import"] = [(10.0, 20.0), (10.0, 10.0)]
    bench_dynamic.report_sixty(times)
    out = capsys.readouterr().out
    assert "check / import, per round: wall 0.100 0.200; CPU 0.050 0.200" in out
    assert "median: wall 0.150, CPU 0.125" in out
