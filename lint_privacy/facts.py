"""Per-file facts: what one file says about personal data, independent of the policy and of
other files. The cache stores them; the lineage stage joins them into the project graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from .annotations import Annotation

# Local node ids inside one function's flow graph (strings keep the cache format plain):
#   p:NAME   parameter         v:NAME   local variable (module-level code: a global)
#   g:NAME   free name (a global, import or builtin), resolved in the lineage stage
#   c:N      result of calls[N]            a:N   attribute read attrs[N]
#   s:N      sources[N] (request input, a constant-key read, annotated variable)   r   the return value
#   t:NAME   self.NAME / cls.NAME (an attribute of the enclosing class's instances)


@dataclass(frozen=True)
class Span:
    line: int  # first line of the statement (1-based)
    col: int  # column of the statement (0-based)
    end_line: int


@dataclass(frozen=True)
class FieldFact:
    """A class attribute: a model field, a dataclass/pydantic field or a plain attribute."""

    name: str
    span: Span
    annotation: Annotation | None
    value_call: str  # callee spelling of the value (``models.EmailField``, ``mapped_column``) or ""
    type_text: str  # the annotation's spelling (``Mapped[str]``, ``str``) or ""
    keywords: tuple[tuple[str, str], ...] = ()  # literal keyword args of the value call
    constant: bool = False  # the value is no call and no None placeholder: a literal, a name, a list
    fixed_text: bool = False  # the value is a non-empty text literal: the same text in every instance
    # the field of the same class this one reads and writes through, named as the value call's
    # text argument: ``json_cast_property(Text, "details", "avatar")`` is a view of ``details``
    view_of: str = ""


@dataclass(frozen=True)
class ClassFact:
    qualname: str  # ``Outer.Inner`` for nested classes
    span: Span
    bases: tuple[str, ...]  # spellings as written: ``models.Model``, ``Base``
    keywords: tuple[tuple[str, str], ...]  # ``table=True`` (values as source text)
    decorators: tuple[str, ...]
    meta: tuple[tuple[str, str], ...]  # Django ``class Meta`` literals: abstract, proxy
    defaults: Annotation | None
    fields: tuple[FieldFact, ...]
    has_tablename: bool = False
    # (decorator, argument) for each name passed to a decorator call: @implementer(IService)
    decorator_args: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ImportFact:
    local: str  # the bound name
    module: str  # as written (without the leading dots)
    name: str  # imported attribute ("" for ``import x``)
    level: int  # leading dots of a relative import
    line: int


@dataclass(frozen=True)
class ArgFact:
    position: int | None  # None for keywords and ``**``
    keyword: str | None
    star: str  # "", "*" or "**"
    nodes: tuple[str, ...]  # local nodes whose data flows into the argument
    const: str | None  # a string literal, or the constant prefix of an f-string
    name: str  # spelling when the argument is a plain name/attribute (``settings.CRM_URL``)


@dataclass(frozen=True)
class CallFact:
    func: str  # callee spelling, local names unresolved: ``requests.post``, ``Salesforce().Contact.create``
    span: Span  # the statement holding the call: findings are reported on its first line
    line: int  # the call's own line
    args: tuple[ArgFact, ...]
    receiver: tuple[str, ...]  # nodes of the receiver object (method calls)
    receiver_var: str  # local node id the receiver names ("v:payload"), "" otherwise
    annotation: Annotation | None  # the ``# privacy:`` comment of its statement, if any
    raised: bool = False  # the call builds an exception that is raised
    guards: tuple[str, ...] = ()  # spellings of calls whose success guards this call


@dataclass(frozen=True)
class AttrFact:
    attr: str
    receiver: tuple[str, ...]  # nodes of the receiver value
    receiver_text: str  # spelling of the receiver (``self``, ``user``, ``request.user``)
    line: int


@dataclass(frozen=True)
class SourceFact:
    kind: str  # "request" (input read under a key), "key" (any mapping read under a constant key) or
    # "annotated" (annotated variable/parameter)
    key: str  # the request key or variable name
    line: int
    annotation: Annotation | None = None
    container: str = ""  # ``request.POST`` for request input


@dataclass(frozen=True)
class ParamFact:
    name: str
    kind: str  # "positional", "keyword", "var", "varkw"
    line: int
    type_text: str
    annotation: Annotation | None  # marker or comment on the parameter's own line
    has_default: bool = False


@dataclass(frozen=True)
class FunctionFact:
    qualname: str  # ``<module>`` for module-level code; ``Class.method``; ``outer.inner``
    span: Span
    class_name: str  # enclosing class qualname, "" for functions
    params: tuple[ParamFact, ...]
    decorators: tuple[str, ...]
    annotation: Annotation | None  # ``# privacy: purpose=...`` on the def
    calls: tuple[CallFact, ...]
    attrs: tuple[AttrFact, ...]
    sources: tuple[SourceFact, ...]
    edges: tuple[tuple[str, str], ...]  # local flow edges (from, to)
    # (receiver text, attr, nodes, the receiver's local node when it is a variable or parameter, else "",
    #  the line of the store)
    attr_stores: tuple[tuple[str, str, tuple[str, ...], str, int], ...] = ()
    plain: tuple[str, ...] = ()  # versions of variables annotated `# privacy: none` (hold nothing personal)
    # locals put under a constant key of a dict literal: (key, local node, line); {"username": actor}
    keyed: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class AgeCheck:
    """A comparison of an age or date-of-birth value with a constant (age gates)."""

    span: Span
    subject: str  # the spelling compared (``user.age``)
    op: str
    value: int
    function: str


@dataclass(frozen=True)
class AnnotationSite:
    """An annotation and the statement it belongs to (findings go on the statement's line)."""

    line: int
    col: int
    place: str  # "definition", "call", "def", "defaults"
    annotation: Annotation


@dataclass(frozen=True)
class FileFacts:
    path: str  # relative to the project root, with forward slashes
    module_defaults: Annotation | None
    imports: tuple[ImportFact, ...]
    constants: tuple[tuple[str, str, int], ...]  # module-level NAME = "string" or int, with its line
    classes: tuple[ClassFact, ...]
    functions: tuple[FunctionFact, ...]
    problems: tuple[tuple[int, int, str], ...]  # (line, col, message): annotations attached to nothing
    annotations: tuple[AnnotationSite, ...]  # every annotation of the file, where it belongs
    global_origins: tuple[tuple[str, str], ...] = ()  # module NAME = Callee(...) -> callee spelling
    age_checks: tuple[AgeCheck, ...] = ()
    line_count: int = 0
    noqa: tuple[tuple[int, str], ...] = ()  # (line, the noqa comment naming a PRV code): the suppression report
    dotted_strings: tuple[tuple[str, int], ...] = ()  # "pkg.mod.Class" literals (logging dictConfig)
    # module-level NAME = ["text", ...] (a list or tuple of texts, also under if/try), with its line
    text_lists: tuple[tuple[str, tuple[str, ...], int], ...] = ()
