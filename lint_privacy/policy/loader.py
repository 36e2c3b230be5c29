"""Read a policy file into a :class:`~lint_privacy.policy.model.Policy`, or say exactly what is wrong.
Safe YAML with size, depth and alias caps, then the JSON Schema, then cross-references, then objects.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..durations import DurationError, parse_duration
from ..errors import closest
from ..iso3166 import is_country
# MAX_DEPTH is the policy's cap too.
from ..safe_yaml import MAX_DEPTH, Loc, YamlError, YamlProblem, parse_yaml  # noqa: F401
from . import model as m

# Caps for a policy: a real one is a few thousand nodes, a few levels deep (MAX_DEPTH) and ~100 KiB.
MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 50_000  # after alias expansion: what a walker would visit


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a policy file, at a 1-based line and column (line 0: the file itself)."""

    path: str
    line: int
    column: int
    message: str

    def __post_init__(self) -> None:
        # One problem, one line: a key or value quoted in a message may hold line breaks.
        flat = self.message.replace("\r", "\\r").replace("\n", "\\n")
        object.__setattr__(self, "message", flat)

    def __str__(self) -> str:
        if self.line <= 0:  # the file as a whole (missing, unreadable): no position to give
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class PolicyError(Exception):
    """The policy cannot be used; ``problems`` lists every problem found, sorted by line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems, key=lambda p: (p.line, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


def load_policy(path: str | os.PathLike[str]) -> m.Policy:
    """Load and check a policy file; raise :class:`PolicyError` with every problem found."""
    shown = os.fspath(path)
    try:
        data, loc, found = parse_yaml(_read(shown), max_nodes=MAX_NODES, what="policy")
        if data is None or loc is None:
            raise YamlError(YamlProblem(1, 1, "policy file is empty"))
        problems = [Problem(shown, p.line, p.column, p.message) for p in found]
        problems += _use_shipped_law(shown, data, loc)
        # YAML-level problems (a duplicate key, a refused tag) leave a usable tree: check it too,
        # but say nothing more about the very nodes already reported.
        problems += _Checker(shown, data, loc, {(p.line, p.column) for p in problems}).run()
        if not problems:
            return _build(shown, data, loc)
    except YamlError as fatal:  # reading stopped: the problems found up to the one that stopped it
        problems = [Problem(shown, p.line, p.column, p.message) for p in fatal.problems]
    except Exception as exc:  # the promise is "never a traceback", even for a bug of ours
        problems = [Problem(shown, 0, 0,
                            f"internal error while reading the policy ({type(exc).__name__}: {exc})")]
    raise PolicyError(problems)


SHIPPED_LAW = ("eu", "uk")  # lint_privacy/policy/law/<id>.yaml


def shipped_law(law_id: str) -> dict[str, Any]:
    """The law part the package ships under ``law_id`` (a fresh copy: a policy merges into it)."""
    import copy

    return copy.deepcopy(_shipped_law(law_id))


@functools.lru_cache(maxsize=None)
def _shipped_law(law_id: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("law", f"{law_id}.yaml").read_text(encoding="utf-8")
    data, _, _ = parse_yaml(text, max_nodes=MAX_NODES, what="policy")
    return data


def _use_shipped_law(path: str, data: Any, loc: Loc) -> list[Problem]:
    """``law: {use: [eu, uk]}``: the shipped law parts, merged into the policy's own ``law`` as if
    written there. An id also defined in the policy is a problem (which one holds is unclear);
    an unknown law id is left to the schema (did you mean)."""
    law = data.get("law") if isinstance(data, dict) else None
    if not isinstance(law, dict) or not isinstance(law.get("use"), list):
        return []
    problems = []
    for law_id in law["use"]:
        if law_id not in SHIPPED_LAW:
            continue
        for part, entries in shipped_law(law_id).items():
            mine = law.setdefault(part, {})
            if not isinstance(mine, dict):
                continue  # the schema says what is wrong with it
            for key, value in entries.items():
                if key in mine:
                    at = loc.at(["law", part])
                    at = at.keys.get(key, at)
                    problems.append(Problem(
                        path, at.line, at.column,
                        f"law.{part}.{key}: defined here and in the shipped law '{law_id}' (law.use); "
                        f"remove it here to use the shipped one, or drop '{law_id}' from law.use"))
                else:
                    mine[key] = value
    return problems


def _read(path: str) -> str:
    from ..errors import Refused
    from ..reading import read_regular

    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise YamlError(YamlProblem(0, 0, "policy file not found")) from None
    except Refused as exc:
        if not exc.too_large:  # a FIFO or a device is never opened for reading: it might never end
            raise YamlError(YamlProblem(0, 0, f"cannot read the policy file: {exc}")) from None
        raise YamlError(YamlProblem(0, 0, f"policy file is larger than {MAX_BYTES // (1024 * 1024)} MiB; "
                                          "a policy is a few hundred KiB at most")) from None
    except OSError as exc:
        raise YamlError(YamlProblem(0, 0, f"cannot read the policy file: {exc.strerror or exc}")) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(YamlProblem(line, column, "policy file is not UTF-8 text")) from None


# ------------------------------------------------------------------------------- schema and refs


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The policy JSON Schema that ships in the package (the one editors use)."""
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    """The schema's validator, built once per process (editors reload policies often)."""
    from jsonschema import Draft202012Validator  # ~0.2 s to import: only once a policy is loaded

    return Draft202012Validator(schema())


