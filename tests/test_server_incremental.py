"""The language server's remembered rule walks (checks/walk_memo.py), jit indexes and facts
(index_memo.py) and parsed pieces (static/chunked_parse.py): after every edit of a sequence,
the findings equal those of a check from scratch of the same text (no memo, as the CLI runs),
whether the edit stayed inside one jitted body (the past index, facts and the other functions'
walks reused) or not (built again). The server's own check function directly, then once
through a real LSP client."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import libcst as cst
import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient
from test_server import CONFIG, diagnostics_for, open_document

from numba_lint import index_memo, jit_index, spliced_ast
from numba_lint import project as project_facts
from numba_lint.checks import walk_memo
from numba_lint.diagnostic import Diagnostic
from numba_lint.discover import SourceFile
from numba_lint.jit_index import IndexedModule, JitIndex
from numba_lint.recent import Recent
from numba_lint.server import app, memory, settings
from numba_lint.static import blanking, chunked_parse
from numba_lint.static.indexing import parse_and_index

SOURCE = """\
import json

import numpy as np
from numba import njit, prange
from numba.experimental import jitclass

THRESHOLDS = [0.1, 0.5, 0.9]


class Point:
    def __init__(self, x):
        self.x = x


def describe(value):
    return f"value={value}"


fast = njit(cache=True)


def slow(x):
    return x + 1


quick = njit(slow)


def fill(out):
    for i in range(out.shape[0]):
        out[i] = i


quick_fill = njit(fill)


def make(scale):
    def inner(v):
        return v * scale

    return njit(inner)


@jitclass
class Counter:
    total: float

    def __init__(self, total):
        self.total = total

    def add(self, value):
        self.total += value


@njit
def count_above(values):
    count = 0
    spare = 0
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


@fast
def scaled(values, factor):
    return values * factor
"""

Edit = Callable[[str], str]


def _swap(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


TUPLE = "THRESHOLDS = (0.1, 0.5, 0.9)"
SPARE = "    spare = 0\n"
NESTED = "    def spare(): return 0\n"
# (what the edit does, the edit, whether some walks of the last check are reused, whether the
# last check's jit index and facts are reused; None: either, findings compared all the same)
EDITS: list[tuple[str, Edit, bool, bool | None]] = [
    ("a line in one jitted body", _swap("count += THRESHOLDS[1]", "count += 1"), True, True),
    ("a new finding", _swap("return p.x * 2", "return p.x * THRESHOLDS[2]"), True, True),
    ("a call in a body", _swap(SPARE, "    spare = describe(THRESHOLDS)\n"), True, True),
    # `njit(f)` jits a module-level def wherever it is: the index changes.
    ("a body jits a def", _swap("describe(THRESHOLDS)", "njit(describe)"), False, False),
    ("the def no longer", _swap("njit(describe)", "len(THRESHOLDS)"), False, False),
    # A module-level def named as a first argument anywhere is kept unblanked (blanking.py):
    # a comment in a jitted body changes the tree outside it.
    (
        "a comment keeps a def",
        _swap("len(THRESHOLDS)", "len(THRESHOLDS)  # (describe)"),
        True,
        False,
    ),
    ("a nested def", _swap("    spare = len(THRESHOLDS)  # (describe)\n", NESTED), True, False),
    ("a nested def removed", _swap(NESTED, SPARE), True, False),
    ("a global in place", _swap(SPARE, "    global THRESHOLDS\n"), False, False),
    # The `global` is on a line the edit leaves alone: the walks of the others still stand.
    ("an assignment under a global", _swap("    count = 0\n", "    THRESHOLDS = 0\n"), True, False),
    ("the assignment back", _swap("    THRESHOLDS = 0\n", "    count = 0\n"), True, False),
    ("a global removed", _swap("    global THRESHOLDS\n", SPARE), False, False),
    (
        "a line added to the last body",
        _swap("    return values *", "    q = 1\n    return values *"),
        True,
        False,
    ),
    # Lines added above other jitted functions move them: their walks are not reused.
    ("a line added to the first body", _swap(SPARE, SPARE + "    k = 2\n"), False, False),
    ("a line removed", _swap("    k = 2\n", ""), False, False),
    ("an import", _swap("import json\n", "import numpy.linalg as json\n"), False, False),
    ("a module-level binding", _swap("THRESHOLDS = [0.1, 0.5, 0.9]", TUPLE), False, False),
    ("a plain function's body", _swap('return f"value={value}"', "return value"), False, False),
    ("a call-form def's body", _swap("return x + 1", "return json.dumps(x)"), True, True),
    # The def jitted by `njit(slow)` becomes a wrapper of njit: the module's wrappers change.
    ("a body makes a wrapper", _swap("return json.dumps(x)", "return njit(x)"), False, False),
    ("an alias-decorated body", _swap("return values * factor", "return values"), True, True),
    ("a decorator", _swap("@njit\ndef label", "@njit(cache=True)\ndef label"), False, False),
    ("a decorator alias", _swap("njit(cache=True)", "njit(parallel=True)"), False, False),
    ("a signature", _swap("def label(value):", "def label(value, other=1):"), False, False),
    # A plain def the blanking keeps (it jits a closure): what it passes is read again.
    ("a factory's body", _swap("return v * scale", "return v * THRESHOLDS"), True, False),
    (
        "a factory's call",
        _swap("return njit(inner)", "return njit(inner, cache=True)"),
        False,
        False,
    ),
    ("a jitclass method's body", _swap("self.total += value", "self.total -= value"), True, False),
    ("a finding removed", _swap("        y[i % 4] += x[i]", "        y[i] += x[i]"), True, True),
    ("the same text", lambda text: text, True, True),
]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n")
    memory.remember_between_checks()  # as the server does
    yield tmp_path
    memory.remember_between_checks(False)


@contextmanager
def from_scratch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Checks with every memo off (as the CLI runs), the server's memories kept aside."""
    with monkeypatch.context() as patch:
        for module, name in [(chunked_parse, "_remembered"), (walk_memo, "_PAST")]:
            patch.setattr(module, name, Recent())
        patch.setattr(index_memo, "_PAST", Recent())
        patch.setattr(blanking, "_PASSED", Recent())
        patch.setattr(spliced_ast, "_PAST", Recent())
        yield


