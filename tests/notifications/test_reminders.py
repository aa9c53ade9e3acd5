"""manage.py send_reminders: assignments and recommendations, before and on their due dates,
each reminder once, in the office's own calendar day, audited."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguards.accounts.models import Membership, Role
from safeguards.audit.models import Event
from safeguards.audit.verify import verify_chain
from safeguards.followup import states
from safeguards.followup.models import Recommendation
from safeguards.notifications import reminders
from safeguards.notifications.models import Notification, Reminder
from safeguards.reviews.models import Answer
from safeguards.team.models import Assignment
from tests.factories import make_assessment, make_deployment, make_framework
from tests.followup.conftest import approve
from tests.reports.builders import answered_assessment

DUE = datetime.date(2026, 12, 10)
UTC = datetime.UTC


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def run(**options) -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("days_to_due", "expected"),
    [
        (4, None),
        (3, reminders.SOON),
        (1, reminders.SOON),
        (0, reminders.DUE),
        (-1, reminders.DUE),
        (-reminders.CATCH_UP_DAYS, reminders.DUE),
        (-reminders.CATCH_UP_DAYS - 1, None),
    ],
)
def test_stage_of_a_due_date(days_to_due, expected):
    assert reminders.stage(DUE, DUE - datetime.timedelta(days=days_to_due), 3) == expected


@pytest.fixture
def assignment(office, alice, bob):
    """C2 of a draft given to alice, due DUE; C2's criteria are not assessed yet."""
    version = make_framework(categories=2, per_category=2)
    assessment = make_assessment(
        make_deployment(office, alice), version, alice, answers={"C1-1": "met"}
    )
    alice.email = "alice@oig.example.gov"
    alice.save(update_fields=["email"])
    return Assignment.objects.create(
        office=office,
        assessment=assessment,
        category=version.categories.get(code="C2"),
        assignee=alice,
        due_date=DUE,
        assigned_by=bob,
    )


def test_an_assignment_is_reminded_once_before_and_once_on_its_due_date(
    assignment, alice, time_machine
):
    time_machine.move_to(at(DUE - datetime.timedelta(days=5)), tick=False)
    assert run().endswith("0 reminders sent\n")

    time_machine.move_to(at(DUE - datetime.timedelta(days=3)), tick=False)
    out = run()
    assert "oig: alice: C2 Category 2 of Assessment of Border face search: due in 3 days" in out
    assert out.endswith("1 reminder sent\n")
    assert run().endswith("0 reminders sent\n")  # the same day again: nothing new

    time_machine.move_to(at(DUE - datetime.timedelta(days=1)), tick=False)
    assert run().endswith("0 reminders sent\n")  # still "soon": already told

    time_machine.move_to(at(DUE, hour=7), tick=False)
    assert "due today (2026-12-10)" in run()
    time_machine.move_to(at(DUE, hour=18), tick=False)
    assert run().endswith("0 reminders sent\n")
    time_machine.move_to(at(DUE + datetime.timedelta(days=2)), tick=False)
    assert run().endswith("0 reminders sent\n")

    notes = list(Notification.objects.filter(user=alice).order_by("created_at"))
    assert [n.kind for n in notes] == ["due_soon", "due"]
    assert notes[0].url == f"/assessments/{assignment.assessment_id}/categories/C2/"
    assert notes[0].body == "2 criteria of C2 are not assessed yet."
    assert Reminder.objects.filter(user=alice).count() == 2


def test_a_run_missed_on_the_due_day_catches_up_within_a_week(assignment, time_machine):
    time_machine.move_to(at(DUE + datetime.timedelta(days=2)), tick=False)
    assert "overdue since 2026-12-10" in run()
    time_machine.move_to(at(DUE + datetime.timedelta(days=reminders.CATCH_UP_DAYS + 1)))
    Reminder.objects.all().delete()  # a ledger lost: a month-old due date still stays quiet
    assert run().endswith("0 reminders sent\n")


def test_each_reminder_is_an_audit_event_and_the_chain_holds(assignment, time_machine):
    time_machine.move_to(at(DUE), tick=False)
    run()
    event = Event.objects.get(action="reminder.sent")
    assert (event.target_type, event.target_id) == ("team.assignment", str(assignment.pk))
    assert event.assessment_id == assignment.assessment_id
    assert event.after == {
        "to": "alice",
        "stage": "due",
        "due_date": "2026-12-10",
        "subject": "C2 Category 2 of Assessment of Border face search: due today (2026-12-10)",
    }
    assert verify_chain().problem is None


