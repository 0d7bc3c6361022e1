"""A large project's texts are read again from disk when a step needs them, not held for the
whole run; texts that are not on disk stay in memory; a file that changes during the run is
checked again (numba_lint/source_texts.py)."""

from __future__ import annotations

import gc
import json
import pickle
import shutil
import weakref
from pathlib import Path

import pytest

from numba_lint import pipeline, source_texts
from numba_lint.config import Config
from numba_lint.diagnostic import Report
from numba_lint.discover import SourceFile
from numba_lint.formats.json_format import as_data
from numba_lint.parse import read_text
from numba_lint.pipeline import Options, run
from numba_lint.source_texts import SourceTexts, TextChanged, pairs_of, read_all, size_of
from numba_lint.static import engine, pool, share, stages
from tests.test_static_pool import make_project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _files(root: Path) -> list[SourceFile]:
    names = {"a.py": "x = 1\n", "b.py": "y = 'é'\n", "c.py": "import numba\n"}
    for name, text in names.items():
        (root / name).write_text(text, encoding="utf-8")
    return [SourceFile(root / name, name) for name in names]


def test_a_project_within_the_budget_holds_its_texts_as_before(tmp_path: Path) -> None:
    errors: list[str] = []
    texts = read_all([*_files(tmp_path), SourceFile(tmp_path / "gone.py", "gone.py")], errors)
    assert type(texts) is dict
    assert list(texts.values()) == ["x = 1\n", "y = 'é'\n", "import numba\n"]
    assert errors and errors[0].startswith("gone.py: cannot read file")


def test_past_the_budget_texts_are_read_again_from_disk(tmp_path: Path) -> None:
    files = _files(tmp_path)
    given = SourceFile(tmp_path / "not_on_disk.py", "<stdin>", text="import numba\nz = 2\n")
    texts = read_all([*files, given], [], held=8)  # a.py fits, b.py passes the budget
    assert isinstance(texts, SourceTexts)
    assert dict(texts) == {
        files[0]: "x = 1\n",
        files[1]: "y = 'é'\n",
        files[2]: "import numba\n",
        given: "import numba\nz = 2\n",  # not on disk: held
    }
    assert [size_of(texts, s) for s in texts] == [6, 8, 13, 19]
    # Held, it would still read as it was: read again, the change is seen.
    (tmp_path / "a.py").write_text("x = 2\n")
    with pytest.raises(TextChanged, match="a.py: changed on disk"):
        texts[files[0]]
    (tmp_path / "b.py").unlink()
    with pytest.raises(TextChanged):
        texts[files[1]]
    # Views share the store; a job's pairs are read when taken, and sent as a plain list.
    part = texts.only([files[2], given])
    assert list(part) == [files[2], given] and files[0] not in part
    pairs = pairs_of(part, [files[2]])
    assert pickle.loads(pickle.dumps(pairs)) == [(files[2], "import numba\n")]
    (tmp_path / "c.py").write_text("import numba  # edited\n")
    with pytest.raises(TextChanged):
        list(pairs)


def _run(root: Path, jobs: int, **options: object) -> Report:
    config = Config(project_root=root, select=["ALL"], static_only=True, cache=False, jobs=jobs)
    return run(config, Options(paths=[str(root)], **options))  # type: ignore[arg-type]


def _report(root: Path, jobs: int) -> dict:
    data = json.loads(json.dumps(as_data(_run(root, jobs))))
    data["summary"].pop("seconds")
    return data


@pytest.mark.parametrize("jobs", [1, 2])
def test_texts_read_again_and_trees_dropped_find_what_holding_them_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    make_project(tmp_path)
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    held = _report(tmp_path, jobs)
    monkeypatch.setattr(pipeline, "HELD_TEXTS", 0)
    monkeypatch.setattr(engine, "HELD_TEXT", 0)
    reads: list[str] = []
    original = SourceTexts.__getitem__

    def getitem(self: SourceTexts, source: SourceFile) -> str:
        reads.append(source.display)
        return original(self, source)

    monkeypatch.setattr(SourceTexts, "__getitem__", getitem)
    assert _report(tmp_path, jobs) == held
    assert held["diagnostics"] and reads  # the texts were read again, findings reported