# Patterns of the schema, in words: a message says what is allowed, not a regular expression.
_PATTERN_WORDS = {
    "^[a-z][a-z0-9_]*$": "an id: lower-case letters, digits and _, starting with a letter",
    "^[A-Z]{2}$": "an ISO 3166-1 alpha-2 country code in capitals (GB, US)",
    "^([A-Z]{2}|[A-Z][A-Za-z0-9_]+)$":
        "an ISO 3166-1 alpha-2 country code (US) or a law-part region id (EEA)",
    "^[A-Z]{2}(-[A-Z0-9]{1,3})?$": "an ISO 3166-1 alpha-2 code, or one with a subdivision (CA-QC)",
    "^([A-Z]{2}(-[A-Z0-9]{1,3})?)?$": "a jurisdiction id (IN, CA-QC) or \"\"",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date written YYYY-MM-DD (digits 0-9)",
    "^([a-z][a-z0-9_]*)?$": "a law-part adequacy list id (eu) or \"\"",
    "^[A-Z][A-Za-z0-9_]+$": "a region id starting with a capital letter (EEA)",
}
# Where the schema's types and patterns let impossible values through (check_values).
_DATE_KEYS = frozenset({"last_updated", "previous_version", "as_of"})
_COUNTRY_KEYS = frozenset({"countries", "country", "locations", "inside"})  # two capitals there: a country
_NOT_COUNTRIES = {"UK": " (the United Kingdom is GB)", "EL": " (Greece is GR)", "EU": " (the EU is a region: "
                  "define it under law.regions)", "XK": " (Kosovo has no assigned code)"}
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_KEY = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _quoted(text: str) -> str:
    """``text`` for a message, control characters escaped (never printed raw)."""
    from ..findings import printable

    shown = printable(text)
    return f"'{shown[:60]}...'" if len(shown) > 60 else f"'{shown}'"


_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "nothing"}


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    for kind, words in ((dict, "a mapping"), (list, "a list"), (str, "text"), (int, "a whole number"),
                        (float, "a number")):
        if isinstance(value, kind):
            return words
    return "nothing" if value is None else type(value).__name__


