"""The language server's remembered rule walks (checks/walk_memo.py): after every edit of a
sequence, the findings equal those of a check from scratch of the same text, whether the edit
stayed inside one jitted body (walks of the other functions reused) or not (all walked again).
The server's own check function directly, then once through a real LSP client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient
from test_server import CONFIG, diagnostics_for, open_document

from numba_lint.checks import walk_memo
from numba_lint.diagnostic import Diagnostic
from numba_lint.server import app, settings

SOURCE = """\
import json

import numpy as np
from numba import njit, prange

THRESHOLDS = [0.1, 0.5, 0.9]


class Point:
    def __init__(self, x):
        self.x = x


def describe(value):
    return f"value={value}"


@njit
def count_above(values):
    count = 0
    for value in values:
        if value > THRESHOLDS[0]:
            count += THRESHOLDS[1]
    return count


@njit
def label(value):
    return describe(value)


@njit(parallel=True)
def spread(x, y):
    for i in prange(x.shape[0]):
        y[i % 4] += x[i]
    return y


@njit
def dump(values):
    return json.dumps(values)


@njit
def norm(p):
    return p.x * 2
"""

Edit = Callable[[str], str]


def _swap(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


TUPLE = "THRESHOLDS = (0.1, 0.5, 0.9)"
LAST = "    q = 1\n    return p.x *"
FIRST = "    count = 0\n    k = 2\n"
GLOBAL = "    global THRESHOLDS\n    count = 0\n"
# (what the edit does, the edit, whether some walks of the last check are reused)
EDITS: list[tuple[str, Edit, bool]] = [
    ("a line in one jitted body", _swap("count += THRESHOLDS[1]", "count += 1"), True),
    ("a new finding", _swap("return p.x * 2", "return p.x * THRESHOLDS[2]"), True),
    (
        "a line added to the last body",
        _swap("    return p.x *", "    q = 1\n    return p.x *"),
        True,
    ),
    # Lines added above other jitted functions move them: their walks are not reused.
    (
        "a line added to the first body",
        _swap("    count = 0\n", "    count = 0\n    k = 2\n"),
        False,
    ),
    ("an import", _swap("import json\n", "import numpy.linalg as json\n"), False),
    ("a module-level binding", _swap("THRESHOLDS = [0.1, 0.5, 0.9]", TUPLE), False),
    ("a plain function's body", _swap('return f"value={value}"', "return value"), False),
    ("a global statement in a body", _swap("    count = 0\n", GLOBAL), False),
    ("a decorator", _swap("@njit\ndef label", "@njit(cache=True)\ndef label"), False),
    ("a finding removed", _swap("        y[i % 4] += x[i]", "        y[i] += x[i]"), True),
]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n")
    walk_memo.remember_walks(app.REMEMBERED_WALKS)
    yield tmp_path
    walk_memo.remember_walks(0)


def _check(path: Path, text: str) -> list[Diagnostic]:
    config = settings.document_config(path, [])
    assert config is not None
    return [replace(d, filename="") for d in app.check_static(path, text, config)]


def _walked(path: Path) -> dict[str, object]:
    past = walk_memo._PAST.get(str(path))
    assert past is not None
    return dict(past.walked)


def test_every_edit_finds_what_a_check_from_scratch_finds(project: Path) -> None:
    path = project / "kernels.py"
    text = SOURCE
    _check(path, text)
    for step, (what, edit, reusable) in enumerate(EDITS):
        before = _walked(path)
        text = edit(text)
        incremental = _check(path, text)
        # A file never checked before: nothing to reuse.
        scratch = _check(project / f"scratch{step}" / "kernels.py", text)
        assert incremental == scratch, what
        after = _walked(path)
        reused = [name for name in after if after[name] is before.get(name)]
        assert bool(reused) == reusable, (what, reused)
    codes = {d.code for d in incremental}
    assert {"NB101", "NB205"} <= codes  # the last text still has findings to compare


def test_unchanged_text_reuses_every_walk_and_finds_the_same(project: Path) -> None:
    path = project / "kernels.py"
    first = _check(path, SOURCE)
    before = _walked(path)
    assert _check(path, SOURCE) == first
    after = _walked(path)
    assert after.keys() == before.keys() and all(after[n] is before[n] for n in after)


def test_walks_are_not_remembered_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n")
    walk_memo.remember_walks(0)
    _check(tmp_path / "kernels.py", SOURCE)
    assert walk_memo._PAST.get(str(tmp_path / "kernels.py")) is None


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n")
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
            initialization_options={"numba-lint": {"debounce": 0.0}},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_a_real_client_sees_the_findings_of_a_check_from_scratch(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "kernels.py"
    uri = open_document(client, path, SOURCE)
    await diagnostics_for(client, uri)
    walk_memo.remember_walks(0)  # this process checks from scratch; the server remembers
    text = SOURCE
    for version, (what, edit, _) in enumerate(EDITS, start=2):
        text = edit(text)
        client.diagnostics.pop(uri, None)
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        published = await diagnostics_for(client, uri)  # the check of this version
        scratch = _check(tmp_path / f"scratch{version}" / "kernels.py", text)
        assert [(d.code, d.range.start.line + 1, d.message) for d in published] == [
            (d.code, d.location.row, d.message) for d in scratch
        ], what
