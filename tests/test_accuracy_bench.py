"""The accuracy bench's own logic (bench/accuracy.py), on a tiny made-up app and its labels, so CI
checks the scorer without the real-app corpus: recall, quiet items, multi-place labels, which
finding families meet a label, the judged sample's precision, and the drawing of a sample."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import accuracy  # noqa: E402
from accuracy import Hit, Label, Place  # noqa: E402

MODELS = """\
from django.db import models


class Customer(models.Model):
    email = models.EmailField()
    email_verified = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
"""
VIEWS = """\
import logging

from shop.models import Customer

log = logging.getLogger(__name__)


def signup(pk):
    customer = Customer.objects.get(pk=pk)
    log.info("signed up: %s", customer.email)
    log.info("signed up: id %s", customer.pk)
    return customer
"""
LABELS = """\
tinyshop:
  - where: ["shop/models.py:5"]
    family: inventory
    expect: finding
    why: "Customer.email"
  - where: ["shop/models.py:6"]
    family: inventory
    expect: quiet
    why: "a flag, not an address"
  - where: ["shop/views.py:10"]
    family: exposure
    expect: finding
    why: "the customer's e-mail is logged"
  - where: ["shop/views.py:11"]
    family: exposure
    expect: quiet
    why: "only the primary key is logged"
  - where: ["shop/models.py:7"]
    family: inventory
    expect: finding
    why: "made up so that one expected item is missed: a creation time is not flagged by name"
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    app = tmp_path / "corpus" / "tinyshop" / "shop"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(MODELS)
    (app / "views.py").write_text(VIEWS)
    (tmp_path / "apps.yaml").write_text(textwrap.dedent("""\
        apps:
          tinyshop:
            repo: example/tinyshop
            commit: 0000000000000000000000000000000000000000
        """))
    (tmp_path / "labels.yaml").write_text(LABELS)
    (tmp_path / "judged").mkdir()
    return tmp_path


def _run(corpus: Path, *extra: str) -> int:
    return accuracy.main(["--corpus", str(corpus / "corpus"), "--apps", str(corpus / "apps.yaml"),
                          "--labels", str(corpus / "labels.yaml"), "--judged", str(corpus / "judged"),
                          "--no-semgrep", "--doc", str(corpus / "accuracy.md"), *extra])


def test_bench_runs_the_cli_and_scores_recall_and_quiet_items(corpus: Path, capsys: pytest.CaptureFixture) -> None:
    (corpus / "accuracy.md").write_text(f"# Accuracy\n\nprose kept\n\n{accuracy.DOC_START}\nSTALE-TABLE\n{accuracy.DOC_END}\n")
    assert _run(corpus) == 0
    out = capsys.readouterr().out
    rows = {tuple(c.strip() for c in line.strip("|").split("|")[:2]): line for line in out.splitlines()
            if line.startswith("| tinyshop |") or line.startswith("| **all** |")}
    # e-mail field found, the flag kept quiet, the made-up creation time missed
    assert rows[("tinyshop", "inventory")].split("|")[3:7] == [" 2 ", " 1/2 (0.50) ", " 1 ", " 1/1 (1.00) "]
    # the logged e-mail found, the logged primary key kept quiet
    assert rows[("tinyshop", "exposure")].split("|")[3:7] == [" 1 ", " 1/1 (1.00) ", " 1 ", " 1/1 (1.00) "]
    assert rows[("tinyshop", "flows")].split("|")[3:5] == [" 1 ", " 1/1 (1.00) "]
    doc = (corpus / "accuracy.md").read_text()
    assert "prose kept" in doc and "STALE-TABLE" not in doc and "| tinyshop | 19 |" in doc


def test_a_judge_reads_a_finding_with_what_backs_it_up(corpus: Path) -> None:
    """A drawn finding says where its data is defined (the first line alone does not)."""
    hits, _, problem = accuracy.run_ours("tinyshop", corpus / "corpus" / "tinyshop", accuracy.POLICY)
    logged = next(h for h in hits if h.code == "PRV601")
    assert not problem and " | data: " in logged.message and "from shop/models.py:5" in logged.message, logged


def test_a_label_on_a_line_outside_its_file_stops_the_bench(corpus: Path, capsys: pytest.CaptureFixture) -> None:
    (corpus / "labels.yaml").write_text(LABELS.replace("shop/views.py:11", "shop/views.py:90"))
    assert _run(corpus, "--no-doc") == 2
    assert "tinyshop: shop/views.py:90-90 is outside the file" in capsys.readouterr().err


@pytest.mark.parametrize("item, message", [
    ({"where": ["a.py:1"], "family": "logs", "expect": "finding"}, "family 'logs' is not one of"),
    ({"where": ["a.py:1"], "family": "exposure", "expect": "maybe"}, "expect 'maybe' is not"),
    ({"where": ["a.py"], "family": "exposure", "expect": "finding"}, "place 'a.py' is not FILE:LINE"),
    ({"family": "exposure", "expect": "finding"}, "no `where`"),
])
def test_malformed_labels_are_named(tmp_path: Path, item: dict, message: str) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump({"app": [item]}))
    with pytest.raises(accuracy.BenchError, match="labels.yaml: app item 1: " + message.replace("(", r"\(")):
        accuracy.load_labels(path)


