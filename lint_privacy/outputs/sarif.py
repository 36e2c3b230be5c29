"""SARIF 2.1.0 for GitHub code scanning: rules with help from the rule docs, repo-relative URIs,
stable partial fingerprints, and code flows for lineage paths.

* URIs are relative to the repository (the nearest folder above the project root holding
  ``.git``; the project root when there is none), so a project in a subfolder of a monorepo
  still points at the right file in the GitHub UI.
* ``partialFingerprints`` hold the baseline fingerprint (``lintPrivacy/v2``) and, for GitHub,
  ``primaryLocationLineHash``: both are computed from what a finding is about and the text of
  its line, never from its line number, so alerts survive unrelated edits that move lines.
* ``codeFlows``: where the data comes from (the finding's first origin), each step of its
  lineage path, and the statement where it is reported.
* ``message``: the finding's first line, then its details (data, route, reason, promise) one a
  line, in ``text`` and ``markdown``; the details are also the result's ``properties``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..config import Config
from ..findings import CODE_FAMILIES, Finding
from .baseline import fingerprints

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/lint-privacy/lint-privacy"
MAX_RESULTS = 25_000  # GitHub code scanning's limit per run


def fingerprint(f: Finding, root: Path | None = None) -> str:
    """The stable fingerprint of one finding (see ``baseline``)."""
    return fingerprints([f], root or Path("."))[0]


def repo_prefix(root: Path) -> str:
    """The project root's path inside its git repository ("" at the top, "svc/api/" below it)."""
    root = root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            rel = root.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def level(code: str) -> str:
    return "warning" if code == "PRV104" else "error"


def render_sarif(findings: Sequence[Finding], config: Config) -> str:
    return json.dumps(sarif_document(findings, config), indent=2, ensure_ascii=False) + "\n"


def sarif_document(findings: Sequence[Finding], config: Config) -> dict[str, object]:
    from ..checks import RULES

    ordered = sorted(findings, key=Finding.sort_key)
    codes = sorted(set(RULES) | {f.code for f in ordered})
    index = {code: i for i, code in enumerate(codes)}
    rules = [_rule(code, RULES.get(code)) for code in codes]
    prefix = repo_prefix(config.root)
    prints = fingerprints(ordered, config.root)
    results = []
    for f, fp in zip(ordered[:MAX_RESULTS], prints):
        result: dict[str, object] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": level(f.code),
            "message": _message(f),
            "locations": [_location(prefix, f.path, f.line, f.col)],
            "partialFingerprints": {"lintPrivacy/v2": fp, "primaryLocationLineHash": fp},
        }
        related = [
            {"id": i, **_location(prefix, o.path, o.line, None, f"{o.label}")}
            for i, o in enumerate(f.origins)
            if o.path and o.line
        ]
        if related:
            result["relatedLocations"] = related
        flow = _flow(prefix, f)
        if flow:
            result["codeFlows"] = [{"threadFlows": [{"locations": flow}]}]
        props: dict[str, object] = {}
        if f.category:
            props["category"] = f.category
        if f.recipient:
            props["recipient"] = f.recipient
        if f.decided_by:
            props["decidedBy"] = f.decided_by
        details = (("reason", f.reason), ("route", f.route), ("promise", f.promise))
        props.update((key, value) for key, value in details if value)
        if props:
            result["properties"] = props
        results.append(result)
    run: dict[str, object] = {
        "tool": {"driver": {
            "name": "lint-privacy",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFO_URI,
            "rules": rules,
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if config.policy is not None:
        run["properties"] = {"policy": _policy_name(config)}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _message(f: Finding) -> dict[str, str]:
    """The first line first (a viewer short of room shows only it), then the details, one a line."""
    details = f.details()
    if not details:
        return {"text": f.message}
    return {"text": "\n".join([f.message, *(f"{label}: {text}" for label, text in details)]),
            "markdown": "\n".join([_md(f.message), "",
                                   *(f"- **{label}:** {_md(text)}" for label, text in details)])}


def _md(text: str) -> str:
    """Plain text as markdown that shows it as it is (names hold _ and *)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def _policy_name(config: Config) -> str:
    assert config.policy is not None
    try:
        return repo_prefix(config.root) + Path(config.policy).resolve().relative_to(config.root).as_posix()
    except ValueError:
        return Path(config.policy).name


def _rule(code: str, rule: object | None) -> dict[str, object]:
    if rule is None:  # a code without a registered rule: still a valid descriptor
        return {
            "id": code,
            "shortDescription": {"text": code},
            "fullDescription": {"text": code},
            "help": {"text": f"See `lint-privacy explain {code}`."},
            "defaultConfiguration": {"level": level(code)},
        }
    from ..findings import Rule

    assert isinstance(rule, Rule)
    md = rule.markdown()
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": _plain(md), "markdown": md},
        "defaultConfiguration": {"level": level(code)},
        "properties": {"tags": ["privacy", _family(code)]},
    }


def _family(code: str) -> str:
    family = CODE_FAMILIES.get(code[3:4])
    return family.name if family is not None else "privacy"


def _plain(markdown: str) -> str:
    """Markdown help as plain text: headings and code fences dropped, the words kept."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith("```"):
            continue
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines).strip() + "\n"


def _location(prefix: str, path: str, line: int, col: int | None, message: str = "") -> dict[str, object]:
    region: dict[str, object] = {"startLine": max(line, 1)}
    if col is not None:
        region["startColumn"] = col + 1
    loc: dict[str, object] = {
        "physicalLocation": {
            "artifactLocation": {"uri": prefix + path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    }
    if message:
        loc["message"] = {"text": message}
    return loc


def _flow(prefix: str, f: Finding) -> list[dict[str, object]]:
    """Thread-flow locations: origin -> steps -> where the finding is reported."""
    points: list[tuple[str, int, str]] = []
    if f.origins and f.origins[0].path:
        o = f.origins[0]
        points.append((o.path, o.line, f"personal data: {o.label}"))
    for s in f.steps:
        if points and (points[-1][0], points[-1][1]) == (s.path, s.line):
            continue  # the same place twice in a row: keep the first description
        points.append((s.path, s.line, s.note))
    if not points:
        return []
    if (points[-1][0], points[-1][1]) != (f.path, f.line):
        points.append((f.path, f.line, f"reported here: {f.code}"))
    if len(points) < 2:
        return []
    return [
        {"location": _location(prefix, path, line, None, note or f"{path}:{line}"), "nestingLevel": 0, "executionOrder": i + 1}
        for i, (path, line, note) in enumerate(points)
    ]
