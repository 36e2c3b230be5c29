"""Findings as small values, and the rules that make them: every code is declared once, with
its documentation and its message template (pyflakes' messages, ruff's rule docs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

# Characters that would break a line of text output or restyle a terminal: C0 and C1 controls
# (newline, CR, ESC, ...), line and paragraph separators, and the bidirectional overrides.
_CONTROLS = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_QUOTED = re.compile(f'[{_CONTROLS}"\\\\]')  # inside quotes, the quote and the backslash too
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def _escape(match: re.Match[str]) -> str:
    return _ESCAPES.get(match[0]) or f"\\u{ord(match[0]):04x}"


def printable(text: str) -> str:
    """``text`` with every control character escaped (newline as ``\\n``, ESC as ``\\u001b``): a
    message stays one line of output, and a name holding a newline cannot forge a finding line."""
    return _CONTROL.sub(_escape, text)


def shown_path(path: str) -> str:
    """A file name as text output prints it: as it is, or quoted and escaped as JSON would when
    it holds a control character (a newline, CR or ESC)."""
    return '"' + _QUOTED.sub(_escape, path) + '"' if _CONTROL.search(path) else path


# The most a finding's first line holds: what flake8 prints and an editor shows, so it says the
# thing (the data, the sink, the broken promise) in a few words; the rest goes in the details.
FIRST_LINE = 120
_MORE_ROOM = len(" (+999 more)")  # what merge() may add to a first line


@dataclass(frozen=True)
class Family:
    """A family of codes: a short name (SARIF tags, the accuracy bench) and what its codes are
    about (docs/codes/README.md)."""

    name: str
    covers: str


# The code families, by the digit after "PRV" (PRV3xx: recipients); checks/ has a module for each.
CODE_FAMILIES = {
    "0": Family("tool", "the tool could not do its job here"),
    "1": Family("inventory", "inventory: annotations and personal data found by name"),
    "2": Family("retention", "retention"),
    "3": Family("recipients", "recipients"),
    "4": Family("cross-border", "cross-border transfers"),
    "5": Family("purpose", "purpose and legal basis"),
    "6": Family("exposure", "exposure: logs, output, exceptions"),
    "7": Family("jurisdiction", "jurisdiction rules"),
}


@dataclass(frozen=True)
class Rule:
    """One code: its message templates and the documentation ``explain`` prints."""

    code: str
    name: str  # kebab-case, stable
    summary: str  # one line, for SARIF shortDescription and rule lists
    template: str  # str.format template of the first line: the data, the sink, the broken promise
    what: str  # What it flags
    why: str  # Why it matters
    example: str  # code that triggers it
    fix: str  # what to do instead (prose and/or code)
    reason: str = ""  # template of the facts behind the first line (Finding.reason)
    promise: str = ""  # template of the promise broken: policy key, notice section, law entry

    def markdown(self) -> str:
        return (
            f"# {self.code} {self.name}\n\n{self.summary}\n\n"
            f"## What it flags\n\n{self.what.strip()}\n\n"
            f"## Why it matters\n\n{self.why.strip()}\n\n"
            f"## Example\n\n```python\n{self.example.strip()}\n```\n\n"
            f"## How to fix it\n\n{self.fix.strip()}\n"
        )


@dataclass(frozen=True)
class Origin:
    """Where the data of a finding comes from: a category (or a kind of data) at file:line."""

    label: str  # "account_user_data (Contact.email)" or "email (request.POST['email'])"
    path: str
    line: int
    category: str = ""
    name: str = ""  # the data as the code names it: "Contact.email", "request.POST['email']"

    def describe(self) -> str:
        return f"{self.label} from {self.path}:{self.line}"


@dataclass(frozen=True)
class Step:
    """One step of a lineage path, for messages ("through") and SARIF codeFlows."""

    path: str
    line: int
    note: str


@dataclass(frozen=True)
class Finding:
    code: str
    path: str  # relative to the project root, forward slashes
    line: int
    col: int
    message: str  # the first line, at most FIRST_LINE characters
    category: str = ""
    recipient: str = ""
    origins: tuple[Origin, ...] = ()
    steps: tuple[Step, ...] = ()
    decided_by: str = ""  # "notice §7", "law: EU adequacy (as of …)", "policy", …
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    reason: str = ""  # the facts behind the first line ("outside the EEA; US is covered for ...")
    route: str = ""  # how the data got there: "through a() in x.py:3 -> b() in y.py:9", "stored in X, ..."
    promise: str = ""  # the promise broken: "policy notice.categories.x.purposes, notice 5.4", the law entry

    def details(self) -> list[tuple[str, str]]:
        """What the first line leaves out, as (label, text) in the order every output shows it:
        the data and where it comes from, its route, the reason, the promise."""
        out: list[tuple[str, str]] = []
        if self.origins:
            shown = "; ".join(o.describe() for o in self.origins[:_ORIGINS_SHOWN])
            more = len(self.origins) - _ORIGINS_SHOWN
            out.append(("data", shown + (f" (+{more} more)" if more > 0 else "")))
        out.extend((label, text) for label, text in
                   (("route", self.route), ("reason", self.reason), ("promise", self.promise)) if text)
        return out

    def cites(self) -> str:
        """Where the data comes from and what decided the finding, as flake8 prints them after the
        first line (the SPEC: every message names the data's origin, file:line, and the promise):
        ``[from app/models.py:25; notice 7]``; empty when the finding has neither."""
        parts = [f"from {self.origins[0].path}:{self.origins[0].line}"] if self.origins else []
        parts += [self.decided_by] if self.decided_by else []
        return f"[{'; '.join(parts)}]" if parts else ""

    @property
    def key(self) -> tuple[str, str, int, str, str]:
        """One finding per (code, statement, category, recipient) — the SPEC's rule."""
        return (self.code, self.path, self.line, self.category, self.recipient)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.code, self.message)


