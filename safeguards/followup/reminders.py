"""Recommendations whose dates are near, as reminders (notifications.reminders): the target
date of the agreed action, and for one still open the six-month mark by which OMB Circular
A-50 asks that it be resolved."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from safeguards.accounts.models import Membership, Role
from safeguards.notifications.reminders import Due

from . import states
from .models import Recommendation

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
