"""NB306: cache=True on functions that depend on other modules, and the stale cache it warns
about, reproduced with real Numba."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from lint_support import lint_files, rows

KERNELS = """
    import numpy as np
    from numba import njit

    OFFSET = 1.0
    TABLE = np.zeros(3)
    NAME = "kernels"

    @njit(cache=True)
    def scale(x):
        return 2.0 * x

    def plain(x):
        return x
"""


def test_cross_module_functions_and_globals(tmp_path: Path) -> None:
    found = lint_files(
        tmp_path,
        {
            "pkg/__init__.py": "from .kernels import scale\n",
            "pkg/kernels.py": KERNELS,
            "pkg/model.py": """
                import numpy as np
                from numba import njit
                from . import kernels
                from .kernels import OFFSET, TABLE, scale
                from pkg import scale as exported

                LOCAL = 3.0

                @njit(cache=True)
                def local(x):
                    return LOCAL * x

                @njit(cache=True)
                def predict(x):
                    y = scale(x) + OFFSET + TABLE[0] + kernels.scale(x)
                    return y + scale(y) + exported(x) + local(x) + np.sqrt(x)

                @njit
                def uncached(x):
                    return scale(x) + OFFSET
            """,
        },
        ["NB306"],
    )
    # scale (twice on line 15, once more on 16: one finding), OFFSET, TABLE, kernels.scale
    # and the re-export from the package; never the module's own globals or functions.
    assert [(d.location.row, d.location.column) for d in found] == [
        (15, 9),
        (15, 20),
        (15, 29),
        (15, 40),
        (16, 27),
    ]
    assert "also used at line 16" in found[0].message
    assert rows(found) == [("model.py", 15, "NB306")] * 4 + [("model.py", 16, "NB306")]


def test_off_by_default(tmp_path: Path) -> None:
    files = {
        "kernels.py": KERNELS,
        "model.py": """
            from numba import njit
            from kernels import scale

            @njit(cache=True)
            def predict(x):
                return scale(x)
        """,
    }
    assert lint_files(tmp_path, files, ["NB306"], default_selection=True) == []
    assert len(lint_files(tmp_path, files, ["NB306"])) == 1


def _run(folder: Path) -> str:
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(folder / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", "import model; print(model.predict(1.0))"],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_the_cached_caller_really_keeps_the_old_callee(tmp_path: Path) -> None:
    """What the rule's documentation claims, in Numba 0.68.1: after the callee's module
    changes, a new process still runs the caller's cached machine code with the old callee."""
    kernels = tmp_path / "kernels.py"
    kernels.write_text(textwrap.dedent(KERNELS), encoding="utf-8")
    (tmp_path / "model.py").write_text(
        "from numba import njit\nfrom kernels import scale\n\n"
        "@njit(cache=True)\ndef predict(x):\n    return scale(x) + 1.0\n",
        encoding="utf-8",
    )
    assert _run(tmp_path) == "3.0"
    kernels.write_text(kernels.read_text().replace("2.0 * x", "10.0 * x"), encoding="utf-8")
    stamp = kernels.stat().st_mtime + 5
    os.utime(kernels, (stamp, stamp))
    assert _run(tmp_path) == "3.0"  # stale: the new scale would give 11.0
    (tmp_path / "cache").rename(tmp_path / "old-cache")
    assert _run(tmp_path) == "11.0"
