"""Static-only runs in worker processes find exactly what the serial run finds."""

from __future__ import annotations

import textwrap
from pathlib import Path

from numba_lint.config import Config
from numba_lint.pipeline import Options, run
from numba_lint.project import ProjectFacts
from numba_lint.static.share import merge_facts

STANDALONE = """\
from numba import njit


@njit
def total(weights):
    return weights.weight_total
"""
STANDALONE2 = """\
from numba import njit


@njit
def mixed(x):
    return [1, "a"][x]
"""


def make_project(root: Path, modules: int = 24) -> None:
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_jit.py").write_text("import numba\n\nfast_jit = numba.njit(cache=True)\n")
    (package / "helpers.py").write_text("def helper(x):\n    return x\n\nTABLE = [1, 2]\n")
    (package / "broken.py").write_text("def broken(:\n    pass\n")
    # Never names numba: parsed in the second round, where only the project's aliases jit.
    # Imported only by late.py: its bindings are read after the workers' scans.
    (package / "late_helpers.py").write_text("def late_helper(x):\n    return x\n")
    (package / "late.py").write_text(
        "import functools\n\nfrom ._jit import fast_jit\n"
        "from .late_helpers import late_helper\n\n\n"
        "@functools.lru_cache\ndef plain(x):\n    return [1, 'a'][x]\n\n\n"
        "@fast_jit\ndef late(x):\n    return [1, 'a'][x]\n\n\n"
        "@fast_jit\ndef later(x):\n    return late_helper(x)\n"
    )
    # Import no module of the project: their rules run right after their parse, with their
    # own facts only. `weight_total` is a field name only fields.py declares, so the early
    # run of standalone.py reports it (NB101) and must be run again with the merged facts.
    (package / "fields.py").write_text(
        "from numba import float64\nfrom numba.experimental import jitclass\n\n\n"
        "@jitclass([('weight_total', float64)])\nclass Weights:\n"
        "    def __init__(self, total):\n        self.weight_total = total\n"
    )
    (package / "standalone.py").write_text(STANDALONE)
    (package / "standalone2.py").write_text(STANDALONE2)
    for number in range(modules):
        (package / f"m{number}.py").write_text(
            textwrap.dedent(f"""
            from numba import njit, prange

            from ._jit import fast_jit
            from .helpers import TABLE, helper

            def local(x):
                return x

            @fast_jit
            def f{number}(x):
                for i in prange(x):
                    pass
                return helper(x) + local(x) + TABLE[0]  # noqa: NB130

            @njit
            def g{number}(x):
                return [1, "a"][x]
            """).lstrip()
        )


def check(root: Path, jobs: int) -> tuple[list[tuple], int]:
    config = Config(project_root=root, static_only=True, cache=False, jobs=jobs)
    report = run(config, Options(paths=[str(root)]))
    assert not report.errors
    found = [
        (d.filename, d.location.row, d.location.column, d.code, d.message, d.function)
        for d in report.diagnostics
    ]
    return found, report.summary.jit_functions


def test_pool_matches_the_serial_run(tmp_path: Path, monkeypatch) -> None:
    import numba_lint.static.pool as pool

    used = []
    original = pool.ProcessWorkers
    monkeypatch.setattr(
        pool,
        "ProcessWorkers",
        lambda *args, **kwargs: used.append(True) or original(*args, **kwargs),
    )
    make_project(tmp_path)
    serial, serial_count = check(tmp_path, jobs=1)
    assert not used
    pooled, pooled_count = check(tmp_path, jobs=2)
    assert used, "the run with two jobs did not use the worker pool"
    assert pooled == serial
    assert pooled_count == serial_count == 53
    # The second-round module: its jitted functions are checked, the plain one is not.
    assert [row[1:4] for row in serial if row[0].endswith("late.py")] == [
        (14, 12, "NB140"),
        (19, 12, "NB205"),
    ]
    # The early run's NB101 did not survive the merged facts; the other early run stands.
    assert not [row for row in pooled if row[0].endswith("standalone.py")]
    assert [row[1:4] for row in pooled if row[0].endswith("standalone2.py")] == [(6, 12, "NB140")]
    codes = {row[3] for row in serial}
    assert codes == {"NB001", "NB205", "NB302", "NB140"}
    # helper(x) (helpers.py is never parsed, it is read with `ast`) and local(x), in each f;
    # late_helper(x) in late.py.
    assert sum(1 for row in serial if row[3] == "NB205") == 49


