"""Every rule's examples are tests: statically (the rule reports exactly the marked lines) and
with real Numba (flagged examples fail or warn, the others compile)."""

from __future__ import annotations

from pathlib import Path

import pytest
from numba_prover import prove_examples

from numba_lint.checks import ALL_RULES, RuleInfo, StaticRule
from numba_lint.checks.base import Example
from numba_lint.config import Config
from numba_lint.discover import SourceFile
from numba_lint.pipeline import Options, run

CASES: list[tuple[str, type[RuleInfo], str, Example]] = [
    (f"{rule.code}-{kind}-{n}", rule, kind, example)
    for rule in ALL_RULES
    for kind, examples in (("invalid", rule.invalid), ("valid", rule.valid))
    for n, example in enumerate(examples, 1)
]


@pytest.fixture(scope="module")
def numba_outcomes() -> dict[str, dict]:
    """All examples through real Numba in one process (Numba is imported once)."""
    payload = [
        {"code": example.source, "call": example.call, "modules": example.module_sources}
        for _, _, _, example in CASES
    ]
    results = prove_examples(payload)
    return {case_id: result for (case_id, *_), result in zip(CASES, results, strict=True)}


def test_every_rule_has_examples() -> None:
    for rule in ALL_RULES:
        assert rule.invalid, f"{rule.code} has no flagged example"
        assert rule.valid, f"{rule.code} has no example that passes"


@pytest.mark.parametrize(
    ("case_id", "rule", "kind", "example"), CASES, ids=[case[0] for case in CASES]
)
def test_example_proven_by_numba(numba_outcomes, case_id, rule, kind, example) -> None:
    outcome = numba_outcomes[case_id]
    wanted = example.numba or ("fails" if kind == "invalid" else "compiles")
    assert outcome["outcome"] == wanted, outcome["detail"]


@pytest.mark.parametrize(
    ("case_id", "rule", "kind", "example"),
    [c for c in CASES if issubclass(c[1], StaticRule) or c[1].code == "NB001"],
    ids=[c[0] for c in CASES if issubclass(c[1], StaticRule) or c[1].code == "NB001"],
)
def test_example_reported_statically(tmp_path, case_id, rule, kind, example) -> None:
    path = tmp_path / "example.py"
    config = Config(project_root=tmp_path, select=[rule.code], static_only=True)
    if example.modules:
        # A small project: the example and the modules it imports, checked together.
        for name, text in {**example.module_sources, "example": example.source}.items():
            (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
        report = run(config, Options(paths=[str(tmp_path)]))
        diagnostics = [d for d in report.diagnostics if Path(d.filename).name == "example.py"]
    else:
        source = SourceFile(path=path, display="example.py", text=example.source)
        diagnostics = run(config, Options(stdin_source=source)).diagnostics
    reported = sorted({d.location.row for d in diagnostics if d.code == rule.code})
    assert reported == example.expected(rule.code), [d.message for d in diagnostics]
    if kind == "invalid":
        assert reported, "a flagged example must mark at least one line with # expect:"
