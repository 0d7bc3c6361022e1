"""Relative module names -> absolute ones, as Python's import system resolves them.

Shared by the reduction (before libcst), the jit index and the project's bindings.
"""

from __future__ import annotations


def absolute_module_name(name: str, module_name: str, is_package: bool) -> str:
    """`.sub.name` as written in module `module_name` -> `package.sub.name`; absolute names
    pass through. `is_package`: the module is a package's `__init__`."""
    if not name.startswith("."):
        return name
    dots = len(name) - len(name.lstrip("."))
    package = module_name.split(".")
    base = package if is_package else package[:-1]
    base = base[: len(base) - (dots - 1)] if dots > 1 else base
    return ".".join([*base, name.lstrip(".")]).rstrip(".")
