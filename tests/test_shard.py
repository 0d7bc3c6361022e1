"""`check --shard I/N` and `numba-lint merge`: the shards of a split are disjoint, cover every
file, and their merged outputs are exactly a one-job run's (JSON and SARIF), with the project's
decorator aliases and factories defined in one module and used in others (tests/fixtures/
cross_module, factories) and enough files for the parallel static pass (valid_corpus)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, run_cli

from numba_lint.discover import discover
from numba_lint.shard import Shard, assign, home, parse_shard, shard_members
from numba_lint.source_texts import read_all

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def test_parse_shard_accepts_i_of_n_and_rejects_the_rest() -> None:
    assert parse_shard("2/3") == Shard(2, 3)
    assert parse_shard(" 1 / 1 ") == Shard(1, 1)
    for bad in ("0/2", "3/2", "1/0", "a/b", "1", "-1/2", "1/2/3", ""):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_split_is_disjoint_covering_and_balanced_by_weight() -> None:
    sizes = [(f"f{i}.py", float(w)) for i, w in enumerate([900, 50, 400, 400, 30, 700, 10, 5])]
    for count in (1, 2, 3, 5, 9):
        shards = [assign(sizes, Shard(i, count)) for i in range(1, count + 1)]
        assert sum(len(s) for s in shards) == len(sizes)
        assert set().union(*shards) == {name for name, _ in sizes}
        # The same split whatever order discovery listed the files in.
        assert shards == [
            assign(list(reversed(sizes)), Shard(i, count)) for i in range(1, count + 1)
        ]
    weight = dict(sizes)
    two = [sum(weight[n] for n in assign(sizes, Shard(i, 2))) for i in (1, 2)]
    # Heaviest first, each to the lighter shard: 900+400 and 700+400+50+30+10+5.
    assert two == [1300, 1195]


def test_a_notebook_module_goes_with_its_notebook() -> None:
    assert home("a/book.ipynb[helpers]") == "a/book.ipynb"
    assert home("a/book.ipynb[helpers, cell 3]") == "a/book.ipynb"
    assert home("a/plain.py") == "a/plain.py"


@pytest.mark.parametrize("bad", ["0/2", "3/2", "x"])
def test_a_bad_shard_is_a_usage_error(bad: str) -> None:
    done = run_cli("check", "--static-only", "--shard", bad, "examples")
    assert done.returncode == 2
    assert "--shard" in done.stderr and "Traceback" not in done.stderr


def test_merge_rejects_what_it_cannot_merge(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[1]", encoding="utf-8")
    done = run_cli("merge", str(tmp_path / "a.json"), str(tmp_path / "missing.json"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "neither" in done.stderr


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shards")
    for name in ("cross_module", "factories", "valid_corpus"):
        shutil.copytree(ROOT / "tests" / "fixtures" / name, folder / name)
    shutil.copytree(ROOT / "examples", folder / "examples")
    (folder / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    return folder


def _check(tree: Path, *args: str) -> dict:
    done = run_cli("check", "--no-cache", "--exit-zero", *args, ".", cwd=tree)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _merged(tree: Path, outputs: list[dict], tmp_path: Path, form: str) -> dict:
    paths = []
    for number, output in enumerate(outputs):
        path = tmp_path / f"{form}-{len(outputs)}-{number}.json"
        path.write_text(json.dumps(output), encoding="utf-8")
        paths.append(str(path))
    done = run_cli("merge", "--format", form, *paths, cwd=tree)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _no_seconds(data: dict) -> dict:
    data["summary"].pop("seconds", None)
    return data


@pytest.mark.parametrize("subtree", [".", "cross_module"])
def test_static_shards_merge_into_the_one_run(tree: Path, tmp_path: Path, subtree: str) -> None:
    """'.': enough files for the static worker processes; cross_module alone: the serial pass."""
    where = tree / subtree
    whole = _check(where, "--static-only", "--format", "json")
    assert whole["diagnostics"] and whole["functions"]
    for count in (2, 3):
        shards = [
            _check(where, "--static-only", "--format", "json", "--shard", f"{i}/{count}")
            for i in range(1, count + 1)
        ]
        files = [{d["filename"] for d in s["diagnostics"]} for s in shards]
        assert all(a.isdisjoint(b) for i, a in enumerate(files) for b in files[i + 1 :])
        assert sum(s["summary"]["files"] for s in shards) == whole["summary"]["files"]
        merged = _merged(where, shards, tmp_path, "json")
        assert _no_seconds(merged) == _no_seconds(whole)


def test_sarif_shards_merge_into_the_one_run(tree: Path, tmp_path: Path) -> None:
    whole = _check(tree, "--static-only", "--format", "sarif")
    shards = [
        _check(tree, "--static-only", "--format", "sarif", "--shard", f"{i}/2") for i in (1, 2)
    ]
    merged = _merged(tree, shards, tmp_path, "sarif")
    assert merged["runs"][0]["results"]
    jsonschema.Draft4Validator(SCHEMA).validate(merged)
    assert merged == whole


# A long jitted function in each, so that the alias's module and its user are the two heaviest
# files by the split's estimate (numba_lint/shard_cost.py): the first two files go to shards
# 1 and 2, so the alias is used from another shard's file.
PADDING = (
    '\n\n@numba.njit("float64(float64)")\ndef padded(x):\n'
    + ("    x = (x + 1.0) * 0.5 - (x * 0.25 + x * 0.75) * (x - 2.0) * 1.5\n" * 250)
    + "    return x\n"
)
ALIAS = "import numba\n\nfast = numba.njit\n" + PADDING
USES = """import numba

