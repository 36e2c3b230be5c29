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
    """One code: its message template and the documentation ``explain`` prints."""

    code: str
    name: str  # kebab-case, stable
    summary: str  # one line, for SARIF shortDescription and rule lists
    template: str  # str.format template of the message
    what: str  # What it flags
    why: str  # Why it matters
    example: str  # code that triggers it
    fix: str  # what to do instead (prose and/or code)

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
    message: str
    category: str = ""
    recipient: str = ""
    origins: tuple[Origin, ...] = ()
    steps: tuple[Step, ...] = ()
    decided_by: str = ""  # "notice §7", "law: EU adequacy (as of …)", "policy", …
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def key(self) -> tuple[str, str, int, str, str]:
        """One finding per (code, statement, category, recipient) — the SPEC's rule."""
        return (self.code, self.path, self.line, self.category, self.recipient)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.code, self.message)


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
