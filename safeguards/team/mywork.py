"""What waits for one person, for the home page's "My work": one query per list, whatever
the number of items (each list's total comes with its rows, as a window count).

Rows are dicts of the columns the page shows (`values()`), not model instances: the page is
on every sign-in's path, and instances with their related objects were a large part of its
time (docs/benchmarks.md)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window

from safeguards import scoring
from safeguards.accounts.permissions import Action, office_ids
from safeguards.audit.models import Event
from safeguards.followup import states
from safeguards.followup.models import Recommendation, RecommendationStatus
from safeguards.reviews.models import Answer, Assessment, AssessmentStatus, StepKind, WorkflowStep

from .models import Assignment, NoteWaiting, ReviewNote
from .overview import _count

SHOWN = 5  # rows per list until the person asks for all of them
# Recommendations show once their target date is this close (or has passed).
RECOMMENDATION_HORIZON = timedelta(days=30)
NOT_APPROVED = (AssessmentStatus.DRAFT, AssessmentStatus.IN_REVIEW)


@dataclass
class WorkList:
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class MyWork:
    today: date
    can_edit: bool
    can_approve: bool
    assigned: WorkList
    notes_to_answer: WorkList
    notes_to_clear: WorkList
    to_approve: WorkList
    returned: WorkList
    recommendations: WorkList

    @property
    def lists(self) -> tuple[WorkList, ...]:
        return (
            self.assigned,
            self.notes_to_answer,
            self.notes_to_clear,
            self.to_approve,
            self.returned,
            self.recommendations,
        )

    @property
    def total(self) -> int:
        return sum(work.total for work in self.lists)

    @property
    def more(self) -> int:
        return sum(work.more for work in self.lists)


def _listed(queryset, *fields: str, **related: str):
    """`queryset` as dicts of `fields` and of `related` (name: path), each with the list's
    total as a window count, so that one query gives a list's first rows and its length."""
    queryset = queryset.values(*fields, **{name: F(path) for name, path in related.items()})
    return queryset.annotate(list_total=Window(Count("pk")))


def _limited(queryset, show_all: bool) -> WorkList:
    """The first SHOWN rows (or all) of a `_listed` queryset, with the list's total."""
    rows = list(queryset if show_all else queryset[:SHOWN])
    return WorkList(rows, rows[0]["list_total"] if rows else 0)


# Each list's query is built in two parts: what is the same for everybody (its joins,
# subqueries, order and columns), made once per process by the functions below, and the
# person's own filters, added on every request. Resolving a query's subqueries and
# expressions was most of this page's time, not the SQL. These hold no rows (a queryset is
# evaluated only as the clone each request filters), so they cannot go stale and are the
# same in every instance.


@cache
def _assigned_query():
    answered = [s for s in scoring.STATUSES if s != scoring.NOT_ASSESSED]
    return _listed(
        Assignment.objects.filter(assessment__status__in=NOT_APPROVED)
        .annotate(total=_count(), answered=_count(status__in=answered))
        .order_by(F("due_date").asc(nulls_last=True), "assessment_id", "category__position"),
        "assessment_id",
        "due_date",
        "total",
        "answered",
        code="category__code",
        category_title="category__title",
        assessment_title="assessment__title",
    )


def assigned(user, offices: list[int], today: date, show_all=False) -> WorkList:
    """Categories given to me in assessments not yet approved: overdue first, then by due
    date, those without a date last; with their progress."""
    work = _limited(_assigned_query().filter(assignee=user, office_id__in=offices), show_all)
    for row in work.rows:
        answered, total = row["answered"] or 0, row["total"] or 0
        done = bool(total) and answered == total
        row.update(
            answered=answered,
            total=total,
            done=done,
            overdue=row["due_date"] is not None and row["due_date"] < today and not done,
            due_today=row["due_date"] == today,
        )
    return work


@cache
def _notes_query():
    # Who has the note's category (at most one person: one assignment per category).
    category_assignee = Assignment.objects.filter(
        assessment_id=OuterRef("assessment_id"),
        category_id=OuterRef("answer__criterion__category_id"),
    ).values("assignee_id")[:1]
    return _listed(
        ReviewNote.objects.filter(assessment__status__in=NOT_APPROVED)
        .alias(category_assignee=Subquery(category_assignee))
        .order_by("raised_at", "pk"),
        "pk",
        "assessment_id",
        "raised_by_name",
        "text",
        "raised_at",
        code="answer__criterion__code",
        assessment_title="assessment__title",
    )


def notes_to_answer(user, offices: list[int], show_all=False) -> WorkList:
    """Open notes waiting for an answer, on answers I last edited or whose category is mine."""
    queryset = (
        _notes_query()
        .filter(office_id__in=offices, waiting=NoteWaiting.REPLY)
        .filter(Q(answer__updated_by=user) | Q(category_assignee=user.pk))
        .exclude(raised_by=user)
    )
    return _limited(queryset, show_all)


