"""Parser for ``# privacy:`` / ``# privacy-defaults:`` comments and ``PersonalData(...)`` markers.

It checks the SPEC grammar and the shape of each value only; whether an id exists is for the policy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lint_privacy.durations import DurationError, parse_duration
from lint_privacy.errors import closest
from lint_privacy.iso3166 import is_country

__all__ = [
    "BASES",
    "KEYS_BY_PLACE",
    "PLACES",
    "ROLES",
    "Annotation",
    "AnnotationProblem",
    "find_comment",
    "parse_comment",
    "parse_marker",
]

PLACES = ("definition", "call", "def", "defaults")
NONE = "none"  # `# privacy: none` on a definition or call: not personal data
KEYS_BY_PLACE: dict[str, tuple[str, ...]] = {
    "definition": ("retention", "purpose", "basis", "subject", "jurisdiction", "role"),
    "call": ("recipient", "country", "safeguard", "retention"),
    "def": ("purpose", "basis"),
    "defaults": ("purpose", "subject", "jurisdiction", "role"),
}
BASES = (
    "consent",
    "contract",
    "legal_obligation",
    "legitimate_interest",
    "vital_interest",
    "public_task",
)
ROLES = ("controller", "processor")

_ALL_KEYS = tuple(dict.fromkeys(key for keys in KEYS_BY_PLACE.values() for key in keys))
_PLACE_NAMES = {
    "definition": "a definition",
    "call": "a call",
    "def": "a def",
    "defaults": "'# privacy-defaults:'",
}
# What each key accepts, in the words every message about that key ends with.
_ALLOWED = {
    "retention": "a duration (90d, 6w, 12mo, 7y, P12M) or a retention rule id from the policy",
    "purpose": "a purpose id from the policy",
    "basis": "one of: " + ", ".join(BASES),
    "subject": "a data-subject id from the policy",
    "recipient": "a recipient id from the policy",
    "country": "an ISO 3166-1 alpha-2 code in upper case (US, DE, IN)",
    "safeguard": "a safeguard id from the policy",
    "jurisdiction": (
        "an ISO 3166-1 alpha-2 code (IN), a region code (CA-QC) "
        "or a jurisdiction id from the policy"
    ),
    "role": "one of: " + ", ".join(ROLES),
}
_EXAMPLES = {
    "comment": "'# privacy: account_user_data retention=12mo'",
    "marker": 'PersonalData("account_user_data", retention="12mo")',
}
# Codes people write that the standard reserves for something else.
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}

_ID = re.compile(r"[a-z][a-z0-9_]*")
_SUBDIVISION = re.compile(r"([A-Z]{2})-[A-Z0-9]{1,3}")
# A comment segment that starts like a privacy annotation, spelled right or nearly right.
# ASCII-only case folding: "PRİVACY" must not count as the word.
_HEAD = re.compile(
    r"#\s*(privacy(?:[-_ ]?defaults)?)(?![\w-])\s*([:=]?)\s*", re.IGNORECASE | re.ASCII
)
# Body tokens; a quoted value is one token so that its spaces do not split it into ids.
_TOKEN = re.compile(
    r"""(?P<pair>[^\s,=]*=(?:"[^"]*"?|'[^']*'?|\S*))|(?P<comma>,)|(?P<word>[^\s,=]+)"""
)
# Tokens are quoted into messages clipped and escaped, so a hostile comment cannot flood or
# break a one-line flake8 message.
_SHOWN_MAX = 40
# Past this many problems one comment is noise, not guidance; the rest are counted.
_MAX_PROBLEMS = 20


@dataclass(frozen=True)
class AnnotationProblem:
    """One thing wrong in an annotation, located at the token that is wrong."""

    column: int
    message: str


@dataclass(frozen=True)
class Annotation:
    """What one ``# privacy:`` comment or ``PersonalData`` marker says, and what is wrong in it.

    Only well-formed categories and pairs are kept; everything else is in ``problems``.
    """

    line: int
    column: int
    form: str
    categories: tuple[str, ...]
    suggested: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    problems: tuple[AnnotationProblem, ...]
    none: bool = False  # `# privacy: none`: not personal data, whatever its name

    def get(self, key: str) -> str | None:
        for k, value in self.pairs:
            if k == key:
                return value
        return None


@dataclass(frozen=True)
class _Found:
    kind: str  # "privacy" | "privacy-defaults"
    start: int  # offset of the '#' that opens the annotation
    body_start: int
    body_end: int
    problem: str | None  # set when the opening is misspelled


