"""The workflow of DESIGN.md section 4: each step, each refusal, and its views."""

import pytest
from django.urls import reverse

from safeguards import scoring
from safeguards.audit.models import Event
from safeguards.reports.models import ReportVersion
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, StepKind, WorkflowStep
from safeguards.reviews.workflow import WorkflowError
from tests.factories import make_assessment, make_deployment, make_framework


@pytest.fixture
def version(db):
    return make_framework()


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def complete(deployment, version, alice):
    """A draft alice answered in full: ready to submit."""
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    return make_assessment(deployment, version, alice, answers=answers)


@pytest.fixture
def in_review(complete, alice):
    workflow.submit(complete, alice)
    return complete


def url(name, assessment):
    return reverse(f"reviews:assessment_{name}", args=[assessment.pk])


def refused(call, *args):
    with pytest.raises(WorkflowError) as error:
        call(*args)
    return error.value.problems


# Submit ------------------------------------------------------------------------------------


def test_submit_moves_a_complete_draft_to_review(complete, alice):
    step = workflow.submit(complete, alice)
    complete.refresh_from_db()
    assert complete.status == "in_review"
    assert (step.kind, step.user, step.username) == (StepKind.SUBMITTED, alice, "alice")
    event = Event.objects.get(action="assessment.submitted")
    assert event.assessment_id == complete.pk
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "in_review"})


def test_submit_lists_every_criterion_not_assessed(deployment, version, alice):
    assessment = make_assessment(deployment, version, alice, answers={"C1-1": "met"})
    problems = refused(workflow.submit, assessment, alice)
    assert len(problems) == 14
    assert "C1-2: not assessed yet." in problems
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert not WorkflowStep.objects.exists()


def test_submit_refuses_an_answer_without_rationale(complete, alice):
    Answer.objects.filter(assessment=complete, criterion__code="C2-3").update(rationale=" ")
    assert refused(workflow.submit, complete, alice) == ["C2-3: no rationale."]


def test_submit_refuses_not_applicable_without_justification(complete, alice):
    Answer.objects.filter(assessment=complete, criterion__code="C2-3").update(
        status=scoring.NOT_APPLICABLE, rationale="n/a"
    )
    problems = refused(workflow.submit, complete, alice)
    assert problems == ["C2-3: not applicable without a justification."]


def test_submit_refuses_not_applicable_on_a_red_line(complete, alice):
    Answer.objects.filter(assessment=complete, criterion__code="C1-1").update(
        status=scoring.NOT_APPLICABLE, rationale="A long enough justification."
    )
    problems = refused(workflow.submit, complete, alice)
    assert problems == ["C1-1: marked not applicable, which a red line never is."]


def test_submit_refuses_what_is_not_a_draft(in_review, alice):
    problems = refused(workflow.submit, in_review, alice)
    assert problems == ["Only a draft can be submitted; this one is in review."]


def test_submit_refuses_a_viewer(complete, victor):
    problems = refused(workflow.submit, complete, victor)
    assert problems == ["Only a reviewer or approver of this office can do this."]


def test_submit_view_shows_the_problems_and_changes_nothing(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice, answers={"C1-1": "met"})
    response = client_for(alice).post(url("submit", assessment), follow=True)
    assert b"Not submitted: C1-2: not assessed yet." in response.content
    assert b"listed under What blocks submission" in response.content
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_submit_view_submits_with_a_message(client_for, alice, complete):
    response = client_for(alice).post(url("submit", complete), follow=True)
    assert b"Submitted for review." in response.content
    complete.refresh_from_db()
    assert complete.status == "in_review"


# Return to draft --------------------------------------------------------------------------


def test_return_needs_a_comment(in_review, bob):
    problems = refused(workflow.return_to_draft, in_review, bob, "  ")
    assert problems == ["Give a comment saying what needs work."]


def test_return_needs_an_approver(in_review, alice):
    problems = refused(workflow.return_to_draft, in_review, alice, "Fix C1-2.")
    assert problems == ["Only an approver of this office can do this."]


def test_return_needs_an_assessment_in_review(complete, bob):
    problems = refused(workflow.return_to_draft, complete, bob, "Fix C1-2.")
    assert problems == [
        "Only an assessment in review can be returned to draft; this one is a draft."
    ]


def test_return_makes_it_a_draft_with_the_comment(in_review, bob):
    workflow.return_to_draft(in_review, bob, "  Cite the contract for C1-2.  ")
    in_review.refresh_from_db()
    assert in_review.status == "draft"
    step = in_review.steps.last()
    assert (step.kind, step.comment) == (StepKind.RETURNED, "Cite the contract for C1-2.")
    event = Event.objects.get(action="assessment.returned")
    assert event.after == {"status": "draft", "comment": "Cite the contract for C1-2."}


