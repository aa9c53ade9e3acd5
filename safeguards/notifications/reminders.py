"""Due-date reminders: which reminder a due date calls for today, and sending each one once.

Apps with due dates (team assignments, follow-up recommendations) turn their records into
`Due` items; `send` tells each person in the app and by e-mail (through notify), writes the
audit event, and keeps a `Reminder` row so that no run sends the same reminder twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from safeguards.audit.record import record

from .models import Kind, Reminder
from .send import notify

SOON = "soon"  # within `days_before` days of the due date
DUE = "due"  # on the due date, or at the first run after it (within CATCH_UP_DAYS)
STAGES = (SOON, DUE)
DAYS_BEFORE = 3
# A run missed on the due day (server down, timer stopped) still reminds within a week; older
# due dates are left to the register's "overdue" filter rather than flooding people at once.
CATCH_UP_DAYS = 7


def stage(due_date: date, today: date, days_before: int = DAYS_BEFORE) -> str | None:
    """SOON in the `days_before` days before the due date, DUE on it and for CATCH_UP_DAYS
    after it, else None."""
    days = (due_date - today).days
    if 0 < days <= days_before:
        return SOON
    if -CATCH_UP_DAYS <= days <= 0:
        return DUE
    return None


def window(today: date, days_before: int = DAYS_BEFORE) -> tuple[date, date]:
    """The due dates a run on `today` may remind of (both ends included)."""
    return today - timedelta(days=CATCH_UP_DAYS), today + timedelta(days=days_before)


def when(due_date: date, today: date) -> str:
    """'due in 3 days (2026-12-04)', 'due today (…)', 'overdue since …'."""
    days = (due_date - today).days
    if days > 1:
        return f"due in {days} days ({due_date:%Y-%m-%d})"
    if days == 1:
        return f"due tomorrow ({due_date:%Y-%m-%d})"
    if days == 0:
        return f"due today ({due_date:%Y-%m-%d})"
    return f"overdue since {due_date:%Y-%m-%d}"


@dataclass(frozen=True)
class Due:
    """One thing with a due date and the people to remind of it."""

    subject_key: str  # what it is about, unique per thing and kind of date
    target_type: str  # for the audit event: "team.assignment", "followup.recommendation"
    target_id: int
    office_id: int
    due_date: date
    users: tuple  # active members still concerned
    what: str  # "C1 Retention of Assessment X" (the subject line's end)
    body: str
    url: str
    assessment_id: int | None = None


@dataclass(frozen=True)
class Sent:
    username: str
    subject_key: str
    stage: str
    subject: str


def send(items: Iterable[Due], today: date, days_before: int = DAYS_BEFORE, *, dry_run=False):
    """Remind each person of each item once per due date and stage; returns what was sent
    (or, with dry_run, what would be). Each reminder commits on its own, with its event."""
    items = [item for item in items if stage(item.due_date, today, days_before)]
    keys = {item.subject_key for item in items}
    done = set(
        Reminder.objects.filter(subject_key__in=keys).values_list(
            "user_id", "subject_key", "due_date", "stage"
        )
    )
    sent = []
    for item in items:
        step = stage(item.due_date, today, days_before)
        subject = f"{item.what}: {when(item.due_date, today)}"
        for user in item.users:
            if (user.pk, item.subject_key, item.due_date, step) in done:
                continue
            if not dry_run and not _remind(item, user, step, subject, today):
                continue  # another run sent it a moment ago
            sent.append(Sent(user.get_username(), item.subject_key, step, subject))
    return sent


def _remind(item: Due, user, step: str, subject: str, today: date) -> bool:
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                user=user,
                office_id=item.office_id,
                subject_key=item.subject_key,
                due_date=item.due_date,
                stage=step,
                sent_on=today,
            )
            made = notify(
                [user],
                Kind.DUE_SOON if step == SOON else Kind.DUE,
                subject,
                item.body,
                item.url,
                office=item.office_id,
            )
            if made:
                reminder.notification = made[0]
                reminder.save(update_fields=["notification"])
            record(
                "reminder.sent",
                office=item.office_id,
                target_type=item.target_type,
                target_id=item.target_id,
                assessment=item.assessment_id,
                after={
                    "to": user.get_username(),
                    "stage": step,
                    "due_date": item.due_date,
                    "subject": subject,
                },
            )
    except IntegrityError:
        return False
    return True
