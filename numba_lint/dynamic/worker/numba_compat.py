"""Every Numba internal the dynamic pass touches, imported here once, with the version check.

Worker side only (it imports Numba). Two tiers, so that a Numba release that moves a name costs
speed, not results:
- core: what any trial compile needs (dispatchers, types, errors, the skeleton's eager-compile
  deferral). Missing -> `CORE_PROBLEM`; the worker factory refuses to start and the parent
  reports "dynamic pass skipped" once (exit 2), never one "worker crashed" per module.
- engine: what the typing-only engine (typing_only.py, patches.py) hooks. Missing, or the engine
  failing to import or to pass its self-test -> `engine_problem()`; workers then use Numba's
  full compile and the parent shows one note naming the Numba version.
Worker modules import Numba names from here, never from numba directly.
"""

from __future__ import annotations

import re
from typing import Any

# The oldest Numba the dynamic pass supports (pyproject.toml: numba>=0.59; .ci/run tests it), and
# the newest release it was tested with. Newer releases are used when the engine's imports and
# its self-test pass; otherwise they get the full compile.
OLDEST_SUPPORTED = (0, 59)
NEWEST_TESTED = (0, 68)

CORE_PROBLEM: str | None = None
_ENGINE_IMPORT_PROBLEM: str | None = None


