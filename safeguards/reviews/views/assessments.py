"""Assessments: the list, starting one, its overview, the next-unanswered jump, re-assessment."""

from functools import cached_property
from typing import NamedTuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from safeguards import scoring
from safeguards.accounts import permissions
from safeguards.accounts.permissions import Action, get_for_user, visible
from safeguards.catalog.models import Criterion, FrameworkVersion
from safeguards.followup import question_links
from safeguards.team.overview import cached_overview as team_overview

from .. import once, returned, workflow
from ..forms.assessments import AssessmentFilterForm, AssessmentStartForm, ReassessForm
from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Deployment,
    StepKind,
    WorkflowStep,
    lacks_recommendation,
)
from ..row_sql import Extra, Part, RowSQL
from ..sorting import DATES, Column, sort_by

PAGE_SIZE = 25
ASSESSMENTS = Assessment.objects.select_related(
    "deployment", "framework_version__framework", "based_on"
)
# The overview's own row only: what it shows of the deployment and framework is cached with
# the scores (see Summary); building a query with joins cost more than a cached overview.
# Written out (row_sql): building even this one, with its two subqueries, took the ORM longer
# than the database took to answer it, on the app's most viewed page.
OVERVIEW = RowSQL(
    Part(
        Assessment,
        fields=(
            *("office", "deployment", "framework_version", "based_on", "title", "as_of"),
            *("status", "updated_at", "scoring_method"),
            *("archived_at", "archived_by", "archived_reason"),
        ),
    ),
    extras=(
        # With the row, as the category page does: the returned step and the questions asked
        # are read only when there are any (most overviews have neither).
        Extra("latest_step", returned.latest_step_kind_sql),
        Extra("asked", question_links.any_sent_sql, convert=bool),
    ),
)


