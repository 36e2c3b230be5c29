"""Vendors and HTTP clients added to the shipped catalog from real apps (issue trackers, Help Scout,
Have I Been Pwned, Fastly, Apprise, pycurl, pools that take the host from their constructor), as a
user of ``lint-privacy check`` sees them: personal data into a sending call is a recipients finding
naming the vendor; the same data into the SDK's local constructor is none.
"""

from __future__ import annotations

import pytest

from conftest import POLICY, Run, line_of, run_cli, write_project
from lint_privacy.catalog import ArgRef, load_catalog

APP = '''
    import http.client

    import apprise
    import bugzilla
    import github
    import gitlab
    import httpx
    import pycurl
    import redminelib
    import urllib3


    def github_issue(token, email):
        gh = github.Github(auth=github.Auth.Token(token))
        repo = gh.get_repo("acme/app")
        repo.create_issue(title="signup", body=email)  # L:github


    def github_local(username, password):
        github.Github(auth=github.Auth.Login(username, password))  # L:github_local


    def gitlab_issue(url, token, email):
        gl = gitlab.Gitlab(url, private_token=token)
        project = gl.projects.get("acme/app")
        project.issues.create({"title": "signup", "description": email})  # L:gitlab


    def gitlab_local(url, username, password):
        gitlab.Gitlab(url, http_username=username, http_password=password)  # L:gitlab_local


    def bugzilla_bug(email, username, password):
        bz = bugzilla.Bugzilla("https://bugzilla.example.org", user=username, password=password)  # L:bugzilla_local
        info = bz.build_createbug(product="app", summary=email)  # L:bugzilla_build
        bz.createbug(info)  # L:bugzilla


    def redmine_issue(email, username):
        rm = redminelib.Redmine("https://redmine.example.org", username=username, key="k")  # L:redmine_local
        rm.issue.create(project_id="app", subject=email)  # L:redmine


    def notify(email):
        ap = apprise.Apprise(asset=apprise.AppriseAsset(app_id=email))  # L:apprise_local
        ap.add("mailto://alerts:secret@example.org")
        ap.notify(title="signup", body=email)  # L:apprise


    def breached(email):
        c = pycurl.Curl()
        c.setopt(pycurl.URL, f"https://haveibeenpwned.com/api/v3/breachedaccount/{email}")  # L:pycurl
        c.perform()


    def breaches():
        c = pycurl.Curl()
        c.setopt(pycurl.URL, "https://haveibeenpwned.com/api/v3/breaches")  # L:pycurl_plain
        c.perform()


    def support(email):
        httpx.post("https://api.helpscout.net/v2/conversations", json={"email": email})  # L:httpx
        httpx.post("http://localhost:8000/hook", json={"email": email})  # L:httpx_internal


    async def purge(email):
        async with httpx.AsyncClient() as client:
            await client.post("https://api.fastly.com/purge", json={"email": email})  # L:httpx_async


    def pooled(email):
        conn = http.client.HTTPSConnection("api.hubapi.com")
        conn.request("POST", "/contacts/v1/contact", body=email)  # L:http_client
        pool = urllib3.HTTPSConnectionPool("api.hubapi.com")
        pool.request("POST", "/contacts/v1/contact", body=email)  # L:urllib3_pool
'''

PATH = "app/senders.py"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = write_project(tmp_path_factory.mktemp("vendors_added"), {"app/__init__.py": "", PATH: APP})
    return run_cli(root, "check", "--policy", str(POLICY), "--no-cache", ".")


def _email(function: str) -> str:
    return f"unannotated email (email (parameter of {function}), found by name: lower confidence)"


