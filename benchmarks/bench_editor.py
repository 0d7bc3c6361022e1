"""The language server through a real LSP client: static diagnostics on change, trial compile on
save with the warm worker factory.

(a) `didChange` -> `publishDiagnostics`, minus the configured debounce, over one-line edits inside
    a function of umap's `layouts.py` (1,104 lines, from the pinned corpus that bench_static.py
    fetches into `benchmarks/.corpus/src`); the whole `umap` package is copied to a temporary
    project, so the module sees its siblings as in a checkout.
(b) `didSave` -> the trial compile's `publishDiagnostics`, for a generated module of 10 lazy
    jitted functions that each have a module-level call site; every save changes the text (so the
    result cache never answers), and the first save (which may still wait for Numba's import in
    the factory the server warms on open) is reported apart.

The client is pytest-lsp's, the one tests/test_server.py drives the server with. Times are taken
when the notification arrives (the client's reader thread), p50 and p95 over all edits/saves.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / ".corpus" / "src"
PACKAGE = Path("umap_learn-0.5.12") / "umap"
MODULE = "layouts.py"
# The edited line, in the middle of the module: a statement of the loop in this function.
FUNCTION = "def _optimize_layout_generic_single_epoch("
EDITED = "            k = tail[i]"
TARGET_CHANGE = 0.050
TARGET_SAVE = 1.0
TIMEOUT = 120.0

LAZY_FUNCTION = """
@njit
def kernel_{n}(values, scale):
    total = 0.0
    for i in range(values.shape[0]):
        total += values[i] * scale + {n}
    return total / max(values.shape[0], 1)
"""


def lazy_module() -> str:
    """10 lazy (signature-less) jitted functions, each called once at module level."""
    parts = ["import numpy as np\nfrom numba import njit\n"]
    parts += [LAZY_FUNCTION.format(n=n) for n in range(10)]
    parts += [f"\nkernel_{n}(np.arange({n + 3}.0), {n}.5)" for n in range(10)]
    return "".join(parts) + "\n"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Editor:
    """One server session and one open document."""

    def __init__(self, client: LanguageClient, path: Path, text: str) -> None:
        self.client, self.uri, self.text, self.version = client, path.as_uri(), text, 1

    async def open(self) -> None:
        future, _ = self.next_publish()
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=self.uri, language_id="python", version=1, text=self.text
                )
            )
        )
        await self.published(future)

    def next_publish(self) -> tuple[Future[Any], list[float]]:
        """A future for the next publishDiagnostics and, filled when it arrives, the time."""
        arrived: list[float] = []
        future = self.client.protocol.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        future.add_done_callback(lambda _: arrived.append(time.perf_counter()))
        return future, arrived

    async def published(self, future: Future[Any], version: int | None = None) -> None:
        """Until a publish for this document (of `version`, when given) has arrived."""
        while True:
            params = await asyncio.wait_for(asyncio.wrap_future(future), TIMEOUT)
            if params.uri == self.uri and (version is None or params.version == version):
                return
            future, _ = self.next_publish()

    async def change_line(self, row: int, new: str) -> float:
        """Replace line `row`; seconds until its diagnostics arrived."""
        self.version += 1
        old = self.text.split("\n")[row]
        lines = self.text.split("\n")
        lines[row] = new
        self.text = "\n".join(lines)
        future, arrived = self.next_publish()
        start = time.perf_counter()
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    lsp.TextDocumentContentChangePartial(
                        range=lsp.Range(lsp.Position(row, 0), lsp.Position(row, len(old))),
                        text=new,
                    )
                ],
            )
        )
        await self.published(future, self.version)
        return arrived[0] - start if arrived else time.perf_counter() - start

    async def save(self, path: Path, text: str) -> float:
        """Replace the whole text, wait for its static diagnostics, write it and save; seconds
        from didSave until the trial compile's diagnostics arrived."""
        self.version += 1
        self.text = text
        future, _ = self.next_publish()
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await self.published(future, self.version)
        path.write_text(text)
        future, arrived = self.next_publish()
        start = time.perf_counter()
        self.client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=self.uri))
        )
        await self.published(future)
        return arrived[0] - start if arrived else time.perf_counter() - start


# The numba-lint checkout the server runs from (--checkout: compare with another one).
SERVER_ROOT = [ROOT]


