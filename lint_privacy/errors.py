"""What goes wrong on the way, and how it is said: the errors one stage raises and another reports
(a file not read, a file not analysed, a setup that cannot load), and the one wording of PRV002
(a file not analysed), whichever door reports it. An error that is part of one loader's interface
stays beside it (``ConfigError``, ``PolicyError``, ``CatalogError``, ``YamlError``, ...).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from . import __version__
from .findings import Finding, clauses, first_line

# PRV002's first line and reason (checks/tool.py declares the rule with them): the first clause of
# why the file was not analysed (up to "; "), then what follows it, what to do or to report.
NOT_ANALYSED = "this file was not analysed: {cause}"
NOT_ANALYSED_REASON = "{detail}; its personal data, flows and findings are unknown"


class Refused(OSError):
    """A file that is not read at all: not a regular file, or (``too_large``) larger than the
    bound. ``str()`` says why, for a person."""

    def __init__(self, reason: str, too_large: bool = False) -> None:
        super().__init__(reason)
        self.too_large = too_large


class SourceError(Exception):
    """A file could not be read or parsed; the message is for a person."""


class SetupError(Exception):
    """The run cannot start: no usable configuration, policy or catalog. One message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def internal_error(e: BaseException, what: str = "lint-privacy") -> str:
    """Why a file's findings are unknown when a bug of ours was met on it (the ``reason`` of
    PRV002): what failed, with the error, and that it is to be reported. Its first clause (up to
    "; ") is the finding's first line."""
    detail = str(e).splitlines()[0][:200] if str(e) else ""
    return (f"{what} failed ({type(e).__name__}), a bug to report; "
            f"an internal error{': ' + detail if detail else ''}; its findings are unknown. This is a bug in "
            f"lint-privacy {__version__}: please report it with the file that triggers it")


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option a mistyped ``word`` most likely meant ("did you mean ...?"): difflib's closest
    with a ratio of at least 0.6, else None. Every "did you mean" of the tool asks this."""
    options = list(options)
    # ratio = 2 * matches / (len(word) + len(option)): a word this much longer than every option
    # matches none, and difflib is slow on long text.
    if not options or len(word) > 3 * max(map(len, options)):
        return None
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def not_analysed(path: str, reason: str) -> Finding:
    """The PRV002 finding of a file that could not be analysed: the reason's first clause (up to
    "; ") is its first line, what follows it (what to do, the bug to report) its details."""
    cause, _, detail = reason.partition("; ")
    return Finding(code="PRV002", path=path, line=1, col=0,
                   message=first_line(NOT_ANALYSED, {"cause": cause}),
                   reason=clauses(NOT_ANALYSED_REASON.format(detail=detail)))


def not_analysed_cause(f: Finding) -> str:
    """Why a file was not analysed, from its PRV002 finding ("syntax error at line 1: ...")."""
    return f.message.removeprefix(NOT_ANALYSED.format(cause=""))