def test_standard_input_past_the_budget_stays_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "HELD_TEXTS", 0)
    text = (EXAMPLES / "common_mistakes.py").read_text()
    source = SourceFile(tmp_path / "buffer.py", "buffer.py", text=text)  # no such file
    report = _run(tmp_path, 1, stdin_source=source)
    assert report.diagnostics and not report.errors


def test_a_file_changed_during_the_run_is_checked_again_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    edited = tmp_path / "pkg" / "late.py"
    monkeypatch.setattr(pipeline, "HELD_TEXTS", 0)
    plan_of = stages.Plan.of

    def edit_once(texts: object, **choices: object) -> stages.Plan:
        plan = plan_of(texts, **choices)  # type: ignore[arg-type]
        if "# edited" not in edited.read_text():  # after the first read, before any parse
            edited.write_text(edited.read_text().replace("late(x):", "late(x):  # edited"))
        return plan

    monkeypatch.setattr(stages.Plan, "of", edit_once)
    report = _run(tmp_path, 1)
    note = "pkg/late.py: changed on disk during the check: checked again as it is now"
    assert [n.removeprefix(f"{tmp_path}/") for n in report.notes] == [note]
    assert not report.errors
    # Its findings are the edited text's, checked as a whole: the same as a run started now.
    assert as_data(report)["diagnostics"] == _report(tmp_path, 1)["diagnostics"]


class _Text(str):
    """A text that can be watched (str itself refuses weak references)."""


def test_no_text_is_alive_when_the_rules_run_past_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one worker every stage runs in this process: once the texts are read again, no
    text read from disk is kept from one stage to the next (the pipeline held them all)."""
    make_project(tmp_path)
    monkeypatch.setattr(pipeline, "HELD_TEXTS", 0)
    monkeypatch.setattr(engine, "HELD_TEXT", 0)
    texts: list[weakref.ref[_Text]] = []

    def watched(source: SourceFile) -> object:
        text = read_text(source)
        if isinstance(text, str):
            text = _Text(text)
            texts.append(weakref.ref(text))
        return text

    alive: list[int] = []
    rules_pass = share.ModuleShare.rules_pass

    def counted(self: share.ModuleShare, *payload: object) -> object:
        gc.collect()
        alive.append(sum(1 for text in texts if text() is not None))
        return rules_pass(self, *payload)  # type: ignore[arg-type]

    monkeypatch.setattr(source_texts, "read_text", watched)
    monkeypatch.setattr(share.ModuleShare, "rules_pass", counted)
    report = _run(tmp_path, 1)
    assert report.diagnostics and len(texts) > 30  # every file read, some more than once
    assert alive == [0]


def test_a_file_changed_under_a_worker_process_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker that parses a dropped module again reads its file again: a change found
    there reaches the parent as `TextChanged`, not as a crash of the pool."""
    make_project(tmp_path)
    edited = tmp_path / "pkg" / "m0.py"
    monkeypatch.setattr(pipeline, "HELD_TEXTS", 0)
    monkeypatch.setattr(engine, "HELD_TEXT", 0)
    settled = stages._settled_facts

    def edit_once(workers: object, aliases: object) -> object:
        # Every module is parsed and dropped; indexing again with the project's alias parses
        # pkg/m0.py again, in a worker.
        if isinstance(workers, pool.ProcessWorkers) and "# edited" not in edited.read_text():
            edited.write_text(edited.read_text() + "# edited\n")
        return settled(workers, aliases)  # type: ignore[arg-type]

    monkeypatch.setattr(stages, "_settled_facts", edit_once)
    report = _run(tmp_path, 2)
    note = "pkg/m0.py: changed on disk during the check: checked again as it is now"
    assert [n.removeprefix(f"{tmp_path}/") for n in report.notes] == [note]
    assert not report.errors
