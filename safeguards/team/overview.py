"""What the assessment overview and the category page show of team work, in fixed queries."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, OuterRef, Subquery

from safeguards import scoring
from safeguards.accounts.models import display_name
from safeguards.reviews.models import Answer

from .models import Assignment, ReviewMark, ReviewNote
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


def team_fingerprint(assessment_id: int) -> str:
    """Changes whenever what `overview` shows can change other than through the answers,
    status or steps (the overview's own fingerprint): notes raised or cleared, assignments
    made, changed or removed, answers marked reviewed. One query."""
    quote = connection.ops.quote_name
    notes, assignments, marks = (
        quote(model._meta.db_table) for model in (ReviewNote, Assignment, ReviewMark)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {notes} WHERE {quote('assessment_id')} = %s), "
            f"(SELECT COUNT(*) FROM {notes} WHERE {quote('assessment_id')} = %s "
            f"AND {quote('waiting')} <> 'cleared'), "
            f"(SELECT COUNT(*) FROM {assignments} WHERE {quote('assessment_id')} = %s), "
            f"(SELECT MAX({quote('assigned_at')}) FROM {assignments} "
            f"WHERE {quote('assessment_id')} = %s), "
            f"(SELECT COUNT(*) FROM {marks} WHERE {quote('assessment_id')} = %s)",
            [assessment_id] * 5,
        )
        return ":".join(str(part) for part in cursor.fetchone())


def cached_overview(assessment, fingerprint: str) -> TeamOverview:
    """`overview`, cached under the assessment's fingerprint and the team fingerprint: an
    unchanged overview costs one query here and reads no answers."""
    parts = f"{fingerprint}:{team_fingerprint(assessment.pk)}".encode()
    key = f"team-overview:{assessment.pk}:{hashlib.sha256(parts).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = overview(assessment)
        cache.set(key, found, CACHE_SECONDS)
    return found


def overview(assessment) -> TeamOverview:
    """Three queries: the assignments with their progress, the open notes, the edited answers."""
    assignments = list(
        Assignment.objects.filter(assessment_id=assessment.pk)
        .select_related("category", "assignee__profile")
        .annotate(
            total=_count(),
            answered=_count(status__in=[s for s in scoring.STATUSES if s != scoring.NOT_ASSESSED]),
        )
        .order_by("category__position")
    )
    for assignment in assignments:
        assignment.name = display_name(assignment.assignee)
        assignment.done = bool(assignment.total) and assignment.answered == assignment.total
    open_notes = ReviewNote.objects.filter(OPEN, assessment_id=assessment.pk).count()
    edited = sum(1 for r in answer_reviews(assessment.pk).values() if r.edited_after_review)
    return TeamOverview(assignments, open_notes, edited)


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


__all__ = ["TeamOverview", "overview", "page_reviews"]
