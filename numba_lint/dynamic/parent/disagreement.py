"""A unification failure -> the place that brings in the disagreeing type, a message naming it,
and the other places (`also_at`).

Numba's candidate places (the return statements, or the assignments that meet in one variable,
read by irfacts.py in the worker) are matched to their statements here, then chosen by source
order (messages.choose_disagreeing), never by Numba's iteration order. Used by locate.py in the
linter's process; never imports Numba.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from ..protocol import FailureRecord
from .messages import UNIFY_TARGET, choose_disagreeing, source_order
from .source_nodes import SourceNodes, node_range, on_line, params_of
from .wording import merged_value


def _binds(target: cst.CSTNode, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_binds(element.value, name) for element in target.elements)
    return False


def _site_node(
    source: SourceNodes, kind: str, place: dict[str, Any], same_line: list[dict[str, Any]]
) -> cst.CSTNode | None:
    """The statement (or branch) of a candidate place: a `return`, an assignment to the
    variable, the loop that binds it, or the branch of a conditional expression."""
    line = int(place["line"])
    if place.get("param"):
        # An argument: its parameter in the `def` (Numba's line is the first decorator's).
        for node, where in source.all_positions().items():
            if not isinstance(node, cst.FunctionDef):
                continue
            first = source.position(node.decorators[0]) if node.decorators else where
            if first.start.line == line:
                for param in params_of(node):
                    if param.name.value == place["param"]:
                        return param.name
        return None
    if kind == "return":
        found = on_line(source, line, (cst.Return,))
        return found[0] if found else None
    name = place.get("name", "")
    if name.startswith("$"):
        # A value merged inside one line: the branches of `a if c else b`, in block order.
        ternaries = on_line(source, line, (cst.IfExp,))
        if ternaries:
            order = sorted(same_line, key=source_order)
            branch = order.index(place) if place in order else 0
            ternary = ternaries[0]
            return ternary.body if branch == 0 else ternary.orelse  # type: ignore[attr-defined]
        return None
    for node in on_line(source, line, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For)):
        if isinstance(node, cst.Assign) and any(_binds(t.target, name) for t in node.targets):
            return node
        if isinstance(node, (cst.AnnAssign, cst.AugAssign)) and _binds(node.target, name):
            return node
        if isinstance(node, cst.For) and _binds(node.target, name):
            return node.target
    for node in on_line(source, line, (cst.Name,)):
        if node.value == name:  # type: ignore[attr-defined]
            return node
    return None


def disagreement(
    raw: FailureRecord, source: SourceNodes, message: str
) -> tuple[int, cst.CSTNode | None, str, list[dict[str, int]]] | None:
    """For a unification failure, the place that brings in the disagreeing type (see
    messages.choose_disagreeing), a message naming it and the others (`also_at`)."""
    sites = raw.get("sites")
    kind = sites.get("kind") if sites else None
    found = sites.get("places", []) if sites else []
    places = [dict(p) for p in found if p.get("file") == source.path]
    if kind not in ("return", "variable") or len(places) < 2:
        return None
    nodes: dict[int, cst.CSTNode | None] = {}
    branches: dict[int, list[dict[str, Any]]] = {}
    for place in places:
        if kind == "variable" and place.get("name", "").startswith("$"):
            branches.setdefault(place["line"], []).append(place)
    for place in places:
        node = _site_node(source, kind, place, branches.get(place["line"], []))
        nodes[id(place)] = node
        if node is not None:
            where = source.position(node).start
            place["line"], place["column"] = where.line, where.column + 1
    chosen = choose_disagreeing(places)
    if chosen is None:
        return None
    root, others = chosen
    node = nodes[id(root)]
    said = ", ".join(
        f"{p['type']} "
        + ("on the same line" if p["line"] == root["line"] else f"at line {p['line']}")
        for p in others
    )
    if kind == "return":
        text = f"cannot unify the return types: {root['type']} here, {said}"
    else:
        match = UNIFY_TARGET.search(message)
        target = match.group(1) if match else "?"
        if target.startswith("$"):
            label = merged_value(source, root["line"])
        else:
            label = f"'{target.split('.')[0]}'"
        text = f"cannot unify the types of {label}: {root['type']} here, {said}"
    also = []
    for place in sorted(others, key=source_order):
        other = nodes[id(place)]
        if other is not None:
            start, _ = node_range(source, other)
            also.append({"row": start[0], "column": start[1]})
        else:
            also.append({"row": int(place["line"]), "column": 1})
    return int(root["line"]), node, text, also
