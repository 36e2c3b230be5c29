"""What other files' lineage can read of a file (its :func:`named_surface`), and which files
read which (:class:`Readers`): the files an edit of one file makes the lineage remake
(:meth:`lineage.graph.Lineage.update`). Also the module index and the relations the editor's
scope (``lineage/scope.py``) is worked out with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import fields, is_dataclass, replace
from typing import Any

from ..facts import ClassFact, FileFacts, FunctionFact
from .symbols import Symbols

Relation = Mapping[str, AbstractSet[str]]  # path -> paths
Surface = dict[str, tuple[object, ...]]  # top-level name -> what other files read of it


class Readers:
    """For each file, the files its names can resolve into (as the outline's ``imports``), kept
    up to date as files change (:meth:`lineage.graph.Lineage.update`); and the other way, the
    files whose lineage can read what a change of a file's names changes."""

    def __init__(self, symbols: Symbols) -> None:
        self._index(symbols)
        self._spellings: dict[str, tuple[FileFacts, frozenset[str]]] = {}  # path -> (facts, spellings)
        self._surfaces: dict[str, tuple[FileFacts, Surface]] = {}  # path -> (facts, surface)

    def _index(self, symbols: Symbols) -> None:
        self.modules = Modules(symbols.module_of_path)
        self.imports = {p: self._of(symbols, p) for p in symbols.module_of_path}
        self.importers = inverse(self.imports)

    def _of(self, symbols: Symbols, path: str) -> frozenset[str]:
        return frozenset(q for q in self.modules.referenced(references(symbols, path)) if q != path)

    def of(self, paths: set[str]) -> set[str]:
        """These files and every file that can resolve a name into them, directly or not."""
        return closure(self.importers, paths)

    def reading(self, symbols: Symbols, changes: dict[str, set[str]]) -> set[str]:
        """The files whose lineage can read what changed when these files' top-level names
        ``changes`` changed (:func:`changed_names`), these files included: a file that binds one
        of the names (an import, through re-exports or not), or spells one through a module or a
        package it binds (``services.helper`` after ``from app import services``). The names of
        such a file that then mean something else (a subclass, a module variable made by a
        call, what a property returns) change in turn."""
        found = set(changes)
        todo = list(changes.items())
        spread: dict[str, set[str]] = {}
        while todo:
            path, names = todo.pop()
            module = symbols.module_of_path[path]
            for reader in self.of({path}) - {path}:
                bound, spelled = _through(symbols, reader, module, names)
                if not bound and not spelled.intersection(self._spelled(symbols, reader)):
                    continue
                found.add(reader)
                meant = bound | {name for name, shape in self.surface(symbols.files[reader]).items()
                                 if spelled & _spellings(shape) or bound & _words(shape)}
                meant -= spread.setdefault(reader, set())
                if meant:
                    spread[reader] |= meant
                    todo.append((reader, meant))
        return found

    def changed_names(self, old: FileFacts, new: FileFacts) -> set[str]:
        """The top-level names whose meaning to other files differs between two versions of a
        file (:func:`named_surface`)."""
        a, b = self.surface(old), self.surface(new)
        return {name for name in a.keys() | b.keys() if a.get(name) != b.get(name)}

    def surface(self, facts: FileFacts) -> Surface:
        """:func:`named_surface`, kept for the facts last asked about of each file."""
        known = self._surfaces.get(facts.path)
        if known is None or known[0] is not facts:
            known = self._surfaces[facts.path] = (facts, named_surface(facts))
        return known[1]

    def _spelled(self, symbols: Symbols, path: str) -> frozenset[str]:
        facts = symbols.files[path]
        known = self._spellings.get(path)
        if known is None or known[0] is not facts:
            known = self._spellings[path] = (facts, _spellings(facts))
        return known[1]

    def replace(self, symbols: Symbols, paths: Iterable[str], modules_changed: bool) -> None:
        """``symbols`` now has these files' new facts; ``modules_changed``: files came or went
        (the modules inside a package change, and what each name resolves into with them)."""
        if modules_changed:
            self._index(symbols)
            return
        for path in paths:
            for q in self.imports.get(path, ()):
                self.importers[q].discard(path)
            self.imports[path] = self._of(symbols, path)
            for q in self.imports[path]:
                self.importers.setdefault(q, set()).add(path)


def _through(symbols: Symbols, reader: str, module: str, names: set[str]) -> tuple[set[str], set[str]]:
    """How ``reader`` can reach the ``names`` of ``module``: its own names bound to one of them
    (imported); and the spellings that reach one through a name it binds to the module or to a
    package holding it (``services.helper``, ``app.loyalty.services.helper``). A re-export is a
    name bound to one of them, whose meaning changes in turn (:meth:`Readers.reading`)."""
    mine = symbols.module_of_path[reader]
    bindings = [*symbols.imports.get(mine, {}).items(),
                *((name, f"{mine}.{name}") for name in symbols.top_names.get(mine, ()))]
    bound: set[str] = set()
    spelled: set[str] = set()
    for local, target in bindings:
        if target.startswith(module + "."):
            if _split_head(target[len(module) + 1:]) in names:
                bound.add(local)
        elif target == module or module.startswith(target + "."):
            spelled.update(f"{local}{module[len(target):]}.{name}" for name in names)
    return bound, spelled


_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _spellings(value: object) -> frozenset[str]:
    """Every dotted name written in a fact (dataclasses, tuples and strings, walked), with each of
    its heads: ``svc.Model.objects.get()`` gives ``svc``, ``svc.Model``, ``svc.Model.objects``, ..."""
    found: set[str] = set()
    for text in _texts(value):
        for dotted in _DOTTED.findall(text):
            at = dotted.find(".")
            while at != -1:
                found.add(dotted[:at])
                at = dotted.find(".", at + 1)
            found.add(dotted)
    return frozenset(found)


def _words(value: object) -> set[str]:
    return {w for text in _texts(value) for w in _WORD.findall(text)}


_WORD = re.compile(r"[A-Za-z_]\w*")


def _texts(value: object) -> Iterator[str]:
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, (tuple, list)):
            todo.extend(item)
        elif is_dataclass(item):
            todo.extend(getattr(item, f.name) for f in fields(item))


