"""Review notes on answers and the "edited after review" marks: each step checks its rule,
writes its audit event and tells the people concerned, in one transaction."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from safeguards.accounts import permissions
from safeguards.accounts.permissions import Action
from safeguards.audit.record import record
from safeguards.notifications import notify
from safeguards.reviews.models import Answer, Assessment, AssessmentStatus, StepKind, WorkflowStep

from . import people, rules
from .models import NoteReply, NoteWaiting, ReviewMark, ReviewNote

NOTE_MAX_LENGTH = 5000
OPEN = ~Q(waiting=NoteWaiting.CLEARED)


class ReviewError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewError("Write the note.")
    if len(text) > NOTE_MAX_LENGTH:
        raise ReviewError(f"Keep it under {NOTE_MAX_LENGTH} characters.")
    return text


def _open_for_review(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.APPROVED:
        raise ReviewError("This assessment is approved: reopen it to review its answers again.")


def may_raise(user, assessment) -> bool:
    """Approvers, and reviewers acting as a second reader, on a draft or one in review."""
    return assessment.status != AssessmentStatus.APPROVED and permissions.can(
        user, Action.EDIT, assessment.office_id
    )


def may_clear(user, note: ReviewNote) -> bool:
    """The note's author; an office admin once the author has left the office."""
    if not note.is_open:
        return False
    if note.raised_by_id == user.pk:
        return True
    author_left = (
        note.raised_by_id is None or permissions.role_in(note.raised_by, note.office_id) is None
    )
    return author_left and permissions.can(user, Action.MANAGE, note.office_id)


def _note_url(note: ReviewNote) -> str:
    return note.get_absolute_url()


def raise_note(assessment: Assessment, answer: Answer, by, text: str) -> ReviewNote:
    text = _text(text)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _open_for_review(locked)
        if answer.assessment_id != locked.pk:
            raise ReviewError("That answer belongs to another assessment.")
        note = ReviewNote.objects.create(
            office_id=locked.office_id,
            assessment=locked,
            answer=answer,
            raised_by=by,
            raised_by_name=by.get_username(),
            text=text,
        )
        code = answer.criterion.code
        record(
            "note.raised",
            actor=by,
            office=locked.office_id,
            target=note,
            assessment=locked,
            after={"criterion": code, "answer": answer.pk, "text": text},
        )
        notify(
            people.answer_people(answer),
            "note_raised",
            f"Review note on {code} in {locked.title}",
            text,
            _note_url(note),
            office=locked.office_id,
            exclude=[by],
        )
    return note


def reply(note: ReviewNote, by, text: str) -> NoteReply:
    text = _text(text)
    with transaction.atomic():
        note = (
            ReviewNote.objects.select_for_update()
            .select_related("answer__criterion")
            .get(pk=note.pk)
        )
        _open_for_review(Assessment.objects.only("status").get(pk=note.assessment_id))
        if not note.is_open:
            raise ReviewError("This note is cleared; raise a new one.")
        answer_reply = NoteReply.objects.create(
            note=note, author=by, author_name=by.get_username(), text=text
        )
        before = note.waiting
        note.waiting = rules.waiting_after_reply(note.raised_by_id, by.pk)
        note.save(update_fields=["waiting"])
        code = note.answer.criterion.code
        record(
            "note.replied",
            actor=by,
            office=note.office_id,
            target=note,
            assessment=note.assessment_id,
            before={"waiting": before},
            after={"criterion": code, "text": text, "waiting": note.waiting},
        )
        told = [note.raised_by] if by.pk != note.raised_by_id else people.answer_people(note.answer)
        notify(
            told,
            "note_replied",
            f"{by.get_username()} answered the review note on {code}",
            text,
            _note_url(note),
            office=note.office_id,
            exclude=[by],
        )
    return answer_reply


def clear(note: ReviewNote, by) -> ReviewNote:
    with transaction.atomic():
        note = (
            ReviewNote.objects.select_for_update()
            .select_related("answer__criterion")
            .get(pk=note.pk)
        )
        _open_for_review(Assessment.objects.only("status").get(pk=note.assessment_id))
        if not note.is_open:
            raise ReviewError("This note is cleared already.")
        if not may_clear(by, note):
            raise ReviewError("Only the note's author can clear it.")
        before = note.waiting
        note.waiting, note.cleared_by, note.cleared_at = NoteWaiting.CLEARED, by, timezone.now()
        note.save(update_fields=["waiting", "cleared_by", "cleared_at"])
        code = note.answer.criterion.code
        record(
            "note.cleared",
            actor=by,
            office=note.office_id,
            target=note,
            assessment=note.assessment_id,
            before={"waiting": before},
            after={"criterion": code, "waiting": note.waiting},
        )
        repliers = [r.author for r in note.replies.select_related("author")]
        notify(
            [*people.answer_people(note.answer), *repliers],
            "note_cleared",
            f"Review note on {code} cleared",
            note.text,
            _note_url(note),
            office=note.office_id,
            exclude=[by],
        )
    return note


