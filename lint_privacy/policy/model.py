"""The policy as the engine sees it: a notice part (what the notice says, with sections) and a
law part (facts from outside the notice, with source and as-of date). Built by ``loader``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..durations import Duration


@dataclass(frozen=True)
class Where:
    """A place in the policy file, for messages (1-based line and column)."""

    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Controller:
    name: str
    address: str = ""
    registration_number: str = ""
    country: str = ""
    section: str = ""  # where the notice names the controller


@dataclass(frozen=True)
class Contact:
    role: str
    email: str = ""
    name: str = ""
    section: str = ""


@dataclass(frozen=True)
class Notice:
    title: str
    controller: Controller
    last_updated: str  # ISO date
    previous_version: str = ""
    language: str = ""
    url: str = ""
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Subject:
    id: str
    name: str
    section: str = ""


@dataclass(frozen=True)
class Purpose:
    id: str
    description: str
    section: str = ""


@dataclass(frozen=True)
class Trigger:
    """The event a retention period is counted from ("after the end of the business relationship")."""

    id: str
    description: str


@dataclass(frozen=True)
class RetentionRule:
    """A retention the notice states without a number ("kept per the customer's instructions")."""

    id: str
    description: str
    section: str = ""


@dataclass(frozen=True)
class RetentionCap:
    """The latest a rule without a number allows: "as long as needed for your request, and at the
    latest one (1) year after the initial communication" (Infobip 5.9)."""

    period: Duration
    quote: str
    trigger: str | None = None  # Trigger id; None where the notice names no event
    section: str = ""  # where the notice sets it, when not the term's own section


@dataclass(frozen=True)
class RetentionTerm:
    """One retention the notice states for a category: a period with its trigger, or a named rule
    (which may carry the cap the notice sets beside it).

    ``subjects`` limits the term to some data subjects (empty: all of the category's subjects).
    """

    id: str
    section: str
    quote: str
    period: Duration | None = None
    trigger: str | None = None  # Trigger id; None where the notice states none ("up to 3 years")
    rule: str | None = None  # RetentionRule id, where the notice gives no number
    subjects: tuple[str, ...] = ()
    note: str = ""
    where: Where = Where()
    cap: RetentionCap | None = None  # on a rule: "and at the latest N after X"

    @property
    def limit(self) -> Duration | None:
        """The longest the term allows, when the notice gives a number: its period, or its cap."""
        return self.period if self.period is not None else (self.cap.period if self.cap else None)


@dataclass(frozen=True)
class PurposeUse:
    """A purpose a category is used for, with the legal bases the notice gives for it."""

    purpose: str
    bases: tuple[str, ...]
    condition: str = ""  # when a basis applies ("where you personally are our contractual partner")


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    section: str
    subjects: tuple[str, ...]
    elements: tuple[str, ...]  # element kinds, the vocabulary of catalog/names.yaml
    collection: tuple[str, ...]
    purposes: tuple[PurposeUse, ...]
    retention: tuple[RetentionTerm, ...]
    role: str = "controller"  # "processor": kept on a customer's instructions
    note: str = ""
    where: Where = Where()


@dataclass(frozen=True)
class Recipient:
    """A named recipient (``kind: processor`` or ``group``) or a class of recipients (``kind: class``).

    ``vendors`` are the sink-catalog vendor ids this recipient is (a named recipient covers them
    clearly); ``covers_kinds`` are catalog vendor kinds a class covers only vaguely.
    ``categories`` is None when the notice does not restrict what the recipient may receive.
    """

    id: str
    name: str
    kind: str  # "processor" | "group" | "class"
    section: str
    service: str = ""
    vendors: tuple[str, ...] = ()
    covers_kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] | None = None
    locations: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 or region ids, where the notice says
    safeguards: tuple[str, ...] = ()  # safeguards the notice says are in place for it
    note: str = ""
    where: Where = Where()
    quote: str = ""  # the notice's words (the processor table's row)


@dataclass(frozen=True)
class Safeguard:
    id: str
    name: str
    section: str  # notice section; "" for a safeguard only the law part defines
    source: str = "notice"  # "notice" or "law"
    note: str = ""
    quote: str = ""  # the notice's words, for a notice safeguard
    reference: str = ""  # the legal instrument, for a law safeguard ("GDPR Art. 47")


@dataclass(frozen=True)
class TransferRequirement:
    """An extra safeguard a rule demands for some data ("prior authorisation for special personal
    information or children's data", South Africa). ``applies_to`` is "special_categories" (element
    kinds flagged special) or "children" (data about children)."""

    applies_to: str
    requires: tuple[str, ...]  # safeguard ids; any one of them satisfies the requirement
    section: str
    quote: str = ""
    condition: str = ""  # when it applies ("to countries without adequate protection")


@dataclass(frozen=True)
class TransferRule:
    """How transfers of one jurisdiction's data subjects are judged.

    ``inside`` are the countries a transfer may reach freely (the home region for the default
    rule; "outside South Africa" counts from ZA). ``adequacy`` names the law-part adequacy list
    that applies ("eu"), or "" where the notice says adequacy is judged by a law the policy does
    not list (Nigeria, South Africa): then only ``accepted_safeguards`` cover a transfer.
    """

    jurisdiction: str  # "default" or a jurisdiction id
    section: str
    quote: str
    inside: tuple[str, ...]
    adequacy: str
    accepted_safeguards: tuple[str, ...]
    note: str = ""
    # Optional additions (all default to "nothing extra"):
    inside_as_written: tuple[str, ...] = ()  # ``inside`` before region ids were expanded ("EEA")
    covered_recipients: tuple[str, ...] = ()  # recipients a transfer to which the notice itself covers
    requirements: tuple[TransferRequirement, ...] = ()


