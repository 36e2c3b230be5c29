"""A service asked from a registry by its interface (pyramid_services' ``request.find_service(I)``,
zope's ``getUtility(I)``: catalog ``service_locators``) is each project class that declares it
implements that interface (``@implementer(I)``: catalog ``implementers``). A method called on it
runs in each of them: the data reaches their sinks (a console print, a vendor's API), and what
the call returns is what those methods return (a vendor's reply, not the data sent). A class with
a method of that name that declares no such interface is not reached.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

INTERFACES = '''
    from zope.interface import Interface


    class IHelpDeskService(Interface):
        def create_conversation(*, request_json: dict) -> str:
            """Create a new conversation in the helpdesk service."""
'''

SERVICES = '''
    import pprint
    import typing

    import requests
    from zope.interface import implementer

    from .interfaces import IHelpDeskService

    if typing.TYPE_CHECKING:
        from requests import Session


    @implementer(IHelpDeskService)
    class ConsoleHelpDeskService:
        def create_conversation(self, *, request_json: dict) -> str:
            print(pprint.pformat(request_json))  # L:console
            return "localhost"


    @implementer(IHelpDeskService)
    class HelpScoutService:
        def __init__(self, *, session: Session, bearer_token: str) -> None:
            self.http = session
            self.bearer_token = bearer_token

        def create_conversation(self, *, request_json: dict) -> str:
            resp = self.http.post(  # L:helpscout
                "https://api.helpscout.net/v2/conversations",
                headers={"Authorization": f"Bearer {self.bearer_token}"},
                json=request_json,
            )
            return resp.headers["Location"]


    class ArchiveService:
        def create_conversation(self, *, request_json: dict) -> str:
            requests.post("https://archive.example.com/conversations", json=request_json)  # L:undeclared
            return "archived"
'''

TASKS = '''
    from pyramid.request import Request

    from app.helpdesk.interfaces import IHelpDeskService


    def report(request: Request, model):
        helpdesk_service = request.find_service(IHelpDeskService)
        request_json = {"type": "email", "customer": {"email": model.observer.email}}  # L:source
        location = helpdesk_service.create_conversation(request_json=request_json)
        print(location)  # L:reply
'''


@pytest.fixture(scope="module")
def located(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("locators"), {
        "app/__init__.py": "", "app/helpdesk/__init__.py": "", "app/helpdesk/interfaces.py": INTERFACES,
        "app/helpdesk/services.py": SERVICES, "app/tasks.py": TASKS,
    })


ORIGIN = ("unannotated email (model.observer.email, found by name: lower confidence) from "
          f"app/tasks.py:{line_of(TASKS, '# L:source')}")


def test_each_implementation_of_the_located_interface_is_called(located: Run) -> None:
    hit = located.one("app/helpdesk/services.py", line_of(SERVICES, "# L:console"), "PRV602")
    assert hit.message == "unannotated email (model.observer.email) is written to the console by print"
    assert hit.detail("data") == ORIGIN
    assert hit.detail("route") == (f"through report() in app/tasks.py:{line_of(TASKS, '# L:source') - 2} -> "
                                   f"ConsoleHelpDeskService.create_conversation() in app/helpdesk/services.py:"
                                   f"{line_of(SERVICES, '# L:console') - 1}"), hit


def test_the_vendor_implementation_sends_the_data_to_its_host(located: Run) -> None:
    hit = located.one("app/helpdesk/services.py", line_of(SERVICES, "# L:helpscout"), "PRV302")
    assert hit.message == "unannotated email (model.observer.email) is sent to Help Scout, a vaguely declared recipient"
    assert "HelpScoutService.create_conversation()" in hit.detail("route"), hit


def test_the_reply_of_the_call_is_not_the_data_sent(located: Run) -> None:
    located.none("app/tasks.py", line_of(TASKS, "# L:reply"))


def test_a_class_that_declares_no_such_interface_is_not_called(located: Run) -> None:
    located.none("app/helpdesk/services.py", line_of(SERVICES, "# L:undeclared"))