def find_comment(text: str) -> tuple[str, int] | None:
    """Return ``(kind, offset of its body)`` when a comment token's text is a privacy annotation.

    ``kind`` is ``"privacy"`` or ``"privacy-defaults"``. A misspelled opening (``# Privacy:``,
    ``# privacy= x``, ``# privacy account_user_data``) counts when what follows reads like an
    annotation; :func:`parse_comment` then reports how to spell it.
    """
    found = _locate(text)
    return None if found is None else (found.kind, found.body_start)


def parse_comment(text: str, line: int, column: int, place: str) -> Annotation:
    """Parse the comment token ``text`` found at ``line``/``column``, standing at ``place``.

    ``place`` is one of :data:`PLACES`; a ``# privacy-defaults:`` comment is always read as
    defaults (and reported when it stands elsewhere). Never raises on any ``text``.
    """
    _check_place(place)
    found = _locate(text)
    if found is None:
        problem = AnnotationProblem(
            column, "not a privacy annotation: write '# privacy:' then the annotation"
        )
        return Annotation(line, column, "comment", (), (), (), (problem,))
    form = "defaults" if found.kind == "privacy-defaults" else "comment"
    builder = _Builder("defaults" if "defaults" in (form, place) else place, _EXAMPLES["comment"])
    start = column + found.start
    if found.problem:
        builder.problem(start, found.problem)
    if form == "defaults" and place != "defaults":
        builder.problem(
            start,
            "'# privacy-defaults:' belongs in the first comment of a module or on a class line; "
            "here write '# privacy:'",
        )
    elif form == "comment" and place == "defaults":
        builder.problem(start, "defaults for a module or class are written '# privacy-defaults:'")
    for token in _TOKEN.finditer(text, found.body_start, found.body_end):
        col = column + token.start()
        if token.lastgroup == "word":
            builder.word(token.group(), col)
        elif token.lastgroup == "comma":
            builder.comma(col)
        else:
            key, _, value = token.group().partition("=")
            builder.pair(key, value, col, col + len(key) + 1)
    return builder.finish(line, start, form)


def parse_marker(
    categories: Sequence[str], pairs: Sequence[tuple[str, str]], line: int, column: int
) -> Annotation:
    """Validate ``PersonalData("cat", retention="12mo")`` arguments as a definition annotation.

    There are no token positions here, so every problem is reported at ``column``.
    """
    builder = _Builder("definition", _EXAMPLES["marker"])
    for index, category in enumerate(categories):
        if index:
            # The arguments are comma-separated in the source, so the grammar sees a comma.
            builder.comma(column)
        builder.word(str(category), column)
    for key, value in pairs:
        builder.pair(str(key), str(value), column, column)
    return builder.finish(line, column, "marker")


def _check_place(place: str) -> None:
    if place not in PLACES:
        # A wrong place is a bug in the caller, not bad user input.
        raise ValueError(f"place must be one of {', '.join(PLACES)}, not {place!r}")


def _locate(text: str) -> _Found | None:
    """The first '#'-separated segment of ``text`` that opens a privacy annotation."""
    hash_at = text.find("#")
    while hash_at != -1:
        head = _HEAD.match(text, hash_at)
        next_hash = text.find("#", hash_at + 1)
        if head:
            body_end = len(text) if next_hash == -1 else next_hash
            found = _opening(head, body_end, text)
            if found:
                return found
        hash_at = next_hash
    return None


def _opening(head: re.Match[str], body_end: int, text: str) -> _Found | None:
    word, separator = head.group(1), head.group(2)
    kind = "privacy-defaults" if word.lower().endswith("defaults") else "privacy"
    fixes = []
    if word != word.lower():
        fixes.append("in lower case")
    if word.lower() not in ("privacy", "privacy-defaults"):
        fixes.append("with a hyphen")
    if separator == "=":
        fixes.append("with ':' after the word, not '='")
    elif not separator:
        fixes.append("with a colon after the word")
    body = text[head.end() : body_end]
    if fixes and not _reads_as_annotation(body, bool(separator)):
        return None  # prose that happens to start with the word, e.g. "# privacy policy below"
    problem = f"write '# {kind}:' {', '.join(fixes)}" if fixes else None
    return _Found(kind, head.start(), head.end(), body_end, problem)


def _reads_as_annotation(body: str, separator_written: bool) -> bool:
    """Whether a misspelled opening is followed by something only an annotation would say.

    Prose is made of plain words, so it takes a known key=value pair, or only snake_case / '?'
    ids; a written ':' or '=' shows intent, so then one id is enough.
    """
    words = 0
    all_marked = True
    for token in _TOKEN.finditer(body):
        text = token.group()
        if token.lastgroup == "pair":
            return text.partition("=")[0].lower() in _ALL_KEYS
        if token.lastgroup == "word":
            name = text.removesuffix("?")
            if not _ID.fullmatch(name):
                return False
            words += 1
            all_marked = all_marked and ("_" in name or text.endswith("?"))
    return words > 0 and (all_marked or (separator_written and words == 1))


