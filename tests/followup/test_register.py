"""Recommendations made at approval, carried forward by re-assessments, in every report."""

import datetime
import io
import json

import pytest
from pypdf import PdfReader

from safeguards.audit.models import Event
from safeguards.followup import register
from safeguards.followup.models import Decision, Recommendation, VersionSummary
from safeguards.reports.check import check_report
from safeguards.reports.data import live_report
from safeguards.reports.exports import render_csv
from safeguards.reviews import workflow
from tests.factories import make_framework
from tests.reports.builders import answered_assessment

from .conftest import approve, reassess


def numbers(deployment):
    return list(
        Recommendation.objects.filter(deployment=deployment)
        .order_by("serial")
        .values_list("number", "criterion_code", "status")
    )


def test_approval_numbers_each_gap_with_a_recommendation(approved):
    year = approved.report_versions.get().approved_at.year
    assert numbers(approved.deployment) == [
        (f"OIG-{year}-01", "C1-2", "open"),
        (f"OIG-{year}-02", "C1-3", "open"),
        (f"OIG-{year}-03", "C2-1", "open"),
    ]
    rec = Recommendation.objects.get(number=f"OIG-{year}-01")
    assert rec.text == "Make it binding." and rec.priority == "high"
    version = approved.report_versions.get()
    assert rec.origin_version == version
    assert list(rec.appears_in.all()) == [version]
    created = Event.objects.filter(action="recommendation.created", assessment_id=approved.pk)
    assert created.count() == 3


def test_numbers_continue_across_deployments_and_are_never_reused(office, alice, bob, approved):
    second = approve(answered_assessment(office, alice, slug="second-framework"), bob)
    serials = list(Recommendation.objects.order_by("serial").values_list("serial", flat=True))
    assert serials == [1, 2, 3, 4, 5, 6]
    assert len({n for n, _, _ in numbers(second.deployment)}) == 3


def test_a_gap_without_a_recommendation_gets_no_number(office, alice, bob):
    assessment = answered_assessment(office, alice, slug="no-text")
    assessment.answers.filter(criterion__code="C1-3").update(recommendation="  ")
    approve(assessment, bob)
    assert [code for _, code, _ in numbers(assessment.deployment)] == ["C1-2", "C2-1"]


def test_reassessments_carry_forward_and_propose_closure(approved, alice, bob):
    before = numbers(approved.deployment)
    # A year later: C1-3 is now met, the rest unchanged.
    second = reassess(approved, alice, bob, {"C1-3": "met"})
    assert numbers(approved.deployment) == before, "same numbers, no duplicates"
    met = Recommendation.objects.get(criterion_code="C1-3")
    assert met.closure_proposed_by == second and met.status == "open"
    assert met.latest_assessment == second
    assert Event.objects.filter(action="recommendation.closure_proposed", target_id=met.pk)
    # A person closes it on evidence.
    evidence = list(approved.deployment.evidence.order_by("pk")[:1])
    register.move(
        met,
        "close_implemented",
        bob,
        datetime.date.today(),
        note="Policy published.",
        evidence=evidence,
    )
    # A third assessment: C1-3 still met, C1-2 worse; nothing is duplicated or reopened.
    third = reassess(second, alice, bob, {"C1-2": "not_met"})
    assert numbers(approved.deployment) == [
        (before[0][0], "C1-2", "open"),
        (before[1][0], "C1-3", "closed_implemented"),
        (before[2][0], "C2-1", "open"),
    ]
    data = json.loads(third.report_versions.get().canonical_json)
    shown = {row["number"]: row for row in data["recommendations"]}
    assert shown[before[1][0]]["status"] == "closed_implemented"
    assert shown[before[0][0]]["closure_proposed"] is False
    first = Recommendation.objects.get(number=before[0][0])
    assert first.appears_in.count() == 3


def test_a_gap_that_comes_back_after_closure_gets_a_new_number(approved, alice, bob):
    rec = Recommendation.objects.get(criterion_code="C1-3")
    evidence = list(approved.deployment.evidence.order_by("pk")[:1])
    register.move(
        rec, "close_implemented", bob, datetime.date.today(), note="Done.", evidence=evidence
    )
    reassess(approved, alice, bob, {})
    assert Recommendation.objects.filter(criterion_code="C1-3").count() == 2


def test_framework_version_change_carries_by_code(office, alice, bob, approved):
    newer = make_framework(slug="followup-framework", version=2, categories=2, per_category=3)
    before = numbers(approved.deployment)
    reassess(approved, alice, bob, {"C2-1": "met"}, framework_version=newer)
    assert numbers(approved.deployment) == before
    rec = Recommendation.objects.get(criterion_code="C2-1")
    assert rec.framework_version == newer and rec.closure_proposed_by is not None


