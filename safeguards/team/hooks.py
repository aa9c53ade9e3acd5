"""What the review workflow asks of team work: may it approve, and who hears of each step."""

from django.urls import reverse

from safeguards.notifications import notify

from . import people
from .review import approval_problems

__all__ = ["approval_problems", "step_taken"]


def step_taken(assessment, kind: str, by, comment: str = "") -> None:
    """Tell people of a workflow step; runs inside the step's transaction."""
    url = reverse("reviews:assessment", args=[assessment.pk])
    office = assessment.office_id
    if kind == "submitted":
        notify(
            people.approvers(office),
            "submitted",
            f"{assessment.title} is waiting for approval",
            f"Submitted by {by.get_username()}.",
            url,
            office=office,
            exclude=[by],
        )
    elif kind == "returned":
        notify(
            people.assessment_people(assessment),
            "returned",
            f"{assessment.title} was returned to draft",
            comment,
            url,
            office=office,
            exclude=[by],
        )
    elif kind == "approved":
        notify(
            people.assessment_people(assessment),
            "approved",
            f"{assessment.title} is approved",
            f"Approved by {by.get_username()}; the report is frozen.",
            url,
            office=office,
            exclude=[by],
        )
