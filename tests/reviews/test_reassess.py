"""Re-assessment: a new draft from an earlier assessment, answers matched by criterion code."""

import pytest
from django.urls import reverse

from safeguards import scoring
from safeguards.audit.models import Event
from safeguards.catalog.models import Criterion
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, Assessment, Evidence
from tests.factories import make_assessment, make_deployment, make_framework


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def first(db):
    return make_framework(slug="fr", version=1)


@pytest.fixture
def second(first):
    """Version 2: C3-5 dropped (renamed C3-9), C2-2 became a red line."""
    version = make_framework(slug="fr", version=2)
    Criterion.objects.filter(framework_version=version, code="C3-5").update(code="C3-9")
    Criterion.objects.filter(framework_version=version, code="C2-2").update(red_line=True)
    return version


@pytest.fixture
def source(deployment, first, alice, office):
    answers = {criterion.code: "met" for criterion in first.criteria.all()}
    answers["C2-2"] = "not_applicable"
    assessment = make_assessment(deployment, first, alice, answers=answers)
    Answer.objects.filter(assessment=assessment, criterion__code="C2-2").update(
        rationale="No live cameras are part of this contract."
    )
    Answer.objects.filter(assessment=assessment, criterion__code="C1-3").update(
        recommendation="Publish the policy."
    )
    evidence = Evidence.objects.create(
        office=office, deployment=deployment, title="Contract", kind="document"
    )
    Answer.objects.get(assessment=assessment, criterion__code="C1-3").evidence.add(evidence)
    return assessment


def reassess(client, source, version, title="Second look"):
    return client.post(
        reverse("reviews:assessment_reassess", args=[source.pk]),
        {"title": title, "framework_version": version.pk, "as_of": "2027-06-01"},
        follow=True,
    )


def answer(assessment, code):
    return Answer.objects.get(assessment=assessment, criterion__code=code)


def test_same_version_copies_every_answer_and_evidence_link(client_for, alice, source, first):
    reassess(client_for(alice), source, first)
    new = Assessment.objects.exclude(pk=source.pk).get()
    assert (new.status, new.based_on, new.framework_version) == ("draft", source, first)
    copied = answer(new, "C1-3")
    assert (copied.status, copied.rationale, copied.recommendation) == (
        "met",
        "Rationale for C1-3.",
        "Publish the policy.",
    )
    assert [e.title for e in copied.evidence.all()] == ["Contract"]
    assert new.answers.count() == 15
    # The source is untouched.
    assert answer(source, "C1-3").version == 1


def test_newest_version_matches_by_code_and_lists_the_unmatched(client_for, alice, source, second):
    response = reassess(client_for(alice), source, second)
    new = Assessment.objects.exclude(pk=source.pk).get()
    assert new.framework_version == second
    assert answer(new, "C1-1").status == "met"
    assert answer(new, "C3-9").status == scoring.NOT_ASSESSED
    content = response.content.decode()
    assert "Not carried over (no such code in this version): C3-5." in content
    assert "New in this version, to assess: C3-9." in content
    # The overview keeps listing them after the message is gone.
    overview = client_for(alice).get(new.get_absolute_url()).content.decode()
    assert "so their answers were not copied: C3-5." in overview
    assert "to assess from scratch: C3-9." in overview


def test_an_answer_breaking_a_rule_of_the_new_version_starts_not_assessed(
    client_for, alice, source, second
):
    response = reassess(client_for(alice), source, second)
    new = Assessment.objects.exclude(pk=source.pk).get()
    reset = answer(new, "C2-2")
    assert reset.status == scoring.NOT_ASSESSED
    assert reset.rationale == "No live cameras are part of this contract."
    assert b"breaks a rule of this version: C2-2." in response.content


def test_reassessment_is_audited_with_based_on(client_for, alice, source, first):
    reassess(client_for(alice), source, first)
    new = Assessment.objects.exclude(pk=source.pk).get()
    event = Event.objects.get(action="assessment.created", assessment_id=new.pk)
    assert event.after["based_on"] == source.pk
    assert event.after["copied"] == 15
    assert event.actor == alice


