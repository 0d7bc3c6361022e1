"""Findings -> the findings shown: the one module that decides why a finding is not shown.

Four reasons hide a finding, each decided by a part this module puts together:
- rule selection (`select`, `extend-select`, `ignore`) and `per-file-ignores`
  (`suppress.Selection`);
- a `# noqa` comment on the flagged line (`suppress.is_suppressed`);
- the baseline of accepted findings, `--baseline FILE` (`baseline.new_findings`).

The pipeline builds one `FindingFilter` per run and calls `shown` once, after the merge; the
baseline stage (`apply_baseline`) runs on the finished report, after the shard and notebook
steps, because a baseline identifies findings by the file and line the user sees; the CLI
calls it once, since `--write-baseline` also decides the exit code. Never adds, merges or
rewrites a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config, ConfigError
from .diagnostic import Diagnostic, Report
from .discover import SourceFile
from .suppress import Selection, is_suppressed


class FindingFilter:
    """The rule selection and the `# noqa` comments of one run."""

    def __init__(self, config: Config, known: dict[str, bool]) -> None:
        """`known` maps every rule code to whether it is enabled by default."""
        self.selection = Selection(config, known)

    @property
    def selected(self) -> frozenset[str]:
        """The codes to report (before per-file ignores): the rules worth running."""
        return self.selection.selected

    def shown(
        self,
        diagnostics: Iterable[Diagnostic],
        lines: Mapping[str, Sequence[str]],
        paths: Mapping[str, Path],
    ) -> list[Diagnostic]:
        """The selected findings not silenced by a `# noqa` comment. `lines`: the source lines
        of each reported file; `paths`: each displayed file name's path (per-file ignores)."""
        return [
            d
            for d in diagnostics
            if self.selection.wants(d, paths.get(d.filename))
            and not is_suppressed(d, lines.get(d.filename, []))
        ]


@dataclass(frozen=True)
class BaselineRequest:
    """`--baseline FILE` (hide the findings recorded there) or `--write-baseline FILE`."""

    read: Path | None = None
    write: Path | None = None


def apply_baseline(
    report: Report, request: BaselineRequest, root: Path, stdin: SourceFile | None
) -> bool:
    """--write-baseline records the report's findings (and returns True: the run then exits
    0 unless files could not be read); --baseline drops the recorded findings from the report."""
    if request.read is None and request.write is None:
        return False
    # Only here: most runs have no baseline (the module reads and writes its file format).
    from .baseline import SourceLines, load_baseline, new_findings, write_baseline

    lines = SourceLines({stdin.display: stdin.text} if stdin and stdin.text else None)
    if request.write is not None:
        try:
            count = write_baseline(request.write, report.diagnostics, root, lines)
        except OSError as exc:
            raise ConfigError(
                f"cannot write the baseline {request.write}: {exc.strerror or exc}"
            ) from exc
        report.notes.append(
            f"recorded {count} finding{'' if count == 1 else 's'} in {request.write}"
        )
        return True
    assert request.read is not None
    accepted = load_baseline(request.read)
    before = len(report.diagnostics)
    report.diagnostics = new_findings(report.diagnostics, accepted, root, lines)
    if before > len(report.diagnostics):
        report.notes.append(
            f"{before - len(report.diagnostics)} known finding(s) hidden by "
            f"the baseline {request.read}"
        )
    return False