def _split_head(spelling: str) -> str:
    return re.split(r"[.(\[]", spelling, maxsplit=1)[0]


def named_surface(facts: FileFacts) -> Surface:
    """What other files' lineage can read of a file, by top-level name: what an imported name is
    bound to, a constant's value, what made a module variable, a class (its bases, decorators,
    fields and methods, without their positions), a function's signature, decorators and the
    calls it returns (a property's value), and the module's variables."""
    found: dict[str, list[object]] = {}
    for i in facts.imports:
        found.setdefault(i.local, []).append(("import", i.module, i.name, i.level))
    for name, value, _ in facts.constants:
        found.setdefault(name, []).append(("constant", value))
    for name, origin in facts.global_origins:
        found.setdefault(name, []).append(("origin", origin))
    for c in facts.classes:
        found.setdefault(c.qualname.partition(".")[0], []).append(_class_shape(c))
    for f in facts.functions:
        if f.qualname == "<module>":
            for name in sorted({local[2:] for edge in f.edges for local in edge if local.startswith("v:")}):
                found.setdefault(name, []).append("variable")
        else:
            found.setdefault(f.qualname.partition(".")[0], []).append(
                (f.qualname, f.class_name, tuple((p.name, p.kind) for p in f.params), f.decorators,
                 tuple(sorted(returned_calls(f)))))
    return {name: tuple(shapes) for name, shapes in found.items()}


def _class_shape(c: ClassFact) -> ClassFact:
    fields = tuple(replace(f, span=None, annotation=_placeless(f.annotation))  # type: ignore[arg-type]
                   for f in c.fields)
    return replace(c, span=None, defaults=_placeless(c.defaults), fields=fields)  # type: ignore[arg-type]


def _placeless(value: Any) -> Any:
    return replace(value, line=0, column=0) if value is not None else None


class Modules:
    """Project modules by name, and the modules inside each package."""

    def __init__(self, module_of_path: Mapping[str, str]) -> None:
        self.paths: dict[str, list[str]] = {}
        self.inside: dict[str, list[str]] = {}
        for path, module in module_of_path.items():
            self.paths.setdefault(module, []).append(path)
            parts = module.split(".")
            for i in range(1, len(parts)):
                self.inside.setdefault(".".join(parts[:i]), []).append(path)

    def referenced(self, names: Iterable[str]) -> set[str]:
        """The files a qualified name can resolve into: its longest module prefix (the module
        whose names ``Symbols.canonical`` looks up), and every module inside it (``pkg.sub.f``
        spelled from ``import pkg``)."""
        found: set[str] = set()
        for name in names:
            found.update(self.inside.get(name, ()))
            head = name
            while head:
                if head in self.paths:
                    found.update(self.paths[head])
                    break
                head = head.rpartition(".")[0]
        return found


def references(symbols: Symbols, path: str) -> Iterator[str]:
    """Qualified names a file's spellings start from: its imports' targets and its own top-level names."""
    module = symbols.module_of_path[path]
    yield from symbols.imports.get(module, {}).values()
    for name in symbols.top_names.get(module, ()):
        yield f"{module}.{name}"


def closure(relation: Mapping[str, Iterable[str]], start: set[str]) -> set[str]:
    found = set(start)
    todo = list(start)
    while todo:
        for q in relation.get(todo.pop(), ()):
            if q not in found:
                found.add(q)
                todo.append(q)
    return found


def inverse(relation: Relation) -> dict[str, set[str]]:
    """The relation the other way."""
    found: dict[str, set[str]] = {}
    for p, qs in relation.items():
        for q in qs:
            found.setdefault(q, set()).add(p)
    return found


def returned_calls(fact: FunctionFact) -> set[str]:
    """The spellings of the calls whose results a function returns, directly or through its
    variables (``conn = Redmine(...)`` in two branches, then ``return conn``)."""
    into: dict[str, list[str]] = {}
    for a, b in fact.edges:
        into.setdefault(b, []).append(a)
    found: set[str] = set()
    seen, todo = {"r"}, ["r"]
    while todo and len(seen) < 64:
        for a in into.get(todo.pop(), ()):
            if a not in seen:
                seen.add(a)
                if a.startswith("c:"):
                    found.add(fact.calls[int(a[2:])].func)
                elif a.startswith("v:"):
                    todo.append(a)
    return found
