"""The language server: LSP requests and notifications -> the same pipeline the CLI runs.

On open and (debounced) change: the static pass on the editor's text, in a thread, never
importing Numba or the user's code. On save: the full pipeline (static + trial compile) on the
saved file, in the warm worker factory the server keeps (warm_worker.py): one compile gives the
diagnostics and hover's types, and a newer save supersedes a running check. Quick fixes add
`# noqa: CODE`. A thin adapter: every decision about findings is the pipeline's.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from .. import __version__
from ..config import Config, ConfigError
from ..diagnostic import Diagnostic
from ..discover import SourceFile
from ..pipeline import Options, run
from . import hover, notebook_sync, notebooks, settings
from .convert import noqa_actions, to_lsp
from .memory import remember_between_checks
from .warm_worker import Factory, SaveCheck, SaveChecks, warm_factory

log = logging.getLogger(__name__)
CONFIGURATION_SECONDS = 5.0


@dataclass(frozen=True)
class Checked:
    """What was published for a document, and the text it was computed from."""

    text: str
    diagnostics: tuple[Diagnostic, ...]


class NumbaLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "numba-lint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            notebook_document_sync=notebooks.SYNC_OPTIONS,
        )
        self.raw_layers: dict[str, dict[str, Any]] = {}
        self.table: dict[str, Any] = {}
        self.options = settings.ServerOptions()
        # Set once the client's workspace/configuration answer (if any) is in: no check runs
        # with settings the user did not ask for.
        self.configured = asyncio.Event()
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.saving: dict[str, asyncio.Task[None]] = {}
        # Findings of the last save (static + trial compile) per document.
        self.saved: dict[str, Checked] = {}
        self.types: dict[str, hover.TypeStore] = {}
        self.warned: set[str] = set()
        self.checks = SaveChecks()
        # The worker factory of the last check (None before the first): a new pid is a restart.
        self.factory: Factory | None = None
        # Static checks are quick and may overlap; trial compiles run one at a time.
        self.static_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="static")
        self.dynamic_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dynamic")
        remember_between_checks()

    # --- settings -----------------------------------------------------------------------

    def set_layer(self, where: str, raw: Any) -> None:
        """Record one source of editor settings; workspace/configuration wins over
        initializationOptions."""
        self.raw_layers[where] = settings.normalise(raw)
        merged: dict[str, Any] = {}
        for layer in ("initializationOptions", "workspace/configuration"):
            merged.update(self.raw_layers.get(layer, {}))
        try:
            self.table, self.options = settings.split(merged)
        except ConfigError as exc:
            self.warn(str(exc))

    def config_for(self, path: Path) -> Config | None:
        try:
            return settings.document_config(path, [("numba-lint editor settings", self.table)])
        except ConfigError as exc:
            self.warn(str(exc))
            try:
                return settings.document_config(path, [])
            except ConfigError as again:
                self.warn(str(again))
                return None

    def can_pull_configuration(self) -> bool:
        capabilities = self.client_capabilities.workspace
        return bool(capabilities is not None and capabilities.configuration)

    async def settled(self) -> None:
        try:
            await asyncio.wait_for(self.configured.wait(), CONFIGURATION_SECONDS)
        except asyncio.TimeoutError:
            self.configured.set()  # a client that never answers gets the defaults

    async def pull_configuration(self) -> None:
        if not self.can_pull_configuration():
            return
        try:
            answer = await self.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=settings.SECTION)])
            )
        except Exception as exc:  # noqa: BLE001 - a client that fails this keeps the defaults
            log.warning("workspace/configuration failed: %s", exc)
            return
        if answer and isinstance(answer[0], dict):
            self.set_layer("workspace/configuration", answer[0])

    def warn(self, message: str) -> None:
        """Tell the user once per distinct problem (checks run on every keystroke)."""
        if message in self.warned:
            return
        self.warned.add(message)
        self.window_show_message(
            lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=f"numba-lint: {message}")
        )

    # --- checking -----------------------------------------------------------------------

    def schedule_static(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._static_later(uri, delay))

    async def _static_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)  # debounce: a newer change cancels this task
        await self.settled()
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        found = await self.static_findings(document_path(document), text)
        if found is None:
            return
        current = self.workspace.get_text_document(uri)
        if current.version != version:
            return  # a newer check is on its way
        saved = self.saved.get(uri)
        if saved is not None and saved.text == text:
            found = list(saved.diagnostics)  # the trial compile's verdict on this very text
        self.publish(uri, text, found, version)

    async def static_findings(self, path: Path, text: str) -> list[Diagnostic] | None:
        """The static pass on `text` as the file `path`, in the static pool; None when the
        file's configuration excludes it, or when the check crashed (reported)."""
        config = self.config_for(path)
        if config is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.static_pool, check_static, path, text, config)
        except Exception:  # noqa: BLE001 - a crash in one check must not end the session
            self.report_crash("static check", path)
            return None

    def schedule_save(self, uri: str) -> None:
        number = self.checks.new_save(uri)  # stops a check of this document that is running
        running = self.saving.get(uri)
        task = asyncio.ensure_future(self._check_saved(uri, number, running))
        self.saving[uri] = task

    async def _check_saved(
        self, uri: str, number: int, previous: asyncio.Task[None] | None
    ) -> None:
        if previous is not None and not previous.done():
            await asyncio.gather(previous, return_exceptions=True)  # superseded: ends at once
        await self.settled()
        if not self.checks.is_current(uri, number):
            return
        document = self.workspace.get_text_document(uri)
        path = document_path(document)
        config = self.config_for(path)
        if config is None or not path.is_file():
            return
        loop = asyncio.get_running_loop()
        try:
            done = await loop.run_in_executor(
                self.dynamic_pool, self.checks.check, uri, number, path, config
            )
        except Exception:  # noqa: BLE001 - a crash in one check must not end the session
            self.report_crash("trial compile", path)
            return
        if done is None:
            self.log_info(f"trial compile of {path.name} superseded by a newer save")
            return
        self.saved_check(uri, path, done)
        if not config.static_only:
            self.keep_warm()  # a factory that died during the check is back for the next save

    def saved_check(self, uri: str, path: Path, done: SaveCheck) -> None:
        """Keep and publish one save's findings and typings (one compile gave both)."""
        self.note_factory(done.factory)
        pid = f"worker factory pid {done.factory.pid}" if done.factory else "static only"
        self.log_info(f"trial compile of {path.name}: {done.seconds:.2f} s ({pid})")
        self.saved[uri] = Checked(done.text, tuple(done.diagnostics))
        if done.types:
            self.types.setdefault(uri, hover.TypeStore()).update(done.types)
        current = self.workspace.get_text_document(uri)
        if current.source == done.text:
            self.publish(uri, done.text, done.diagnostics, current.version)

    def keep_warm(self) -> None:
        """Start the worker factory (Numba imported once) unless it runs, ahead of a save."""
        if not self.options.check_on_save:
            return
        future = asyncio.get_running_loop().run_in_executor(self.dynamic_pool, warm_factory)
        future.add_done_callback(self._warmed)

    def _warmed(self, future: asyncio.Future[Factory | None]) -> None:
        if not future.cancelled() and future.exception() is None:
            self.note_factory(future.result())

    def note_factory(self, factory: Factory | None) -> None:
        if factory is None or factory == self.factory:
            return
        self.factory = factory
        self.log_info(
            f"worker factory started (pid {factory.pid}): "
            f"Numba imported in {factory.startup_seconds:.2f} s"
        )

    def log_info(self, message: str) -> None:
        self.window_log_message(
            lsp.LogMessageParams(type=lsp.MessageType.Info, message=f"numba-lint: {message}")
        )

    def report_crash(self, what: str, path: Path) -> None:
        detail = traceback.format_exc()
        log.error("%s of %s failed:\n%s", what, path, detail)
        self.window_log_message(
            lsp.LogMessageParams(
                type=lsp.MessageType.Error,
                message=f"numba-lint: {what} of {path} failed:\n{detail}",
            )
        )

    def publish(self, uri: str, text: str, found: Any, version: int | None) -> None:
        document = self.workspace.get_text_document(uri)
        lines = text.splitlines()
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri,
                diagnostics=[to_lsp(d, lines, document.position_codec) for d in found],
                version=version,
            )
        )