def optional_url(name: str, *args, query: str = "") -> str | None:
    """A URL of a page other work is still adding; None (no link) until it exists."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def score_text(score) -> str:
    return "n/a" if score is None else f"{scoring.round_half_up(score)}"


LIST_COLUMNS = [
    Column("Title", "title", ("title",)),
    Column("Deployment", "deployment", ("deployment__name", "-as_of")),
    Column(
        "Framework",
        "framework",
        ("framework_version__framework__title", "framework_version__version", "-as_of"),
    ),
    Column("As of", "as_of", ("as_of",), descending_first=True, orders=DATES),
    Column(
        "Status", "status", ("workflow_order", "-as_of"), orders=("draft first", "approved first")
    ),
]
# The latest step, so a returned draft shows (and sorts) as "Returned for changes".
LATEST_STEP = WorkflowStep.objects.filter(assessment=OuterRef("pk")).order_by("-at", "-pk")
# Status in workflow order (draft, returned, in review, approved), not the stored codes' order.
WORKFLOW_ORDER = Case(
    When(status=AssessmentStatus.DRAFT, latest_step=StepKind.RETURNED, then=Value(1)),
    When(status=AssessmentStatus.DRAFT, then=Value(0)),
    When(status=AssessmentStatus.IN_REVIEW, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def assessment_list(request):
    deployments = visible(request.user, Deployment.objects.only("pk", "name"))
    form = AssessmentFilterForm(request.GET or None, deployments=deployments)
    # Not the framework file's text (~90 KB a row): SQLite sorts whole rows to reach deep pages.
    assessments = visible(request.user, ASSESSMENTS.defer("framework_version__source_text"))
    # Archived ones (or of an archived deployment) stay readable at their address, unlisted.
    assessments = assessments.filter(archived_at__isnull=True, deployment__archived_at__isnull=True)
    if form.is_valid():
        filters = form.cleaned_data
        if filters["q"]:
            assessments = assessments.filter(title__icontains=filters["q"])
        if filters["status"]:
            assessments = assessments.filter(status=filters["status"])
        if filters["deployment"]:
            assessments = assessments.filter(deployment_id=filters["deployment"])
        if filters["framework"]:
            assessments = assessments.filter(
                framework_version__framework__slug=filters["framework"]
            )
    sorting = sort_by(request.GET.get("sort"), LIST_COLUMNS, default="-as_of")
    assessments = assessments.annotate(
        latest_step=Subquery(LATEST_STEP.values("kind")[:1]), workflow_order=WORKFLOW_ORDER
    ).order_by(*sorting.ordering)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/assessment_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(request.GET.get(name) for name in form.fields),
            "sorting": sorting,
        },
    )


def assessment_create(request, pk):
    deployment = get_for_user(request.user, Deployment, Action.EDIT, pk=pk)
    versions = FrameworkVersion.objects.select_related("framework").order_by(
        "-published", "framework__slug", "-version"
    )
    form = AssessmentStartForm(
        request.POST if request.method == "POST" else None,
        versions=versions,
        initial={"title": f"{deployment.name} assessment"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                claimed = once.claim(request)
                assessment = workflow.create_assessment(
                    deployment,
                    data["framework_version"],
                    title=data["title"],
                    as_of=data["as_of"],
                    by=request.user,
                )
                once.made(claimed, assessment)
        except once.AlreadyUsed as error:
            return once.refused(request, error)
        messages.success(request, "Assessment started: every criterion is waiting for a status.")
        return redirect(assessment)
    return render(
        request,
        "reviews/assessment_form.html",
        {
            "form": form,
            "deployment": deployment,
            "heading": "Start an assessment",
            "deployment_url": optional_url("reviews:deployment", deployment.pk),
            "once": once.token_of(request),
        },
    )


def assessment_detail(request, pk):
    user = request.user
    assessment = permissions.allow_fetched(user, OVERVIEW.get(pk), Action.VIEW)
    in_review_for_me = permissions.may_review(user, assessment)
    context = {
        "assessment": assessment,
        # The scores and lists below are cached per this key (see the template), so a view of
        # an unchanged assessment costs one aggregate query instead of reading every answer;
        # the head and the steps per the narrower one, which no answer changes.
        **_fingerprints(assessment),
        "summary": Summary(assessment),
        "steps": assessment.steps.all(),
        "can_edit": permissions.may_edit_answers(user, assessment),
        "can_return": in_review_for_me,
        "can_approve": in_review_for_me and not permissions.has_scored(user, assessment),
        "can_reopen": permissions.may_reopen(user, assessment),
        "can_reassess": permissions.may_reassess(user, assessment),
        "can_archive": permissions.can(user, Action.EDIT, assessment.office_id),
        "returned": returned.latest_return(assessment)
        if assessment.latest_step == StepKind.RETURNED
        else None,
        "report_url": optional_url("reports:assessment_report", assessment.pk),
        "history_url": optional_url("audit:assessment_history", assessment.pk),
        "deployment_url": optional_url("reviews:deployment", assessment.deployment_id),
    }
    context["team"] = team_overview(assessment, context["fingerprint"])
    context["asked"] = question_links.overview_rows(assessment) if assessment.asked else []
    context["scored_here"] = in_review_for_me and not context["can_approve"]
    return render(request, "reviews/assessment_detail.html", context)


def _fingerprints(assessment: Assessment) -> dict[str, str]:
    """`fingerprint` changes whenever anything the cached parts of the overview show can
    change: every answer change raises its version (and sets updated_at); every workflow
    step saves the assessment's status and updated_at; a deployment edit its updated_at; the
    rest (framework version, based-on) is fixed. `head_fingerprint` leaves the answers out:
    the head and the steps show none of them, so a save of answers leaves those warm.

    Plain SQL: the ORM would spend longer building this one aggregate than running it.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX({quote('updated_at')}), SUM({quote('version')}), "
            f"(SELECT {quote('updated_at')} FROM {quote(Deployment._meta.db_table)} "
            f"WHERE {quote('id')} = %s) "
            f"FROM {quote(Answer._meta.db_table)} WHERE {quote('assessment_id')} = %s",
            [assessment.deployment_id, assessment.pk],
        )
        *answers, deployment = cursor.fetchone()
    parts = (assessment.status, assessment.updated_at.isoformat(), assessment.based_on_id)
    return {
        "fingerprint": ":".join(str(part) for part in (*parts, *answers, deployment)),
        "head_fingerprint": ":".join(str(part) for part in (*parts, deployment)),
    }


