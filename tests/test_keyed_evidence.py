"""A value put under a dict key that names personal data holds that data: the key is the name
evidence, as a keyword is (``Q(email=value)``). ``{"username": actor}`` sent in a GraphQL query's
variables is a username sent to that host; the same dict under a key naming nothing, a constant,
or a variable given configuration only stays quiet.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

FORMS = '''
    import requests
    from django.conf import settings

    API = "https://platform.activestate.com/graphql/v1/graphql"
    ADMIN = "root"
    _QUERY = "query($username: String) {users(where: {username: {_eq: $username}}) {user_id}}"


    def _gql(query, variables):
        response = requests.post(API, json={"query": query, "variables": variables}, timeout=5)  # L:post
        return response.json()


    class PublisherForm:
        def lookup_actor(self, actor):
            return _gql(_QUERY, {"username": actor})  # L:actor

        def lookup_org(self, org):
            return _gql(_QUERY, {"orgname": org})

        def lookup_admin(self):
            admin = settings.ADMIN_USER
            return _gql(_QUERY, {"username": admin})

        def lookup_constant(self):
            return _gql(_QUERY, {"username": ADMIN})


    def audit(log, actor_id, who):
        log.info("lookup %s", {"user_id": actor_id})  # L:clean_key
        log.info("lookup %s", {"email": who})  # L:logged
'''


@pytest.fixture(scope="module")
def keyed(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("keyed"), {"app/__init__.py": "", "app/forms.py": FORMS})


def test_a_parameter_stored_under_a_personal_key_is_sent_as_that_data(keyed: Run) -> None:
    """One datum (no "+1 more"): not the organisation (a key naming nothing), the configured
    admin or the constant."""
    hit = keyed.one("app/forms.py", line_of(FORMS, "# L:post"), "PRV304")
    assert hit.message == ("unannotated username (actor (stored under 'username')) is sent to "
                           "platform.activestate.com, an unknown host")
    assert hit.detail("data") == ("unannotated username (actor (stored under 'username'), found by name: "
                                  f"lower confidence) from app/forms.py:{line_of(FORMS, '# L:actor')}")
    assert "PublisherForm.lookup_actor()" in hit.detail("route"), hit


def test_a_personal_key_in_a_logged_dict_is_logged(keyed: Run) -> None:
    hit = keyed.one("app/forms.py", line_of(FORMS, "# L:logged"), "PRV601")
    assert hit.message == ("unannotated email (who (stored under 'email')) is logged by "
                           "logging.getLogger().info")


def test_a_key_naming_an_id_stays_quiet(keyed: Run) -> None:
    keyed.none("app/forms.py", line_of(FORMS, "# L:clean_key"))
