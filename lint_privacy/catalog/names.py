"""Personal data found by name: identifiers are split into words and matched against the word
patterns of ``names.yaml``, with word-level exclusions so booleans, counts and config are quiet.
"""

# The rules, and why, are written at the top of names.yaml; this module only compiles them.

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

# Upper-case runs before a capitalised word (HTTPServer -> HTTP Server), capitalised or lower
# words, trailing upper-case runs. Digits and punctuation separate words and are dropped, so
# EMAIL_ADDR2 -> email addr and ipv4 -> ipv.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")
# classify() runs for every field, dict key and request key of a project; memoise, but keep
# a long-lived editor process from growing without bound.
_MEMO_LIMIT = 100_000


@dataclass(frozen=True)
class Kind:
    """An element kind: the shared vocabulary of policy ``elements`` and name matching."""

    id: str
    label: str
    personal: bool
    special: bool
    within: str = ""  # a broader kind that covers this one in a policy's elements (iban -> bank_account)
    local: bool = True  # also found by a parameter's, variable's or mapping key's name, not only a field's
    local_patterns: tuple[str, ...] = ()  # if any: the only patterns that find it by such a name
    whole: bool = False  # an object, personal only when put into a message whole (``f"{user}"``)


class FieldLike(Protocol):
    """What :meth:`Names.field_kind` reads of a class attribute (``facts.FieldFact``, frozen: the
    members are read-only)."""

    @property
    def name(self) -> str: ...
    @property
    def value_call(self) -> str: ...
    @property
    def type_text(self) -> str: ...
    @property
    def constant(self) -> bool: ...
    @property
    def fixed_text(self) -> bool: ...


@dataclass(frozen=True)
class NameMatch:
    """The kind an identifier names, and the pattern (as written in the YAML) that said so."""

    kind: str
    matched: str


@dataclass(frozen=True)
class ClassFamily:
    """A family of classes named by the words of their names (catalog ``class_families``)."""

    words: tuple[str, ...] = ()  # a word of the class's name that makes it one of the family
    nots: tuple[str, ...] = ()  # words that rule it out
    first: bool = False  # only the name's first word counts
    not_kinds: tuple[str, ...] = ()  # kinds its fields do not hold by their names...
    unless: tuple[str, ...] = ()  # ...unless the class names a family of these


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    kind: str
    text: str
    order: int  # position of the kind in the catalog: the last tie-breaker


def split_words(identifier: str) -> tuple[str, ...]:
    """``billingEmail`` -> ``('billing', 'email')``; ``EMAIL_ADDR2`` -> ``('email', 'addr')``."""
    return tuple(w.lower() for w in _WORD.findall(identifier))


def _occurs(seq: tuple[str, ...], words: tuple[str, ...]) -> bool:
    n = len(seq)
    return any(words[i : i + n] == seq for i in range(len(words) - n + 1))


_CLASS = re.compile(r"\b[A-Z]\w*")  # a class's name in a type's spelling (``Mapped[list["UserLogin"]]``)
_WRAPPERS = re.compile(r"^(?:\w+\.)*(?:Mapped|Optional|Annotated|ClassVar|Final)\[(.*)\]$")


def _base_type(type_text: str) -> str:
    """``Mapped[Optional[bool]]`` -> ``bool``; ``int | None`` -> ``int``; ``models.Field`` -> ``Field``."""
    text = type_text.replace(" ", "")
    while (m := _WRAPPERS.match(text)) is not None:
        text = m.group(1).split(",")[0]
    text = next((part for part in text.split("|") if part != "None"), "")
    return text.rpartition(".")[2]