def test_the_email_reaches_a_real_smtp_server(
    assignment, smtp, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(DUE), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    (message,) = smtp.to("alice@oig.example.gov")
    assert message["Subject"] == (
        "[Safeguards] C2 Category 2 of Assessment of Border face search: due today (2026-12-10)"
    )
    assert "2 criteria of C2 are not assessed yet." in message.get_content()


def test_dry_run_sends_nothing(assignment, time_machine):
    time_machine.move_to(at(DUE), tick=False)
    out = run(dry_run=True)
    assert "alice: C2" in out and out.endswith("1 reminder would be sent\n")
    assert not Notification.objects.exists() and not Reminder.objects.exists()
    assert not Event.objects.filter(action="reminder.sent").exists()


def test_a_new_due_date_or_assignee_is_reminded_afresh(assignment, bob, time_machine):
    time_machine.move_to(at(DUE), tick=False)
    run()
    assignment.due_date = DUE + datetime.timedelta(days=1)
    assignment.save(update_fields=["due_date"])
    assert "due tomorrow" in run()
    assignment.assignee = bob
    assignment.save(update_fields=["assignee"])
    assert "oig: bob: C2" in run()


@pytest.mark.parametrize("change", ["submitted", "answered", "removed", "viewer"])
def test_no_reminder_when_the_work_is_no_longer_theirs_to_do(
    assignment, alice, change, time_machine
):
    if change == "submitted":
        assignment.assessment.status = "in_review"
        assignment.assessment.save(update_fields=["status"])
    elif change == "answered":
        Answer.objects.filter(
            assessment=assignment.assessment, criterion__category=assignment.category
        ).update(status="met", rationale="Done.")
    elif change == "removed":
        Membership.objects.filter(user=alice).delete()
    else:
        Membership.objects.filter(user=alice).update(role=Role.VIEWER)
    time_machine.move_to(at(DUE), tick=False)
    assert run().endswith("0 reminders sent\n")


def test_due_today_is_the_office_s_own_day(assignment, office, time_machine):
    office.time_zone = "Pacific/Auckland"  # 13 hours ahead of UTC in December
    office.save(update_fields=["time_zone"])
    time_machine.move_to(at(DUE - datetime.timedelta(days=1), hour=12), tick=False)
    assert "due today (2026-12-10)" in run()


def test_negative_days_before_is_refused():
    with pytest.raises(CommandError, match="cannot be negative"):
        run(days_before=-1)


# --- recommendations ---------------------------------------------------------------------


@pytest.fixture
def recommendation(office, alice, bob):
    """OIG-YYYY-01 of an approved assessment that alice led (so she owns it)."""
    approved = approve(answered_assessment(office, alice, slug="reminder-framework"), bob)
    rec = Recommendation.objects.filter(origin_assessment=approved).order_by("serial").first()
    rec.target_date = DUE
    rec.agreed_action = "Publish a retention schedule."
    rec.save(update_fields=["target_date", "agreed_action"])
    return rec


def test_the_owner_is_reminded_of_a_recommendation_s_target_date(
    recommendation, alice, time_machine
):
    assert recommendation.owner == alice
    time_machine.move_to(at(DUE - datetime.timedelta(days=2)), tick=False)
    out = run()
    assert f"alice: Target date of {recommendation.number} (Border face search): due in 2" in out
    note = Notification.objects.get(user=alice, kind="due_soon")
    assert note.url == recommendation.get_absolute_url()
    assert "Agreed action: Publish a retention schedule." in note.body
    assert run().endswith("0 reminders sent\n")
    event = Event.objects.get(action="reminder.sent")
    assert event.target_type == "followup.recommendation"
    assert event.target_id == str(recommendation.pk)


def test_without_an_owner_in_the_office_the_approvers_are_reminded(
    recommendation, alice, bob, olga, victor, time_machine
):
    Membership.objects.filter(user=alice).delete()  # the owner left the office
    time_machine.move_to(at(DUE), tick=False)
    out = run()
    assert "oig: bob: Target date" in out and "oig: olga: Target date" in out
    assert "alice" not in out and "victor" not in out


@pytest.mark.parametrize("status", [states.CLOSED_IMPLEMENTED, states.SUPERSEDED])
def test_a_closed_recommendation_is_not_reminded(recommendation, status, time_machine):
    Recommendation.objects.filter(pk=recommendation.pk).update(status=status)
    time_machine.move_to(at(DUE), tick=False)
    assert run().endswith("0 reminders sent\n")


def test_an_open_recommendation_is_reminded_of_its_six_month_resolution_mark(
    recommendation, alice, time_machine
):
    opened = datetime.date(2026, 8, 31)
    mark = datetime.date(2027, 2, 28)  # six months on, at the month's end
    Recommendation.objects.filter(pk=recommendation.pk).update(opened_on=opened, target_date=None)
    time_machine.move_to(at(mark), tick=False)
    out = run()
    assert f"Resolution of {recommendation.number} (Border face search): due today" in out
    assert "OMB Circular A-50" in Notification.objects.get(user=alice, kind="due").body
    # Once resolved (agreed action, official, date), the mark no longer applies.
    Reminder.objects.all().delete()
    Recommendation.objects.filter(pk=recommendation.pk).update(status=states.RESOLVED)
    assert run().endswith("0 reminders sent\n")
