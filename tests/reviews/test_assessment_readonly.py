"""Answers of an assessment in review or approved cannot change: not by page, model or admin."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from safeguards import scoring
from safeguards.audit.models import Event
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, AnswerChange, Evidence, ReadOnlyError
from tests.factories import make_assessment, make_deployment, make_framework


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def evidence(office, deployment):
    return Evidence.objects.create(
        office=office, deployment=deployment, title="Contract", kind="document"
    )


@pytest.fixture(params=["in_review", "approved"])
def locked(request, deployment, alice, bob):
    version = make_framework()
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    workflow.submit(assessment, alice)
    if request.param == "approved":
        workflow.approve(assessment, bob)
    return assessment


def first_answer(assessment):
    return Answer.objects.select_related("criterion").get(
        assessment=assessment, criterion__code="C1-2"
    )


def post_data(assessment, rationale):
    data = {}
    for row in assessment.answers.filter(criterion__category__code="C1"):
        prefix = f"a{row.pk}"
        data |= {
            f"{prefix}-status": row.status,
            f"{prefix}-rationale": rationale,
            f"{prefix}-recommendation": "",
            f"{prefix}-version": row.version,
        }
    return data


def test_posting_the_category_page_is_refused_with_a_message(client_for, alice, locked):
    url = reverse("reviews:assessment_category", args=[locked.pk, "C1"])
    response = client_for(alice).post(url, post_data(locked, "Changed afterwards."), follow=True)
    assert b"not a draft: its answers are read-only" in response.content
    assert first_answer(locked).rationale == "Rationale for C1-2."
    assert not Event.objects.filter(action="answer.updated").exists()


def test_save_next_and_resolve_are_refused_too(client_for, alice, locked):
    client = client_for(alice)
    for name in ("assessment_category_save_next", "assessment_category_resolve"):
        url = reverse(f"reviews:{name}", args=[locked.pk, "C1"])
        client.post(url, post_data(locked, "Changed afterwards."))
    assert first_answer(locked).rationale == "Rationale for C1-2."


def test_the_category_page_shows_no_form(client_for, alice, locked):
    url = reverse("reviews:assessment_category", args=[locked.pk, "C1"])
    content = client_for(alice).get(url).content
    assert b"<textarea" not in content
    assert b"its answers are read-only" in content


def test_the_overview_offers_no_editing(client_for, alice, locked):
    content = client_for(alice).get(locked.get_absolute_url()).content
    assert b"Submit for review" not in content
    assert b"Next unanswered criterion" not in content


def test_model_save_is_refused(locked):
    row = first_answer(locked)
    row.rationale = "Changed afterwards."
    with pytest.raises(ReadOnlyError):
        row.save()
    assert first_answer(locked).rationale == "Rationale for C1-2."


def test_page_save_path_is_refused(locked, alice):
    row = first_answer(locked)
    with pytest.raises(ReadOnlyError):
        locked.save_answers(
            [AnswerChange(row.pk, row.version, scoring.NOT_MET, "Changed.", "")], by=alice
        )
    assert first_answer(locked).status == scoring.MET


def test_evidence_links_cannot_change_from_either_side(locked, evidence, alice):
    row = first_answer(locked)
    # Each attempt in its own savepoint, as a request's transaction would be.
    with pytest.raises(ReadOnlyError), transaction.atomic():
        row.evidence.add(evidence)
    with pytest.raises(ReadOnlyError), transaction.atomic():
        evidence.answers.add(row)
    with pytest.raises(ReadOnlyError), transaction.atomic():
        row.link_evidence(evidence, by=alice)
    assert not row.evidence.exists()


def test_admin_shows_the_answer_read_only(client, locked):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    url = reverse("admin:reviews_answer_change", args=[first_answer(locked).pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="rationale"' not in response.content
    response = client.post(url, {"status": "not_met", "rationale": "Changed in admin."})
    assert response.status_code == 403
    assert first_answer(locked).rationale == "Rationale for C1-2."


# Drafts stay editable, through the same audited path ------------------------------------------


def test_admin_edits_a_draft_answer_with_an_audit_event(client, deployment, alice):
    assessment = make_assessment(deployment, make_framework(), alice)
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    row = first_answer(assessment)
    url = reverse("admin:reviews_answer_change", args=[row.pk])
    response = client.post(
        url, {"status": "not_met", "rationale": "Checked the contract.", "recommendation": ""}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.version, row.updated_by) == ("not_met", 2, admin)
    assert Event.objects.get(action="answer.updated").actor == admin


def test_admin_refuses_a_rule_breaking_draft_answer(client, deployment, alice):
    assessment = make_assessment(deployment, make_framework(), alice)
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    url = reverse("admin:reviews_answer_change", args=[first_answer(assessment).pk])
    response = client.post(url, {"status": "met", "rationale": "", "recommendation": ""})
    assert response.status_code == 200
    assert b"Give the rationale for this status." in response.content
    assert first_answer(assessment).status == scoring.NOT_ASSESSED


def test_link_evidence_on_a_draft_raises_the_version_and_is_audited(deployment, evidence, alice):
    assessment = make_assessment(deployment, make_framework(), alice)
    row = first_answer(assessment)
    assert row.link_evidence(evidence, by=alice) is True
    assert row.link_evidence(evidence, by=alice) is False
    row.refresh_from_db()
    assert row.version == 2
    assert list(row.evidence.all()) == [evidence]
    assert Event.objects.filter(action="evidence.linked", assessment_id=assessment.pk).count() == 1
