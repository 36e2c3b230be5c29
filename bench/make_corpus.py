"""Generate a realistic Python application of about N lines for benchmarking lint-privacy.

    python bench/make_corpus.py --lines 100000 --out /tmp/corpus-100k [--seed 1]

The application is a set of Django "apps" (one package per business domain) with Django,
SQLAlchemy, dataclass and pydantic models whose personal fields are partly annotated
(``# privacy: account_user_data retention=12mo``) and partly not, services that pass model fields
across modules, vendor clients (requests to vendor hosts, simple_salesforce, twilio, boto3 with a
region), logging of personal data, views reading ``request.POST`` and Celery tasks, plus plain
helpers with no personal data at all. A ``setup.cfg`` configures flake8 and the plugin's policy.

The output is deterministic for a given ``--lines`` and ``--seed``; every file parses and the
tree is pyflakes-clean (the imports it needs are written, the ones it does not are not).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_POLICY = REPO / "policies" / "infobip.yaml"

DOMAINS = [
    "accounts", "billing", "crm", "support", "marketing", "events", "recruiting", "analytics",
    "partners", "suppliers", "research", "visitors", "newsletter", "onboarding", "messaging",
    "invoicing", "loyalty", "referrals", "surveys", "compliance",
]
ENTITIES = [
    "Customer", "Contact", "Lead", "Ticket", "Subscriber", "Applicant", "Attendee", "Visitor",
    "Member", "Partner", "Supplier", "Respondent", "Prospect", "Agent", "Guest", "Employee",
]
# (field name, element kind, categories that list that element in policies/infobip.yaml)
PERSONAL = [
    ("email", ["account_user_data", "support_data", "marketing_contact", "prospect_data", "recruitment_data"]),
    ("phone", ["account_user_data", "marketing_contact", "traffic_data_enduser", "prospect_data"]),
    ("first_name", ["account_user_data", "support_data", "prospect_data", "recruitment_data"]),
    ("last_name", ["account_user_data", "support_data", "prospect_data", "recruitment_data"]),
    ("postal_address", ["account_user_data", "billing_data", "recruitment_data"]),
    ("ip_address", ["usage_data", "website_visitor", "behavioral_analytics"]),
    ("user_agent", ["website_visitor", "behavioral_analytics"]),
    ("date_of_birth", ["visa_documents"]),
    ("iban", []),  # no category of the notice lists it: never annotated (a PRV106 finding)
    ("job_title", ["account_user_data", "prospect_data", "supplier_contact_data"]),
    ("mobile_number", ["account_user_data", "marketing_contact"]),
    ("full_name", ["account_user_data", "event_registration"]),
]
RETENTIONS = ["12mo", "7y", "3y", "90d", "2y", ""]
NON_PERSONAL = [
    ("status", "str"), ("plan", "str"), ("currency", "str"), ("amount_cents", "int"),
    ("quantity", "int"), ("is_active", "bool"), ("priority", "int"), ("sku", "str"),
    ("score", "float"), ("region_code", "str"), ("source_channel", "str"), ("attempts", "int"),
]
VENDORS = [
    # (function name, kind, host or None)
    ("post_to_zendesk", "http", "https://acme.zendesk.com/api/v2/tickets.json"),
    ("post_to_hubspot", "http", "https://api.hubapi.com/crm/v3/objects/contacts"),
    ("post_to_mailchimp", "http", "https://us21.api.mailchimp.com/3.0/lists/abc123/members"),
    ("post_to_segment", "http", "https://api.segment.io/v1/identify"),
    ("post_to_intercom", "http", "https://api.intercom.io/contacts"),
    ("post_to_internal", "http", "http://users.svc.cluster.local/api/contacts"),
]
AWS_REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "eu-west-2", "ap-southeast-1"]


@dataclass
class Module:
    """One generated file: import lines (deduplicated, sorted into groups) and a body."""

    imports: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    def need(self, line: str) -> None:
        if line not in self.imports:
            self.imports.append(line)

    def add(self, text: str) -> None:
        self.body.append(text.strip("\n"))

    def render(self, doc: str) -> str:
        stdlib = sorted(i for i in self.imports if _group(i) == 0)
        third = sorted(i for i in self.imports if _group(i) == 1)
        local = sorted(i for i in self.imports if _group(i) == 2)
        head = [f'"""{doc}"""', ""]
        for group in (stdlib, third, local):
            if group:
                head.extend(group)
                head.append("")
        if any(i.startswith("import logging") for i in self.imports):
            head.append("logger = logging.getLogger(__name__)")
            head.append("")
        text = "\n".join(head).rstrip("\n") + "\n"
        for chunk in self.body:
            text += "\n\n" + chunk + "\n"
        return text


_STDLIB = ("logging", "datetime", "dataclasses", "decimal", "typing", "json", "hashlib", "time", "uuid", "os", "re")


def _group(line: str) -> int:
    mod = line.split()[1]
    if mod.startswith((".", "app")):
        return 2
    return 0 if mod.split(".")[0] in _STDLIB else 1


class Generator:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    # ------------------------------------------------------------------ fields and models
    def _fields(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Personal fields (name, annotation or "") and non-personal fields (name, type)."""
        r = self.r
        personal = []
        for name, cats in r.sample(PERSONAL, r.randint(2, 5)):
            if cats and r.random() < 0.55:
                retention = r.choice(RETENTIONS)
                ann = f"# privacy: {r.choice(cats)}" + (f" retention={retention}" if retention else "")
            else:
                ann = ""
            personal.append((name, ann))
        personal.sort(key=lambda p: p[0] != "email")  # every entity has a stable first field
        if personal[0][0] != "email":
            personal.insert(0, ("email", f"# privacy: {r.choice(PERSONAL[0][1])} retention=12mo"))
        plain = r.sample(NON_PERSONAL, r.randint(2, 5))
        return personal, plain

    def django_model(self, m: Module, name: str, personal, plain) -> None:
        m.need("from django.db import models")
        kinds = {"email": "models.EmailField(max_length=254)", "date_of_birth": "models.DateField(null=True)",
                 "ip_address": "models.GenericIPAddressField(null=True)"}
        plain_kinds = {"str": "models.CharField(max_length=64, default=\"\")", "int": "models.IntegerField(default=0)",
                       "bool": "models.BooleanField(default=True)", "float": "models.FloatField(default=0.0)"}
        lines = [f"class {name}(models.Model):"]
        for fname, ann in personal:
            decl = f"    {fname} = {kinds.get(fname, 'models.CharField(max_length=128, blank=True)')}"
            lines.append(decl + (f"  {ann}" if ann else ""))
        for fname, typ in plain:
            lines.append(f"    {fname} = {plain_kinds[typ]}")
        lines.append("    created_at = models.DateTimeField(auto_now_add=True)")
        lines.append("")
        lines.append("    class Meta:")
        lines.append('        ordering = ["-created_at"]')
        lines.append("")
        lines.append("    def __str__(self) -> str:")
        lines.append(f'        return f"{name}({{self.pk}})"')
        m.add("\n".join(lines))

    def sqlalchemy_model(self, m: Module, name: str, personal, plain) -> None:
        m.need("from sqlalchemy import String")
        m.need("from sqlalchemy.orm import Mapped, mapped_column")
        m.need("from app.core.db import Base")
        types = {"str": "String(64)", "int": None, "bool": None, "float": None}
        lines = [f"class {name}Record(Base):", f'    __tablename__ = "{name.lower()}_records"', "",
                 "    id: Mapped[int] = mapped_column(primary_key=True)"]
        for fname, ann in personal:
            decl = f"    {fname}: Mapped[str] = mapped_column(String(255))"
            lines.append(decl + (f"  {ann}" if ann else ""))
        for fname, typ in plain:
            t = types[typ]
            lines.append(f"    {fname}: Mapped[{typ}] = mapped_column({t + ', ' if t else ''}default={_default(typ)})")
        m.add("\n".join(lines))

    def dataclass_model(self, m: Module, name: str, personal, plain) -> None:
        m.need("from dataclasses import dataclass")
        lines = ["@dataclass(frozen=True)", f"class {name}Snapshot:"]
        for fname, ann in personal:
            lines.append(f"    {fname}: str" + (f"  {ann}" if ann else ""))
        for fname, typ in plain:
            lines.append(f"    {fname}: {typ} = {_default(typ)}")
        lines += ["", "    def as_dict(self) -> dict:", "        return {"]
        for fname, _ in personal[:3]:
            lines.append(f'            "{fname}": self.{fname},')
        lines += ["        }"]
        m.add("\n".join(lines))

    def pydantic_model(self, m: Module, name: str, personal, plain) -> None:
        m.need("from pydantic import BaseModel")
        lines = [f"class {name}In(BaseModel):"]
        for fname, ann in personal:
            lines.append(f"    {fname}: str" + (f"  {ann}" if ann else ""))
        for fname, typ in plain:
            lines.append(f"    {fname}: {typ} = {_default(typ)}")
        m.add("\n".join(lines))

    # ------------------------------------------------------------------ the modules of one app
    def app(self, pkg: str, prev: str | None) -> dict[str, str]:
        r = self.r
        entities = r.sample(ENTITIES, r.randint(2, 4))
        spec = {e: self._fields() for e in entities}
        files: dict[str, str] = {f"app/{pkg}/__init__.py": ""}

        models = Module()
        for e in entities:
            personal, plain = spec[e]
            self.django_model(models, e, personal, plain)
            for maker in r.sample([self.sqlalchemy_model, self.dataclass_model, self.pydantic_model], r.randint(1, 3)):
                maker(models, e, personal, plain)
        files[f"app/{pkg}/models.py"] = models.render(f"Models of the {pkg} app.")

        files[f"app/{pkg}/clients.py"] = self.clients(pkg)
        files[f"app/{pkg}/services.py"] = self.services(pkg, entities, spec, prev)
        files[f"app/{pkg}/views.py"] = self.views(pkg, entities, spec)
        files[f"app/{pkg}/tasks.py"] = self.tasks(pkg, entities, spec)
        files[f"app/{pkg}/utils.py"] = self.utils(pkg)
        if r.random() < 0.5:
            files[f"app/{pkg}/reports.py"] = self.utils(pkg, extra=True)
        return files

    def clients(self, pkg: str) -> str:
        r = self.r
        m = Module()
        m.need("import logging")
        m.need("import requests")
        m.need("from django.conf import settings")
        m.need("from simple_salesforce import Salesforce")
        m.need("from twilio.rest import Client")
        m.need("import boto3")
        region = r.choice(AWS_REGIONS)
        m.add('''
def push_contact(email: str, first_name: str, last_name: str) -> str:
    sf = Salesforce(
        username=settings.SALESFORCE_USER,
        password=settings.SALESFORCE_PASSWORD,
        security_token=settings.SALESFORCE_TOKEN,
    )
    # privacy: recipient=salesforce country=US safeguard=scc
    result = sf.Contact.create({"Email": email, "FirstName": first_name, "LastName": last_name})
    logger.debug("salesforce contact %s created", result.get("id"))
    return result.get("id", "")''')
        m.add('''
def send_sms(phone: str, body: str) -> None:
    client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    message = client.messages.create(to=phone, from_=settings.TWILIO_FROM, body=body)
    logger.info("sms %s sent to %s", message.sid, phone)''')
        m.add(f'''
def archive_document(key: str, payload: bytes) -> None:
    s3 = boto3.client("s3", region_name="{region}")
    s3.put_object(Bucket="acme-{pkg}-archive", Key=key, Body=payload)''')
        for fname, _, url in r.sample(VENDORS, 2):
            annotated = r.random() < 0.5
            ann = "    # privacy: recipient=zendesk country=US safeguard=scc\n" if annotated and "zendesk" in url else ""
            m.add(f'''
def {fname}(email: str, name: str, extra: dict | None = None) -> int:
    body = {{"email": email, "name": name}}
    if extra:
        body.update(extra)
{ann}    response = requests.post("{url}", json=body, timeout=10)
    if response.status_code >= 400:
        logger.warning("{fname} failed for %s: %s", email, response.status_code)
    return response.status_code''')
        m.add('''
def fetch_exchange_rate(currency: str) -> float:
    response = requests.get(f"https://api.exchangerate.host/latest?base={currency}", timeout=5)
    response.raise_for_status()
    return float(response.json().get("rates", {}).get("EUR", 1.0))''')
        return m.render(f"Vendor clients of the {pkg} app.")

    def services(self, pkg: str, entities: list[str], spec, prev: str | None) -> str:
        r = self.r
        m = Module()
        m.need("import logging")
        m.need("from . import clients")
        if prev:
            m.need(f"from app.{prev}.services import notify_contact as notify_{prev}")
        m.need("from .models import " + ", ".join(entities))
        m.add('''
def notify_contact(email: str, name: str) -> None:
    """Tell the CRM and the support desk about a contact."""
    first, _, last = name.partition(" ")
    clients.push_contact(email, first, last or first)
    logger.info("notified crm about %s", email)''')
        for e in entities:
            personal, plain = spec[e]
            low = e.lower()
            names = [p[0] for p in personal]
            name_expr = "obj.first_name" if "first_name" in names else ("obj.full_name" if "full_name" in names else "obj.email")
            m.add(f'''
def sync_{low}(obj: {e}) -> None:
    payload = {{"email": obj.email, "name": {name_expr}}}
    notify_contact(payload["email"], payload["name"])
    logger.info("synced {low} %s", obj.email)''')
            if "phone" in names or "mobile_number" in names:
                field_ = "phone" if "phone" in names else "mobile_number"
                m.add(f'''
def remind_{low}(obj: {e}, text: str) -> None:
    number = obj.{field_}
    if not number:
        return
    clients.send_sms(number, text)''')
            m.add(f'''
def export_{low}(obj: {e}) -> None:
    row = ",".join([obj.email, str(obj.pk)])
    clients.archive_document(f"{low}/{{obj.pk}}.csv", row.encode())''')
            if prev and r.random() < 0.7:
                m.add(f'''
def forward_{low}(obj: {e}) -> None:
    notify_{prev}(obj.email, {name_expr})''')
            plain_name = plain[0][0]
            m.add(f'''
def summarise_{low}s(items: list[{e}]) -> dict:
    counts: dict = {{}}
    for item in items:
        key = str(item.{plain_name})
        counts[key] = counts.get(key, 0) + 1
    return counts''')
        if prev and f"from app.{prev}.services import notify_contact as notify_{prev}" in m.imports and not any(
            f"notify_{prev}(" in b for b in m.body
        ):
            m.imports.remove(f"from app.{prev}.services import notify_contact as notify_{prev}")
        return m.render(f"Business logic of the {pkg} app.")

    def views(self, pkg: str, entities: list[str], spec) -> str:
        m = Module()
        m.need("import logging")
        m.need("from django.http import HttpRequest, JsonResponse")
        m.need("from django.views.decorators.http import require_POST")
        m.need("from . import services")
        m.need("from .models import " + ", ".join(entities))
        for e in entities:
            personal, plain = spec[e]
            low = e.lower()
            reads = [p[0] for p in personal[:3]]
            lines = ["@require_POST", f"def create_{low}(request: HttpRequest) -> JsonResponse:"]
            for f in reads:
                lines.append(f'    {f} = request.POST.get("{f}", "")')
            lines.append('    if not email or "@" not in email:')
            lines.append(f'        logger.warning("rejected {low} signup from %s", request.META.get("REMOTE_ADDR"))')
            lines.append('        return JsonResponse({"error": "invalid email"}, status=400)')
            args = ", ".join(f"{f}={f}" for f in reads)
            lines.append(f"    obj = {e}.objects.create({args})")
            lines.append(f"    services.sync_{low}(obj)")
            lines.append(f'    logger.info("new {low} %s", email)')
            lines.append('    return JsonResponse({"id": obj.pk}, status=201)')
            m.add("\n".join(lines))
            m.add(f'''
def {low}_detail(request: HttpRequest, pk: int) -> JsonResponse:
    obj = {e}.objects.get(pk=pk)
    return JsonResponse({{"id": obj.pk, "{plain[0][0]}": obj.{plain[0][0]}}})''')
        return m.render(f"HTTP views of the {pkg} app.")

    def tasks(self, pkg: str, entities: list[str], spec) -> str:
        m = Module()
        m.need("import logging")
        m.need("from celery import shared_task")
        m.need("from . import services")
        m.need("from .models import " + ", ".join(entities))
        for e in entities:
            low = e.lower()
            m.add(f'''
@shared_task(bind=True, max_retries=3)
def export_{low}_task(self, pk: int) -> None:
    try:
        obj = {e}.objects.get(pk=pk)
    except {e}.DoesNotExist:
        logger.error("{low} %s vanished before export", pk)
        return
    services.export_{low}(obj)''')
            if any(p[0] in ("phone", "mobile_number") for p in spec[e][0]):
                m.add(f'''
@shared_task
def remind_{low}_task(pk: int, text: str) -> None:
    obj = {e}.objects.get(pk=pk)
    services.remind_{low}(obj, text)''')
        return m.render(f"Celery tasks of the {pkg} app.")

    def utils(self, pkg: str, extra: bool = False) -> str:
        """Helpers with no personal data: most real code looks like this."""
        r = self.r
        m = Module()
        m.need("import datetime")
        m.need("from decimal import Decimal")
        m.need("from typing import Iterable, Iterator")
        for i in range(r.randint(6, 12) + (6 if extra else 0)):
            kind = r.randrange(6)
            n = r.randint(2, 60)
            if kind == 0:
                m.add(f'''
def paginate_{i}(items: list, page: int, size: int = {n}) -> list:
    """Page {{page}} of {{size}} items (pages start at 1)."""
    if page < 1 or size < 1:
        raise ValueError("page and size start at 1")
    start = (page - 1) * size
    return items[start:start + size]''')
            elif kind == 1:
                m.add(f'''
def format_amount_{i}(cents: int, currency: str = "EUR") -> str:
    value = Decimal(cents) / Decimal(100)
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{{abs(value):.2f}}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{{sign}}{{','.join(groups)}}.{{frac}} {{currency}}"''')
            elif kind == 2:
                m.add(f'''
def business_days_{i}(start: datetime.date, days: int = {n}) -> datetime.date:
    current = start
    added = 0
    while added < days:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current''')
            elif kind == 3:
                m.add(f'''
def chunked_{i}(values: Iterable, size: int = {n}) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch''')
            elif kind == 4:
                m.add(f'''
class RateWindow{i}:
    """Counts events in a sliding window of {n} seconds."""

    def __init__(self, limit: int = {n * 10}) -> None:
        self.limit = limit
        self.events: list[float] = []

    def allow(self, now: float) -> bool:
        self.events = [t for t in self.events if now - t < {n}]
        if len(self.events) >= self.limit:
            return False
        self.events.append(now)
        return True''')
            else:
                m.add(f'''
def percentile_{i}(values: list[float], q: float = 0.{n % 10 + 1}) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)''')
        text = "\n".join(m.body)
        for imp, word in (("import datetime", "datetime."), ("from decimal import Decimal", "Decimal("),
                          ("from typing import Iterable, Iterator", "Iterator[")):
            if word not in text:
                m.imports.remove(imp)
        return m.render(f"Helpers of the {pkg} app.")


