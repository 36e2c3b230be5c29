"""A parameter with a default that no call of the project's code passes holds its default,
whatever its name says: ``def verify(self, response, remote_ip=None)`` called as
``verify(field.data)`` sends no IP address. A call that may pass it (by keyword, by position, by
a spread) keeps it a source, and so does a function nothing in the project calls."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

CAPTCHA = '''
    import requests


    class Captcha:
        def verify(self, response, remote_ip=None):
            payload = {"response": response}
            if remote_ip is not None:
                payload["remoteip"] = remote_ip
            requests.post("https://api.hcaptcha.com/siteverify", data=payload)  # L:captcha


    class Geo:
        def locate(self, token, remote_ip=None):
            requests.post("https://api.ipstack.com/check", data={"t": token, "ip": remote_ip})  # L:geo


    def ping(client_ip=None):
        requests.post("https://status.example.com/ping", data={"ip": client_ip})  # L:ping


    def notify(addr, user_ip=None):
        requests.post("https://hooks.example.com/n", data={"to": addr, "ip": user_ip})  # L:notify


    def lookup(remote_ip=None):
        requests.post("https://whois.example.com/q", data={"ip": remote_ip})  # L:uncalled
'''

FORMS = '''
    from app.services import notify, ping


    class SignupForm:
        def __init__(self, captcha, geo):
            self.captcha = captcha
            self.geo = geo

        def validate(self, field, request):
            self.captcha.verify(field.data)
            self.geo.locate(field.data, request.remote_addr)
            ping()
            notify("ops@example.com", **request.json)
'''

TESTS = '''
    from app.services import Captcha, ping


    def test_verify():
        Captcha().verify("x", remote_ip="10.0.0.1")
        ping(client_ip="10.0.0.1")
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    files = {"app/__init__.py": "", "app/services.py": CAPTCHA, "app/forms.py": FORMS,
             "tests/test_services.py": TESTS}
    return check(tmp_path_factory.mktemp("defaults"), files)


@pytest.mark.parametrize("marker", ["# L:captcha", "# L:ping"])
def test_a_default_no_call_passes_is_no_personal_data(run: Run, marker: str) -> None:
    # (the tests pass it: tests are not production)
    assert run.at("app/services.py", line_of(CAPTCHA, marker)) == [], run.stdout


@pytest.mark.parametrize(("marker", "origin"), [
    ("# L:geo", "remote_ip (parameter of Geo.locate)"),  # passed by position
    ("# L:notify", "user_ip (parameter of notify)"),  # maybe passed by a spread
    ("# L:uncalled", "remote_ip (parameter of lookup)"),  # nothing calls it: a framework may
])
def test_a_default_a_call_may_pass_stays_personal(run: Run, marker: str, origin: str) -> None:
    hits = run.at("app/services.py", line_of(CAPTCHA, marker), "PRV304")
    assert len(hits) == 1 and origin in hits[0].text, run.stdout
