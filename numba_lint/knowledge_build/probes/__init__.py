"""The syntax probes: one tiny nopython function per construct, keyed by a stable probe name.

Read by the probe runner (which compiles each with real Numba) and, by name, by the syntax rules
(`Knowledge.syntax[name]`). This package is plain data: it never imports Numba. One module per
family of constructs; `PROBES` keeps their order (exceptions, statements, functions,
expressions), which is the order the runner compiles them in.
"""

from __future__ import annotations

from .exceptions import EXCEPTION_PROBES
from .expressions import EXPRESSION_PROBES
from .functions import FUNCTION_PROBES
from .probe import Probe
from .statements import STATEMENT_PROBES

__all__ = ["PROBES", "PROBES_BY_NAME", "Probe", "builtin_probe"]

PROBES: tuple[Probe, ...] = (
    EXCEPTION_PROBES + STATEMENT_PROBES + FUNCTION_PROBES + EXPRESSION_PROBES
)

PROBES_BY_NAME: dict[str, Probe] = {probe.name: probe for probe in PROBES}


def builtin_probe(name: str) -> Probe:
    """Does nopython typing know the builtin `name` at all? (reference it; call nothing)."""
    return Probe(
        f"builtin:{name}",
        f"""
        @njit
        def probe(a):
            f = {name}
            return a
        """,
    )
