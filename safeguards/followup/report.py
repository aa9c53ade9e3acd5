"""The register and the decision as a report prints them (keys `recommendations`, `decision`)."""

from __future__ import annotations

import datetime

from django.db.models import F

from . import states
from .models import Decision, Recommendation


def _date(value) -> str | None:
    return value.isoformat() if value else None


def recommendation_rows(deployment_id: int, today: datetime.date) -> tuple[dict, ...]:
    """Every recommendation of the deployment, in number order, as of `today`. Read as rows
    of the columns printed: every view of a draft's report assembles this."""
    recs = (
        Recommendation.objects.filter(deployment_id=deployment_id)
        .order_by("year", "serial")
        .values(
            "number",
            "kind",
            "criterion_code",
            "criterion_title",
            "text",
            "priority",
            "status",
            "closure_proposed_by_id",
            "agency_response",
            "agency_response_text",
            "agency_response_date",
            "agreed_action",
            "responsible_official",
            "target_date",
            "opened_on",
            superseded_number=F("superseded_by__number"),
        )
    )
    return tuple(
        {
            "number": rec["number"],
            "kind": rec["kind"],
            "criterion": rec["criterion_code"] or None,
            "title": rec["criterion_title"] or None,
            "text": rec["text"],
            "priority": rec["priority"],
            "status": rec["status"],
            "closure_proposed": rec["closure_proposed_by_id"] is not None
            and rec["status"] in states.LIVE,
            "agency_response": rec["agency_response"],
            "agency_response_text": rec["agency_response_text"] or None,
            "agency_response_date": _date(rec["agency_response_date"]),
            "agreed_action": rec["agreed_action"] or None,
            "responsible_official": rec["responsible_official"] or None,
            "target_date": _date(rec["target_date"]),
            "opened_on": rec["opened_on"].isoformat(),
            "overdue": states.is_overdue(rec["status"], rec["target_date"], today),
            "superseded_by": rec["superseded_number"],
        }
        for rec in recs
    )


def decision_row(assessment_id: int, *, pending_only: bool) -> dict | None:
    """The decision made at this approval (the one not yet tied to a version when freezing)."""
    decisions = Decision.objects.filter(assessment_id=assessment_id)
    if pending_only:
        decisions = decisions.filter(report_version__isnull=True)
    decision = decisions.order_by("-pk").first()
    if decision is None:
        return None
    conditions = list(decision.conditions.order_by("year", "serial").values_list("number", "text"))
    return {
        "decided_on": decision.decided_on.isoformat(),
        "decided_by": decision.decided_by_username,
        "with_reservations": bool(decision.reservations or conditions),
        "reservations": decision.reservations or None,
        "conditions": [{"number": number, "text": text} for number, text in conditions],
        "validity": decision.validity or None,
        "valid_until": _date(decision.valid_until),
    }


def label(status: str) -> str:
    return states.STATUS_LABELS.get(status, status)


def request_rows(deployment_id: int, moment) -> tuple[dict, ...]:
    """The deployment's information requests sent so far, as of `moment` (key `requests`):
    each question's outcome, "no response" once recorded after the due date."""
    from .request_models import InformationRequest, RequestStatus
    from .requests import question_state

    reqs = (
        InformationRequest.objects.filter(deployment_id=deployment_id)
        .exclude(status=RequestStatus.DRAFT)
        .select_related("office")
        .prefetch_related("questions")
        .order_by("year", "serial")
    )
    rows = []
    for req in reqs:
        questions = []
        for q in req.questions.all():
            if not q.sent:
                continue
            q.request = req
            questions.append(
                {
                    "number": q.number,
                    "criterion": q.criterion_code or None,
                    "question": q.text,
                    "outcome": question_state(q, req, moment),
                    "answered_on": _date(q.answered_on),
                }
            )
        rows.append(
            {
                "number": req.number,
                "recipient": {
                    "name": req.recipient_name,
                    "organisation": req.recipient_organisation,
                },
                "sent_on": _date(req.sent_on),
                "due_on": req.due_on.isoformat(),
                "questions": questions,
            }
        )
    return tuple(rows)
