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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Config
from ..facts import FileFacts
from ..project import module_name
from .surface import Modules, Relation, closure, inverse, references
from .nodes import callees, is_field
from .symbols import Symbols

if TYPE_CHECKING:
    from .graph import Lineage


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
    modules = Modules(symbols.module_of_path)
    imports = {p: frozenset(interned[q] for q in modules.referenced(references(symbols, p)) if q != p)
               for p in files}

    def file_of(node: str) -> str | None:
        if is_field(node):
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
        for callee in callees(data):
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


def with_buffers(outline: Outline, config: Config, buffers: Iterable[FileFacts],
                 modules: Modules | None = None) -> Outline:
    """The outline with the imports of these files (buffers whose text differs from what the
    outline was made of, new files included) read from their own facts. ``modules``: the
    outline's files' :class:`Modules`, when it is kept (a new file makes another)."""
    buffers = list(buffers)
    if not buffers:
        return outline
    if modules is None or any(f.path not in outline.imports for f in buffers):
        modules = Modules({p: module_name(config, p) for p in [*outline.imports, *(f.path for f in buffers)]})
    imports = dict(outline.imports)
    symbols = Symbols(buffers, config)
    for facts in buffers:
        referenced = modules.referenced(references(symbols, facts.path))
        imports[facts.path] = frozenset(q for q in referenced if q != facts.path)
    return Outline(imports, outline.feeds, outline.callers, outline.needed)


def scope(outline: Outline, paths: set[str], importers: Relation | None = None) -> set[str]:
    """The files the findings in ``paths`` depend on (the union of each path's: every closure
    here distributes over a union). ``importers``: the outline's imports the other way, when kept."""
    imports = outline.imports
    if importers is None:
        importers = inverse(imports)
    seeds = paths | closure(imports, paths) | closure(importers, paths)
    found = closure(outline.callers, closure(outline.feeds, seeds)) | outline.needed
    return closure(imports, found)


def _frozen(relation: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in relation.items()}
