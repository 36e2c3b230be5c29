"""Data followed where the class of an object is only known at run time: a property returning
a project class's instance leads into that class's methods."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

TRACKERS = '''
    import requests


    class BoardsAPI:
        def __init__(self, base_url):
            self.base_url = base_url

        def update_issue(self, issue_id, body):
            return self._request("PATCH", f"{self.base_url}/items/{issue_id}", json=body)

        def delete_comment(self, issue_id):
            return self._request("DELETE", f"{self.base_url}/items/{issue_id}")

        @staticmethod
        def _request(method, url, **kwargs):
            return requests.request(method, url, timeout=30, **kwargs).json()  # L:request


    class Tracker:
        @property
        def rpc(self):
            return self._connection()

        def _connection(self):
            raise NotImplementedError


    class Boards(Tracker):
        def __init__(self, base_url):
            self.base_url = base_url

        def _connection(self):
            return BoardsAPI(self.base_url)

        def report(self, issue_id, user):
            self.rpc.update_issue(issue_id, [{"value": f"Reporter: {user.username}"}])
'''

@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("dispatch"), {
        "app/__init__.py": "", "app/trackers.py": TRACKERS,
    })


def test_a_property_returning_a_project_class_leads_into_its_methods(run: Run) -> None:
    hit = run.one("app/trackers.py", line_of(TRACKERS, "# L:request"), "PRV003")
    assert hit.message.startswith("unannotated username (user.username"), hit
    assert "BoardsAPI.update_issue()" in hit.detail("route"), hit.text
    assert "delete_comment" not in hit.detail("route"), hit.text