@pytest.mark.parametrize(
    ("marker", "function", "vendor", "call"),
    [
        ("github", "github_issue", "GitHub", "github.Github().get_repo().create_issue"),
        ("gitlab", "gitlab_issue", "GitLab", "gitlab.Gitlab().projects.get().issues.create"),
        ("bugzilla", "bugzilla_bug", "Bugzilla (the instance the application reports to)",
         "bugzilla.Bugzilla().createbug"),
        ("redmine", "redmine_issue", "Redmine (the instance the application reports to)",
         "redminelib.Redmine().issue.create"),
        ("apprise", "notify", "Apprise (notification services named by its URLs)", "apprise.Apprise().notify"),
        ("pycurl", "breached", "Have I Been Pwned", "pycurl.Curl().setopt"),
        ("httpx", "support", "Help Scout", "httpx.post"),
        ("httpx_async", "purge", "Fastly", "httpx.AsyncClient().post"),
        ("http_client", "pooled", "HubSpot", "http.client.HTTPSConnection().request"),
        ("urllib3_pool", "pooled", "HubSpot", "urllib3.HTTPSConnectionPool().request"),
    ],
)
def test_personal_data_into_a_sending_call_names_the_vendor(run: Run, marker, function, vendor, call) -> None:
    line = line_of(APP, f"# L:{marker}")
    hit = run.one(PATH, line, "PRV302")  # the Infobip notice covers vendors only as a class
    assert hit.detail("data").startswith(f"{_email(function)} from {PATH}:"), hit
    assert f" is sent to {vendor.split(' (')[0]}" in hit.message, hit  # a long name is shortened
    assert ", a vaguely declared recipient" in hit.message, hit
    assert hit.detail("reason") == f"sent by {call}", hit


@pytest.mark.parametrize(
    ("marker", "vendor"),
    [("github", "GitHub"), ("httpx_async", "Fastly"), ("http_client", "HubSpot"), ("urllib3_pool", "HubSpot")],
)
def test_vendor_documented_in_the_us_is_a_transfer(run: Run, marker, vendor) -> None:
    hit = run.one(PATH, line_of(APP, f"# L:{marker}"), "PRV401")
    assert f"goes to {vendor} in US" in hit.message, hit


@pytest.mark.parametrize(
    ("marker", "vendor"),
    [("gitlab", "GitLab"), ("bugzilla", "Bugzilla"), ("redmine", "Redmine"), ("apprise", "Apprise"),
     ("pycurl", "Have I Been Pwned"), ("httpx", "Help Scout")],
)
def test_vendor_without_a_known_location_is_unresolved_not_a_transfer(run: Run, marker, vendor) -> None:
    line = line_of(APP, f"# L:{marker}")
    hit = run.one(PATH, line, "PRV003")
    reason = hit.detail("reason")
    assert f"where {vendor}" in reason and "stated neither in the notice nor in the catalog" in reason, hit
    run.none(PATH, line, "PRV4")


@pytest.mark.parametrize(
    "marker",
    ["github_local", "gitlab_local", "bugzilla_local", "bugzilla_build", "redmine_local", "apprise_local",
     "pycurl_plain", "httpx_internal"],
)
def test_local_constructors_and_builders_send_nothing(run: Run, marker: str) -> None:
    run.none(PATH, line_of(APP, f"# L:{marker}"))


def test_no_findings_beyond_the_expected_lines(run: Run) -> None:
    expected = {line_of(APP, f"# L:{m}") for m in (
        "github", "gitlab", "bugzilla", "redmine", "apprise", "pycurl", "httpx", "httpx_async", "http_client",
        "urllib3_pool")}
    assert {h.line for h in run.hits if h.path == PATH} == expected, run.dump()


# --- the catalog itself: calls the CLI test above does not write out ------------------------

