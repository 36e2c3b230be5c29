"""Extraction: one file's source -> :class:`FileFacts`, with no policy and no other file.

Walks the ``ast`` tree (flake8's own, in the plugin) and the file's comments; see docs/design.md
for why this is not libcst.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Sequence, Set

from ..annotations import Annotation, parse_comment
from ..facts import (AgeCheck, AnnotationSite, ClassFact, FieldFact, FileFacts, FunctionFact, ImportFact, ParamFact,
                     Span)
from .comments import Comments, PrivacyComment, read_comments
from .flows import AnnotationLookup, FunctionWalker, child_nodes, statement_span, walk
from .markers import marker_annotation
from .spelling import spell, type_spelling

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


def extract(path: str, source: str, tree: ast.Module | None = None) -> FileFacts:
    """Facts of one file. Raises SyntaxError (and only that) when the source does not parse."""
    if tree is None:
        tree = ast.parse(source, filename=path)
    return _FileExtractor(path, source, tree).run()


def _first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    return min([stmt.lineno] + [d.lineno for d in decorators]) if decorators else stmt.lineno


def _header_end(stmt: ast.stmt) -> int:
    """Last line of a statement's header (a compound statement's body is not part of it)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or isinstance(stmt, _COMPOUND):
        body = getattr(stmt, "body", None) or getattr(stmt, "cases", None)
        if body:
            first = body[0].pattern if isinstance(body[0], ast.match_case) else body[0]  # a case has no line
            return max(stmt.lineno, first.lineno - 1)
        return stmt.lineno
    return stmt.end_lineno or stmt.lineno


def _header_code_end(stmt: ast.stmt) -> int:
    """Last line of code in a statement's header (its bases, arguments, test...)."""
    parts: list[ast.AST] = []
    if isinstance(stmt, ast.ClassDef):
        parts = [*stmt.bases, *stmt.keywords]
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts = [stmt.args, *([stmt.returns] if stmt.returns else [])]
    elif isinstance(stmt, _COMPOUND):
        return _header_end(stmt)
    else:
        return stmt.end_lineno or stmt.lineno
    ends = [stmt.lineno]
    for part in parts:
        # not every node has an end_lineno (an ``arguments`` has none)
        ends.extend(end for n in walk(part) if (end := getattr(n, "end_lineno", None)))
    return max(ends)


def _import_facts(node: ast.Import | ast.ImportFrom) -> list[ImportFact]:
    found: list[ImportFact] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                found.append(ImportFact(alias.asname, alias.name, "", 0, node.lineno))
            else:
                top = alias.name.split(".")[0]
                found.append(ImportFact(top, top, "", 0, node.lineno))
    else:
        for alias in node.names:
            if alias.name != "*":
                found.append(ImportFact(alias.asname or alias.name, node.module or "", alias.name, node.level, node.lineno))
    return found


