"""Typed markers in annotations: ``Annotated[str, PersonalData("account_user_data", retention="12mo")]``."""

from __future__ import annotations

import ast

from ..annotations import Annotation, parse_marker
from .spelling import spell


def marker_annotation(annotation: ast.expr | None) -> Annotation | None:
    """The PersonalData(...) inside an ``Annotated[...]`` (also ``Mapped[Annotated[...]]``)."""
    stack = [annotation] if annotation is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Subscript):
            sl = node.slice
            elts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
            if spell(node.value).rsplit(".", 1)[-1] == "Annotated":
                for extra in elts[1:]:
                    if isinstance(extra, ast.Call) and spell(extra.func).rsplit(".", 1)[-1] == "PersonalData":
                        return _from_call(extra)
            stack.extend(e for e in elts if isinstance(e, ast.Subscript))
    return None


def _from_call(call: ast.Call) -> Annotation:
    categories = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else "<not a string>" for a in call.args]
    pairs = [
        (k.arg or "**", k.value.value if isinstance(k.value, ast.Constant) and isinstance(k.value.value, str) else "<not a string>")
        for k in call.keywords
    ]
    return parse_marker(categories, pairs, call.lineno, call.col_offset)