class Names:
    """Compiled name patterns; ``classify`` says which personal kind an identifier names."""

    def __init__(
        self,
        kinds: Mapping[str, Kind],
        patterns: Mapping[str, Iterable[str]],
        excludes: Mapping[str, Iterable[str]],
        first: Iterable[str],
        after: Iterable[str],
        last: Iterable[str],
        types: Iterable[str] = (),
        bases: Iterable[str] = (),
        class_patterns: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
        class_families: Mapping[str, ClassFamily] | None = None,
        models: Mapping[str, Mapping[str, str]] | None = None,
        model_receivers: Mapping[str, str] | None = None,
        callbacks: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        # Models of frameworks the project uses but does not own: field -> kind; and spellings
        # that hold an instance of one (request.user).
        self.models: dict[str, dict[str, str]] = {m: dict(f) for m, f in (models or {}).items()}
        self.model_receivers: dict[str, str] = dict(model_receivers or {})
        # Settings listing functions a framework calls with a person's data: parameter -> kind.
        self.callbacks: dict[str, dict[str, str]] = {s: dict(p) for s, p in (callbacks or {}).items()}
        self.kinds: dict[str, Kind] = dict(kinds)
        self._types = frozenset(types)
        self._bases = tuple(bases)
        # family -> (words that make a class one of it, words that rule it out, first word only)
        self._families = {
            family: (frozenset(w for t in c.words for w in split_words(t)),
                     frozenset(w for t in c.nots for w in split_words(t)), c.first)
            for family, c in (class_families or {}).items()
        }
        # family -> (kinds its classes' fields do not hold, families whose mention says they do)
        self._not_held = {family: (frozenset(c.not_kinds), c.unless)
                          for family, c in (class_families or {}).items() if c.not_kinds}
        # family -> a field's words -> the kind they name in a class of that family
        self._class_patterns: dict[str, dict[tuple[str, ...], str]] = {}
        for kid, by_family in (class_patterns or {}).items():
            for family, texts in by_family.items():
                self._class_patterns.setdefault(family, {}).update((split_words(t), kid) for t in texts)
        order = {kid: i for i, kid in enumerate(self.kinds)}
        self._first = frozenset(first)
        self._after = frozenset(after)
        self._last = frozenset(last)
        self._excludes = {
            kid: tuple(split_words(e) for e in seqs) for kid, seqs in excludes.items() if seqs
        }
        # Index by first word: matching then costs one dict lookup per word of the identifier.
        self._by_first: dict[str, list[_Pattern]] = {}
        vocab: set[str] = set()
        for kid, texts in patterns.items():
            for text in texts:
                words = split_words(text)
                if words:
                    self._by_first.setdefault(words[0], []).append(
                        _Pattern(words, kid, text, order[kid])
                    )
                    vocab.update(words)
        self._vocab = frozenset(vocab)
        self._memo: dict[tuple[str, bool, bool], NameMatch | None] = {}

    def field_kind(self, field: FieldLike, owner: str = "", siblings: Sequence[FieldLike] = ()) -> Kind | None:
        """The personal kind an unannotated class attribute holds by its name, or None. Its
        value is evidence too: an untyped constant, class reference or list
        (``EmailChange = "account:email:change"``, ``address_parser_class = Parser``) holds no
        person's data, nor does a typed one given a non-empty text (``author: str = "ACME"``:
        one text for every instance), nor a value of a type in ``exclusions.types``
        (``BooleanField()``, ``ForeignKey(...)``, ``Mapped[bool]``, ``int``); ``mobile = None``
        and ``email: str = ""`` are placeholders.
        Its class is evidence as well (``class_families``): a ``name`` of a class named after a
        person (``User.name``, ``Contact.name``) is that person's name, a ``to`` of a mail's class
        (``EmailMessage.to``) an e-mail address; a ``mac_address`` of a network interface
        (``Interface``, a family's ``not_kinds``) is a machine's, unless the class's name or one of
        its fields (``siblings``: their names and types) names a family of the family's
        ``unless`` (a ``user`` field, ``Mapped[list["UserLogin"]]``)."""
        name = field.name
        if name.startswith("__") or (name.isupper() and len(name) > 1) or not self.may_hold(field):
            return None
        short = owner.rpartition(".")[2]
        kind = self.personal_kind(name) or self._family_kind(short, name)
        return None if kind is not None and self._family_excludes(kind.id, short, siblings) else kind

    def _family_excludes(self, kid: str, owner: str, siblings: Sequence[FieldLike]) -> bool:
        """Whether a class named ``owner`` is of a family whose fields do not hold kind ``kid``
        and nothing in it names a family of that family's ``unless``."""
        words = self.words(owner)
        for family, (not_kinds, unless) in self._not_held.items():
            if kid in not_kinds and self._of_family(family, words):
                mentions = [words, *(self.words(n) for f in siblings for n in (f.name, *_CLASS.findall(f.type_text)))]
                return not any(self._of_family(other, w) for other in unless for w in mentions)
        return False

    def _of_family(self, family: str, words: tuple[str, ...]) -> bool:
        """Whether ``words`` (of a class's or a field's name) name a class of ``family``."""
        yes, no, first = self._families[family]
        return bool(words) and bool(yes.intersection(words[:1] if first else words)) and not no.intersection(words)

    def may_hold(self, field: FieldLike) -> bool:
        """Whether a class attribute can hold a person's data, whatever its name: not an untyped
        constant, not one text for every instance, not a value of a type in ``exclusions.types``
        (a flag, a number, a reference to another row)."""
        if (field.constant and not field.type_text) or field.fixed_text:
            return False
        types = self._types
        return field.value_call.rpartition(".")[2] not in types and _base_type(field.type_text) not in types

    def member_kind(self, receiver: str, attr: str) -> Kind | None:
        """The personal kind an attribute of an object of unknown type holds by the object's
        name and the family it names (``class_families``): ``action.email.to`` is an e-mail
        address, ``member.name`` a person's name. None for any other, for a class's own
        attribute (``User.name`` is its column, not a person's name), and for a kind found by a
        field's name only (``local: false``: ``requests.post().text`` is no post's text)."""
        last = receiver.rpartition(".")[2].rstrip("()[]")
        if not last or last[0].isupper() or attr.startswith("__"):
            return None
        kind = self._family_kind(last, attr)
        return kind if kind is not None and kind.local else None

    def _family_kind(self, owner: str, attr: str) -> Kind | None:
        """The kind the class patterns of ``owner``'s families (a class's or an object's name)
        give to ``attr``, or None."""
        words = self.words(owner)
        field_words = self.words(attr)
        for family in self._families:
            if self._of_family(family, words):
                kind = self.kinds.get(self._class_patterns.get(family, {}).get(field_words, ""))
                if kind is not None:
                    return kind
        return None

    def object_kind(self, name: str) -> Kind | None:
        """The kind a whole object shows when put into a message, by the last word of its name
        (``user``, ``request.user``, ``job_result.user``): a ``whole`` kind, or None."""
        if name.isupper() or name.startswith("__"):
            return None
        match = self.classify(name, whole=True)
        kind = self.kinds.get(match.kind) if match else None
        return kind if kind is not None and kind.whole else None

    def describes_elsewhere(self, hierarchy: Iterable[str]) -> bool:
        """Whether a class (its qualified name, then its bases') describes data kept elsewhere,
        by ``exclusions.bases``: a filter, a table's columns, a test-data factory. Its
        attributes are no fields holding personal data, whatever their names."""
        return any(fnmatch.fnmatchcase(q, g) for q in hierarchy for g in self._bases)

    def local_kind(self, name: str, *, key: bool = False) -> Kind | None:
        """The personal kind a parameter's, variable's or attribute's name says its value holds,
        or None: the evidence of last resort, for kinds marked ``local`` only. An upper-case
        name is a constant (settings), unless it is a mapping's key (``META["REMOTE_ADDR"]``)."""
        if (name.isupper() and not key) or name.startswith("__"):
            return None
        match = self.classify(name)
        kind = self.kinds.get(match.kind) if match else None
        if match is None or kind is None or not kind.personal or not kind.local:
            return None
        return kind if not kind.local_patterns or match.matched in kind.local_patterns else None

    def personal_kind(self, identifier: str) -> Kind | None:
        """The personal kind an identifier names (``classify``), as a Kind; None for none."""
        match = self.classify(identifier)
        kind = self.kinds.get(match.kind) if match else None
        return kind if kind is not None and kind.personal else None

    def covered_by(self, kind: str) -> tuple[str, ...]:
        """The kind and the broader kinds it is ``within``: any of them in a category's elements
        covers it (a policy listing bank_account covers an IBAN)."""
        chain = [kind]
        while (k := self.kinds.get(chain[-1])) is not None and k.within and k.within not in chain:
            chain.append(k.within)
        return tuple(chain)

    def words(self, identifier: str) -> tuple[str, ...]:
        """The identifier's words, plurals reduced to a singular the patterns know."""
        return tuple(self._singular(w) for w in split_words(identifier))

    def _singular(self, word: str) -> str:
        if word in self._vocab or len(word) < 3 or not word.endswith("s"):
            return word
        for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
            if word.endswith(cut) and word[: -len(cut)] + add in self._vocab:
                return word[: -len(cut)] + add
        return word

    def classify(self, identifier: str, *, context: bool = False, whole: bool = False) -> NameMatch | None:
        """The personal kind this identifier names, or None.

        With ``context=True`` the context kinds' patterns take part as well (for telling which
        element an annotated field names); by default only personal kinds are reported.
        With ``whole=True`` the ``whole`` kinds take part, matched on the last word only.
        """
        key = (identifier, context, whole)
        try:
            return self._memo[key]
        except KeyError:
            pass
        result = self._classify(self.words(identifier), context, whole)
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = result
        return result

    def _classify(self, words: tuple[str, ...], context: bool, whole: bool = False) -> NameMatch | None:
        best: tuple[int, int, int] | None = None
        found: _Pattern | None = None
        n = len(words)
        for start, word in enumerate(words):
            for pat in self._by_first.get(word, ()):
                end = start + len(pat.words)
                if end > n or words[start:end] != pat.words:
                    continue
                kind = self.kinds[pat.kind]
                if (not context and not kind.personal) or (kind.whole and (not whole or end != n)):
                    continue
                if self._excluded(words, start, end, pat.kind):
                    continue
                rank = (len(pat.words), end, -pat.order)
                if best is None or rank > best:
                    best, found = rank, pat
        return NameMatch(found.kind, found.text) if found else None

    def _excluded(self, words: tuple[str, ...], start: int, end: int, kind: str) -> bool:
        if start > 0 and words[0] in self._first:
            return True
        if end < len(words) and (
            words[-1] in self._last or any(w in self._after for w in words[end:])
        ):
            return True
        return any(_occurs(seq, words) for seq in self._excludes.get(kind, ()))