def mark_reviewed(assessment: Assessment, answer: Answer, by) -> ReviewMark:
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _open_for_review(locked)
        if answer.assessment_id != locked.pk:
            raise ReviewError("That answer belongs to another assessment.")
        if answer.updated_by_id == by.pk:
            raise ReviewError("Someone other than its last editor reviews an edited answer.")
        mark = ReviewMark.objects.create(assessment=locked, answer=answer, by=by)
        record(
            "review.marked",
            actor=by,
            office=locked.office_id,
            target=answer,
            assessment=locked,
            after={"criterion": answer.criterion.code},
        )
    return mark


# --- reading -------------------------------------------------------------------------------


@dataclass
class AnswerReview:
    open_notes: int = 0
    edited_after_review: bool = False
    notes: list = field(default_factory=list)


def _first_step(kind: str, latest: bool = False):
    steps = WorkflowStep.objects.filter(assessment_id=OuterRef("assessment_id"), kind=kind)
    return Subquery(steps.order_by("-at" if latest else "at").values("at")[:1])


def _note_time(latest: bool):
    notes = ReviewNote.objects.filter(answer_id=OuterRef("pk"), cleared_at__isnull=False)
    return Subquery(
        notes.order_by("-cleared_at" if latest else "cleared_at").values("cleared_at")[:1]
    )


def under_review_q() -> Q:
    """Of an assessment queryset: whether any answer can carry notes or be "edited after
    review" (the assessment was submitted or has a review note). A page may annotate it on
    the assessment it reads anyway and save the query of `under_review`."""
    submitted = WorkflowStep.objects.filter(assessment_id=OuterRef("pk"), kind=StepKind.SUBMITTED)
    noted = ReviewNote.objects.filter(assessment_id=OuterRef("pk"))
    return Exists(submitted) | Exists(noted)


def under_review_sql(alias: str) -> str:
    """`under_review_q` written out, for a row read in SQL (`reviews/row_sql`): of the
    assessment whose table has `alias`."""
    from safeguards.reviews.row_sql import column, quote

    assessment = column(Assessment, "id", alias)
    return (
        f"EXISTS (SELECT 1 FROM {quote(WorkflowStep._meta.db_table)} s"
        f" WHERE {column(WorkflowStep, 'assessment', 's')} = {assessment}"
        f" AND {column(WorkflowStep, 'kind', 's')} = '{StepKind.SUBMITTED}')"
        f" OR EXISTS (SELECT 1 FROM {quote(ReviewNote._meta.db_table)} n"
        f" WHERE {column(ReviewNote, 'assessment', 'n')} = {assessment})"
    )


def under_review(assessment_id: int) -> bool:
    """`under_review_q` of one assessment. A draft nobody has reviewed yet (most page views
    while scoring) then skips the per-answer query below, which costs far more to build and
    run."""
    return Assessment.objects.filter(pk=assessment_id).filter(under_review_q()).exists()


def answer_reviews(
    assessment_id: int, answer_ids: list[int] | None = None, *, reviewed: bool | None = None
) -> dict[int, AnswerReview]:
    """answer id -> its open notes count and "edited after review"; answers with neither are
    left out. One query when nothing is under review, two otherwise; none when the caller
    already knows (`reviewed`, from `under_review_q`) that nothing is."""
    if not (under_review(assessment_id) if reviewed is None else reviewed):
        return {}
    answers = Answer.objects.filter(assessment_id=assessment_id)
    if answer_ids is not None:
        answers = answers.filter(pk__in=answer_ids)
    rows = (
        answers.order_by()
        .annotate(
            first_submit=_first_step(StepKind.SUBMITTED),
            last_approval=_first_step(StepKind.APPROVED, latest=True),
            first_clear=_note_time(latest=False),
            last_clear=_note_time(latest=True),
            last_mark=Subquery(
                ReviewMark.objects.filter(answer_id=OuterRef("pk")).order_by("-at").values("at")[:1]
            ),
            open_notes=Subquery(
                ReviewNote.objects.filter(OPEN, answer_id=OuterRef("pk"))
                .order_by()
                .values("answer_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
        .filter(
            # Only answers that can be flagged or have open notes reach Python.
            Q(updated_at__gt=F("first_submit")) | Q(first_clear__isnull=False) | Q(open_notes__gt=0)
        )
        .values_list(
            "pk",
            "updated_at",
            "first_submit",
            "last_approval",
            "first_clear",
            "last_clear",
            "last_mark",
            "open_notes",
        )
    )
    result = {}
    for pk, updated, submit, approval, first_clear, last_clear, mark, open_notes in rows:
        result[pk] = AnswerReview(
            open_notes=open_notes or 0,
            edited_after_review=rules.edited_after_review(
                updated,
                rules.earliest(submit, first_clear),
                rules.latest(last_clear, mark, approval),
            ),
        )
    return result


def open_notes(assessment_id: int):
    return ReviewNote.objects.filter(OPEN, assessment_id=assessment_id)


def approval_problems(assessment: Assessment) -> list[str]:
    """Open review notes block approval, whatever page the approval comes from."""
    codes = list(
        open_notes(assessment.pk)
        .order_by("answer__criterion__position")
        .values_list("answer__criterion__code", flat=True)
    )
    if not codes:
        return []
    unique = list(dict.fromkeys(codes))
    return [
        f"{len(codes)} review note{'s' if len(codes) != 1 else ''} still open "
        f"({', '.join(unique)}): each must be cleared by its author before approval."
    ]