@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize(
    ("qualname", "kind", "vendor"),
    [
        ("jira.JIRA().create_issue", "vendor", "jira"),
        ("github.Github().get_repo().get_issue().create_comment", "vendor", "github"),
        ("github3.login().issue", "vendor", "github"),
        ("gitlab.Gitlab().projects.get().issues.get().notes.create", "vendor", "gitlab"),
        ("bugzilla.Bugzilla().update_bugs", "vendor", "bugzilla"),
        ("redminelib.Redmine().issue.new().save", "vendor", "redmine"),
        ("azure.devops.connection.Connection().clients.get_work_item_tracking_client().create_work_item",
         "vendor", "microsoft"),
        ("azure.ai.documentintelligence.DocumentIntelligenceClient().begin_analyze_document", "vendor", "microsoft"),
        ("azure.ai.formrecognizer.DocumentAnalysisClient().begin_analyze_document", "vendor", "microsoft"),
        ("apprise.Apprise().async_notify", "vendor", "apprise"),
        ("pyhibp.get_account_breaches", "vendor", "haveibeenpwned"),
        ("helpscout.HelpScout().conversations.post", "vendor", "helpscout"),
        ("fastly.api.purge_api.PurgeApi().purge_single_url", "vendor", "fastly"),
        ("llama_index.llms.openai.OpenAI().complete", "vendor", "openai"),
        ("langchain_openai.AzureChatOpenAI().invoke", "vendor", "microsoft"),
        ("llama_index.llms.anthropic.Anthropic().chat", "vendor", "anthropic"),
        ("pycurl.Curl().setopt", "http", ""),
        ("urllib3.request", "http", ""),
        ("urllib3.PoolManager().urlopen", "http", ""),
        ("urllib3.connectionpool.HTTPConnectionPool().urlopen", "http", ""),
        ("httpx.Client().post", "http", ""),
        ("aiohttp.ClientSession().request", "http", ""),
        ("urllib.request.urlopen", "http", ""),
    ],
)
def test_added_calls_are_sinks(catalog, qualname, kind, vendor) -> None:
    spec = catalog.match_call(qualname)
    assert spec is not None, qualname
    assert (spec.kind, spec.vendor) == (kind, vendor)


@pytest.mark.parametrize(
    "qualname",
    [
        "github.Github", "github.Auth.Token", "github.GithubException", "github.UnknownObjectException",
        "github.InputGitAuthor", "gitlab.Gitlab", "gitlab.exceptions.GitlabCreateError",
        "bugzilla.Bugzilla", "bugzilla.Bugzilla().build_createbug", "redminelib.Redmine",
        "redminelib.Redmine().issue.new", "azure.devops.connection.Connection",
        "azure.devops.connection.Connection().clients.get_work_item_tracking_client",
        "azure.ai.documentintelligence.DocumentIntelligenceClient", "apprise.Apprise",
        "apprise.AppriseAsset", "apprise.Apprise().add", "helpscout.HelpScout", "fastly.ApiClient",
        "fastly.api.purge_api.PurgeApi", "pyhibp.set_user_agent", "pycurl.Curl",
    ],
)
def test_added_local_calls_are_not_sinks(catalog, qualname) -> None:
    assert catalog.match_call(qualname) is None


@pytest.mark.parametrize(
    ("host", "vendor"),
    [
        ("api.github.com", "github"), ("raw.githubusercontent.com", "github"), ("gitlab.com", "gitlab"),
        ("dev.azure.com", "microsoft"), ("acme.visualstudio.com", "microsoft"),
        ("haveibeenpwned.com", "haveibeenpwned"), ("api.pwnedpasswords.com", "haveibeenpwned"),
        ("api.helpscout.net", "helpscout"), ("api.fastly.com", "fastly"),
    ],
)
def test_added_domains(catalog, host, vendor) -> None:
    found = catalog.vendor_for_host(host)
    assert (found.id if found else None) == vendor


def test_destinations_of_the_added_http_calls(catalog) -> None:
    assert catalog.countries_for_host("gitlab.com") == ("US",)  # GitLab.com; self-managed: unknown
    assert catalog.vendors["gitlab"].country == ""
    assert catalog.vendors["github"].country == "US"
    assert catalog.match_call("pycurl.Curl().setopt").url == ArgRef(1)
    assert catalog.match_call("pycurl.Curl().setopt").data == (ArgRef(1),)
    # a connection or a pool takes a path: the host is its constructor's
    for name in ("http.client.HTTPSConnection().request", "urllib3.HTTPSConnectionPool().request"):
        spec = catalog.match_call(name)
        assert (spec.url, spec.host) == (None, ArgRef(0, "host")), name
    assert catalog.match_call("urllib3.PoolManager().request").url == ArgRef(1, "url")