def _literal(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return repr(node.value) if isinstance(node.value, str) else str(node.value)
    return spell(node) or type(node).__name__


class _Attacher:
    """Attaches ``# privacy:`` comments to statements; what is left over is reported."""

    def __init__(self, comments: Comments) -> None:
        self.comments = comments.privacy
        self.used: set[int] = set()
        self.cache: dict[int, Annotation | None] = {}
        self.problems: list[tuple[int, int, str]] = []
        self.sites: list[AnnotationSite] = []

    def parse(self, c: PrivacyComment, place: str, line: int, col: int) -> Annotation:
        """Parse a comment for the statement at (line, col) and remember where it belongs."""
        self.used.add(c.line)
        ann = parse_comment(c.text, c.line, c.column, place)
        self.sites.append(AnnotationSite(line, col, place, ann))
        return ann

    def lines_of(self, stmt: ast.stmt, skip: Set[int] = frozenset()) -> list[PrivacyComment]:
        first, last = _first_line(stmt), _header_end(stmt)
        lines = [n for n in range(first, last + 1) if n in self.comments and n not in skip]
        found = []
        if lines:  # most statements have no comment: spare them the walk of their header
            code_end = _header_code_end(stmt)
            # A comment alone on its line after the header's code belongs to the body's first statement.
            found = [self.comments[n] for n in lines if n <= code_end or not self.comments[n].alone]
        above = self.comments.get(first - 1)
        if above is not None and above.alone and above.kind == "privacy" and above.line not in self.used:
            found.insert(0, above)
        return found

    def annotation_of(self, stmt: ast.stmt, place: str, skip: Set[int] = frozenset()) -> Annotation | None:
        if not self.comments:  # a file without privacy comments (most files): nothing to attach
            return None
        key = id(stmt)
        if key in self.cache:
            return self.cache[key]
        found = [c for c in self.lines_of(stmt, skip) if c.kind == "privacy"]
        ann = None
        if found:
            if place == "scope":
                # An assignment with category ids annotates its variable; anything else describes calls.
                body = found[0].text.split(":", 1)[-1].split("#", 1)[0].split()
                assignment = isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                place = "definition" if assignment and body and "=" not in body[0] else "call"
            ann = self.parse(found[0], place, stmt.lineno, stmt.col_offset)
            for extra in found[1:]:
                self.used.add(extra.line)
                self.problems.append(
                    (stmt.lineno, stmt.col_offset,
                     f"annotated twice (lines {found[0].line} and {extra.line}): "
                     "keep one annotation, inline or on the line above")
                )
        self.cache[key] = ann
        return ann

    def defaults_of(self, stmt: ast.ClassDef) -> Annotation | None:
        first, last, code_end = stmt.lineno, _header_end(stmt), _header_code_end(stmt)
        for n in range(first, last + 1):
            c = self.comments.get(n)
            if c is None or (n > code_end and c.alone):
                continue
            if c.kind == "privacy-defaults":
                return self.parse(c, "defaults", stmt.lineno, stmt.col_offset)
            self.used.add(n)
            self.problems.append(
                (stmt.lineno, stmt.col_offset,
                 "a class line takes '# privacy-defaults: key=value ...' (purpose, subject, jurisdiction, role), "
                 "not '# privacy:'")
            )
        return None

    def leftovers(self) -> None:
        for line, c in sorted(self.comments.items()):
            if line in self.used:
                continue
            if c.kind == "privacy-defaults":
                msg = ("'# privacy-defaults:' belongs at the top of a module (alone on its line) "
                       "or on a class line; here it applies to nothing")
            else:
                msg = ("this '# privacy:' comment is attached to nothing: put it on the statement it "
                       "describes or alone on the line directly above it")
            self.problems.append((line, c.column, msg))


class _FileExtractor:
    def __init__(self, path: str, source: str, tree: ast.Module) -> None:
        self.path = path
        self.source = source
        self.tree = tree
        self.comments = read_comments(source)
        self.attacher = _Attacher(self.comments)
        self.classes: list[ClassFact] = []
        self.functions: list[FunctionFact] = []
        self.age_checks: list[AgeCheck] = []

    def run(self) -> FileFacts:
        module_defaults = self._module_defaults()
        imports, dotted_strings = self._walk_file()
        constants = self._constants()
        module_walker = FunctionWalker(
            "<module>", "", self.tree.body, (), (), self._lookup("scope"), {}, {}, ""
        )
        module_fact = module_walker.run(Span(1, 0, 1), (), None)
        module_origins = {k[2:]: v for k, v in module_walker.origins.items() if k.startswith("v:")}
        self._collect(module_walker)
        self.functions.append(module_fact)
        self._scopes(module_origins)
        self.attacher.leftovers()
        return FileFacts(
            path=self.path,
            module_defaults=module_defaults,
            imports=imports,
            constants=constants,
            classes=tuple(self.classes),
            functions=tuple(self.functions),
            problems=tuple(sorted(self.attacher.problems)),
            annotations=tuple(self.attacher.sites),
            global_origins=tuple(sorted(module_origins.items())),
            age_checks=tuple(self.age_checks),
            line_count=self.source.count("\n") + self.source.count("\r") - self.source.count("\r\n") + 1,  # as Python counts
            noqa=tuple(self.comments.noqa),
            dotted_strings=dotted_strings,
            text_lists=self._text_lists(),
        )

    def _walk_file(self) -> tuple[tuple[ImportFact, ...], tuple[tuple[str, int], ...]]:
        """The file's imports, and the string literals that name a Python object
        (``"loggly.handlers.HTTPSHandler"``) with the line of the first (in ``ast.walk`` order)."""
        imports: list[ImportFact] = []
        dotted: dict[str, int] = {}
        level: list = [self.tree]
        while level:  # flows.walk, unrolled: leaves are not even yielded
            below: list = []
            for node in level:
                t = type(node)
                if t is ast.Constant:
                    if isinstance(node.value, str) and 3 < len(node.value) < 200 and _DOTTED.match(node.value):
                        dotted.setdefault(node.value, node.lineno)
                    continue
                if t is ast.Name:
                    continue
                if t is ast.Import or t is ast.ImportFrom:
                    imports.extend(_import_facts(node))
                below.extend(child_nodes(node))
            level = below
        return tuple(imports), tuple(sorted(dotted.items()))

    def _lookup(self, place: str) -> AnnotationLookup:
        def annotation_of(stmt: ast.stmt, _hint: str) -> Annotation | None:
            if isinstance(stmt, _DEFS):
                return None
            return self.attacher.annotation_of(stmt, place)

        return annotation_of

    def _module_defaults(self) -> Annotation | None:
        inside: set[int] = set()
        for stmt in self.tree.body:
            inside.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
        for line, c in sorted(self.comments.privacy.items()):
            if c.kind == "privacy-defaults" and c.alone and c.column == 0 and line not in inside:
                return self.attacher.parse(c, "defaults", line, c.column)
        return None

    def _text_lists(self) -> tuple[tuple[str, tuple[str, ...], int], ...]:
        """Module-level ``NAME = ("a.b", "c.d")``, a list or tuple of texts only, also in the
        branches of an ``if`` or a ``try`` (settings chosen by the environment)."""
        found: list[tuple[str, tuple[str, ...], int]] = []
        stack: list[ast.stmt] = list(reversed(self.tree.body))
        while stack:
            stmt = stack.pop()
            if isinstance(stmt, (ast.If, ast.Try)):
                for block in (stmt.body, *(h.body for h in getattr(stmt, "handlers", ())), stmt.orelse,
                              getattr(stmt, "finalbody", [])):
                    stack.extend(reversed(block))
            elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.List, ast.Tuple)):
                texts = tuple(e.value for e in stmt.value.elts
                              if isinstance(e, ast.Constant) and isinstance(e.value, str))
                if texts and len(texts) == len(stmt.value.elts):
                    found.extend((t.id, texts, stmt.lineno) for t in stmt.targets if isinstance(t, ast.Name))
        return tuple(found)

    def _constants(self) -> tuple[tuple[str, str, int], ...]:
        found: list[tuple[str, str, int]] = []
        for stmt in self.tree.body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            if isinstance(value, ast.Constant) and isinstance(value.value, (str, int)) and not isinstance(value.value, bool):
                for t in targets:
                    if isinstance(t, ast.Name):
                        found.append((t.id, str(value.value), stmt.lineno))
        return tuple(found)

    def _scopes(self, module_origins: dict[str, str]) -> None:
        """Every class and function at any depth, outermost first (a work list, not recursion)."""
        work: list[tuple[_Def, str, str, tuple[tuple[str, set[str]], ...], dict[str, str]]] = []
        for stmt in self._defs_in(self.tree.body):
            work.append((stmt, "", "", (), {}))
        while work:
            node, prefix, class_name, enclosing, class_origins = work.pop()
            qualname = f"{prefix}{node.name}"
            if isinstance(node, ast.ClassDef):
                origins = self._class(node, qualname)
                for stmt in self._defs_in(node.body):
                    work.append((stmt, qualname + ".", qualname, enclosing, origins))
                continue
            fact, local_names = self._function(node, qualname, class_name, enclosing, class_origins, module_origins)
            self.functions.append(fact)
            inner = enclosing + ((qualname, local_names),)
            for stmt in self._defs_in(node.body):
                work.append((stmt, qualname + ".", "", inner, {}))

    @staticmethod
    def _defs_in(body: Sequence[ast.stmt]) -> list[_Def]:
        """Defs and classes directly in a body, including inside if/try/with blocks."""
        found: list[_Def] = []
        stack: list[ast.stmt] = list(body)
        while stack:
            stmt = stack.pop()
            if isinstance(stmt, _DEFS):
                found.append(stmt)
            elif isinstance(stmt, _COMPOUND):
                for block in ("body", "orelse", "finalbody"):
                    stack.extend(getattr(stmt, block, []) or [])
                for h in getattr(stmt, "handlers", []) or []:
                    stack.extend(h.body)
                for case in getattr(stmt, "cases", []) or []:
                    stack.extend(case.body)
        return found

    def _class(self, node: ast.ClassDef, qualname: str) -> dict[str, str]:
        defaults = self.attacher.defaults_of(node)
        fields: list[FieldFact] = []
        texts: list[tuple[str, ...]] = []  # the text arguments of each field's value call
        meta: list[tuple[str, str]] = []
        has_tablename = False
        for stmt in node.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
                for m in stmt.body:
                    if isinstance(m, ast.Assign) and len(m.targets) == 1 and isinstance(m.targets[0], ast.Name):
                        meta.append((m.targets[0].id, _literal(m.value)))
                continue
            target: ast.expr | None = None
            value: ast.expr | None = None
            type_node: ast.expr | None = None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign):
                target, value, type_node = stmt.target, stmt.value, stmt.annotation
            if not isinstance(target, ast.Name):
                continue
            if target.id == "__tablename__":
                has_tablename = True
                continue
            annotation = self.attacher.annotation_of(stmt, "definition")
            marker = marker_annotation(type_node)
            if marker is not None:
                if annotation is not None:
                    self.attacher.problems.append(
                        (stmt.lineno, stmt.col_offset,
                         "annotated twice: a PersonalData marker and a '# privacy:' comment; keep one")
                    )
                annotation = marker
                self.attacher.sites.append(AnnotationSite(stmt.lineno, stmt.col_offset, "definition", marker))
            value_call = spell(value.func) if isinstance(value, ast.Call) else ""
            keywords = tuple((k.arg, _literal(k.value)) for k in value.keywords if k.arg) if isinstance(value, ast.Call) else ()
            texts.append(tuple(a.value for a in value.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
                         if isinstance(value, ast.Call) else ())
            fields.append(
                FieldFact(
                    name=target.id,
                    span=statement_span(stmt),
                    annotation=annotation,
                    value_call=value_call,
                    type_text=ast.unparse(type_node) if type_node is not None and _small(type_node) else "",
                    keywords=keywords,
                    constant=value is not None and not isinstance(value, ast.Call)
                    and not (isinstance(value, ast.Constant) and value.value is None),
                    fixed_text=isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value != "",
                )
            )
        fields = _with_views(fields, texts)
        origins = self._self_origins(node)
        self.classes.append(
            ClassFact(
                qualname=qualname,
                span=Span(node.lineno, node.col_offset, _header_end(node)),
                bases=tuple(spell(b) or _literal(b) for b in node.bases),
                keywords=tuple((k.arg or "**", _literal(k.value)) for k in node.keywords),
                decorators=tuple(spell(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list),
                meta=tuple(meta),
                defaults=defaults,
                fields=tuple(fields),
                has_tablename=has_tablename,
                decorator_args=tuple((spell(d.func), spell(a)) for d in node.decorator_list
                                     if isinstance(d, ast.Call) for a in d.args
                                     if isinstance(a, (ast.Name, ast.Attribute)) and spell(a)),
            )
        )
        return origins

    @staticmethod
    def _self_origins(node: ast.ClassDef) -> dict[str, str]:
        """``self.client = Client(...)`` in any method: instances' ``client`` is a ``Client()``;
        ``cls.Event = type(name, (Event, db.Model), namespace)`` (a class made at run time, as
        SQLAlchemy mixins do in a ``declared_attr``): ``cls.Event`` is a subclass of its first
        base, so ``self.Event(...)`` makes an ``Event``."""
        origins: dict[str, str] = {}
        for stmt in node.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or not stmt.args.args:
                continue
            self_name = stmt.args.args[0].arg
            for sub in walk(stmt):
                if type(sub) is ast.Assign and len(sub.targets) == 1 and isinstance(sub.value, ast.Call):
                    t = sub.targets[0]
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == self_name:
                        s = _made_class(sub.value) or spell(sub.value)
                        if s:
                            origins.setdefault(t.attr, s)
        return origins

    def _function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        qualname: str,
        class_name: str,
        enclosing: tuple[tuple[str, set[str]], ...],
        class_origins: dict[str, str],
        module_origins: dict[str, str],
    ) -> tuple[FunctionFact, set[str]]:
        params, param_lines = self._params(node)
        annotation = self.attacher.annotation_of(node, "def", skip=param_lines)
        is_method = bool(class_name) and not any(spell(d) == "staticmethod" for d in node.decorator_list)
        self_name = node.args.args[0].arg if is_method and node.args.args else ""
        walker = FunctionWalker(
            qualname, class_name, node.body, params, enclosing, self._lookup("scope"),
            class_origins, module_origins, self_name,
        )
        fact = walker.run(
            Span(node.lineno, node.col_offset, _header_end(node)),
            tuple(spell(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list),
            annotation,
        )
        self._collect(walker)
        return fact, walker.locals

    def _collect(self, walker: FunctionWalker) -> None:
        self.age_checks.extend(walker.age_checks)
        self.attacher.sites.extend(walker.marker_sites)

    def _params(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[tuple[ParamFact, ...], set[int]]:
        a = node.args
        ordered: list[tuple[ast.arg, str, bool]] = []
        positional = a.posonlyargs + a.args
        first_default = len(positional) - len(a.defaults)
        ordered += [(arg, "positional", i >= first_default) for i, arg in enumerate(positional)]
        if a.vararg:
            ordered.append((a.vararg, "var", False))
        ordered += [(arg, "keyword", d is not None) for arg, d in zip(a.kwonlyargs, a.kw_defaults)]
        if a.kwarg:
            ordered.append((a.kwarg, "varkw", False))
        per_line: dict[int, int] = {}
        for arg, _, _ in ordered:
            per_line[arg.lineno] = per_line.get(arg.lineno, 0) + 1
        params: list[ParamFact] = []
        owned: set[int] = set()
        for arg, kind, has_default in ordered:
            annotation = marker_annotation(arg.annotation)
            if annotation is not None:
                self.attacher.sites.append(AnnotationSite(arg.lineno, arg.col_offset, "definition", annotation))
            c = self.attacher.comments.get(arg.lineno)
            if annotation is None and c and c.kind == "privacy" and arg.lineno != node.lineno and per_line[arg.lineno] == 1:
                annotation = self.attacher.parse(c, "definition", arg.lineno, arg.col_offset)
                owned.add(arg.lineno)
            params.append(ParamFact(arg.arg, kind, arg.lineno, type_spelling(arg.annotation), annotation, has_default))
        return tuple(params), owned


def _with_views(fields: list[FieldFact], texts: list[tuple[str, ...]]) -> list[FieldFact]:
    """Each field whose value call names another field of the class as a text argument is a view
    of that field (a descriptor into a JSON column, a synonym): what it holds is stored there."""
    names = {f.name for f in fields}
    return [dataclasses.replace(f, view_of=column) if (column := next(
        (t for t in args if t in names and t != f.name), "")) else f for f, args in zip(fields, texts)]


def _made_class(call: ast.Call) -> str:
    """The first base's spelling of a class made by ``type(name, (Base, ...), namespace)``, else ""."""
    if spell(call.func) != "type" or len(call.args) != 3 or call.keywords:
        return ""
    bases = call.args[1]
    if not isinstance(bases, ast.Tuple) or not bases.elts or not isinstance(bases.elts[0], (ast.Name, ast.Attribute)):
        return ""
    return spell(bases.elts[0])


def _small(node: ast.expr) -> bool:
    """ast.unparse recurses: only unparse annotations of ordinary size."""
    count = 0
    for _ in ast.walk(node):
        count += 1
        if count > 200:
            return False
    return True