async def start(project: Path, debounce: float) -> LanguageClient:
    client = pytest_lsp.make_test_lsp_client()
    env = {**os.environ, "PYTHONPATH": str(SERVER_ROOT[0]), "NO_COLOR": "1"}
    # From the project folder (as an editor starts it), so `-m` finds numba-lint on PYTHONPATH.
    await client.start_io(sys.executable, "-m", "numba_lint", "server", env=env, cwd=project)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=project.as_uri(),
            initialization_options={"numba-lint": {"debounce": debounce}},
        )
    )
    return client


def server_cpu(client: LanguageClient) -> float | None:
    """CPU seconds (user + system) the server process has used so far, where /proc tells."""
    process = getattr(client, "_server", None)  # pygls keeps the process it started here
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (AttributeError, OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def bench_changes(project: Path, edits: int, debounce: float) -> list[float]:
    path = project / "umap" / MODULE
    text = path.read_text()
    lines = text.split("\n")
    row = lines.index(EDITED, lines.index(FUNCTION))
    client = await start(project, debounce)
    try:
        editor = Editor(client, path, text)
        await editor.open()
        await editor.change_line(row, EDITED + "  # warm-up")  # the first check's imports
        before = server_cpu(client)
        times = [
            await editor.change_line(row, f"{EDITED[:-1]} + 0 * {n}]") - debounce
            for n in range(1, edits + 1)
        ]
        after = server_cpu(client)
        if before is not None and after is not None:
            # Less noisy than wall time on a loaded machine: what one edit costs the server.
            print(f"(a) server CPU per edit (user + sys): {(after - before) / edits * 1000:.1f} ms")
        return times
    finally:
        await client.shutdown_session()
        await client.stop()


async def bench_saves(project: Path, saves: int) -> tuple[float, list[float]]:
    path = project / "lazy_kernels.py"
    text = lazy_module()
    path.write_text(text)
    client = await start(project, 0.0)
    try:
        editor = Editor(client, path, text)
        await editor.open()
        first = await editor.save(path, text + "# save 0\n")
        times = [await editor.save(path, text + f"# save {n}\n") for n in range(1, saves + 1)]
        messages = [m.message for m in client.log_messages]
        factories = [m for m in messages if "worker factory started" in m]
        print(f"server log: {factories[0] if factories else 'no factory started'}")
        if len(factories) != 1:
            print(f"warning: {len(factories)} worker factories started (expected 1)")
        return first, times
    finally:
        await client.shutdown_session()
        await client.stop()


def report(name: str, values: list[float], target: float) -> None:
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    verdict = "met" if p95 <= target else "missed"
    print(
        f"{name}: n={len(values)} p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms (target p95 <= {target * 1000:.0f} ms: {verdict})"
    )


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="numba-lint-editor-") as folder:
        project = Path(folder)
        (project / "pyproject.toml").write_text("[tool.numba-lint]\n")
        shutil.copytree(args.corpus / PACKAGE, project / "umap")
        cache = project / "cache"  # the result cache of this run only, never the user's
        os.environ["NUMBA_LINT_CACHE_DIR"] = str(cache)
        if "a" in args.parts:
            changes = await bench_changes(project, args.edits, args.debounce)
            report(
                f"(a) change -> diagnostics beyond {args.debounce:g} s debounce",
                changes,
                TARGET_CHANGE,
            )
        if "b" in args.parts:
            first, saves = await bench_saves(project, args.saves)
            print(f"(b) first save after open: {first:.2f} s (waits for the factory's start)")
            report("(b) save -> trial-compile diagnostics, warm worker", saves, TARGET_SAVE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="the pinned corpus (default: %(default)s)"
    )
    parser.add_argument(
        "--edits", type=int, default=50, help="edits timed in part a (default: %(default)s)"
    )
    parser.add_argument(
        "--saves", type=int, default=20, help="saves timed in part b (default: %(default)s)"
    )
    parser.add_argument("--debounce", type=float, default=0.3, help="the server's debounce (s)")
    parser.add_argument("--parts", default="ab", help="'a', 'b' or 'ab' (default)")
    parser.add_argument(
        "--checkout", type=Path, default=ROOT, help="the numba-lint checkout the server runs from"
    )
    args = parser.parse_args()
    SERVER_ROOT[0] = args.checkout.resolve()
    if not (args.corpus / PACKAGE / MODULE).is_file():
        raise SystemExit(f"{args.corpus}: no corpus; run benchmarks/bench_static.py first")
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, server from {SERVER_ROOT[0]}")
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
