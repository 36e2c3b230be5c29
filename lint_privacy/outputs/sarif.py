"""SARIF 2.1.0 for GitHub code scanning: rules with help from the docs, repo-relative URIs,
stable partial fingerprints, and code flows for lineage paths.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from .. import __version__
from ..config import Config
from ..findings import Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def fingerprint(f: Finding) -> str:
    """Stable across edits that move lines: code, file, category, recipient and the message
    without its line numbers."""
    text = "|".join((f.code, f.path, f.category, f.recipient, _strip_numbers(f.message)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _strip_numbers(message: str) -> str:
    return "".join(ch for ch in message if not ch.isdigit())


def render_sarif(findings: Sequence[Finding], config: Config) -> str:
    from ..checks import RULES

    codes = sorted({f.code for f in findings} | set(RULES))
    index = {code: i for i, code in enumerate(codes)}
    rules = []
    for code in codes:
        rule = RULES[code]
        rules.append({
            "id": code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.what.strip()},
            "help": {"text": rule.markdown(), "markdown": rule.markdown()},
            "properties": {"tags": ["privacy"]},
        })
    results = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error",
            "message": {"text": f.message},
            "locations": [_location(f.path, f.line, f.col)],
            "partialFingerprints": {"primaryLocationLineHash": fingerprint(f)},
        }
        if f.steps:
            result["codeFlows"] = [{
                "threadFlows": [{
                    "locations": [
                        {"location": {**_location(s.path, s.line, 0), "message": {"text": s.note}}}
                        for s in f.steps
                    ]
                }]
            }]
        results.append(result)
    doc = {
        "version": "2.1.0",
        "$schema": SCHEMA,
        "runs": [{
            "tool": {"driver": {"name": "lint-privacy", "version": __version__, "rules": rules,
                                "informationUri": "https://github.com/lint-privacy/lint-privacy"}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": config.root.as_uri() + "/"}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2) + "\n"


def _location(path: str, line: int, col: int) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(line, 1), "startColumn": col + 1},
        }
    }
