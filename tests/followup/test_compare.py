"""Compare on reports whose differences are known; `compare_reports` and its exit codes."""

import copy
import json

import pytest
from django.core.management import call_command

from safeguards.followup import compare
from safeguards.followup.models import Recommendation

from .conftest import reassess


def report(statuses: dict[str, str], *, score=70.0, breaches=(), recs=(), framework=1):
    """A minimal gap report: criteria in the given order, gaps = every status not met/N/A."""
    gaps = [code for code, status in statuses.items() if status not in ("met", "not_applicable")]
    return {
        "schema": "safeguards.gap-report/1",
        "deployment": {"id": 1},
        "framework": {"slug": "f", "version": framework},
        "criteria": [
            {"code": code, "title": f"Title {code}", "status": status, "red_line": code == "A-1"}
            for code, status in statuses.items()
        ],
        "summary": {
            "gaps": gaps,
            "red_line_breaches": list(breaches),
            "overall_score": score,
            "verdict": "significant_gaps",
        },
        "recommendations": [{"number": n, "status": s} for n, s in recs],
    }


OLD = report(
    {
        "A-1": "met",
        "A-2": "not_met",
        "A-3": "partial",
        "A-4": "undisclosed",
        "A-5": "met",
        "A-6": "partial",
        "GONE": "not_met",
    },
    recs=[("OIG-2026-01", "open"), ("OIG-2026-02", "open")],
)
NEW = report(
    {
        "A-1": "partial",
        "A-2": "met",
        "A-3": "not_met",
        "A-4": "partial",
        "A-5": "met",
        "A-6": "partial",
        "ADDED": "undisclosed",
        "ADDED-OK": "met",
    },
    score=65.5,
    breaches=["A-1"],
    recs=[("OIG-2026-01", "closed_implemented"), ("OIG-2026-02", "open"), ("OIG-2027-01", "open")],
)


def kinds(result):
    return {row.code: row.kind for row in result.rows}


def test_each_criterion_gets_its_known_change():
    result = compare.compare(OLD, NEW)
    assert kinds(result) == {
        "A-1": "new_gap",
        "A-2": "closed_gap",
        "A-3": "worsened",
        "A-4": "improved",
        "A-5": "no_gap",
        "A-6": "unchanged",
        "ADDED": "new_gap",
        "ADDED-OK": "added",
        "GONE": "removed",
    }
    assert result.new_breaches == ("A-1",) and result.ended_breaches == ()
    assert result.score_change == -4.5
    assert result.recommendations_opened == ("OIG-2027-01",)
    assert result.recommendations_closed == ("OIG-2026-01",)
    assert result.is_worse
    assert len(result.worse_reasons) == 3


def test_the_same_report_is_not_worse_and_shows_no_change():
    result = compare.compare(OLD, copy.deepcopy(OLD))
    assert not result.is_worse
    assert not [row for row in result.rows if row.changed]


def test_a_better_report_is_not_worse():
    assert not compare.compare(NEW, report({"A-1": "met", "A-2": "met"}, score=90)).is_worse


def test_a_renamed_code_is_matched_through_the_mapping_not_the_text():
    old = report({"RET-2": "not_met", "AUTH-1": "met"})
    new = report({"RET-3": "met", "AUTH-1": "met"}, framework=2)
    new["criteria"][0]["title"] = old["criteria"][0]["title"]  # same text, different code
    unmapped = compare.compare(old, new)
    assert kinds(unmapped) == {"RET-3": "added", "AUTH-1": "no_gap", "RET-2": "removed"}
    mapped = compare.compare(old, new, code_map={"RET-2": "RET-3"})
    assert kinds(mapped) == {"RET-3": "closed_gap", "AUTH-1": "no_gap"}
    assert mapped.rows[0].old_code == "RET-2"


def test_a_reworded_criterion_is_not_a_new_one():
    new = copy.deepcopy(OLD)
    for criterion in new["criteria"]:
        criterion["title"] = "Completely different words"
    assert not [row for row in compare.compare(OLD, new).rows if row.changed]


# --- compare_reports -------------------------------------------------------------------------


def run(*args):
    try:
        call_command("compare_reports", *args)
    except SystemExit as exit:
        return exit.code
    return 0


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, data in {"old": OLD, "new": NEW}.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(data))
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "other.json").write_text(json.dumps({"schema": "something/1"}))
    return tmp_path


def test_command_exits_1_when_the_newer_is_worse(files, capsys):
    assert run(str(files / "old.json"), str(files / "new.json")) == 1
    out = capsys.readouterr().out
    assert "New red-line breaches: A-1" in out and "Worse: " in out


def test_command_exits_0_when_the_newer_is_not_worse(files):
    assert run(str(files / "new.json"), str(files / "old.json")) == 1  # old has a new gap GONE
    assert run(str(files / "old.json"), str(files / "old.json")) == 0


@pytest.mark.parametrize("bad", ["broken.json", "other.json", "missing.json"])
def test_command_exits_2_on_unusable_input(files, bad, capsys):
    assert run(str(files / "old.json"), str(files / bad)) == 2
    assert capsys.readouterr().err


def test_command_exits_2_on_unknown_references(db):
    assert run("assessment:999999", "version:1:1") == 2


def test_command_reads_versions_and_assessments(approved, alice, bob, capsys):
    second = reassess(approved, alice, bob, {"C1-3": "met"})
    code = run(f"version:{approved.pk}:1", f"version:{second.pk}:1", "--json")
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["worse"] is False
    changes = {row["code"]: row["change"] for row in out["criteria"]}
    assert changes["C1-3"] == "closed_gap" and changes["C1-2"] == "unchanged"
    assert out["score"]["change"] > 0
    # Worse: the live assessment scores C1-1 (a red line) not met.
    third = reassess(second, alice, bob, {"C1-1": "not_met"})
    assert run(f"assessment:{second.pk}", f"assessment:{third.pk}") == 1
    assert Recommendation.objects.filter(criterion_code="C1-1").count() == 1  # the new gap


def test_command_refuses_reports_of_two_deployments(office, alice, bob, approved):
    from tests.reports.builders import answered_assessment

    from .conftest import approve

    other = approve(answered_assessment(office, alice, slug="elsewhere"), bob)
    assert run(f"version:{approved.pk}:1", f"version:{other.pk}:1") == 2
