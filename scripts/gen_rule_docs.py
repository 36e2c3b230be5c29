"""Write ``docs/codes/PRVnnn.md`` for every rule and ``docs/codes/README.md`` (the index).

The pages are generated from the rules themselves (``Rule.markdown()``, the same text that
``lint-privacy explain PRVnnn`` prints), so the docs cannot drift from the code:
``tests/test_rule_docs.py`` fails when a committed page differs from what this script writes.

    python scripts/gen_rule_docs.py            # rewrite docs/codes/
    python scripts/gen_rule_docs.py --check    # exit 1 if docs/codes/ is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "codes"

def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def pages() -> dict[str, str]:
    """File name -> content, for every file this script owns in docs/codes/."""
    from lint_privacy.checks import RULES
    from lint_privacy.findings import CODE_FAMILIES

    out: dict[str, str] = {}
    for code in sorted(RULES):
        out[f"{code}.md"] = RULES[code].markdown()
    lines = [
        "# Codes",
        "",
        "Every code lint-privacy reports, one page each (what it flags, why it matters, an",
        "example, how to fix it). `lint-privacy explain PRVnnn` prints the same page.",
        "",
        "These pages are generated from the rules by `scripts/gen_rule_docs.py`; do not edit",
        "them by hand (`tests/test_rule_docs.py` fails when they drift).",
        "",
        "| code | name | summary |",
        "|---|---|---|",
    ]
    for code in sorted(RULES):
        rule = RULES[code]
        lines.append(f"| [{code}]({code}.md) | `{rule.name}` | {_cell(rule.summary)} |")
    lines += ["", "Families:", ""]
    present = sorted({code[3] for code in RULES})
    for digit, family in CODE_FAMILIES.items():
        state = "" if digit in present else " (no rule yet)"
        lines.append(f"- `PRV{digit}xx`: {family.covers}{state}")
    out["README.md"] = "\n".join(lines) + "\n"
    return out


def stale(folder: Path = OUT) -> list[str]:
    """Files of ``folder`` that differ from what :func:`pages` would write, are missing, or
    are pages of codes that no longer exist."""
    wanted = pages()
    problems = []
    for name, text in wanted.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: differs from the rule")
    if folder.is_dir():
        for path in sorted(folder.glob("PRV*.md")):
            if path.name not in wanted:
                problems.append(f"{path.name}: no such code any more")
    return problems


def write(folder: Path = OUT) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    written = []
    for name, text in wanted.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(name)
    for path in sorted(folder.glob("PRV*.md")):
        if path.name not in wanted:
            path.unlink()
            written.append(f"{path.name} (removed)")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report stale pages and exit 1, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for p in problems:
            sys.stderr.write(f"docs/codes/{p}\n")
        if problems:
            sys.stderr.write("run: python scripts/gen_rule_docs.py\n")
        return 1 if problems else 0
    for name in write():
        sys.stdout.write(f"wrote docs/codes/{name}\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
