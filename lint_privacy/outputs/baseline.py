"""Baselines: adopt lint-privacy on an existing codebase and see only new findings.

``lint-privacy check --write-baseline FILE`` records a fingerprint of every current finding;
``lint-privacy check --baseline FILE`` then reports only findings whose fingerprint is not in it.

A fingerprint is a hash of what the finding is about, not where it is, nor how it is worded:

* the code and the file (relative to the project root),
* the category and recipient of the finding,
* the text of the statement's first line, with white space collapsed,
* for a finding about a flow, the data: its first origin's category, file and name
  (``Contact.email``); for any other, the first line with line numbers and "(+N more)" counts
  removed,

so adding or removing lines elsewhere in the file (which moves the finding) and rewording the
message of a flow keep it; editing the flagged line itself, renaming the file or changing what
the finding is about makes it new. Identical findings on identical lines of one file are told
apart by their order (``hash:2``). Baselines are matched as multisets: two known copies cover
two findings, not three.

A baseline of version 1 (written before findings had details: its fingerprints hashed the whole
message) is still read: its entries match findings of the same code, file and line, until it is
written again (the CLI says so).

PRV001/PRV002 findings (a bad policy, a file not analysed) are never written to a baseline and never
hidden by one: the run could not be trusted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..findings import Finding
from .suppressions import UNTRUSTED_CODES

BASELINE_VERSION = 2
_READ_VERSIONS = (1, 2)
_MORE = re.compile(r"\s*\(\+\d+ more\)")
_LINE_REF = re.compile(r"(?<=\.py):\d+|\bline \d+|:\d+(?=\b)")
_SPACE = re.compile(r"\s+")


class BaselineError(Exception):
    """The baseline file cannot be used; the message names the file and the problem."""


class _Lines:
    """Source lines of project files, read once per file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, list[str]] = {}

    def line(self, path: str, line: int) -> str:
        if path not in self._cache:
            from ..config import DEFAULT_MAX_FILE_SIZE
            from ..reading import read_regular

            try:  # a FIFO or a device (reported PRV002) is never opened; a larger file counts as empty
                text = read_regular(self.root / path, DEFAULT_MAX_FILE_SIZE).decode("utf-8", errors="replace")
            except OSError:
                text = ""
            self._cache[path] = text.splitlines()
        lines = self._cache[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def normalise_message(message: str) -> str:
    """The message without what moves with unrelated edits: line numbers and origin counts."""
    return _LINE_REF.sub("", _MORE.sub("", message))


def _subject(f: Finding) -> str:
    """What a finding is about beyond its statement: the data of a flow, else its first line."""
    if f.origins:
        o = f.origins[0]
        return "\x1e".join((o.category, o.path, o.name))
    return normalise_message(f.message)


def _base_hash(f: Finding, source_line: str) -> str:
    text = "\x1f".join((
        f.code, f.path, f.category, f.recipient,
        _SPACE.sub(" ", source_line).strip(),
        _subject(f),
    ))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def legacy_key(code: str, path: str, line: int) -> str:
    """How an entry of a version-1 baseline is matched: by code, file and line."""
    return f"v1:{code}:{path}:{line}"


def fingerprints(findings: Sequence[Finding], root: Path) -> list[str]:
    """One stable fingerprint per finding (same order), ``<hash>:<n>`` with n counting repeats."""
    lines = _Lines(root)
    seen: Counter[str] = Counter()
    out: list[str] = []
    for f in findings:
        h = _base_hash(f, lines.line(f.path, f.line))
        seen[h] += 1
        out.append(f"{h}:{seen[h]}")
    return out


def _trusted(f: Finding) -> bool:
    return f.code not in UNTRUSTED_CODES


def write_baseline(file: Path, findings: Sequence[Finding], root: Path) -> int:
    """Write the baseline of ``findings``; returns how many were recorded."""
    kept = sorted((f for f in findings if _trusted(f)), key=Finding.sort_key)
    prints = fingerprints(kept, root)
    doc = {
        "tool": "lint-privacy",
        "version": BASELINE_VERSION,
        "note": "Known findings: `lint-privacy check --baseline FILE` reports only findings not listed here.",
        "findings": [
            {"fingerprint": fp.split(":")[0], "code": f.code, "path": f.path, "line": f.line, "message": f.message}
            for fp, f in zip(prints, kept)
        ],
    }
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(kept)


def read_baseline(file: Path) -> Counter[str]:
    """The fingerprints a baseline holds, with their counts."""
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{file}: no such baseline file (write one with --write-baseline {file})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{file}: cannot read it ({e})") from None
    except json.JSONDecodeError as e:
        raise BaselineError(f"{file}:{e.lineno}: not a lint-privacy baseline: {e.msg}") from None
    if not isinstance(doc, dict) or doc.get("tool") != "lint-privacy" or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{file}: not a lint-privacy baseline (expected an object with \"tool\": \"lint-privacy\" and \"findings\")")
    version = doc.get("version")
    if version not in _READ_VERSIONS:
        raise BaselineError(f"{file}: baseline version {version!r}; this lint-privacy reads versions "
                            f"{', '.join(map(str, _READ_VERSIONS))}")
    known: Counter[str] = Counter()
    for i, entry in enumerate(doc["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{file}: findings[{i}] has no \"fingerprint\" string")
        if version == 1:
            if not (isinstance(entry.get("code"), str) and isinstance(entry.get("path"), str)
                    and isinstance(entry.get("line"), int)):
                raise BaselineError(f"{file}: findings[{i}] of a version-1 baseline has no code, path and "
                                    "line")
            known[legacy_key(entry["code"], entry["path"], entry["line"])] += 1
        else:
            known[entry["fingerprint"]] += 1
    return known


def is_legacy(known: Counter[str]) -> bool:
    """Whether a baseline read by :func:`read_baseline` is of version 1 (matched by code, file and line)."""
    return any(k.startswith("v1:") for k in known)


def new_findings(findings: Sequence[Finding], known: Counter[str], root: Path) -> tuple[list[Finding], int]:
    """The findings the baseline does not know, and how many it hid."""
    ordered = sorted(findings, key=Finding.sort_key)
    left = Counter(known)
    fresh: list[Finding] = []
    hidden = 0
    for fp, f in zip(fingerprints(ordered, root), ordered):
        h = next((k for k in (fp.split(":")[0], legacy_key(f.code, f.path, f.line)) if left[k] > 0), "")
        if _trusted(f) and h:
            left[h] -= 1
            hidden += 1
        else:
            fresh.append(f)
    return fresh, hidden