@dataclass
class _Builder:
    """Collects one annotation token by token, applying the grammar of its place."""

    place: str
    example: str
    categories: list[str] = field(default_factory=list)
    suggested: list[str] = field(default_factory=list)
    pairs: dict[str, str] = field(default_factory=dict)
    problems: list[AnnotationProblem] = field(default_factory=list)
    seen_keys: set[str] = field(default_factory=set)
    first_column: int | None = None
    words: int = 0
    last: str = ""  # kind of the previous token: "word", "comma" or "pair"
    last_word: str = ""
    comma_column: int = 0
    pairs_started: bool = False
    none: bool = False

    def problem(self, column: int, message: str) -> None:
        self.problems.append(AnnotationProblem(column, message))

    def _close_ids(self) -> None:
        """A pair or the end follows: a comma left before it separated nothing."""
        if self.last == "comma" and self._ids_allowed():
            self.problem(self.comma_column, "a comma goes between two category ids")

    def _token(self, column: int, kind: str) -> None:
        if self.first_column is None:
            self.first_column = column
        self.last = kind

    def _ids_allowed(self) -> bool:
        return self.place == "definition" and not self.pairs_started

    def word(self, word: str, column: int) -> None:
        if word == NONE and self.place in ("definition", "call"):
            if self.first_column is not None:
                self.problem(column, f"'{NONE}' stands alone: it says the data is not personal, so nothing else applies")
            self._token(column, "word")
            self.none = True
            return
        if self.none:
            self.problem(column, f"'{NONE}' stands alone: remove {_shown(word)} or '{NONE}'")
            return
        hint = _key_hint(word)
        if hint:
            # A key written without '=' is a failed pair, not a category id.
            self._close_ids()
            self._token(column, "pair")
            self.pairs_started = True
            self.problem(column, hint)
            return
        follows_word = self.last == "word"
        self._token(column, "word")
        if self.place != "definition":
            self.problem(column, f"{_shown(word)} is not a key=value pair: {_takes(self.place)}")
            return
        self.words += 1
        if self.pairs_started:
            self.problem(
                column,
                f"category ids come before key=value pairs: move {_shown(word)} to the front",
            )
        elif follows_word:
            self.problem(
                column, f"separate category ids with commas: {_shown(self.last_word + ', ' + word)}"
            )
        self.last_word = word
        name = word.removesuffix("?")
        message = _id_problem(name, "a category id")
        if message:
            self.problem(column, message)
        elif name in self.categories:
            self.problem(column, f"{_shown(name)} is given twice; keep one")
        else:
            self.categories.append(name)
            if word.endswith("?"):
                self.suggested.append(name)

    def comma(self, column: int) -> None:
        if self._ids_allowed():
            if self.last != "word":
                self.problem(column, "a comma goes between two category ids")
        else:
            self.problem(column, "separate key=value pairs with spaces, not commas")
        self._token(column, "comma")
        self.comma_column = column

    def pair(self, key: str, value: str, column: int, value_column: int) -> None:
        if self.none:
            self.problem(column, f"'{NONE}' stands alone: remove {key}={value} or '{NONE}'")
            return
        self._close_ids()
        self._token(column, "pair")
        self.pairs_started = True
        on_place = f"on {_PLACE_NAMES[self.place]} write: {', '.join(KEYS_BY_PLACE[self.place])}"
        if not key:
            self.problem(column, f"a key is missing before '='; {on_place}")
        elif key not in _ALL_KEYS:
            guess = _did_you_mean(key, _ALL_KEYS)
            self.problem(column, f"unknown key {_shown(key)}{guess}; {on_place}")
        elif key not in KEYS_BY_PLACE[self.place]:
            where = [_PLACE_NAMES[p] for p in PLACES if key in KEYS_BY_PLACE[p]]
            self.problem(column, f"'{key}' describes {_join_or(where)}; {on_place}")
        elif key in self.seen_keys:
            self.problem(column, f"{key} is given twice; keep one")
        else:
            self.seen_keys.add(key)
            message = _value_problem(key, value)
            if message:
                self.problem(value_column if value else column, message)
            else:
                self.pairs[key] = value

    def finish(self, line: int, column: int, form: str) -> Annotation:
        self._close_ids()
        if self.first_column is None:
            self.problem(column, f"empty annotation: {_takes(self.place, self.example)}")
        elif self.place == "definition" and not self.words and not self.none:
            self.problem(
                self.first_column,
                f"a definition needs a category id before its key=value pairs, e.g. {self.example}",
            )
        problems = self.problems
        if len(problems) > _MAX_PROBLEMS:
            rest = len(problems) - _MAX_PROBLEMS + 1
            summary = f"and {rest} more problems in this annotation"
            problems = problems[: _MAX_PROBLEMS - 1] + [
                AnnotationProblem(problems[_MAX_PROBLEMS - 1].column, summary)
            ]
        return Annotation(
            line=line,
            column=column,
            form=form,
            categories=tuple(self.categories),
            suggested=tuple(self.suggested),
            pairs=tuple(self.pairs.items()),
            problems=tuple(problems),
            none=self.none,
        )


