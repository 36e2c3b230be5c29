"""What every check receives (the project, the policy, the catalog) and the rule registry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..catalog import Catalog
from ..config import Config
from ..errors import closest
from ..facts import FileFacts
from ..findings import Finding, Rule, clauses, first_line
from ..lineage.destinations import Destination
from ..lineage.graph import Lineage, Reach, Sink
from ..lineage.symbols import Symbols
from ..policy.model import Category, Policy, RetentionTerm

RULES: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    for rule in rules:
        if rule.code in RULES:
            raise ValueError(f"{rule.code} is declared twice")
        RULES[rule.code] = rule


def finding(rule: Rule, path: str, line: int, col: int, **fields: object) -> Finding:
    """A finding of ``rule``; ``fields`` fill its templates (first line, reason, promise) and the
    Finding's own fields. A ``note`` field is one more clause of the reason (pseudonymised data)."""
    own = {k: fields[k] for k in ("category", "recipient", "origins", "steps", "decided_by", "route")
           if k in fields}
    if "decided_by" not in own and fields.get("section"):  # the notice's section the promise is in
        own["decided_by"] = f"notice {fields['section']}"
    reason = "; ".join((rule.reason.format(**fields), str(fields.get("note", ""))))
    return Finding(code=rule.code, path=path, line=line, col=col, message=first_line(rule.template, fields),
                   reason=clauses(reason), promise=clauses(rule.promise.format(**fields)),
                   **own)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Declared:
    """A value declared by an annotation, and where (for messages)."""

    value: str
    where: str  # "def blast() at app/campaign.py:9", "module default at app/campaign.py:1"


@dataclass(frozen=True)
class SinkFlows:
    """A sink that personal data reaches: where it sends it and the sources reaching it."""

    sink: Sink
    destination: Destination
    reaches: tuple[Reach, ...]


@dataclass
class Context:
    config: Config
    policy: Policy
    catalog: Catalog
    symbols: Symbols
    files: dict[str, FileFacts]
    lineage: Lineage | None = None  # built only when a check needs it
    # Only these files' findings are wanted (an editor's buffer, judged with the files it depends
    # on): checks skip the work whose findings would land in other files. None: every file.
    focus: frozenset[str] | None = None
    # Computed once per judgement (checks/flows.py, checks/scopes.py) and read by every family.
    sink_flows: list[SinkFlows] | None = None
    log_shippers: tuple[tuple[Destination, int], ...] | None = None
    source_values: dict[tuple[str, str], Declared | None] = field(default_factory=dict)  # (source node, key)

    def category(self, cid: str) -> Category | None:
        return self.policy.categories.get(cid)

    def wanted(self, path: str) -> bool:
        """Whether findings in ``path`` are wanted from this judgement."""
        return self.focus is None or path in self.focus


def describe_term(policy: Policy, term: RetentionTerm) -> str:
    """``12 months after the end of the business relationship (§5.1.1)``."""
    return f"{policy.describe_term(term)} (§{term.section})"


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = closest(word, options)
    return f"; did you mean {close}?" if close else ""


def join(items: Sequence[str], limit: int = 6) -> str:
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")