from pkg._jit import fast


@fast("float64(float64)")
def twice(x):
    return x * 2


@fast("float64(float64)")
def broken(x):
    return x.nope
""" + PADDING.replace("(x - 2.0)", "(x - 3.0)")


@pytest.fixture(scope="module")
def trial_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The determinism fixtures with a package whose decorator alias sits in its heaviest file,
    and the one-job run over it (each shard count below compares its merged shards with it)."""
    where = tmp_path_factory.mktemp("trial-shards") / "tree"
    shutil.copytree(ROOT / "tests" / "fixtures" / "determinism", where)
    (where / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    (where / "pkg").mkdir()
    (where / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (where / "pkg" / "_jit.py").write_text(ALIAS, encoding="utf-8")
    (where / "pkg" / "use.py").write_text(USES, encoding="utf-8")
    whole = _check(where, "--format", "json")
    assert whole["summary"]["dynamically_checked"] == whole["summary"]["jit_functions"] > 2
    assert any(d["filename"] == "pkg/use.py" and d["code"] == "NB101" for d in whole["diagnostics"])
    return where, whole


@pytest.mark.parametrize("count", [2, 3])
def test_trial_compile_shards_merge_into_the_one_run(
    trial_tree: tuple[Path, dict], tmp_path: Path, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trial compile too: each shard compiles only its modules, and a module that imports
    the project's decorator alias from another shard's file is still compiled alike."""
    where, whole = trial_tree
    shards = [
        _check(where, "--format", "json", "--shard", f"{i}/{count}") for i in range(1, count + 1)
    ]
    monkeypatch.chdir(where)  # the display names the command's split saw
    sources = discover(["."], [], where).files
    names, texts = [source.display for source in sources], read_all(sources, [])
    split = [shard_members(names, texts, Shard(i, count), full=True) for i in range(1, count + 1)]
    holder = {name: i for i, names in enumerate(split) for name in names}
    assert holder["pkg/_jit.py"] != holder["pkg/use.py"]
    for output, names in zip(shards, split, strict=True):
        assert {f["filename"] for f in output["functions"]} <= names
    assert _no_seconds(_merged(where, shards, tmp_path, "json")) == _no_seconds(whole)
