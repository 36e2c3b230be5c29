"""Functions a framework calls with a person's data, named in a setting (the catalog's
``callbacks``): python-social-auth runs each function of ``SOCIAL_AUTH_PIPELINE`` with the
identity provider's id of the person logging in (``uid``), their profile (``details``) and the
provider's whole answer (``response``)."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of
from lint_privacy.catalog import CatalogError, load_catalog

SETTINGS = '''
    import os

    SOCIAL_AUTH_BACKEND_PREFIX = "social_core.backends"
    if os.getenv("SSO_GROUP_SYNC"):
        SOCIAL_AUTH_PIPELINE = (
            "social_core.pipeline.social_auth.social_details",
            "social_core.pipeline.social_auth.social_uid",
            "app.sso.group_sync",
        )
    AUTHENTICATION_HOOKS = ["app.sso.audit"]
'''

SSO = '''
    import logging

    logger = logging.getLogger(__name__)


    def group_sync(uid, user=None, response=None, *args, **kwargs):
        groups = response.get("groups") if response else None
        if groups:
            logger.debug(f"User {uid} is a member of {', '.join(groups)}")  # L:uid
        else:
            logger.debug(f"No groups in the response: {response}")  # L:response


    def audit(uid, response=None, **kwargs):
        logger.info("login %s %s", uid, response)  # L:not-a-pipeline
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("callbacks"), {
        "app/__init__.py": "", "app/settings.py": SETTINGS, "app/sso.py": SSO,
    })


def test_a_pipeline_functions_uid_is_the_persons_id_at_the_provider(run: Run) -> None:
    hit = run.one("app/sso.py", line_of(SSO, "# L:uid"), "PRV601")
    assert "uid (parameter of group_sync, given by SOCIAL_AUTH_PIPELINE)" in hit.detail("data"), hit.text
    assert hit.message.startswith("unannotated username"), hit
    assert "found by name" not in hit.detail("data"), hit.text  # the framework says what it is


def test_a_pipeline_functions_response_is_the_providers_answer_about_the_person(run: Run) -> None:
    hit = run.one("app/sso.py", line_of(SSO, "# L:response"), "PRV601")
    assert hit.message.startswith("unannotated contact_details"), hit
    assert "response (parameter of group_sync, given by SOCIAL_AUTH_PIPELINE)" in hit.detail("data"), hit.text


def test_a_function_named_by_another_setting_is_no_pipeline_function(run: Run) -> None:
    run.none("app/sso.py", line_of(SSO, "# L:not-a-pipeline"))


def test_a_callback_parameter_names_a_known_kind(tmp_path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("callbacks:\n  MY_HOOKS: {member: e_mail}\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog([path])
    assert str(err.value) == f"{path}:2:22: callbacks: MY_HOOKS: parameter 'member' has unknown kind 'e_mail'"
    path.write_text("callbacks:\n  MY_HOOKS: {member: email}\n", encoding="utf-8")
    assert load_catalog([path]).names.callbacks["MY_HOOKS"] == {"member": "email"}
