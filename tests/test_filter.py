"""The filter step: every reason a finding is hidden, decided in numba_lint/filter.py."""

from __future__ import annotations

from pathlib import Path

from numba_lint.config import Config
from numba_lint.diagnostic import Diagnostic, Location, Pass, Report, Severity, Summary
from numba_lint.discover import SourceFile
from numba_lint.filter import BaselineRequest, FindingFilter, apply_baseline

KNOWN = {"NB101": True, "NB201": True, "NB303": False}


def finding(code: str, row: int, filename: str = "pkg/kernels.py") -> Diagnostic:
    return Diagnostic(
        filename, Location(row, 5), Location(row, 8), code, "m", Severity.ERROR, Pass.STATIC
    )


def test_selection_per_file_ignores_and_noqa_in_one_call(tmp_path: Path) -> None:
    config = Config(
        project_root=tmp_path,
        extend_select=["NB303"],
        per_file_ignores={"tests/*.py": ["NB201"]},
    )
    findings = FindingFilter(config, KNOWN)
    assert findings.selected == frozenset(KNOWN)
    lines = {
        "pkg/kernels.py": ["a.x", "a.y  # noqa: NB101", "g(a)", "h(a)  # noqa"],
        "tests/test_k.py": ["g(a)"],
    }
    paths = {name: tmp_path / name for name in lines}
    candidates = [
        finding("NB101", 1),  # shown
        finding("NB101", 2),  # noqa with its code
        finding("NB201", 3),  # shown
        finding("NB303", 4),  # blanket noqa
        finding("NB201", 1, "tests/test_k.py"),  # per-file ignore
        finding("NB201", 1, "tests/other.txt"),  # no lines, no path: only the selection
    ]
    shown = findings.shown(candidates, lines, paths)
    assert [(d.filename, d.code, d.location.row) for d in shown] == [
        ("pkg/kernels.py", "NB101", 1),
        ("pkg/kernels.py", "NB201", 3),
        ("tests/other.txt", "NB201", 1),
    ]
    ignored = Config(project_root=tmp_path, ignore=["NB2"])
    assert [d.code for d in FindingFilter(ignored, KNOWN).shown(candidates[:3], lines, paths)] == [
        "NB101"
    ]


def test_a_baseline_written_then_read_hides_exactly_what_it_recorded(tmp_path: Path) -> None:
    source = tmp_path / "kernels.py"
    source.write_text("a.x\nb.x\n", encoding="utf-8")
    name = str(source)
    known = [finding("NB101", 1, name), finding("NB101", 2, name)]
    baseline = tmp_path / "baseline.json"

    recorded = Report(diagnostics=list(known), summary=Summary())
    assert apply_baseline(recorded, BaselineRequest(write=baseline), tmp_path, None) is True
    assert recorded.notes == [f"recorded 2 findings in {baseline}"]
    assert recorded.diagnostics == known  # recording hides nothing

    source.write_text("a.x\nb.x\nc.x\n", encoding="utf-8")
    later = Report(diagnostics=[*known, finding("NB101", 3, name)], summary=Summary())
    assert apply_baseline(later, BaselineRequest(read=baseline), tmp_path, None) is False
    assert [d.location.row for d in later.diagnostics] == [3]
    assert later.notes == [f"2 known finding(s) hidden by the baseline {baseline}"]

    untouched = Report(diagnostics=list(known), summary=Summary())
    assert apply_baseline(untouched, BaselineRequest(), tmp_path, None) is False
    assert untouched.diagnostics == known and untouched.notes == []


def test_the_baseline_reads_standard_input_from_its_text(tmp_path: Path) -> None:
    """A file given on standard input is fingerprinted from the text read, not from disk."""
    stdin = SourceFile(path=tmp_path / "stdin.py", display="<stdin>", text="a.x\n")
    baseline = tmp_path / "baseline.json"
    first = Report(diagnostics=[finding("NB101", 1, "<stdin>")], summary=Summary())
    apply_baseline(first, BaselineRequest(write=baseline), tmp_path, stdin)
    changed = SourceFile(path=stdin.path, display="<stdin>", text="b.x\n")
    second = Report(diagnostics=[finding("NB101", 1, "<stdin>")], summary=Summary())
    apply_baseline(second, BaselineRequest(read=baseline), tmp_path, changed)
    assert len(second.diagnostics) == 1  # another line's text: a new finding
    same = Report(diagnostics=[finding("NB101", 1, "<stdin>")], summary=Summary())
    apply_baseline(same, BaselineRequest(read=baseline), tmp_path, stdin)
    assert same.diagnostics == []