def document_path(document: TextDocument) -> Path:
    """The file behind a document; an unsaved buffer is checked as if in the working folder."""
    return Path(document.path) if document.path else Path.cwd() / "untitled.py"


def check_static(path: Path, text: str, config: Config) -> list[Diagnostic]:
    source = SourceFile(path=path, display=str(path), text=text)
    report = run(replace(config, static_only=True), Options(stdin_source=source))
    return report.diagnostics


server = NumbaLintServer()


@server.feature(lsp.INITIALIZE)
def initialize(ls: NumbaLintServer, params: lsp.InitializeParams) -> None:
    if params.initialization_options:
        ls.set_layer("initializationOptions", params.initialization_options)
    if not ls.can_pull_configuration():
        ls.configured.set()


@server.feature(lsp.INITIALIZED)
async def initialized(ls: NumbaLintServer, params: lsp.InitializedParams) -> None:
    try:
        await ls.pull_configuration()
    finally:
        ls.configured.set()


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def configuration_changed(ls: NumbaLintServer, params: lsp.DidChangeConfigurationParams):
    if params.settings:
        ls.set_layer("workspace/configuration", params.settings)
    await ls.pull_configuration()
    for uri in list(ls.workspace.text_documents):
        ls.schedule_static(uri, 0)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: NumbaLintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.schedule_static(uri, 0)
    await ls.settled()
    config = ls.config_for(document_path(ls.workspace.get_text_document(uri)))
    if config is not None and not config.static_only:
        ls.keep_warm()  # Numba imported while the user edits, not on the first save


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: NumbaLintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.schedule_static(params.text_document.uri, ls.options.debounce)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
def did_save(ls: NumbaLintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    if ls.options.check_on_save:
        ls.schedule_save(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: NumbaLintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.checks.forget(uri)
    ls.saved.pop(uri, None)
    ls.types.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_did_open(ls: NumbaLintServer, params: lsp.DidOpenNotebookDocumentParams) -> None:
    notebook_sync.schedule(ls, params.notebook_document.uri, 0)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(ls: NumbaLintServer, params: lsp.DidChangeNotebookDocumentParams) -> None:
    notebook_sync.schedule(ls, params.notebook_document.uri, ls.options.debounce)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
async def notebook_did_save(ls: NumbaLintServer, params: lsp.DidSaveNotebookDocumentParams) -> None:
    if ls.options.check_on_save:
        await notebook_sync.check_saved(ls, params.notebook_document.uri)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: NumbaLintServer, params: lsp.DidCloseNotebookDocumentParams) -> None:
    notebook_sync.close(ls, params)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def code_action(ls: NumbaLintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    document = ls.workspace.get_text_document(params.text_document.uri)
    return noqa_actions(
        params.text_document.uri,
        document.lines,
        params.context.diagnostics,
        document.position_codec,
    )


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def on_hover(ls: NumbaLintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    saving = ls.saving.get(uri)
    if saving is not None and not saving.done():
        # A save is being checked: answer from its typing, not the one before.
        await asyncio.gather(saving, return_exceptions=True)
    store = ls.types.get(uri)
    if store is None:
        return None
    document = ls.workspace.get_text_document(uri)
    where = document.position_from_client_units(params.position)
    source = SourceFile(path=document_path(document), display=uri, text=document.source)
    markdown = hover.markdown_at(store, source, where.line, where.character)
    if markdown is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown))