def _hit(code: str, path: str, line: int, end: int | None = None, tool: str = "lint-privacy") -> Hit:
    return Hit("app", tool, code, accuracy.family_of(code) if tool == "lint-privacy" else code, path, line,
               end or line, "")


def test_score_counts_places_families_and_overlaps() -> None:
    labels = [
        Label("app", (Place("mail.py", 40, 42), Place("views.py", 7, 7)), "recipients", "finding", ""),
        Label("app", (Place("api.py", 10, 10),), "recipients", "finding", ""),
        Label("app", (Place("log.py", 5, 8),), "exposure", "finding", ""),
        Label("app", (Place("log.py", 20, 20),), "exposure", "quiet", ""),
        Label("app", (Place("models.py", 3, 3),), "inventory", "quiet", ""),
    ]
    hits = [
        _hit("PRV301", "views.py", 7),       # the wrapper's call site: the second place of the first label
        _hit("PRV003", "api.py", 10),        # an unresolved destination is a flow to a third party
        _hit("PRV601", "log.py", 3, 6),      # a range that overlaps the statement's lines
        _hit("PRV601", "log.py", 21),        # next to the quiet line, not on it
        _hit("PRV601", "models.py", 3),      # another family on the quiet inventory line
    ]
    scores = accuracy.score(labels, hits)
    assert (scores["recipients"].found, scores["recipients"].expected) == (2, 2)
    assert (scores["exposure"].found, scores["exposure"].kept_quiet, scores["exposure"].quiet) == (1, 1, 1)
    assert (scores["flows"].found, scores["flows"].expected) == (3, 3)
    assert (scores["inventory"].kept_quiet, scores["inventory"].quiet) == (1, 1)
    broken = accuracy.score(labels, [_hit("PRV103", "models.py", 3), _hit("PRV602", "log.py", 20)])
    assert broken["inventory"].kept_quiet == 0 and broken["exposure"].kept_quiet == 0
    assert broken["flows"].found == 0


def test_judged_samples_give_precision_per_family_at_the_newest_commit(tmp_path: Path) -> None:
    def sample(name: str, commit: str, verdicts: list[tuple[str, object]]) -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump({"drawn": {"commit": commit, "seed": 3, "drawn": len(verdicts), "of": 9,
                                                  "family": "all"},
                                        "findings": [{"code": c, "verdict": v} for c, v in verdicts]}))
        return path

    head, parent = (subprocess.run(["git", "-C", str(BENCH.parent), "rev-parse", "--short=12", rev], text=True,
                                   capture_output=True, check=True).stdout.strip() for rev in ("HEAD", "HEAD~1"))
    newest = sample("2026-01-01-seed3.yaml", head, [("PRV601", True), ("PRV301", False), ("PRV103", True),
                                                   ("PRV103", None)])
    sample("2026-01-02-seed10.yaml", parent, [("PRV601", False)] * 5)  # sorts after, drawn at an older commit
    _, counts = accuracy.judged_precision(newest)
    assert counts == {"exposure": (1, 1), "recipients": (0, 1), "flows": (1, 2), "inventory": (1, 1), "all": (2, 3)}
    table = accuracy.render_precision(tmp_path)
    assert "| flows | 1/2 (0.50) |" in table and "| exposure | 1/1 (1.00) |" in table
    assert not any("seed10" in line for line in table)  # judged at an older commit: not today's precision
    newest.write_text(yaml.safe_dump({"findings": [{"code": "PRV601", "verdict": "yes"}]}))
    with pytest.raises(accuracy.BenchError, match="finding 1: verdict must be true, false or empty"):
        accuracy.judged_precision(newest)


def test_a_sample_is_drawn_with_its_seed_and_the_code_around_each_finding(corpus: Path) -> None:
    app_dir = corpus / "corpus" / "tinyshop"
    run = accuracy.AppRun("tinyshop", 18, hits={"lint-privacy": [
        Hit("tinyshop", "lint-privacy", code, accuracy.family_of(code), path, line, line, "m")
        for code, path, line in [("PRV103", "shop/models.py", 5), ("PRV601", "shop/views.py", 10),
                                 ("PRV601", "shop/views.py", 11)]]})
    first = accuracy.draw_sample([run], 2, 5, "flows", app_dir.parent, corpus / "j1", "cmd")
    second = accuracy.draw_sample([run], 2, 5, "flows", app_dir.parent, corpus / "j2", "cmd")
    data = yaml.safe_load(first.read_text())
    assert first.read_text() == second.read_text()
    assert first.name.endswith("-seed5.yaml") and data["drawn"]["of"] == 2
    assert {f["code"] for f in data["findings"]} == {"PRV601"}
    assert all(f["verdict"] is None for f in data["findings"])
    line10 = next(f for f in data["findings"] if f["line"] == 10)
    assert '>   10      log.info("signed up: %s", customer.email)' in line10["context"]
