"""Due dates of information requests: "no response" recorded for every question still
unanswered once the due date has ended. (Reminders before and on the due date go through the
reminder ledger: followup.reminders.due_requests, sent by `manage.py send_reminders`.)"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safeguards.audit.record import record

from .request_models import InformationRequest, Question, RequestStatus
from .requests import deadline


@dataclass
class Outcome:
    no_response: list[str]  # question numbers marked


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


def run(now: datetime.datetime | None = None) -> Outcome:
    """What `manage.py mark_overdue_requests` does, as of `now`."""
    now = now or timezone.now()
    outcome = Outcome(no_response=[])
    # A due date ends at the earliest at 10:00 UTC that day (UTC+14), so none due after
    # today's UTC date has ended; the exact moment is checked per office below.
    live = (
        InformationRequest.objects.filter(
            status__in=[RequestStatus.SENT, RequestStatus.SUBMITTED],
            due_on__lte=now.astimezone(datetime.UTC).date(),
        )
        .select_related("office")
        .order_by("due_on", "pk")
    )
    for req in live:
        if now >= deadline(req):
            outcome.no_response += _mark(req, now)
    return outcome