class AnswerRow(NamedTuple):
    """One answer as the overview uses it: its criterion and category, status and texts."""

    code: str
    title: str
    category: str
    category_title: str
    category_position: int
    severity: str
    red_line: bool
    weight: int | None
    status: str
    rationale: str
    recommendation: str

    @property
    def status_label(self) -> str:
        return scoring.STATUS_LABELS[self.status]

    @property
    def lacks_recommendation(self) -> bool:
        return lacks_recommendation(self.status, self.recommendation)


class CategoryRow(NamedTuple):
    code: str
    title: str


# Rows, not model instances (criterion and category with each answer: about three model
# instances an answer): the overview reads them again after every save of the assessment.
ANSWER_ROWS = Answer.objects.order_by("criterion__position").values_list(
    *("criterion__code", "criterion__title", "criterion__category__code"),
    *("criterion__category__title", "criterion__category__position", "criterion__severity"),
    *("criterion__red_line", "criterion__weight", "status", "rationale", "recommendation"),
)


class Summary:
    """What the overview's cached fragments show: the deployment and framework, live scores,
    blockers and flagged gaps; read and computed only when a fragment is missing."""

    def __init__(self, assessment: Assessment):
        self.assessment = assessment

    @cached_property
    def deployment(self) -> Deployment:
        return Deployment.objects.only("name").get(pk=self.assessment.deployment_id)

    @cached_property
    def framework_version(self) -> FrameworkVersion:
        fields = ("title", "version", "threshold_adequate", "threshold_significant_gaps")
        return FrameworkVersion.objects.only(*fields).get(pk=self.assessment.framework_version_id)

    @cached_property
    def answers(self) -> list[AnswerRow]:
        rows = ANSWER_ROWS.filter(assessment_id=self.assessment.pk)
        return [AnswerRow(*row) for row in rows]

    @cached_property
    def result(self) -> scoring.Result:
        answers = self.answers
        return scoring.assess(
            [
                scoring.Criterion(row.code, row.category, row.severity, row.red_line, row.weight)
                for row in answers
            ],
            {row.code: row.status for row in answers},
            self.framework_version.thresholds,
            method=self.assessment.scoring_method,
        )

    @cached_property
    def categories(self) -> list[dict]:
        scored = {row.code: row for row in self.result.categories}
        # The answered categories in framework order, from the answers' own rows: a category
        # without criteria has no score and is not listed.
        categories = {}
        for row in self.answers:
            if row.category not in categories:
                categories[row.category] = (row.category_position, row.category_title)
        return [
            {
                "category": CategoryRow(code, title),
                "result": row,
                "score": score_text(row.score),
                "value": None if row.score is None else float(row.score),
            }
            for code, (_, title) in sorted(categories.items(), key=lambda item: item[1][0])
            if (row := scored.get(code))
        ]

    @property
    def overall(self) -> str:
        return score_text(self.result.overall)

    @property
    def verdict(self) -> str:
        return scoring.VERDICT_LABELS.get(self.result.verdict, "none yet")

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def assessed(self) -> int:
        return self.total - self.result.counts_dict()[scoring.NOT_ASSESSED]

    @property
    def provisional(self) -> bool:
        """Until every criterion is assessed, scores are provisional and there is no verdict."""
        return self.assessed < self.total

    @property
    def disclosure(self) -> str:
        rate = self.result.disclosure_rate
        return "n/a" if rate is None else f"{scoring.round_half_up(rate * 100, 1)} %"

    @property
    def questions(self) -> int:
        """Open questions to the operator: one per undisclosed criterion."""
        return self.result.counts_dict()[scoring.UNDISCLOSED]

    @property
    def thresholds(self) -> tuple[int, int]:
        version = self.framework_version
        return version.threshold_significant_gaps, version.threshold_adequate

    @cached_property
    def blockers(self) -> list:
        return workflow.blockers_of(
            (row.code, row.category, row.status, row.rationale, row.red_line)
            for row in self.answers
        )

    @cached_property
    def unrecommended(self) -> list:
        return [answer for answer in self.answers if answer.lacks_recommendation]

    @cached_property
    def carried_over(self) -> dict:
        return _unmatched(self.assessment, self.answers)


