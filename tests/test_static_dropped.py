"""A static pass that drops each module's tree once its rules ran finds what one holding them
finds, and really lets the trees go (numba_lint/static/dropped.py)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import libcst as cst
import pytest

from numba_lint.checks import ALL_RULES, static_rules
from numba_lint.discover import SourceFile
from numba_lint.jit_index import listed
from numba_lint.knowledge import load_knowledge
from numba_lint.source_texts import TextChanged
from numba_lint.static import engine, share
from numba_lint.static.dropped import Dropped
from numba_lint.static.engine import static_pass
from tests.test_static_pool import STANDALONE, make_project


def _texts(root: Path) -> dict[SourceFile, str]:
    return {
        SourceFile(path, str(path.relative_to(root))): path.read_text()
        for path in sorted(root.rglob("*.py"))
    }


def _found(result: engine.StaticResult) -> tuple[list[tuple], list[dict]]:
    return (
        sorted((d.filename, d.location.row, d.code, d.message) for d in result.diagnostics),
        [f.__dict__ for f in result.functions],
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[SourceFile, str]:
    root = tmp_path_factory.mktemp("dropped")
    make_project(root)
    # Parsed before fields.py (files go in order with one job), which declares its field.
    (root / "pkg" / "early_weights.py").write_text(STANDALONE)
    return _texts(root)


def test_dropping_every_tree_finds_what_holding_them_finds(
    project: dict[SourceFile, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project has every reason to parse a dropped module again: a field another module
    declares (standalone.py's early NB101 must not stand), calls into modules parsed later,
    the project's alias `fast_jit` (index again) and a second-round module."""
    held = {jobs: static_pass(project, ALL_RULES, jobs=jobs, keep_trees=False) for jobs in (1, 2)}
    dropped, parsed_again = [], []
    original_of, original_held = Dropped.of.__func__, share.ModuleShare.held_module  # type: ignore[attr-defined]

    def of(cls: type[Dropped], *args: object) -> Dropped:
        made = original_of(cls, *args)
        dropped.append(made.source.display)
        return made

    def held_module(self: share.ModuleShare, position: int):  # type: ignore[no-untyped-def]
        if isinstance(self.modules[position], Dropped):
            parsed_again.append(self.modules[position].source.display)
        return original_held(self, position)

    monkeypatch.setattr(Dropped, "of", classmethod(of))
    monkeypatch.setattr(share.ModuleShare, "held_module", held_module)
    monkeypatch.setattr(engine, "HELD_TEXT", 0)
    for jobs in (1, 2):
        assert _found(static_pass(project, ALL_RULES, jobs=jobs, keep_trees=False)) == _found(
            held[jobs]
        )
    assert _found(held[1]) == _found(held[2])
    # Counted in this process: the run with one job (the workers' counts stay in them).
    assert len(dropped) == 30  # every module parsed: not broken.py nor the plain helpers
    # Parsed again: the modules the project's alias indexes again, and the one whose early
    # NB101 did not hold (its rules ran before fields.py was parsed); the others' stand.
    again = {name for name in parsed_again if not name.startswith("pkg/m")}
    assert again == {"pkg/early_weights.py", "pkg/late.py"}
    # The 24 modules the alias indexes again, twice each: to index them again (then dropped
    # again, not held to the end) and for their rules.
    again_m = [name for name in parsed_again if name.startswith("pkg/m")]
    assert len(again_m) == 48 and len(set(again_m)) == 24
    assert not [d for d in held[1].diagnostics if d.filename.endswith("early_weights.py")]