def _release(version: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _spell(release: tuple[int, int]) -> str:
    return ".".join(str(part) for part in release)


def _require(owner: Any, *names: str) -> None:
    """Raise AttributeError naming the first attribute `owner` lacks."""
    for name in names:
        if not hasattr(owner, name):
            where = getattr(owner, "__module__", None) or getattr(owner, "__name__", "?")
            label = getattr(owner, "__name__", type(owner).__name__)
            qualified = label if where == label else f"{where}.{label}"
            raise AttributeError(f"{qualified}.{name} is missing")


def _why(exc: BaseException) -> str:
    """The first line of an error, without the file path an ImportError appends."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r" \((?:/|[A-Za-z]:\\)[^()]*\)$", "", text)


try:
    import numba

    NUMBA_VERSION: str = getattr(numba, "__version__", "unknown")
except ImportError as exc:  # pragma: no cover - numba is a dependency of numba-lint
    NUMBA_VERSION = "not installed"
    CORE_PROBLEM = f"Numba cannot be imported ({_why(exc)})"

# --- core: the trial compile at all -------------------------------------------------------------
if CORE_PROBLEM is None:
    if _release(NUMBA_VERSION) < OLDEST_SUPPORTED:
        CORE_PROBLEM = (
            f"Numba {NUMBA_VERSION} is older than the oldest supported release "
            f"({_spell(OLDEST_SUPPORTED)})"
        )
    try:
        from llvmlite import ir as llvm_ir  # type: ignore[import-untyped]  # noqa: F401
        from numba.core import errors, ir, sigutils, typeinfer, types, utils
        from numba.core.dispatcher import Dispatcher, OmittedArg  # noqa: F401
        from numba.core.registry import cpu_target  # noqa: F401
        from numba.core.typing import signature  # noqa: F401
        from numba.np import numpy_support  # noqa: F401
        from numba.np.numpy_support import from_dtype  # noqa: F401
        from numba.np.ufunc.dufunc import DUFunc  # noqa: F401
        from numba.stencils.stencil import StencilFunc

        _require(errors, "TypingError", "NumbaError", "ForceLiteralArg")
        _require(sigutils, "normalize_signature")
        # skeleton_import.EagerDeferral tells an eager `@njit("sig")` from a callee's compile by it.
        _require(typeinfer, "_temporary_dispatcher_map", "TypeInferer")
        _require(Dispatcher, "compile", "disable_compile", "get_call_template")
        _require(StencilFunc, "get_return_type", "_type_me")
        # warm.py turns it on: the __cause__ chain leads to the failing callee.
        _require(utils, "DEVELOPER_MODE")
        _require(ir, "Assign", "Global", "FreeVar", "Loc")
        _require(types, "Dispatcher", "BaseTuple", "Array")
    except (ImportError, AttributeError) as exc:
        CORE_PROBLEM = CORE_PROBLEM or f"Numba {NUMBA_VERSION}: {_why(exc)}"

# --- engine: the typing-only pipeline and its speed patches --------------------------------------
if CORE_PROBLEM is None:
    try:
        from numba.core import byteflow, interpreter, postproc, ssa, transforms  # noqa: F401
        from numba.core import event as numba_event  # noqa: F401
        from numba.core.base import BaseContext as TargetContext
        from numba.core.compiler import CompilerBase, DefaultPassBuilder  # noqa: F401
        from numba.core.compiler_lock import global_compiler_lock  # noqa: F401
        from numba.core.compiler_machinery import (  # noqa: F401
            AnalysisPass,
            FunctionPass,
            PassManager,
            register_pass,
        )
        from numba.core.errors import WarningsFixer  # type: ignore[attr-defined]  # noqa: F401
        from numba.core.inline_closurecall import InlineClosureCallPass
        from numba.core.ir_utils import (  # noqa: F401
            check_and_legalize_ir,
            enforce_no_dels,
            enforce_no_phis,
        )
        from numba.core.target_extension import get_local_target  # noqa: F401
        from numba.core.typed_passes import (  # noqa: F401
            NopythonRewrites,
            NoPythonSupportedFeatureValidation,
            NopythonTypeInference,
        )
        from numba.core.types.functions import BaseFunction, BoundFunction
        from numba.core.typing import cffi_utils  # noqa: F401
        from numba.core.typing.context import BaseContext
        from numba.core.typing.typeof import typeof_impl  # noqa: F401
        from numba.misc.special import literal_unroll  # noqa: F401
        from numba.stencils.stencil import stencil as numba_stencil  # noqa: F401

        _require(CompilerBase, "define_pipelines")
        _require(DefaultPassBuilder, "define_untyped_pipeline", "define_typed_pipeline")
        _require(PassManager, "run", "add_pass", "finalize", "_runPass", "_ENFORCING")
        _require(numba_event, "_registered")
        _require(postproc.PostProcessor, "run")
        _require(postproc, "VariableLifetime")
        _require(transforms, "with_lifting", "canonicalize_cfg")
        _require(interpreter, "peep_hole_delete_with_exit", "peep_hole_fuse_dict_add_updates")
        _require(BaseFunction, "get_call_type")
        _require(BoundFunction, "get_call_type")
        _require(BaseContext, "resolve_getattr", "insert_attributes")
        _require(BaseContext, "resolve_value_type", "_insert_global", "_remove_global")
        _require(BaseContext, "refresh")
        _require(TargetContext, "refresh")
        _require(typeof_impl, "registry")
        _require(InlineClosureCallPass, "run")
        _require(types, "Module", "ClassInstanceType", "ClassType", "unliteral")
    except (ImportError, AttributeError) as exc:
        _ENGINE_IMPORT_PROBLEM = _why(exc)


def load_extensions() -> None:
    """Run the installed `numba_extensions` entry points now, as Numba does before its first
    compile: in the worker factory, before any fork, so every worker types what they register
    (and the typing-only engine, which skips the dispatcher's hook, too). Numba turns an
    extension that fails into a warning."""
    if CORE_PROBLEM is not None:
        return
    try:
        from numba.core.entrypoints import init_all
    except ImportError:  # pragma: no cover - present in every supported Numba
        return
    init_all()


def supported_range() -> str:
    return f"{_spell(OLDEST_SUPPORTED)} to {_spell(NEWEST_TESTED)}"


def engine_note(problem: str) -> str:
    """The one note a run shows when its workers used the full compile instead of the engine."""
    return (
        f"Numba {NUMBA_VERSION}: the typing-only engine cannot be used ({problem}); trial "
        "compiles used Numba's full compile instead (slower, same findings). numba-lint is "
        f"tested with Numba {supported_range()}"
    )


def engine_problem() -> str | None:
    """Why the typing-only engine cannot be used with the installed Numba, or None.

    Imports it (an internal that changed shape can fail at class definition, not only at a
    missing name) and types one known function: it must leave types and no machine code."""
    if CORE_PROBLEM is not None:
        return CORE_PROBLEM
    if _ENGINE_IMPORT_PROBLEM is not None:
        return _ENGINE_IMPORT_PROBLEM
    try:
        from . import typing_only as engine
    except Exception as exc:  # noqa: BLE001 - any failure means: do not use the engine
        return f"importing it failed: {type(exc).__name__}: {_why(exc)}"
    return _self_test(engine)


def _self_test(engine: Any) -> str | None:
    @numba.njit
    def _probe(x: float) -> float:  # pragma: no cover - typed, never run
        return x + 1.0

    try:
        with engine.typing_only():
            engine.check(_probe, (numba.float64,))
        result = _probe.overloads.get((numba.float64,))
    except Exception as exc:  # noqa: BLE001 - any failure means: do not trust the engine
        return f"its self-test failed: {type(exc).__name__}: {_why(exc)}"
    if not isinstance(result, engine.TypedResult) or result.entry_point is not None:
        return "its self-test left a compiled function behind"
    return None