def test_return_view_refuses_an_empty_comment_next_to_the_field(client_for, bob, in_review):
    response = client_for(bob).post(url("return", in_review), {"comment": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_return_view_returns_and_shows_the_comment(client_for, bob, in_review):
    response = client_for(bob).post(
        url("return", in_review), {"comment": "Cite the contract."}, follow=True
    )
    assert b"Returned to draft with your comment." in response.content
    assert b"Cite the contract." in response.content


def test_reviewer_gets_403_on_return(client_for, alice, in_review):
    assert client_for(alice).post(url("return", in_review), {"comment": "x"}).status_code == 403


# Approve ----------------------------------------------------------------------------------


def test_approve_needs_an_approver(in_review, alice):
    problems = refused(workflow.approve, in_review, alice)
    assert problems == ["Only an approver of this office can do this."]


def test_approve_needs_an_assessment_in_review(complete, bob):
    problems = refused(workflow.approve, complete, bob)
    assert problems == ["Only an assessment in review can be approved; this one is a draft."]


def test_approve_refuses_an_approver_who_changed_an_answer(deployment, version, alice, bob):
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    Answer.objects.filter(assessment=assessment, criterion__code="C3-2").update(updated_by=bob)
    workflow.submit(assessment, alice)
    problems = refused(workflow.approve, assessment, bob)
    assert problems == [
        "You changed answers of this assessment, so another approver must sign it off."
    ]


def test_approve_refuses_an_approver_whose_change_was_later_overwritten(
    client_for, complete, alice, bob
):
    """The audit trail remembers a change even after someone else saved over it."""
    row = Answer.objects.get(assessment=complete, criterion__code="C1-2")
    complete.save_answers([_change(row, rationale="Bob's view.")], by=bob)
    row.refresh_from_db()
    complete.save_answers([_change(row, rationale="Alice's view.")], by=alice)
    workflow.submit(complete, alice)
    assert refused(workflow.approve, complete, bob)[0].startswith("You changed answers")


def _change(row, **fields):
    from safeguards.reviews.models import AnswerChange

    values = {
        "status": row.status,
        "rationale": row.rationale,
        "recommendation": row.recommendation,
    } | fields
    return AnswerChange(answer_id=row.pk, version=row.version, **values)


def test_overview_hides_approve_from_the_approver_who_scored(
    client_for, deployment, version, alice, bob
):
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    assessment = make_assessment(deployment, version, bob, answers=answers)
    workflow.submit(assessment, alice)
    response = client_for(bob).get(assessment.get_absolute_url())
    assert b"Approve and freeze the report" not in response.content
    assert b"another approver must sign it off" in response.content


def test_overview_offers_approve_and_return_to_an_eligible_approver(client_for, bob, in_review):
    response = client_for(bob).get(in_review.get_absolute_url())
    assert b"Approve and freeze the report" in response.content
    assert b"Return to draft" in response.content


def test_reviewer_gets_403_on_approve(client_for, alice, in_review):
    assert client_for(alice).post(url("approve", in_review)).status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_approve_view_refuses_a_draft_with_a_message(client_for, bob, complete):
    response = client_for(bob).post(url("approve", complete), follow=True)
    assert b"Not approved: Only an assessment in review can be approved" in response.content


def test_approve_freezes_the_first_report_version(in_review, bob):
    workflow.approve(in_review, bob)
    in_review.refresh_from_db()
    assert in_review.status == "approved"
    assert list(ReportVersion.objects.values_list("number", flat=True)) == [1]
    assert Event.objects.filter(action="assessment.approved", actor=bob).exists()


def test_approve_view_approves_with_a_message(client_for, bob, in_review):
    response = client_for(bob).post(url("approve", in_review), {"confirm": "on"}, follow=True)
    assert b"Approved. The report is frozen as a new version." in response.content


# Reopen -----------------------------------------------------------------------------------


@pytest.fixture
def approved(in_review, bob):
    workflow.approve(in_review, bob)
    return in_review


def test_reopen_needs_a_reason(approved, bob):
    assert refused(workflow.reopen, approved, bob, "") == ["Give a reason for reopening."]


def test_reopen_needs_an_approver(approved, alice):
    problems = refused(workflow.reopen, approved, alice, "New facts.")
    assert problems == ["Only an approver of this office can do this."]


def test_reopen_needs_an_approved_assessment(in_review, bob):
    problems = refused(workflow.reopen, in_review, bob, "New facts.")
    assert problems == ["Only an approved assessment can be reopened; this one is in review."]


def test_reopen_then_approve_freezes_version_two(approved, alice, bob):
    workflow.reopen(approved, bob, "The agency published its retention schedule.")
    approved.refresh_from_db()
    assert approved.status == "draft"
    workflow.submit(approved, alice)
    workflow.approve(approved, bob)
    assert list(ReportVersion.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]
    kinds = list(approved.steps.values_list("kind", flat=True))
    assert kinds == ["submitted", "approved", "reopened", "submitted", "approved"]


def test_reopen_view_needs_a_reason_and_then_reopens(client_for, bob, approved):
    client = client_for(bob)
    assert b"This field is required." in client.post(url("reopen", approved), {}).content
    response = client.post(url("reopen", approved), {"comment": "New facts."}, follow=True)
    assert b"Reopened as a draft." in response.content
    approved.refresh_from_db()
    assert approved.status == "draft"


# Views: access ladder ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["submit", "approve", "return", "reopen"])
def test_anonymous_is_sent_to_login(client, complete, name):
    response = client.post(url(name, complete))
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["submit", "approve", "return", "reopen"])
def test_other_office_gets_404(client_for, mallory, complete, name):
    assert client_for(mallory).post(url(name, complete), {"comment": "x"}).status_code == 404


@pytest.mark.parametrize("name", ["submit", "approve", "return", "reopen"])
def test_viewer_gets_403(client_for, victor, complete, name):
    assert client_for(victor).post(url(name, complete), {"comment": "x"}).status_code == 403
    complete.refresh_from_db()
    assert complete.status == "draft"


@pytest.mark.parametrize("name", ["submit"])
def test_steps_without_comment_need_post(client_for, bob, complete, name):
    assert client_for(bob).get(url(name, complete)).status_code == 405


def test_viewer_sees_no_workflow_buttons(client_for, victor, in_review):
    content = client_for(victor).get(in_review.get_absolute_url()).content
    assert b"Approve and freeze" not in content and b"Return to draft" not in content
