"""What the installed Numba supports, as plain data the static rules can read.

`load_knowledge()` is called by the pipeline for the static pass: it returns the knowledge for
this environment from the user cache, else from the prebuilt files in `numba_lint/data`, else
builds it with real Numba in a subprocess (`numba_lint.knowledge_build`) and caches it. This
module never imports Numba.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .knowledge_build.environment import builder_digest, environment_key, key_name
from .knowledge_key import environment_key as remembered_environment_key

FORMAT = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
CACHE_ENV = "NUMBA_LINT_CACHE_DIR"
BUILD_TIMEOUT = 600.0


@dataclass(frozen=True)
class CallableInfo:
    """One callable of a module Numba knows (e.g. "numpy.sum")."""

    supported: bool
    # Parameter names Numba's implementation accepts; None when they cannot be derived
    # (ufuncs, intrinsics that parse their arguments in code).
    parameters: tuple[str, ...] | None = None
    # True when the implementation takes **kwargs and so accepts any keyword.
    open_parameters: bool = False
    # The most positional arguments any implementation accepts; None when unknown or unbounded.
    max_positional: int | None = None


@dataclass(frozen=True)
class Knowledge:
    # The environment the data was derived in: numba, numpy, python versions, scipy present.
    key: dict[str, Any]
    # Fully qualified name -> info, for every public callable of the covered modules
    # ("numpy.sum", "math.sqrt", "builtins.len", "numpy.random.normal", "operator.add", ...),
    # supported or not.
    callables: dict[str, CallableInfo] = field(default_factory=dict)
    # The modules whose every public callable was examined (so absence means "unsupported").
    covered_modules: frozenset[str] = frozenset()
    # Every attribute or method name Numba resolves on some type.
    attributes: frozenset[str] = frozenset()
    # Syntax probe name -> True if it compiled in nopython mode (and behaved as in Python).
    syntax: dict[str, bool] = field(default_factory=dict)
    # Covered module -> its public names that are not callables (constants, submodules).
    module_attributes: dict[str, frozenset[str]] = field(default_factory=dict)
    # Top-level modules from which the registry types nothing at all (os, re, pandas, ...).
    unsupported_modules: frozenset[str] = frozenset()
    # Numba type class -> attribute/method names its templates resolve.
    type_attributes: dict[str, frozenset[str]] = field(default_factory=dict)
    # Numba type classes whose attributes are open-ended (records, jitclasses, namedtuples).
    open_attribute_types: frozenset[str] = frozenset()
    # Probe name -> the first informative line of Numba's error, for failed probes.
    probe_errors: dict[str, str] = field(default_factory=dict)
    # Builtins the registry cannot type and whose probe failed with "Untyped global name".
    untyped_builtins: frozenset[str] = frozenset()
    # Where this knowledge was read from (a file path), for `numba-lint knowledge`.
    origin: str = ""

    # ---- questions the rules ask -------------------------------------------------
    def probe(self, name: str) -> bool | None:
        """The probe verdict: True compiled, False failed, None not probed (never guess)."""
        return self.syntax.get(name)

    def covering_module(self, qualified: str) -> str | None:
        """The covered module `qualified` is a direct member of ("numpy.fft.fft" -> numpy.fft)."""
        module, _, name = qualified.rpartition(".")
        return module if module in self.covered_modules and name else None

    def lookup(self, qualified: str) -> CallableInfo | None:
        return self.callables.get(qualified)

    def is_absent(self, qualified: str) -> bool:
        """A direct member of a covered module that the module does not have at all."""
        module = self.covering_module(qualified)
        if module is None or qualified in self.callables:
            return False
        name = qualified.rpartition(".")[2]
        return name not in self.module_attributes.get(module, frozenset())

    def unsupported_module(self, qualified: str) -> str | None:
        """The wholly unsupported top-level module `qualified` belongs to, if any."""
        top = qualified.split(".")[0]
        return top if top in self.unsupported_modules else None

    # ---- (de)serialisation ---------------------------------------------------------
    @classmethod
    def from_json(cls, data: dict[str, Any], origin: str = "") -> Knowledge:
        callables = {
            name: CallableInfo(
                supported=bool(entry.get("supported")),
                parameters=tuple(entry["parameters"])
                if entry.get("parameters") is not None
                else None,
                open_parameters=bool(entry.get("open")),
                max_positional=entry.get("max_positional"),
            )
            for name, entry in data.get("callables", {}).items()
        }
        return cls(
            key=dict(data.get("key", {})),
            callables=callables,
            covered_modules=frozenset(data.get("covered_modules", ())),
            attributes=frozenset(data.get("attributes", ())),
            syntax={k: bool(v) for k, v in data.get("syntax", {}).items()},
            module_attributes={
                k: frozenset(v) for k, v in data.get("module_attributes", {}).items()
            },
            unsupported_modules=frozenset(data.get("unsupported_modules", ())),
            type_attributes={k: frozenset(v) for k, v in data.get("type_attributes", {}).items()},
            open_attribute_types=frozenset(data.get("open_attribute_types", ())),
            probe_errors=dict(data.get("probe_errors", {})),
            untyped_builtins=frozenset(data.get("untyped_builtins", ())),
            origin=origin,
        )


# ---- finding the knowledge for this environment ------------------------------------------
def default_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "numba-lint"


def knowledge_file_name(key: dict[str, Any]) -> str:
    return f"knowledge-{key_name(key)}.json"


# (path, content digest) -> knowledge: an editor server loads the same file on every check.
_LOADED: dict[tuple[str, str], Knowledge] = {}


def _read(path: Path, key: dict[str, Any]) -> Knowledge | None:
    """The knowledge in `path` when it is readable, current, and for exactly `key`."""
    try:
        raw = path.read_bytes()
        memo = (str(path), hashlib.sha256(raw).hexdigest())
        if memo in _LOADED:
            return _LOADED[memo] if _LOADED[memo].key == key else None
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    if data.get("builder") != builder_digest():
        return None  # built by another version of numba-lint's probes or registry pass
    try:
        found = Knowledge.from_json(data, origin=str(path))
    except (TypeError, ValueError, KeyError, AttributeError):
        return None  # damaged: rebuilt or replaced by the shipped file, never a crash
    _LOADED[memo] = found
    return found


def build_into(path: Path, timeout: float = BUILD_TIMEOUT) -> str | None:
    """Derive the knowledge with real Numba in a subprocess into `path`; None or why it failed."""
    import subprocess  # only here: most runs read a knowledge file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the cache folder {path.parent}: {exc.strerror or exc}"
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "numba_lint.knowledge_build", "--output", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return f"the build did not finish in {timeout:.0f} s"
    except OSError as exc:
        return f"the build could not start: {exc}"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        return f"the build failed: {tail[0]}"
    return None


def load_knowledge(
    cache_dir: Path | None = None, build: bool = True
) -> tuple[Knowledge | None, str | None]:
    """The knowledge for this environment and a note for the user (None when nothing to say).

    Order: user cache -> prebuilt file shipped in numba_lint/data -> build in a subprocess and
    cache (only when `build`). Without knowledge the rules that need it stay silent.
    """
    key = remembered_environment_key(cache_dir)
    if key.get("numba") is None:
        return None, "numba is not installed: rules that need knowledge of Numba are off"
    name = knowledge_file_name(key)
    cache = (cache_dir or default_cache_dir()) / name
    for path in (cache, DATA_DIR / name):
        found = _read(path, key)
        if found is not None:
            return found, None
    if not build:
        return None, (
            f"no knowledge for numba {key['numba']} in this environment ({key_name(key)}); "
            "run `numba-lint knowledge --rebuild` to derive it"
        )
    started = time.perf_counter()
    problem = build_into(cache)
    seconds = time.perf_counter() - started
    found = None if problem else _read(cache, key)
    if found is None:
        reason = problem or "the built file does not match this environment"
        return None, (
            f"could not derive knowledge for numba {key['numba']}: {reason}; "
            "rules that need it are off"
        )
    return found, (
        f"derived knowledge for numba {key['numba']} built in {seconds:.1f} s and cached at {cache}"
    )


def rebuild_knowledge(cache_dir: Path | None = None) -> tuple[Knowledge | None, str]:
    """Rebuild the cached knowledge for this environment now (`numba-lint knowledge --rebuild`)."""
    key = environment_key()
    cache = (cache_dir or default_cache_dir()) / knowledge_file_name(key)
    started = time.perf_counter()
    problem = build_into(cache)
    if problem:
        return None, f"could not derive knowledge: {problem}"
    found = _read(cache, key)
    seconds = time.perf_counter() - started
    if found is None:
        return None, "the built file does not match this environment"
    return found, f"derived knowledge built in {seconds:.1f} s and cached at {cache}"


def describe(knowledge: Knowledge) -> str:
    """A short human summary (`numba-lint knowledge`)."""
    supported = sum(1 for info in knowledge.callables.values() if info.supported)
    failing = sorted(name for name, ok in knowledge.syntax.items() if not ok)
    key = ", ".join(f"{k}={v}" for k, v in knowledge.key.items() if k != "extensions")
    lines = [
        f"environment: {key}",
        f"source: {knowledge.origin or '(in memory)'}",
        f"callables: {supported} supported of {len(knowledge.callables)} examined in "
        f"{len(knowledge.covered_modules)} modules",
        f"attribute names: {len(knowledge.attributes)}",
        f"syntax probes: {len(knowledge.syntax) - len(failing)} compile, {len(failing)} fail",
    ]
    lines += [f"  fails: {name}: {knowledge.probe_errors.get(name, '')}" for name in failing]
    return "\n".join(lines)


def knowledge_main(rebuild: bool = False) -> int:
    """`numba-lint knowledge [--rebuild]`: show (or derive again) this environment's knowledge."""
    if rebuild:
        knowledge, note = rebuild_knowledge()
    else:
        knowledge, maybe_note = load_knowledge()
        note = maybe_note or ""
    if note:
        sys.stderr.write(f"numba-lint: {note}\n")
    if knowledge is None:
        return 2
    sys.stdout.write(describe(knowledge) + "\n")
    return 0
