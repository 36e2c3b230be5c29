"""What every check receives (the project, the policy, the catalog) and the rule registry."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import Catalog
from ..config import Config
from ..facts import FileFacts
from ..findings import Finding, Rule
from ..lineage.symbols import Symbols
from ..policy.model import Category, Policy

if TYPE_CHECKING:
    from ..lineage.graph import Lineage

RULES: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    for rule in rules:
        if rule.code in RULES:
            raise ValueError(f"{rule.code} is declared twice")
        RULES[rule.code] = rule


def finding(rule: Rule, path: str, line: int, col: int, **fields: object) -> Finding:
    """A finding of ``rule``; ``fields`` fill its template and the Finding's own fields."""
    own = {k: fields[k] for k in ("category", "recipient", "origins", "steps", "decided_by") if k in fields}
    message = rule.template.format(**fields)
    return Finding(code=rule.code, path=path, line=line, col=col, message=message, **own)  # type: ignore[arg-type]


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

    def category(self, cid: str) -> Category | None:
        return self.policy.categories.get(cid)

    def wanted(self, path: str) -> bool:
        """Whether findings in ``path`` are wanted from this judgement."""
        return self.focus is None or path in self.focus


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def join(items: Sequence[str], limit: int = 6) -> str:
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")
