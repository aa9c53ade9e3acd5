"""Giving an assessment's categories to people, with due dates; each change audited and the
new assignee told."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse

from safeguards.audit.record import record
from safeguards.notifications import notify
from safeguards.reviews.models import Assessment, AssessmentStatus

from .models import Assignment


class AssignmentError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Wanted:
    category: object  # catalog.Category
    assignee: object | None  # a user, or None for nobody
    due_date: date | None


def save_assignments(assessment: Assessment, wanted: list[Wanted], by) -> int:
    """Make the assessment's assignments what `wanted` says; returns how many changed."""
    changed = 0
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status == AssessmentStatus.APPROVED:
            raise AssignmentError("This assessment is approved: there is no work left to assign.")
        current = {
            a.category_id: a
            for a in Assignment.objects.select_for_update()
            .filter(assessment=locked)
            .select_related("assignee")
        }
        for item in wanted:
            existing = current.get(item.category.pk)
            before = _state(existing)
            after = {
                "category": item.category.code,
                "assignee": item.assignee.get_username() if item.assignee else None,
                "due_date": item.due_date,
            }
            if before == after or (existing is None and item.assignee is None):
                continue
            if item.assignee is None:
                existing.delete()
                target_id = existing.pk
            elif existing is None:
                existing = Assignment.objects.create(
                    office_id=locked.office_id,
                    assessment=locked,
                    category=item.category,
                    assignee=item.assignee,
                    due_date=item.due_date,
                    assigned_by=by,
                )
                target_id = existing.pk
            else:
                # Reminders are kept per person and due date (notifications.Reminder): a
                # new assignee or a new date is reminded afresh.
                existing.assignee, existing.due_date, existing.assigned_by = (
                    item.assignee,
                    item.due_date,
                    by,
                )
                existing.save(update_fields=["assignee", "due_date", "assigned_by", "assigned_at"])
                target_id = existing.pk
            record(
                "assignment.changed",
                actor=by,
                office=locked.office_id,
                target_type="team.assignment",
                target_id=target_id,
                assessment=locked,
                before=before,
                after=after if item.assignee else None,
            )
            if item.assignee and (
                before is None
                or before["assignee"] != after["assignee"]
                or before["due_date"] != after["due_date"]
            ):
                due = f", due {item.due_date:%Y-%m-%d}" if item.due_date else ""
                notify(
                    [item.assignee],
                    "assigned",
                    f"{item.category.code} {item.category.title} of {locked.title} is yours{due}",
                    f"Assigned by {by.get_username()}.",
                    reverse("reviews:assessment_category", args=[locked.pk, item.category.code]),
                    office=locked.office_id,
                    exclude=[by],
                )
            changed += 1
    return changed


def _state(assignment: Assignment | None) -> dict | None:
    if assignment is None:
        return None
    return {
        "category": assignment.category.code,
        "assignee": assignment.assignee.get_username(),
        "due_date": assignment.due_date,
    }
