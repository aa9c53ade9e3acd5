"""Scoring methods 1 and 2 side by side: schema 2 reports say their method, and a report frozen
under method 1 (schema 1) keeps its verdict and still verifies."""

import json
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from safeguards.reports.assemble import SCHEMA, SCHEMA_1, assemble, fingerprint_of, method_of
from safeguards.reports.check import check_report
from safeguards.reports.data import live_report
from safeguards.reports.freeze import freeze_report
from safeguards.reports.models import ReportVersion
from safeguards.reports.present import presentation
from safeguards.reports.verify import MATCHES, verify_file
from safeguards.reviews.models import Answer, Assessment

from .builders import answered_assessment
from .test_assemble import crit, report_input

# Made by the code as it was before method 2 (schema 1): an undisclosed red line, a breach then.
METHOD_1_FILE = Path(__file__).parent / "fixtures" / "method-1-report.json"


def method_1_report() -> dict:
    return json.loads(METHOD_1_FILE.read_text(encoding="utf-8"))


# (red line's status, method) -> verdict, breaches, not demonstrated; the rest of the report
# (one met critical criterion) is the same in every row.
TABLE = [
    ("met", 1, "adequate", [], None),
    ("met", 2, "adequate", [], []),
    ("partial", 1, "red_line_breached", ["RL-1"], None),
    ("partial", 2, "red_line_breached", ["RL-1"], []),
    ("not_met", 1, "red_line_breached", ["RL-1"], None),
    ("not_met", 2, "red_line_breached", ["RL-1"], []),
    ("undisclosed", 1, "red_line_breached", ["RL-1"], None),
    ("undisclosed", 2, "red_line_not_demonstrated", [], ["RL-1"]),
    ("not_assessed", 1, "red_line_breached", ["RL-1"], None),
    ("not_assessed", 2, "red_line_not_demonstrated", [], ["RL-1"]),
]


def as_method(data: dict, method: int) -> dict:
    """A schema 2 report rewritten as the method 1 code wrote it (schema 1, no method keys)."""
    if method == 2:
        return data
    data = {k: v for k, v in data.items() if k != "method"}
    data["schema"] = SCHEMA_1
    data["summary"] = {k: v for k, v in data["summary"].items() if k != "red_line_not_demonstrated"}
    data["fingerprint"] = fingerprint_of(data)
    return data


@pytest.mark.parametrize(
    ("status", "method", "verdict", "breaches", "not_shown"),
    [pytest.param(*row, id=f"{row[0]}-method{row[1]}") for row in TABLE],
)
def test_each_method_gives_its_verdict_and_the_report_verifies(
    status, method, verdict, breaches, not_shown
):
    criteria = [crit("A-1", "met", severity="critical"), crit("RL-1", status, red_line=True)]
    data = report_input(criteria)
    report = assemble(data.__class__(**{**data.__dict__, "method": method}))
    content = report.as_dict()
    assert (content["schema"], content["method"]) == (SCHEMA, method)
    summary = content["summary"]
    assert (summary["verdict"], summary["red_line_breaches"]) == (verdict, breaches)
    if not_shown is not None:
        assert summary["red_line_not_demonstrated"] == not_shown
    written = as_method(content, method)
    assert method_of(written) == method
    assert check_report(written).problems == []


def test_a_method_1_file_claiming_method_2_numbers_does_not_add_up():
    data = method_1_report()
    data["summary"]["verdict"] = "red_line_not_demonstrated"
    data["summary"]["red_line_breaches"] = []
    data["fingerprint"] = fingerprint_of(data)
    problems = check_report(data).problems
    assert any(p.startswith("Verdict:") for p in problems)
    assert any(p.startswith("Red-line breaches:") for p in problems)


def test_the_frozen_method_1_report_is_intact_and_keeps_its_verdict():
    data = method_1_report()
    assert data["schema"] == SCHEMA_1 and "method" not in data
    check = check_report(data)
    assert check.problems == []
    assert data["summary"]["verdict"] == "red_line_breached"
    assert data["summary"]["red_line_breaches"] == ["AUTH-1"]


def test_schema_2_needs_its_method_and_not_demonstrated_list():
    data = method_1_report()
    data["schema"] = SCHEMA
    data["fingerprint"] = fingerprint_of(data)
    problems = " ".join(check_report(data).problems)
    assert "'method' is a required property" in problems


def test_schema_1_may_not_claim_a_method():
    data = method_1_report()
    data["method"] = 2
    data["fingerprint"] = fingerprint_of(data)
    assert check_report(data).problems


def test_method_1_page_says_method_1_and_breach(db):
    context = presentation(method_1_report())
    assert context["method"] == 1
    assert context["verdict_label"] == "Red line breached"
    assert [row["code"] for row in context["breaches"]] == ["AUTH-1"]
    assert context["not_demonstrated"] == []


def test_method_2_page_lists_not_demonstrated_red_lines():
    criteria = [crit("A-1", "met", severity="critical"), crit("RL-1", "undisclosed", red_line=True)]
    context = presentation(assemble(report_input(criteria)).as_dict())
    assert context["method"] == 2
    assert context["verdict_label"] == "Red line not demonstrated"
    assert [row["code"] for row in context["not_demonstrated"]] == ["RL-1"]
    assert context["breaches"] == []
    assert context["gaps"][0]["not_demonstrated"] is True


def test_a_stored_method_1_version_still_verifies(office, alice):
    """A version frozen before method 2, stored as it was, matches on the verify page's
    check (recomputed with method 1)."""
    assessment = answered_assessment(office, alice)
    data = method_1_report()
    raw = json.dumps(data, ensure_ascii=False).encode()
    ReportVersion.objects.create(
        assessment=assessment,
        office=office,
        number=1,
        fingerprint=data["fingerprint"],
        canonical_json=raw.decode(),
        pdf=b"%PDF-1.7 stand-in",
        pdf_sha256="3" * 64,
        approved_by=alice,
        approved_by_username="alice",
        approved_at=assessment.created_at,
    )
    outcome = verify_file(raw)
    assert outcome.kind == MATCHES, outcome.details


def test_new_assessments_use_method_2_and_old_ones_keep_theirs(office, alice, bob):
    assessment = answered_assessment(office, alice)
    assert assessment.scoring_method == 2
    first = Answer.objects.filter(assessment=assessment).order_by("criterion__position").first()
    Answer.objects.filter(pk=first.pk).update(status="undisclosed", rationale="Not shown.")
    assert live_report(assessment).content["summary"]["verdict"] == "red_line_not_demonstrated"
    Assessment.objects.filter(pk=assessment.pk).update(scoring_method=1)
    assessment.refresh_from_db()
    with transaction.atomic():
        version = freeze_report(assessment, approved_by=bob)
    frozen = json.loads(version.canonical_json)
    assert (frozen["method"], frozen["summary"]["verdict"]) == (1, "red_line_breached")
    assert check_report(frozen).problems == []


def test_overview_shows_the_method_and_red_lines_not_demonstrated(client_for, office, alice):
    assessment = answered_assessment(office, alice)
    first = Answer.objects.filter(assessment=assessment).order_by("criterion__position").first()
    Answer.objects.filter(pk=first.pk).update(status="undisclosed", version=5)
    response = client_for(alice).get(reverse("reviews:assessment", args=[assessment.pk]))
    assert b"Red line not demonstrated" in response.content
    assert b"Scoring method 2" in response.content
