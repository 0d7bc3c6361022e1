"""prepare_qualified_names gives every node the qualified names libcst's provider gives it."""

from __future__ import annotations

import textwrap

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider
from libcst.metadata.base_provider import LazyValue

from numba_lint.metadata import prepare_qualified_names

SOURCE = textwrap.dedent("""
    import numpy as np
    import numba as nb
    if FAST:
        from a import b as c
    else:
        from d import e as c

    GLOBAL = [1, 2]

    @nb.njit
    def f(x, y=np.pi):
        total = [v * 2 for v in range(x)]
        c(np.sum(total), GLOBAL)
        def inner(z):
            return z + x
        return inner(len(total)), lambda q: q.real

    class K:
        attr = 1
        def method(self):
            return self.attr + K.attr
    """)


def _value(value: object) -> set:
    return set(value() if isinstance(value, LazyValue) else value)  # type: ignore[arg-type]


def test_same_names_for_every_node() -> None:
    module = cst.parse_module(SOURCE)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(QualifiedNameProvider)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    prepare_qualified_names(wrapper)
    ours = wrapper.resolve(QualifiedNameProvider)
    assert any(_value(v) for v in theirs.values())
    for node, value in theirs.items():
        assert _value(ours.get(node, set())) == _value(value), module.code_for_node(node)
