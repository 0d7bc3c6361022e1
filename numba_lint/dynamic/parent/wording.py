"""How the dynamic pass words what it found in the user's terms: untypable arguments, and Numba's
internal variable names (`$phi14.0.2`, `arg.0`) replaced by the user's expression or a phrase.

Used by locate.py and disagreement.py in the linter's process; never imports Numba.
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from .messages import INTERNAL_NAME
from .source_nodes import SourceNodes, on_line, params_of


def qualified(info: dict[str, Any]) -> str:
    return f"{info['module']}.{info['class']}"


def _one_untypable(info: dict[str, Any], plural: bool = False) -> str:
    container = info.get("container")
    if container:
        return (
            f"{container}s of '{info['class']}' instances"
            if plural
            else f"a {container} of '{info['class']}' instances"
        )
    if plural:
        return f"instances of the plain class '{info['class']}'"
    return f"an instance of the plain class '{info['class']}'"


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def describe_untypable(infos: list[dict[str, Any]]) -> str:
    """`argument 'a' is an instance of the plain class 'P'`, `arguments 'a' and 'b' are ...`,
    `argument 'pts' is a list of 'Point' instances`; arguments in the signature's order."""
    params = [i["param"] for i in infos]
    if len(infos) == 1:
        return f"argument {_names(params)} is {_one_untypable(infos[0])}"
    kinds = {(i.get("container"), i["class"]) for i in infos}
    if len(kinds) == 1:
        return f"arguments {_names(params)} are {_one_untypable(infos[0], plural=True)}"
    each = [f"'{i['param']}' ({_one_untypable(i)})" for i in infos]
    return "arguments " + ", ".join(each[:-1]) + " and " + each[-1]


def code_of(source: SourceNodes, node: cst.CSTNode) -> str:
    if getattr(node, "lpar", None):
        node = node.with_changes(lpar=(), rpar=())  # `(a if c else b)` -> `a if c else b`
    return " ".join(source.wrapper.module.code_for_node(node).split())


def merged_value(source: SourceNodes, line: int) -> str:
    ternaries = on_line(source, line, (cst.IfExp,))
    if ternaries:
        return f"'{code_of(source, ternaries[0])}'"
    return "a value merged from several branches"


def _internal_phrase(name: str, info: dict[str, Any], source: SourceNodes, line: int) -> str | None:
    """What an internal variable stands for, in the user's terms (quoted code), or a plain
    phrase; None for a temporary with nothing better to say."""
    kind = info.get("kind")
    if kind is None:
        if name.startswith("arg."):
            kind = "arg"
        elif "return_value" in name:
            kind = "return"
        elif name.startswith("$phi"):
            kind = "merge"
        elif "load_method" in name or "load_attr" in name:
            kind = "attribute"
    where = int(info.get("line") or line)
    if kind == "arg":
        param = info.get("param")
        if param is None:
            function = source.function_at(line)[0]
            params = params_of(function) if function is not None else []
            index = int(name.split(".")[1])
            param = params[index].name.value if index < len(params) else None
        return f"'{param}'" if param else "an argument"
    if kind == "return":
        return "the returned value"
    if kind == "merge":
        return merged_value(source, where)
    if kind == "attribute":
        attributes = on_line(source, where, (cst.Attribute,))
        wanted = info.get("attr")
        named = [a for a in attributes if wanted is None or a.attr.value == wanted]  # type: ignore[attr-defined]
        if len(named) >= 1 and (wanted is not None or len(named) == 1):
            return f"'{code_of(source, named[0])}'"
        return f"'.{wanted}'" if wanted else "an attribute"
    return None


def user_names(text: str, names: dict[str, dict[str, Any]], source: SourceNodes, line: int) -> str:
    """Numba's internal variable names in `text` -> the user's expression text or a plain
    phrase (`$phi14.0.2` -> the `a if c else b` it merges, `arg.0` -> the parameter's name,
    `$50load_method.8` -> the attribute it loads, `$6return_value.1` -> the returned value)."""
    if not INTERNAL_NAME.search(text):
        return text
    text = text.replace(", defined at None", "").replace(" := <undecided>", "")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        phrase = _internal_phrase(name, names.get(name, {}), source, line)
        return phrase or "a temporary value"

    return INTERNAL_NAME.sub(replace, text)
