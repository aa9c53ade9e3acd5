"""The home page's "My work": assignments (overdue first), review notes to answer or clear,
assessments to approve, returned drafts, recommendations falling due; fixed query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguards.followup.models import Recommendation
from safeguards.reviews import workflow
from safeguards.team import mywork, review
from safeguards.team.models import Assignment
from tests.factories import make_assessment, make_deployment, make_framework
from tests.followup.conftest import approve
from tests.reports.builders import answered_assessment

from .conftest import answer

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def home(client, **params):
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


def assign(assessment, code, user, due=None, by=None):
    return Assignment.objects.create(
        office=assessment.office,
        assessment=assessment,
        category=assessment.framework_version.categories.get(code=code),
        assignee=user,
        due_date=due,
        assigned_by=by,
    )


@pytest.fixture
def drafts(office, alice):
    """Three drafts of a two-category framework, nothing answered."""
    version = make_framework(slug="my-work", categories=2, per_category=2)
    return [
        make_assessment(make_deployment(office, alice, name=f"Deployment {n}"), version, alice)
        for n in range(3)
    ]


def test_assignments_come_overdue_first_then_by_due_date_then_undated(client_for, drafts, alice):
    assign(drafts[0], "C1", alice, due=TODAY + 5 * DAY)
    assign(drafts[1], "C2", alice)
    assign(drafts[2], "C1", alice, due=TODAY - 2 * DAY)
    work = mywork.assigned(alice, [drafts[0].office_id], TODAY)
    assert [(a["assessment_id"], a["overdue"]) for a in work.rows] == [
        (drafts[2].pk, True),
        (drafts[0].pk, False),
        (drafts[1].pk, False),
    ]
    page = home(client_for(alice))
    assert "Assigned to me (3)" in page
    assert page.index("Deployment 2") < page.index("Deployment 0") < page.index("Deployment 1")
    assert "overdue" in page and "0 of 2 answered" in page and "no due date" in page
    url = reverse("reviews:assessment_category", args=[drafts[2].pk, "C1"])
    assert f'href="{url}"' in page


def test_approved_work_and_other_people_s_work_are_left_out(drafts, alice, bob):
    assign(drafts[0], "C1", bob, due=TODAY)
    assign(drafts[1], "C1", alice, due=TODAY)
    drafts[1].status = "approved"
    drafts[1].save(update_fields=["status"])
    assert mywork.assigned(alice, [drafts[0].office_id], TODAY).total == 0


def test_a_note_waits_for_the_scorer_then_for_its_author(client_for, in_review, alice, bob):
    note = review.raise_note(in_review, answer(in_review, "C1-2"), bob, "Which clause says so?")
    page = home(client_for(alice))
    assert "Review notes waiting for me (1)" in page and "Which clause says so?" in page
    assert note.get_absolute_url() in page
    assert "Review notes waiting for me (1)" not in home(client_for(bob))
    review.reply(note, alice, "Clause 4.2.")
    assert "Review notes waiting for me (1)" not in home(client_for(alice))
    page = home(client_for(bob))
    assert "Review notes waiting for me (1)" in page and "Clear your note on" in page
    review.clear(note, bob)
    assert "Review notes waiting for me" in home(client_for(bob))
    assert mywork.notes_to_clear(bob, [in_review.office_id]).total == 0


def test_the_assignee_of_the_category_is_asked_to_answer_too(in_review, alice, bob, olga):
    assign(in_review, "C1", olga)
    review.raise_note(in_review, answer(in_review, "C1-2"), bob, "Source?")
    assert mywork.notes_to_answer(olga, [in_review.office_id]).total == 1


def test_an_approver_sees_what_waits_for_approval_unless_they_scored_in_it(
    client_for, in_review, office, bob, olga
):
    review.raise_note(in_review, answer(in_review, "C1-2"), bob, "Source?")
    page = home(client_for(olga))
    assert "Waiting for my approval (1)" in page
    assert in_review.get_absolute_url() in page and "1 open note block approval" in page
    assert "submitted by alice" in page
    answer(in_review, "C1-1").__class__.objects.filter(pk=answer(in_review, "C1-1").pk).update(
        updated_by=olga
    )
    assert mywork.to_approve(olga).total == 0  # she scored in it: someone else approves


def test_a_reviewer_is_not_offered_approvals(client_for, in_review, alice):
    page = home(client_for(alice))
    assert "Waiting for my approval" not in page


def test_a_returned_draft_shows_with_the_approver_s_comment(client_for, in_review, alice, bob):
    workflow.return_to_draft(in_review, bob, "Cite the retention clause for C1-2.")
    page = home(client_for(alice))
    assert "Returned to draft (1)" in page
    assert "returned by bob" in page and "Cite the retention clause for C1-2." in page
    workflow.submit(in_review, alice)
    assert "Returned to draft (1)" not in home(client_for(alice))


def test_recommendations_i_follow_up_show_when_falling_due(client_for, office, alice, bob):
    approved = approve(answered_assessment(office, alice, slug="my-work-recs"), bob)
    first, second, third = Recommendation.objects.filter(origin_assessment=approved).order_by(
        "serial"
    )
    Recommendation.objects.filter(pk=first.pk).update(target_date=TODAY - DAY)
    Recommendation.objects.filter(pk=second.pk).update(target_date=TODAY + 10 * DAY)
    Recommendation.objects.filter(pk=third.pk).update(target_date=TODAY + 90 * DAY)
    page = home(client_for(alice))
    assert "Recommendations I follow up, falling due (2)" in page
    assert first.number in page and second.number in page and third.number not in page
    assert page.index(first.number) < page.index(second.number)
    assert "overdue" in page
    assert "falling due (2)" not in home(client_for(bob))  # bob owns none


def test_nothing_waiting_is_said_plainly(client_for, office, alice):
    assert "Nothing waits for you" in home(client_for(alice))


def test_a_viewer_has_no_my_work(client_for, victor):
    assert "My work" not in home(client_for(victor))


def test_an_outsider_sees_none_of_the_office_s_work(client_for, drafts, alice, mallory):
    assign(drafts[0], "C1", mallory, due=TODAY)  # even if wrongly given work there
    assert "Nothing waits for you" in home(client_for(mallory))


def test_long_lists_show_the_first_few_and_offer_all(client_for, office, alice):
    version = make_framework(slug="many", categories=1, per_category=1)
    for n in range(mywork.SHOWN + 2):
        draft = make_assessment(make_deployment(office, alice, name=f"D{n}"), version, alice)
        assign(draft, "C1", alice, due=TODAY + n * DAY)
    page = home(client_for(alice))
    assert f"Assigned to me ({mywork.SHOWN + 2})" in page
    assert page.count("answered ·") == mywork.SHOWN
    assert f"Show all {mywork.SHOWN + 2} items" in page and "(2 more than shown here)" in page
    page = home(client_for(alice), all="1")
    assert page.count("answered ·") == mywork.SHOWN + 2


def _fill(office, alice, bob, olga, n):
    """n assignments to alice, n notes waiting for her, n to approve for olga."""
    version = make_framework(slug=f"fill-{n}", categories=1, per_category=2)
    for k in range(n):
        draft = make_assessment(
            make_deployment(office, alice, name=f"Fill {n}-{k}"),
            version,
            alice,
            answers={"C1-1": "met", "C1-2": "met"},
        )
        assign(draft, "C1", alice, due=TODAY + k * DAY)
        review.raise_note(draft, answer(draft, "C1-1"), bob, f"Note {k}")
    for k in range(n):
        answered_assessment(office, alice, slug=f"fill-review-{n}-{k}")


@pytest.mark.parametrize("n", [1, 12])
def test_query_count_does_not_grow_with_the_work(
    n, client, office, alice, bob, olga, django_assert_num_queries
):
    _fill(office, alice, bob, olga, n)
    for user, lists in ((alice, 5), (olga, 6)):
        client.force_login(user)
        client.get(reverse("home"))  # the session is read and saved once
        # session, user with counts, roles, recent deployments and assessments, then one
        # query per list of My work
        with django_assert_num_queries(5 + lists):
            client.get(reverse("home"))
