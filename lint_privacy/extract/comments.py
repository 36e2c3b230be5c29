"""Comments of one file: the ``# privacy:`` annotations and the ``# noqa`` justifications.

Tokenizing is skipped for files that mention neither, which is most files of a project.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from ..annotations import find_comment

_NOQA = re.compile(r"#\s*noqa\b(?::\s*(?P<codes>[A-Z0-9, ]+))?(?P<rest>.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class PrivacyComment:
    line: int
    column: int  # where the comment token starts
    text: str  # the whole comment token
    kind: str  # "privacy" or "privacy-defaults"
    alone: bool  # nothing but white space before it on its line


@dataclass
class Comments:
    privacy: dict[int, PrivacyComment] = field(default_factory=dict)
    noqa: list[tuple[int, str]] = field(default_factory=list)  # (line, the noqa comment)


def read_comments(source: str) -> Comments:
    """Collect privacy comments by line, and every ``noqa`` comment naming a PRV code."""
    found = Comments()
    if "privacy" not in source and "noqa" not in source.lower():
        return found
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # The file parsed with ast already; a tokenizer disagreement leaves it without comments.
        return found
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        line, col = tok.start
        hit = find_comment(tok.string)
        if hit is not None:
            kind, _ = hit
            alone = not tok.line[:col].strip()
            found.privacy[line] = PrivacyComment(line, col, tok.string, kind, alone)
        m = _NOQA.search(tok.string)
        if m and "PRV" in (m.group("codes") or "").upper():
            found.noqa.append((line, tok.string[m.start():].strip()))
    return found
