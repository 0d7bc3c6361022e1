"""Every NB9xx example through the real dynamic pass: reported exactly on its `# expect:` lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from dynamic_support import check_source

from numba_lint.checks.trial_compile import DYNAMIC_RULES

CASES = [
    (f"{rule.code}-{kind}-{n}", rule, example)
    for rule in DYNAMIC_RULES
    for kind, examples in (("invalid", rule.invalid), ("valid", rule.valid))
    for n, example in enumerate(examples, 1)
]


@pytest.mark.parametrize(("case_id", "rule", "example"), CASES, ids=[c[0] for c in CASES])
def test_example_reported_by_trial_compile(tmp_path: Path, case_id, rule, example) -> None:
    # NB907 and NB973 need lowering; NB951's examples are written for a 1 s timeout.
    options = {"full_compile": rule.code in ("NB907", "NB973")}
    if rule.code == "NB951":
        options["timeout"] = 1.0
    result = check_source(tmp_path, example.source, **options)
    reported = sorted({d.location.row for d in result.diagnostics if d.code == rule.code})
    assert reported == example.expected(rule.code), [d.message for d in result.diagnostics]
