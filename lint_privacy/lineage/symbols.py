"""Names across files: module names, imports (absolute and relative, re-exports), classes and
their bases, and which classes are persistence models. Pure lookups over FileFacts.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..config import Config
from ..facts import ClassFact, FieldFact, FileFacts, FunctionFact
from ..project import module_name

# Roots of persistence models (SPEC "stored").
DJANGO_MODEL = "django.db.models.Model"
SQLALCHEMY_BASES = (
    "sqlalchemy.orm.DeclarativeBase",
    "sqlalchemy.orm.DeclarativeBaseNoMeta",
    "sqlalchemy.ext.declarative.declarative_base()",
    "sqlalchemy.orm.declarative_base()",
    "flask_sqlalchemy.SQLAlchemy().Model",
)
_FLASK_SQLALCHEMY = "flask_sqlalchemy.SQLAlchemy"
SQLMODEL = "sqlmodel.SQLModel"
# Roots of data classes that hold values in memory only.
TRANSIENT_BASES = {
    "pydantic.BaseModel": "pydantic model",
    "pydantic.main.BaseModel": "pydantic model",
    "typing.TypedDict": "TypedDict",
    "typing_extensions.TypedDict": "TypedDict",
    "typing.NamedTuple": "NamedTuple",
    "rest_framework.serializers.Serializer": "serializer",
    "rest_framework.serializers.ModelSerializer": "serializer",
    "django.forms.Form": "form",
    "django.forms.ModelForm": "form",
}
TRANSIENT_DECORATORS = {
    "dataclasses.dataclass": "dataclass",
    "attr.s": "attrs class",
    "attr.attrs": "attrs class",
    "attr.define": "attrs class",
    "attr.frozen": "attrs class",
    "attrs.define": "attrs class",
    "attrs.frozen": "attrs class",
    "pydantic.dataclasses.dataclass": "pydantic dataclass",
}
_MAX_HOPS = 20
# Classes of a hierarchy looked at for a field (a real one has a few dozen at most).
_MAX_HIERARCHY = 200


@dataclass(frozen=True)
class ClassInfo:
    qualname: str  # module.Class
    path: str
    fact: ClassFact
    bases: tuple[str, ...]  # resolved qualified spellings
    storage: str  # "django", "sqlalchemy", "sqlmodel", "base:<name>" or ""
    kind: str  # what the class is, for messages: "Django model", "dataclass", "class"
    abstract: bool


class Symbols:
    """Resolves spellings of one file to qualified names of the project or of libraries."""

    def __init__(self, files: Iterable[FileFacts], config: Config) -> None:
        self.config = config
        self.files: dict[str, FileFacts] = {}
        self.module_of_path: dict[str, str] = {}
        self.path_of_module: dict[str, str] = {}
        self.imports: dict[str, dict[str, str]] = {}
        self.top_names: dict[str, set[str]] = {}
        self.classes: dict[str, tuple[str, ClassFact]] = {}
        self.functions: dict[str, tuple[str, FunctionFact]] = {}
        self.constants: dict[str, str] = {}
        for facts in files:
            self._add(facts)
        self._class_info: dict[str, ClassInfo | None] = {}  # None: being made (a cycle guard)
        self._resolved: dict[str, dict[str, str]] = {}  # path -> spelling -> qualified: asked again and again
        self._origins_open: set[str] = set()  # module variables whose origin is being resolved
        self._all: list[ClassInfo] | None = None  # every class, by name

    def _add(self, facts: FileFacts) -> None:
        path = facts.path
        module = module_name(self.config, path)
        self.files[path] = facts
        self.module_of_path[path] = module
        self.path_of_module[module] = path
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        table: dict[str, str] = {}
        for imp in facts.imports:
            base = imp.module
            if imp.level:
                parts = package.split(".") if package else []
                keep = len(parts) - (imp.level - 1)
                anchor = ".".join(parts[:max(keep, 0)])
                base = ".".join(p for p in (anchor, imp.module) if p)
            table[imp.local] = f"{base}.{imp.name}" if imp.name else base
        self.imports[module] = table
        names = {c.qualname for c in facts.classes} | {f.qualname for f in facts.functions}
        names |= {n for n, _, _ in facts.constants} | {n for n, _ in facts.global_origins}
        self.top_names[module] = names
        for c in facts.classes:
            self.classes[f"{module}.{c.qualname}"] = (path, c)
        for f in facts.functions:
            if f.qualname != "<module>":
                self.functions[f"{module}.{f.qualname}"] = (path, f)
        for name, value, _ in facts.constants:
            self.constants[f"{module}.{name}"] = value

    def replace(self, changed: Iterable[FileFacts], gone: Iterable[str]) -> None:
        """These files' new facts in place of their old ones (or added), and the files ``gone``
        removed. What was resolved in the files whose resolutions may change with them must be
        forgotten too (:meth:`forget`)."""
        changed, gone = list(changed), list(gone)
        self._all = None
        same = not gone and all(f.path in self.files and _constants(self.files[f.path]) == _constants(f)
                                for f in changed)
        for path in [*gone, *(f.path for f in changed)]:
            self._drop(path)
        for facts in changed:
            self._add(facts)
        if not same:  # in the files' order, as a build makes it (a settings value is looked for in order)
            self.constants = {f"{self.module_of_path[p]}.{name}": value
                              for p in sorted(self.files) for name, value in _constants(self.files[p])}

    def _drop(self, path: str) -> None:
        facts = self.files.pop(path, None)
        module = self.module_of_path.pop(path, None)
        if facts is None or module is None:
            return
        if self.path_of_module.get(module) == path:
            del self.path_of_module[module]
        self.imports.pop(module, None)
        self.top_names.pop(module, None)
        for c in facts.classes:
            self.classes.pop(f"{module}.{c.qualname}", None)
        for f in facts.functions:
            self.functions.pop(f"{module}.{f.qualname}", None)

    def forget(self, paths: Iterable[str]) -> None:
        """Forget what was resolved in these files and the classes they define."""
        paths = set(paths)
        self._all = None
        for path in paths:
            self._resolved.pop(path, None)
        for q in [q for q, info in self._class_info.items() if info is None or info.path in paths]:
            del self._class_info[q]

    # ---- resolution ----

    def resolve(self, path: str, spelling: str) -> str:
        """``models.Model`` in a file that imports ``from django.db import models`` ->
        ``django.db.models.Model``; a name defined in the file -> ``module.name``."""
        known = self._resolved.get(path)
        if known is None:
            known = self._resolved[path] = {}
        found = known.get(spelling)
        if found is None:
            found = known[spelling] = self._resolve(path, spelling)
        return found

    def _resolve(self, path: str, spelling: str) -> str:
        if not spelling:
            return spelling
        module = self.module_of_path.get(path, "")
        first, sep, rest = _split_head(spelling)
        table = self.imports.get(module, {})
        if first in table:
            qualified = table[first] + rest
        elif first in self.top_names.get(module, set()) or _class_prefix(first + rest, self.top_names.get(module, set())):
            qualified = f"{module}.{first}{rest}"
        else:
            return spelling
        return self.canonical(qualified)

    def canonical(self, qualified: str) -> str:
        """Follow re-exports: ``pkg.User`` where ``pkg/__init__.py`` imports ``.models.User``."""
        for _ in range(_MAX_HOPS):
            module, name, rest = self._split_module(qualified)
            if not module or not name:
                return qualified
            table = self.imports.get(module, {})
            if name in table and name not in self.top_names.get(module, set()):
                target = table[name] + rest
            elif rest and (origin := self._origin(module, name)):
                # `mail = Mail()` in app/extensions.py: `extensions.mail.send` is `flask_mail.Mail().send`
                target = origin + rest
            else:
                return qualified
            if target == qualified:
                return qualified
            qualified = target
        return qualified

    def _origin(self, module: str, name: str) -> str:
        """What made a module-level variable, resolved in its own module (``flask_mail.Mail()``),
        when it is a call's result and no class or function of the project is named so."""
        key = f"{module}.{name}"
        if key in self.classes or key in self.functions or key in self._origins_open or len(self._origins_open) > _MAX_HOPS:
            return ""  # `db = db.init()`, or a chain of variables made from variables: stop there
        path = self.path_of_module[module]
        for gname, origin in self.files[path].global_origins:
            if gname == name:
                self._origins_open.add(key)
                try:
                    resolved = self.resolve(path, origin)
                finally:
                    self._origins_open.discard(key)
                return resolved if resolved.endswith(")") else ""
        return ""

    def _split_module(self, qualified: str) -> tuple[str, str, str]:
        """Longest project-module prefix of a qualified spelling, the next name, the rest."""
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            if module in self.path_of_module:
                first, _, rest = _split_head(".".join(parts[i:]))
                return module, first, rest
        return "", "", ""

    # ---- classes ----

    def class_info(self, qualname: str) -> ClassInfo | None:
        if qualname in self._class_info:
            return self._class_info[qualname]
        if qualname not in self.classes:
            return None
        # A class's storage comes from its bases: they are made first, depth first with an explicit
        # stack (a chain of 10,000 subclasses costs no Python frames). A class met again while its
        # own bases are being made (a cycle) is no project class there, as it is in Python.
        bases_of: dict[str, tuple[str, ...]] = {}
        stack = [qualname]
        while stack:
            q = stack[-1]
            if q not in bases_of:
                path, fact = self.classes[q]
                bases_of[q] = tuple(self.resolve(path, b) for b in fact.bases)
                self._class_info[q] = None
                stack.extend(b for b in reversed(bases_of[q]) if b in self.classes and b not in self._class_info)
                continue
            stack.pop()
            if self._class_info.get(q) is None:  # not made yet (a class may be stacked twice)
                self._class_info[q] = self._made(q, bases_of[q])
        return self._class_info[qualname]

    def _made(self, qualname: str, bases: tuple[str, ...]) -> ClassInfo:
        """The class's info, its project bases made already."""
        path, fact = self.classes[qualname]
        storage, kind = self._storage(qualname, path, fact, bases)
        meta = dict(fact.meta)
        return ClassInfo(qualname, path, fact, bases, storage, kind, meta.get("abstract") == "True")

    def _storage(self, qualname: str, path: str, fact: ClassFact, bases: tuple[str, ...]) -> tuple[str, str]:
        keywords = dict(fact.keywords)
        decorators = [self.resolve(path, d) for d in fact.decorators]
        for d in decorators:
            if d in TRANSIENT_DECORATORS or d.rsplit(".", 1)[-1] == "dataclass":
                return "", TRANSIENT_DECORATORS.get(d, "dataclass")
        user_bases = set(self.config.persistence_bases)
        for base in bases:
            if base in user_bases or base.rsplit(".", 1)[-1] in user_bases:
                return f"base:{base}", f"subclass of {base}"
            if base == DJANGO_MODEL or base.endswith("models.Model") and base.startswith("django"):
                kind = "Django proxy model" if dict(fact.meta).get("proxy") == "True" else "Django model"
                return "django", kind
            if base == SQLMODEL or base.endswith(".SQLModel"):
                if keywords.get("table") == "True":
                    return "sqlmodel", "SQLModel table"
                return "", "SQLModel model (no table=True)"
            if base in SQLALCHEMY_BASES or self._is_declarative_base(base) or self._extension_model(base):
                return "sqlalchemy", "SQLAlchemy model"
            if base in TRANSIENT_BASES:
                return "", TRANSIENT_BASES[base]
            parent = self.class_info(base)
            if parent is not None:
                if parent.storage == "django" and dict(fact.meta).get("proxy") == "True":
                    return "django", "Django proxy model"
                if parent.storage:
                    if parent.storage == "sqlmodel" or (parent.kind.startswith("SQLModel") and keywords.get("table") == "True"):
                        return "sqlmodel", "SQLModel table"
                    return parent.storage, parent.kind
                if parent.kind.startswith("SQLModel") and keywords.get("table") == "True":
                    return "sqlmodel", "SQLModel table"
                if parent.kind != "class":
                    return "", parent.kind
        if any(self._sqlalchemy_column(path, f) for f in fact.fields):
            # a mixin declaring columns (``additional: Mapped[dict] = mapped_column(JSONB)``): each
            # mapped subclass stores them in its own table (the subclass may be made at run time)
            return "sqlalchemy", "SQLAlchemy mixin (declares columns)"
        return "", "class"

    def _sqlalchemy_column(self, path: str, field: FieldFact) -> bool:
        """A column declaration: ``Mapped[...]`` or SQLAlchemy's ``mapped_column``/``Column``."""
        made = self.resolve(path, field.value_call) if field.value_call else ""
        return field.type_text.startswith("Mapped[") or (
            made.startswith("sqlalchemy.") and made.rsplit(".", 1)[-1] in ("mapped_column", "Column"))

    def _extension_model(self, base: str) -> bool:
        """``db.Model`` where ``db = AppSQLAlchemy(...)``, a project class deriving from
        Flask-SQLAlchemy's extension: its ``Model`` is the extension's."""
        made, _, attr = base.rpartition("().")
        return attr == "Model" and made in self.classes and _FLASK_SQLALCHEMY in self.hierarchy(made)

    def _is_declarative_base(self, base: str) -> bool:
        """``Base = declarative_base()`` in a project module makes ``module.Base`` a base."""
        module, name, rest = self._split_module(base)
        if not module or rest:
            return False
        resolved = self._origin(module, name)
        return resolved in SQLALCHEMY_BASES or resolved.endswith("declarative_base()") or resolved.endswith(".SQLAlchemy().Model")

    def all_classes(self) -> list[ClassInfo]:
        """Every class, by name (kept until the classes change)."""
        if self._all is None:
            self._all = [info for q in sorted(self.classes) if (info := self.class_info(q)) is not None]
        return self._all

    def hierarchy(self, class_qualname: str) -> Iterator[str]:
        """The class, then its bases breadth-first (project classes and external names), once each,
        at most _MAX_HIERARCHY of them: every class of a chain of 10,000 subclasses asks for its
        fields, and walking each one's whole chain would be quadratic (its storage, made by
        :meth:`class_info`, still comes from the whole chain)."""
        seen: set[str] = set()
        queue = deque([class_qualname])
        while queue and len(seen) < _MAX_HIERARCHY:
            q = queue.popleft()
            if q in seen:
                continue
            seen.add(q)
            yield q
            info = self.class_info(q)
            if info is not None:
                queue.extend(info.bases)

    def field_owner(self, class_qualname: str, name: str) -> tuple[ClassInfo, FieldFact] | None:
        """The class in the hierarchy (the class first, then its bases) that defines a field."""
        for q in self.hierarchy(class_qualname):
            info = self.class_info(q)
            if info is None:
                continue
            for f in info.fact.fields:
                if f.name == name:
                    return info, f
        return None

_STOP = re.compile(r"[.(\[]")  # where the head of a spelling ends (as extract.spelling.head)


def _constants(facts: FileFacts) -> list[tuple[str, str]]:
    return [(name, value) for name, value, _ in facts.constants]


def _split_head(spelling: str) -> tuple[str, str, str]:
    stop = _STOP.search(spelling)
    end = stop.start() if stop else len(spelling)
    return spelling[:end], spelling[end:end + 1], spelling[end:]


def _class_prefix(spelling: str, names: set[str]) -> bool:
    """``Outer.Inner`` names a nested class of the module."""
    parts = spelling.split(".")
    return any(".".join(parts[:i]) in names for i in range(2, len(parts) + 1))
