"""Data flow inside one function (or a module's top-level code): which values reach which
calls, attributes, returns and variables. Iterative (no recursion).

Inside a function, locals are flow-sensitive: each assignment makes a new version of the name
(``v:x``, then ``v:x#2``...), reads take the version current at that point, and where branches
meet (after an ``if``, a loop, a ``try``, a ``match``) the versions that differ join in a node of
their own (``v:x~3``). A loop's names join at its head with what its body left (the next
iteration reads it). Nested functions read a name through ``v:x*``, which every version feeds.
A module's top-level code stays flow-insensitive: other modules and functions read its globals.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..annotations import Annotation
from ..facts import (
    AgeCheck, AnnotationSite, ArgFact, AttrFact, CallFact, FunctionFact, ParamFact, SourceFact, Span,
)
from .ages import is_age_subject
from .markers import marker_annotation
from .spelling import head, spell, type_spelling

# Containers of request input: reading one of them under a personal key is a source.
REQUEST_CONTAINERS = {
    "POST", "GET", "data", "form", "args", "json", "values", "query_params", "FILES", "cookies",
}
VALIDATED_CONTAINERS = {"cleaned_data", "validated_data"}
_TERMINATORS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_DEF_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_Comprehension = ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{0,40}")  # a key that can be a name: "email", "User-Agent"
# Methods that put their arguments into their receiver: ``emails.append(e)`` is a new ``emails``.
MUTATORS = frozenset({
    "append", "extend", "update", "add", "insert", "setdefault", "appendleft", "push", "put",
})

# Looks up the annotation (and place) of a statement: (stmt) -> Annotation | None
AnnotationLookup = Callable[[ast.stmt, str], Annotation | None]
Env = dict[str, str]  # local name -> the node of its current version
Results = dict[int, tuple[str, ...]]  # id(expression) -> the local nodes whose data its value carries


def _of(results: Results, child: ast.AST | None) -> tuple[str, ...]:
    """The value of an operand, from the values of an expression's nodes (a constant's is ())."""
    return results.get(id(child), ()) if child is not None else ()


def _all_operands(node: ast.AST, results: Results) -> tuple[str, ...]:
    """The value of BoolOp, JoinedStr, FormattedValue, containers, Starred, Await...: what all
    their operands carry."""
    out: list[str] = []
    for child in child_nodes(node):
        out.extend(_of(results, child))
    return tuple(dict.fromkeys(out))


class _Block:
    """Statements still to walk, with the guards of their code and what to do with the names'
    versions when the block starts and when it ends (``ended`` gets whether its last statement
    returns or raises: then nothing it assigned reaches the code after it)."""

    __slots__ = ("stmts", "guards", "enter", "ended", "started", "last")

    def __init__(self, stmts: Sequence[ast.stmt], guards: list[str], enter: Callable[[], None] | None = None,
                 ended: Callable[[bool], None] | None = None) -> None:
        self.stmts: Iterator[ast.stmt] = iter(stmts)
        self.guards = guards
        self.enter = enter
        self.ended = ended
        self.started = False
        self.last: ast.stmt | None = None


def assigned_names(body: Sequence[ast.AST]) -> set[str]:
    """The names statements or expressions bind (walrus, comprehension targets; not inside nested
    functions, classes and lambdas, whose own names count)."""
    found: set[str] = set()
    stack: list = list(body)
    while stack:
        node = stack.pop()
        t = type(node)
        if t is ast.Name:
            if not isinstance(node.ctx, ast.Load):
                found.add(node.id)
        elif t in _DEF_TYPES:
            found.add(node.name)
        elif t is not ast.Lambda:
            stack.extend(child_nodes(node))
    return found


def stored_into_names(body: Sequence[ast.AST]) -> set[str]:
    """The names whose value statements store into (``d[k] = v``, ``o.k = v``, ``d.update(x)``;
    not inside nested functions, classes and lambdas): each store makes a new version of a local."""
    found: set[str] = set()
    stack: list = list(body)
    while stack:
        node = stack.pop()
        t = type(node)
        if t in (ast.Subscript, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            base = stored_base(node)
            if isinstance(base, ast.Name):
                found.add(base.id)
        elif t is ast.Call and (name := mutated_name(node.func)):
            found.add(name)
        if t not in _DEF_TYPES and t is not ast.Lambda:
            stack.extend(child_nodes(node))
    return found


def stored_base(target: ast.Subscript | ast.Attribute) -> ast.expr:
    """What a store into ``target`` stores into: ``d`` of ``d[k]``, ``d[a][b]`` and ``d.k``."""
    base = target.value
    while isinstance(base, ast.Subscript):
        base = base.value
    return base


def mutated_name(func: ast.expr) -> str:
    """The name a mutator's call changes (``d`` of ``d.update(x)``, ``l.append(v)``), else ""."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in MUTATORS:
        return func.value.id
    return ""


def _operands(node: ast.BinOp) -> list[ast.expr]:
    """The operands of a chain of binary operations, left to right (a loop: chains run to thousands)."""
    found: list[ast.expr] = []
    stack: list[ast.expr] = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.BinOp):
            stack.append(cur.right)
            stack.append(cur.left)
        else:
            found.append(cur)
    return found


def _text(node: ast.expr | None) -> str | None:
    """The text of a string literal; None for any other node."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _texts(nodes: Sequence[ast.expr | None]) -> list[str] | None:
    """The texts of string literals, in order; None unless every node is one."""
    texts = [t for t in map(_text, nodes) if t is not None]
    return texts if len(texts) == len(nodes) else None


def _pairs(targets: Sequence[ast.expr], value: ast.expr) -> list[tuple[ast.expr, ast.expr]] | None:
    """``a, b = x, y``: each target with its own element; None for any other assignment."""
    if len(targets) != 1 or not isinstance(targets[0], (ast.Tuple, ast.List)) \
            or not isinstance(value, (ast.Tuple, ast.List)):
        return None
    names, values = targets[0].elts, value.elts
    if len(names) != len(values) or _starred(names + values):
        return None
    return list(zip(names, values))


def _starred(elts: Sequence[ast.expr]) -> bool:
    return any(isinstance(e, ast.Starred) for e in elts)


def statement_span(stmt: ast.stmt) -> Span:
    return Span(stmt.lineno, stmt.col_offset, stmt.end_lineno or stmt.lineno)


# Fields that never hold a node any pass here looks at: names, flags and numbers, and the
# context and operator singletons (Load, Add, Eq...). Leaving them out makes walking a tree
# several times cheaper than with ``ast.iter_child_nodes``.
_LEAF_FIELDS = frozenset({
    "id", "attr", "arg", "asname", "module", "level", "conversion", "kind", "type_comment",
    "is_async", "simple", "tag", "rest", "kwd_attrs", "ctx", "op", "ops",
})


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node type's instances that can hold child nodes, in ``_fields`` order."""
    if cls in (ast.Constant, ast.MatchSingleton):
        return ()  # the value is a Python constant, never a node
    # ``name`` is a string except in ``type X = ...`` (3.12), where it is a Name.
    leaves = _LEAF_FIELDS if cls is getattr(ast, "TypeAlias", None) else _LEAF_FIELDS | {"name"}
    if cls in (ast.Global, ast.Nonlocal):
        leaves = leaves | {"names"}
    return tuple(f for f in getattr(cls, "_fields", ()) if f not in leaves)