_ORIGINS_SHOWN = 3


def first_line(template: str, fields: dict[str, object]) -> str:
    """``template`` filled with ``fields`` in at most FIRST_LINE characters, leaving room for
    merge()'s "(+N more)": the longest names are shortened in their middle, a quarter at a time
    so that long names share the cut, and only then the end of the line."""
    limit = FIRST_LINE - _MORE_ROOM
    values = dict(fields)
    text = template.format(**values)
    names = [k for k, v in values.items() if isinstance(v, str) and "{" + k + "}" in template]
    while len(text) > limit and names:
        longest = max(names, key=lambda k: len(str(values[k])))
        value = str(values[longest])
        if len(value) <= _SHORTEST_NAME:
            break
        cut = min(len(text) - limit, max(1, len(value) // 4))
        values[longest] = elide(value, max(_SHORTEST_NAME, len(value) - cut))
        text = template.format(**values)
    return text if len(text) <= limit else text[:limit - 3] + "..."


_SHORTEST_NAME = 16


def clauses(text: str) -> str:
    """``text`` without the empty clauses that optional fields leave ("a; ; b" -> "a; b")."""
    return "; ".join(part for part in text.split("; ") if part.strip())


def elide(text: str, width: int) -> str:
    """``text`` in ``width`` characters, its middle left out: a name keeps how it starts and how
    it ends (``unannotated user_object (user (param...Runner.run_query))``)."""
    if len(text) <= width:
        return text
    head = (width - 3) // 2
    return text[:head] + "..." + text[len(text) - (width - 3 - head):]


def split_problem(text: str, used: int) -> tuple[str, str]:
    """A problem said as "what is wrong: what to write" that does not fit a first line after
    ``used`` characters, as (what is wrong, what to write); one that fits, whole."""
    head, sep, rest = text.partition(": ")
    if used + len(text) <= FIRST_LINE - _MORE_ROOM or not sep:
        return text, ""
    return head, rest


def merge(findings: list[Finding]) -> list[Finding]:
    """Fold findings that share a key; further origins are counted in the message ("+2 more")."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    # Within a statement and code, the order the checks made them in: the strongest evidence first.
    for f in sorted(findings, key=lambda f: f.sort_key()[:4]):
        # Only findings about data flows fold: distinct annotation problems stay distinct.
        groups.setdefault(f.key if f.origins else (*f.key, f.message), []).append(f)
    merged: list[Finding] = []
    for group in groups.values():
        first = group[0]
        origins = list(first.origins)
        for other in group[1:]:
            origins.extend(o for o in other.origins if o not in origins)
        extra_count = len(origins) - len(first.origins) if first.origins else len(group) - 1
        message = first.message if extra_count <= 0 else f"{first.message} (+{extra_count} more)"
        merged.append(replace(first, message=message, origins=tuple(origins)))
    return sorted(merged, key=Finding.sort_key)
