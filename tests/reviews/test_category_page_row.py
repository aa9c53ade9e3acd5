"""The category page's assessment read in written-out SQL (row_sql): the same fields and
states as the ORM's annotations it stands for (team.review, returned, question_links), in
every state."""

import datetime

import pytest

from safeguards.followup import question_links, requests
from safeguards.followup.request_models import Question
from safeguards.reviews import returned
from safeguards.reviews.models import Assessment, StepKind, WorkflowStep
from safeguards.reviews.views.assessment_category import PAGE_ASSESSMENT, SAVE_ASSESSMENT
from safeguards.team.models import ReviewNote
from safeguards.team.review import under_review_q
from tests.followup.conftest import undisclosed_request

ORM = Assessment.objects.annotate(
    reviewed=under_review_q(),
    latest_step=returned.latest_step_kind(),
    asked=question_links.any_sent(),
)
SHOWN = ("reviewed", "latest_step", "asked")


@pytest.fixture
def draft_request(office, alice):
    return undisclosed_request(office, alice, datetime.date(2027, 3, 3))


def step(assessment, kind, by):
    return WorkflowStep.objects.create(assessment=assessment, kind=kind, user=by, username="x")


def states(assessment):
    read = PAGE_ASSESSMENT.get(assessment.pk)
    orm = ORM.get(pk=assessment.pk)
    assert [getattr(read, name) for name in SHOWN] == [getattr(orm, name) for name in SHOWN]
    return {name: getattr(read, name) for name in SHOWN}


def test_a_fresh_draft_has_no_states(draft_request):
    assert states(draft_request.assessment) == {
        "reviewed": False,
        "latest_step": None,
        "asked": False,
    }


def test_each_state_is_read_as_the_orm_reads_it(draft_request, alice, bob):
    assessment = draft_request.assessment
    requests.send(draft_request, alice)
    assert states(assessment)["asked"] is True
    step(assessment, StepKind.SUBMITTED, alice)
    assert states(assessment) == {"reviewed": True, "latest_step": "submitted", "asked": True}
    step(assessment, StepKind.RETURNED, bob)
    assert states(assessment)["latest_step"] == "returned"


def test_a_review_note_alone_puts_it_under_review(draft_request, bob):
    assessment = draft_request.assessment
    ReviewNote.objects.create(
        office=assessment.office,
        assessment=assessment,
        answer=assessment.answers.first(),
        raised_by=bob,
        raised_by_name="bob",
        text="Which log?",
    )
    assert states(assessment)["reviewed"] is True


def test_questions_not_sent_on_a_criterion_are_not_asked(draft_request, alice):
    assessment = draft_request.assessment
    assert states(assessment)["asked"] is False  # drafted, not sent
    requests.send(draft_request, alice)
    Question.objects.filter(request=draft_request).update(criterion_code="")
    assert states(assessment)["asked"] is False  # sent, but on no criterion


def test_the_row_has_the_fields_a_page_uses_and_nothing_else_loaded(
    draft_request, django_assert_num_queries
):
    assessment = draft_request.assessment
    with django_assert_num_queries(1):
        read = SAVE_ASSESSMENT.get(assessment.pk)
        assert read.framework_version.source_sha256 == assessment.framework_version.source_sha256
    assert (read.pk, read.office_id, read.deployment_id, read.title, read.status) == (
        assessment.pk,
        assessment.office_id,
        assessment.deployment_id,
        assessment.title,
        "draft",
    )
    assert "executive_summary" in read.get_deferred_fields()
    assert not hasattr(read, "reviewed")  # a save reads no states
    assert SAVE_ASSESSMENT.get(assessment.pk + 1000) is None
