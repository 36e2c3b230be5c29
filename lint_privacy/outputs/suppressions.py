"""Suppressions are evidence: every ``# noqa: PRV...`` comment of the project, the codes it
names and its justification (what follows the codes on that line), and the findings it hides.

The CLI applies them as flake8 does (by code prefix, on the physical line of the finding), so
``lint-privacy check`` and ``flake8`` report the same things; the report and the JSON output list
them so that a privacy engineer can review each exception (a legal hold, a false positive).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..facts import FileFacts
from ..findings import Finding

UNTRUSTED_CODES = frozenset({"PRV001", "PRV002"})  # the run cannot be trusted: never hidden
# What the language server's "add # noqa" action writes for the reason: until someone replaces
# it, the suppression counts as one without a justification.
REASON_PLACEHOLDER = "<reason>"

_NOQA = re.compile(r"#?\s*noqa\b\s*(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?(?P<rest>.*)$",
                   re.IGNORECASE)
_LEADING_PUNCT = re.compile(r"^[\s:;,.\-–—#()\[\]]+")


@dataclass
class Suppression:
    path: str
    line: int
    codes: tuple[str, ...]  # as written, upper case ("PRV103", "PRV6", "E501")
    justification: str  # what follows the codes; "" when nobody wrote why
    comment: str  # the whole noqa comment
    suppressed: list[Finding] = field(default_factory=list)

    def covers(self, code: str) -> bool:
        """flake8's rule: a listed code suppresses every code it is a prefix of."""
        return any(code.startswith(c) for c in self.codes)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "codes": list(self.codes),
            "justification": self.justification or None,
            "suppressed": [{"code": f.code, "message": f.message} for f in self.suppressed],
        }


def parse_noqa(path: str, line: int, comment: str) -> Suppression | None:
    """One recorded noqa comment (``# noqa: PRV103 legal hold, LEGAL-12``), or None if it names no code."""
    m = _NOQA.search(comment)
    if m is None or not m.group("codes"):
        return None
    codes = tuple(c.upper() for c in re.split(r"[\s,]+", m.group("codes").strip()) if c)
    rest = m.group("rest") or ""
    # A following comment ("# noqa: PRV103  # legal hold") is the justification too.
    justification = _LEADING_PUNCT.sub("", rest).strip()
    if justification == REASON_PLACEHOLDER:
        justification = ""
    return Suppression(path=path, line=line, codes=codes, justification=justification, comment=comment.strip())


def comments_of(files: Mapping[str, FileFacts]) -> list[tuple[str, int, str]]:
    """Every noqa comment of ``files`` as ``(path, line, comment)`` (kept with cached results)."""
    return [(path, line, comment) for path, facts in files.items() for line, comment in facts.noqa]


def collect(comments: Iterable[tuple[str, int, str]]) -> list[Suppression]:
    """Every noqa comment naming a PRV code, in path and line order, from the project's
    ``(path, line, comment)`` noqa comments."""
    found: list[Suppression] = []
    for path, line, comment in sorted(comments):
        s = parse_noqa(path, line, comment)
        if s is not None and any(c.startswith("PRV") for c in s.codes):
            found.append(s)
    return found


def apply(findings: Iterable[Finding], suppressions: Sequence[Suppression]) -> list[Finding]:
    """The findings no suppression covers; each suppression records what it hid.

    PRV001/PRV002 (a bad policy, a file not analysed) are never suppressed: a run that could not
    be trusted must say so.
    """
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for s in suppressions:
        by_line.setdefault((s.path, s.line), []).append(s)
    kept: list[Finding] = []
    for f in findings:
        hit = None
        if f.code not in UNTRUSTED_CODES:
            hit = next((s for s in by_line.get((f.path, f.line), ()) if s.covers(f.code)), None)
        if hit is None:
            kept.append(f)
        else:
            hit.suppressed.append(f)
    return kept


def summary_line(suppressions: Sequence[Suppression]) -> str:
    """One line for the text output, or "" when there are none."""
    if not suppressions:
        return ""
    n = len(suppressions)
    hidden = sum(len(s.suppressed) for s in suppressions)
    unjustified = sum(1 for s in suppressions if not s.justification)
    unused = sum(1 for s in suppressions if not s.suppressed)
    parts = [f"{n} suppression{'s' if n != 1 else ''} (# noqa: PRV…) hid {hidden} finding{'s' if hidden != 1 else ''}"]
    if unjustified:
        parts.append(f"{unjustified} without a justification")
    if unused:
        parts.append(f"{unused} hiding nothing")
    return "; ".join(parts) + "; `lint-privacy report --view suppressions` lists them"
