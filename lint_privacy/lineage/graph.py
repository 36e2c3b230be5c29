"""The project lineage graph (networkx): personal data from where it is defined or enters,
through assignments, containers, calls and returns across modules, to the calls where it
leaves. Calls into project functions are matched with their returns (summary edges), so data
passed through a shared helper does not leak into every other caller.
"""

from __future__ import annotations

import fnmatch
import re
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..annotations import Annotation, parse_comment
from ..catalog import Kind, SinkSpec
from ..extract.flows import MUTATORS
from ..facts import CallFact, FileFacts, FunctionFact, ParamFact
from .ledger import Ledger, Part
from .nodes import NodeId, field_name, field_node, function_of, is_field, node_id
from .surface import Readers, returned_calls
from .symbols import ClassInfo, Symbols

_INSTANCE_CHAINS = (".objects", ".query", "[]", "()")


class Edge:
    """The kinds of the flow graph's edges (their attribute ``kind``), for every reader of the graph."""

    LOCAL, CALL, RETURN, SUMMARY, FIELD = "local", "call", "return", "summary", "field"


_LOGGER_FACTORY = re.compile(r"(?i)(?:^|\.)\w*logger\(\)$")  # get_logger(), getLogger(), make_logger()
_PROPERTY = frozenset({"property", "cached_property", "functools.cached_property", "django.utils.functional.cached_property"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
# Manager and query methods whose result is rows of the model (Django, SQLAlchemy, Flask-SQLAlchemy).
_QUERYSET_METHODS = frozenset({
    "get", "filter", "exclude", "first", "last", "all", "order_by", "get_or_create", "update_or_create",
    "select_related", "prefetch_related", "only", "defer", "distinct", "annotate", "using", "latest",
    "earliest", "in_bulk", "filter_by", "one", "one_or_none", "scalar", "get_or_404", "first_or_404",
    "restrict", "none", "iterator",
})
# The keywords of a Django manager's writes that are no field of the model.
_ORM_OPTIONS = frozenset({"defaults", "create_defaults"})
# Calls that turn an object into its text: a whole object (a user) goes through them as itself.
_FORMATTERS = frozenset({"str", "repr", "format", "join", "f", "escape"})
_ABSTRACT = frozenset({"abstractmethod", "abc.abstractmethod"})

if TYPE_CHECKING:
    import networkx as nx

    from ..catalog import ArgRef, Catalog, Names
    from ..config import Config
    from ..facts import ArgFact, AttrFact, ClassFact, FieldFact, SourceFact
    from ..policy import Policy


def _digraph() -> nx.DiGraph:
    # networkx costs ~0.1-0.3 s to import: only runs that build a graph pay for it.
    import networkx

    return networkx.DiGraph()


@dataclass(frozen=True)
class Source:
    node: str
    label: str  # "Contact.email", "request.POST['email']", "email (parameter)"
    path: str
    line: int
    categories: tuple[str, ...]  # confirmed or suggested policy categories; () when unannotated
    data_kind: str  # name kind ("email"), "" when unknown
    confidence: str  # "high" (annotated) or "low" (found by name)
    role: str  # "controller" or "processor"
    subject: str
    jurisdiction: str
    # found only by a name where the value is read: "parameter", "variable", "attribute", "key", or
    # "keyword" (a local passed under a keyword naming personal data: Q(email=value))
    local: str = ""
    whole: bool = False  # an object (a user), personal only where it reaches a sink as itself
    by_object: bool = False  # an attribute found by its object's name (``member.name``), not its own


@dataclass(frozen=True)
class Sink:
    node: str
    path: str
    function: str
    call: CallFact
    qualname: str  # resolved callee
    spec: SinkSpec
    constructors: tuple[CallFact, ...]  # calls that made the receiver (regions, hosts)


@dataclass(frozen=True)
class Reach:
    """A source reaching a sink, with the path it takes."""

    source: Source
    sink: Sink
    path: tuple[str, ...]
    pseudonymised: bool


@dataclass(frozen=True)
class Write:
    """A source's data written into a field, with the path it takes to the node written."""

    source: Source
    field: str  # the field's node
    path: tuple[str, ...]  # from the source to the node whose value is written
    pseudonymised: bool
    line: int  # of the write (the constructor's call, the assignment); 0 when not known


@dataclass
class _Fn:
    fid: str
    path: str
    module: str
    fact: FunctionFact
    self_name: str
    class_qual: str
    index: int = 0  # its place among the file's functions (of two of one name, the last at the first's place)


@dataclass
class Lineage:
    symbols: Symbols
    files: dict[str, FileFacts]
    catalog: Catalog
    config: Config
    policy: Policy
    full: nx.DiGraph = field(default_factory=_digraph)
    sources: list[Source] = field(default_factory=list)
    sinks: dict[str, Sink] = field(default_factory=dict)
    functions: dict[str, _Fn] = field(default_factory=dict)  # by id (their order means nothing)
    methods_of: dict[str, list[_Fn]] = field(default_factory=dict)  # class -> its methods
    _module_var_cache: dict[str, set[str]] = field(default_factory=dict)
    _reaches: list[Reach] | None = None
    # Fields of framework models read in the project (field node -> its source; None when annotated `none`)
    model_fields: dict[str, Source | None] = field(default_factory=dict)
    _model_settings: dict[str, str] | None = None  # [tool.lint-privacy.models], and the field names
    _model_attrs: frozenset[str] = frozenset()  # that either it or the catalog's models name
    # What each file put into the graph (lineage/ledger.py), and while recording: the file's part
    # and the key of the next edge (0, path, function index, count).
    ledger: Ledger = field(init=False)
    _part: Part = field(init=False)
    _key: tuple[int, str, int] = (0, "", 0)
    _seq: int = 0
    _sites: dict[str, list[str]] | None = None  # callee -> its calls' nodes, in the build's order
    _by_class: dict[str, list[Source]] = field(default_factory=dict)  # class -> the sources of its fields
    _field_list: list[Source] = field(default_factory=list)  # those, by class
    _readers: Readers | None = None  # which files read each file's names (kept for updates)
    _memo: dict[str, dict[str, object]] = field(default_factory=dict)  # path -> what checks keep of it
    _interfaces: dict[str, list[str]] | None = None  # interface -> the classes implementing it
    _abstracts: dict[str, list[_Fn]] | None = None  # method name -> the project's abstract methods so named
    _classes_named: dict[str, list[str]] | None = None  # lower-case class name -> the project classes so named
    _method_calls: dict[str, list[CallFact]] | None = None  # method name -> the calls so spelled
    _roots: frozenset[str] | None = None  # the top-level names of the project's modules
    _returning: set[str] = field(default_factory=set)  # methods whose returned objects are being found

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.full)

    # ---------------------------------------------------------------- build

    @classmethod
    def build(cls, symbols: Symbols, files: dict[str, FileFacts], catalog: Catalog, config: Config,
              policy: Policy) -> Lineage:
        lin = cls(symbols, files, catalog, config, policy)
        lin._add_files(list(files))
        lin._summaries(None)
        lin.ledger.order()
        lin._assemble()
        lin.ledger.updating = True
        return lin

    def _add_files(self, paths: list[str], old: list[Part] | None = None) -> None:
        """Index the functions of these files, then record what their classes and functions add
        to the graph, file by file in the project's order. ``old``: the parts they had."""
        for path in paths:
            self.ledger.parts[path] = Part(path, self._index(path))
        self._index_functions(paths, old)
        self._field_sources(None if old is None else set(paths))
        for path in paths:
            part = self._part = self.ledger.parts[path]
            if not self.config.is_test(path):  # test code: no source, no sink, no path through it
                for fn in {fn.fid: fn for fn in part.functions}.values():
                    self._key, self._seq = (0, path, fn.index), 0
                    self._function(fn)
            self.ledger.finish(part)

    def _index(self, path: str) -> list[_Fn]:
        module = self.symbols.module_of_path[path]
        found: list[_Fn] = []
        at: dict[str, int] = {}
        for f in self.files[path].functions:
            class_qual = f"{module}.{f.class_name}" if f.class_name else ""
            self_name = ""
            if f.class_name and f.params and "staticmethod" not in f.decorators:
                self_name = f.params[0].name
            fid = f"{path}::{f.qualname}"
            found.append(_Fn(fid, path, module, f, self_name, class_qual, at.setdefault(fid, len(at))))
        return found

    def _index_functions(self, paths: list[str], old: list[Part] | None) -> None:
        """``functions`` and ``methods_of`` with these files' new functions in place of their old
        ones (``old``: the parts they had; None: a build)."""
        parts = self.ledger.parts
        self._abstracts = self._classes_named = self._method_calls = None
        if old is None:
            self.functions, self.methods_of = {}, {}
        for was in old or ():
            for fn in was.functions:
                self.functions.pop(fn.fid, None)
                self.methods_of.pop(fn.class_qual, None)
        for path in paths:
            for fn in parts[path].functions:
                self.functions[fn.fid] = fn
                if fn.class_qual:
                    self.methods_of.setdefault(fn.class_qual, []).append(fn)

    def _assemble(self, old: list[Part] | None = None, remade: Sequence[Part] = ()) -> None:
        """The sources, the model fields and the sinks, as a build finds them: the sources of the
        classes' fields (by class), then what each function finds, in the files' order; a
        framework model's field by its first reader. ``old``: the parts taken out, ``remade``:
        the parts made since (None: a build)."""
        parts = self.ledger.parts
        if old is None:
            self._by_class = {}
        for was in old or ():
            for name, _ in was.fields:
                del self._by_class[name]
        for part in remade if old is not None else parts.values():
            self._by_class.update(part.fields)
        if old is None or any(p.fields for p in (*old, *remade)):
            self._field_list = [s for name in sorted(self._by_class) for s in self._by_class[name]]
        sources: list[Source] = list(self._field_list)
        model_fields: dict[str, Source | None] = {}
        for path in self.files:
            part = parts[path]
            if part.plain is not None:
                sources.extend(part.plain)
                continue
            for fnode, source in part.sources:
                if fnode:  # a framework model's field: its first reader makes its source
                    if fnode in model_fields:
                        continue
                    model_fields[fnode] = source
                if source is not None:
                    sources.append(source)
        self.sources = sources
        self.model_fields = model_fields
        if old is None:
            self.sinks = {s.node: s for path in self.files for s in parts[path].sinks}
        else:  # the order of the sinks means nothing
            for was in old:
                for sink in was.sinks:
                    del self.sinks[sink.node]
            self.sinks.update((s.node, s) for part in remade for s in part.sinks)
        self._reaches = None

    def call_sites(self) -> dict[str, list[str]]:
        """Each project function called, with the nodes of the calls of it (in the build's order)."""
        if self._sites is None:
            sites: dict[str, list[str]] = {}
            for path in self.files:
                for callee, node in self.ledger.parts[path].sites:
                    sites.setdefault(callee, []).append(node)
            self._sites = sites
        return self._sites

    def _resite(self, old: list[Part], remade: list[Part]) -> None:
        """The calls of :meth:`call_sites` with the remade parts' in place of their old ones."""
        if self._sites is None:
            return
        paths = {p.path for p in old} | {p.path for p in remade}
        made: dict[str, list[str]] = {}
        for part in remade:
            for callee, node in part.sites:
                made.setdefault(callee, []).append(node)
        for callee in {c for part in old for c, _ in part.sites} | made.keys():
            kept = [n for n in self._sites.get(callee, ()) if n.partition("::")[0] not in paths]
            both = sorted(kept + made.get(callee, []), key=lambda n: n.partition("::")[0])
            if both:
                self._sites[callee] = both
            else:
                self._sites.pop(callee, None)

    # ---------------------------------------------------------------- update

    def update(self, changed: Mapping[str, FileFacts], gone: Collection[str] = ()) -> bool:
        """Make the graph what a build over the files would make with ``changed`` in place of (or
        added to) theirs and without the files ``gone``, remaking only the parts of the files
        that can read what changed: the changed files, the files that can read one of their
        top-level names whose meaning changed (lineage/surface.py, :meth:`Readers.reading`), and
        for files that come or go every file that can resolve a name into them; then the summary
        edges of the calls of every function that calls theirs, directly or not.

        False when it cannot (a top-level package appears or goes, two files make one module):
        the lineage is then of no use, and a new one must be built."""
        gone = {p for p in gone if p in self.files}
        changed = {p: f for p, f in changed.items() if self.files.get(p) is not f}
        if not changed and not gone:
            return True
        dirty = self._dirty(changed, gone)
        if dirty is None:
            return False
        old = self._remove_parts(dirty)
        for path in gone:
            del self.files[path]
        added = changed.keys() - self.files.keys()
        self.files.update(changed)
        if added:
            self.files = dict(sorted(self.files.items()))
        paths = [p for p in self.files if p in dirty]
        self._add_files(paths, old)
        remade = [self.ledger.parts[p] for p in paths]
        self._resite(old, remade)
        owners = self._callers_closure({fn.fid for part in remade for fn in part.functions})
        for fid in owners:
            self.ledger.drop_summaries(fid)
        self._summaries(owners)
        self.ledger.order()
        self._assemble(old, remade)
        return True

    def _dirty(self, changed: Mapping[str, FileFacts], gone: set[str]) -> set[str] | None:
        """The files whose parts must be remade; the symbols then have the new facts. None when
        the lineage cannot be updated."""
        self.prepare_updates()
        readers = self._readers
        assert readers is not None
        moved = {p for p in changed if p not in self.files} | gone
        names = {p: readers.changed_names(self.files[p], f) for p, f in changed.items() if p not in moved}
        dirty = set(changed) | readers.of(moved)
        roots = self._project_roots()
        symbols = self.symbols
        declared = {d for p in (*changed, *gone) if p in self.files
                    for d in self._declarations(self.files[p])}
        symbols.replace(changed.values(), gone)
        self._interfaces = self._roots = None
        if self._project_roots() != roots or len(symbols.path_of_module) != len(symbols.module_of_path):
            return None  # a package came or went, or two files are one module
        readers.replace(self.symbols, changed, modules_changed=bool(moved))
        dirty |= readers.of(moved - gone)
        dirty |= readers.reading(self.symbols, {p: n for p, n in names.items() if n})
        declared ^= {d for f in changed.values() for d in self._declarations(f)}
        return dirty | self._interface_readers({iface for _, iface in declared})

    def _declarations(self, facts: FileFacts) -> set[tuple[str, str]]:
        """(class, interface) for each interface a file's classes declare they implement
        (``@implementer(IMailer)``, catalog ``implementers``), both qualified."""
        resolve, path, implementers = self.symbols.resolve, facts.path, self.catalog.implementers
        module = self.symbols.module_of_path.get(path, "")
        return {(f"{module}.{c.qualname}", resolve(path, arg)) for c in facts.classes
                for decorator, arg in c.decorator_args if resolve(path, decorator) in implementers}

    def _interface_readers(self, interfaces: set[str]) -> set[str]:
        """The files that can ask a service locator for one of these interfaces (they bind it):
        their calls of its methods reach other implementations now. Every file when one of
        them is no project module's."""
        changes: dict[str, set[str]] = {}
        for iface in interfaces:
            module, _, name = iface.rpartition(".")
            path = self.symbols.path_of_module.get(module)
            if path is None:
                return set(self.files)
            changes.setdefault(path, set()).add(name)
        if not changes or self._readers is None:
            return set()
        return self._readers.reading(self.symbols, changes)

    def prepare_updates(self) -> None:
        """Work out now what the first :meth:`update` needs (which files read each file's names)."""
        if self._readers is None:
            self._readers = Readers(self.symbols)

    def _remove_parts(self, paths: set[str]) -> list[Part]:
        """Take these files' parts out of the graph (and give them, in the files' order), and
        forget what was worked out from them."""
        parts = self.ledger.parts
        old = [parts[p] for p in self.files if p in paths and p in parts]
        for part in old:
            for fn in part.functions:
                self.ledger.drop_summaries(fn.fid)
        for part in old:
            del parts[part.path]
            self.ledger.remove(part)
        for path in paths:
            self._module_var_cache.pop(path, None)
            self._memo.pop(path, None)
        self.symbols.forget(paths)
        return old

    def memo(self, path: str) -> dict[str, object]:
        """A place for what checks work out from one file's part (kept until the part is remade)."""
        return self._memo.setdefault(path, {})

    def functions_of(self, path: str) -> list[_Fn]:
        """The functions of a file, in order (of two of one name, the last)."""
        part = self.ledger.parts.get(path)
        return [self.functions[fid] for fid in dict.fromkeys(fn.fid for fn in part.functions)] if part else []

    # ---- recording ----

    def _add_node(self, node: str, **attrs: object) -> None:
        self.ledger.node(self._part, node, attrs)

    def _found(self, source: Source) -> None:
        self._part.sources.append(("", source))

    def _fn_by_qual(self, qualified: str) -> _Fn | None:
        hit = self.symbols.functions.get(qualified)
        if hit is None:
            return None
        path, fact = hit
        return self.functions.get(f"{path}::{fact.qualname}")

    def _edge(self, a: str, b: str, kind: str, **attrs: object) -> None:
        if a != b:
            self.ledger.edge(self._part, a, b, (*self._key, self._seq), {"kind": kind, **attrs})
            self._seq += 1

    # ---- fields ----

    def field_node(self, class_qual: str, name: str) -> str:
        owner = self.symbols.field_owner(class_qual, name)
        return field_node(f"{(owner[0].qualname if owner else class_qual)}.{name}")

    def _field_sources(self, paths: set[str] | None) -> None:
        """The sources of the fields of the classes of these files (None: every file)."""
        names = self.catalog.names
        for info in self._classes(paths):
            if self.config.is_test(info.path) or names.describes_elsewhere(self.symbols.hierarchy(info.qualname)):
                continue
            self._part = self.ledger.parts[info.path]
            module_defaults = self.files[info.path].module_defaults
            found = []
            for f in info.fact.fields:
                node = field_node(f"{info.qualname}.{f.name}")
                source = self._field_source(info, f, node, names, module_defaults)
                if source is not None:
                    self._add_node(node, kind="field")
                    found.append(source)
            self._part.fields.append((info.qualname, found))

    def _classes(self, paths: set[str] | None) -> list[ClassInfo]:
        """The classes of these files (None: every file), by name."""
        if paths is None:
            return self.symbols.all_classes()
        symbols = self.symbols
        names = {f"{symbols.module_of_path[p]}.{c.qualname}" for p in paths for c in self.files[p].classes}
        infos = [symbols.class_info(q) for q in sorted(names)]
        return [info for info in infos if info is not None and info.path in paths]

    def _field_source(self, info: ClassInfo, f: FieldFact, node: str, names: Names,
                      module_defaults: Annotation | None) -> Source | None:
        ann = f.annotation
        if ann is not None and ann.categories:
            match = names.classify(f.name)
            return self._source(node, f"{info.fact.qualname}.{f.name}", info.path, f.span.line, ann,
                                (info.fact.defaults, module_defaults), match.kind if match else "", "high")
        kind = self._named_kind(info, f) if ann is None else None
        if kind is None:
            return None
        return self._source(node, f"{info.fact.qualname}.{f.name}", info.path, f.span.line, None,
                            (info.fact.defaults, module_defaults), kind.id, "low")

    def _named_kind(self, info: ClassInfo, f: FieldFact) -> Kind | None:
        return named_kind(self.catalog, self.files[info.path], info.fact, f)

    def _local_kind(self, name: str) -> Kind | None:
        names = self.catalog.names
        return names.local_kind(name) or names.object_kind(name)

    def _local_source(self, node: str, label: str, fn: _Fn, line: int, kind: Kind, local: str,
                      confidence: str = "low", by_object: bool = False) -> None:
        source = self._source(node, label, fn.path, line, None, (self.files[fn.path].module_defaults,), kind.id,
                              confidence)
        self._found(replace(source, local=local, whole=kind.whole, by_object=by_object))

    def _source(self, node: str, label: str, path: str, line: int, ann: Annotation | None,
                defaults: tuple[Annotation | None, ...], kind: str, confidence: str) -> Source:
        anns = [a for a in (ann, *defaults) if a is not None]

        def pick(key: str) -> str:
            for a in anns:
                if a.get(key):
                    return a.get(key) or ""
            return ""

        categories = ann.categories if ann is not None else ()
        role = pick("role")
        if not role:
            cats = [self.policy.categories.get(c) for c in categories]
            role = "processor" if cats and all(c is not None and c.role == "processor" for c in cats) else "controller"
        jurisdiction = pick("jurisdiction") or self.package_jurisdiction(path)
        return Source(node, label, path, line, categories, kind, confidence, role, pick("subject"), jurisdiction)

    def package_jurisdiction(self, path: str) -> str:
        """The jurisdiction ``[tool.lint-privacy.jurisdictions]`` maps a file's package to, or ""."""
        module = self.symbols.module_of_path.get(path, "")
        for prefix, j in self.config.jurisdictions:
            if module == prefix or module.startswith(prefix + "."):
                return j
        return ""

    # ---- one function ----

    def _node(self, fn: _Fn, local: str) -> str | None:
        """The graph node of a local id; None for names that are not project data."""
        kind = local[:2]
        if kind == "g:":
            return self._global(fn.path, local[2:])
        if kind == "o:":  # a name of an enclosing function: any of its versions (v:NAME*)
            owner, _, name = local[2:].partition("|")
            return node_id(f"{fn.path}::{owner}", f"v:{name}*")
        if fn.fact.qualname == "<module>" and kind == "v:":
            return node_id(f"{fn.path}::<module>", local)
        return node_id(fn.fid, local)

    def _global(self, path: str, name: str) -> str | None:
        module = self.symbols.module_of_path[path]
        if name in self._module_vars(path):
            return node_id(f"{path}::<module>", f"v:{name}")
        target = self.symbols.imports.get(module, {}).get(name)
        if target:
            target = self.symbols.canonical(target)
            mod, _, var = target.rpartition(".")
            other = self.symbols.path_of_module.get(mod)
            if other and var in self._module_vars(other):
                return node_id(f"{other}::<module>", f"v:{var}")
        return None

    def _module_vars(self, path: str) -> set[str]:
        cache = self._module_var_cache
        if path not in cache:
            found: set[str] = set()
            for f in self.files[path].functions:
                if f.qualname == "<module>":
                    for a, b in f.edges:
                        for local in (a, b):
                            if local.startswith("v:"):
                                found.add(local[2:])
            cache[path] = found
        return cache[path]

    def _function(self, fn: _Fn) -> None:
        f = fn.fact
        plain = set(f.plain)
        for a, b in f.edges:
            if b.startswith("s:") and self._clean_key(f.sources[int(b[2:])]):
                continue  # order["status"] carries none of the order's personal data
            if b in plain:
                continue  # `x = ...  # privacy: none`
            na, nb = self._node(fn, a), self._node(fn, b)
            if na and nb:
                self._edge(na, nb, Edge.LOCAL)
        self._params(fn)
        if f.qualname != "<module>":
            self._variables(fn, plain)
        else:
            self._callbacks(fn)
        self._read_sources(fn)
        self._keyed_evidence(fn, plain)
        for i, attr in enumerate(f.attrs):
            self._attr_read(fn, i, attr)
        for recv, stored, nodes, holder, line in f.attr_stores:
            target = self._attr_target(fn, recv, stored)
            into, kind = target, Edge.FIELD  # a project class's field
            if target is None and holder and self._vendor_object(fn, recv):
                # An object of a vendor's SDK, built to be sent (request properties given
                # `props.user = user.email`): it holds the value. Not any object: a reply made
                # by hand (`response.request = req`) is no request.
                into, kind = self._node(fn, holder), Edge.LOCAL
            if into:
                for n in nodes:
                    src = self._node(fn, n)
                    if src:
                        self._edge(src, into, kind, line=line)
        for i, call in enumerate(f.calls):
            self._call(fn, i, call)
        self._overriding(fn)

    def _params(self, fn: _Fn) -> None:
        f = fn.fact
        defaults = (self.files[fn.path].module_defaults,)
        for p in f.params:
            node = node_id(fn.fid, f"p:{p.name}")
            self._add_node(node)
            if p.annotation is not None and p.annotation.categories:
                self._found(self._source(node, f"{p.name} (parameter of {f.qualname})", fn.path, p.line,
                                         p.annotation, defaults, "", "high"))
            elif p.annotation is None and p.name != fn.self_name and (kind := self._local_kind(p.name)):
                self._local_source(node, f"{p.name} (parameter of {f.qualname})", fn, p.line, kind,
                                   "parameter")

    def _callbacks(self, module: _Fn) -> None:
        """A setting listing the functions a framework calls with a person's data (the catalog's
        ``callbacks``: ``SOCIAL_AUTH_PIPELINE``): the parameters of each project function it
        names are sources of what the framework gives them."""
        names = self.catalog.names
        for setting, texts, _ in self.files[module.path].text_lists:
            params = names.callbacks.get(setting, {})
            targets = [self._fn_by_qual(self.symbols.canonical(text)) for text in texts] if params else []
            for target in (t for t in targets if t is not None):
                for p in target.fact.params:
                    kind = params.get(p.name)
                    if kind is not None and p.annotation is None:
                        label = f"{p.name} (parameter of {target.fact.qualname}, given by {setting})"
                        self._local_source(node_id(target.fid, f"p:{p.name}"), label, target, p.line,
                                           names.kinds[kind], "parameter",
                                           confidence="high")  # the framework's contract, not a name

    def _variables(self, fn: _Fn, plain: set[str]) -> None:
        """Each assigned version of a variable (v:NAME, v:NAME#2), not the joins (v:NAME~3,
        v:NAME*), and only when it is given data that is no constant and no configuration."""
        f = fn.fact
        given: dict[str, bool] = {}
        for a, b in f.edges:
            if b.startswith("v:") and not given.get(b) and b not in plain:
                given[b] = not self._configuration(fn, a)
        for version in sorted(v for v, data in given.items() if data):
            name = version[2:].partition("#")[0]
            if "~" not in name and not name.endswith("*") and (kind := self._local_kind(name)):
                self._local_source(node_id(fn.fid, version), f"{name} (variable of {f.qualname})", fn,
                                   f.span.line, kind, "variable")

    def _read_sources(self, fn: _Fn) -> None:
        """Request input, constant-key reads and annotated variables."""
        defaults = (self.files[fn.path].module_defaults,)
        names = self.catalog.names
        for i, s in enumerate(fn.fact.sources):
            node = node_id(fn.fid, f"s:{i}")
            self._add_node(node)
            if s.kind == "key":
                if not self.catalog.is_settings(s.container) and (kind := names.local_kind(s.key, key=True)):
                    self._local_source(node, f"{s.container}['{s.key}']", fn, s.line, kind, "key")
            elif s.kind == "request":
                if (kind := names.personal_kind(s.key)) is not None:
                    self._found(self._source(node, f"{s.container}['{s.key}']", fn.path, s.line, None,
                                             defaults, kind.id, "low"))
            elif s.annotation is not None:
                self._found(self._source(node, f"{s.key} (variable)", fn.path, s.line, s.annotation,
                                         defaults, "", "high"))

    def _keyed_evidence(self, fn: _Fn, plain: set[str]) -> None:
        """``{"username": actor}``: a variable or parameter put under a dict key that names
        personal data holds that data (the key is the name evidence, as a keyword is in
        :meth:`_keyword_evidence`); not a constant (``{"email": ADMIN}``), nor a variable given
        only configuration (``admin = settings.ADMIN_USER``), nor one named as data of its own."""
        names = self.catalog.names
        for key, local, line in fn.fact.keyed:
            name = _local_name(local)
            if name.isupper() or local in plain or names.local_kind(name) is not None \
                    or self._configured(fn, local) or (kind := names.local_kind(key, key=True)) is None:
                continue
            node = self._node(fn, local)
            if node is not None:
                self._local_source(node, f"{name} (stored under '{key}')", fn, line, kind, "keyword")

    def _configured(self, fn: _Fn, local: str) -> bool:
        """Whether a variable's version is given configuration only (``x = settings.ADMIN_USER``)."""
        given = _given(fn, local)
        return bool(given) and all(self._configuration(fn, a) for a in given)

    def instance_class(self, path: str, spelling: str) -> str | None:
        """The project class whose instance a spelling denotes (``User.objects.get()``, ``User()``)."""
        qualified = self.symbols.resolve(path, spelling)
        cut = len(qualified)
        for marker in _INSTANCE_CHAINS:
            i = qualified.find(marker)
            if i != -1:
                cut = min(cut, i)
        if cut == len(qualified):
            return None
        prefix, rest = qualified[:cut], qualified[cut:]
        if rest.startswith("()") and rest not in ("()", "()[]"):
            return None  # Service().get_users()[]: what a method returns, not the instance
        return prefix if prefix in self.symbols.classes else None

    def _attr_target(self, fn: _Fn, recv: str, attr: str) -> str | None:
        if fn.self_name and recv == fn.self_name and fn.class_qual:
            return self.field_node(fn.class_qual, attr)
        cls = self.instance_class(fn.path, recv)
        return self.field_node(cls, attr) if cls else None

    def _vendor_object(self, fn: _Fn, spelling: str) -> bool:
        """Whether a receiver is an object of a vendor's SDK (``ClientRequestProperties()``)."""
        return self.catalog.vendor_for_module(self.symbols.resolve(fn.path, spelling)) is not None

    def _attr_read(self, fn: _Fn, index: int, attr: AttrFact) -> None:
        node = node_id(fn.fid, f"a:{index}")
        self._add_node(node)
        target = self._attr_target(fn, attr.receiver_text, attr.attr)
        if (target is None or not self._declared(target)) and self._model_field(fn, node, attr):
            return
        # The attribute of a known class is that field; an id, a count or a status carries none
        # of its object's personal data; any other attribute of an object may (``msg.body``), and
        # so may one a project class inherits from a library (``form.errors`` of a Django form).
        inherited = target is not None and attr.receiver_text != fn.self_name and self._inherited(target)
        if (target is None or inherited) and not self.catalog.is_clean_attribute(attr.attr):
            part = self._keyword_part(fn, attr) if target is None else None
            for r in attr.receiver if part is None else part:
                src = self._node(fn, r)
                if src:
                    self._edge(src, node, Edge.LOCAL)
        if target is not None:
            self._edge(target, node, Edge.FIELD)
        if attr.receiver_text and (kind := self.catalog.names.object_kind(attr.attr)):
            # ``request.user``, ``self.user``: the object, whatever its class (it prints a person).
            self._local_source(node, f"{attr.receiver_text}.{attr.attr}", fn, attr.line, kind, "attribute")
        elif (target is None or not self._declared(target)) and attr.receiver_text not in ("", fn.self_name):
            # An object of a type we cannot tell, or of a class that declares no such field (it
            # inherits it from a framework's model: AbstractUser.email): the name itself is the
            # evidence, read here (``request.user.email``, ``member.phone``; by the object's name,
            # ``action.email.to``, ``member.name``), not every field of that name in the project.
            names, recv = self.catalog.names, attr.receiver_text
            kind = names.local_kind(attr.attr)
            by_object = kind is None and (kind := names.member_kind(recv, attr.attr)) is not None
            if kind is not None:
                self._local_source(node, f"{attr.receiver_text}.{attr.attr}", fn, attr.line, kind,
                                   "attribute", by_object=by_object)

    def _keyword_part(self, fn: _Fn, attr: AttrFact) -> tuple[str, ...] | None:
        """What an attribute of an object a library's class made holds when the attribute is named
        as a keyword of that construction: ``message = Message(recipients=to, subject=s)`` then
        ``message.subject`` is ``s``, not ``to``. None when the receiver is anything else (made by
        a call of no class, by more than one assignment, or without that keyword)."""
        if len(attr.receiver) != 1:
            return None
        made = _given(fn, attr.receiver[0])
        if len(made) != 1 or not made[0].startswith("c:"):
            return None
        call = fn.fact.calls[int(made[0][2:])]
        if not call.func.rpartition(".")[2][:1].isupper() or call.receiver:
            return None
        return next((a.nodes for a in call.args if a.keyword == attr.attr), None)

    def _inherited(self, field: str) -> bool:
        """Whether a field node names an attribute its class gets from a library's base class:
        neither a field nor a method of the project's classes, and the class has such a base."""
        owner, _, name = field_name(field).rpartition(".")
        return not self._declared(field) and self._method(owner, name) is None and self._library_base(owner)

    def _library_base(self, class_qual: str) -> bool:
        """Whether a project class has a base class of a library (``forms.Form``) whose instances
        keep what they are given: not one whose call gives nothing of its arguments (the
        catalog's cleaners: ``enum.Enum(value)`` looks a member up)."""
        bases = [q for q in self.symbols.hierarchy(class_qual) if q not in self.symbols.classes]
        return bool(bases) and not any(self.catalog.effect(q) == "clean" for q in bases)

    def _model_field(self, fn: _Fn, node: str, attr: AttrFact) -> bool:
        """``request.user.email``, ``get_user_model().objects.get(...).email``, ``staff.email`` of a
        ``Staff(AbstractUser)``: the field of a framework's model (catalog ``models``), a source
        of its own, annotated by ``[tool.lint-privacy.models]`` where the project says so."""
        if self._model_settings is None:
            self._model_settings = dict(self.config.models)
            self._model_attrs = frozenset([*(f for fields in self.catalog.names.models.values() for f in fields),
                                           *(q.rpartition(".")[2] for q in self._model_settings)])
        if attr.attr not in self._model_attrs:  # most attributes: no model's field, nothing to resolve
            return False
        model = self._framework_model(fn, attr.receiver_text)
        if model is None:
            return False
        qualified = f"{model}.{attr.attr}"
        settings = self._model_settings
        kind = self.catalog.names.models[model].get(attr.attr)
        if kind is None and qualified not in settings:
            return False
        fnode = field_node(qualified)
        # Every read makes the source; the first in the build's order is the field's (Lineage._assemble).
        ann = None
        if qualified in settings:
            ann = parse_comment(f"# privacy: {settings[qualified]}", 0, 0, "definition")
        short = f"{model.rpartition('.')[2]}.{attr.attr}"
        source: Source | None = None
        if ann is not None and ann.categories:
            source = self._source(fnode, short, fn.path, attr.line, ann, (), kind or "", "high")
        elif ann is None:  # else `none`, or an annotation that does not parse (PRV004 says so)
            source = self._source(fnode, short, fn.path, attr.line, None, (), kind or "", "low")
        self._part.sources.append((fnode, source))
        self._add_node(fnode, kind="field")
        self._edge(fnode, node, Edge.FIELD)
        return True

    def _framework_model(self, fn: _Fn, recv: str) -> str | None:
        """The framework model (catalog ``models``) of which a receiver is an instance, if any."""
        names = self.catalog.names
        if not recv or not names.models:
            return None
        qualified = self.symbols.resolve(fn.path, recv)
        for spelling in (recv, qualified):
            if spelling in names.model_receivers:
                return names.model_receivers[spelling]
        base = re.split(r"\(\)|\.objects\b|\.query\b|\[\]", qualified, maxsplit=1)[0]
        if base != qualified and base in names.models and not qualified.removeprefix(base).startswith("()."):
            return base
        cls = fn.class_qual if recv == fn.self_name else self.instance_class(fn.path, recv)
        for q in self.symbols.hierarchy(cls) if cls else ():
            if q in names.models:
                return q
        typed = self._returned_type(fn, recv)
        return typed if typed in names.models else None

    def _returned_type(self, fn: _Fn, recv: str) -> str | None:
        """``self._preprocess(message)``, of a project function that returns its parameter
        ``message: MailMessage`` (as given, or what it became along the way): that class,
        resolved in the function's own file. None for any other receiver."""
        if not recv.endswith("()") or "(" in recv[:-2]:
            return None
        callee = self._callee(fn, self.resolve_call(fn, recv[:-2]))[0]
        if callee is None:
            return None
        into: dict[str, list[str]] = {}
        for a, b in callee.fact.edges:
            into.setdefault(b, []).append(a)
        typed = {p.name: p.type_text for p in callee.fact.params if p.type_text}
        found: set[str] = set()
        seen, todo = {"r"}, ["r"]
        while todo and len(seen) < 64:  # back from the return through variables, to parameters
            for a in into.get(todo.pop(), ()):
                if a not in seen and a[:2] in ("v:", "p:"):
                    seen.add(a)
                    todo.append(a)
                    if a[2:] in typed:
                        found.add(typed[a[2:]])
        return self.symbols.resolve(callee.path, found.pop()) if len(found) == 1 else None

    def _declared(self, field: str) -> bool:
        """Whether a field node (``field|module.Class.name``) is a field some project class declares."""
        owner, _, name = field_name(field).rpartition(".")
        return self.symbols.field_owner(owner, name) is not None

    def _configuration(self, fn: _Fn, local: str) -> bool:
        return reads_configuration(self.catalog, fn.fact, local)

    def _clean_key(self, source: SourceFact) -> bool:
        return source.kind == "key" and self.catalog.is_clean_attribute(source.key)

    # ---- calls ----

    def resolve_call(self, fn: _Fn, spelling: str, variable: str = "") -> str:
        """The qualified name of a call, with ``self.`` and logger spellings made concrete.
        ``variable``: the local node the receiver is (a call's ``receiver_var``)."""
        head, _, rest = spelling.partition(".")
        receiver, _, method = spelling.rpartition(".")
        if method in _LOG_METHODS and (receiver in self.catalog.logger_names or _LOGGER_FACTORY.search(receiver)):
            # `self.logger.info`, `get_logger().info` (`self.logger = get_logger()` in __init__): a
            # logger by its name, however it was made (a project helper, an attribute).
            return f"logging.getLogger().{method}"
        if fn.self_name and head == fn.self_name and fn.class_qual:
            first, dot, after = rest.partition(".")
            made = self._made_object(fn.class_qual, first, after) if dot else None
            if made is not None:  # self.rpc.create_issue, `rpc` a property returning jira.JIRA(...)
                return f"{made}.{after}"
            info = self.symbols.class_info(fn.class_qual)
            external = [b for b in (info.bases if info else ()) if b not in self.symbols.classes]
            if rest and self._method(fn.class_qual, first) is None and external:
                return f"{external[0]}().{rest}"
            return f"{fn.class_qual}().{rest}"
        qualified = self.symbols.resolve(fn.path, spelling)
        if qualified == spelling and (head in self.catalog.logger_names or f"{head}.{rest.split('.')[0]}" in self.catalog.logger_names):
            method = spelling.rsplit(".", 1)[-1]
            return f"logging.getLogger().{method}"
        if method in _LOG_METHODS and _local_name(variable) in self.catalog.logger_names \
                and self._fn_by_qual(qualified) is None and self.catalog.match_call(qualified) is None:
            # `logger = request.log.bind(...)` with `request: Request`: `Request().log.bind().info`
            # names nothing known, and the variable is a logger by its name
            return f"logging.getLogger().{method}"
        return qualified

    def _made_object(self, class_qual: str, first: str, after: str) -> str | None:
        """What ``self.<first>`` is, for calling ``after`` on it, as a spelling of the call that
        made it: a property's value (``self.rpc``), or what a method of the instance returns
        (``self.get_llm()``; the extractor spells ``self.llm`` set from it so). Of the objects
        the method may return (``Ollama(...)`` in one branch, ``OpenAILike(...)`` in the other),
        the only one, else the first whose ``after`` the catalog knows as a sink."""
        if first.endswith("()"):
            method = self._method(class_qual, first[:-2])
            if method is None or _PROPERTY.intersection(method.fact.decorators):
                return None
            made = self._returned_objects(method, class_qual, 0)
        else:
            made = self._property_value(class_qual, first, 0)
        if len(set(made)) == 1:
            return made[0]
        return next((m for m in made if self.catalog.match_call(f"{m}.{after}") is not None), None)

    def _property_value(self, class_qual: str, name: str, depth: int) -> list[str]:
        """What a property of an instance of ``class_qual`` holds, as spellings of the calls that
        may make it (``jira.JIRA()``, ``app.api.BoardsAPI()``), when the property returns a
        library's object or a project class's instance, directly or through methods of the
        instance (``return self._rpc_connection()``, the subclass's override taken); [] for
        anything else."""
        prop = self._method(class_qual, name)
        if prop is None or depth > 3 or not _PROPERTY.intersection(prop.fact.decorators):
            return []
        return self._returned_objects(prop, class_qual, depth)

    def _returned_objects(self, method: _Fn, class_qual: str, depth: int) -> list[str]:
        """The objects a method returns, each as the spelling of the call that makes it, in the
        order of their spellings; [] when one of them is not a library's object or a project
        class's instance, and for a method whose returned call is spelled through itself
        (``return self.rpc.child()`` in the property ``rpc``), which resolving that call asks again."""
        if method.fid in self._returning:
            return []
        self._returning.add(method.fid)
        try:
            return self._returned_spellings(method, class_qual, depth)
        finally:
            self._returning.discard(method.fid)

    def _returned_spellings(self, method: _Fn, class_qual: str, depth: int) -> list[str]:
        bound = replace(method, class_qual=class_qual)  # `self` is the subclass's
        found: list[str] = []
        for spelling in sorted(returned_calls(method.fact)):
            qualified = self.resolve_call(bound, spelling)
            callee = self._fn_by_qual(qualified.replace("()", "", 1)) if qualified.startswith(f"{class_qual}().") else None
            if callee is not None:
                made = self._returned_objects(callee, class_qual, depth + 1) if depth < 3 else []
                if not made:
                    return []
                found.extend(made)
                continue
            head = qualified.split(".")[0].split("(")[0]
            # a library's object, or an instance of a project class (its methods are followed)
            if head in self._project_roots() and qualified not in self.symbols.classes:
                return []
            found.append(f"{qualified}()")
        return found

    def _own_method(self, fn: _Fn, func: str) -> _Fn | None:
        """The method ``self.name`` calls, when ``func`` is one of the instance's own methods."""
        head, dot, name = func.partition(".")
        if not fn.self_name or head != fn.self_name or not dot or "." in name or not fn.class_qual:
            return None
        return self._method(fn.class_qual, name)

    def _project_roots(self) -> frozenset[str]:
        """The top-level names of the project's own modules (an update that changes them makes
        a new lineage: :meth:`update`)."""
        if self._roots is None:
            self._roots = frozenset(m.split(".")[0] for m in self.symbols.path_of_module)
        return self._roots

    def _method(self, class_qual: str, name: str) -> _Fn | None:
        for q in self.symbols.hierarchy(class_qual):
            fn = self._fn_by_qual(f"{q}.{name}")
            if fn is not None:
                return fn
        return None

    def _implemented(self, fn: _Fn, call: CallFact) -> list[_Fn]:
        """``request.find_service(IHelpDesk).create_conversation(...)``: the method of every project
        class that implements the interface a service locator (catalog ``service_locators``) was
        asked for, by a decorator of the catalog's ``implementers`` (``@implementer(IHelpDesk)``)."""
        receiver, _, method = call.func.rpartition(".")
        if not call.receiver or not receiver.endswith("()") \
                or self.catalog.service_locator(self.resolve_call(fn, receiver[:-2])) is None:
            return []  # most calls: the receiver is spelled as what made it
        found: list[_Fn] = []
        for made in self._made_by(fn, call.receiver):
            ref = self.catalog.service_locator(self.resolve_call(fn, made.func))
            asked = next((a.name for a in made.args if ref is not None and ref.matches(a) and a.name), "")
            for cls in self._implementers().get(self.symbols.resolve(fn.path, asked), ()) if asked else ():
                target = self._method(cls, method)
                if target is not None and target not in found:
                    found.append(target)
        return found

    def _implementers(self) -> dict[str, list[str]]:
        """Each interface, with the classes of the project's code (not its tests) that declare
        they implement it."""
        if self._interfaces is None:
            found: dict[str, list[str]] = {}
            for path, facts in self.files.items():
                for cls, iface in sorted(self._declarations(facts)) if not self.config.is_test(path) else ():
                    found.setdefault(iface, []).append(cls)
            self._interfaces = found
        return self._interfaces

    def _callee(self, fn: _Fn, qualified: str) -> tuple[_Fn | None, bool, str | None]:
        """(project function, whether the receiver binds the first parameter, constructed class)."""
        target = self._fn_by_qual(qualified)
        if target is not None:  # Class.classmethod(x): the class binds `cls`, x the next one
            return target, "classmethod" in target.fact.decorators, None
        if qualified in self.symbols.classes:
            return self._method(qualified, "__init__"), True, qualified
        prefix, _, method = qualified.rpartition(".")
        # a task queue carries the arguments to the task, and so does a Celery signature
        # (task.s(...), a chord's body or error callback) when it runs
        if method in ("delay", "apply_async", "s", "si", "signature"):
            task = self._fn_by_qual(prefix)
            if task is not None:
                return task, False, None
        if prefix.endswith("()"):
            cls = prefix[:-2]
            if cls in self.symbols.classes:
                return self._method(cls, method), True, None
        if prefix in self.symbols.classes:  # Class.method(obj, ...) or a classmethod
            return self._method(prefix, method), False, None
        named = self._named_receiver(prefix, method)
        if named is not None:
            return named, True, None
        return None, False, None

    def _named_receiver(self, name: str, method: str) -> _Fn | None:
        """``user.record_observation(...)`` where ``user`` is a name of no known type (an
        untyped parameter, a loop variable): the method of the project's one class named as the
        variable is (``user`` -> ``User``, ``mail_rule`` -> ``MailRule``), when that class has
        the method. Not when several project classes share the name."""
        if not name.isidentifier() or not method:
            return None
        if self._classes_named is None:
            self._classes_named = {}
            for qual, (path, _) in self.symbols.classes.items():
                if not self.config.is_test(path):
                    self._classes_named.setdefault(qual.rpartition(".")[2].lower(), []).append(qual)
        found = self._classes_named.get(name.replace("_", "").lower(), ())
        return self._method(found[0], method) if len(found) == 1 else None

    def _call(self, fn: _Fn, index: int, call: CallFact) -> None:
        result = node_id(fn.fid, f"c:{index}")
        self._add_node(result)
        if call.annotation is not None and call.annotation.none:
            return  # `# privacy: none`: the user says nothing personal goes into or out of it
        qualified = self.resolve_call(fn, call.func, call.receiver_var)
        arg_nodes = [[n for n in (self._node(fn, x) for x in a.nodes) if n] for a in call.args]
        runner = self.catalog.runner(qualified)
        if runner is not None and self._run(fn, index, call, runner, arg_nodes, result):
            return
        self._pii_switch(fn, index, call, qualified, result)
        spec = self.catalog.match_call(qualified)
        if spec is None and self._declared_sink(call):
            # `# privacy: recipient=... country=...` on a call the catalog does not know (a
            # project wrapper, an unknown client): the user says the data leaves here.
            spec = SinkSpec(id="annotated-call", kind="vendor")
        if spec is not None and (spec.id == "annotated-call" or self._callee(fn, qualified)[0] is not None):
            # ...and a sink of the catalog (a project's own: `app.lib.http.post`) is where the
            # data leaves, not a function to follow.
            self._sink_call(fn, index, call, qualified, spec, arg_nodes)
            return
        self._keyword_evidence(fn, call)
        callee, bound, constructed = self._callee(fn, qualified)
        receiver = [n for n in (self._node(fn, x) for x in call.receiver) if n]
        if constructed is not None:
            if self._construct(fn, call, arg_nodes, callee, constructed, result):
                return
        elif callee is not None or (implemented := self._implemented(fn, call)):
            targets, bound = ([callee], bound) if callee is not None else (implemented, True)
            for target in targets:
                self._bind(fn, call, arg_nodes, receiver if bound else [], target, result, skip_self=bound)
            if call.raised:  # raise make_error(f"... {email}"): what the factory returns is raised
                self._sink(fn, index, call, qualified, SinkSpec(id="exception", kind="exception"), (), [[result]])
            return
        if spec is None and call.raised:
            spec = SinkSpec(id="exception", kind="exception")
        if spec is not None:
            if spec.kind == "orm":
                self._orm_write(fn, call, arg_nodes)
            self._sink_call(fn, index, call, qualified, spec, arg_nodes)
            return
        if call.func == "super().__init__" and fn.fact.qualname.endswith(".__init__") and fn.self_name:
            self._library_init(fn, arg_nodes)
        if call.func == fn.self_name and "classmethod" in fn.fact.decorators:
            # cls(field=value): the keywords are the class's fields but for those that are sources
            # of their own (a subclass's instance may be made, so the result still carries its
            # arguments, as any call's it cannot resolve).
            self._write_fields(call, arg_nodes, fn.class_qual, into_sources=False)
        abstract = self._dispatched(fn, qualified)
        if abstract is not None:
            # The overrides of the abstract method run (_overriding); what they return is not
            # followed, so the result stays what an unknown call's is.
            self._bind(fn, call, arg_nodes, receiver, abstract, result, skip_self=True)
        self._through_call(fn, call, qualified, arg_nodes, receiver, result)

    def _library_init(self, fn: _Fn, arg_nodes: list[list[str]]) -> None:
        """``super().__init__(*args, **kwargs)`` reaching a library's constructor (no project
        class above defines ``__init__``): the instance keeps what it is given, and the
        construction gives the instance (``UserForm(data).errors`` carries the data)."""
        bases = list(self.symbols.hierarchy(fn.class_qual))[1:]
        projects = any(self._fn_by_qual(f"{q}.__init__") is not None for q in bases)
        if projects or not self._library_base(fn.class_qual):
            return
        me = node_id(fn.fid, f"p:{fn.self_name}")
        for nodes in arg_nodes:
            for n in nodes:
                self._edge(n, me, Edge.LOCAL)
        self._edge(me, node_id(fn.fid, "r"), Edge.LOCAL)

    def _dispatched(self, fn: _Fn, qualified: str) -> _Fn | None:
        """``broker.publish(...)`` on an object whose class the engine cannot tell (an element of
        a registry, a parameter): the project's one abstract method of that name
        (``@abstractmethod``), which runs the override of the object's class. Not on a library's
        object, nor on a project class's instance (its own methods say what runs)."""
        prefix, _, method = qualified.rpartition(".")
        if not prefix or not method:
            return None
        if self._abstracts is None:
            self._abstracts = {}
            for f in self.functions.values():
                if f.class_qual and _abstract(f):
                    self._abstracts.setdefault(f.fact.qualname.rpartition(".")[2], []).append(f)
        found = self._abstracts.get(method, ())
        if len(found) != 1 or (prefix.endswith("()") and prefix[:-2] in self.symbols.classes):
            return None
        head = re.split(r"[.(\[]", prefix, maxsplit=1)[0]
        if head not in self._project_roots():
            bound = self.symbols.imports.get(self.symbols.module_of_path[fn.path], {})
            if head in bound or head in {t.partition(".")[0] for t in bound.values()}:
                return None
        return found[0]

    def _overriding(self, fn: _Fn) -> None:
        """A method overriding an abstract method of a base class is given what a call of the
        abstract method is given (``_dispatched``): its parameters by name, else by position."""
        if not fn.class_qual:
            return
        name = fn.fact.qualname.rpartition(".")[2]
        abstract = next((m for q in list(self.symbols.hierarchy(fn.class_qual))[1:]
                         if (m := self._fn_by_qual(f"{q}.{name}")) is not None), None)
        if abstract is None or not _abstract(abstract):
            return
        mine = fn.fact.params
        by_name = {p.name: p for p in mine}
        for i, p in enumerate(abstract.fact.params):
            same = by_name.get(p.name)
            if same is None and p.kind == "positional" and i < len(mine) and mine[i].kind == "positional":
                same = mine[i]
            if same is not None:
                self._edge(node_id(abstract.fid, f"p:{p.name}"), node_id(fn.fid, f"p:{same.name}"), Edge.CALL)

    def _pii_switch(self, fn: _Fn, index: int, call: CallFact, qualified: str, result: str) -> None:
        """``sentry_sdk.init(send_default_pii=True)``: from then on the SDK sends the request data
        of every event (IP address, cookies, the logged-in user) to its vendor. The call is a
        source of that data and a sink to the vendor (the catalog's ``pii_keyword``)."""
        switch = self.catalog.pii_switch(qualified)
        if switch is None:
            return
        shipper, spec = switch
        if not any(a.keyword == shipper.pii_keyword and a.const == "True" for a in call.args):
            return
        label = f"request data, IP and user ({shipper.pii_keyword}=True)"
        self._local_source(result, label, fn, call.line, self.catalog.names.kinds["ip_address"], "",
                           confidence="high")  # the SDK's setting, not a name
        self._sink(fn, index, call, qualified, spec, (), [[result]])

    def _construct(self, fn: _Fn, call: CallFact, arg_nodes: list[list[str]], callee: _Fn | None,
                   constructed: str, result: str) -> bool:
        """A project class's instance made: it holds its arguments in its fields, not as a whole
        (User(email=e).id carries nothing personal). True when that is all (it is not raised)."""
        self._write_fields(call, arg_nodes, constructed)
        if callee is None and self._library_base(constructed):
            # Form(request.POST): a library's constructor keeps what it is given (super().__init__)
            for a, nodes in zip(call.args, arg_nodes):
                if not a.keyword:
                    for n in nodes:
                        self._edge(n, result, Edge.LOCAL)
        if callee is not None:
            self._bind(fn, call, arg_nodes, [], callee, result, skip_self=True)
        if self._exception_class(constructed):  # an exception is its message: str(e), raise make_error()
            for nodes in arg_nodes:
                for n in nodes:
                    self._edge(n, result, Edge.LOCAL)
        return not call.raised  # raise MyError(f"... {email}") is still an exception message

    def _write_fields(self, call: CallFact, arg_nodes: list[list[str]], model: str,
                      into_sources: bool = True) -> None:
        """Each keyword argument of the call into the model's field of that name, at the call's
        line; with ``into_sources`` False, not into a field that is a source of its own."""
        for a, nodes in zip(call.args, arg_nodes):
            if a.keyword and (into_sources or not self._source_field(model, a.keyword)):
                target = self.field_node(model, a.keyword)
                for n in nodes:
                    self._edge(n, target, Edge.FIELD, line=call.line)

    def _source_field(self, model: str, name: str) -> bool:
        """Whether a project class's field is a source of its own (annotated with a category, or
        personal by its name): what is written into it is that field's data from there on."""
        owner = self.symbols.field_owner(model, name)
        if owner is None:
            return False
        info, f = owner
        if f.annotation is not None:
            return bool(f.annotation.categories)
        return self._named_kind(info, f) is not None

    def _orm_write(self, fn: _Fn, call: CallFact, arg_nodes: list[list[str]]) -> None:
        """An ORM write of the catalog on a project model's manager (``Model.objects.create(subject=s)``,
        ``get_or_create``, ``update_or_create``, a queryset's ``update(subject=s)``): its keyword
        arguments go into the model's fields (``defaults=`` is none: its dict is not followed),
        but for the fields that are sources of their own (their source says what they hold)."""
        model = self.instance_class(fn.path, call.func) if ".objects." in call.func else None
        if model is not None:
            self._write_fields(call, [[] if a.keyword in _ORM_OPTIONS or "__" in (a.keyword or "") else nodes
                                      for a, nodes in zip(call.args, arg_nodes)], model, into_sources=False)

    def _through_call(self, fn: _Fn, call: CallFact, qualified: str, arg_nodes: list[list[str]],
                      receiver: list[str], result: str) -> None:
        """A call of a library or of nothing known: its arguments and receiver flow into its result
        (unless the catalog says it cleans them), and a mutator's into its receiver."""
        effect = self.catalog.effect(qualified)
        if effect == "clean" or any(fnmatch.fnmatchcase(qualified, g) for g in self.config.anonymisers):
            return
        if call.func.rpartition(".")[2] in _FORMATTERS:
            self._add_node(result, formats=True)
        if not self._orm_lookup(fn, call):  # User.objects.get(pk=x) is a row, not x
            for nodes in arg_nodes:
                for n in nodes:
                    self._edge(n, result, Edge.LOCAL, pseudonymised=effect == "pseudonymise")
        method = call.func.rsplit(".", 1)[-1]
        key = call.args[0].const if call.args and method in ("get", "pop") else None
        if key is None or not self.catalog.is_clean_attribute(key):  # order.get("status"): as order["status"]
            for n in receiver:
                self._edge(n, result, Edge.LOCAL)
        if method in MUTATORS and call.receiver_var and not self._versioned(fn, call.receiver_var):
            mutated = self._node(fn, call.receiver_var)
            if mutated:
                for nodes in arg_nodes:
                    for n in nodes:
                        self._edge(n, mutated, Edge.LOCAL)

    def _orm_lookup(self, fn: _Fn, call: CallFact) -> bool:
        """A query of a project model's manager (``Webhook.objects.get(pk=...)``,
        ``User.query.filter_by(...)``): its result is what the database holds, not its criteria."""
        chain = re.split(r"\.(?:objects|query)\.", call.func, maxsplit=1)
        if len(chain) != 2 or not all(m.removesuffix("()") in _QUERYSET_METHODS for m in chain[1].split(".")):
            return False
        return self.instance_class(fn.path, call.func) is not None

    def _exception_class(self, class_qual: str) -> bool:
        return any(q.rpartition(".")[2].endswith(("Error", "Exception")) for q in self.symbols.hierarchy(class_qual))

    def _keyword_evidence(self, fn: _Fn, call: CallFact) -> None:
        """``Q(email=value)``, ``send(to_email=addr)``: a local passed under a keyword that names
        personal data holds that data (the keyword is the name evidence)."""
        for a in call.args:
            if not a.keyword or len(a.nodes) != 1 or not a.name.isidentifier() or a.nodes[0][:2] not in ("v:", "p:"):
                continue
            if self.catalog.names.local_kind(a.name) is None and (kind := self.catalog.names.local_kind(a.keyword)):
                node = self._node(fn, a.nodes[0])
                if node is not None:  # a v: or p: local always has one
                    label = f"{a.name} (passed as {a.keyword}=)"
                    self._local_source(node, label, fn, call.line, kind, "keyword")

    @staticmethod
    def _versioned(fn: _Fn, local: str) -> bool:
        """Whether a local node is a version of a function's local (the extraction already made
        a mutated receiver a new version), not a global or a module-level name."""
        return fn.fact.qualname != "<module>" and local[:2] in ("v:", "p:")

    @staticmethod
    def _declared_sink(call: CallFact) -> bool:
        ann = call.annotation
        return ann is not None and bool(ann.get("recipient") or ann.get("country"))

    def _run(self, fn: _Fn, index: int, call: CallFact, runner: ArgRef, arg_nodes: list[list[str]],
             result: str) -> bool:
        """``threading.Thread(target=send_mail, args=(...))``: the target is called here with the
        other arguments, a project function (each may reach any parameter) or a sink."""
        at = next((i for i, a in enumerate(call.args) if runner.matches(a)), None)
        if at is None or not call.args[at].name:
            return False
        target = self.resolve_call(fn, call.args[at].name)
        others = [nodes if i != at else [] for i, nodes in enumerate(arg_nodes)]
        callee = self._fn_by_qual(target)
        if callee is not None:
            self._bind(fn, call, others, [], callee, result, skip_self=False, spread=True)
            return True
        spec = self.catalog.match_call(target)
        if spec is None:
            return False
        self._sink(fn, index, call, target, spec, (), others)
        return True

    def _sink_call(self, fn: _Fn, index: int, call: CallFact, qualified: str, spec: SinkSpec,
                   arg_nodes: list[list[str]]) -> None:
        """The call is a sink: the arguments the spec says carry data reach it."""
        data = [nodes for a, nodes in zip(call.args, arg_nodes) if _carries(spec, a)]
        if spec.kind == "mail" and spec.data is None and "()." in qualified:
            # EmailMessage(to=to, body=body).send(): the message made with the data is what is
            # sent. (Not a connection's or a client's: made with credentials, it sends queries.)
            data.append([n for n in (self._node(fn, x) for x in call.receiver) if n])
        constructors = self._constructors(fn, call)
        if spec.binders and _bound(spec.binders, call, constructors):
            # log = log.bind(user=name); log.info("done"): the bound logger writes the name too
            data.append([n for n in (self._node(fn, x) for x in call.receiver) if n])
        self._sink(fn, index, call, qualified, spec, constructors, data)

    def _sink(self, fn: _Fn, index: int, call: CallFact, qualified: str, spec: SinkSpec,
              constructors: tuple[CallFact, ...], data: list[list[str]]) -> None:
        """Make the call a sink that the nodes of ``data`` (one list per carrying argument) reach."""
        sink = node_id(fn.fid, f"k:{index}")
        self._add_node(sink, kind="sink")
        self._part.sinks.append(Sink(sink, fn.path, fn.fact.qualname, call, qualified, spec, constructors))
        for nodes in data:
            for n in nodes:
                self._edge(n, sink, Edge.LOCAL)

    def _bind(self, fn: _Fn, call: CallFact, arg_nodes: list[list[str]], receiver: list[str], callee: _Fn,
              result: str, skip_self: bool, spread: bool = False) -> None:
        params = list(callee.fact.params)
        mapping: list[tuple[tuple[str, ...], list[str]]] = []
        if skip_self and params:
            mapping.append(((params[0].name,), receiver))
            params = params[1:]
        positional = [p for p in params if p.kind == "positional"]
        var = next((p for p in params if p.kind == "var"), None)
        varkw = next((p for p in params if p.kind == "varkw"), None)
        by_name = {p.name: p for p in params if p.kind in ("positional", "keyword")}
        queued = spread or call.func.endswith(".apply_async")  # apply_async(args=(...), kwargs={...})
        for a, nodes in zip(call.args, arg_nodes):
            targets: list[ParamFact] = []
            if queued:
                targets = params
            elif a.star == "*":
                targets = positional + ([var] if var else [])
            elif a.star == "**":
                targets = list(by_name.values()) + ([varkw] if varkw else [])
            elif a.keyword is not None:
                p = by_name.get(a.keyword) or varkw
                targets = [p] if p else []
            elif a.position is not None:
                targets = [positional[a.position]] if a.position < len(positional) else ([var] if var else [])
            mapping.append((tuple(p.name for p in targets), nodes))
        for names, nodes in mapping:
            for name in names:
                for n in nodes:
                    self._edge(n, f"{callee.fid}|p:{name}", Edge.CALL, site=result)
        self._edge(f"{callee.fid}|r", result, Edge.RETURN, site=result)
        if "callee" in self.full._node[result]:  # one of several implementations (:meth:`_implemented`)
            more = self.full._node[result].get("more", ())
            self._add_node(result, more=(*more, (callee.fid, mapping)))
        else:
            self._add_node(result, callee=callee.fid, mapping=mapping)

    def _constructors(self, fn: _Fn, call: CallFact) -> tuple[CallFact, ...]:
        """Calls that made a call's receiver, back to the client: ``s3 = boto3.client(...,
        region_name=...)``, ``boto3.resource(..., region_name=...).Table("x")`` (chained or over
        variables), ``boto3.session.Session(region_name=...).client("s3")``."""
        found = self._made_by(fn, call.receiver)
        if not fn.self_name or not fn.class_qual:
            return tuple(found)
        # self.s3.put_object(...): what the instance's methods set `self.s3` to
        read = (fn.fact.attrs[int(n[2:])] for n in call.receiver if n.startswith("a:"))
        attrs = {a.attr for a in read if a.receiver_text == fn.self_name}
        if call.func.split(".")[0] == fn.self_name and "." in call.func:
            attrs.add(call.func.split(".")[1])
        for other in self.methods_of.get(fn.class_qual, ()):
            for recv, name, nodes, _, _ in other.fact.attr_stores:
                if recv == other.self_name and name in attrs:
                    found.extend(self._made_by(other, nodes))
        return tuple(found)

    def _made_by(self, fn: _Fn, nodes: tuple[str, ...]) -> list[CallFact]:
        """The calls whose results the local ``nodes`` are, and those that made their receivers in
        turn; a module-level name used in a function is followed into the module's code."""
        module = self.functions.get(f"{fn.path}::<module>")
        found: list[CallFact] = []
        seen: set[tuple[str, str]] = set()
        todo = [(fn, n) for n in nodes]
        while todo and len(seen) < 32:
            at, node = todo.pop()
            if (at.fid, node) in seen:
                continue
            seen.add((at.fid, node))
            if node.startswith("c:"):
                made = at.fact.calls[int(node[2:])]
                found.append(made)
                todo.extend((at, n) for n in made.receiver)
                own = self._own_method(at, made.func)
                if own is not None:  # self.get_llm(): the calls it returns made the object
                    todo.extend((own, n) for n in _given(own, "r"))
            elif node.startswith("g:") and module is not None and at is not module:
                todo.append((module, f"v:{node[2:]}"))  # s3 = boto3.client(...) at module level
            else:
                todo.extend((at, a) for a in _given(at, node) if a.startswith("c:"))
        return found

    # ---- summaries: which parameters reach the return ----

    def _summaries(self, owners: set[str] | None) -> None:
        """At each call of a project function, an edge from each argument of a parameter that
        reaches what the function returns to what the call returns. ``owners``: only at the
        calls these functions make (the others' are as they were, and none of these functions'
        are there yet); None: every function's."""
        callers = self.call_sites()
        if owners is None:
            work = deque(self.functions)
        else:  # their calls' summaries come from their callees' (as they are), then from their own
            callees = {callee for path in {fid.partition("::")[0] for fid in owners}
                       for callee, site in self.ledger.parts[path].sites if function_of(site) in owners}
            work = deque(sorted(owners | callees))
        queued = set(work)
        while work:
            fid = work.popleft()
            queued.discard(fid)
            reaching = self._params_reaching_return(self.functions[fid])
            if not reaching:
                continue
            for site in callers.get(fid, ()):
                caller = function_of(site)
                if owners is not None and caller not in owners:
                    continue
                added = self._summary_edges(caller, site, fid, reaching)
                if added and caller in self.functions and caller not in queued:
                    work.append(caller)
                    queued.add(caller)

    def _summary_edges(self, caller: str, site: str, callee: str, reaching: set[str]) -> bool:
        fn = self.functions[caller]
        key = (1, fn.path, fn.index, int(site.rpartition(":")[2]))  # after its function's own edges
        added = False
        data = self.full._node[site]
        mapping = data["mapping"] if data["callee"] == callee else dict(data["more"])[callee]
        for names, nodes in mapping:
            if reaching.intersection(names):
                for n in nodes:
                    if n != site and not self.full.has_edge(n, site):
                        self.ledger.summary(caller, n, site, key, {"kind": Edge.SUMMARY})
                        added = True
        return added

    def _callers_closure(self, fids: set[str]) -> set[str]:
        """These functions and every function calling one of them, directly or not."""
        sites = self.call_sites()
        found = set(fids)
        todo = list(fids)
        while todo:
            for site in sites.get(todo.pop(), ()):
                caller = function_of(site)
                if caller not in found:
                    found.add(caller)
                    todo.append(caller)
        return found

    def _params_reaching_return(self, fn: _Fn) -> set[str]:
        ret = node_id(fn.fid, "r")
        reaching: set[str] = set()
        succ = self.full._succ
        for p in fn.fact.params:
            start = node_id(fn.fid, f"p:{p.name}")
            if start not in succ:
                continue
            seen = {start}
            queue = [start]
            while queue:
                node = queue.pop()
                if node == ret:
                    reaching.add(p.name)
                    break
                for nxt, attrs in succ[node].items():
                    inside = attrs["kind"] in (Edge.LOCAL, Edge.SUMMARY)
                    if nxt not in seen and inside and function_of(nxt) == fn.fid:
                        seen.add(nxt)
                        queue.append(nxt)
        return reaching

    # ---------------------------------------------------------------- reach

    def reaches(self, focus: Collection[str] | None = None) -> list[Reach]:
        """Every (source, sink) pair with a realizable path: returns only before calls. With
        ``focus``: only those into the sinks of these files (the same, in the same order)."""
        if focus is None:
            if self._reaches is None:
                self._reaches = [r for source in self.sources for r in self._reaches_from(source)]
            return self._reaches
        if self._reaches is not None:
            return [r for r in self._reaches if r.sink.path in focus]
        parts = self.ledger.parts
        upstream = self.upstream(sink.node for path in focus if path in parts for sink in parts[path].sinks)
        return [r for source in self.sources if source.node in upstream
                for r in self._reaches_from(source) if r.sink.path in focus]

    def _reaches_from(self, source: Source) -> list[Reach]:
        if source.node not in self.full._succ or (source.local == "parameter" and self._never_passed(source.node)):
            return []
        # A whole object goes on only as itself: not through its attributes, keys or calls
        # other than those that make its text.
        nodes = self.full.nodes
        skip = (lambda nxt: _opens(nxt) and not nodes[nxt].get("formats")) if source.whole else None
        parent = self.realizable(source.node, _start_phase(source), skip)
        hit: dict[str, tuple[str, int]] = {}
        for state in parent:
            if state[0] in self.sinks and state[0] not in hit:
                hit[state[0]] = state
        return [Reach(source, self.sinks[node], *_path_to(state, parent)) for node, state in hit.items()]

    def _never_passed(self, node: str) -> bool:
        """Whether a parameter with a default is given at none of the calls the project's code
        (not its tests) makes of its function (``verify_response(field.data)`` of ``def
        verify_response(self, response, remote_ip=None)``): it then holds its default, whatever
        its name says. The calls are those the engine resolved to the function; for a method it
        resolved none to (an object handed in: ``self.captcha_service``), every call of a method
        so named. False for a function nothing calls (a framework may), and when any call may
        pass it (by keyword, by position, by a spread). Read from the calls each time: an edit
        that passes it is seen."""
        fid, _, local = node.partition("|")
        fn = self.functions.get(fid)
        param = next((p for p in fn.fact.params if f"p:{p.name}" == local), None) if fn else None
        if fn is None or param is None or not param.has_default:
            return False
        sites = [s for s in self.call_sites().get(fid, ()) if not self.config.is_test(s.partition("::")[0])]
        if not sites:
            calls = self._calls_of_method().get(fn.fact.qualname.rpartition(".")[2], ()) if fn.class_qual else ()
            skip = 1 if fn.self_name and "staticmethod" not in fn.fact.decorators else 0
            place = [p.name for p in fn.fact.params if p.kind == "positional"][skip:]
            if not calls or param.name not in place:
                return False
            at = place.index(param.name)
            return not any(a.star or a.keyword == param.name or (a.position is not None and a.position >= at)
                           for c in calls for a in c.args)
        for site in sites:
            attrs = self.full.nodes[site]
            mappings = [attrs["mapping"]] if attrs.get("callee") == fid else []
            mappings += [m for callee, m in attrs.get("more", ()) if callee == fid]
            if not mappings or any(param.name in names for m in mappings for names, _ in m):
                return False
        return True

    def _calls_of_method(self) -> dict[str, list[CallFact]]:
        """The calls of the project's code (not its tests) spelled as a method's (``x.name(...)``),
        by the method's name."""
        if self._method_calls is None:
            found: dict[str, list[CallFact]] = {}
            for path, facts in self.files.items():
                for f in facts.functions if not self.config.is_test(path) else ():
                    for c in f.calls:
                        receiver, dot, name = c.func.rpartition(".")
                        if dot and receiver:
                            found.setdefault(name, []).append(c)
            self._method_calls = found
        return self._method_calls

    def writes(self, source: Source, fields: Collection[str]) -> list[Write]:
        """The fields of ``fields`` that the source's data is written into (a keyword of a
        constructor or of an ORM write, an attribute assigned) along a realizable path that
        enters no other field and reads no part of a value (:meth:`_part_of`): the data as the
        code wrote it, not as read back from a field, a key or an attribute (what they hold is
        their own: the ``"action"`` of a dict that holds an IP address too is no IP address, nor
        the ``domain`` of an e-mail address an e-mail address). Each field with the first path
        found, in breadth-first order."""
        if source.node not in self.full._succ:
            return []
        parent = self.realizable(source.node, _start_phase(source), lambda n: is_field(n) or self._part_of(n))
        succ = self.full._succ
        found: dict[str, Write] = {}
        for state in parent:
            for nxt, attrs in succ[state[0]].items():
                if nxt in fields and nxt not in found and attrs["kind"] == Edge.FIELD and nxt != source.node:
                    path, pseudonymised = _path_to(state, parent)
                    found[nxt] = Write(source, nxt, path, pseudonymised, attrs.get("line", 0))
        return list(found.values())

    def _part_of(self, node: str) -> bool:
        """Whether a node reads a part of a value: a mapping's under a constant key
        (``event["action"]``, ``event.get("action")``, ``event.pop("action")``) or an attribute
        of an object whose class is not known (``email.domain``; a field's read is its field)."""
        nid = NodeId.of(node)
        fn = self.functions.get(nid.function)
        if fn is None:
            return False
        if (i := nid.index("s")) is not None:
            return fn.fact.sources[i].kind == "key"
        if (i := nid.index("c")) is not None:
            call = fn.fact.calls[i]
            method = call.func.rpartition(".")[2]
            return method in ("get", "pop") and bool(call.args) and call.args[0].const is not None
        if nid.index("a") is not None:
            return all(attrs["kind"] != Edge.FIELD for attrs in self.full._pred[node].values())
        return False

    def upstream(self, nodes: Iterable[str]) -> set[str]:
        """The nodes from which one of ``nodes`` can be reached (these included), by any path."""
        pred = self.full._pred
        found = {n for n in nodes if n in pred}
        todo = list(found)
        while todo:
            for n in pred[todo.pop()]:
                if n not in found:
                    found.add(n)
                    todo.append(n)
        return found

    def sources_into(self, focus: Collection[str] | None) -> list[Source]:
        """The sources defined in these files or whose data can reach their code, in order
        (every source when ``focus`` is None)."""
        if focus is None:
            return self.sources
        nodes: list[str] = []
        for path in focus:
            part = self.ledger.parts.get(path)
            if part is None:
                continue
            # A file's nodes: those its part made, what its functions return (made by callers
            # too) and its module's variables (other files' code can write into them).
            nodes.extend(n for n in part.nodes if n.startswith(f"{path}::"))
            nodes.extend(node_id(fn.fid, "r") for fn in part.functions)
            nodes.extend(node_id(f"{path}::<module>", f"v:{name}") for name in self._module_vars(path))
        upstream = self.upstream(nodes)
        return [s for s in self.sources if s.path in focus or s.node in upstream]

    def realizable(self, start: str, phase: int = 0, skip: Callable[[str], bool] | None = None,
                   ) -> dict[tuple[str, int], tuple[tuple[str, int], bool] | None]:
        """Every state (node, phase) reachable from ``start`` along realizable paths, in
        breadth-first order: phase 1 once a call was entered, and a return edge is not taken in
        phase 1 (no return into an unrelated caller). Each state maps to the state it was reached
        from and whether that edge pseudonymises; the start to None. ``skip``: nodes not entered."""
        succ = self.full._succ
        if start not in succ:
            return {}
        start_state = (start, phase)
        parent: dict[tuple[str, int], tuple[tuple[str, int], bool] | None] = {start_state: None}
        queue = deque([start_state])
        while queue:
            state = queue.popleft()
            node, phase = state
            for nxt, attrs in succ[node].items():
                kind = attrs["kind"]
                if kind == Edge.RETURN and phase == 1:
                    continue
                if skip is not None and skip(nxt):
                    continue
                ns = (nxt, 1 if kind == Edge.CALL else phase)
                if ns not in parent:
                    parent[ns] = (state, bool(attrs.get("pseudonymised")))
                    queue.append(ns)
        return parent

    def node_location(self, node: str) -> tuple[str, int, str] | None:
        """(path, line, function) of a graph node, for messages and code flows."""
        if is_field(node):
            return None
        nid = NodeId.of(node)
        fid, local = nid.function, nid.local
        fn = self.functions.get(fid)
        if fn is None:
            return None
        f = fn.fact
        kind, _, rest = local.partition(":")
        try:
            if kind == "c" or kind == "k":
                return fn.path, f.calls[int(rest)].line, f.qualname
            if kind == "a":
                return fn.path, f.attrs[int(rest)].line, f.qualname
            if kind == "s":
                return fn.path, f.sources[int(rest)].line, f.qualname
        except (IndexError, ValueError):
            return None
        if kind == "p":
            for p in f.params:
                if p.name == rest:
                    return fn.path, p.line, f.qualname
        return fn.path, f.span.line, f.qualname

    def functions_along(self, path: Iterable[str]) -> list[str]:
        """``path:line function()`` of each function a path of nodes enters, in order, deduplicated."""
        steps: list[str] = []
        last = ""
        for node in path:
            fid = function_of(node)
            if fid == last or is_field(node):
                continue
            last = fid
            fn = self.functions.get(fid)
            if fn is not None and fn.fact.qualname != "<module>":
                steps.append(f"{fn.fact.qualname}() in {fn.path}:{fn.fact.span.line}")
        return steps


def _local_name(local: str) -> str:
    """The name of a local node's variable: ``v:log#2`` -> ``log``; "" for no variable."""
    kind, _, rest = local.partition(":")
    return re.split(r"[#~*]", rest, maxsplit=1)[0] if kind in ("v", "p") else ""


def _start_phase(source: Source) -> int:
    """A parameter's name says what its callers pass: its value does not go back to them."""
    return 1 if NodeId.of(source.node).kind == "p" and source.local else 0


def _path_to(state: tuple[str, int], parent: dict[tuple[str, int], tuple[tuple[str, int], bool] | None],
             ) -> tuple[tuple[str, ...], bool]:
    """The nodes of the path a realizable search took to ``state``, and whether an edge of it
    pseudonymises."""
    path: list[str] = []
    pseudo = False
    cur: tuple[str, int] | None = state
    while cur is not None:
        path.append(cur[0])
        link = parent[cur]
        if link is None:
            break
        cur, p = link
        pseudo = pseudo or p
    return tuple(reversed(path)), pseudo


def _opens(node: str) -> bool:
    """Whether a node reads into a value (an attribute, a key, a call's result)."""
    local = NodeId.of(node).local
    return local[:2] in ("a:", "s:", "c:")


def _bound(binders: tuple[str, ...], call: CallFact, constructors: tuple[CallFact, ...]) -> bool:
    """Whether a call's receiver was made by one of ``binders``: as spelled (``self.log.info``,
    ``self.log = get_logger().bind(...)``: ``get_logger().bind().info``), or by a call that made
    the variable it is (``log = log.bind(...)``)."""
    receiver = call.func.rpartition(".")[0]
    return any(f".{b}()" in receiver for b in binders) \
        or any(c.func.rpartition(".")[2] in binders for c in constructors)


def _carries(spec: SinkSpec, arg: ArgFact) -> bool:
    if spec.data is None:
        return True
    for ref in spec.data:
        if ref.matches(arg):
            return True
    return arg.star != ""


def reads_configuration(catalog: Catalog, f: FunctionFact, local: str) -> bool:
    """Whether a local node of a function reads configuration: ``settings.ADMIN_EMAIL``,
    ``os.environ["SMTP_USER"]``, ``os.getenv("ADMIN_USER")``, a module constant ``FROM_EMAIL``."""
    kind, _, rest = local.partition(":")
    if kind == "s":
        s = f.sources[int(rest)]
        return s.kind == "key" and catalog.is_settings(s.container)
    if kind == "a":
        attr = f.attrs[int(rest)]
        return attr.attr.isupper() or catalog.is_settings(attr.receiver_text)
    if kind == "c":
        func = f.calls[int(rest)].func
        receiver, _, method = func.rpartition(".")
        return catalog.is_settings(func) or (method in ("get", "getlist") and catalog.is_settings(receiver))
    return kind == "g" and rest.isupper()


def _abstract(fn: _Fn) -> bool:
    """Whether a function is an abstract method (``@abstractmethod``)."""
    return bool(_ABSTRACT.intersection(fn.fact.decorators))


def _given(fn: _Fn, local: str) -> list[str]:
    """The local nodes of a function whose values flow straight into ``local`` (``x = f(y)``: the call)."""
    return [a for a, b in fn.fact.edges if b == local]


def named_kind(catalog: Catalog, facts: FileFacts, cls: ClassFact, f: FieldFact) -> Kind | None:
    """The kind of a field of ``cls`` personal by its name (``field_kind``), unless its class
    sets it from configuration only (:func:`set_from_configuration`)."""
    kind = catalog.names.field_kind(f, cls.qualname, cls.fields)
    if kind is None or set_from_configuration(catalog, facts, cls.qualname, f.name):
        return None
    return kind


def set_from_configuration(catalog: Catalog, facts: FileFacts, class_name: str, attr: str) -> bool:
    """Whether a class's own methods give its attribute ``attr`` only values read from the
    application's configuration (``self.username = self.configuration.get("username")``, a
    data source's login): then it is configuration, not a person's data, whatever its name.
    False when they never set it from configuration, or set it from anything else too."""
    read = [(f, node) for f in facts.functions
            if f.class_name == class_name and f.params and "staticmethod" not in f.decorators
            for receiver, name, nodes, _, _ in f.attr_stores if receiver == f.params[0].name and name == attr
            for node in nodes]
    return bool(read) and all(reads_configuration(catalog, f, n) for f, n in read)
