"""What the operator was asked about each criterion, for the scoring pages: the latest question
sent on a criterion of the deployment, its state ("no response", answered…) and where to read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from .request_models import InformationRequest, Question, RequestStatus
from .requests import STATE_LABELS, question_state


@dataclass(frozen=True)
class QuestionLink:
    code: str  # the criterion's
    number: str  # "OIG-IR-2026-01-Q3"
    state: str  # requests.question_state
    label: str  # "No response"
    sent_on: str
    due_on: str
    recipient: str
    url: str  # the question on its request's page
    evidence_url: str | None  # the answer, once it became evidence

    @property
    def sentence(self) -> str:
        asked = f"Asked of {self.recipient} in {self.number} on {self.sent_on}, due {self.due_on}"
        return f"{asked}: {self.label.lower()}."


def _sent(**deployment) -> QuerySet[Question]:
    """The questions on a criterion sent to the operator of a deployment."""
    return (
        Question.objects.filter(n__isnull=False, **deployment)
        .exclude(request__status=RequestStatus.DRAFT)
        .exclude(criterion_code="")
    )


def any_sent() -> Exists:
    """Of an assessment queryset: whether a question was sent on any criterion of its
    deployment. A page that annotates it skips `for_deployment` when none was."""
    return Exists(_sent(request__deployment_id=OuterRef("deployment_id")))


def any_sent_sql(alias: str) -> str:
    """`any_sent` written out, for a row read in SQL (`row_sql`): of the assessment whose
    table has `alias`."""
    from safeguards.reviews.models import Assessment
    from safeguards.reviews.row_sql import column, quote

    return (
        f"EXISTS (SELECT 1 FROM {quote(Question._meta.db_table)} q"
        f" JOIN {quote(InformationRequest._meta.db_table)} r"
        f" ON {column(InformationRequest, 'id', 'r')} = {column(Question, 'request', 'q')}"
        f" WHERE {column(Question, 'n', 'q')} IS NOT NULL"
        f" AND {column(InformationRequest, 'deployment', 'r')}"
        f" = {column(Assessment, 'deployment', alias)}"
        f" AND {column(InformationRequest, 'status', 'r')} <> '{RequestStatus.DRAFT}'"
        f" AND {column(Question, 'criterion_code', 'q')} <> '')"
    )


def for_deployment(deployment_id: int, codes=None) -> dict[str, QuestionLink]:
    """criterion code -> its latest sent question (of requests sent, newest request last
    wins). One query."""
    questions = (
        _sent(request__deployment_id=deployment_id)
        .select_related("request", "request__office")
        .order_by("request__year", "request__serial", "n")
    )
    if codes is not None:
        questions = questions.filter(criterion_code__in=list(codes))
    now = timezone.now()
    links = {}
    for question in questions:
        req: InformationRequest = question.request
        state = question_state(question, req, now)
        links[question.criterion_code] = QuestionLink(
            code=question.criterion_code,
            number=question.number,
            state=state,
            label=STATE_LABELS[state],
            sent_on=f"{req.sent_on:%Y-%m-%d}" if req.sent_on else "",
            due_on=f"{req.due_on:%Y-%m-%d}",
            recipient=f"{req.recipient_name} ({req.recipient_organisation})",
            url=reverse("followup:request", args=[req.pk]) + f"#q{question.n}",
            evidence_url=reverse("reviews:evidence", args=[question.evidence_id])
            if question.evidence_id
            else None,
        )
    return links


def overview_rows(assessment) -> list[dict]:
    """The criteria of this assessment the operator was asked about, each with its question's
    state and the category page to re-score it on (two queries)."""
    from safeguards.catalog.models import Criterion

    links = for_deployment(assessment.deployment_id)
    if not links:
        return []
    categories = dict(
        Criterion.objects.filter(
            framework_version_id=assessment.framework_version_id, code__in=list(links)
        ).values_list("code", "category__code")
    )
    return [
        {
            "asked": link,
            "criterion_url": reverse(
                "reviews:assessment_category", args=[assessment.pk, categories[code]]
            )
            + f"#criterion-{code}",
        }
        for code, link in links.items()
        if code in categories
    ]
