"""Spellings of expressions: ``requests.post``, ``Salesforce().Contact.create``.

A spelling names what an expression refers to by the names written in the file; the lineage
stage resolves its first segment through the file's imports. Loops, not recursion.
"""

from __future__ import annotations

import ast
import re

_STOP = re.compile(r"[.(\[]")  # where head() stops
_MAX_PARTS = 256  # a longer chain is no name anyone wrote by hand; spelling it would be quadratic
# An annotation names the class of its instances through these (list[User] holds Users: the
# elements are what attribute reads reach, so a collection is typed by its element).
_TYPING_WRAPPERS = {
    "Optional", "Annotated", "Union", "Mapped", "ClassVar", "Final", "Required", "NotRequired",
    "list", "List", "Sequence", "Iterable", "Iterator", "set", "Set", "frozenset", "FrozenSet",
    "tuple", "Tuple", "QuerySet", "Collection",
}


def spell(node: ast.expr) -> str:
    """``a.b().c`` -> "a.b().c"; a method of a text literal by its type (``", ".join`` ->
    "str.join"); "" when the expression is not a name chain."""
    parts: list[str] = []
    cur: ast.expr = node
    while True:
        if isinstance(cur, ast.Name):
            parts.append(cur.id)
            break
        if isinstance(cur, ast.Attribute):
            parts.append("." + cur.attr)
            cur = cur.value
        elif isinstance(cur, ast.Call):
            parts.append("()")
            cur = cur.func
        elif isinstance(cur, ast.Subscript):
            parts.append("[]")
            cur = cur.value
        elif isinstance(cur, ast.Constant) and isinstance(cur.value, (str, bytes)) and parts:
            parts.append(type(cur.value).__name__)  # "{}: {}".format(a, b) -> str.format
            break
        else:
            return ""
        if len(parts) > _MAX_PARTS:  # no code names a thing 256 steps deep: stay linear on such chains
            return ""
    return "".join(reversed(parts))


def head(spelling: str) -> str:
    """The first name of a spelling: ``a.b().c`` -> ``a``."""
    return _STOP.split(spelling, maxsplit=1)[0]


def type_spelling(node: ast.expr | None) -> str:
    """The class an annotation names, for instance typing: ``Optional[User]`` -> ``User``."""
    cur = node
    while cur is not None:
        if isinstance(cur, ast.Constant) and isinstance(cur.value, str):
            try:
                cur = ast.parse(cur.value, mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return ""
            continue
        if isinstance(cur, ast.BinOp) and isinstance(cur.op, ast.BitOr):
            left = cur.left
            cur = cur.right if isinstance(left, ast.Constant) and left.value is None else left
            continue
        if isinstance(cur, ast.Subscript):
            outer = spell(cur.value).rsplit(".", 1)[-1]
            if outer in _TYPING_WRAPPERS:
                sl = cur.slice
                cur = sl.elts[0] if isinstance(sl, ast.Tuple) and sl.elts else sl
                continue
            return ""
        return spell(cur) if isinstance(cur, (ast.Name, ast.Attribute)) else ""
    return ""