def test_the_person_who_reassessed_may_not_approve_it(source, first, bob, alice):
    result = workflow.start_from(source, first, title="Again", as_of=source.as_of, by=bob)
    workflow.submit(result.assessment, alice)
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(result.assessment, bob)


def test_only_the_same_or_the_newest_version_is_offered(client_for, alice, source, second):
    make_framework(slug="unrelated")
    response = client_for(alice).get(reverse("reviews:assessment_reassess", args=[source.pk]))
    choices = [value for value, _ in response.context["form"].fields["framework_version"].choices]
    assert sorted(choices) == sorted([source.framework_version_id, second.pk])
    assert response.context["form"].initial["framework_version"] == second.pk


def test_another_framework_is_refused(client_for, alice, source):
    unrelated = make_framework(slug="unrelated")
    response = reassess(client_for(alice), source, unrelated)
    assert b"Select a valid choice." in response.content
    assert Assessment.objects.count() == 1


def test_a_viewer_cannot_reassess(client_for, victor, source, first):
    response = client_for(victor).post(
        reverse("reviews:assessment_reassess", args=[source.pk]),
        {"title": "Mine", "framework_version": first.pk, "as_of": "2027-06-01"},
    )
    assert response.status_code == 403
    assert Assessment.objects.count() == 1


def test_other_office_gets_404(client_for, mallory, source):
    url = reverse("reviews:assessment_reassess", args=[source.pk])
    assert client_for(mallory).get(url).status_code == 404


@pytest.fixture
def shipped(db):
    from safeguards.catalog.loader import load
    from safeguards.catalog.management.commands.load_frameworks import FRAMEWORKS_DIR

    one = load(FRAMEWORKS_DIR / "fr-deployment-safeguards.yaml", "tests").version
    two = load(FRAMEWORKS_DIR / "fr-deployment-safeguards-v2.yaml", "tests").version
    return one, two


def test_carry_over_through_a_split_is_a_suggestion_never_final(
    client_for, alice, office, deployment, shipped
):
    one, two = shipped
    statuses = dict.fromkeys(one.criteria.values_list("code", flat=True), "undisclosed")
    statuses |= {"AUTH-1": "partial", "ACCT-4": "not_met", "UPL-1": "met", "VEND-3": "partial"}
    source = make_assessment(deployment, one, alice, answers=statuses)
    Answer.objects.filter(assessment=source, criterion__code="AUTH-1").update(
        rationale="Authority asserted in the justification only.", recommendation="Get a memo."
    )
    contract = Evidence.objects.create(
        office=office, deployment=deployment, title="Contract notice", kind="document"
    )
    answer(source, "AUTH-1").evidence.add(contract)

    response = reassess(client_for(alice), source, two)
    new = Assessment.objects.exclude(pk=source.pk).get()
    # Same criterion: carried over as final, as before.
    assert answer(new, "UPL-1").status == "met"
    # Both halves of the split AUTH-1 get it as a suggestion, left not assessed.
    for code in ("AUTH-1", "ACCT-4"):
        suggested = answer(new, code)
        assert suggested.status == scoring.NOT_ASSESSED
        assert suggested.rationale.startswith(
            "Carried over from AUTH-1 (was: Partially met) — check: Authority asserted"
        )
        assert [e.title for e in suggested.evidence.all()] == ["Contract notice"]
    # ACCT-4 also takes up the old ACCT-4: both old answers are offered.
    assert "Carried over from ACCT-4 (was: Not met) — check:" in answer(new, "ACCT-4").rationale
    assert answer(new, "AUTH-1").recommendation == "Get a memo."
    for code in ("VEND-3", "VEND-7", "VEND-8"):
        assert answer(new, code).status == scoring.NOT_ASSESSED
    # New criteria start empty; nothing of version 1 is left behind.
    assert (answer(new, "AUTH-6").status, answer(new, "AUTH-6").rationale) == ("not_assessed", "")
    text = response.content.decode()
    assert "only suggestions marked “carried over — check”" in text
    assert "Not carried over" not in text
    # A suggestion can never be submitted as it stands.
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(new, alice)
    event = Event.objects.get(action="assessment.created", assessment_id=new.pk)
    assert "AUTH-1" in event.after["suggested"] and event.after["unmatched"] == []
