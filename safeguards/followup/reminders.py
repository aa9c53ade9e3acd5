"""Recommendations whose dates are near, as reminders (notifications.reminders): the target
date of the agreed action, and for one still open the six-month mark by which OMB Circular
A-50 asks that it be resolved; and information requests due soon or today."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse

from safeguards.accounts.models import Membership, Role
from safeguards.notifications.reminders import Due

from . import states
from .models import Recommendation
from .request_models import InformationRequest, RequestStatus

EDITOR_ROLES = (Role.REVIEWER, Role.APPROVER, Role.ADMIN)
# add_months clamps to a month's end, so the opened_on range is widened and checked exactly.
SLACK = timedelta(days=3)


def due_recommendations(office_id: int, first: date, last: date) -> list[Due]:
    """Live recommendations with a target date, and open ones with their resolution mark,
    between `first` and `last`. Three queries."""
    live = Recommendation.objects.filter(office_id=office_id, status__in=states.LIVE)
    targets = list(
        live.filter(target_date__range=(first, last))
        .select_related("deployment")
        .order_by("target_date", "year", "serial")
    )
    months = states.UNRESOLVED_MONTHS
    unresolved = [
        rec
        for rec in live.filter(
            status=states.OPEN,
            opened_on__range=(
                states.add_months(first, -months) - SLACK,
                states.add_months(last, -months) + SLACK,
            ),
        )
        .select_related("deployment")
        .order_by("opened_on", "year", "serial")
        if first <= states.add_months(rec.opened_on, months) <= last
    ]
    people = _owners(office_id, {rec.owner_id for rec in [*targets, *unresolved]})
    items = [_target(rec, people) for rec in targets]
    items += [_resolution(rec, people) for rec in unresolved]
    return items


def _owners(office_id: int, owner_ids: set) -> dict:
    """owner id -> (that user,) while they may edit in the office; None -> the office's
    approvers, who hear of what nobody (or a departed member) follows up."""
    User = get_user_model()
    members = Membership.objects.filter(office_id=office_id, user__is_active=True)
    found = {
        user.pk: (user,)
        for user in User.objects.filter(
            pk__in=owner_ids - {None},
            memberships__in=members.filter(role__in=EDITOR_ROLES),
        )
    }
    fallback = None
    result = {}
    for owner_id in owner_ids:
        if owner_id in found:
            result[owner_id] = found[owner_id]
            continue
        if fallback is None:
            fallback = tuple(
                User.objects.filter(
                    memberships__in=members.filter(role__in=(Role.APPROVER, Role.ADMIN))
                ).order_by("username")
            )
        result[owner_id] = fallback
    return result


def _where(rec: Recommendation) -> str:
    return f"{rec.number} ({rec.deployment.name})"


def _target(rec: Recommendation, people: dict) -> Due:
    official = rec.responsible_official
    official = f" Responsible official: {official}." if official else ""
    return Due(
        subject_key=f"followup.recommendation:{rec.pk}:target",
        target_type="followup.recommendation",
        target_id=rec.pk,
        office_id=rec.office_id,
        due_date=rec.target_date,
        users=people[rec.owner_id],
        what=f"Target date of {_where(rec)}",
        body=f"{rec.text}\n\nAgreed action: {rec.agreed_action or 'none recorded yet'}.{official}",
        url=rec.get_absolute_url(),
    )


def _resolution(rec: Recommendation, people: dict) -> Due:
    return Due(
        subject_key=f"followup.recommendation:{rec.pk}:resolution",
        target_type="followup.recommendation",
        target_id=rec.pk,
        office_id=rec.office_id,
        due_date=states.add_months(rec.opened_on, states.UNRESOLVED_MONTHS),
        users=people[rec.owner_id],
        what=f"Resolution of {_where(rec)}",
        body=(
            f"{rec.text}\n\nStill open six months after the report (opened "
            f"{rec.opened_on:%Y-%m-%d}): OMB Circular A-50 asks that the agency agree an action, "
            "a responsible official and a target date by then. Record them and mark it resolved."
        ),
        url=rec.get_absolute_url(),
    )


def due_requests(office_id: int, first: date, last: date, today: date) -> list[Due]:
    """Information requests sent and not yet submitted, due between `today` and `last`, with
    questions still unanswered: one item for the respondent (their own page) and one for the
    reviewer who made the request (or the office's approvers once they have left). A request
    past its due date is not chased: its silence is recorded as "no response" instead. Three
    queries."""
    requests = list(
        InformationRequest.objects.filter(
            office_id=office_id,
            status=RequestStatus.SENT,
            due_on__range=(max(first, today), last),
        )
        .annotate(
            unanswered=Count(
                "questions",
                filter=Q(questions__n__isnull=False, questions__answered_on=None),
            )
        )
        .filter(unanswered__gt=0)
        .select_related("respondent")
        .order_by("due_on", "pk")
    )
    people = _owners(office_id, {req.created_by_id for req in requests})
    items = []
    for req in requests:
        base = {
            "subject_key": f"followup.request:{req.pk}",
            "target_type": "followup.informationrequest",
            "target_id": req.pk,
            "office_id": office_id,
            "due_date": req.due_on,
            "what": f"Information request {req.number}",
            "assessment_id": req.assessment_id,
        }
        answered = f"{req.unanswered} of its questions sent on {req.sent_on:%Y-%m-%d}"
        respondent = req.respondent
        if respondent is not None and respondent.is_active:
            items.append(
                Due(
                    **base,
                    users=(respondent,),
                    body=f"{answered} are not answered yet. Answer them, then submit.",
                    url=reverse("respond:request", args=[req.pk]),
                )
            )
        office_people = tuple(p for p in people[req.created_by_id] if p != respondent)
        items.append(
            Due(
                **base,
                users=office_people,
                body=(
                    f"{answered} to {req.recipient_name} ({req.recipient_organisation}) are not "
                    "answered yet. Unanswered at the end of the due date, they are recorded "
                    "as no response."
                ),
                url=req.get_absolute_url(),
            )
        )
    return items