def _unmatched(assessment: Assessment, answers) -> dict:
    """For a re-assessment on another framework version: the codes that did not carry over."""
    based_on = assessment.based_on
    if based_on is None or based_on.framework_version_id == assessment.framework_version_id:
        return {}
    earlier = set(
        Criterion.objects.filter(framework_version_id=based_on.framework_version_id).values_list(
            "code", flat=True
        )
    )
    codes = [answer.code for answer in answers]
    return {
        "unmatched": sorted(earlier - set(codes)),
        "new_criteria": [code for code in codes if code not in earlier],
    }


def assessment_next_unanswered(request, pk):
    """Jump to the first criterion without a status, after `?after=CODE` when given."""
    assessment = get_for_user(request.user, Assessment, Action.VIEW, pk=pk)
    pending = assessment.answers.filter(status=scoring.NOT_ASSESSED).select_related(
        "criterion__category"
    )
    # No code has a NUL, and PostgreSQL refuses one in a query: drop it rather than fail.
    code = request.GET.get("after", "").replace("\x00", "")
    after = assessment.framework_version.criteria.filter(code=code)
    position = after.values_list("position", flat=True).first()
    answer = None
    if position is not None:
        answer = pending.filter(criterion__position__gt=position).first()
    answer = answer or pending.first()
    if answer is None:
        messages.info(request, "Every criterion has a status.")
        return redirect(assessment)
    criterion = answer.criterion
    url = reverse("reviews:assessment_category", args=[assessment.pk, criterion.category.code])
    return redirect(f"{url}#criterion-{criterion.code}")


def assessment_reassess(request, pk):
    source = get_for_user(request.user, ASSESSMENTS, Action.EDIT, pk=pk)
    versions = list(workflow.reassessment_choices(source).order_by("-version"))
    form = ReassessForm(
        request.POST if request.method == "POST" else None,
        versions=versions,
        initial={"title": f"{source.title} (re-assessment)"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                claimed = once.claim(request)
                result = workflow.start_from(
                    source,
                    data["framework_version"],
                    title=data["title"],
                    as_of=data["as_of"],
                    by=request.user,
                )
                once.made(claimed, result.assessment)
        except once.AlreadyUsed as error:
            return once.refused(request, error)
        except workflow.WorkflowError as error:
            form.add_error("framework_version", error.problems)
        else:
            _reassessed_message(request, result)
            return redirect(result.assessment)
    return render(
        request,
        "reviews/assessment_form.html",
        {
            "form": form,
            "deployment": source.deployment,
            "source": source,
            "heading": "Start a new assessment from this one",
            "once": once.token_of(request),
            "deployment_url": optional_url("reviews:deployment", source.deployment_id),
        },
    )


def _reassessed_message(request, result: workflow.Reassessment) -> None:
    text = f"New draft started: {len(result.copied)} answers and their evidence links copied."
    if result.unmatched:
        text += f" Not carried over (no such code in this version): {', '.join(result.unmatched)}."
    if result.suggested:
        text += (
            " Split or merged in this version, so the old answers are only suggestions marked "
            f"“carried over — check” and left not assessed: {', '.join(result.suggested)}."
        )
    if result.new:
        text += f" New in this version, to assess: {', '.join(result.new)}."
    if result.reset:
        text += (
            " Copied as not assessed because their old status breaks a rule of this version: "
            f"{', '.join(result.reset)}."
        )
    messages.success(request, text)