def _takes(place: str, example: str | None = None) -> str:
    keys = ", ".join(KEYS_BY_PLACE[place])
    if place == "definition":
        tail = f", e.g. {example}" if example else ""
        return f"a definition takes one or more category ids, then key=value pairs: {keys}{tail}"
    return f"{_PLACE_NAMES[place]} takes only key=value pairs: {keys}"


def _key_hint(word: str) -> str | None:
    """A word that is a key written without '=' (``retention`` or ``retention:12mo``)."""
    key, colon, value = word.partition(":")
    if key not in _ALL_KEYS:
        return None
    if colon:
        return f"write {_shown(key + '=' + value)} with '=' between key and value"
    return f"'{key}' is a key: write {key}=VALUE, where VALUE is {_ALLOWED[key]}"


def _value_problem(key: str, value: str) -> str | None:
    if not value:
        return f"{key}= has no value: {key} takes {_ALLOWED[key]}"
    if any(c in value for c in "\"'") or any(c.isspace() for c in value):
        return f"write the {key} value without quotes or spaces: {key} takes {_ALLOWED[key]}"
    if "," in value or "=" in value:
        return (
            f"{_shown(key + '=' + value)} is not one key=value pair: separate pairs with spaces, "
            "not commas, and give each key one value"
        )
    if key == "retention":
        return _retention_problem(value)
    if key in ("basis", "role"):
        options = BASES if key == "basis" else ROLES
        if value in options:
            return None
        guess = _did_you_mean(value, options)
        return f"{key} {_shown(value)} is not allowed{guess}; write {_ALLOWED[key]}"
    if key in ("country", "jurisdiction"):
        return _region_problem(key, value)
    return _id_problem(value, f"a {key} id")


def _retention_problem(value: str) -> str | None:
    if _ID.fullmatch(value):
        return None  # a retention rule the policy may name; the policy check decides
    try:
        parse_duration(value)
    except DurationError as error:
        return "retention " + str(error).replace(f"'{value}'", _shown(value), 1)
    except (ValueError, OverflowError):
        # int() refuses thousands of digits and float() overflows: the number is absurd anyway.
        return f"retention {_shown(value)} is not a duration: the number is too large"
    return None


def _region_problem(key: str, value: str) -> str | None:
    """``country``: an alpha-2 code; ``jurisdiction``: also a region code or a policy id."""
    jurisdiction = key == "jurisdiction"

    def valid(code: str) -> bool:
        if is_country(code):
            return True
        sub = _SUBDIVISION.fullmatch(code) if jurisdiction else None
        return bool(sub and is_country(sub.group(1)))

    if valid(value) or (jurisdiction and _ID.fullmatch(value)):
        return None
    # Only ASCII is upper-cased: "ß".upper() is "SS", which would suggest South Sudan.
    upper = value.upper() if value.isascii() else value
    head, dash, tail = upper.partition("-")
    if head in _COUNTRY_ALIASES and valid(_COUNTRY_ALIASES[head] + dash + tail):
        fixed = _COUNTRY_ALIASES[head] + dash + tail
        return f"{key} {_shown(value)} is not an ISO 3166-1 alpha-2 code: did you mean {fixed}?"
    if valid(upper):
        return f"{key} {_shown(value)}: write it upper case: {upper}"
    return f"{key} {_shown(value)} is not {_ALLOWED[key]}"


def _id_problem(text: str, what: str) -> str | None:
    """Message for a token that should be a lower-case id, or None when it is one."""
    if _ID.fullmatch(text):
        return None
    message = (
        f"{_shown(text)} is not {what}: write lower-case letters, digits and '_', "
        "starting with a letter"
    )
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text[: _SHOWN_MAX * 4])
    spelled = re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")
    # Dropping a leading digit would change the meaning, so then there is nothing to suggest.
    if _ID.fullmatch(spelled):
        message += f" (did you mean {_shown(spelled)}?)"
    return message


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    if len(word) > _SHOWN_MAX:
        return ""  # nothing that long is a near miss, and difflib would be slow on it
    close = closest(word.lower(), options)
    return f" (did you mean '{close}'?)" if close else ""


def _join_or(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _shown(text: str) -> str:
    clipped = text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in clipped) + "'"