# A plain dict, filled in for every node type up front: the fastest lookup there is.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    cls: _child_fields(cls)
    for cls in vars(ast).values() if isinstance(cls, type) and issubclass(cls, ast.AST)
}


def child_nodes(node: object) -> list:
    """The child nodes of ``node`` in ``ast.iter_child_nodes`` order, without the leaf fields.

    A list field may contain None (a ``**`` entry of a dict's keys, a keyword-only argument
    without default), which has no children.
    """
    fields = _CHILD_FIELDS.get(type(node))
    if fields is None:  # None, or a node type of someone else's making
        fields = _CHILD_FIELDS[type(node)] = _child_fields(type(node))
    out: list = []
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            out.extend(value)
        elif value is not None:
            out.append(value)
    return out


def walk(root: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` over :func:`child_nodes`: breadth first, in the same order."""
    level = [root]
    while level:
        below: list = []
        for node in level:
            if node is not None:
                yield node
                below.extend(child_nodes(node))
        level = below


def scan_scope(body: Sequence[ast.stmt]) -> tuple[set[str], set[str], list[tuple[str, str]], bool]:
    """One walk of a scope's statements and expressions, without entering nested functions,
    classes and lambdas: the names it assigns (its locals), the names it declares
    global/nonlocal, its origin candidates ``(name, spelling)`` in walk order, and whether it
    holds a nested function or class (which may read its locals).

    An origin candidate is an assignment ``x = Callee(...)`` (the spelling of what made ``x``),
    ``x: User`` (``User()``) or a loop ``for x in items`` (``items[]``).
    """
    scan = _ScopeScan()
    stack: list = list(body)
    while stack:
        node = stack.pop()
        t = type(node)
        if t is ast.Name:  # the commonest nodes first
            if not isinstance(node.ctx, ast.Load):
                scan.local.add(node.id)
            continue
        if t is ast.Constant:
            continue
        handler = _SCOPE_NODES.get(t)
        if handler is None or handler(scan, node):  # most nodes need no look: their children do
            stack.extend(child_nodes(node))
    return scan.local - scan.declared, scan.declared, scan.candidates, scan.nested


class _ScopeScan:
    """What :func:`scan_scope` has found so far. One handler per kind of node that binds a name
    (``_SCOPE_NODES`` maps each kind to its handler); each says whether to walk into the node."""

    def __init__(self) -> None:
        self.local: set[str] = set()
        self.declared: set[str] = set()
        self.candidates: list[tuple[str, str]] = []
        self.nested = False

    def origin(self, target: ast.expr | None, value: ast.expr | None) -> None:
        """``x = Callee(...)``, ``x = other.attr``: a candidate origin of ``x`` (not ``x = x.y``)."""
        if isinstance(target, ast.Name) and isinstance(value, (ast.Call, ast.Name, ast.Attribute)):
            s = spell(value)
            if s and (isinstance(value, ast.Call) or head(s) != target.id):
                self.candidates.append((target.id, s))

    def definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
        self.local.add(node.name)
        self.nested = True
        self.local.update(assigned_names(node.decorator_list))  # decorators run in this scope (walrus)
        return False

    def lambda_(self, node: ast.Lambda) -> bool:
        return False

    def declaration(self, node: ast.Global | ast.Nonlocal) -> bool:
        self.declared.update(node.names)
        return False

    def assign(self, node: ast.Assign) -> bool:
        if len(node.targets) == 1:
            self.origin(node.targets[0], node.value)
        return True

    def ann_assign(self, node: ast.AnnAssign) -> bool:
        if isinstance(node.target, ast.Name):
            cls = type_spelling(node.annotation)
            if cls:
                self.candidates.append((node.target.id, cls + "()"))
        self.origin(node.target, node.value)
        return True

    def with_item(self, node: ast.withitem) -> bool:
        self.origin(node.optional_vars, node.context_expr)
        return True

    def loop(self, node: ast.For | ast.AsyncFor | ast.comprehension) -> bool:
        if isinstance(node.target, ast.Name):
            it = spell(node.iter)
            if it:
                self.candidates.append((node.target.id, it + "[]"))
        return True

    def import_(self, node: ast.Import | ast.ImportFrom) -> bool:
        for alias in node.names:
            self.local.add((alias.asname or alias.name).split(".")[0])
        return True

    def named(self, node: ast.ExceptHandler | ast.MatchAs | ast.MatchStar) -> bool:
        if node.name:
            self.local.add(node.name)
        return True

    def mapping_rest(self, node: ast.MatchMapping) -> bool:
        if node.rest:
            self.local.add(node.rest)
        return True


# The nodes scan_scope looks at (other than names), each with its handler.
_SCOPE_NODES: dict[type, Callable[[_ScopeScan, Any], bool]] = {
    ast.FunctionDef: _ScopeScan.definition,
    ast.AsyncFunctionDef: _ScopeScan.definition,
    ast.ClassDef: _ScopeScan.definition,
    ast.Lambda: _ScopeScan.lambda_,
    ast.Global: _ScopeScan.declaration,
    ast.Nonlocal: _ScopeScan.declaration,
    ast.Assign: _ScopeScan.assign,
    ast.AnnAssign: _ScopeScan.ann_assign,
    ast.withitem: _ScopeScan.with_item,
    ast.For: _ScopeScan.loop,
    ast.AsyncFor: _ScopeScan.loop,
    ast.comprehension: _ScopeScan.loop,
    ast.Import: _ScopeScan.import_,
    ast.ImportFrom: _ScopeScan.import_,
    ast.ExceptHandler: _ScopeScan.named,
    ast.MatchAs: _ScopeScan.named,
    ast.MatchStar: _ScopeScan.named,
    ast.MatchMapping: _ScopeScan.mapping_rest,
}


class _Here:
    """The statement being walked, with the annotation and guards its expressions are read with."""

    __slots__ = ("walker", "stmt", "annotation", "guards")

    def __init__(self, walker: FunctionWalker, stmt: ast.stmt, annotation: Annotation | None,
                 guards: list[str]) -> None:
        self.walker = walker
        self.stmt = stmt
        self.annotation = annotation
        self.guards = guards

    def ev(self, expr: ast.expr | None) -> tuple[str, ...]:
        """The local nodes whose data an expression of the statement carries."""
        return self.walker.eval(expr, self.stmt, self.annotation, self.guards) if expr is not None else ()

    def assign(self, target: ast.expr, value: tuple[str, ...]) -> None:
        self.walker.assign(target, value, self.stmt, self.annotation, self.guards)


class FunctionWalker:
    """Builds the :class:`FunctionFact` of one scope."""

    def __init__(
        self,
        qualname: str,
        class_name: str,
        body: Sequence[ast.stmt],
        params: tuple[ParamFact, ...],
        enclosing: Sequence[tuple[str, set[str]]],
        annotation_of: AnnotationLookup,
        class_origins: dict[str, str],
        module_origins: dict[str, str],
        self_name: str,
    ) -> None:
        self.qualname = qualname
        self.class_name = class_name
        self.body = body
        self.params = params
        self.enclosing = enclosing
        self.annotation_of = annotation_of
        self.class_origins = class_origins
        self.module_origins = module_origins
        self.self_name = self_name
        local, self.declared, self._candidates, self.has_nested = scan_scope(body)
        self.param_names = {p.name for p in params}
        self.locals = (local | self.param_names) - self.declared
        self.calls: list[CallFact] = []
        self.attrs: list[AttrFact] = []
        self.sources: list[SourceFact] = []
        self.edges: set[tuple[str, str]] = set()
        self.origins: dict[str, str] = {}
        self.attr_stores: list[tuple[str, str, tuple[str, ...], str, int]] = []
        self.age_checks: list[AgeCheck] = []
        self.marker_sites: list[AnnotationSite] = []
        self._span_of: tuple[ast.stmt | None, Span] = (None, Span(0, 0, 0))
        # Versions of locals (see the module docstring); none at module level.
        self.versioned = qualname != "<module>"
        self.env: Env = {}
        self._count: dict[str, int] = {p.name: 1 for p in params}  # p:NAME is a parameter's first version
        self._written: list[tuple[str, str]] = []  # every version made, in order (a try's handlers)
        self.plain: list[str] = []  # versions annotated `# privacy: none`
        self.keyed: list[tuple[str, str, int]] = []  # {"username": actor}: (key, local node, line)
        # Versions holding a dict literal with constant keys: what each key holds (d["k"] reads it).
        self._dict_keys: dict[str, dict[str, tuple[str, ...]]] = {}
        self._last_dict: tuple[int, dict[str, tuple[str, ...]]] = (0, {})
        # Versions made by ``o.k = v`` (_hold): the version before the first such store, and
        # for each attribute stored the version that holds its value.
        self._held: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {}
        # Versions of a loop's name over a literal list of texts: those texts (getattr(o, name)).
        self._texts_of: dict[str, tuple[str, ...]] = {}
        # Versions holding a list or tuple literal: what each element holds (a task's args=[...]).
        self._elements: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._element_nodes: dict[int, tuple[str, ...]] = {}  # id(element of a list literal) -> its nodes
        for p in params:
            cls = p.type_text
            if cls:
                self.origins[f"p:{p.name}"] = cls + "()"

    # ---- names ----

    def read(self, name: str) -> str:
        """The node of a name's value here: its current version, for a local."""
        ref = self.ref(name)
        return self.env.get(name, ref) if ref[0] in "vp" else ref

    def write(self, name: str) -> str:
        """A new version of a local name, current from now on; other names are their own node."""
        ref = self.ref(name)
        if not self.versioned or ref[0] not in "vp":
            return ref
        return self._version(name, "#", ref)

    def _version(self, name: str, mark: str, ref: str = "") -> str:
        n = self._count.get(name, 0) + 1
        self._count[name] = n
        node = ref if n == 1 and ref.startswith("v:") else f"v:{name}{mark}{n}"
        self.env[name] = node
        self._written.append((name, node))
        return node

    def _join(self, ends: Sequence[Env | None], base: Env) -> None:
        """Make the versions of the ends of several paths current, joined where they differ;
        an end of None returned or raised (nothing after it sees its versions)."""
        live = [e for e in ends if e is not None]
        if not live:
            self.env = dict(base)
            return
        env: Env = {}
        for name in set().union(*live):
            versions = list(dict.fromkeys(v for e in live if (v := e.get(name)) is not None))
            if len(versions) == 1:
                env[name] = versions[0]
            else:
                self.env = env
                joined = self._version(name, "~")
                for v in versions:
                    self.edges.add((v, joined))
        self.env = env

    def _loop_heads(self, names: set[str]) -> dict[str, str]:
        """A loop's head: a version of each name the loop assigns, fed by the version before
        the loop and (when the body ends, see :meth:`_loop_back`) by the body's last one."""
        heads: dict[str, str] = {}
        if not self.versioned:
            return heads
        for name in sorted(names):
            ref = self.ref(name)
            if ref[0] not in "vp":
                continue
            before = self.env.get(name)
            heads[name] = self._version(name, "~")
            if before is not None:
                self.edges.add((before, heads[name]))
        return heads

    def _loop_back(self, heads: dict[str, str]) -> None:
        for name, loop_head in heads.items():
            end = self.env.get(name)
            if end is not None and end != loop_head:
                self.edges.add((end, loop_head))
            self.env[name] = loop_head

    def ref(self, name: str) -> str:
        if name in self.param_names and name not in self.declared:
            return f"p:{name}"
        if name in self.locals:
            return f"v:{name}"
        if name not in self.declared:
            for owner, names in reversed(self.enclosing):
                if name in names:
                    return f"o:{owner}|{name}"
        return f"g:{name}"

    def resolve_spelling(self, spelling: str) -> str:
        """Replace a spelling's first name by the call that made its value, where known."""
        if not spelling:
            return spelling
        first = head(spelling)
        rest = spelling[len(first):]
        if first == self.self_name and self.self_name and rest.startswith("."):
            attr = head(rest[1:])
            origin = self.class_origins.get(attr)
            if origin:
                return origin + rest[1 + len(attr):]
            return spelling
        ref = self.ref(first)
        origin = self.origins.get(ref)
        if origin is None and ref.startswith("g:"):
            origin = self.module_origins.get(first)
        return origin + rest if origin else spelling

    # ---- statements ----

    def run(self, span: Span, decorators: tuple[str, ...], annotation: Annotation | None) -> FunctionFact:
        self._origins_pass()
        self.env = {p.name: f"p:{p.name}" for p in self.params} if self.versioned else {}
        # Blocks still running, innermost last.
        frames: list[_Block] = [_Block(self.body, [])]
        while frames:
            block = frames[-1]
            if not block.started:
                block.started = True
                if block.enter is not None:
                    block.enter()
            stmt = next(block.stmts, None)
            if stmt is None:
                frames.pop()
                if block.ended is not None:
                    block.ended(isinstance(block.last, (ast.Return, ast.Raise)))
            else:
                block.last = stmt
                frames.extend(self._statement(stmt, block.guards))
        if self.versioned and self.has_nested:
            for name, node in self._written:  # nested functions read every version
                self.edges.add((node, f"v:{name}*"))
            for p in self.params:
                self.edges.add((f"p:{p.name}", f"v:{p.name}*"))
        return FunctionFact(
            qualname=self.qualname,
            span=span,
            class_name=self.class_name,
            params=self.params,
            decorators=decorators,
            annotation=annotation,
            calls=tuple(self.calls),
            attrs=tuple(self.attrs),
            sources=tuple(self.sources),
            edges=tuple(sorted(self.edges)),
            attr_stores=tuple(self.attr_stores),
            plain=tuple(self.plain),
            keyed=tuple(self.keyed),
        )

    def _origins_pass(self) -> None:
        """First assignments ``x = Callee(...)`` give ``x`` the spelling of what made it."""
        for name, spelling in self._candidates:
            self.origins.setdefault(self.ref(name), spelling)
        # Resolve chains (b = a.x(); a = Client()) to a fixed point, bounded by the count.
        for _ in range(len(self.origins)):
            changed = False
            for key, s in self.origins.items():
                r = self.resolve_spelling(s)
                if r != s and len(r) < 2000:
                    self.origins[key] = r
                    changed = True
            if not changed:
                break

    def _statement(self, stmt: ast.stmt, guards: list[str]) -> list[_Block]:
        """Walk one statement's expressions; the blocks inside it, last to run first (they run
        before the statements after this one, and the caller pushes them)."""
        annotation = self.annotation_of(stmt, "call")  # every statement's: this attaches its comment
        handler = _STATEMENTS.get(type(stmt))
        if handler is None:  # Import, Global, Nonlocal, Delete, Pass, Break, Continue, type aliases
            return []
        children = handler(self, stmt, _Here(self, stmt, annotation, guards))
        children.reverse()
        return children

    # One handler per kind of statement: (statement, where it is) -> the blocks inside it, in the
    # order they run. ``_STATEMENTS`` after the class maps each kind to its handler.

    def _definition(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
                    here: _Here) -> list[_Block]:
        for d in stmt.decorator_list:
            here.ev(d)
        return []

    def _assign(self, stmt: ast.Assign, here: _Here) -> list[_Block]:
        pairs = _pairs(stmt.targets, stmt.value)
        if pairs is not None:
            # a, b = x, y: each target gets its own element, not the whole tuple.
            for t, v in pairs:
                here.assign(t, here.ev(v))
        else:
            value = here.ev(stmt.value)
            for t in stmt.targets:
                here.assign(t, value)
                if isinstance(t, ast.Name):
                    self._literal_held(t.id, stmt.value)
            self._annotated_variable(stmt, stmt.targets)
        return []

    def _literal_held(self, name: str, value: ast.expr) -> None:
        """What each key of a dict literal, or each element of a list or tuple literal, just
        assigned to ``name`` holds."""
        if self._last_dict[0] == id(value):
            self._dict_keys[self.read(name)] = dict(self._last_dict[1])
        if isinstance(value, (ast.List, ast.Tuple)) and not _starred(value.elts):
            self._elements[self.read(name)] = tuple(self._element_nodes[id(e)] for e in value.elts)

    def _aug_assign(self, stmt: ast.AugAssign, here: _Here) -> list[_Block]:
        value = here.ev(stmt.value)
        if isinstance(stmt.target, ast.Name):  # x += y: the new x holds the old one too
            value = (*value, self.read(stmt.target.id))
        here.assign(stmt.target, value)
        return []

    def _ann_assign(self, stmt: ast.AnnAssign, here: _Here) -> list[_Block]:
        value = here.ev(stmt.value)
        if stmt.value is not None:
            here.assign(stmt.target, value)
        self._annotated_variable(stmt, [stmt.target])
        return []

    def _return(self, stmt: ast.Return, here: _Here) -> list[_Block]:
        for n in here.ev(stmt.value):
            self.edges.add((n, "r"))
        return []

    def _expression(self, stmt: ast.Expr, here: _Here) -> list[_Block]:
        value = here.ev(stmt.value)
        if isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            for n in value:
                self.edges.add((n, "r"))
        return []

    def _raise(self, stmt: ast.Raise, here: _Here) -> list[_Block]:
        if stmt.exc is not None:
            self.eval(stmt.exc, stmt, here.annotation, here.guards, raised=True)
        here.ev(stmt.cause)
        return []

    def _if(self, stmt: ast.If, here: _Here) -> list[_Block]:
        guards = here.guards
        here.ev(stmt.test)
        positive, negative = self._guards_of(stmt.test)
        children = self._branches([(stmt.body, guards + positive, None),
                                   (stmt.orelse, guards + negative, None)])
        if negative and stmt.body and isinstance(stmt.body[-1], _TERMINATORS):
            guards.extend(negative)  # `if not check(): return` guards what follows
        return children

    def _loop(self, stmt: ast.For | ast.AsyncFor | ast.While, here: _Here) -> list[_Block]:
        heads = self._loop_heads(assigned_names([stmt]) | (stored_into_names(stmt.body) - {self.self_name}))
        if isinstance(stmt, ast.While):
            here.ev(stmt.test)
        else:  # the iterable is evaluated once, before the first iteration
            here.assign(stmt.target, here.ev(stmt.iter))
            names = _texts(stmt.iter.elts) if isinstance(stmt.iter, (ast.List, ast.Tuple, ast.Set)) else None
            if names and isinstance(stmt.target, ast.Name):  # for name in ["phone", "email"]
                self._texts_of[self.read(stmt.target.id)] = tuple(names)
        return [_Block(stmt.body, list(here.guards), ended=lambda _: self._loop_back(heads)),
                _Block(stmt.orelse, list(here.guards))]

    def _with(self, stmt: ast.With | ast.AsyncWith, here: _Here) -> list[_Block]:
        for item in stmt.items:
            value = here.ev(item.context_expr)
            if item.optional_vars is not None:
                here.assign(item.optional_vars, value)
        return [_Block(stmt.body, list(here.guards))]

    def _try_statement(self, stmt: ast.Try | ast.TryStar, here: _Here) -> list[_Block]:
        for handler in stmt.handlers:
            here.ev(handler.type)
        return self._try(stmt, here.guards)

    def _match(self, stmt: ast.Match, here: _Here) -> list[_Block]:
        subject = here.ev(stmt.subject)

        def bind(case: ast.match_case) -> Callable[[], None]:
            def enter() -> None:
                for node in ast.walk(case.pattern):
                    name = getattr(node, "name", None) or getattr(node, "rest", None)
                    if isinstance(name, str):
                        dst = self.write(name)
                        for n in subject:
                            self.edges.add((n, dst))
                here.ev(case.guard)
            return enter

        cases = [(case.body, list(here.guards), bind(case)) for case in stmt.cases]
        return self._branches([*cases, ([], list(here.guards), None)])  # no case may match

    def _assert(self, stmt: ast.Assert, here: _Here) -> list[_Block]:
        here.ev(stmt.test)
        here.ev(stmt.msg)
        return []

    def _branches(
        self, branches: Sequence[tuple[Sequence[ast.stmt], list[str], Callable[[], None] | None]],
    ) -> list[_Block]:
        """Blocks of which one runs (if/else, match cases): each starts from the versions before
        them; after the last, the versions their ends left are joined."""
        before = dict(self.env)
        ends: list[Env | None] = []
        blocks: list[_Block] = []
        for i, (body, guards, setup) in enumerate(branches):
            last = i == len(branches) - 1

            def enter(setup: Callable[[], None] | None = setup) -> None:
                self.env = dict(before)
                if setup is not None:
                    setup()

            def ended(terminated: bool, last: bool = last) -> None:
                ends.append(None if terminated else self.env)
                if last:
                    self._join(ends, before)

            blocks.append(_Block(body, guards, enter, ended))
        return blocks

    def _try(self, stmt: ast.Try | ast.TryStar, guards: list[str]) -> list[_Block]:
        """try/except/else/finally: a handler starts from any version the body made (it may
        have failed anywhere); ``finally`` and what follows from the join of the paths' ends."""
        before = dict(self.env)
        mark = len(self._written)
        start: Env = {}
        ends: list[Env | None] = []

        def body_ended(_: bool) -> None:
            made: dict[str, list[str]] = {}
            for name, node in self._written[mark:]:
                made.setdefault(name, []).append(node)
            after = self.env
            self._join([before, *({name: node} for name, nodes in made.items() for node in nodes)], before)
            start.update(self.env)
            self.env = after

        def handler_enter() -> None:
            self.env = dict(start)

        def collect(terminated: bool) -> None:
            ends.append(None if terminated else self.env)

        def finally_enter() -> None:
            self._join(ends, before)

        blocks = [_Block(stmt.body, list(guards), ended=body_ended),
                  _Block(stmt.orelse, list(guards), ended=collect)]
        blocks += [_Block(h.body, list(guards), handler_enter, collect) for h in stmt.handlers]
        blocks.append(_Block(stmt.finalbody, list(guards), finally_enter))
        return blocks

    def _span(self, stmt: ast.stmt) -> Span:
        """The span of the statement being walked, made once it is needed (most need none)."""
        if self._span_of[0] is not stmt:
            self._span_of = (stmt, statement_span(stmt))
        return self._span_of[1]

    def _annotated_variable(self, stmt: ast.stmt, targets: Sequence[ast.expr]) -> None:
        """``email = ...  # privacy: account_user_data`` makes the variable a source."""
        ann = self.annotation_of(stmt, "definition")
        if isinstance(stmt, ast.AnnAssign):
            marker = marker_annotation(stmt.annotation)
            if marker is not None:
                self.marker_sites.append(AnnotationSite(stmt.lineno, stmt.col_offset, "definition", marker))
                ann = marker
        if ann is not None and ann.none:  # the value of this assignment holds nothing personal
            self.plain.extend(self.read(t.id) for t in targets if isinstance(t, ast.Name))
            return
        if ann is None or not ann.categories:
            return
        for t in targets:
            if isinstance(t, ast.Name):
                index = len(self.sources)
                self.sources.append(SourceFact("annotated", t.id, stmt.lineno, ann))
                self.edges.add((f"s:{index}", self.read(t.id)))

    def _guards_of(self, test: ast.expr) -> tuple[list[str], list[str]]:
        """Calls whose truth the branches of ``if test`` depend on: (if-branch, else-branch)."""
        positive: list[str] = []
        negative: list[str] = []
        stack: list[tuple[ast.expr, bool]] = [(test, True)]
        while stack:
            node, polarity = stack.pop()
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                stack.append((node.operand, not polarity))
            elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And) and polarity:
                stack.extend((v, True) for v in node.values)
            elif isinstance(node, ast.Call):
                s = self.resolve_spelling(spell(node.func))
                if s:
                    (positive if polarity else negative).append(s)
        return positive, negative

    def assign(self, target: ast.expr, value: tuple[str, ...], stmt: ast.stmt, annotation: Annotation | None,
               guards: list[str]) -> None:
        stack = [target]
        while stack:
            t = stack.pop()
            if isinstance(t, ast.Name):
                dst = self.write(t.id)
                for n in value:
                    self.edges.add((n, dst))
            elif isinstance(t, (ast.Tuple, ast.List)):
                stack.extend(t.elts)
            elif isinstance(t, ast.Starred):
                stack.append(t.value)
            elif isinstance(t, ast.Attribute):
                recv = spell(t.value)
                self.eval(t.value, stmt, annotation, guards)
                if value:
                    spelling = self.resolve_spelling(recv)
                    self.attr_stores.append((spelling, t.attr, value, self._hold(t), t.lineno))
            elif isinstance(t, ast.Subscript):
                # d["k"] = v puts v's data into d, which keeps what it held: a new version of a
                # local d (as a mutator's call makes), so reads of d before the store do not see v.
                base = stored_base(t)
                self.eval(t.slice, stmt, annotation, guards)
                if isinstance(base, ast.Name):
                    dst = self._stored_into(base.id, keep_keys=True)
                    for n in value:
                        self.edges.add((n, dst))
                    keys = self._dict_keys.get(dst)
                    if keys is not None:
                        if base is t.value and isinstance(t.slice, ast.Constant) \
                                and isinstance(t.slice.value, str):
                            keys[t.slice.value] = (*keys.get(t.slice.value, ()), *value)
                        else:
                            del self._dict_keys[dst]  # d[k] = v, d[a][b] = v: any key may hold it
                elif isinstance(base, ast.Attribute):
                    stack.append(base)

    def _stored_into(self, name: str, keep_keys: bool) -> str:
        """The node a store into ``name``'s value writes (an item stored, a mutator's call): a new
        version of a local, fed by the one before, else the name's own node. ``keep_keys``: what
        each key of its mapping held goes along (``d["k"] = v`` changes one key; ``d.update(x)``
        any)."""
        old = self.read(name)
        if not self.versioned or old[0] not in "vp":
            return old
        new = self.write(name)
        self.edges.add((old, new))
        if keep_keys and old in self._dict_keys:
            self._dict_keys[new] = dict(self._dict_keys[old])
        return new

    def _hold(self, target: ast.Attribute) -> str:
        """``o.k = v`` on a local object (not ``self``): a new version of ``o``, which the lineage
        has hold ``v`` unless it knows ``o``'s class (whose field ``k`` it is). Reading ``o.k``
        then gives ``v``, another attribute what ``o`` held before (``response.request = req``
        does not make ``response.content`` the request). "" for other receivers."""
        obj = target.value
        if not self.versioned or not isinstance(obj, ast.Name) or obj.id == self.self_name:
            return ""
        old = self.read(obj.id)
        if old[0] not in "vp":
            return ""
        base, stored = self._held.get(old, (old, {}))
        new = self.write(obj.id)
        self.edges.add((old, new))
        self._held[new] = (base, {**stored, target.attr: (new,)})
        return new

    # ---- expressions ----

    def eval(
        self,
        root: ast.expr,
        stmt: ast.stmt,
        annotation: Annotation | None,
        guards: Sequence[str],
        raised: bool = False,
    ) -> tuple[str, ...]:
        """The local nodes whose data the expression's value carries."""
        if type(root) is ast.Name:  # the commonest expressions, answered without the walk below
            return (self.read(root.id),) if isinstance(root.ctx, ast.Load) else ()
        if type(root) is ast.Constant:
            return ()
        scoped: Env = {}  # a comprehension's names, as they were outside it
        # Children before their parent, and a node's children right to left (the order in which
        # calls, attribute reads and sources are numbered): the reverse of a pre-order walk.
        order: list[ast.expr] = []
        stack: list[ast.expr] = [root]
        while stack:
            node = stack.pop()
            order.append(node)
            if isinstance(node, _COMPREHENSIONS) and self.versioned:
                self._comprehension_scope(node, scoped)
            kids = self._children(node)
            if kids:
                kids.reverse()
                stack.extend(kids)
        results: Results = {}
        read = self.read
        for node in reversed(order):
            if type(node) is ast.Name:
                if isinstance(node.ctx, ast.Load):
                    results[id(node)] = (read(node.id),)
            elif type(node) is not ast.Constant:  # a constant carries nothing (a missing result is ())
                results[id(node)] = self._value(node, results, stmt, annotation, guards,
                                                raised and node is root)
        for name, outside in scoped.items():  # a comprehension's variables stay inside it
            if outside:
                self.env[name] = outside
            else:
                self.env.pop(name, None)
        return results.get(id(root), ())

    def _comprehension_scope(self, node: _Comprehension, scoped: Env) -> None:
        """Fresh versions of a comprehension's target names, made before any of the expression
        is read (reads inside it take them); ``scoped`` keeps what they were outside."""
        for gen in node.generators:
            for t in walk(gen.target):
                if isinstance(t, ast.Name) and self.ref(t.id)[0] in "vp":
                    scoped.setdefault(t.id, self.env.get(t.id, ""))
                    self.write(t.id)

    @staticmethod
    def _children(node: ast.expr) -> list[ast.expr]:
        if type(node) is ast.Name or type(node) is ast.Constant or type(node) is ast.Lambda:
            return []
        if type(node) is ast.Call:
            kids: list[ast.expr] = []
            func = node.func
            if type(func) is ast.Attribute:
                kids.append(func.value)
            elif type(func) is not ast.Name:
                kids.append(func)
            kids.extend(node.args)
            kids.extend([k.value for k in node.keywords])
            return kids
        if type(node) is ast.Attribute:
            return [node.value]
        if isinstance(node, _COMPREHENSIONS):
            kids = []
            for gen in node.generators:
                kids.append(gen.iter)
                kids.extend(gen.ifs)
            kids.extend([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt])
            return kids
        if type(node) is ast.BinOp:
            return _operands(node)
        return [c for c in child_nodes(node) if isinstance(c, ast.expr)]

    def _value(
        self,
        node: ast.expr,
        results: Results,
        stmt: ast.stmt,
        annotation: Annotation | None,
        guards: Sequence[str],
        raised: bool,
    ) -> tuple[str, ...]:
        """The value of an expression other than a name or a constant, once its operands are known."""
        if type(node) is ast.Call:
            return (self._call(node, results, stmt, annotation, guards, raised),)
        if type(node) is ast.Compare:
            self._age_check(node, stmt)
            return ()
        handler = _VALUES.get(type(node))
        return handler(self, node, results) if handler is not None else _all_operands(node, results)

    # One handler per kind of expression whose value is not all of its operands': (expression,
    # the values of its operands) -> its value. ``_VALUES`` after the class maps each kind to its handler.

    def _no_value(self, node: ast.Lambda | ast.Slice, results: Results) -> tuple[str, ...]:
        return ()

    def _attribute_value(self, node: ast.Attribute, results: Results) -> tuple[str, ...]:
        index = len(self.attrs)
        recv_text = self.resolve_spelling(spell(node.value))
        holds = _of(results, node.value)
        if isinstance(node.value, ast.Name) and (held := self._held.get(self.read(node.value.id))):
            holds = held[1].get(node.attr, (held[0],))
        self.attrs.append(AttrFact(node.attr, holds, recv_text, node.lineno))
        return (f"a:{index}",)

    def _subscript_value(self, node: ast.Subscript, results: Results) -> tuple[str, ...]:
        source = self._request_read(node.value, node.slice, node.lineno)
        if source:
            return source
        keyed = self._key_read(node.value, node.slice, node.lineno)
        holds = _of(results, node.value)
        key = _text(node.slice)  # a key read (keyed) is under a text literal
        if keyed and key is not None and isinstance(node.value, ast.Name):
            literal = self._dict_keys.get(self.read(node.value.id))
            if literal is not None:  # a dict literal of this function: only what that key holds
                holds = literal.get(key, ())
        for n in holds if keyed else ():
            # the lineage stage may cut it: d["status"] of a dict with an e-mail
            self.edges.add((n, keyed[0]))
        return keyed or _of(results, node.value)

    def _unary_value(self, node: ast.UnaryOp, results: Results) -> tuple[str, ...]:
        return () if isinstance(node.op, ast.Not) else _all_operands(node, results)

    def _if_exp_value(self, node: ast.IfExp, results: Results) -> tuple[str, ...]:
        return _of(results, node.body) + _of(results, node.orelse)

    def _dict_value(self, node: ast.Dict, results: Results) -> tuple[str, ...]:
        texts = _texts(node.keys)
        if texts is not None:
            keys: dict[str, tuple[str, ...]] = {}
            for k, v in zip(texts, node.values):
                keys[k] = (*keys.get(k, ()), *_of(results, v))
                if isinstance(v, ast.Name) and _KEY.fullmatch(k):
                    self.keyed.extend((k, n, v.lineno) for n in _of(results, v) if n[:2] in ("v:", "p:"))
            self._last_dict = (id(node), keys)
        return tuple(n for v in node.values for n in _of(results, v))

    def _dict_comp_value(self, node: ast.DictComp, results: Results) -> tuple[str, ...]:
        self._comprehension_targets(node, results)
        return _of(results, node.key) + _of(results, node.value)

    def _comprehension_value(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp,
                             results: Results) -> tuple[str, ...]:
        self._comprehension_targets(node, results)
        return _of(results, node.elt)

    def _named_value(self, node: ast.NamedExpr, results: Results) -> tuple[str, ...]:
        value = _of(results, node.value)
        dst = self.write(node.target.id)
        for n in value:
            self.edges.add((n, dst))
        return value

    def _yield_value(self, node: ast.Yield | ast.YieldFrom, results: Results) -> tuple[str, ...]:
        for n in _of(results, node.value):
            self.edges.add((n, "r"))
        return ()

    def _bin_op_value(self, node: ast.BinOp, results: Results) -> tuple[str, ...]:
        # `a + b + ...` as one node: linear, not quadratic, in its length
        return tuple(dict.fromkeys(n for operand in _operands(node) for n in _of(results, operand)))

    def _sequence_value(self, node: ast.List | ast.Tuple, results: Results) -> tuple[str, ...]:
        for e in node.elts:
            self._element_nodes[id(e)] = _of(results, e)
        return _all_operands(node, results)

    def _comprehension_targets(self, node: _Comprehension, results: Results) -> None:
        for gen in node.generators:
            value = results.get(id(gen.iter), ())
            stack: list[ast.expr] = [gen.target]
            while stack:
                t = stack.pop()
                if isinstance(t, ast.Name):
                    for n in value:
                        self.edges.add((n, self.read(t.id)))
                elif isinstance(t, (ast.Tuple, ast.List)):
                    stack.extend(t.elts)
                elif isinstance(t, ast.Starred):
                    stack.append(t.value)

    def _call(
        self,
        node: ast.Call,
        results: Results,
        stmt: ast.stmt,
        annotation: Annotation | None,
        guards: Sequence[str],
        raised: bool,
    ) -> str:
        func = node.func
        receiver: tuple[str, ...] = ()
        receiver_var = ""
        if isinstance(func, ast.Attribute):
            receiver = results.get(id(func.value), ())
            if isinstance(func.value, ast.Name):
                receiver_var = self.read(func.value.id)
                keys = self._dict_keys.get(receiver_var)
                key = node.args[0] if node.args else None
                if keys is not None and func.attr in ("get", "pop") and isinstance(key, ast.Constant):
                    # context.get("model") of a dict literal: that key only
                    receiver = keys.get(key.value, ()) if isinstance(key.value, str) else ()
            source = self._request_get(func, node)
            if source:
                return source[0]
        spelled = self.resolve_spelling(spell(func))
        if spelled == "getattr" and len(node.args) in (2, 3):
            read = self._getattr(node, results)
            if read is not None:
                return read
        args: list[ArgFact] = self._task_args(node, results) if spelled.endswith(".apply_async") else []
        queued = bool(args)
        if queued:  # task.apply_async(args=[a, b]) is task.delay(a, b): each argument to its parameter
            spelled = spelled.removesuffix(".apply_async") + ".delay"
        for i, a in enumerate(() if queued else node.args):
            star = "*" if isinstance(a, ast.Starred) else ""
            inner = a.value if isinstance(a, ast.Starred) else a
            nodes = results.get(id(inner), results.get(id(a), ()))
            args.append(self._arg(inner, nodes, i if not star else None, None, star))
        for k in () if queued else node.keywords:
            args.append(self._arg(k.value, results.get(id(k.value), ()), None, k.arg, "" if k.arg else "**"))
        index = len(self.calls)
        self.calls.append(
            CallFact(
                func=spelled,
                span=self._span(stmt),
                line=node.lineno,
                args=tuple(args),
                receiver=receiver,
                receiver_var=receiver_var,
                annotation=annotation,
                raised=raised,
                guards=tuple(dict.fromkeys(guards)),
            )
        )
        if isinstance(func, ast.Attribute) and func.attr in ("get", "pop") and node.args:
            for key_source in self._key_read(func.value, node.args[0], node.lineno):
                self.edges.add((key_source, f"c:{index}"))
        if (name := mutated_name(func)) and receiver_var[:2] in ("v:", "p:") and self.versioned:
            updated = self._stored_into(name, keep_keys=False)
            for n in (n for a in args for n in a.nodes):
                self.edges.add((n, updated))
        return f"c:{index}"

    def _getattr(self, node: ast.Call, results: Results) -> str | None:
        """``getattr(o, "email")``, or ``getattr(o, name)`` in a loop over ``["phone", "email"]``:
        a read of each attribute named (the node of the first, which the others feed); None when
        the name is not known."""
        obj, name = node.args[0], node.args[1]
        text = _text(name)
        names: tuple[str, ...] | None = (text,) if text is not None else None
        if names is None and isinstance(name, ast.Name):
            names = self._texts_of.get(self.read(name.id))
        if not names or self.ref("getattr") != "g:getattr":
            return None
        receiver, spelling = _of(results, obj), self.resolve_spelling(spell(obj))
        start = len(self.attrs)
        self.attrs.extend(AttrFact(attr, receiver, spelling, node.lineno) for attr in names)
        first = f"a:{start}"
        for i in range(start + 1, len(self.attrs)):
            self.edges.add((f"a:{i}", first))
        for n in _of(results, node.args[2]) if len(node.args) == 3 else ():
            self.edges.add((n, first))  # the default
        return first

    def _task_args(self, node: ast.Call, results: Results) -> list[ArgFact]:
        """The arguments of ``task.apply_async(args=[...], kwargs={...})`` as those of a direct
        call, when ``args`` is absent or a list or tuple literal (or a local holding one), and
        ``kwargs`` absent or given: a dict literal's keys are keywords, each with its own value
        (``kwargs={"url": url, "data": data}``); else []."""
        given = {k.arg: k.value for k in node.keywords if k.arg in ("args", "kwargs")}
        if not given:
            return []
        value = given.get("args")
        if value is None:
            elements: tuple[tuple[str, ...], ...] = ()
        elif isinstance(value, (ast.List, ast.Tuple)) and not _starred(value.elts):
            elements = tuple(results.get(id(e), ()) for e in value.elts)
        elif isinstance(value, ast.Name) and self.read(value.id) in self._elements:
            elements = self._elements[self.read(value.id)]
        else:
            return []
        args = [ArgFact(i, None, "", nodes, None, "") for i, nodes in enumerate(elements)]
        kwargs = given.get("kwargs")
        names = _texts(kwargs.keys) if isinstance(kwargs, ast.Dict) else None
        if isinstance(kwargs, ast.Dict) and names is not None:
            args.extend(self._arg(v, results.get(id(v), ()), None, k, "")
                        for k, v in zip(names, kwargs.values))
        elif kwargs is not None:
            args.append(self._arg(kwargs, results.get(id(kwargs), ()), None, None, "**"))
        return args

    def _arg(self, expr: ast.expr, nodes: tuple[str, ...], position: int | None, keyword: str | None,
             star: str) -> ArgFact:
        const: str | None = None
        if isinstance(expr, ast.Constant) and (
                isinstance(expr.value, (str, int, bool)) or expr.value is None):
            const = str(expr.value)  # None is kept as "None": a cache timeout=None never expires
        elif isinstance(expr, ast.JoinedStr) and expr.values:
            first = expr.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                const = first.value
        name = spell(expr) if isinstance(expr, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)) else ""
        if isinstance(expr, ast.JoinedStr) and expr.values and isinstance(expr.values[0], ast.FormattedValue):
            # f"{BASE_URL}/contacts": the host comes from a constant.
            first_value = expr.values[0].value
            name = spell(first_value) if isinstance(first_value, (ast.Name, ast.Attribute)) else ""
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left = expr.left
            if isinstance(left, (ast.Name, ast.Attribute)):
                name = spell(left)
            elif isinstance(left, ast.Constant) and isinstance(left.value, str):
                const = left.value
        return ArgFact(position, keyword, star, nodes, const, name)

    def _is_request_container(self, value: ast.expr) -> str:
        """``request.POST`` -> "request.POST"; "" when it is no request container.

        A variable assigned from a container (``body = request.get_json()``) is one too."""
        if isinstance(value, ast.Name):
            spelling = self.origins.get(self.ref(value.id), "")
        else:
            spelling = spell(value) if isinstance(value, (ast.Attribute, ast.Call)) else ""
        base, _, last = spelling.rpartition(".")
        from_request = "request" in base.lower()
        if last in VALIDATED_CONTAINERS \
                or (from_request and (last in REQUEST_CONTAINERS or last == "get_json()")):
            return spelling
        return ""

    def _request_read(self, value: ast.expr, key: ast.expr, line: int) -> tuple[str, ...]:
        container = self._is_request_container(value)
        if container and isinstance(key, ast.Constant) and isinstance(key.value, str):
            index = len(self.sources)
            self.sources.append(SourceFact("request", key.value, line, None, container))
            return (f"s:{index}",)
        return ()

    def _key_read(self, value: ast.expr, key: ast.expr, line: int) -> tuple[str, ...]:
        """``payload["email"]``, ``profile.get("full_name")``: a value read under a constant key of
        any mapping; the lineage stage decides from the key whether it names personal data."""
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _KEY.fullmatch(key.value):
            index = len(self.sources)
            self.sources.append(SourceFact("key", key.value, line, None, spell(value)))
            return (f"s:{index}",)
        return ()

    def _request_get(self, func: ast.Attribute, node: ast.Call) -> tuple[str, ...]:
        if func.attr in ("get", "getlist", "pop") and node.args:
            return self._request_read(func.value, node.args[0], node.lineno)
        return ()

    def _age_check(self, node: ast.Compare, stmt: ast.stmt) -> None:
        if len(node.ops) != 1:
            return
        left, right = node.left, node.comparators[0]
        for subject, const in ((left, right), (right, left)):
            if isinstance(const, ast.Constant) and type(const.value) is int:
                text = spell(subject) or spell(getattr(subject, "func", subject))
                if is_age_subject(text):
                    op = type(node.ops[0]).__name__
                    if subject is right:
                        op = {"Lt": "Gt", "Gt": "Lt", "LtE": "GtE", "GtE": "LtE"}.get(op, op)
                    self.age_checks.append(AgeCheck(self._span(stmt), text, op, const.value, self.qualname))
                    return


