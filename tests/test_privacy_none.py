"""`# privacy: none` says "not personal data" on a field, a variable or a call: the name leaves
the inventory, the flows and the data map; written with anything else it is a PRV101."""

from __future__ import annotations

import json

import pytest

from conftest import Run, line_of, lint, run_cli

MODELS = '''
    from django.db import models


    class Device(models.Model):
        owner_email = models.CharField(max_length=80)  # privacy: none  # L:field-none
        contact_email = models.EmailField()  # L:field-plain
        phone = models.CharField(max_length=20)  # privacy: none retention=3d  # L:field-misused
'''
VIEWS = '''
    import logging

    import requests

    from app.models import Device

    log = logging.getLogger(__name__)


    def show(d: Device, user):
        log.info("owner %s", d.owner_email)  # L:flow-of-none-field
        email = user.email  # privacy: none
        log.info("for %s", email)  # L:variable-none
        requests.post("https://status.example.org", json={"e": user.email})  # privacy: none  # L:call-none
        log.info("still %s", user.email)  # L:other-statement
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return lint(tmp_path_factory.mktemp("none"), {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": VIEWS})


@pytest.mark.parametrize("marker", ["# L:field-none"])
def test_a_field_annotated_none_leaves_the_inventory(run: Run, marker: str) -> None:
    run.none("app/models.py", line_of(MODELS, marker))


def test_its_neighbour_without_the_annotation_is_still_reported(run: Run) -> None:
    run.one("app/models.py", line_of(MODELS, "# L:field-plain"), "PRV103")


def test_none_with_anything_else_is_a_grammar_error(run: Run) -> None:
    hit = run.one("app/models.py", line_of(MODELS, "# L:field-misused"), "PRV101")
    assert "'none' stands alone" in hit.message, hit


@pytest.mark.parametrize("marker", ["# L:flow-of-none-field", "# L:variable-none", "# L:call-none"])
def test_values_and_calls_annotated_none_carry_nothing(run: Run, marker: str) -> None:
    run.none("app/views.py", line_of(VIEWS, marker))


def test_only_the_annotated_statement_is_affected(run: Run) -> None:
    run.one("app/views.py", line_of(VIEWS, "# L:other-statement"), "PRV601")


def test_a_field_annotated_none_is_not_in_the_data_map(run: Run, tmp_path_factory) -> None:
    root = next(p for p in tmp_path_factory.getbasetemp().glob("none*"))
    cli = run_cli(root, "graph", "--format", "json", "--no-cache")
    assert cli.returncode in (0, 1), cli.dump()
    labels = {n.get("label", "") for n in json.loads(cli.stdout)["nodes"]}
    assert "Device.contact_email" in labels and "Device.owner_email" not in labels, sorted(labels)


def test_what_a_statement_annotated_none_reads_is_not_in_the_map_nor_the_counts(run: Run, tmp_path_factory) -> None:
    """Issue 17: the value read on a line annotated none stayed a place personal data is
    defined, in the data map and in the report's counts."""
    root = next(p for p in tmp_path_factory.getbasetemp().glob("none*"))
    graph = run_cli(root, "graph", "--format", "json", "--no-cache")
    report = run_cli(root, "report", "--no-cache")
    sources = {(n["path"], n["line"]) for n in json.loads(graph.stdout)["nodes"] if n["kind"] == "source"}
    for marker in ("# privacy: none\n", "# L:call-none"):
        line = next(i for i, text in enumerate(VIEWS.strip("\n").splitlines(), 1) if text.rstrip().endswith(marker.strip()))
        assert ("app/views.py", line) not in sources, sorted(sources)
    assert ("app/views.py", line_of(VIEWS, "# L:other-statement")) in sources, sorted(sources)
    assert f"- Code: {len(sources)} places personal data is defined," in report.stdout, report.dump()


def test_the_report_lists_each_declaration_for_review(run: Run, tmp_path_factory) -> None:
    root = next(p for p in tmp_path_factory.getbasetemp().glob("none*"))
    report = run_cli(root, "report", "--no-cache", "--view", "suppressions", "--format", "csv")
    rows = [line.split(",") for line in report.stdout.splitlines() if line.startswith("Declared not personal")]
    call = line_of(VIEWS, "# L:call-none")
    assert [(r[1], r[-1]) for r in rows] == [
        (f"app/models.py:{line_of(MODELS, '# L:field-none')}", "a field or a value"),
        (f"app/views.py:{line_of(VIEWS, '# L:variable-none') - 1}", "a field or a value"),
        (f"app/views.py:{call}", "a call"),
    ], report.dump()