def test_a_share_past_its_budget_keeps_no_tree(tmp_path: Path) -> None:
    """Past `held_text`, a module's libcst tree is gone once `parse` returns: nothing the
    share keeps (facts, early findings, listing) refers to it."""
    make_project(tmp_path)
    files = [
        (source, text)
        for source, text in _texts(tmp_path).items()
        if source.display.startswith("pkg/m") or source.display == "pkg/_jit.py"
    ]
    knowledge, _ = load_knowledge()
    trees: list[int] = []  # libcst trees refuse weak references: their ids
    original = share.index_module

    def index_module(parsed, aliases=None):  # type: ignore[no-untyped-def]
        trees.append(id(parsed.module))
        return original(parsed, aliases)

    worker = share.ModuleShare(static_rules(ALL_RULES), knowledge, held_text=5_000)
    share.index_module = index_module  # type: ignore[assignment]
    try:
        worker.parse(files, None)
    finally:
        share.index_module = original  # type: ignore[assignment]
    gc.collect()
    held = [m for m in worker.modules if not isinstance(m, Dropped)]
    assert 0 < len(held) < len(files)  # the budget held the first modules' trees only
    # `type(...) is`, not isinstance: the collector also holds other tests' dead weak proxies,
    # on which isinstance raises ReferenceError.
    alive = {id(tree) for tree in gc.get_objects() if type(tree) is cst.Module}
    assert len(alive.intersection(trees)) == len(held)
    assert {id(module.parsed.module) for module in held} <= alive
    # Every dropped module still answers the later stages without its tree: g is listed (f
    # uses the project's alias, known only once every module is parsed).
    dropped = worker.modules[len(held) :]
    assert all(isinstance(m, Dropped) for m in dropped)
    assert all(
        m.has_functions and [f.name for f in m.listing] == [f"g{m.module_name[5:]}"]
        for m in dropped
    )


def test_a_dropped_module_keeps_no_text_and_no_tree_once_indexed_again(tmp_path: Path) -> None:
    """A dropped module's text is read again from disk when its tree is wanted, not kept; a
    module the project's aliases index again is dropped again, its tree not held to the end
    of the pass (it used to be: 135 of 1,617 modules at 500,000 lines)."""
    make_project(tmp_path)
    files = [
        (source, text)
        for source, text in _texts(tmp_path).items()
        if source.display.startswith("pkg/m") or source.display == "pkg/_jit.py"
    ]
    references = [sys.getrefcount(files[i][1]) for i in range(len(files))]
    knowledge, _ = load_knowledge()
    trees: list[int] = []
    original = share.index_module

    def index_module(parsed, aliases=None):  # type: ignore[no-untyped-def]
        trees.append(id(parsed.module))
        return original(parsed, aliases)

    worker = share.ModuleShare(static_rules(ALL_RULES), knowledge, held_text=0)
    share.index_module = index_module  # type: ignore[assignment]
    try:
        _, found = worker.parse(files, None)
        aliases = {f"{m}.{name}": d for m, bound in found.items() for name, d in bound.items()}
        assert "pkg._jit.fast_jit" in aliases
        changed = worker.reindex(aliases)
    finally:
        share.index_module = original  # type: ignore[assignment]
    gc.collect()
    assert all(isinstance(m, Dropped) for m in worker.modules)
    assert [sys.getrefcount(files[i][1]) for i in range(len(files))] == references
    # Indexed again (the trees were built: 24 more), dropped again: no tree is alive.
    assert len(changed) == 24 and len(trees) == len(files) + 24
    alive = {id(tree) for tree in gc.get_objects() if type(tree) is cst.Module}
    assert not alive.intersection(trees)
    # What the later stages read is the re-indexed module's: f (the alias's) is listed now,
    # and the tree built again for the rules is the one indexed again.
    m0 = next(p for p, m in enumerate(worker.modules) if m.module_name == "pkg.m0")
    assert [f.name for f in worker.listing_at(m0)] == ["f0", "g0"]
    rebuilt = worker.held_module(m0)
    assert [f.name for f in listed(rebuilt.parsed, rebuilt.jit_index)] == ["f0", "g0"]
    # The file changed since its first read: its text is not taken for the one parsed.
    (tmp_path / "pkg" / "m0.py").write_text("x = 1\n")
    with pytest.raises(TextChanged):
        worker.held_module(m0)


