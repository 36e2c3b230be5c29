"""Sink and vendor matching on the engine's qualified names, host matching, effects of calls,
and merging user catalog files (a vendor added without Python; broken files give path:line:col).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lint_privacy.catalog import ArgRef, CatalogError, load_catalog
from lint_privacy.catalog.sinks import STORAGE_KINDS, VENDOR_KINDS, Glob, _GlobSet


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize(
    ("qualname", "kind", "vendor"),
    [
        ("requests.post", "http", ""),
        ("requests.Session().post", "http", ""),
        ("requests.request", "http", ""),
        ("httpx.AsyncClient().put", "http", ""),
        ("aiohttp.ClientSession().post", "http", ""),
        ("urllib.request.urlopen", "http", ""),
        ("requests.Session().send", "http", ""),
        ("urllib.request.Request", "http", ""),
        ("http.client.HTTPSConnection().request", "http", ""),
        ("logging.getLogger().info", "log", ""),
        ("logging.getLogger().getChild().error", "log", ""),
        ("logging.info", "log", ""),
        ("logging.exception", "log", ""),
        ("structlog.get_logger().bind().warning", "log", ""),
        ("print", "output", ""),
        ("builtins.print", "output", ""),
        ("sys.stdout.write", "output", ""),
        ("sys.stderr.write", "output", ""),
        ("django.core.management.BaseCommand().stdout.write", "output", ""),
        ("django.core.management.base.BaseCommand().stderr.write", "output", ""),
        ("warnings.warn", "warning", ""),
        ("simple_salesforce.Salesforce().Contact.create", "vendor", "salesforce"),
        ("boto3.client().put_object", "object_store", "aws"),
        ("boto3.resource().Bucket().put_object", "object_store", "aws"),
        ("boto3.client().upload_file", "object_store", "aws"),
        ("boto3.client().send_message", "vendor", "aws"),
        (
            "google.cloud.storage.Client().bucket().blob().upload_from_string",
            "object_store",
            "google",
        ),
        (
            "azure.storage.blob.BlobServiceClient().get_blob_client().upload_blob",
            "object_store",
            "microsoft",
        ),
        ("twilio.rest.Client().messages.create", "vendor", "twilio"),
        ("sendgrid.SendGridAPIClient().send", "vendor", "sendgrid"),
        ("zenpy.Zenpy().tickets.create", "vendor", "zendesk"),
        ("jira.JIRA().create_issue", "vendor", "jira"),
        ("atlassian.Jira().issue_create", "vendor", "atlassian"),
        ("docusign_esign.EnvelopesApi().create_envelope", "vendor", "docusign"),
        ("slack_sdk.WebClient().chat_postMessage", "vendor", "slack"),
        ("hubspot.HubSpot().crm.contacts.basic_api.create", "vendor", "hubspot"),
        ("analytics.track", "vendor", "segment"),
        ("segment.analytics.identify", "vendor", "segment"),
        ("mixpanel.Mixpanel().track", "vendor", "mixpanel"),
        ("amplitude.Amplitude().track", "vendor", "amplitude"),
        ("intercom.client.Client().users.create", "vendor", "intercom"),
        ("mailchimp_marketing.Client().lists.add_list_member", "vendor", "mailchimp"),
        ("sentry_sdk.capture_message", "vendor", "sentry"),
        ("sentry_sdk.set_user", "vendor", "sentry"),
        ("stripe.Customer.create", "vendor", "stripe"),
        ("openai.OpenAI().chat.completions.create", "vendor", "openai"),
        ("openai.AzureOpenAI().chat.completions.create", "vendor", "microsoft"),
        ("anthropic.Anthropic().messages.create", "vendor", "anthropic"),
        ("anthropic.AnthropicBedrock().messages.create", "vendor", "aws"),
        ("django.core.mail.send_mail", "mail", ""),
        ("django.core.mail.EmailMessage().send", "mail", ""),
        ("smtplib.SMTP().sendmail", "mail", ""),
        ("smtplib.SMTP_SSL().send_message", "mail", ""),
        ("django.core.cache.cache.set", "cache", ""),
        ("redis.Redis().set", "cache", ""),
        ("redis.Redis().setex", "cache", ""),
        ("redis.from_url().hset", "cache", ""),
        ("pymemcache.client.base.Client().set", "cache", ""),
        ("open().write", "file", ""),
        ("builtins.open().write", "file", ""),
        ("pathlib.Path().write_text", "file", ""),
        ("json.dump", "file", ""),
        ("sqlite3.connect().execute", "sql", ""),
        ("sqlite3.connect().cursor().execute", "sql", ""),
        ("psycopg2.connect().cursor().execute", "sql", ""),
        ("django.db.connection.cursor().execute", "sql", ""),
        ("somedriver.connect().cursor().executemany", "sql", ""),
        ("shop.models.Contact.objects.create", "orm", ""),
        ("shop.models.Contact.objects.update_or_create", "orm", ""),
        ("shop.models.Contact.objects.bulk_create", "orm", ""),
        ("shop.models.Contact.objects.filter().update", "orm", ""),
        ("sqlalchemy.orm.Session().add", "orm", ""),
    ],
)
def test_match_call(catalog, qualname, kind, vendor):
    spec = catalog.match_call(qualname)
    assert spec is not None, qualname
    assert (spec.kind, spec.vendor) == (kind, vendor)
    assert spec.retention_required == (kind in STORAGE_KINDS)


@pytest.mark.parametrize(
    "qualname",
    [
        # constructors and local builders of vendor SDKs send nothing
        "boto3.client", "boto3.resource", "simple_salesforce.Salesforce", "twilio.rest.Client",
        "sendgrid.SendGridAPIClient", "sendgrid.helpers.mail.Mail", "zenpy.lib.api_objects.User",
        "sentry_sdk.init", "stripe.Webhook.construct_event", "openai.OpenAI",
        "google.cloud.storage.Client", "azure.identity.DefaultAzureCredential",
        # not sinks at all
        "json.dumps", "requests.Session", "logging.getLogger", "len", "str.format",
        "shop.models.Contact.objects.filter", "analyticsx.track", "myapp.analytics_helpers.track",
        "tempfile.NamedTemporaryFile().write",
    ],
)
def test_not_a_sink(catalog, qualname):
    assert catalog.match_call(qualname) is None


def test_where_destinations_and_ttls_are_read(catalog):
    assert catalog.match_call("requests.request").url == ArgRef(1, "url")
    assert catalog.match_call("requests.post").url == ArgRef(0, "url")
    assert catalog.match_call("smtplib.SMTP().sendmail").host == ArgRef(0, "host")
    assert catalog.match_call("http.client.HTTPConnection().request").host == ArgRef(0, "host")
    assert catalog.match_call("django.core.mail.send_mail").host_setting == "EMAIL_HOST"
    assert catalog.match_call("django.core.cache.cache.set").ttl == ArgRef(2, "timeout")
    redis_set = catalog.match_call("redis.Redis().set")
    assert redis_set.ttl == ArgRef(2, "ex")
    assert ArgRef(None, "px") in redis_set.ttls
    assert catalog.match_call("redis.StrictRedis().setex").ttl == ArgRef(1, "time")
    assert catalog.match_call("redis.Redis().hset").ttl is None
    assert catalog.match_call("json.dump").data == (ArgRef(0, "obj"),)
    assert catalog.match_call("requests.post").data is None  # every argument carries data
    assert catalog.sink("exception").kind == "exception"


REQUIRED_VENDORS = (
    "salesforce oracle zendesk atlassian jira slack docusign gainsight fullstory workday "
    "microsoft aws google gooddata twilio sendgrid mailchimp mailgun hubspot segment mixpanel "
    "amplitude intercom sentry stripe openai anthropic datadog loggly"
).split()


def test_required_vendors_are_well_formed(catalog):
    assert set(REQUIRED_VENDORS) <= set(catalog.vendors)
    owners: dict[str, str] = {}
    for vendor in catalog.vendors.values():
        assert vendor.kind in VENDOR_KINDS, vendor.id
        assert vendor.country == "" or re.fullmatch(r"[A-Z]{2}", vendor.country), vendor.id
        assert vendor.domains or vendor.modules, vendor.id
        for key in vendor.domains + vendor.modules:
            assert owners.setdefault(key, vendor.id) == vendor.id, f"{key} owned twice"
    assert catalog.vendors["aws"].region_provider == "aws"
    assert catalog.vendors["aws"].region_keywords == ("region_name",)
    assert catalog.vendors["google"].region_provider == "gcp"
    assert catalog.vendors["microsoft"].region_provider == "azure"
    assert catalog.vendor_for_module("azure.storage.blob.BlobServiceClient").id == "microsoft"
    assert catalog.vendor_for_module("google.cloud.bigquery.Client().query").id == "google"
    assert catalog.vendor_for_module("googlex.thing") is None


@pytest.mark.parametrize(
    ("host", "vendor"),
    [
        ("api.hubapi.com", "hubspot"),
        ("hubapi.com", "hubspot"),
        ("API.HubAPI.com.", "hubspot"),
        ("api.twilio.com:443", "twilio"),
        ("myorg.my.salesforce.com", "salesforce"),
        ("acme.zendesk.com", "zendesk"),
        ("acme.atlassian.net", "atlassian"),
        ("api.segment.io", "segment"),
        ("o123.ingest.sentry.io", "sentry"),
        ("mybucket.s3.eu-west-1.amazonaws.com", "aws"),
        ("storage.googleapis.com", "google"),
        ("acct.blob.core.windows.net", "microsoft"),
        ("graph.facebook.com", "meta"),
        ("evilhubapi.com", None),
        ("hubapi.com.evil.example", None),
        ("example.com", None),
        ("[::1]:8080", None),
        ("", None),
    ],
)
def test_vendor_for_host(catalog, host, vendor):
    found = catalog.vendor_for_host(host)
    assert (found.id if found else None) == vendor


def test_regional_endpoints(catalog):
    assert catalog.countries_for_host("o1.ingest.de.sentry.io") == ("DE",)
    assert catalog.countries_for_host("o1.ingest.sentry.io") is None
    assert catalog.countries_for_host("eu.i.posthog.com") == ("DE",)


@pytest.mark.parametrize(
    ("qualname", "effect"),
    [
        ("hashlib.sha256", "pseudonymise"),
        ("hashlib.sha256().hexdigest", "pseudonymise"),
        ("hmac.new", "pseudonymise"),
        ("bcrypt.hashpw", "pseudonymise"),
        ("cryptography.fernet.Fernet().encrypt", "pseudonymise"),
        ("hash", "pseudonymise"),
        ("len", "clean"),
        ("builtins.len", "clean"),
        ("isinstance", "clean"),
        ("hmac.compare_digest", "clean"),
        ("json.dumps", None),
        ("base64.b64encode", None),  # an encoding is readable: the data stays as it was
        ("str", None),
    ],
)
def test_effect(catalog, qualname, effect):
    assert catalog.effect(qualname) == effect


def test_logger_names(catalog):
    expected = {"logger", "log", "_logger", "LOGGER", "self.logger", "cls.logger"}
    assert expected <= catalog.logger_names


def test_log_shippers(catalog):
    shippers = {(s.vendor, s.target): s for s in catalog.log_shippers()}
    sentry = shippers[("sentry", "sentry_sdk.init")]
    assert (sentry.how, sentry.min_level) == ("call", "INFO")
    assert sentry.pii_keyword == "send_default_pii"
    assert shippers[("loggly", "loggly.handlers.HTTPSHandler")].how == "handler"
    assert any(v == "datadog" for v, _ in shippers)
    http = shippers[("", "logging.handlers.HTTPHandler")]
    assert http.host == ArgRef(0, "host")


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("boto3.*().put_object", "boto3.resource().Bucket().put_object", True),
        ("boto3.*().put_object", "boto3.put_object", False),
        ("*.objects.create", "a.b.C.objects.create", True),
        ("*.objects.create", ".objects.create", True),
        ("*.objects.create", "objects.create", False),
        ("a*b*c", "abc", True),
        ("a*bb*b", "abb", False),  # parts may not overlap
        ("x.[ab]", "x.a", True),
        ("x.?", "x.ab", False),
        ("print", "print", True),
    ],
)
def test_glob(pattern, name, expected):
    assert Glob(pattern).match(name) is expected


def test_globset_keeps_catalog_order_across_buckets():
    globs = _GlobSet([("a.*", "open"), ("*.put", "bucketed"), ("a.b.put", "exact")])
    assert globs.get("a.b.put") == "exact"  # exact names first
    assert globs.get("a.c.put") == "open"  # then the first glob in order, whatever its bucket
    assert globs.get("z.put") == "bucketed"
    assert globs.get("z.get") is None
    later = _GlobSet([("*.put", "bucketed"), ("a.*", "open")])
    assert later.get("a.c.put") == "bucketed"


# -- user catalog files ---------------------------------------------------------------------
USER_VENDOR = """\
vendors:
  acme_crm:
    name: Acme CRM
    kind: crm
    country: DE
    domains: [acme-crm.example]
    modules: [acme_crm]
    local_calls: [acme_crm.Client]
  hubspot:
    domains: [hubspot-eu.example]