# The handler of each kind of statement that reads or moves data (see FunctionWalker._statement).
_STATEMENTS: dict[type, Callable[[FunctionWalker, Any, _Here], list[_Block]]] = {
    ast.FunctionDef: FunctionWalker._definition,
    ast.AsyncFunctionDef: FunctionWalker._definition,
    ast.ClassDef: FunctionWalker._definition,
    ast.Assign: FunctionWalker._assign,
    ast.AugAssign: FunctionWalker._aug_assign,
    ast.AnnAssign: FunctionWalker._ann_assign,
    ast.Return: FunctionWalker._return,
    ast.Expr: FunctionWalker._expression,
    ast.Raise: FunctionWalker._raise,
    ast.If: FunctionWalker._if,
    ast.For: FunctionWalker._loop,
    ast.AsyncFor: FunctionWalker._loop,
    ast.While: FunctionWalker._loop,
    ast.With: FunctionWalker._with,
    ast.AsyncWith: FunctionWalker._with,
    ast.Try: FunctionWalker._try_statement,
    ast.TryStar: FunctionWalker._try_statement,
    ast.Match: FunctionWalker._match,
    ast.Assert: FunctionWalker._assert,
}

# The value of each kind of expression that is not all of its operands' (FunctionWalker._value).
_VALUES: dict[type, Callable[[FunctionWalker, Any, Results], tuple[str, ...]]] = {
    ast.Attribute: FunctionWalker._attribute_value,
    ast.Lambda: FunctionWalker._no_value,
    ast.Subscript: FunctionWalker._subscript_value,
    ast.UnaryOp: FunctionWalker._unary_value,
    ast.IfExp: FunctionWalker._if_exp_value,
    ast.Dict: FunctionWalker._dict_value,
    ast.DictComp: FunctionWalker._dict_comp_value,
    ast.ListComp: FunctionWalker._comprehension_value,
    ast.SetComp: FunctionWalker._comprehension_value,
    ast.GeneratorExp: FunctionWalker._comprehension_value,
    ast.NamedExpr: FunctionWalker._named_value,
    ast.Yield: FunctionWalker._yield_value,
    ast.YieldFrom: FunctionWalker._yield_value,
    ast.Slice: FunctionWalker._no_value,
    ast.BinOp: FunctionWalker._bin_op_value,
    ast.List: FunctionWalker._sequence_value,
    ast.Tuple: FunctionWalker._sequence_value,
}