def test_a_project_holds_its_trees_while_its_candidates_fit(
    project: dict[SourceFile, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = engine.Plan.of(project)
    size = sum(len(text) for text in plan.candidates.values())
    monkeypatch.setattr(engine, "HELD_TEXT", size)
    assert engine._held_text(plan, keep_trees=False) is None
    monkeypatch.setattr(engine, "HELD_TEXT", size - 1)
    assert engine._held_text(plan, keep_trees=False) == 0
    assert engine._held_text(plan, keep_trees=True) is None  # the trees are handed on


def test_runs_that_drop_trees_parse_the_imported_modules_first(tmp_path: Path) -> None:
    """A module's rules run right after its parse there, asking about the modules parsed so
    far: the ones it imports should be among them (cycles keep the order given)."""
    from numba_lint.static.stages import imports_first

    files = {
        "app.py": "from pkg import tools\nfrom pkg.core import run\n",
        "pkg/__init__.py": "",
        "pkg/core.py": "from .base import Base\nimport app\n",  # a cycle through app
        "pkg/tools.py": "x = 1\n",
        "pkg/base.py": "import numpy\n",
        "alone.py": "import os\n",
    }
    texts = {}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
        texts[SourceFile(tmp_path / name, name)] = text
    names = {source: source.display.removesuffix(".py").replace("/", ".") for source in texts}
    names = {s: n.removesuffix(".__init__") for s, n in names.items()}
    ordered = [source.display for source in imports_first(list(texts), texts, names)]
    assert sorted(ordered) == sorted(files)
    assert ordered.index("pkg/base.py") < ordered.index("pkg/core.py") < ordered.index("app.py")
    assert ordered.index("pkg/tools.py") < ordered.index("app.py")
    assert ordered[-1] == "alone.py"  # imports nothing of the project: where it was


def _deep_size(root: object, skip: list[object]) -> int:
    """The bytes of `root` and every object it reaches, but for `skip` and what they reach."""
    seen, size, stack = {id(s) for s in skip}, 0, [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (type, type(sys), type(_deep_size))):
            continue
        seen.add(id(item))
        size += sys.getsizeof(item)
        stack.extend(gc.get_referents(item))
    return size


def test_what_a_share_keeps_of_a_dropped_module_is_small(tmp_path: Path) -> None:
    """Every module a large project's worker parsed is kept until the rules stage as its
    `Dropped` record, its early rules' answers and its own facts: bookkeeping that grows with
    the number of files, so it is held to a few compact objects (issue 13: memory that does not
    grow with the files beyond the findings). On this project's modules: 2,006 bytes each, their
    listing and findings aside (3,079 before: dicts, frozensets, a ProjectFacts per module)."""
    make_project(tmp_path)
    files = [(s, t) for s, t in _texts(tmp_path).items() if s.display.startswith("pkg/m")]
    knowledge, _ = load_knowledge()
    worker = share.ModuleShare(static_rules(ALL_RULES), knowledge, held_text=0)
    worker.parse(files, None)
    assert len(worker.modules) == len(files) == 24
    for position, kept in enumerate(worker.modules):
        assert isinstance(kept, Dropped)
        early = worker.early[position]
        assert early is not None and early[1].asked  # its rules ran, asked, and are kept
        answers, facts = early[1], worker.facts[position]
        for item in (kept, answers, facts):
            assert not hasattr(item, "__dict__")  # slots: no dict per module
        assert isinstance(kept.looked_up, tuple) and isinstance(kept.assumed, tuple)
        # Shared with the listing (the output), the worker's running facts and the knowledge.
        skip = [kept.source, *kept.listing, worker.running, knowledge, *early[0]]
        size = sum(_deep_size(item, skip) for item in (kept, answers, facts))
        assert size < 2_400, (kept.module_name, size)


def test_answers_keep_every_question_and_check_them_as_asked_facts_do() -> None:
    """`Answers` (what a share keeps of its early rules' questions) gives back the questions in
    the order asked, and holds against facts exactly when each answer is the same."""
    from numba_lint.project import ProjectFacts
    from numba_lint.static.asked import AskedFacts
    from numba_lint.static.dropped import Answers

    first = ProjectFacts(field_names=frozenset({"x"}), bindings={"pkg.a": {"f": "plain-function"}})
    asked = AskedFacts(first)
    asked.resolve("pkg.b", "pkg.a.f")
    asked.is_field("x")
    asked.is_registered("helper")
    kept = Answers(asked.asked)
    assert list(kept.asked.items()) == list(asked.asked.items())
    assert kept.answers_hold(first)
    other = ProjectFacts(field_names=frozenset({"x"}), bindings={"pkg.a": {"f": "jitted"}})
    assert not kept.answers_hold(other) and not asked.answers_hold(other)
    assert not kept.answers_hold(ProjectFacts(bindings=first.bindings))  # x no field now