def _dotted(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


def _listing(words: Iterable[str], limit: int = 30) -> str:
    words = list(words)
    more = f", ... ({len(words) - limit} more)" if len(words) > limit else ""
    return ", ".join(words[:limit]) + more


class _Checker:
    """Collects the problems of a parsed policy: schema first, then references between ids."""

    def __init__(self, path: str, data: Any, loc: Loc, reported: set[tuple[int, int]] | None = None) -> None:
        self.path, self.data, self.loc = path, data, loc
        self.reported = reported or set()  # positions the YAML reader has already complained about
        self.problems: list[Problem] = []
        self.schema_errors: set[tuple[Any, ...]] = set()  # paths the schema already reported
        self.missing: set[tuple[tuple[Any, ...], str]] = set()

    def add(self, loc: Loc, where: Iterable[Any], message: str) -> None:
        if (loc.line, loc.column) in self.reported:
            return
        self.problems.append(Problem(self.path, loc.line, loc.column, f"{_dotted(where)}: {message}"))

    def run(self) -> list[Problem]:
        self.check_schema()
        self.check_references()
        self.check_values()
        return self.problems

    # -- values the schema's types and patterns let through

    def check_values(self) -> None:
        """Every key and text printable; dates that exist; country codes ISO 3166-1 assigns."""
        stack: list[tuple[list[Any], Any]] = [([], self.data)]
        while stack:  # explicit: a policy is at most MAX_DEPTH deep, but no shape drives recursion
            where, node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if isinstance(key, str) and _UNPRINTABLE_KEY.search(key):
                        at = self.loc.at(where)
                        self.add(at.keys.get(key, at), where,
                                 f"key {_quoted(key)} holds a control character; names are printable text")
                    stack.append((where + [key], value))
            elif isinstance(node, list):
                stack.extend((where + [i], value) for i, value in enumerate(node))
            elif isinstance(node, str):
                self.check_text(where, node)

    def check_text(self, where: list[Any], value: str) -> None:
        if tuple(where) in self.schema_errors:
            return
        last = next((w for w in reversed(where) if isinstance(w, str)), "")
        if _UNPRINTABLE.search(value):
            self.add(self.loc.at(where), where,
                     f"{_quoted(value)} holds a control character; "
                     "only printable text (and line breaks and tabs in prose) is allowed")
        elif last in _DATE_KEYS and where[-1] == last:
            try:
                datetime.date.fromisoformat(value)
            except ValueError as exc:
                self.add(self.loc.at(where), where, f"'{value}' is not a real date ({exc}); write YYYY-MM-DD")
        elif last in _COUNTRY_KEYS and len(value) == 2 and not is_country(value) and not (
                last in ("locations", "inside") and value in self.section("law", "regions")):
            hint = _NOT_COUNTRIES.get(value, "")
            self.add(self.loc.at(where), where, f"'{value}' is not an ISO 3166-1 alpha-2 country code{hint}; "
                                                "write an assigned code (DE, FR, GB, US)")

    # -- schema

    def check_schema(self) -> None:
        for error in _validator().iter_errors(self.data):
            self.describe(error)

    def describe(self, error: Any) -> None:
        where = list(error.absolute_path)
        self.schema_errors.add(tuple(where))
        loc = self.loc.at(where)
        kind, value, instance = error.validator, error.validator_value, error.instance
        if kind == "additionalProperties" and isinstance(instance, dict):
            allowed = list(error.schema.get("properties", {}))
            for key in instance:
                if key not in allowed:
                    self.add(loc.keys.get(key, loc), where, f"unknown key '{key}'{_suggest(key, allowed)}; "
                                                            f"allowed: {', '.join(allowed)}")
        elif kind == "required" and isinstance(instance, dict):
            # jsonschema yields this error once per missing key, each time with the whole list.
            for key in value:
                if key not in instance and (tuple(where), key) not in self.missing:
                    self.missing.add((tuple(where), key))
                    self.add(self.named_at(where), where,
                             f"missing key '{key}' (required here: {', '.join(value)})")
        elif kind == "type":
            types = [value] if isinstance(value, str) else value
            expected = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
            hint = ""
            if isinstance(instance, (bool, int, float)) and "string" in value and loc.raw is not None:
                # YAML 1.1 reads NO, yes, on, 1.0 as booleans and numbers; quoting keeps the text.
                hint = f"; YAML read '{loc.raw}' as {_kind_of(instance)}, quote it: \"{loc.raw}\""
            self.add(loc, where, f"expected {expected}, found {_kind_of(instance)}{hint}")
        elif kind == "enum":
            choices = [str(c) for c in value]
            self.add(loc, where, f"'{instance}' is not allowed{_suggest(str(instance), choices)}; "
                                 f"allowed: {_listing(choices)}")
        elif kind == "pattern":
            self.add(loc, where, f"'{instance}' is not {_PATTERN_WORDS.get(value, 'valid: ' + value)}")
        elif kind == "propertyNames":
            for sub in error.context or [error]:
                key = sub.instance
                words = _PATTERN_WORDS.get(sub.validator_value, str(sub.validator_value))
                self.add(loc.keys.get(key, loc), where, f"key '{key}' is not {words}")
        elif kind == "minItems":
            self.add(loc, where, f"needs at least {value} item{'s' if value != 1 else ''}")
        elif kind == "minLength":
            self.add(loc, where, "must not be empty")
        elif kind == "uniqueItems":
            seen = set()
            for i, item in enumerate(instance):
                if repr(item) in seen:
                    self.add(loc.children.get(i, loc), where + [i], f"'{item}' is listed twice")
                seen.add(repr(item))
        elif kind in ("minimum", "maximum"):
            bound = "below the minimum" if kind == "minimum" else "above the maximum"
            self.add(loc, where, f"{instance} is {bound} {value}")
        else:
            self.add(loc, where, error.message)

    def named_at(self, where: list[Any]) -> Loc:
        """Where a mapping is named (its key in the parent), else where it starts."""
        if where and isinstance(where[-1], str):
            key = self.loc.at(where[:-1]).keys.get(where[-1])
            if key is not None:
                return key
        return self.loc.at(where)

    # -- references

    def section(self, *keys: str) -> dict[str, Any]:
        node: Any = self.data
        for key in keys:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        return node if isinstance(node, dict) else {}

    def ref(self, where: list[Any], value: Any, known: Iterable[str], what: str) -> None:
        if not isinstance(value, str) or tuple(where) in self.schema_errors:
            return  # the schema has already said what is wrong with this value
        known = list(known)
        if value not in known:
            hint = _suggest(value, known) or (
                f"; known: {_listing(known)}" if known else f"; no {what} is defined")
            self.add(self.loc.at(where), where, f"unknown {what} '{value}'{hint}")

    def refs(self, where: list[Any], values: Any, known: Iterable[str], what: str) -> None:
        known = list(known)
        for i, value in enumerate(values if isinstance(values, list) else ()):
            self.ref(where + [i], value, known, what)

    def check_references(self) -> None:
        """Every id used must be defined; run on entries the schema may have found malformed too."""
        known = {
            "subjects": self.section("notice", "subjects"),
            "purposes": self.section("notice", "purposes"),
            "triggers": self.section("notice", "triggers"),
            "rules": self.section("notice", "retention_rules"),
            "categories": self.section("notice", "categories"),
            "recipients": self.section("notice", "recipients"),
            "safeguards": {**self.section("notice", "safeguards"), **self.section("law", "safeguards")},
            "regions": self.section("law", "regions"), "adequacy": self.section("law", "adequacy"),
            "jurisdictions": self.section("notice", "jurisdictions"),
        }
        for sid in set(self.section("notice", "safeguards")) & set(self.section("law", "safeguards")):
            at = self.loc.at(["law", "safeguards"])
            self.add(at.keys.get(sid, at), ["law", "safeguards"],
                     f"safeguard '{sid}' is defined in both notice and law; give each its own id")
        checks: list[tuple[Any, ...]] = [
            (self.check_transfer, ["notice", "transfer"], self.section("notice", "transfer"))]
        for cid, cat in known["categories"].items():
            checks.append((self.check_category, ["notice", "categories", cid], cat))
        for rid, rec in known["recipients"].items():
            checks.append((self.check_recipient, ["notice", "recipients", rid], rec))
        for jid, jur in known["jurisdictions"].items():
            checks.append((self.check_jurisdiction, ["notice", "jurisdictions", jid], jur))
            if isinstance(jur, dict) and "transfer" in jur:
                checks.append(
                    (self.check_transfer, ["notice", "jurisdictions", jid, "transfer"], jur["transfer"]))
        for aid, lst in known["adequacy"].items():
            checks.append((self.check_adequacy, ["law", "adequacy", aid], lst))
        for check, where, entry in checks:
            try:
                check(where, entry, known)
            except (KeyError, TypeError, AttributeError):
                pass  # a malformed entry: the schema has reported it, and its references cannot be read
        default = self.data.get("default_jurisdiction") if isinstance(self.data, dict) else None
        if default:
            self.ref(["default_jurisdiction"], default, known["jurisdictions"], "jurisdiction")

    def check_category(self, base: list[Any], cat: dict[str, Any], known: dict[str, dict[str, Any]]) -> None:
        self.refs(base + ["subjects"], cat.get("subjects"), known["subjects"], "data subject")
        for i, use in enumerate(cat.get("purposes", ())):
            self.ref(base + ["purposes", i, "purpose"], use.get("purpose"), known["purposes"], "purpose")
            if use.get("bases") == [] and cat.get("role") != "processor":
                self.add(self.loc.at(base + ["purposes", i, "bases"]), base + ["purposes", i, "bases"],
                         "a legal basis is needed (an empty list is only for role: processor)")
        term_ids: set[str] = set()
        for i, term in enumerate(cat.get("retention", ())):
            self.check_term(base + ["retention", i], term, cat, known)
            if term.get("id") in term_ids:
                self.add(self.loc.at(base + ["retention", i, "id"]), base + ["retention", i, "id"],
                         f"retention term id '{term['id']}' is used twice in this category")
            term_ids.add(term.get("id"))

    def check_term(self, where: list[Any], term: dict[str, Any], cat: dict[str, Any],
                   known: dict[str, dict[str, Any]]) -> None:
        if "period" in term and tuple(where + ["period"]) not in self.schema_errors:
            try:
                parse_duration(str(term["period"]))
            except DurationError as exc:
                self.add(self.loc.at(where + ["period"]), where + ["period"], str(exc))
        if "trigger" in term:
            self.ref(where + ["trigger"], term["trigger"], known["triggers"], "trigger")
        if "rule" in term:
            self.ref(where + ["rule"], term["rule"], known["rules"], "retention rule")
        cap = term.get("cap")
        if isinstance(cap, dict):
            if "period" in cap and tuple(where + ["cap", "period"]) not in self.schema_errors:
                try:
                    parse_duration(str(cap["period"]))
                except DurationError as exc:
                    self.add(self.loc.at(where + ["cap", "period"]), where + ["cap", "period"], str(exc))
            if "trigger" in cap:
                self.ref(where + ["cap", "trigger"], cap["trigger"], known["triggers"], "trigger")
        if tuple(where) not in self.schema_errors:  # a misspelt key would also look like a missing one
            self.check_term_shape(where, term)
        own = cat.get("subjects", [])
        for i, subject in enumerate(term.get("subjects", ())):
            if isinstance(subject, str) and subject not in own:
                self.add(self.loc.at(where + ["subjects", i]), where + ["subjects", i],
                         f"'{subject}' is not one of this category's subjects{_suggest(subject, own)}; "
                         f"the category has: {', '.join(own)}")

    def check_term_shape(self, where: list[Any], term: dict[str, Any]) -> None:
        """A term is a period counted from a trigger, a named rule (with or without a cap), or a
        period a rule explains."""
        if "cap" in term and ("rule" not in term or "period" in term):
            self.add(self.loc.at(where + ["cap"]), where + ["cap"],
                     "a cap belongs to a rule without a period ('rule: until_request_fulfilled' and "
                     "'cap: {period: 1y, trigger: ...}'); a term with a period is already its own maximum")
        if "trigger" in term:
            if "period" not in term:
                self.add(self.loc.at(where), where,
                         "a trigger needs a period ('period: 12mo') counted from it")
        elif "period" in term and "rule" not in term:
            self.add(self.loc.at(where), where, "a period needs a trigger (the event it counts from), "
                                                "or a rule saying why the notice names none")
        elif "rule" not in term and "period" not in term:
            self.add(self.loc.at(where), where, "a retention term needs 'period' and 'trigger', or 'rule'")

    def check_recipient(self, base: list[Any], rec: dict[str, Any], known: dict[str, dict[str, Any]]) -> None:
        self.refs(base + ["categories"], rec.get("categories"), known["categories"], "category")
        self.refs(base + ["safeguards"], rec.get("safeguards"), known["safeguards"], "safeguard")
        self.places(base + ["locations"], rec.get("locations"), known["regions"])

    def check_jurisdiction(self, base: list[Any], jur: dict[str, Any],
                           known: dict[str, dict[str, Any]]) -> None:
        for key in ("consent_categories", "sensitive_categories", "forbidden_categories"):
            self.refs(base + [key], jur.get(key), known["categories"], "category")

    def check_transfer(self, base: list[Any], rule: dict[str, Any], known: dict[str, dict[str, Any]]) -> None:
        self.refs(base + ["accepted_safeguards"], rule.get("accepted_safeguards"), known["safeguards"],
                  "safeguard")
        self.refs(base + ["covered_recipients"], rule.get("covered_recipients"), known["recipients"],
                  "recipient")
        self.places(base + ["inside"], rule.get("inside"), known["regions"])
        if rule.get("adequacy"):
            self.ref(base + ["adequacy"], rule["adequacy"], known["adequacy"], "adequacy list")
        for i, req in enumerate(rule.get("requirements", ())):
            self.refs(base + ["requirements", i, "requires"], req.get("requires"), known["safeguards"],
                      "safeguard")

    def check_adequacy(self, base: list[Any], lst: dict[str, Any], known: dict[str, dict[str, Any]]) -> None:
        for i, decision in enumerate(lst.get("decisions", ())):
            if "requires_safeguard" in decision:
                self.ref(base + ["decisions", i, "requires_safeguard"], decision["requires_safeguard"],
                         known["safeguards"], "safeguard")

    def places(self, where: list[Any], values: Any, regions: dict[str, Any]) -> None:
        for i, value in enumerate(values if isinstance(values, list) else ()):
            # Two capitals is a country; anything longer must be a region the law part lists.
            if isinstance(value, str) and len(value) != 2 and value not in regions:
                self.ref(where + [i], value, regions, "region")


def vendor_problems(policy: m.Policy, known: Mapping[str, Any]) -> list[Problem]:
    """The vendor ids the policy names that the catalog (``known``: vendor id -> vendor) does not
    know: a misspelt id would match no code, and the recipient, or the class that names it as an
    example, would silently cover nothing."""
    problems = []
    for rec in policy.recipients.values():
        for vendor in rec.vendors:
            if vendor not in known:
                problems.append(Problem(policy.path, rec.where.line, rec.where.column,
                                        f"notice.recipients.{rec.id}.vendors: unknown vendor '{vendor}'"
                                        f"{_suggest_vendor(vendor, known)}; the catalog's vendors are listed "
                                        "in docs/catalog.md, and a catalog file of the project can add one"))
    return problems


def _suggest_vendor(word: str, known: Mapping[str, Any]) -> str:
    """A close vendor id, else the vendor whose name says it covers ``word`` (Meta's names
    WhatsApp and Facebook)."""
    close = _suggest(word, sorted(known))
    if close:
        return close
    named = [vid for vid, v in sorted(known.items())
             if word.lower() in re.findall(r"[a-z0-9]+", str(getattr(v, "name", "")).lower())]
    return f" (did you mean '{named[0]}'? its catalog name is {known[named[0]].name})" if named else ""


# ----------------------------------------------------------------------------------------- build


def _tuple(values: Iterable[Any] | None) -> tuple[Any, ...]:
    return tuple(values or ())


def _where(loc: Loc) -> m.Where:
    return m.Where(loc.line, loc.column)


def _build(path: str, data: dict[str, Any], loc: Loc) -> m.Policy:
    """Turn checked data into model objects (every reference and period is known to be valid)."""
    notice, law = data["notice"], data["law"]
    regions = {rid: _tuple(r["countries"]) for rid, r in law.get("regions", {}).items()}
    cats_loc, recs_loc = loc.at(["notice", "categories"]), loc.at(["notice", "recipients"])
    age = notice.get("min_customer_age", {})
    return m.Policy(
        path=path,
        notice=_notice(notice),
        subjects={k: m.Subject(k, v["name"], v["section"]) for k, v in notice["subjects"].items()},
        purposes={k: m.Purpose(k, v["description"], v["section"]) for k, v in notice["purposes"].items()},
        triggers={k: m.Trigger(k, v["description"]) for k, v in notice.get("triggers", {}).items()},
        retention_rules={k: m.RetentionRule(k, v["description"], v.get("section", ""))
                         for k, v in notice.get("retention_rules", {}).items()},
        categories={cid: _category(cid, c, cats_loc) for cid, c in notice["categories"].items()},
        recipients={rid: _recipient(rid, r, recs_loc) for rid, r in notice["recipients"].items()},
        safeguards=_safeguards(notice, law),
        transfer=_transfer(regions, "default", notice["transfer"]),
        jurisdictions=_jurisdictions(notice.get("jurisdictions", {}), regions),
        law=_law(law, regions),
        default_jurisdiction=data.get("default_jurisdiction", ""),
        min_customer_age=age.get("age"), min_customer_age_section=age.get("section", ""))


def _notice(notice: dict[str, Any]) -> m.Notice:
    controller = notice["controller"]
    return m.Notice(
        title=notice["title"],
        controller=m.Controller(controller["name"], controller.get("address", ""),
                                controller.get("registration_number", ""), controller.get("country", ""),
                                controller.get("section", "")),
        last_updated=notice["last_updated"], previous_version=notice.get("previous_version", ""),
        language=notice.get("language", ""), url=notice.get("url", ""),
        contacts=tuple(m.Contact(c["role"], c.get("email", ""), c.get("name", ""), c.get("section", ""))
                       for c in notice.get("contacts", ())))


def _expand(regions: dict[str, tuple[str, ...]], places: Iterable[str]) -> tuple[str, ...]:
    """Places with each region of the law replaced by its countries, each once, in order."""
    out: list[str] = []
    for place in places:
        out.extend(c for c in regions.get(place, (place,)) if c not in out)
    return tuple(out)


def _transfer(regions: dict[str, tuple[str, ...]], jurisdiction: str, raw: dict[str, Any]) -> m.TransferRule:
    return m.TransferRule(
        jurisdiction=jurisdiction, section=raw["section"], quote=raw["quote"],
        inside=_expand(regions, raw["inside"]),
        adequacy=raw["adequacy"], accepted_safeguards=_tuple(raw["accepted_safeguards"]),
        note=raw.get("note", ""), inside_as_written=_tuple(raw["inside"]),
        covered_recipients=_tuple(raw.get("covered_recipients")),
        requirements=tuple(m.TransferRequirement(
            applies_to=r["applies_to"], requires=_tuple(r["requires"]), section=r["section"],
            quote=r.get("quote", ""), condition=r.get("condition", "")) for r in raw.get("requirements", ())))


def _term(raw: dict[str, Any], tloc: Loc) -> m.RetentionTerm:
    return m.RetentionTerm(
        id=raw["id"], section=raw["section"], quote=raw["quote"],
        period=parse_duration(str(raw["period"])) if "period" in raw else None,
        trigger=raw.get("trigger"), rule=raw.get("rule"), subjects=_tuple(raw.get("subjects")),
        note=raw.get("note", ""), where=_where(tloc), cap=_cap(raw.get("cap")))


def _cap(raw: dict[str, Any] | None) -> m.RetentionCap | None:
    if raw is None:
        return None
    return m.RetentionCap(period=parse_duration(str(raw["period"])), quote=raw["quote"],
                          trigger=raw.get("trigger"), section=raw.get("section", ""))


def _category(cid: str, c: dict[str, Any], cats_loc: Loc) -> m.Category:
    return m.Category(
        id=cid, title=c["title"], section=c["section"], subjects=_tuple(c["subjects"]),
        elements=_tuple(c["elements"]), collection=_tuple(c.get("collection")),
        purposes=tuple(m.PurposeUse(u["purpose"], _tuple(u["bases"]), u.get("condition", ""))
                       for u in c["purposes"]),
        retention=tuple(_term(t, cats_loc.at([cid, "retention", i])) for i, t in enumerate(c["retention"])),
        role=c.get("role", "controller"), note=c.get("note", ""),
        where=_where(cats_loc.keys.get(cid, cats_loc)))


def _recipient(rid: str, r: dict[str, Any], recs_loc: Loc) -> m.Recipient:
    return m.Recipient(
        id=rid, name=r["name"], kind=r["kind"], section=r["section"], service=r.get("service", ""),
        vendors=_tuple(r.get("vendors")), covers_kinds=_tuple(r.get("covers_kinds")),
        categories=_tuple(r["categories"]) if "categories" in r else None,
        locations=_tuple(r.get("locations")), safeguards=_tuple(r.get("safeguards")),
        note=r.get("note", ""), where=_where(recs_loc.keys.get(rid, recs_loc)), quote=r.get("quote", ""))


def _safeguards(notice: dict[str, Any], law: dict[str, Any]) -> dict[str, m.Safeguard]:
    """The notice's safeguards, then the law's (a law's wins an id both name)."""
    safeguards = {sid: m.Safeguard(id=sid, name=s["name"], section=s["section"], source="notice",
                                   note=s.get("note", ""), quote=s.get("quote", ""))
                  for sid, s in notice["safeguards"].items()}
    safeguards.update({sid: m.Safeguard(id=sid, name=s["name"], section="", source="law",
                                        note=s.get("note", ""), reference=s["reference"])
                       for sid, s in law.get("safeguards", {}).items()})
    return safeguards


def _jurisdictions(raw: dict[str, Any], regions: dict[str, tuple[str, ...]]) -> dict[str, m.Jurisdiction]:
    jurisdictions: dict[str, m.Jurisdiction] = {}
    for jid, j in raw.items():
        rule, rule_owner = j.get("transfer"), jid
        parent_id = jid.split("-")[0]
        if rule is None and "-" in jid and "transfer" in raw.get(parent_id, {}):
            # A subdivision (CA-QC) keeps its country's transfer rule, which stays that country's.
            rule, rule_owner = raw[parent_id]["transfer"], parent_id
        jurisdictions[jid] = m.Jurisdiction(
            id=jid, name=j["name"], section=j["section"], min_customer_age=j.get("min_customer_age"),
            age_exceptions=tuple(m.AgeException(e["kind"], e.get("from_age"), e.get("description", ""))
                                 for e in j.get("age_exceptions", ())),
            express_consent=j.get("express_consent", ""),
            consent_categories=_tuple(j.get("consent_categories")),
            sensitive_categories=_tuple(j.get("sensitive_categories")),
            forbidden_categories=_tuple(j.get("forbidden_categories")),
            special_category_controls=j.get("special_category_controls", ""),
            breach_notification=tuple(
                m.BreachRule(b["notify"], b["hours"], b.get("after", ""), b.get("section", ""))
                for b in j.get("breach_notification", ())),
            transfer=_transfer(regions, rule_owner, rule) if rule else None,
            note=j.get("note", ""), quote=j.get("quote", ""))
    return jurisdictions


def _law(law: dict[str, Any], regions: dict[str, tuple[str, ...]]) -> m.Law:
    return m.Law(
        adequacy={k: _adequacy(k, a) for k, a in law.get("adequacy", {}).items()},
        regions=regions, region_sources={k: r["source"] for k, r in law.get("regions", {}).items()})


def _adequacy(list_id: str, raw: dict[str, Any]) -> m.AdequacyList:
    decisions = tuple(
        m.AdequacyDecision(d["country"], d["name"], d.get("scope", ""), d.get("requires_safeguard", ""),
                           d.get("since", ""), d.get("note", ""))
        for d in raw["decisions"])
    return m.AdequacyList(list_id, raw["source"], raw["as_of"], decisions, raw.get("name", ""))
