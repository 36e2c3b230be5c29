"""What code declares, for every family that asks: ``# privacy: key=...`` on a ``def`` or on the
definition of the data, ``# privacy-defaults: key=...`` on a class (and its enclosing classes) or
as a module's first comment; and where a jurisdiction comes from (the data's own, else the code's
that sends it, else the policy's default), said the same way in every message.
"""

from __future__ import annotations

from ..annotations import Annotation
from ..facts import ClassFact, FileFacts
from ..lineage.graph import Reach, Source, _Fn
from ..lineage.nodes import function_of, is_field
from .base import Context, Declared
from .flows import lineage


def _class_fact(facts: FileFacts, class_name: str) -> ClassFact | None:
    for c in facts.classes:
        if c.qualname == class_name:
            return c
    return None


def _class_at(facts: FileFacts, line: int) -> ClassFact | None:
    """The class that defines the field on ``line``."""
    for c in facts.classes:
        if any(f.span.line == line for f in c.fields):
            return c
    return None


def defaults_value(facts: FileFacts | None, path: str, class_name: str, key: str) -> Declared | None:
    """``key`` as ``# privacy-defaults:`` declare it for code in ``class_name`` (innermost class
    first, then its enclosing classes) of a file, else the module's defaults."""
    if facts is None:
        return None
    owner = class_name
    while owner:
        c = _class_fact(facts, owner)
        if c is not None and c.defaults is not None and c.defaults.get(key):
            return Declared(c.defaults.get(key) or "", f"default of class {c.qualname} at {path}:{c.span.line}")
        owner = owner.rpartition(".")[0]
    d = facts.module_defaults
    if d is not None and d.get(key):
        return Declared(d.get(key) or "", f"module default at {path}:{d.line}")
    return None


def scope_value(ctx: Context, fn: _Fn, key: str, include_def: bool = True) -> Declared | None:
    """``key`` as the code around ``fn`` declares it: the def's own annotation, the enclosing
    class's ``# privacy-defaults:``, the module's ``# privacy-defaults:``."""
    f = fn.fact
    if include_def and f.annotation is not None and f.annotation.get(key):
        return Declared(f.annotation.get(key) or "", f"on def {f.qualname}() at {fn.path}:{f.span.line}")
    return defaults_value(ctx.files.get(fn.path), fn.path, f.class_name, key)


def definition_annotation(ctx: Context, source: Source) -> Annotation | None:
    facts = ctx.files.get(source.path)
    if facts is None:
        return None
    for site in facts.annotations:
        if site.place == "definition" and site.line == source.line and site.annotation.categories:
            return site.annotation
    return None


def source_value(ctx: Context, source: Source, key: str) -> Declared | None:
    """``key`` as the data's definition declares it: on the definition, its class's or module's
    ``# privacy-defaults:``."""
    memo = ctx.source_values
    k = (source.node, key)
    if k not in memo:
        memo[k] = _source_value(ctx, source, key)
    return memo[k]


def _source_value(ctx: Context, source: Source, key: str) -> Declared | None:
    ann = definition_annotation(ctx, source)
    if ann is not None and ann.get(key):
        return Declared(ann.get(key) or "", f"on the definition at {source.path}:{source.line}")
    facts = ctx.files.get(source.path)
    c = _class_at(facts, source.line) if facts is not None and is_field(source.node) else None
    return defaults_value(facts, source.path, c.qualname if c is not None else "", key)


def code_jurisdiction(ctx: Context, path: str, class_name: str = "") -> Declared | None:
    """The jurisdiction the code at ``path`` (inside ``class_name``) declares, or its package maps to."""
    declared = defaults_value(ctx.files.get(path), path, class_name, "jurisdiction")
    if declared is not None:
        return declared
    mapped = lineage(ctx).package_jurisdiction(path)
    if mapped:
        return Declared(mapped, f"package mapping in [tool.lint-privacy.jurisdictions] for {path}")
    return None


def source_jurisdiction(ctx: Context, source: Source) -> Declared | None:
    """The data subjects' jurisdiction the data declares: on its definition, its class's or
    module's defaults, else its package's mapping (the lineage gave the source its value)."""
    if not source.jurisdiction:
        return None
    declared = source_value(ctx, source, "jurisdiction")
    if declared is not None and declared.value == source.jurisdiction:
        return declared
    where = f"package mapping in [tool.lint-privacy.jurisdictions] for {source.path}"
    return Declared(source.jurisdiction, where)


def reach_jurisdiction(ctx: Context, reach: Reach) -> Declared | None:
    """The data subjects' jurisdiction of a flow: the data's own (definition, defaults, package),
    else the jurisdiction of the code that sends it."""
    own = source_jurisdiction(ctx, reach.source)
    if own is not None:
        return own
    fn = lineage(ctx).functions.get(function_of(reach.sink.node))
    return code_jurisdiction(ctx, reach.sink.path, fn.fact.class_name if fn else "")


def or_default(ctx: Context, declared: Declared | None) -> Declared:
    """A declared jurisdiction, else the policy's default one, else none ("")."""
    if declared is not None:
        return declared
    if ctx.policy.default_jurisdiction:
        return Declared(ctx.policy.default_jurisdiction, "the policy's default jurisdiction")
    return Declared("", "no jurisdiction declared")
