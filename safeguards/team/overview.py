"""What the assessment overview and the category page show of team work, in fixed queries."""

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, OuterRef, Subquery

from safeguards import scoring
from safeguards.accounts.models import display_name
from safeguards.fragments import fragments
from safeguards.reviews.models import Answer, StepKind, WorkflowStep

from .models import Assignment, NoteWaiting, ReviewMark, ReviewNote
from .review import OPEN, AnswerReview, answer_reviews

CACHE_SECONDS = 3600


@dataclass
class TeamOverview:
    assignments: list  # Assignment with .answered, .total, .name
    open_notes: int
    edited_after_review: int


def _count(**filters):
    answers = Answer.objects.filter(
        assessment_id=OuterRef("assessment_id"),
        criterion__category_id=OuterRef("category_id"),
        **filters,
    )
    return Subquery(answers.order_by().values("assessment_id").annotate(n=Count("pk")).values("n"))


class TeamState(NamedTuple):
    notes: int
    open_notes: int
    assignments: int
    last_assigned: object
    marks: int
    submitted: bool

    @property
    def under_review(self) -> bool:
        """As `review.under_review`: submitted once, or any review note."""
        return bool(self.submitted or self.notes)


def team_state(assessment_id: int) -> TeamState:
    """What changes whenever what `overview` shows can change other than through the
    answers, status or steps (the overview's own fingerprint): notes raised or cleared,
    assignments made, changed or removed, answers marked reviewed; with the open notes'
    count and whether the assessment was ever submitted, which `overview` then need not
    query. One query."""
    quote = connection.ops.quote_name
    notes, assignments, marks, steps = (
        quote(model._meta.db_table) for model in (ReviewNote, Assignment, ReviewMark, WorkflowStep)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {notes} WHERE {quote('assessment_id')} = %s), "
            f"(SELECT COUNT(*) FROM {notes} WHERE {quote('assessment_id')} = %s "
            f"AND {quote('waiting')} <> %s), "
            f"(SELECT COUNT(*) FROM {assignments} WHERE {quote('assessment_id')} = %s), "
            f"(SELECT MAX({quote('assigned_at')}) FROM {assignments} "
            f"WHERE {quote('assessment_id')} = %s), "
            f"(SELECT COUNT(*) FROM {marks} WHERE {quote('assessment_id')} = %s), "
            f"(SELECT COUNT(*) FROM {steps} WHERE {quote('assessment_id')} = %s "
            f"AND {quote('kind')} = %s)",
            [assessment_id, assessment_id, NoteWaiting.CLEARED.value, *[assessment_id] * 4]
            + [StepKind.SUBMITTED.value],
        )
        notes, open_notes, assignments, last_assigned, marks, submitted = cursor.fetchone()
    return TeamState(notes, open_notes, assignments, last_assigned, marks, bool(submitted))


def cached_overview(assessment, fingerprint: str) -> TeamOverview:
    """`overview`, cached under the assessment's fingerprint and the team's state: an
    unchanged overview costs one query here and reads no answers; a changed one with no
    assignments and nothing under review (a draft being scored) no more."""
    state = team_state(assessment.pk)
    parts = f"{fingerprint}:{':'.join(str(part) for part in state)}".encode()
    key = f"team-overview:{assessment.pk}:{hashlib.sha256(parts).hexdigest()}"
    found = fragments.get(key)
    if found is None:
        found = overview(assessment, state)
        fragments.set(key, found, CACHE_SECONDS)
    return found


def overview(assessment, state: TeamState | None = None) -> TeamOverview:
    """The assignments with their progress, the open notes, the edited answers: one query
    for each of those there are (`state`, from `team_state`, says which)."""
    state = state or team_state(assessment.pk)
    assignments = []
    if state.assignments:
        assignments = list(
            Assignment.objects.filter(assessment_id=assessment.pk)
            .select_related("category", "assignee__profile")
            .annotate(
                total=_count(),
                answered=_count(
                    status__in=[s for s in scoring.STATUSES if s != scoring.NOT_ASSESSED]
                ),
            )
            .order_by("category__position")
        )
    for assignment in assignments:
        assignment.name = display_name(assignment.assignee)
        assignment.done = bool(assignment.total) and assignment.answered == assignment.total
    reviews = answer_reviews(assessment.pk, reviewed=state.under_review)
    edited = sum(1 for r in reviews.values() if r.edited_after_review)
    return TeamOverview(assignments, state.open_notes, edited)


def page_reviews(assessment_id: int, answer_ids: list[int], *, reviewed=None) -> dict:
    """answer id -> AnswerReview with its open notes, for the answers of one category page
    (`reviewed`: see `answer_reviews`)."""
    found = answer_reviews(assessment_id, answer_ids, reviewed=reviewed)
    reviews = {pk: found.get(pk) or AnswerReview() for pk in answer_ids}
    if not found:  # no open note on this page (nor anywhere, when nothing is under review)
        return reviews
    for note in ReviewNote.objects.filter(
        OPEN, assessment_id=assessment_id, answer_id__in=answer_ids
    ).order_by("raised_at", "pk"):
        if note.answer_id in reviews:
            reviews[note.answer_id].notes.append(note)
    return reviews


__all__ = ["TeamOverview", "TeamState", "overview", "page_reviews", "team_state"]
