"""The language server's warm worker factory, driven over stdio by a real LSP client.

One factory (Numba imported once) serves every save; a killed one is replaced; one compile per
save feeds both diagnostics and hover; a newer save stops the check that is running. What the
workers did is seen from outside: the user module imports `compile_counter`, a module outside
the project (so the skeleton imports it whole), which appends the worker's pid to a file, and
the server's window/logMessage lines name the factory's pid.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest_lsp
from conftest import ROOT
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities
from test_server import BAD_LINE, SOURCE, TIMEOUT, diagnostics_for, open_document

COUNTER = """\
import os

with open(os.environ["NUMBA_LINT_TEST_COMPILES"], "a") as log:
    log.write(f"{os.getpid()}\\n")
"""
# Imported whole by the worker (it lies outside the project): announces itself, then hangs
# for 40 s.
SLOW = """\
import os
import time
from pathlib import Path

Path(os.environ["NUMBA_LINT_TEST_COMPILES"] + ".slow-started").write_text(str(os.getpid()))
end = time.monotonic() + 40
while time.monotonic() < end:
    try:  # the skeleton's time limit per statement does not stop it: only a kill does
        time.sleep(0.05)
    except BaseException:
        pass
Path(os.environ["NUMBA_LINT_TEST_COMPILES"] + ".slow-finished").write_text("")
"""
COUNTED = "import compile_counter  # noqa: F401\n" + SOURCE
FACTORY = re.compile(r"worker factory started \(pid (\d+)\)")
CHECKED = re.compile(r"trial compile of kernels\.py: [0-9.]+ s \(worker factory pid (\d+)\)")


@dataclass
class Session:
    client: LanguageClient
    project: Path
    compiles: Path

    def logged(self, pattern: re.Pattern[str]) -> list[str]:
        return [m.group(1) for m in map(pattern.search, self.messages()) if m]

    def messages(self) -> list[str]:
        return [message.message for message in self.client.log_messages]

    async def until_checked(self, count: int) -> None:
        """Until the server has logged `count` finished trial compiles."""

        async def wait() -> None:
            while len(self.logged(CHECKED)) < count:
                await self.client.wait_for_notification(lsp.WINDOW_LOG_MESSAGE)

        await asyncio.wait_for(wait(), TIMEOUT)

    def worker_pids(self) -> list[str]:
        return self.compiles.read_text().split() if self.compiles.exists() else []

    async def save(self, uri: str) -> None:
        self.client.diagnostics.pop(uri, None)
        self.client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )


@asynccontextmanager
async def server(tmp_path: Path) -> AsyncIterator[Session]:
    project, site = tmp_path / "project", tmp_path / "site"
    project.mkdir()
    site.mkdir()
    # No result cache: every save is a real compile.
    (project / "pyproject.toml").write_text("[tool.numba-lint]\ncache = false\n")
    (site / "compile_counter.py").write_text(COUNTER)
    (site / "slow_import.py").write_text(SLOW)
    compiles = tmp_path / "compiles.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(site)]),
        "NO_COLOR": "1",
        "NUMBA_LINT_TEST_COMPILES": str(compiles),
    }
    client = pytest_lsp.make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "numba_lint", "server", env=env)
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=project.as_uri(),
                initialization_options={"numba-lint": {"debounce": 0.05}},
            )
        )
        yield Session(client, project, compiles)
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()  # a failed test must not leave the server behind
        await client.stop()


def confirmed(found: list[lsp.Diagnostic]) -> bool:
    return any(d.data and d.data.get("confirmed") for d in found)


async def test_one_factory_serves_every_save(tmp_path: Path) -> None:
    async with server(tmp_path) as session:
        path = session.project / "kernels.py"
        path.write_text(COUNTED)
        uri = open_document(session.client, path, COUNTED)
        await diagnostics_for(session.client, uri)
        for count in (1, 2, 3):
            await session.save(uri)
            assert confirmed(list(await diagnostics_for(session.client, uri, confirmed)))
            await session.until_checked(count)
        factories = session.logged(FACTORY)
        # Numba was imported once: one factory, and each save's check ran in it.
        assert len(factories) == 1
        assert session.logged(CHECKED) == factories * 3
        # Each check was a fresh worker forked from it (user code never runs in the factory).
        workers = session.worker_pids()
        assert len(set(workers)) == 3 and factories[0] not in workers


async def test_a_killed_factory_is_replaced_and_the_next_save_is_checked(tmp_path: Path) -> None:
    async with server(tmp_path) as session:
        path = session.project / "kernels.py"
        path.write_text(SOURCE)
        uri = open_document(session.client, path, SOURCE)
        await diagnostics_for(session.client, uri)
        await session.save(uri)
        await diagnostics_for(session.client, uri, confirmed)
        await session.until_checked(1)
        (first,) = session.logged(FACTORY)

        os.kill(int(first), signal.SIGKILL)
        await session.save(uri)
        found = await diagnostics_for(session.client, uri, confirmed)
        assert [d.range.start.line for d in found if d.data.get("confirmed")] == [BAD_LINE]
        await session.until_checked(2)
        again = session.logged(FACTORY)
        assert len(again) == 2 and again[1] != first
        assert session.logged(CHECKED)[1] == again[1]


async def test_hover_after_save_uses_the_saves_compile(tmp_path: Path) -> None:
    async with server(tmp_path) as session:
        path = session.project / "kernels.py"
        path.write_text(COUNTED)
        uri = open_document(session.client, path, COUNTED)
        await diagnostics_for(session.client, uri)
        await session.save(uri)
        await diagnostics_for(session.client, uri, confirmed)
        # `s` on `return s` of total(np.ones(3)), one line lower for the import.
        answer = await asyncio.wait_for(
            session.client.text_document_hover_async(
                lsp.HoverParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    position=lsp.Position(18, 11),
                )
            ),
            TIMEOUT,
        )
        assert answer is not None and "s: float64" in answer.contents.value
        # One worker imported the module: no second compile for the types.
        assert len(session.worker_pids()) == 1


async def test_a_newer_save_supersedes_the_running_check(tmp_path: Path) -> None:
    async with server(tmp_path) as session:
        path = session.project / "kernels.py"
        hanging = "import slow_import  # noqa: F401\n" + SOURCE
        path.write_text(hanging)
        uri = open_document(session.client, path, hanging)
        await diagnostics_for(session.client, uri)
        await session.save(uri)
        started = Path(f"{session.compiles}.slow-started")
        while not started.exists() or not started.read_text():  # the worker is in the import
            await asyncio.sleep(0.05)

        path.write_text(SOURCE)
        session.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=SOURCE)],
            )
        )
        saved_at = time.perf_counter()
        await session.save(uri)
        found = await diagnostics_for(session.client, uri, confirmed)
        # The newest text's verdict, well before the hanging import would have ended (40 s).
        assert time.perf_counter() - saved_at < 30
        assert [d.range.start.line for d in found if d.data.get("confirmed")] == [BAD_LINE]
        await session.until_checked(1)
        assert sum("superseded by a newer save" in m for m in session.messages()) == 1
        # The superseded worker was killed (and reaped), not left running.
        assert not Path(f"{session.compiles}.slow-finished").exists()
        assert not Path(f"/proc/{started.read_text()}").exists()
