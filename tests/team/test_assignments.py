"""Assignments: categories given to reviewers with due dates, shown on the overview."""

import datetime

from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.notifications.models import Notification
from safeguards.reviews import workflow
from safeguards.team.models import Assignment


def categories(assessment):
    return {c.code: c for c in assessment.framework_version.categories.all()}


def post(client, assessment, values):
    data = {}
    for category in categories(assessment).values():
        assignee, due = values.get(category.code, ("", ""))
        data[f"c{category.pk}-assignee"] = assignee
        data[f"c{category.pk}-due"] = due
    return client.post(reverse("team:assignments", args=[assessment.pk]), data)


def test_assigning_a_category_tells_the_assignee_and_is_audited(client_for, draft, alice, bob):
    response = post(client_for(bob), draft, {"C1": (alice.pk, "2026-12-10")})
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.assignee, assignment.category.code) == (alice, "C1")
    assert assignment.due_date == datetime.date(2026, 12, 10)
    note = Notification.objects.get(user=alice, kind="assigned")
    assert "due 2026-12-10" in note.subject
    event = Event.objects.get(action="assignment.changed")
    assert event.before is None
    assert event.after == {"category": "C1", "assignee": "alice", "due_date": "2026-12-10"}


def test_overview_shows_who_has_what_and_what_is_done(client_for, draft, alice, bob):
    post(client_for(bob), draft, {"C1": (alice.pk, ""), "C2": (bob.pk, "2026-12-01")})
    text = client_for(alice).get(reverse("reviews:assessment", args=[draft.pk])).text
    assert "Who has which category" in text
    assert '2 / 2 <span class="badge text-bg-success">Done</span>' in text  # C1: both answered
    assert "0 / 2" in text and "2026-12-01" in text


def test_unassigning_and_reassigning(client_for, draft, alice, bob):
    post(client_for(bob), draft, {"C1": (alice.pk, "")})
    post(client_for(bob), draft, {"C1": (bob.pk, "")})
    assert Assignment.objects.get().assignee == bob
    post(client_for(bob), draft, {})
    assert not Assignment.objects.exists()
    assert Event.objects.filter(action="assignment.changed").count() == 3


def test_an_unchanged_form_changes_nothing(client_for, draft, alice, bob):
    post(client_for(bob), draft, {"C1": (alice.pk, "")})
    before = Event.objects.count()
    post(client_for(bob), draft, {"C1": (alice.pk, "")})
    assert Event.objects.count() == before


def test_a_due_date_without_a_person_is_refused_by_the_field(client_for, draft, bob):
    response = post(client_for(bob), draft, {"C1": ("", "2026-12-10")})
    assert response.status_code == 400
    assert "A due date needs someone to do the work." in response.text
    assert not Assignment.objects.exists()


def test_viewers_only_read_assignments(client_for, draft, alice, bob, victor):
    post(client_for(bob), draft, {"C1": (alice.pk, "")})
    page = client_for(victor).get(reverse("team:assignments", args=[draft.pk]))
    assert page.status_code == 200 and "Save assignments" not in page.text
    assert post(client_for(victor), draft, {}).status_code == 403
    assert Assignment.objects.count() == 1


def test_viewers_cannot_be_given_work(client_for, draft, victor, bob):
    response = post(client_for(bob), draft, {"C1": (victor.pk, "")})
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_workflow_steps_notify_the_people_of_the_assessment(in_review, alice, bob, olga):
    assert set(Notification.objects.values_list("kind", flat=True)) == set()
    workflow.return_to_draft(in_review, bob, "Cite the contract.")
    returned = Notification.objects.get(kind="returned")
    assert returned.user == alice and returned.body == "Cite the contract."
    workflow.submit(in_review, alice)
    assert set(
        Notification.objects.filter(kind="submitted").values_list("user__username", flat=True)
    ) == {"bob", "olga"}