def _default(typ: str) -> str:
    return {"str": '""', "int": "0", "bool": "True", "float": "0.0"}[typ]


CORE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/db.py": '''"""SQLAlchemy declarative base shared by the apps."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
''',
    "app/settings.py": '''"""Django settings (the parts the apps read)."""

import os

SALESFORCE_USER = os.environ.get("SALESFORCE_USER", "")
SALESFORCE_PASSWORD = os.environ.get("SALESFORCE_PASSWORD", "")
SALESFORCE_TOKEN = os.environ.get("SALESFORCE_TOKEN", "")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = "+15005550006"
EMAIL_HOST = "smtp.internal"
''',
}


def generate(lines: int, out: Path, seed: int = 1, policy: Path = DEFAULT_POLICY) -> dict[str, int]:
    """Write the corpus; returns {"files": n, "lines": n}. ``out`` is replaced."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    gen = Generator(seed)
    files = dict(CORE)
    total = sum(t.count("\n") for t in files.values())
    prev: str | None = None
    i = 0
    while total < lines:
        pkg = f"{DOMAINS[i % len(DOMAINS)]}_{i // len(DOMAINS):03d}"
        for path, text in gen.app(pkg, prev).items():
            files[path] = text
            total += text.count("\n")
        prev = pkg
        i += 1
    for path, text in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (out / "setup.cfg").write_text(
        "[flake8]\n"
        "max-line-length = 120\n"
        "extend-exclude = .lint-privacy-cache\n"
        f"privacy-policy = {policy.resolve()}\n",
        encoding="utf-8",
    )
    return {"files": len(files), "lines": total}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lines", type=int, default=100_000, help="about how many lines to write (default 100000)")
    p.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--policy", type=Path, default=DEFAULT_POLICY, help="policy named in setup.cfg")
    args = p.parse_args(argv)
    stats = generate(args.lines, args.out, args.seed, args.policy)
    sys.stdout.write(f"{args.out}: {stats['files']} files, {stats['lines']} lines\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