def test_early_rules_stand_only_when_the_merged_facts_answer_alike(tmp_path: Path) -> None:
    from numba_lint.checks import ALL_RULES, static_rules
    from numba_lint.discover import SourceFile
    from numba_lint.knowledge import load_knowledge
    from numba_lint.static.share import ModuleShare

    modules = {"standalone": STANDALONE, "standalone2": STANDALONE2, "user": "import standalone\n"}
    files = []
    for name, text in modules.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        files.append((SourceFile(path, path.name), text))
    knowledge, _ = load_knowledge()
    worker = ModuleShare(static_rules(ALL_RULES), knowledge, frozenset(modules))
    worker.parse(files, None)
    # `user` imports a module of the project (and has no jitted code): no early run.
    assert [early is not None for early in worker.early] == [True, True, False]
    early_codes = [[d.code for d in early[0]] for early in worker.early if early]
    assert early_codes == [["NB101"], ["NB140"]]

    facts = worker.index({})
    assert all(early[1].answers_hold(facts) for early in worker.early if early)
    elsewhere = ProjectFacts(field_names=frozenset({"weight_total"}))
    merged = merge_facts([facts, elsewhere])
    assert not worker.early[0][1].answers_hold(merged)
    assert worker.early[1][1].answers_hold(merged)
    diagnostics, functions = worker.rules_pass(merged)
    assert [(d.filename, d.code) for d in diagnostics] == [("standalone2.py", "NB140")]
    assert [(f.filename, f.name) for f in functions] == [
        ("standalone.py", "total"),
        ("standalone2.py", "mixed"),
    ]


def test_one_engine_finds_the_same_whatever_it_keeps_and_wherever_it_runs(
    tmp_path: Path, monkeypatch
) -> None:
    """`static_pass` keeping the whole trees (the default mode: one process, no blanking),
    keeping none in one process (`-j 1`) and in worker processes: the same findings and the
    same listing; only the first hands the indexed modules on."""
    from numba_lint.checks import ALL_RULES
    from numba_lint.discover import SourceFile
    from numba_lint.static import pool
    from numba_lint.static.engine import static_pass

    forked = []
    original = pool.ProcessWorkers
    monkeypatch.setattr(
        pool, "ProcessWorkers", lambda *args: forked.append(args[0]) or original(*args)
    )
    make_project(tmp_path)
    texts = {
        SourceFile(path, str(path.relative_to(tmp_path))): path.read_text()
        for path in sorted(tmp_path.rglob("*.py"))
    }
    runs = {
        "trees": static_pass(texts, ALL_RULES, jobs=2, keep_trees=True),
        "one process": static_pass(texts, ALL_RULES, jobs=1, keep_trees=False),
        "processes": static_pass(texts, ALL_RULES, jobs=2, keep_trees=False),
    }
    found = {
        mode: (
            sorted((d.filename, d.location.row, d.code, d.message) for d in result.diagnostics),
            [(f.filename, f.line, f.name) for f in result.functions],
        )
        for mode, result in runs.items()
    }
    assert forked == [2], "only the last run forks, two workers"
    assert found["trees"] == found["one process"] == found["processes"]
    # Before suppression: the NB130 findings that a noqa comment hides are still there.
    assert {d[2] for d in found["trees"][0]} == {"NB001", "NB130", "NB140", "NB205", "NB302"}
    assert runs["trees"].jit_functions == 53
    indexed = runs["trees"].indexed
    assert sum(len(module.jit_index.functions) for module in indexed) == 53
    # The whole text of every module (the dynamic pass reads function bodies from them).
    assert all(module.parsed.module.code == module.parsed.text for module in indexed)
    assert not runs["one process"].indexed and not runs["processes"].indexed


def test_the_html_report_shows_the_same_files_with_one_job_or_two(tmp_path: Path) -> None:
    """`--format html` keeps the lines of every file with jitted code; the worker processes
    used to hand on no modules, so a two-job run kept only the files with findings."""
    make_project(tmp_path)
    sources = {}
    for jobs in (1, 2):
        config = Config(project_root=tmp_path, static_only=True, cache=False, jobs=jobs)
        report = run(config, Options(paths=[str(tmp_path)], record_types=True))
        sources[jobs] = sorted(report.sources)
    assert sources[1] == sources[2]
    assert str(tmp_path / "pkg" / "fields.py") in sources[2]  # jitted code, no finding
