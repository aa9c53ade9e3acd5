"""Due dates of information requests: reminders before the due date and on it, and "no
response" recorded for every question still unanswered once the due date has ended."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguards.audit.record import record

from .register import local_date
from .request_models import InformationRequest, Question, RequestStatus
from .requests import deadline

REMIND_DAYS_BEFORE = 7


@dataclass
class Outcome:
    no_response: list[str]  # question numbers marked
    reminded: list[str]  # request numbers reminded


def _remind(req: InformationRequest, today: datetime.date, days_before: int) -> bool:
    """One reminder `days_before` days ahead and one on the due date, each sent once."""
    from safeguards.notifications import notify

    before_day = req.due_on - datetime.timedelta(days=days_before)
    if today == req.due_on and req.reminded_due_on is None:
        field, subject = "reminded_due_on", f"{req.number} is due today ({req.due_on})"
    elif before_day <= today < req.due_on and req.reminded_before_on is None:
        field, subject = "reminded_before_on", f"{req.number} is due on {req.due_on}"
    else:
        return False
    unanswered = req.questions.exclude(n=None).filter(answered_on=None).count()
    people = [p for p in (req.respondent, req.created_by) if p is not None]
    body = f"{unanswered} of the questions sent on {req.sent_on} are not answered yet."
    with transaction.atomic():
        InformationRequest.objects.filter(pk=req.pk).update(**{field: today})
        if req.respondent is not None:
            notify(
                [req.respondent],
                "request_due",
                subject,
                body,
                url=reverse("respond:request", args=[req.pk]),
                office=req.office,
            )
        notify(
            [p for p in people if p != req.respondent],
            "request_due",
            subject,
            body,
            url=req.get_absolute_url(),
            office=req.office,
        )
        record(
            "request.reminded",
            office=req.office_id,
            target=req,
            after={"number": req.number, "due_on": req.due_on, "on": today},
        )
    return True


def _mark(req: InformationRequest, now: datetime.datetime) -> list[str]:
    with transaction.atomic():
        questions = list(
            Question.objects.select_for_update()
            .filter(request=req, answered_on=None, no_response_at=None)
            .exclude(n=None)
            .order_by("n")
        )
        if not questions:
            return []
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(no_response_at=now)
        numbers = [f"{req.number}-Q{q.n}" for q in questions]
        record(
            "request.no_response",
            office=req.office_id,
            target=req,
            after={
                "number": req.number,
                "recipient": req.recipient_name,
                "organisation": req.recipient_organisation,
                "sent_on": req.sent_on,
                "due_on": req.due_on,
                "questions": numbers,
            },
        )
    return numbers


def run(now: datetime.datetime | None = None, days_before: int = REMIND_DAYS_BEFORE) -> Outcome:
    """What `manage.py mark_overdue_requests` does, as of `now`."""
    now = now or timezone.now()
    outcome = Outcome(no_response=[], reminded=[])
    live = (
        InformationRequest.objects.filter(status__in=[RequestStatus.SENT, RequestStatus.SUBMITTED])
        .select_related("office", "respondent", "created_by")
        .order_by("due_on", "pk")
    )
    for req in live:
        if now >= deadline(req):
            outcome.no_response += _mark(req, now)
        elif req.status == RequestStatus.SENT and _remind(
            req, local_date(now, req.office), days_before
        ):
            outcome.reminded.append(req.number)
    return outcome
