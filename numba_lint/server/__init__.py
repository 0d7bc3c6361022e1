"""`numba-lint server`: a Language Server over stdin/stdout (pygls), for any LSP-capable editor.

app.py holds the handlers; convert.py the LSP shapes; settings.py the editor settings;
warm_worker.py the trial compile on save in the warm worker factory; hover.py and typeinfo.py
the inferred types shown on hover. The server process never imports Numba or the user's code:
trial compiles and typing run in worker processes forked by the factory.
"""

from __future__ import annotations

import logging
import sys


def serve() -> int:
    """Run the server until the client says `exit`; the exit code for the CLI."""
    try:
        from .app import server
    except ImportError as exc:  # pygls/lsprotocol missing
        sys.stderr.write(
            f"numba-lint: error: the language server needs pygls and lsprotocol ({exc}); "
            "they are dependencies of numba-lint: reinstall it with pip install numba-lint\n"
        )
        return 2
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.WARNING,
        format="numba-lint server: %(levelname)s %(message)s",
    )
    server.start_io()
    return 0


__all__ = ["serve"]