def test_decision_with_conditions_and_validity(office, alice, bob):
    assessment = answered_assessment(office, alice, slug="decision")
    decision = register.DecisionInput(
        validity="1_year",
        conditions=("Publish the retention schedule.", "Audit searches quarterly."),
        reservations="Approved pending the retention schedule.",
    )
    approve(assessment, bob, decision)
    made = Decision.objects.get(assessment=assessment)
    assert made.valid_until == register.states.add_months(made.decided_on, 12)
    assert made.report_version == assessment.report_versions.get()
    conditions = list(made.conditions.order_by("serial").values_list("priority", "text"))
    assert conditions == [
        ("condition", "Publish the retention schedule."),
        ("condition", "Audit searches quarterly."),
    ]
    data = json.loads(assessment.report_versions.get().canonical_json)
    assert data["decision"]["valid_until"] == made.valid_until.isoformat()
    assert data["decision"]["with_reservations"] is True
    assert [c["text"] for c in data["decision"]["conditions"]] == [t for _, t in conditions]
    kinds = [row["kind"] for row in data["recommendations"]]
    assert kinds.count("condition") == 2 and kinds.count("finding") == 3


def test_frozen_report_json_validates_and_recomputes(approved):
    data = json.loads(approved.report_versions.get().canonical_json)
    check = check_report(data)
    assert check.intact, check.problems
    assert [row["criterion"] for row in data["recommendations"]] == ["C1-2", "C1-3", "C2-1"]
    assert all(
        row["status"] == "open" and row["overdue"] is False for row in data["recommendations"]
    )
    assert data["decision"]["decided_by"] == "bob"


def test_report_shows_the_register_in_html_csv_and_json(client_for, victor, approved):
    client = client_for(victor)
    year = approved.report_versions.get().approved_at.year
    page = client.get(f"/reports/assessments/{approved.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Recommendations register" in content and f"OIG-{year}-02" in content
    data = json.loads(approved.report_versions.get().canonical_json)
    csv_text = render_csv(data).decode("utf-8-sig")
    assert f"OIG-{year}-03" in csv_text


def test_register_appears_in_the_pdf_text(office, alice, bob):
    assessment = answered_assessment(office, alice, slug="pdf-register")
    workflow.approve(assessment, bob, register.DecisionInput(validity="2_years"))
    version = assessment.report_versions.get()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(version.pdf))).pages)
    text = " ".join(text.split())
    assert "Recommendations register" in text
    for number in Recommendation.objects.values_list("number", flat=True):
        assert number in text
    assert "re-assessment due" in text


def test_draft_report_lists_the_deployment_register(approved, alice):
    draft = workflow.start_from(
        approved, approved.framework_version, title="Next", as_of=datetime.date.today(), by=alice
    ).assessment
    data = live_report(draft).as_dict()
    assert len(data["recommendations"]) == 3 and data["decision"] is None


def test_portfolio_summary_is_kept_for_each_version(approved):
    summary = VersionSummary.objects.get(report_version=approved.report_versions.get())
    data = json.loads(approved.report_versions.get().canonical_json)
    assert float(summary.overall_score) == data["summary"]["overall_score"]
    assert summary.gaps == 3


@pytest.mark.parametrize("field", ["agreed_action", "target_date"])
def test_a_stale_edit_is_refused(approved, alice, field):
    rec = Recommendation.objects.first()
    values = {name: getattr(rec, name) for name in register.EDITABLE}
    register.update(rec, alice, values | {"agreed_action": "First."}, rec.version)
    with pytest.raises(register.FollowupError, match="Someone else"):
        register.update(
            rec,
            alice,
            values | {field: datetime.date(2027, 1, 1)}
            if field == "target_date"
            else values | {field: "Second."},
            rec.version,
        )


def test_framework_version_change_carries_through_the_mapping(
    office, alice, bob, approved, monkeypatch
):
    from safeguards.catalog import mapping

    renamed = mapping.parse_mapping(
        """
schema: safeguards.framework-mapping/1
from: {slug: followup-framework, version: 1}
to: {slug: followup-framework, version: 2}
entries:
  - {from: C1-1, to: C1-1, relation: same}
  - {from: C1-2, to: C1-2, relation: same}
  - {from: C1-3, to: C2-3, relation: same}
  - {from: C2-1, relation: retired}
  - {from: C2-2, to: C2-2, relation: same}
  - {from: C2-3, relation: retired}
  - {to: [C1-3, C2-1], relation: new}
"""
    )
    monkeypatch.setattr(mapping, "shipped_mappings", lambda: (renamed,))
    newer = make_framework(slug="followup-framework", version=2, categories=2, per_category=3)
    number = Recommendation.objects.get(criterion_code="C1-3").number
    # C1-3 and C2-1 are new criteria of version 2: answered afresh.
    changes = {"C2-3": "met", "C1-3": "met", "C2-1": "met"}
    reassess(approved, alice, bob, changes, framework_version=newer)
    rec = Recommendation.objects.get(number=number)
    assert rec.criterion_code == "C2-3" and rec.framework_version == newer
    assert rec.closure_proposed_by is not None
    retired = Recommendation.objects.filter(criterion_code="C2-1").order_by("serial").first()
    assert retired.framework_version == approved.framework_version, "left where it was"