sinks:
  acme-bulk:
    kind: vendor
    vendor: acme_crm
    calls: ["acme_crm.Client().bulk.upload"]
    data: [0, records]
  my-print:
    kind: log
    calls: [print]
"""


def test_user_file_adds_a_vendor_without_python(tmp_path: Path):
    path = tmp_path / "privacy" / "catalog.yaml"
    path.parent.mkdir()
    path.write_text(USER_VENDOR, encoding="utf-8")
    catalog = load_catalog([path])
    vendor = catalog.vendor_for_host("eu.acme-crm.example")
    assert vendor is not None
    assert (vendor.id, vendor.name, vendor.country) == ("acme_crm", "Acme CRM", "DE")
    assert catalog.match_call("acme_crm.Client().contacts.create").vendor == "acme_crm"
    assert catalog.match_call("acme_crm.Client") is None
    bulk = catalog.match_call("acme_crm.Client().bulk.upload")
    assert (bulk.id, bulk.data) == ("acme-bulk", (ArgRef(0, None), ArgRef(None, "records")))
    # lists extend a shipped vendor; a user's sink wins over a shipped one
    assert catalog.vendor_for_host("api.hubspot-eu.example").id == "hubspot"
    assert catalog.vendor_for_host("api.hubapi.com").id == "hubspot"
    assert catalog.match_call("print").id == "my-print"
    assert load_catalog().match_call("print").id == "output"


def test_changed_user_file_is_reloaded(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text("logger_names: [audit]\n", encoding="utf-8")
    assert "audit" in load_catalog([path]).logger_names
    assert load_catalog([path]) is load_catalog([path])
    path.write_text("logger_names: [audit_log, extra]\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse file-system clocks
    assert "audit_log" in load_catalog([path]).logger_names


# Six levels of ten aliases each: a million nodes from a few hundred bytes.
ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 6)
)


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("vendors:\n  acme: [unclosed\n", 3, 1, "YAML error"),
        ("vendors:\n  acme:\n    name: A\n    name: B\n", 4, 5,
         "duplicate key 'name' (first at line 3)"),
        ("vendors:\n  acme:\n    name: A\n    kind: crm\n    domain: [a.example]\n", 5, 13,
         "unknown key 'domain' in vendor 'acme'; did you mean 'domains'?"),
        ("vendors:\n  acme:\n    name: A\n    kind: bank\n", 4, 11,
         "vendor kind 'bank' is not one of"),
        ("sinks:\n  s:\n    kind: http\n    vendor: nobody\n    calls: [x.y]\n", 4, 13,
         "sink 's' names unknown vendor 'nobody'"),
        ("sinks:\n  s:\n    kind: cache\n    calls: [x.set]\n    ttl: -1\n", 5, 10,
         "'ttl': an argument is"),
        ("regions:\n  aws:\n    eu-north-9: [NO]\n", 3, 17, "NO was read as false; write 'NO'"),
        ("regions:\n  aws:\n    eu-north-9: [Norway]\n", 3, 17, "ISO 3166-1 alpha-2"),
        ("vendors: !!python/object/apply:os.system [echo hi]\n", 1, 10, "is not allowed here"),
        ("spam: 1\n", 1, 7, "unknown key 'spam' in a catalog file"),
        ("- a\n- b\n", 1, 1, "a catalog file must be a mapping of sections"),
        (ALIAS_BOMB, None, None, "nodes (an alias bomb?)"),
        ("a: &a [*a]\n", 1, 4, "nesting deeper than 40 levels"),
        ("<<: {x: 1}\n", 1, 1, "keys must be plain text (no merge keys)"),
        ("a: 1\n---\nb: 2\n", 3, 1, "only one YAML document per catalog file"),
        ("sinks:\n  s:\n    kind: http\n    calls: [a]\n    data: []\n", 5, 11,
         "'data' must name at least one argument"),
    ],
)
def test_broken_user_file(tmp_path: Path, text, line, col, message):
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog([path])
    rendered = str(err.value)
    assert rendered.startswith(f"{path}:"), rendered
    if line is not None:
        assert rendered.startswith(f"{path}:{line}:{col}: "), rendered
    assert message in rendered


def test_missing_and_non_utf8_files(tmp_path: Path):
    with pytest.raises(CatalogError, match="cannot read catalog file"):
        load_catalog([tmp_path / "absent.yaml"])
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"logger_names: [x]\n# caf\xe9\n")
    with pytest.raises(CatalogError) as err:
        load_catalog([path])
    assert str(err.value) == f"{path}:2:1: file is not valid UTF-8"


def test_docs_examples_load(tmp_path: Path):
    """Every YAML example of docs/catalog.md is a valid user file (in the order shown)."""
    doc = Path(__file__).parent.parent / "docs" / "catalog.md"
    blocks = re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 5
    paths = []
    for i, block in enumerate(blocks):
        paths.append(tmp_path / f"example{i}.yaml")
        paths[-1].write_text(block, encoding="utf-8")
    catalog = load_catalog(paths)
    assert catalog.match_call("acme_crm.Client().bulk.upload").id == "acme-bulk"
    assert catalog.match_call("mylib.HttpClient().post").url == ArgRef(0, "url")
    assert catalog.names.classify("no_ktp").kind == "national_id"
    assert catalog.regions.countries("aws", "eu-isoe-west-1") == ("DE",)


@pytest.mark.parametrize(
    ("host", "countries"),
    [
        ("mybucket.s3.eu-west-2.amazonaws.com", ("GB",)),
        ("s3-eu-west-1.amazonaws.com", ("IE",)),
        ("sqs.ap-east-1.amazonaws.com:443", ("HK",)),
        ("europe-west6-aiplatform.googleapis.com", ("CH",)),
        ("us-central1-aiplatform.googleapis.com", ("US",)),
        ("westeurope.api.cognitive.microsoft.com", ("NL",)),
        ("s3.amazonaws.com", None),  # no region in the name: the call's region argument decides
        ("eu-west-2.example.com", None),  # not a cloud vendor's host
        ("api.hubapi.com", None),  # no region provider
    ],
)
def test_cloud_region_in_host(catalog, host, countries):
    assert catalog.countries_for_host(host) == countries
