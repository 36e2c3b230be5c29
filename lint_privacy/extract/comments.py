"""Comments of one file: the ``# privacy:`` annotations and the ``# noqa`` justifications.

Tokenizing is skipped for files that mention neither, which is most files of a project.
"""

from __future__ import annotations

import io
import re
import sys
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
    comments = _scan_comments(source)
    if comments is None:
        try:
            comments = _tokenize_comments(source)
        except (tokenize.TokenError, SyntaxError, IndentationError):
            # The file parsed with ast already; a tokenizer disagreement leaves it without comments.
            return found
    for line, col, text, alone in comments:
        hit = find_comment(text)
        if hit is not None:
            kind, _ = hit
            found.privacy[line] = PrivacyComment(line, col, text, kind, alone)
        m = _NOQA.search(text)
        if m and "PRV" in (m.group("codes") or "").upper():
            found.noqa.append((line, text[m.start():].strip()))
    return found


def _tokenize_comments(source: str) -> list[tuple[int, int, str, bool]]:
    """``(line, column, text, alone on its line)`` of each comment token."""
    return [
        (tok.start[0], tok.start[1], tok.string, not tok.line[:tok.start[1]].strip())
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]


# Before 3.12, tokenize is pure Python (most of the cost of extracting a commented file), and a
# string, an f-string too, is one token: a regex that steps over strings finds the same comments
# as tokenize. From 3.12 the C tokenizer serves, and f-strings nest quotes and comments.
_SCAN = sys.version_info < (3, 12)
_STRING_OR_COMMENT = re.compile(
    "|".join((
        r"#[^\r\n]*",
        r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''",  # as tokenize's own patterns for strings
        r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""',
        r"'[^\n'\\]*(?:\\(?:\r\n|.)[^\n'\\]*)*'",  # a backslash continues it on the next line
        r'"[^\n"\\]*(?:\\(?:\r\n|.)[^\n"\\]*)*"',
        r"""['"]""",  # a quote that opens no string these know: leave the file to tokenize
    )),
    re.DOTALL,
)


def _scan_comments(source: str) -> list[tuple[int, int, str, bool]] | None:
    """What :func:`_tokenize_comments` returns, found with a regex; None when only tokenize can tell."""
    if not _SCAN or source.count("\r") != source.count("\r\n"):
        return None  # tokenize reads a lone carriage return as no line break: leave it to tokenize
    comments: list[tuple[int, int, str, bool]] = []
    line, counted = 1, 0  # line number at offset `counted`: newlines are counted once, forwards
    for m in _STRING_OR_COMMENT.finditer(source):
        text = m.group()
        if text[0] == "#":
            start = m.start()
            line += source.count("\n", counted, start)
            counted = start
            line_start = source.rfind("\n", 0, start) + 1
            comments.append((line, start - line_start, text, not source[line_start:start].strip()))
        elif len(text) == 1:
            return None
    return comments
