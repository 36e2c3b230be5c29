"""``lint-privacy policy validate FILE`` and ``policy show FILE``: check a policy, or print it as a table.
Both return the CLI exit code: 0 when the policy is usable, 2 when it is not (each problem on stderr).
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TextIO

from . import PolicyError, load_policy
from .model import Category, Policy, RetentionTerm

EXIT_OK = 0
EXIT_BAD_POLICY = 2


def _load(path: str, err: TextIO) -> Policy | None:
    """The policy, checked against the shipped catalog's vendors too; None after printing every problem."""
    from ..catalog import load_catalog
    from .loader import vendor_problems

    try:
        policy = load_policy(path)
    except PolicyError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return None
    problems = vendor_problems(policy, load_catalog(()).vendors)
    for problem in problems:
        print(problem, file=err)
    return None if problems else policy


def summary(policy: Policy) -> str:
    """One line of counts: what the policy declares."""
    parts = [
        (len(policy.categories), "category", "categories"),
        (len(policy.recipients), "recipient", "recipients"),
        (len(policy.purposes), "purpose", "purposes"),
        (len(policy.safeguards), "safeguard", "safeguards"),
        (len(policy.jurisdictions), "jurisdiction", "jurisdictions"),
        (len(policy.law.adequacy), "adequacy list", "adequacy lists"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts)


def validate(path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Check a policy file: ``path: OK (counts)`` on stdout, or one line per problem on stderr."""
    out, err = out or sys.stdout, err or sys.stderr
    policy = _load(path, err)
    if policy is None:
        return EXIT_BAD_POLICY
    print(f"{path}: OK ({summary(policy)})", file=out)
    return EXIT_OK


def describe_term(policy: Policy, term: RetentionTerm) -> str:
    """A retention term in words, prefixed by the data subjects it is limited to."""
    text = policy.describe_term(term)
    return f"[{', '.join(term.subjects)}] {text}" if term.subjects else text


def recipients_of(policy: Policy, category: Category) -> list[str]:
    """Recipients that the notice declares for this category by name (unrestricted ones excluded)."""
    return [r.id for r in policy.recipients.values() if r.categories is not None and category.id in r.categories]


def _bases(category: Category) -> list[str]:
    seen: list[str] = []
    for use in category.purposes:
        seen.extend(b for b in use.bases if b not in seen)
    return seen or ["(customer's, as processor)"]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> list[str]:
    """Rows of wrapped cells under a header, columns separated by two spaces."""
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        # A cell of several entries keeps one entry per line, each wrapped on its own.
        cells = [sum((textwrap.wrap(part, w, break_on_hyphens=False) or [""] for part in cell.split("\n")), [])
                 for cell, w in zip(row, widths)]
        for i in range(max(len(c) for c in cells)):
            lines.append("  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, widths)).rstrip())
    return lines


def render(policy: Policy, width: int = 140) -> str:
    """The policy as plain text: header, one table row per category, then what applies to all."""
    n = policy.notice
    head = [n.title, f"controller: {n.controller.name}" + (f", {n.controller.address}" if n.controller.address else ""),
            f"last updated: {n.last_updated}" + (f" (previous version {n.previous_version})" if n.previous_version else "")]
    lines = [textwrap.fill(h, width, subsequent_indent="  ") for h in head] + [""]
    # Section and bases columns have fixed widths that fit their longest entries; the rest is shared.
    section_w, bases_w, gaps = 8, 20, 4 * 2
    rest = max(40, width - section_w - bases_w - gaps)
    category_w = min(28, max(14, rest // 4))
    retention_w = (rest - category_w) * 3 // 5
    recipients_w = rest - category_w - retention_w
    rows = [[c.id + (" (processor)" if c.role == "processor" else ""), c.section,
             "\n".join(describe_term(policy, t) for t in c.retention), "\n".join(_bases(c)),
             ", ".join(recipients_of(policy, c)) or "-"]
            for c in policy.categories.values()]
    lines += _table(["CATEGORY", "SECTION", "RETENTION", "LEGAL BASES", "RECIPIENTS"], rows,
                    [category_w, section_w, retention_w, bases_w, recipients_w])
    anyone = [r.id for r in policy.recipients.values() if r.categories is None]
    lines += ["", textwrap.fill("Recipients the notice does not restrict to categories: " + (", ".join(anyone) or "none"),
                                width, subsequent_indent="  ")]
    t = policy.transfer
    lines += [textwrap.fill(f"Transfers (section {t.section}): free inside {', '.join(t.inside_as_written or t.inside)}; "
                            f"adequacy list: {t.adequacy or 'none'}; accepted safeguards: "
                            f"{', '.join(t.accepted_safeguards) or 'none'}", width, subsequent_indent="  ")]
    for j in policy.jurisdictions.values():
        rule = j.transfer
        if rule is None or rule.jurisdiction != j.id:  # inherited rules are shown with their country
            continue
        covered = rule.covered_recipients
        text = (f"{j.id} ({rule.section}): free inside {', '.join(rule.inside_as_written or rule.inside)}; "
                f"adequacy list: {rule.adequacy or 'none'}; accepted safeguards: "
                f"{', '.join(rule.accepted_safeguards) or 'none'}")
        if set(covered) == set(policy.recipients):
            text += "; covered recipients: all"
        elif covered:
            text += "; covered recipients: " + (", ".join(covered) if len(covered) <= 3 else f"{len(covered)}")
        lines.append(textwrap.fill(text, width, initial_indent="  ", subsequent_indent="    "))
    return "\n".join(lines)


def show(path: str, out: TextIO | None = None, err: TextIO | None = None, width: int | None = None) -> int:
    """Print the policy as a readable table (terminal width, at least 80 columns); problems go to
    stderr as with ``validate``."""
    out, err = out or sys.stdout, err or sys.stderr
    policy = _load(path, err)
    if policy is None:
        return EXIT_BAD_POLICY
    print(render(policy, width or max(80, shutil.get_terminal_size((140, 24)).columns)), file=out)
    return EXIT_OK