@dataclass(frozen=True)
class AgeException:
    kind: str  # "parental_consent" | "marriage"
    from_age: int | None = None
    description: str = ""


@dataclass(frozen=True)
class BreachRule:
    notify: str  # "authority" | "data_subjects"
    hours: int
    after: str = ""  # "" (from the breach / awareness) or "authority_notified"
    section: str = ""


@dataclass(frozen=True)
class Jurisdiction:
    id: str  # ISO 3166-1 alpha-2, or a subdivision like "CA-QC"
    name: str
    section: str
    min_customer_age: int | None = None
    age_exceptions: tuple[AgeException, ...] = ()
    express_consent: str = ""  # "" | "legitimate_interest_only" | "always"
    consent_categories: tuple[str, ...] = ()  # categories whose processing needs consent here
    sensitive_categories: tuple[str, ...] = ()
    forbidden_categories: tuple[str, ...] = ()  # categories not to be used at all
    special_category_controls: str = ""
    breach_notification: tuple[BreachRule, ...] = ()
    transfer: TransferRule | None = None
    note: str = ""
    quote: str = ""


@dataclass(frozen=True)
class AdequacyDecision:
    country: str  # ISO 3166-1 alpha-2
    name: str
    scope: str = ""  # "commercial organisations", "Data Privacy Framework participants only"
    requires_safeguard: str = ""  # a safeguard id that must be declared for the decision to apply
    since: str = ""
    note: str = ""  # "renewed December 2025"


@dataclass(frozen=True)
class AdequacyList:
    id: str  # "eu"
    source: str
    as_of: str
    decisions: tuple[AdequacyDecision, ...]
    name: str = ""  # "EU adequacy decisions (GDPR Art. 45)", "UK adequacy regulations"

    @property
    def title(self) -> str:
        """What messages call the list: its name, else its id."""
        return self.name or f"the '{self.id}' adequacy list"

    def decision_for(self, country: str) -> AdequacyDecision | None:
        for d in self.decisions:
            if d.country == country:
                return d
        return None


@dataclass(frozen=True)
class Law:
    adequacy: dict[str, AdequacyList] = field(default_factory=dict)
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "EEA" -> member countries
    region_sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    path: str
    notice: Notice
    subjects: dict[str, Subject]
    purposes: dict[str, Purpose]
    triggers: dict[str, Trigger]
    retention_rules: dict[str, RetentionRule]
    categories: dict[str, Category]
    recipients: dict[str, Recipient]
    safeguards: dict[str, Safeguard]
    transfer: TransferRule  # the default rule (home region, notice section 7)
    jurisdictions: dict[str, Jurisdiction]
    law: Law
    default_jurisdiction: str = ""  # "" when the notice's main body applies
    min_customer_age: int | None = None  # the main body's minimum age (Infobip: 16, section 12)
    min_customer_age_section: str = ""

    def recipient_for_vendor(self, vendor: str) -> Recipient | None:
        """The named recipient that lists this catalog vendor, if any."""
        for r in self.recipients.values():
            if r.kind != "class" and vendor in r.vendors:
                return r
        return None

    def classes_covering(self, vendor_kind: str, vendor: str = "") -> tuple[Recipient, ...]:
        """Recipient classes whose description vaguely covers a vendor of this kind; given the
        vendor id, classes that name it as an example (section 6's WhatsApp, Viber...) come first."""
        classes = [r for r in self.recipients.values() if r.kind == "class"]
        naming = [r for r in classes if vendor and vendor in r.vendors]
        return tuple(naming + [r for r in classes if r not in naming and vendor_kind in r.covers_kinds])

    def describe_term(self, term: RetentionTerm) -> str:
        """A retention term in words: "12 months after the end of the business relationship", "up to
        3 years (<rule>)" where no trigger is stated, the rule's description where no number is,
        and its cap: "..., and at the latest 1 year after the initial communication"."""
        trigger = self.triggers.get(term.trigger or "")
        rule = self.retention_rules.get(term.rule or "")
        if term.period is not None and trigger is not None:
            return f"{term.period.describe()} after {trigger.description}"
        if term.period is not None:
            return f"up to {term.period.describe()}" + (f" ({rule.description})" if rule else "")
        text = rule.description if rule else (term.rule or "")
        if term.cap is not None:
            cap_trigger = self.triggers.get(term.cap.trigger or "")
            text += f", and at the latest {term.cap.period.describe()}" + (
                f" after {cap_trigger.description}" if cap_trigger else "")
        return text

    def minimum_age(self, jurisdiction: str | None) -> int | None:
        """The minimum customer age for a jurisdiction's data subjects (the main body's otherwise)."""
        j = self.jurisdictions.get(jurisdiction or "")
        return j.min_customer_age if j and j.min_customer_age is not None else self.min_customer_age

    def transfer_rule(self, jurisdiction: str | None) -> TransferRule:
        j = self.jurisdictions.get(jurisdiction or "")
        return j.transfer if j and j.transfer else self.transfer
