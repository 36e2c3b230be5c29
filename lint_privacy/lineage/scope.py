"""The files an edited buffer's findings depend on, so that the editor judges only those.

A whole-project judgement records an :class:`Outline` of the project (:func:`outline`): for
each file, the project files its names can resolve into, the files with a lineage edge into it,
and the files that call its functions. For a file whose text differs from disk, :func:`files_for` gives the files to judge with the
buffer so that the file gets the findings a judgement of the whole project with the buffer would
give it (tests/test_editor_scope.py checks this for every file of the examples):

- the file itself, every file its new text's names resolve into (transitively), and every file
  that imports it (transitively: their calls reach its functions, new ones included);
- every file from which data can flow into any of these (lineage edges, transitively): where
  the data of the file's findings comes from and through which functions it goes;
- every caller of any of those, transitively (a consent check in a caller guards the call);
- the files every judgement reads: settings modules (constants naming where sinks send data) and
  the files configuring log shippers (they make each log call a transfer);
- for every file so far, the files its names resolve into (imports, re-exports, submodules).

No finding depends on a file by a field's name alone: an attribute of an object whose class
cannot be told is read as itself (``Lineage`` makes it a source of its own), not as the
same-named fields of other files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Config
from ..facts import FileFacts
from ..project import module_name
from .symbols import Symbols

if TYPE_CHECKING:
    from .graph import Lineage

Relation = Mapping[str, frozenset[str]]  # path -> paths


@dataclass(frozen=True)
class Outline:
    """What a judgement of the whole project says about how its files depend on each other."""

    imports: dict[str, frozenset[str]]  # path -> the files its names can resolve into
    feeds: dict[str, frozenset[str]]  # path -> the files with a lineage edge into it
    callers: dict[str, frozenset[str]]  # path -> the files calling one of its functions
    needed: frozenset[str]  # files every judgement reads: settings, log shipper configuration


def outline(lin: Lineage, configuring: Iterable[str]) -> Outline:
    """The outline of a judged project: its lineage, and the files ``configuring`` its log
    shippers (every judgement reads them)."""
    symbols, files = lin.symbols, lin.files
    interned = {p: p for p in files}  # one string per path: the pickled outline stays small
    modules = _Modules(symbols.module_of_path)
    imports = {p: frozenset(interned[q] for q in modules.referenced(_references(symbols, p)) if q != p) for p in files}

    def file_of(node: str) -> str | None:
        if node.startswith("field|"):
            owner = symbols.classes.get(node[6:].rpartition(".")[0])
            return interned.get(owner[0]) if owner is not None else None
        return interned.get(node.partition("::")[0])

    succ = lin.full._succ
    where = {node: file_of(node) for node in succ}
    feeds: dict[str, set[str]] = {}
    for a, nexts in succ.items():
        fa = where[a]
        for b in nexts:
            fb = where[b]
            if fa is not None and fb is not None and fa != fb:
                feeds.setdefault(fb, set()).add(fa)
    callers: dict[str, set[str]] = {}
    for node, data in lin.full.nodes(data=True):
        callee = data.get("callee")
        if callee:
            caller, called = where[node], file_of(callee)
            if caller is not None and called is not None and caller != called:
                callers.setdefault(called, set()).add(caller)

    needed = {p for p, module in symbols.module_of_path.items()
              if any("settings" in f"{module}.{name}" for name, _, _ in files[p].constants)}
    needed.update(configuring)
    return Outline(imports, _frozen(feeds), _frozen(callers), frozenset(interned[p] for p in needed))


def files_for(outline: Outline, config: Config, facts: FileFacts) -> set[str] | None:
    """The files to judge ``facts`` (a buffer's) with. None when the outline does not know the
    file (a new one): then every file is needed."""
    if facts.path not in outline.imports:
        return None
    return scope(with_buffers(outline, config, [facts]), {facts.path})


def with_buffers(outline: Outline, config: Config, buffers: Iterable[FileFacts]) -> Outline:
    """The outline with the imports of these files (buffers whose text differs from what the
    outline was made of, new files included) read from their own facts."""
    buffers = list(buffers)
    if not buffers:
        return outline
    modules = _Modules({p: module_name(config, p) for p in [*outline.imports, *(f.path for f in buffers)]})
    imports = dict(outline.imports)
    symbols = Symbols(buffers, config)
    for facts in buffers:
        imports[facts.path] = frozenset(q for q in modules.referenced(_references(symbols, facts.path)) if q != facts.path)
    return Outline(imports, outline.feeds, outline.callers, outline.needed)


def scope(outline: Outline, paths: set[str]) -> set[str]:
    """The files the findings in ``paths`` depend on (the union of each path's: every closure
    here distributes over a union)."""
    imports = outline.imports
    seeds = paths | _closure(imports, paths) | _closure(_inverse(imports), paths)
    found = _closure(outline.callers, _closure(outline.feeds, seeds)) | outline.needed
    return _closure(imports, found)


class _Modules:
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


def _references(symbols: Symbols, path: str) -> Iterator[str]:
    """Qualified names a file's spellings start from: its imports' targets and its own top-level names."""
    module = symbols.module_of_path[path]
    yield from symbols.imports.get(module, {}).values()
    for name in symbols.top_names.get(module, ()):
        yield f"{module}.{name}"


def _closure(relation: Mapping[str, Iterable[str]], start: set[str]) -> set[str]:
    found = set(start)
    todo = list(start)
    while todo:
        for q in relation.get(todo.pop(), ()):
            if q not in found:
                found.add(q)
                todo.append(q)
    return found


def _inverse(relation: Relation) -> dict[str, set[str]]:
    inverse: dict[str, set[str]] = {}
    for p, qs in relation.items():
        for q in qs:
            inverse.setdefault(q, set()).add(p)
    return inverse


def _frozen(relation: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in relation.items()}
