"""Who is told about what: the people of an answer, of an assessment, its approvers."""

from django.contrib.auth import get_user_model

from safeguards.accounts.models import Membership, Role
from safeguards.reviews.models import Answer, Assessment

from .models import Assignment


def answer_people(answer: Answer) -> list:
    """Its last editor and whoever has its category."""
    User = get_user_model()
    ids = set(
        Assignment.objects.filter(
            assessment_id=answer.assessment_id, category_id=answer.criterion.category_id
        ).values_list("assignee_id", flat=True)
    )
    if answer.updated_by_id:
        ids.add(answer.updated_by_id)
    return list(User.objects.filter(pk__in=ids, memberships__office_id=_office(answer)))


def _office(answer: Answer) -> int:
    return Assessment.objects.filter(pk=answer.assessment_id).values_list("office_id", flat=True)[0]


def assessment_people(assessment: Assessment) -> list:
    """Who worked on it: its creator, everyone who saved an answer, its assignees (still
    members of its office)."""
    User = get_user_model()
    ids = set(
        Answer.objects.filter(assessment_id=assessment.pk, updated_by__isnull=False)
        .values_list("updated_by_id", flat=True)
        .distinct()
    )
    ids |= set(
        Assignment.objects.filter(assessment_id=assessment.pk).values_list("assignee_id", flat=True)
    )
    if assessment.created_by_id:
        ids.add(assessment.created_by_id)
    return list(
        User.objects.filter(pk__in=ids, memberships__office_id=assessment.office_id).distinct()
    )


def approvers(office_id: int) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(
            memberships__office_id=office_id,
            memberships__role__in=[Role.APPROVER, Role.ADMIN],
        ).distinct()
    )


def editors(office_id: int):
    """Members who may be given work: reviewers, approvers, admins."""
    return (
        Membership.objects.filter(
            office_id=office_id, role__in=[Role.REVIEWER, Role.APPROVER, Role.ADMIN]
        )
        .select_related("user", "user__profile")
        .order_by("user__username")
    )
