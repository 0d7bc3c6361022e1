"""The environment key: which Numba, NumPy, Python and SciPy the knowledge was derived for.

Called by `knowledge.load_knowledge` in the linter process and by the builder. Reads package
metadata only: it must never import Numba, NumPy or SciPy.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from typing import Any

# Modules hidden from a build (comma-separated), so a machine with SciPy can also build the
# knowledge for environments without it. Read by the builder and the probe worker.
HIDE_ENV = "NUMBA_LINT_HIDE_MODULES"


def _version(distribution: str) -> str | None:
    # importlib.metadata is imported here: most runs take the key that `knowledge_key`
    # remembered and never need it.
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _major_minor(version: str | None) -> str | None:
    return ".".join(version.split(".")[:2]) if version else None


def _importable(module: str) -> bool:
    if module in hidden_modules():
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def hidden_modules() -> frozenset[str]:
    return frozenset(filter(None, os.environ.get(HIDE_ENV, "").split(",")))


def numba_extensions() -> list[str]:
    """Installed `numba_extensions` entry points (they can register overloads at refresh)."""
    import importlib.metadata

    found = []
    for entry in importlib.metadata.entry_points(group="numba_extensions"):
        distribution = getattr(entry, "dist", None)
        version = getattr(distribution, "version", None) if distribution else None
        found.append(f"{entry.name}={entry.value}@{version}")
    return sorted(found)


def load_numba_extensions() -> None:
    """Run every `numba_extensions` `init` entry point, as Numba does before its first compile
    (build process only: it imports Numba). Done first, so the registry pass reads what the
    extensions register (rocket-fft's `np.fft`, for one) whatever Numba initialises lazily.
    Numba itself turns an extension that fails into a warning."""
    try:
        from numba.core.entrypoints import init_all
    except ImportError:  # pragma: no cover - present in every supported Numba
        return
    init_all()


def environment_key() -> dict[str, Any]:
    return {
        "numba": _version("numba"),
        "numpy": _major_minor(_version("numpy")),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "scipy": _importable("scipy"),
        "extensions": numba_extensions(),
    }


def key_name(key: dict[str, Any]) -> str:
    """A file-name-safe rendering of the key, e.g. numba-0.68.1_numpy-2.4_py-3.11_scipy."""
    name = (
        f"numba-{key.get('numba')}_numpy-{key.get('numpy')}_py-{key.get('python')}"
        f"_{'scipy' if key.get('scipy') else 'noscipy'}"
    )
    extensions = key.get("extensions") or []
    if extensions:
        digest = hashlib.sha256("\n".join(extensions).encode()).hexdigest()[:10]
        name += f"_ext-{digest}"
    return name


class _Hider:
    """A meta path finder that makes the hidden modules look absent."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r} (hidden by {HIDE_ENV})")
        return None


def install_hider() -> None:
    """Hide the modules named in NUMBA_LINT_HIDE_MODULES from this process (build only)."""
    names = hidden_modules()
    if names:
        sys.meta_path.insert(0, _Hider(names))  # type: ignore[arg-type]


def builder_digest() -> str:
    """Fingerprint of the builder (probe sources and the code that derives the data).

    Stored in every knowledge file; a file with another digest is stale and is not used, so a
    new numba-lint release never reads knowledge built by an older one.
    """
    folder = os.path.dirname(os.path.abspath(__file__))
    probe_folder = os.path.join(folder, "probes")
    probe_files = sorted(
        os.path.join("probes", name) for name in os.listdir(probe_folder) if name.endswith(".py")
    )
    digest = hashlib.sha256()
    for name in (*probe_files, "registry.py", "build.py", "probe_worker.py"):
        with open(os.path.join(folder, name), "rb") as stream:
            digest.update(stream.read().replace(b"\r\n", b"\n"))  # checkouts may use CRLF
    return digest.hexdigest()[:16]
