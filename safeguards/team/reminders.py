"""Assignments whose due date is near, as reminders (notifications.reminders)."""

from datetime import date

from django.urls import reverse

from safeguards import scoring
from safeguards.accounts.models import Role
from safeguards.notifications.reminders import Due
from safeguards.reviews.models import AssessmentStatus

from .models import Assignment
from .overview import _count

EDITOR_ROLES = (Role.REVIEWER, Role.APPROVER, Role.ADMIN)


def due_assignments(office_id: int, first: date, last: date) -> list[Due]:
    """Assignments of drafts due between `first` and `last` whose category still has
    criteria not assessed, for assignees who may still edit in the office. One query."""
    assignments = (
        Assignment.objects.filter(
            office_id=office_id,
            due_date__range=(first, last),
            assessment__status=AssessmentStatus.DRAFT,
            assignee__is_active=True,
            assignee__memberships__office_id=office_id,
            assignee__memberships__role__in=EDITOR_ROLES,
        )
        .annotate(left=_count(status=scoring.NOT_ASSESSED))
        .filter(left__gt=0)
        .select_related("assessment", "category", "assignee")
        .order_by("due_date", "pk")
    )
    return [
        Due(
            subject_key=f"team.assignment:{a.pk}",
            target_type="team.assignment",
            target_id=a.pk,
            office_id=office_id,
            due_date=a.due_date,
            users=(a.assignee,),
            what=f"{a.category.code} {a.category.title} of {a.assessment.title}",
            body=(
                f"{a.left} criteri{'a' if a.left != 1 else 'on'} of {a.category.code} "
                f"{'are' if a.left != 1 else 'is'} not assessed yet."
            ),
            url=reverse("reviews:assessment_category", args=[a.assessment_id, a.category.code]),
            assessment_id=a.assessment_id,
        )
        for a in assignments
    ]
