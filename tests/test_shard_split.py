"""The split of `check --shard I/N` (numba_lint/shard.py, numba_lint/shard_cost.py): every job
computes the same split from the texts alone, the shards are balanced by the estimated cost,
and a generated file of jitted code, small in bytes next to plain files, gets a shard to
itself."""

from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import run_cli

from numba_lint.discover import SourceFile, discover
from numba_lint.shard import Shard, assign, shard_members
from numba_lint.shard_cost import FULL, STATIC, cost, jitted_extent
from numba_lint.source_texts import read_all

JITTED = """import numba


def plain(a, b):
    return (a + b) * 2


@numba.njit(
    "float64(float64)",
)
def jitted(x):
    y = x + 1.0
# a comment at the margin: still the body
    return y * 2


@fast_jit
def aliased(x):
    @numba.njit
    def inner(y):
        return y
    return inner(x)


z = plain(1, 2)
"""


def test_the_estimate_counts_the_marks_of_jitted_bodies_only() -> None:
    # jitted: `=`, `+`, `.` and `*` (4); aliased, its nested function in its body: `.` and
    # two `(` (3). Not the plain function, nor the module's code, nor the decorators.
    assert jitted_extent(JITTED) == (7, 2)
    assert cost(JITTED) == STATIC.jitted_mark * 7
    assert cost(JITTED, FULL) == FULL.jitted_mark * 7 + FULL.jitted_definition * 2
    # A file the prefilter skips costs its syntax scan, however it looks.
    plain = JITTED.replace("numba", "other")
    assert cost(plain) == STATIC.skipped_char * len(plain) > 0


def test_assign_is_deterministic_disjoint_covering_and_balanced() -> None:
    generator = random.Random(13)
    weights = [(f"f{i:03}.py", generator.expovariate(1.0)) for i in range(200)]
    weights += [("big.py", 60.0), ("empty.py", 0.0), ("same-a.py", 1.5), ("same-b.py", 1.5)]
    total = sum(weight for _, weight in weights)
    for count in (1, 2, 3, 5):
        shards = [assign(weights, Shard(i, count)) for i in range(1, count + 1)]
        assert sum(map(len, shards)) == len(weights)
        assert set().union(*shards) == {name for name, _ in weights}
        shuffled = list(weights)
        generator.shuffle(shuffled)
        assert shards == [assign(shuffled, Shard(i, count)) for i in range(1, count + 1)]
        loads = [sum(w for n, w in weights if n in shard) for shard in shards]
        # Greedy, heaviest first: no shard holds more than a fair share and one file beyond.
        assert max(loads) <= total / count + 60.0
        if count == 5:  # big.py (60 of about 260) alone: the others share the rest evenly
            assert next(s for s in shards if "big.py" in s) == {"big.py"}
            rest = [load for load in loads if load != 60.0]
            assert max(rest) - min(rest) < 0.1


def _plain_file(number: int) -> str:
    """A large file that uses numba a little: one small jitted function, much plain code."""
    plain = "".join(
        f"\ndef helper_{number}_{i}(values, scale={i}):\n"
        f"    total = sum(v * scale + {i} for v in values)\n"
        f"    return [total - v for v in values if v > {i}]\n"
        for i in range(600)
    )
    return f"import numba\n\n\n@numba.njit\ndef kernel(x):\n    return x + 1\n{plain}"


def _generated_file() -> str:
    """A smaller file all of jitted code, as a code generator writes it."""
    lines = "".join(f"    y{i} = x * {i}.5 + (y{i - 1} - x) * 0.25\n" for i in range(1, 30))
    functions = "".join(
        f'\n\n@numba.njit("float64(float64)")\ndef eval_{n}(x):\n    y0 = x\n{lines}'
        "    return y29\n"
        for n in range(40)
    )
    return f"import numba\n{functions}"


def test_a_generated_file_of_jitted_code_gets_a_shard_to_itself(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.numba-lint]\n", encoding="utf-8")
    (tmp_path / "generated.py").write_text(_generated_file(), encoding="utf-8")
    for number in range(5):
        (tmp_path / f"plain_{number}.py").write_text(_plain_file(number), encoding="utf-8")
    sources = discover([str(tmp_path)], [], tmp_path).files
    texts = read_all(sources, [])
    names = [source.display for source in sources]
    sizes = [(source.display, float(len(texts[source]))) for source in sources]
    generated = next(name for name in names if name.endswith("generated.py"))
    assert min(size for name, size in sizes if name != generated) > dict(sizes)[generated]
    for count in (2, 3):
        split = [shard_members(names, texts, Shard(i, count)) for i in range(1, count + 1)]
        assert {generated} in split
        # Sizes would have put it with plain files (the smallest file: into the last gap).
        by_size = [assign(sizes, Shard(i, count)) for i in range(1, count + 1)]
        assert {generated} not in by_size
    # The same split whatever order the texts come in, and in the real command: shard 1/2 is
    # the generated file's (the heaviest goes first), shard 2/2 every other file's.
    backwards = {source: texts[source] for source in reversed(list(texts))}
    assert shard_members(names, backwards, Shard(1, 2)) == {generated}
    for index, files in ((1, 1), (2, 5)):
        done = run_cli(
            "check", "--static-only", "--no-cache", "--exit-zero", "--format", "json",
            "--shard", f"{index}/2", ".", cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        output = json.loads(done.stdout)
        assert output["summary"]["files"] == files
        in_generated = {f["filename"] == "generated.py" for f in output["functions"]}
        assert in_generated == {index == 1}


def test_a_notebook_weighs_what_its_modules_do() -> None:
    book = SourceFile(Path("book.ipynb"), "book.ipynb")
    modules = {
        SourceFile(Path("book.ipynb"), "book.ipynb", text=JITTED): JITTED,
        SourceFile(Path("kernels.py"), "book.ipynb[kernels.py]", text=JITTED): JITTED,
        SourceFile(Path("a.py"), "a.py", text=JITTED): JITTED,
        SourceFile(Path("b.py"), "b.py", text=JITTED): JITTED,
    }
    names = [book.display, "a.py", "b.py", "unreadable.py"]
    split = [shard_members(names, modules, Shard(i, 2)) for i in (1, 2)]
    # The notebook weighs its two modules, as much as a.py and b.py together; the unreadable
    # file weighs nothing and is still some shard's (on the tie, the lowest-numbered).
    assert split == [{"book.ipynb", "unreadable.py"}, {"a.py", "b.py"}]
