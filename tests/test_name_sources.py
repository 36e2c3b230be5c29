"""Personal data where real code keeps it outside model fields, found by its name: parameters,
local variables, attributes of objects whose type is unknown, values read under a constant key,
loggers made by a project helper. And the look-alikes that must stay quiet: configuration
mappings, credentials and flags named after the data they handle. (Shapes taken from the real
applications of bench/realworld: docs/accuracy.md.)"""

from __future__ import annotations

import json

import pytest

from conftest import Run, line_of

APP = '''
    import logging
    import os

    import requests

    from app.logs import get_logger
    from app.models import Customer
    from orderlib import find_order
    from accountlib import BaseAccount
    from django.db import models

    log = logging.getLogger(__name__)
    logger = get_logger()
    HEADERS = {"User-Agent": "our-bot/1.0"}


    def deliver(to_email, body):
        log.info("mail to %s", to_email)  # L:param


    def locked_out(request):
        ip = request.headers.get("X-Forwarded-For")
        logger.error(f"locked out from {ip}")  # L:variable


    def who(request):
        log.info("user %s", request.user.username)  # L:attribute


    def subscribe(form):
        data = {"name": form["name"], "email": form["email"]}
        requests.post("https://version.example.org/subscribe", json=data)  # L:key


    def profile(claims):
        log.warning("refused %s", claims.get("email"))  # L:get


    class Registration:
        def __init__(self):
            self.logger = get_logger()

        def register(self, reg):
            self.logger.info(f"Registering user {reg.user_name}")  # L:self-logger


    def fetch(url):
        requests.get(url, headers={"User-Agent": HEADERS["User-Agent"]})  # L:constant-key
        log.info("sender %s", os.environ["SENDER_EMAIL"])  # L:environ
        log.info("admin %s", default_conf["admin_email"])  # L:conf-default


    def settings_page(smtp_email_password, notify_by_email, phone_region):
        log.info("%s %s %s", smtp_email_password, notify_by_email, phone_region)  # L:look-alike


    def count(emails):
        log.info("sent %d", len(emails))  # L:count


    def on_login(sender, user, request, **kwargs):
        log.info(f"User {user} logged in")  # L:user-object
        log.info("query (user='{}')".format(user))  # L:user-object-format


    def user_state(user):
        log.info("active %s", user.is_active)  # L:user-attribute
        log.info("order %s", find_order(user))  # L:user-call


    def clean_user(queryset, value):
        value = value.strip()
        if not queryset.filter(email=value).exists():
            raise ValueError(f"Unknown user: {value}")  # L:keyword-evidence


    class BadInput(Exception):
        pass


    def make_error(text):
        return BadInput(f"bad: {text}")


    def reject(contact_email):
        raise make_error(contact_email)  # L:exception-factory


    def reject_slug(slug):
        raise make_error(slug)  # L:exception-factory-clean


    def invalid(cc_list):
        invalid_emails = []
        log.info("none yet %s", invalid_emails)  # L:before-append
        for item in cc_list:
            invalid_emails.append(item)
        log.info("invalid %s", invalid_emails)  # L:after-append


    class Staff(BaseAccount):  # a library's model the catalog does not know
        badge = models.CharField(max_length=10)


    def welcome(staff: Staff):
        log.info("welcome %s", staff.email)  # L:inherited-field


    class LockService:
        def locked_users(self):
            return []


    def unlock_all():
        service = LockService()
        for user in service.locked_users():
            log.info(f"unlocking {user.username}")  # L:method-result


    def process(pk, model_name, username):
        log.info("model %s", model_name)  # L:task-other-arg


    def enqueue(obj, change):
        args = [obj.pk, obj.model_name, change.user_name]
        process.apply_async(args=args)


    def reparent(ip, primary_ip4):
        log.info("moved %s to %s", ip, primary_ip4)  # L:infrastructure-ip


    def create_admin():
        username = os.getenv("ADMIN_USER", "admin")
        log.info("created %s", username)  # L:configured-user


    def login_failed(username, client_ip):
        log.warning("login failed for %s from %s", username, client_ip)  # L:one-per-call


    def paid(order_email):
        order = find_order(order_email)
        log.info("order %s paid", order.id)  # L:id-of-object
        log.info("order %s paid", order.summary)  # L:rest-of-object


    def checkout(billing_email):
        session = {"email": billing_email, "status": "open"}
        log.info("state %s", session.get("status"))  # L:clean-get
        log.info("note %s", session["note"])  # the literal has no such key  # L:other-key
        raise ValueError(f"bad status {session['status']}")  # L:clean-key


    def normalise(email):
        return email.strip().lower()


    def slug_of(title):
        log.info("slug %s", normalise(title))  # L:param-return


    def known(customer_id, to_email):
        c = Customer.objects.get(pk=customer_id)
        log.info("%s %s", c.email, to_email)  # L:field-wins


    def notify(action, comment):
        log.info("sent to %s", action.mail.to)  # L:family-member
        log.info("route to %s", action.route.to)  # L:other-member
        log.info("column %s", Customer.name)  # L:class-attribute
        log.info("reply %s", requests.post("https://x.example/api").text)  # L:http-post-text
        log.info("said %s", comment.text)  # L:unknown-comment-text
'''
MODELS = '''
    from django.db import models


    class Customer(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
'''
LOGS = '''
    import logging


    def get_logger():
        return logging.getLogger("app")
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    from conftest import check

    return check(tmp_path_factory.mktemp("names"), {"app/__init__.py": "", "app/views.py": APP,
                                                    "app/models.py": MODELS, "app/logs.py": LOGS})


@pytest.mark.parametrize("marker, code, label", [
    ("# L:param", "PRV601", "unannotated email (to_email (parameter of deliver)"),
    ("# L:variable", "PRV601", "unannotated ip_address (request.headers['X-Forwarded-For']"),
    ("# L:attribute", "PRV601", "unannotated username (User.username"),  # Django's User: catalog models
    ("# L:key", "PRV304", "unannotated email (form['email']"),
    ("# L:get", "PRV601", "unannotated email (claims['email']"),
    ("# L:self-logger", "PRV601", "unannotated username (reg.user_name"),
    ("# L:rest-of-object", "PRV601", "unannotated email (order_email (parameter of paid)"),
    ("# L:user-object", "PRV601", "unannotated user_object (user (parameter of on_login)"),
    ("# L:user-object-format", "PRV601", "unannotated user_object (user (parameter of on_login)"),
    ("# L:keyword-evidence", "PRV603", "unannotated email (value (passed as email=)"),
    ("# L:exception-factory", "PRV603", "unannotated email (contact_email (parameter of reject)"),
    ("# L:after-append", "PRV601", "unannotated email (invalid_emails (variable of invalid)"),
    ("# L:inherited-field", "PRV601", "unannotated email (Staff().email"),
    ("# L:method-result", "PRV601", "unannotated username (LockService().locked_users()[].username"),
    ("# L:family-member", "PRV601", "unannotated email (action.mail.to"),
])
def test_personal_data_outside_fields_is_found_by_its_name(run: Run, marker: str, code: str, label: str) -> None:
    hit = run.one("app/views.py", line_of(APP, marker), code)
    assert hit.message.startswith(label.split(" (")[0] + " (") and hit.detail("data").startswith(label), hit
    assert "found by name: lower confidence" in hit.detail("data"), hit


@pytest.mark.parametrize("marker", ["# L:constant-key", "# L:environ", "# L:conf-default", "# L:look-alike", "# L:count",
                                    "# L:param-return", "# L:id-of-object", "# L:clean-get", "# L:clean-key",
                                    "# L:infrastructure-ip", "# L:configured-user", "# L:user-attribute",
                                    "# L:user-call", "# L:exception-factory-clean", "# L:before-append",
                                    "# L:other-key", "# L:task-other-arg", "# L:other-member",
                                    "# L:class-attribute", "# L:http-post-text",
                                    "# L:unknown-comment-text"])
def test_configuration_credentials_and_flags_stay_quiet(run: Run, marker: str) -> None:
    run.none("app/views.py", line_of(APP, marker))


def test_unannotated_data_of_several_kinds_at_one_call_is_one_finding(run: Run, tmp_path_factory) -> None:
    from conftest import run_cli

    line = line_of(APP, "# L:one-per-call")
    hit = run.one("app/views.py", line, "PRV601")
    assert hit.message.endswith("(+1 more)"), hit
    root = next(p for p in tmp_path_factory.getbasetemp().glob("names*"))
    cli = run_cli(root, "check", "--no-cache", "--format", "json", "app/views.py")
    found = [f for f in json.loads(cli.stdout)["findings"] if f["line"] == line]
    assert [f["code"] for f in found] == ["PRV601"], found
    assert {o["label"].split(" (")[0] for o in found[0]["origins"]} == {"unannotated username", "unannotated ip_address"}


def test_an_annotated_field_at_the_same_call_speaks_for_the_data(run: Run) -> None:
    hit = run.one("app/views.py", line_of(APP, "# L:field-wins"), "PRV601")
    assert hit.message.startswith("account_user_data (Customer.email)"), hit
    assert "to_email" not in hit.text, hit


TEST_CODE = {
    "app/__init__.py": "",
    "app/mail.py": """
        import logging

        log = logging.getLogger(__name__)


        def notify(who):
            log.info("notify %s", who)  # L:prod
    """,
    "tests/test_mail.py": """
        import logging

        from app.mail import notify

        log = logging.getLogger(__name__)


        class FakeUser:
            email: str = ""  # L:test-field


        def test_notify(user_email="b@example.org"):
            log.info("sending to %s", user_email)  # L:test-log
            notify(FakeUser.email)
    """,
    "tests/conftest.py": "def broken(:\n",
}


def test_test_code_is_not_production(tmp_path) -> None:
    from conftest import lint

    run = lint(tmp_path, TEST_CODE)
    assert run.hits == [], run.dump()  # nothing in tests/, and no path from a test into app/


def test_report_tests_brings_test_code_back(tmp_path) -> None:
    from conftest import lint, run_cli

    files = {**TEST_CODE, "pyproject.toml": "[tool.lint-privacy]\nreport-tests = true\n"}
    run = lint(tmp_path, files)
    run.one("tests/test_mail.py", line_of(files["tests/test_mail.py"], "# L:test-log"), "PRV601")
    run.one("tests/test_mail.py", line_of(files["tests/test_mail.py"], "# L:test-field"), "PRV103")
    hit = run.one("app/mail.py", line_of(files["app/mail.py"], "# L:prod"), "PRV601")
    assert "FakeUser.email" in hit.message, hit
    cli = run_cli(tmp_path, "check", "--no-cache", ".")
    assert cli.returncode == 2 and cli.at("tests/conftest.py", 1, "PRV002"), cli.dump()


def test_a_test_file_that_does_not_parse_is_named_in_a_note_not_a_finding(tmp_path) -> None:
    """A fixture broken on purpose changes no production finding: no PRV002 and no exit 2, but
    the run's summary names it (never a silent skip); a production file that does not parse is
    still PRV002."""
    from conftest import run_cli, write_project

    write_project(tmp_path, {**TEST_CODE, "app/broken.py": "def broken(:\n"})
    cli = run_cli(tmp_path, "check", "--no-cache", ".")
    assert cli.returncode == 2 and cli.codes() == ["PRV002"], cli.dump()
    assert cli.at("app/broken.py", 1, "PRV002") and not cli.at("tests/conftest.py"), cli.dump()
    note = ("1 test or example file not analysed: tests/conftest.py (syntax error at line 1: invalid "
            "syntax); no production finding depends on it (report-tests, examples: docs/adopting.md)")
    assert note in cli.stdout.splitlines(), cli.dump()
    (tmp_path / "app/broken.py").unlink()
    cli = run_cli(tmp_path, "check", "--no-cache", "--format", "json", ".")
    doc = json.loads(cli.stdout)
    assert cli.returncode == 0 and doc["findings"] == [], cli.dump()
    message = "this file was not analysed: syntax error at line 1: invalid syntax"
    assert doc["tests_not_analysed"] == [{"path": "tests/conftest.py", "message": message}], cli.dump()
    cli = run_cli(tmp_path, "check", "--no-cache", "app")  # only the files asked for are noted
    assert cli.returncode == 0 and cli.stdout == "no findings\n", cli.dump()


def test_flake8_reports_no_prv002_for_test_code(tmp_path) -> None:
    """flake8 reports a syntax error itself (E999); a test file the project does not read (larger
    than max-file-size) gets no PRV002 from the plugin, a production file does."""
    from conftest import lint

    big = "x = 1\n" * 40
    files = {**TEST_CODE, "tests/test_big.py": big, "app/big.py": big,
             "pyproject.toml": "[tool.lint-privacy]\nmax-file-size = 200\n"}
    run = lint(tmp_path, files, "--select", "PRV,E999", "--privacy-no-cache")
    assert sorted((h.path, h.code) for h in run.hits) == [
        ("app/big.py", "PRV002"), ("tests/conftest.py", "E999")], run.dump()


EXAMPLE_CODE = {
    "app/__init__.py": "",
    "app/mail.py": """
        import logging

        log = logging.getLogger(__name__)


        def notify(email):
            log.info("notify %s", email)  # L:prod
    """,
    "examples/demo_plugin/jobs.py": """
        import logging

        log = logging.getLogger(__name__)


        def run(user_email):
            log.info("demo for %s", user_email)  # L:example
    """,
    "app/docs/snippets.py": """
        def show(email):
            print(email)  # L:docs
    """,
}


def test_example_demo_and_docs_code_is_not_production(tmp_path) -> None:
    """examples/, demo/ and docs/ folders ship sample code, not what runs: no finding there
    (flake8 and the CLI alike); `examples = []` judges them again."""
    from conftest import lint, run_cli

    run = lint(tmp_path, EXAMPLE_CODE)
    assert [(h.path, h.line, h.code) for h in run.hits] == [
        ("app/mail.py", line_of(EXAMPLE_CODE["app/mail.py"], "# L:prod"), "PRV601")], run.dump()
    cli = run_cli(tmp_path, "check", "--no-cache", ".")
    assert cli.returncode == 1 and [h.path for h in cli.hits] == ["app/mail.py"], cli.dump()
    files = {**EXAMPLE_CODE, "pyproject.toml": "[tool.lint-privacy]\nexamples = []\n"}
    run = lint(tmp_path, files)
    example = "examples/demo_plugin/jobs.py"
    run.one(example, line_of(files[example], "# L:example"), "PRV601")
    run.one("app/docs/snippets.py", line_of(files["app/docs/snippets.py"], "# L:docs"), "PRV602")


def test_a_source_root_named_examples_is_judged(tmp_path) -> None:
    """The globs match the path under its source root: a project whose code is examples/ (this
    repository's README judges examples/) is still judged, and a demo/ inside it is not."""
    from conftest import run_cli, write_project

    files = {"examples/shop/" + path: text for path, text in EXAMPLE_CODE.items()}
    files["examples/shop/demo/seed.py"] = "def seed(email):\n    print(email)\n"
    write_project(tmp_path, {**files, "pyproject.toml": '[tool.lint-privacy]\nsource-roots = ["examples"]\n'})
    cli = run_cli(tmp_path, "check", "--no-cache", "examples/")
    assert sorted(h.path for h in cli.hits) == ["examples/shop/app/mail.py"], cli.dump()


CONFIGURED = {
    "app/__init__.py": "",
    "app/runners.py": """
        import logging

        log = logging.getLogger(__name__)


        class Pinot:
            username = None  # L:configured

            def __init__(self, configuration):
                self.configuration = configuration
                self.username = self.configuration.get("username") or None

            def run_query(self, query):
                log.debug("running %s as %s", query, self.username)  # L:configured-log


        class Ldap:
            bind_email = None  # L:section

            def __init__(self, app):
                self.bind_email = app.ldap_configuration["bind_email"]

            def bind(self):
                log.info("binding as %s", self.bind_email)  # L:section-log


        class Mailer:
            to_email = None  # L:given

            def __init__(self, to_email):
                self.to_email = to_email

            def send(self):
                log.info("mail to %s", self.to_email)  # L:given-log


        class Fallback:
            username = None  # L:mixed

            def __init__(self, configuration, username):
                self.username = configuration.get("username") or username

            def run(self):
                log.info("as %s", self.username)  # L:mixed-log
    """,
}


@pytest.mark.parametrize("marker", ["configured", "section"])
def test_an_attribute_set_only_from_configuration_is_no_personal_data(tmp_path, marker: str) -> None:
    """A data source's login read from its configuration (`self.configuration.get("username")`)
    is the application's account: no inventory finding, no flow from it."""
    from conftest import lint

    run = lint(tmp_path, CONFIGURED)
    source = CONFIGURED["app/runners.py"]
    run.none("app/runners.py", line_of(source, f"# L:{marker}"))
    run.none("app/runners.py", line_of(source, f"# L:{marker}-log"))


@pytest.mark.parametrize("marker", ["given", "mixed"])
def test_an_attribute_also_set_from_elsewhere_is_still_found(tmp_path, marker: str) -> None:
    from conftest import lint

    run = lint(tmp_path, CONFIGURED)
    source = CONFIGURED["app/runners.py"]
    assert run.at("app/runners.py", line_of(source, f"# L:{marker}"), "PRV10"), run.dump()
    run.one("app/runners.py", line_of(source, f"# L:{marker}-log"), "PRV601")


WRAPPED_MAIL = {
    "app/__init__.py": "",
    "app/extensions.py": """
        from flask_mail import Mail

        mail = Mail()
    """,
    "app/email.py": """
        from flask_mail import Message

        from app.extensions import mail


        def send_email(subject, targets, body):  # `recipients` would be an e-mail by its name
            msg = Message(subject, recipients=targets, body=body)
            mail.send(msg)  # L:send


        def reset(user):
            send_email("reset", [user.email], "hello")
    """,
    # Module variables made from each other, across modules: resolution stops, the run goes on.
    "app/a.py": "from app.b import y\nx = y.make()\n",
    "app/b.py": "from app.a import x\ny = x.make()\n",
}


def test_an_instance_made_in_another_module_is_known_by_what_made_it(tmp_path) -> None:
    from conftest import run_cli, write_project

    write_project(tmp_path, WRAPPED_MAIL)
    cli = run_cli(tmp_path, "check", "--no-cache", ".")
    line = line_of(WRAPPED_MAIL["app/email.py"], "# L:send")
    hit = cli.one("app/email.py", line, "PRV003")  # flask_mail.Mail().send: the MAIL_SERVER setting decides
    assert hit.message.startswith("unannotated email (user.email"), hit
    assert cli.returncode == 1 and "internal error" not in cli.stderr, cli.dump()


THREADS = {
    "app/__init__.py": "",
    "app/mailto.py": """
        import threading
        from concurrent.futures import ThreadPoolExecutor

        from django.core.mail import send_mail

        pool = ThreadPoolExecutor()


        def mailto(subject, body, targets):
            email_thread = threading.Thread(  # L:thread
                target=send_mail,
                args=(subject, body, "noreply@example.org", targets),
            )
            email_thread.start()


        def notify(user):
            mailto("hello", "body", [user.email])


        def deliver(note):
            print("delivering", note)  # L:print


        def later(member):
            pool.submit(deliver, member.email)
    """,
}


def test_a_function_run_in_a_thread_or_pool_is_called_with_its_arguments(tmp_path) -> None:
    from conftest import check

    run = check(tmp_path, THREADS)
    src = THREADS["app/mailto.py"]
    mail = run.one("app/mailto.py", line_of(src, "# L:thread"), "PRV003")
    assert mail.message.startswith("unannotated email (user.email"), mail
    assert "EMAIL_HOST" in mail.detail("reason"), mail
    printed = run.one("app/mailto.py", line_of(src, "# L:print"), "PRV602")
    assert printed.message.startswith("unannotated email (member.email"), printed
