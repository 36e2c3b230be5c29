"""Safe, positioned YAML reading for the policy and the catalog: plain data plus where each node stands,
capped against alias bombs and deep nesting, refusing duplicate keys and object-building tags.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

# Caps applied while the document is still a stream of events, before anything walks it.
MAX_DEPTH = 40
MAX_NODES = 50_000  # the default cap, counted after alias expansion: what a walker would visit

_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_ALLOWED_TAGS = _SCALAR_TAGS | {_YAML_TAG + "map", _YAML_TAG + "seq"}
# libyaml's parser is ~10x faster; the pure-Python one gives the same events.
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlProblem:
    """One thing wrong with a document, at a 1-based line and column (0, 0: no position known).
    For callers with their own words: ``kind`` ("syntax", "duplicate", "tag", "nodes", "depth", ...),
    ``subject`` (the key, tag, anchor or YAML error), ``other`` (a duplicate's first key, a cycle's
    anchored node, a second document's first node)."""

    line: int
    column: int
    message: str
    kind: str = ""
    subject: str = ""
    other: tuple[int, int] = (0, 0)


class YamlError(Exception):
    """Reading stopped: the document cannot be trusted any further (syntax error, bomb, too deep).
    ``problems`` ends with the one that stopped it, after those found before it."""

    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problems = [problem]


class Loc:
    """Where a node of the document is, and where its children and (for mappings) keys are."""

    __slots__ = ("line", "column", "raw", "keys", "children")

    def __init__(self, line: int, column: int, raw: str | None = None) -> None:
        self.line, self.column, self.raw = line, column, raw
        self.keys: dict[str, Loc] = {}
        self.children: dict[Any, Loc] = {}

    def at(self, path: Iterable[Any]) -> Loc:
        """The deepest known node along ``path`` (an error under a missing node points at its parent)."""
        loc = self
        for part in path:
            nxt = loc.children.get(part)
            if nxt is None:
                break
            loc = nxt
        return loc


def _at(event: yaml.Event, raw: str | None = None) -> Loc:
    """Where an event starts (a parser's events always carry their mark)."""
    mark = event.start_mark
    return Loc(mark.line + 1, mark.column + 1, raw) if mark is not None else Loc(0, 0, raw)


class _Frame:
    __slots__ = ("container", "loc", "anchor", "size", "key", "key_loc", "skip")

    def __init__(self, container: dict[str, Any] | list[Any], loc: Loc, anchor: str | None) -> None:
        self.container, self.loc, self.anchor = container, loc, anchor
        self.size = 1  # nodes under this one after alias expansion, itself included
        self.key: str | None = None  # a mapping's key waiting for its value
        self.key_loc: Loc | None = None
        self.skip = False  # the waiting key is a duplicate: build its value, then drop it

    @property
    def wants_key(self) -> bool:
        return isinstance(self.container, dict) and self.key is None


def parse_yaml(text: str, *, max_nodes: int = MAX_NODES,
               what: str = "document") -> tuple[Any, Loc | None, list[YamlProblem]]:
    """Build plain data (dict/list/str/int/float/bool/None) and its locations from YAML events.

    Working from the event stream rather than PyYAML's composer lets every cap apply before a
    node is built, keeps recursion out (the composer recurses once per nesting level), and gives
    duplicate keys and tags a message with their position instead of silent acceptance.
    ``what`` names the document in messages; no document at all gives ``(None, None, problems)``.
    Raises :class:`YamlError` for what stops reading; returns the lesser problems.
    """
    return _Builder(text, max_nodes, what).run()


class _Builder:
    def __init__(self, text: str, max_nodes: int, what: str) -> None:
        self.text, self.max_nodes, self.what = text, max_nodes, what
        self.problems: list[YamlProblem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.anchors: dict[str, tuple[Any, Loc, int]] = {}
        self.stack: list[_Frame] = []
        self.root: tuple[Any, Loc] | None = None
        self.total = 0  # nodes seen so far, aliases counted as the size of what they repeat

    @staticmethod
    def problem(where: Loc, message: str, kind: str, subject: str = "",
                other: tuple[int, int] = (0, 0)) -> YamlProblem:
        return YamlProblem(where.line, where.column, message, kind, subject, other)

    def count(self, size: int, loc: Loc) -> None:
        self.total += size
        if self.total > self.max_nodes:
            raise YamlError(self.problem(loc, f"the document expands to more than {self.max_nodes:,} nodes "
                                              f"(an alias bomb?); a {self.what} needs far fewer", "nodes"))

    def check_tag(self, tag: str | None, where: Loc) -> None:
        if tag and tag != "!" and tag not in _ALLOWED_TAGS:
            shown = "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag
            self.problems.append(self.problem(
                where, f"tag '{shown}' is not allowed: a {self.what} is plain YAML "
                       "(text, numbers, true/false, lists and mappings)", "tag", tag))

    def run(self) -> tuple[Any, Loc | None, list[YamlProblem]]:
        loader = _Loader(self.text)
        try:
            self.read_events(loader)
        except YamlError as fatal:
            fatal.problems[:0] = self.problems  # a duplicate key before a syntax error is still one
            raise
        finally:
            loader.dispose()
        if self.root is None:
            return None, None, self.problems
        return self.root[0], self.root[1], self.problems

    def read_events(self, loader: Any) -> None:
        try:
            documents = 0
            while loader.check_event():
                event = loader.get_event()
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        raise YamlError(self.problem(
                            _at(event), f"a {self.what} file holds one YAML document; found a second one",
                            "documents", other=self.next_position(loader)))
                elif isinstance(event, yaml.ScalarEvent):
                    self.on_scalar(event, loader)
                elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    self.on_start(event)
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    frame = self.stack.pop()
                    if frame.anchor:
                        self.anchors[frame.anchor] = (frame.container, frame.loc, frame.size)
                    self.attach(frame.container, frame.loc, frame.size)
                elif isinstance(event, yaml.AliasEvent):
                    self.on_alias(event)
        except yaml.MarkedYAMLError as exc:
            where = exc.problem_mark or exc.context_mark
            message = f"YAML syntax error: {exc.problem}" + (f" ({exc.context})" if exc.context else "")
            line, column = (where.line + 1, where.column + 1) if where else (0, 0)
            raise YamlError(YamlProblem(line, column, message, "syntax", exc.problem or exc.context or "")) from None
        except yaml.YAMLError as exc:  # reader errors: control characters and the like
            position = getattr(exc, "position", None)
            line = column = 0
            if isinstance(position, int):
                line = self.text.count("\n", 0, position) + 1
                column = position - (self.text.rfind("\n", 0, position) + 1) + 1
            reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]  # one line per problem
            raise YamlError(YamlProblem(line, column, f"not readable as YAML: {reason}", "syntax", reason)) from None

    @staticmethod
    def next_position(loader: Any) -> tuple[int, int]:
        """Where the next event starts ((0, 0) if it cannot be read)."""
        with contextlib.suppress(yaml.YAMLError):
            mark = loader.peek_event().start_mark
            return mark.line + 1, mark.column + 1
        return 0, 0

    def on_scalar(self, event: yaml.ScalarEvent, loader: Any) -> None:
        loc = _at(event, event.value if event.implicit[0] else None)  # raw: plain only
        self.count(1, loc)
        self.check_tag(event.tag, loc)
        if self.stack and self.stack[-1].wants_key:
            loc.raw = event.value  # keys are ids: "NO" or "on" stay text, never YAML 1.1 booleans
            value: Any = event.value
        else:
            value = self.construct(event, loader, loc)
        if event.anchor:
            self.anchors[event.anchor] = (value, loc, 1)
        self.attach(value, loc, 1)

    def construct(self, event: yaml.ScalarEvent, loader: Any, loc: Loc) -> Any:
        tag = event.tag
        if not tag or tag not in _SCALAR_TAGS:
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value)
        name = tag[len(_YAML_TAG):]
        try:
            if name == "int":
                return self.constructor.construct_yaml_int(node)
            if name == "float":
                return self.constructor.construct_yaml_float(node)
            if name == "bool":
                return self.constructor.construct_yaml_bool(node)
            if name == "null":
                return None
        except (ValueError, KeyError):
            self.problems.append(self.problem(loc, f"'{event.value}' is not a valid {name}", "value", event.value))
        return event.value  # text; timestamps stay as written (dates are text in the schema)

    def on_start(self, event: yaml.CollectionStartEvent) -> None:
        loc = _at(event)
        self.check_tag(event.tag, loc)
        if self.stack and self.stack[-1].wants_key:
            raise YamlError(self.problem(loc, "a mapping key must be plain text, not a list or mapping",
                                         "key"))
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError(self.problem(loc, f"nested deeper than {MAX_DEPTH} levels; a {self.what} needs "
                                              "far fewer", "depth"))
        self.count(1, loc)
        container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        self.stack.append(_Frame(container, loc, event.anchor))

    def on_alias(self, event: yaml.AliasEvent) -> None:
        loc, anchor = _at(event), event.anchor or ""  # an alias always names its anchor
        if anchor not in self.anchors:
            # An anchor that is still open here belongs to a node containing this alias: a cycle.
            around = [(f.loc.line, f.loc.column) for f in self.stack if f.anchor == anchor]
            raise YamlError(self.problem(loc, f"alias '*{anchor}' " + (
                "refers to a node that contains it" if around else f"has no anchor '&{anchor}' before it"),
                "cycle" if around else "alias", anchor, around[0] if around else (0, 0)))
        if self.stack and self.stack[-1].wants_key:
            raise YamlError(self.problem(loc, "a mapping key must be plain text, not an alias", "key"))
        value, anchor_loc, size = self.anchors[anchor]
        self.count(size, loc)
        if not isinstance(value, (dict, list)):
            anchor_loc = Loc(loc.line, loc.column, anchor_loc.raw)  # a repeated scalar: point at the use
        self.attach(value, anchor_loc, size)

    def attach(self, value: Any, loc: Loc, size: int) -> None:
        """Put a finished node into its parent (or make it the root)."""
        if not self.stack:
            self.root = (value, loc)
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.container, list):
            top.loc.children[len(top.container)] = loc
            top.container.append(value)
        elif top.key is None:  # the node is a key
            if value == "<<":
                self.problems.append(self.problem(loc, "merge keys ('<<') are not supported; write the entries out",
                                                  "merge"))
            first = top.loc.keys.get(value)
            if first is not None:
                self.problems.append(self.problem(
                    loc, f"duplicate key '{value}' (first at line {first.line}, column {first.column})",
                    "duplicate", value, (first.line, first.column)))
            top.key, top.key_loc, top.skip = value, loc, first is not None
        else:
            if not top.skip and top.key_loc is not None:
                top.loc.keys[top.key] = top.key_loc
                top.loc.children[top.key] = loc
                top.container[top.key] = value
            top.key = None
