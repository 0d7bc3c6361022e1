"""NB204: calls to Python builtins that nopython mode cannot type.

The registry of the installed Numba (`Knowledge`) says which builtins have a typing;
`call_library.CallRule` resolves the call target.
"""

from __future__ import annotations

import libcst as cst

from .base import Example
from .call_library import CallRule, numba_version


class UntypedBuiltin(CallRule):
    """
    ## What it does
    Flags uses, in jitted code, of builtins that nopython mode cannot type at all: `any`,
    `all`, `reversed`, `id`, `open`, `format`, `frozenset`, `hex`, `super`, `eval` and others
    (the list comes from the installed Numba's registry, confirmed by a probe compile).

    ## Why is this bad?
    Numba has no implementation of these builtins; compilation stops with "Untyped global name
    'any'".

    ## Example

    ## Use instead
    The NumPy equivalent or a loop:

    ## Known limitations
    A name that the module or the function binds itself (a user `any`) is never flagged. The
    uses of one builtin in one jitted function are one finding, which lists the other lines.
    """

    code = "NB204"
    name = "untyped-builtin"
    summary = "builtin that nopython mode cannot type"
    message = "the builtin `{builtin}` is not supported in nopython mode by numba {version}"
    invalid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def has_negative(a):
                return any(a < 0)  # expect: NB204
            """,
            call="has_negative(np.ones(3))",
            numba="fails",
        ),
        Example(
            """
            from numba import njit

            @njit
            def backwards(a):
                out = [0]
                for x in reversed(a):  # expect: NB204
                    out.append(x)
                return out
            """,
            call="backwards([1, 2])",
            numba="fails",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def has_negative(a):
                return any(a < 0)  # expect: NB204
            """,
            call="has_negative(np.ones(3))",
            numba="fails",
            shown=True,
        ),
    )
    valid = (
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def any(a):
                return a.sum() > 0

            @njit
            def has_positive(a):
                return any(a > 0) and np.any(a > 0)
            """,
            call="has_positive(np.ones(3))",
            numba="compiles",
        ),
        Example(
            """
            import numpy as np
            from numba import njit

            @njit
            def has_negative(a):
                return np.any(a < 0)
            """,
            call="has_negative(np.ones(3))",
            numba="compiles",
            shown=True,
        ),
    )

    def visit_Name(self, node: cst.Name) -> None:
        knowledge = self.knowledge
        if knowledge is None or not self.in_nopython():
            return
        if node.value not in knowledge.untyped_builtins:
            return
        builtin = self.builtin_name(node)
        if builtin is None:
            return
        self.report(
            node,
            builtin=node.value,
            version=numba_version(knowledge),
            cause=self.first_finding(node, node.value),
        )
