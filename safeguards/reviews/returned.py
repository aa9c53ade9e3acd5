"""A returned assessment: a draft whose latest workflow step sent it back with a comment.

The overview shows it as "Returned for changes" with the comment at the top; each category
page the comment concerns shows it too (the categories it names by code, e.g. "RET" or
"RET-2"; a comment that names none concerns every category).
"""

import re

from django.db.models import OuterRef, Subquery

from .models import Assessment, AssessmentStatus, StepKind, WorkflowStep
from .row_sql import column, quote

CODE = re.compile(r"\b([A-Z][A-Z0-9]{1,15})(?:-\d+)?\b")
LABEL = "Returned for changes"


def latest_step_kind() -> Subquery:
    """Of an assessment queryset: the kind of its latest workflow step (None without one). A
    page that annotates it reads `latest_return` only when it is `returned`."""
    steps = WorkflowStep.objects.filter(assessment_id=OuterRef("pk")).order_by("-at", "-pk")
    return Subquery(steps.values("kind")[:1])


def latest_step_kind_sql(alias: str) -> str:
    """`latest_step_kind` written out, for a row read in SQL (`row_sql`): of the assessment
    whose table has `alias`."""
    return (
        f"SELECT {column(WorkflowStep, 'kind', 's')} FROM {quote(WorkflowStep._meta.db_table)} s"
        f" WHERE {column(WorkflowStep, 'assessment', 's')} = {column(Assessment, 'id', alias)}"
        f" ORDER BY {column(WorkflowStep, 'at', 's')} DESC, {column(WorkflowStep, 'id', 's')} DESC"
        " LIMIT 1"
    )


def latest_return(assessment) -> WorkflowStep | None:
    """The step that returned `assessment`, if that is still where it stands (one query)."""
    if assessment.status != AssessmentStatus.DRAFT:
        return None
    step = (
        WorkflowStep.objects.filter(assessment_id=assessment.pk)
        .select_related("user__profile")
        .order_by("-at", "-pk")
        .first()
    )
    return step if step is not None and step.kind == StepKind.RETURNED else None


def named_categories(comment: str, category_codes) -> set[str]:
    """The category codes (of `category_codes`) the comment names, alone or in a criterion code."""
    codes = set(category_codes)
    return {match.group(1) for match in CODE.finditer(comment or "") if match.group(1) in codes}


def concerns(comment: str, category_code: str, category_codes) -> bool:
    named = named_categories(comment, category_codes)
    return not named or category_code in named