def _check(path: Path, text: str) -> list[Diagnostic]:
    config = settings.document_config(path, [])
    assert config is not None
    return [replace(d, filename="") for d in app.check_static(path, text, config)]


def _walked(path: Path) -> dict[str, object]:
    past = walk_memo._PAST.get(str(path))
    assert past is not None
    return dict(past.walked)


class Built:
    """How many jit index walks, facts walks and readings of the module's wrappers ran."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.indexes = self.facts = self.wrappers = 0
        count = self
        module_wrappers = jit_index.module_wrappers

        def counted_wrappers(*args):  # type: ignore[no-untyped-def]
            count.wrappers += 1
            return module_wrappers(*args)

        class CountedIndexer(jit_index.Indexer):
            def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
                count.indexes += 1
                super().__init__(*args, **kwargs)

        class CountedFacts(project_facts._FieldCollector):
            def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
                count.facts += 1
                super().__init__(*args, **kwargs)

        monkeypatch.setattr(jit_index, "Indexer", CountedIndexer)
        monkeypatch.setattr(jit_index, "module_wrappers", counted_wrappers)
        monkeypatch.setattr(project_facts, "_FieldCollector", CountedFacts)


def test_every_edit_finds_what_a_check_from_scratch_finds(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "kernels.py"
    text = SOURCE
    built = Built(monkeypatch)
    _check(path, text)
    assert built.indexes and built.facts
    for what, edit, reusable, index_reused in EDITS:
        before = _walked(path)
        text = edit(text)
        built.indexes = built.facts = 0
        incremental = _check(path, text)
        indexes, facts = built.indexes, built.facts
        with from_scratch(monkeypatch):
            scratch = _check(path, text)
        assert incremental == scratch, what
        after = _walked(path)
        reused = [name for name in after if after[name] is before.get(name)]
        assert bool(reused) == reusable, (what, reused)
        if index_reused is not None:
            assert (indexes == 0) == index_reused, (what, indexes)
            assert (facts == 0) == index_reused, (what, facts)
    codes = {d.code for d in incremental}
    assert {"NB101", "NB205"} <= codes  # the last text still has findings to compare


def test_a_body_jitted_by_numbas_own_decorator_reads_no_wrappers_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `wrappers.py` never reads the body of a def that numba's own decorator jits, and a def
    # that returns no name, attribute or call is no wrapper; another body jitted otherwise
    # (`@fast`, `njit(slow)`) may be one: the wrappers are read again, found the same, and the
    # index is reused.
    path = project / "kernels.py"
    built = Built(monkeypatch)
    text = SOURCE
    _check(path, text)
    for old, new, wrappers_read in [
        ("count += THRESHOLDS[1]", "count += 2", False),
        ("return values * factor", "return values", True),
        ("return x + 1", "return x", True),
        # A body that returns nothing, before and after, makes no wrapper.
        ("out[i] = i", "out[i] = 2 * i", False),
        ("out[i] = 2 * i", "return out", True),
        # Nor does one whose returns give tuples: the wrappers evaluate names and calls.
        ("return out", "return out, i", True),
        ("return out, i", "return out, 2 * i", False),
    ]:
        text = text.replace(old, new)
        built.indexes = built.wrappers = 0
        found = _check(path, text)
        assert built.indexes == 0 and bool(built.wrappers) == wrappers_read, old
        with from_scratch(monkeypatch):
            assert found == _check(path, text)


def test_a_reused_index_holds_the_new_trees_nodes(project: Path) -> None:
    path = project / "kernels.py"
    _check(path, SOURCE)
    text = SOURCE.replace("count += THRESHOLDS[1]", "count += 3")
    _check(path, text)
    build = index_memo._PAST.get(str(path))[0]
    assert build.places is not None  # found when the past index was moved: it was reused
    nodes: set[int] = set()

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            nodes.add(id(node))

    build.parsed.module.visit(Collect())
    scratch = parse_and_index(SourceFile(path, str(path), text), text)
    assert isinstance(scratch, IndexedModule)

    def described(index: JitIndex) -> list[tuple[object, ...]]:
        return [(f.qualname, f.line, f.form, repr(f.decorator)) for f in index.functions]

    assert described(build.index) == described(scratch.jit_index)
    assert {"Counter.__init__", "Counter.add"} <= {f.qualname for f in build.index.functions}
    assert all(id(f.node) in nodes for f in build.index.functions)
    assert build.parsed.text == text


def test_the_blanking_walks_only_kept_definitions_whose_text_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[str] = []
    passed_names = blanking._passed_names

    def counted(node: ast.AST) -> set[str]:
        if isinstance(node, ast.FunctionDef):
            walked.append(node.name)
        return passed_names(node)

    monkeypatch.setattr(blanking, "_passed_names", counted)
    path = project / "kernels.py"
    _check(path, SOURCE)
    assert walked == ["make"]  # the plain def kept for its jitted closure
    walked.clear()
    text = SOURCE.replace("count += THRESHOLDS[1]", "count += 4")
    _check(path, text)
    assert walked == []
    text = text.replace("return njit(inner)", "return njit(inner, cache=True)")
    found = _check(path, text)
    assert walked == ["make"]
    with from_scratch(monkeypatch):
        assert found == _check(path, text)


def test_unchanged_text_reuses_every_walk_and_finds_the_same(project: Path) -> None:
    path = project / "kernels.py"
    first = _check(path, SOURCE)
    before = _walked(path)
    assert _check(path, SOURCE) == first
    after = _walked(path)
    assert after.keys() == before.keys() and all(after[n] is before[n] for n in after)


def test_walks_are_not_remembered_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n")
    memory.remember_between_checks(False)
    _check(tmp_path / "kernels.py", SOURCE)
    assert walk_memo._PAST.get(str(tmp_path / "kernels.py")) is None
    assert index_memo._PAST.get(str(tmp_path / "kernels.py")) is None


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
    memory.remember_between_checks(False)  # this process checks from scratch; the server keeps
    text = SOURCE
    for version, (what, edit, _, _) in enumerate(EDITS, start=2):
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
