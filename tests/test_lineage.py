"""Lineage as a flake8 user sees it: personal data followed from a field (or request input)
through assignments, containers, string building, calls and returns, across modules, to a log
call — each finding on the sink's line, naming the data and its origin.

Each flow ends in its own ``logger.info`` line, found by a ``# L:name`` marker comment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Run, check, line_of

MODELS = '''
    from django.db import models


    class Contact(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
        phone = models.CharField(max_length=32)  # privacy: account_user_data retention=12mo
        job_title = models.CharField(max_length=32)  # privacy: account_user_data retention=12mo
        notes = models.TextField()  # privacy: support_data retention=7y
        plan = models.CharField(max_length=10)
'''

FLOWS = '''
    import json
    import logging

    from imap_tools import MailMessage

    from app.models import Contact

    logger = logging.getLogger(__name__)


    def direct(c: Contact):
        logger.info(c.email)  # L:direct


    def fstring(c: Contact):
        e = c.email
        msg = f"user {e}"
        logger.info(msg)  # L:fstring


    def dict_literal(c: Contact):
        logger.info({"email": c.email})  # L:dict


    def dumps(c: Contact):
        payload = json.dumps({"e": c.email})
        logger.info(payload)  # L:dumps


    def to_str(c: Contact):
        logger.info(str(c.email))  # L:str


    def joined(c: Contact):
        logger.info(", ".join([c.email, "x"]))  # L:join


    def percent(c: Contact):
        logger.info("user %s" % c.email)  # L:percent


    def fmt(c: Contact):
        logger.info("user {}".format(c.email))  # L:format


    def concat(c: Contact):
        logger.info("user " + c.email)  # L:concat


    def comprehension(cs: list[Contact]):
        emails = [c.email for c in cs]
        logger.info(emails)  # L:comprehension


    def unpack(c: Contact):
        a, b = c.email, 1
        logger.info(a)  # L:unpack


    def unpack_constant(c: Contact):
        a, b = c.email, 1
        logger.info(b)  # L:unpack_clean


    def augmented(c: Contact):
        text = "to: "
        text += c.email
        logger.info(text)  # L:augmented


    def log_args(c: Contact):
        logger.info("user %s", c.phone)  # L:logargs


    def not_personal(c: Contact):
        logger.info("plan %s", c.plan)  # L:plan


    def overwritten(c: Contact):
        x = c.email
        x = "constant"
        logger.info(x)  # L:overwritten


    def length_only(c: Contact):
        logger.info("count %d", 3)  # L:const


    class Mailer:
        def __init__(self, c: Contact):
            self.to = c.email

        def send(self):
            logger.info("sending to %s", self.to)  # L:attr


    def two_fields(c: Contact):
        logger.info("%s %s", c.email, c.phone)  # L:two_fields


    def two_categories(c: Contact):
        logger.info("%s %s", c.email, c.notes)  # L:two_categories


    def hashed(c: Contact):
        import hashlib
        digest = hashlib.sha256(c.email.encode()).hexdigest()
        logger.info(digest)  # L:hashed


    def run_as(c: Contact, query):
        import trino
        cursor = trino.dbapi.connect(host="db", user=c.email).cursor()
        cursor.execute(query)
        return cursor.fetchall()


    def report(c: Contact):
        rows = run_as(c, "SELECT 1")
        logger.info("rows: %s", rows)  # L:db-error


    def poll(c: Contact, mailbox):
        for uid in mailbox.uids(criteria={"from_": c.email}):
            logger.info("new mail %s", uid)  # L:mail-uid


    def handle(message: MailMessage):
        logger.info("mail from %s", message.from_)  # L:imap-sender
'''


LEADS = '''
    import logging

    from django.db import models

    logger = logging.getLogger(__name__)


    class Lead(models.Model):
        mobile_number = models.CharField(max_length=20)


    def show(lead: Lead):
        logger.info(lead.mobile_number)
'''


@pytest.fixture(scope="module")
def flows(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("flows"), {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/flows.py": FLOWS,
        "app/leads.py": LEADS,
    })


EMAIL = "account_user_data (Contact.email)"
ORIGIN_EMAIL = f"{EMAIL} from app/models.py:5"


@pytest.mark.parametrize(
    "marker",
    ["direct", "fstring", "dict", "dumps", "str", "join", "percent", "format", "concat", "comprehension",
     "unpack", "augmented", "attr"],
)
def test_personal_field_reaching_a_log_call_is_prv601_on_the_sink_line(flows: Run, marker: str) -> None:
    hit = flows.one("app/flows.py", line_of(FLOWS, f"# L:{marker}"), "PRV601")
    assert hit.message == f"{EMAIL} is logged by logging.getLogger().info", hit
    assert hit.detail("data") == ORIGIN_EMAIL, hit


def test_log_arguments_are_sinks_too(flows: Run) -> None:
    hit = flows.one("app/flows.py", line_of(FLOWS, "# L:logargs"), "PRV601")
    assert hit.message.startswith("account_user_data (Contact.phone) is logged")
    assert hit.detail("data") == "account_user_data (Contact.phone) from app/models.py:6"


@pytest.mark.parametrize("marker", [
    "plan", "const",
    "unpack_clean",
    "overwritten",
    "db-error",  # a connection made as the user answers with the database's rows and errors
    "mail-uid",  # the ids a mail search found are not the sender it searched for
])
def test_non_personal_values_reaching_a_log_call_are_not_flagged(flows: Run, marker: str) -> None:
    flows.none("app/flows.py", line_of(FLOWS, f"# L:{marker}"))


def test_a_fetched_mails_sender_is_an_email_address_by_the_imap_model(flows: Run) -> None:
    hit = flows.one("app/flows.py", line_of(FLOWS, "# L:imap-sender"), "PRV601")
    assert "MailMessage.from_" in hit.message, hit


def test_two_fields_of_one_category_at_one_call_are_one_finding_with_plus_more(flows: Run) -> None:
    hit = flows.one("app/flows.py", line_of(FLOWS, "# L:two_fields"), "PRV601")
    assert hit.message.endswith("(+1 more)"), hit
    assert len(hit.detail("data").split("; ")) == 2, hit


def test_two_categories_at_one_call_are_two_findings(flows: Run) -> None:
    hits = flows.at("app/flows.py", line_of(FLOWS, "# L:two_categories"), "PRV601")
    assert len(hits) == 2, flows.dump()
    assert any(h.detail("data") == ORIGIN_EMAIL for h in hits)
    assert any(h.detail("data") == "support_data (Contact.notes) from app/models.py:8" for h in hits)
    assert not any("more)" in h.message for h in hits)


def test_hashing_leaves_data_personal_and_says_pseudonymised(flows: Run) -> None:
    hit = flows.one("app/flows.py", line_of(FLOWS, "# L:hashed"), "PRV601")
    assert hit.message.startswith("account_user_data (Contact.email, hashed) is logged"), hit
    assert "from app/models.py:5" in hit.detail("data")
    assert "pseudonymised data is still personal data" in hit.detail("reason")


def test_findings_only_on_sink_lines(flows: Run) -> None:
    sinks = {line_of(FLOWS, f"# L:{m}") for m in (
        "direct", "fstring", "dict", "dumps", "str", "join", "percent", "format", "concat", "comprehension",
        "unpack", "augmented", "attr", "logargs", "two_fields", "two_categories", "hashed", "imap-sender")}
    assert {h.line for h in flows.hits if h.path == "app/flows.py"} == sinks, flows.dump()


# --- across functions and modules -----------------------------------------------------------

HELPERS = '''
    import logging

    logger = logging.getLogger(__name__)


    def log_it(value):
        logger.info("value %s", value)  # L:log_it


    def shout(value):
        return value.upper()


    def countdown(value, n):
        if n:
            return countdown(value, n - 1)
        logger.info(value)  # L:countdown


    def ping(value):
        return pong(value)


    def pong(value):
        return ping(value)


    def spread(*args, **kwargs):
        logger.info("%s %s", args, kwargs)  # L:spread


    def logged(fn):
        def wrapper(*a, **k):
            return fn(*a, **k)
        return wrapper


    class Event:
        @classmethod
        def record(cls, payload):
            logger.info("event %s", payload)  # L:classmethod
            return cls()
'''

SERVICES = '''
    import logging

    from app import helpers
    from app.helpers import log_it, logged, shout
    from app.models import Contact
    from .helpers import spread

    logger = logging.getLogger(__name__)


    def personal(c: Contact):
        log_it(c.email)  # L:call_personal


    def constant():
        log_it("hello")  # L:call_constant


    def via_module(c: Contact):
        helpers.log_it(c.notes)  # L:call_module


    def returned(c: Contact):
        loud = shout(c.email)
        logger.info(loud)  # L:returned


    def returned_constant():
        loud = shout("hi")
        logger.info(loud)  # L:returned_constant


    def recursive(c: Contact):
        helpers.countdown(c.email, 3)
        x = helpers.ping(c.email)
        logger.info(x)  # L:mutual


    def star(c: Contact):
        spread(1, c.email)
        spread(2, who=c.notes)


    @logged
    def decorated(value):
        logger.info(value)  # L:decorated


    def call_decorated(c: Contact):
        decorated(c.email)


    def record_it(c: Contact):
        helpers.Event.record(c.email)
'''

TASKS = '''
    import logging

    from celery import shared_task

    logger = logging.getLogger(__name__)


    @shared_task
    def welcome(address):
        logger.info("welcome %s", address)  # L:task


    @shared_task
    def remind(address):
        logger.info("remind %s", address)  # L:task_kw


    @shared_task
    def hook(url, data):
        logger.info("hook to %s", url)  # L:task_url
        logger.info("hook with %s", data)  # L:task_data
'''

VIEWS = '''
    import logging

    from django.http import HttpResponse
    from flask import request as flask_request

    from app.models import Contact
    from app.tasks import hook, remind, welcome
    from app.anon import scrub

    logger = logging.getLogger(__name__)


    def signup(request):
        email = request.POST["email"]
        logger.info("signup %s", email)  # L:post
        return HttpResponse("ok")


    def flask_signup():
        phone = flask_request.form["phone"]
        logger.info("signup %s", phone)  # L:form


    def flask_api():
        logger.info("api %s", flask_request.json["email"])  # L:json


    def flask_body():
        body = flask_request.get_json()
        logger.info("api %s", body["email"])  # L:json_body


    def queue(c: Contact):
        welcome.delay(c.email)


    def queue_later(c: Contact):
        welcome.apply_async((c.notes,), countdown=60)


    def queue_keywords(c: Contact):
        remind.apply_async(args=[c.email], countdown=60)


    def queue_kwargs(c: Contact, target):
        hook.apply_async(kwargs={"url": target.url, "data": {"email": c.email}})


    def anonymised(c: Contact):
        logger.info(scrub(c.email))  # L:anonymised


    def kwargs_default(c: Contact, who=None):
        logger.info("%s", who or "none")  # L:default_none
'''

ANON = '''
    def scrub(value):
        return "***"
'''


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("modules"), {
        "pyproject.toml": '''
            [tool.lint-privacy]
            anonymisers = ["app.anon.scrub"]
        ''',
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/helpers.py": HELPERS,
        "app/services.py": SERVICES,
        "app/tasks.py": TASKS,
        "app/views.py": VIEWS,
        "app/anon.py": ANON,
    })


def test_parameter_to_sink_is_flagged_in_the_helper_naming_the_caller(modules: Run) -> None:
    hits = [h for h in modules.at("app/helpers.py", line_of(HELPERS, "# L:log_it"), "PRV601")
            if h.detail("data") == ORIGIN_EMAIL]
    assert len(hits) == 1, modules.dump()
    assert hits[0].message == f"{EMAIL} is logged by logging.getLogger().info"
    assert hits[0].detail("route") == ("through personal() in app/services.py:11 -> log_it() in "
                                       "app/helpers.py:6")


def test_helper_called_with_personal_and_constant_data_flags_only_the_personal_path(modules: Run) -> None:
    hits = modules.at("app/helpers.py", line_of(HELPERS, "# L:log_it"), "PRV601")
    assert hits, modules.dump()
    assert not any("constant()" in h.text for h in hits), hits


def test_call_through_module_attribute_carries_data(modules: Run) -> None:
    hits = modules.at("app/helpers.py", line_of(HELPERS, "# L:log_it"), "PRV601")
    assert any(h.message.startswith("support_data (Contact.notes)") and "via_module()" in h.detail("route")
               for h in hits), modules.dump()


def test_value_returned_by_a_helper_stays_personal_per_call_site(modules: Run) -> None:
    hit = modules.one("app/services.py", line_of(SERVICES, "# L:returned"), "PRV601")
    assert hit.detail("data") == ORIGIN_EMAIL
    modules.none("app/services.py", line_of(SERVICES, "# L:returned_constant"))


def test_recursion_terminates_and_still_carries_data(modules: Run) -> None:
    hit = modules.one("app/helpers.py", line_of(HELPERS, "# L:countdown"), "PRV601")
    assert hit.detail("data") == ORIGIN_EMAIL


def test_mutual_recursion_terminates(modules: Run) -> None:
    # ping() and pong() only return each other's result, never their argument: following them must
    # end (the run finishes), and nothing reaches the log line.
    assert modules.returncode == 1, modules.dump()
    modules.none("app/services.py", line_of(SERVICES, "# L:mutual"))


def test_star_args_and_kwargs_carry_data(modules: Run) -> None:
    hits = modules.at("app/helpers.py", line_of(HELPERS, "# L:spread"), "PRV601")
    text = " | ".join(h.message for h in hits)
    assert "Contact.email" in text, modules.dump()
    assert "Contact.notes" in text, modules.dump()


def test_relative_import_and_decorated_function_carry_data(modules: Run) -> None:
    hit = modules.one("app/services.py", line_of(SERVICES, "# L:decorated"), "PRV601")
    assert hit.detail("data") == ORIGIN_EMAIL


def test_a_classmethod_called_on_its_class_binds_the_argument_after_cls(modules: Run) -> None:
    hit = modules.one("app/helpers.py", line_of(HELPERS, "# L:classmethod"), "PRV601")
    assert hit.detail("data") == ORIGIN_EMAIL and "record_it()" in hit.detail("route"), hit


def test_celery_delay_carries_data_into_the_task(modules: Run) -> None:
    hits = modules.at("app/tasks.py", line_of(TASKS, "# L:task"), "PRV601")
    email = [h for h in hits if h.detail("data") == ORIGIN_EMAIL]
    assert len(email) == 1, modules.dump()
    assert email[0].detail("route").startswith("through queue() in app/views.py"), modules.dump()


def test_celery_apply_async_carries_data_into_the_task(modules: Run) -> None:
    hits = modules.at("app/tasks.py", line_of(TASKS, "# L:task"), "PRV601")
    assert any(h.message.startswith("support_data (Contact.notes)") and "queue_later()" in h.detail("route")
               for h in hits), modules.dump()


def test_celery_apply_async_with_args_keyword_carries_data_into_the_task(modules: Run) -> None:
    hit = modules.one("app/tasks.py", line_of(TASKS, "# L:task_kw"), "PRV601")
    assert hit.detail("data") == ORIGIN_EMAIL


def test_celery_apply_async_kwargs_literal_binds_each_key_to_its_parameter(modules: Run) -> None:
    hit = modules.one("app/tasks.py", line_of(TASKS, "# L:task_data"), "PRV601")
    assert hit.detail("data") == ORIGIN_EMAIL and "queue_kwargs()" in hit.detail("route"), hit
    modules.none("app/tasks.py", line_of(TASKS, "# L:task_url"))


@pytest.mark.parametrize(("marker", "label"), [("post", "request.POST"), ("form", "request.form"),
                                               ("json", "request.json")])
def test_request_input_under_a_personal_name_is_a_lower_confidence_source(modules: Run, marker: str, label: str) -> None:
    hit = modules.one("app/views.py", line_of(VIEWS, f"# L:{marker}"), "PRV601")
    assert "found by name: lower confidence" in hit.detail("data"), hit
    assert label in hit.message, hit


def test_request_body_read_into_a_variable_is_a_source(modules: Run) -> None:
    hit = modules.one("app/views.py", line_of(VIEWS, "# L:json_body"), "PRV601")
    assert "found by name: lower confidence" in hit.detail("data")


def test_declared_anonymiser_ends_the_flow(modules: Run) -> None:
    modules.none("app/views.py", line_of(VIEWS, "# L:anonymised"))


def test_default_none_parameter_is_not_personal(modules: Run) -> None:
    modules.none("app/views.py", line_of(VIEWS, "# L:default_none"))


def test_unannotated_personal_field_is_a_lower_confidence_source(flows: Run) -> None:
    flows.one("app/leads.py", 9, "PRV103")
    hit = flows.one("app/leads.py", 13, "PRV601")
    assert hit.message.startswith("unannotated phone (Lead.mobile_number) is logged by"), hit
    assert hit.detail("data") == ("unannotated phone (Lead.mobile_number, found by name: lower confidence) "
                                  "from app/leads.py:9")


TRACKERS = {
    "app/__init__.py": "",
    "app/trackers.py": """
        import jira
        import redminelib


        class Tracker:
            @property
            def rpc(self):
                return self._connection()

            def _connection(self):
                raise NotImplementedError()


        class Jira(Tracker):
            def _connection(self):
                return jira.JIRA("https://example.atlassian.net")

            def report(self, email):
                self.rpc.create_issue(description=email)  # L:jira


        class Redmine(Tracker):
            def _connection(self):
                if self.key:
                    connection = redminelib.Redmine("https://redmine.example.org", key=self.key)
                else:
                    connection = redminelib.Redmine("https://redmine.example.org", username="u", password="p")
                return connection

            def report(self, email):
                self.rpc.issue.create(description=email)  # L:redmine


        class Settings(Tracker):
            @property
            def options(self):
                return dict(timeout=3)

            def report(self, email):
                self.options.get(email)  # L:builtin
    """,
}


def test_a_property_returning_a_library_client_makes_its_calls_sends(tmp_path: Path) -> None:
    """``self.rpc.create_issue``: ``rpc`` is a property of the base class returning what the
    subclass's ``_connection()`` makes (a jira.JIRA, a redminelib.Redmine from either branch)."""
    run = check(tmp_path, TRACKERS)
    src = TRACKERS["app/trackers.py"]
    jira_hit = run.one("app/trackers.py", line_of(src, "# L:jira"), "PRV003")
    assert "Jira (Atlassian)" in jira_hit.detail("reason"), jira_hit
    redmine = run.one("app/trackers.py", line_of(src, "# L:redmine"), "PRV302")
    assert "redminelib.Redmine().issue.create" in redmine.detail("reason"), redmine
    run.none("app/trackers.py", line_of(src, "# L:builtin"))