def notes_to_clear(user, offices: list[int], show_all=False) -> WorkList:
    """Notes I raised that were answered and wait for me to clear them."""
    queryset = _notes_query().filter(
        office_id__in=offices, raised_by=user, waiting=NoteWaiting.CLEARING
    )
    return _limited(queryset, show_all)


@cache
def _to_approve_query():
    open_notes = (
        ReviewNote.objects.filter(assessment_id=OuterRef("pk"))
        .exclude(waiting=NoteWaiting.CLEARED)
        .order_by()
        .values("assessment_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    submitted = WorkflowStep.objects.filter(
        assessment_id=OuterRef("pk"), kind=StepKind.SUBMITTED
    ).order_by("-at", "-pk")
    return _listed(
        Assessment.objects.filter(status=AssessmentStatus.IN_REVIEW)
        .annotate(
            open_notes=Subquery(open_notes),
            submitted_at=Subquery(submitted.values("at")[:1]),
            submitted_by=Subquery(submitted.values("username")[:1]),
        )
        .order_by(F("submitted_at").asc(nulls_last=True), "pk"),
        "pk",
        "title",
        "open_notes",
        "submitted_at",
        "submitted_by",
        deployment_name="deployment__name",
    )


def to_approve(user, show_all=False) -> WorkList:
    """Assessments in review in offices where I approve, that I scored nothing in (the same
    rule as permissions.has_scored), with their open notes (which block approval)."""
    scored_answer = Answer.objects.filter(assessment_id=OuterRef("pk"), updated_by=user)
    scored_event = Event.objects.filter(assessment_id=OuterRef("pk"), actor_id=user.pk).filter(
        Q(action__startswith="answer.") | Q(action="evidence.linked")
    )
    queryset = (
        _to_approve_query()
        .filter(office_id__in=office_ids(user, Action.APPROVE))
        .exclude(Exists(scored_answer))
        .exclude(Exists(scored_event))
    )
    return _limited(queryset, show_all)


@cache
def _returned_query():
    later = WorkflowStep.objects.filter(
        assessment_id=OuterRef("assessment_id"), pk__gt=OuterRef("pk")
    )
    return _listed(
        WorkflowStep.objects.filter(
            kind=StepKind.RETURNED, assessment__status=AssessmentStatus.DRAFT
        )
        .exclude(Exists(later))
        .order_by("-at", "-pk"),
        "assessment_id",
        "username",
        "comment",
        "at",
        assessment_title="assessment__title",
        deployment_name="assessment__deployment__name",
    )


def returned(user, offices: list[int], show_all=False) -> WorkList:
    """Drafts returned by an approver (their latest step) that I created, scored or have a
    category of: the return steps themselves, with their assessment."""
    queryset = _returned_query().filter(
        Q(assessment__created_by=user)
        | Exists(Answer.objects.filter(assessment_id=OuterRef("assessment_id"), updated_by=user))
        | Exists(Assignment.objects.filter(assessment_id=OuterRef("assessment_id"), assignee=user)),
        assessment__office_id__in=offices,
    )
    return _limited(queryset, show_all)


@cache
def _recommendations_query():
    return _listed(
        Recommendation.objects.filter(status__in=states.LIVE).order_by(
            F("target_date").asc(nulls_last=True), "year", "serial"
        ),
        "pk",
        "number",
        "status",
        "target_date",
        "opened_on",
        deployment_name="deployment__name",
    )


def recommendations(user, offices: list[int], today: date, show_all=False) -> WorkList:
    """Live recommendations I follow up whose target date is near or past, or that are
    still open six months on: overdue first."""
    queryset = _recommendations_query().filter(
        Q(target_date__lte=today + RECOMMENDATION_HORIZON)
        | Q(status=states.OPEN, opened_on__lte=states.unresolved_cutoff(today)),
        owner=user,
        office_id__in=offices,
    )
    work = _limited(queryset, show_all)
    labels = dict(RecommendationStatus.choices)
    for rec in work.rows:
        rec["status_label"] = labels.get(rec["status"], rec["status"])
        rec["overdue"] = states.is_overdue(rec["status"], rec["target_date"], today)
        rec["unresolved"] = states.is_unresolved_too_long(rec["status"], rec["opened_on"], today)
    return work


def my_work(user, today: date, show_all: bool = False) -> MyWork:
    editing = office_ids(user, Action.EDIT)
    can_approve = bool(office_ids(user, Action.APPROVE))
    empty = WorkList()
    if not editing:  # viewers are given no work
        return MyWork(today, False, False, empty, empty, empty, empty, empty, empty)
    return MyWork(
        today,
        True,
        can_approve,
        assigned(user, editing, today, show_all),
        notes_to_answer(user, editing, show_all),
        notes_to_clear(user, editing, show_all),
        to_approve(user, show_all) if can_approve else empty,
        returned(user, editing, show_all),
        recommendations(user, editing, today, show_all),
    )
