"""What a report reads of an assessment (data.report_input), in SQL written out once per
process: a draft's report is assembled on every view of its page, and the ORM took longer
to build these statements than the database to answer them."""

import functools

from safeguards.audit.models import Event
from safeguards.catalog.models import Category, Criterion
from safeguards.reviews.models import Answer, Evidence
from safeguards.reviews.row_sql import aware, column, fetch, quote


@functools.cache
def _criteria_sql() -> str:
    def c(name):
        return column(Criterion, name, "c")

    columns = [c("id"), c("code"), column(Category, "code", "k")]
    columns += [c(name) for name in ("title", "question", "severity", "weight", "red_line")]
    return (
        f"SELECT {', '.join(columns)} FROM {quote(Criterion._meta.db_table)} c"
        f" JOIN {quote(Category._meta.db_table)} k"
        f" ON {column(Category, 'id', 'k')} = {c('category')}"
        f" WHERE {c('framework_version')} = %s ORDER BY {c('position')}"
    )


def criteria(version_id: int) -> list[tuple]:
    """The framework version's criteria in order: (id, code, category code, title, question,
    severity, weight, red line)."""
    return [(*row[:7], bool(row[7])) for row in fetch(_criteria_sql(), [version_id])]


ANSWER_COLUMNS = (
    "criterion",
    "id",
    "status",
    "rationale",
    "recommendation",
    "updated_by",
    "updated_at",
)


@functools.cache
def _answers_sql() -> str:
    columns = ", ".join(column(Answer, name) for name in ANSWER_COLUMNS)
    return (
        f"SELECT {columns} FROM {quote(Answer._meta.db_table)}"
        f" WHERE {column(Answer, 'assessment')} = %s"
    )


def answers(assessment_id: int) -> list[tuple]:
    """The assessment's answers: (criterion id, id, status, rationale, recommendation, saved
    by's id, saved at)."""
    return [(*row[:6], aware(row[6])) for row in fetch(_answers_sql(), [assessment_id])]


EVIDENCE_COLUMNS = ("title", "kind", "url", "citation", "file_sha256", "retrieved_on", "excerpt")


@functools.cache
def _links_sql() -> str:
    through = Answer.evidence.through
    columns = ", ".join(column(Evidence, name, "e") for name in EVIDENCE_COLUMNS)
    return (
        f"SELECT {column(through, 'answer', 'l')}, {column(through, 'evidence', 'l')}, {columns}"
        f" FROM {quote(through._meta.db_table)} l"
        f" JOIN {quote(Answer._meta.db_table)} a"
        f" ON {column(Answer, 'id', 'a')} = {column(through, 'answer', 'l')}"
        f" JOIN {quote(Evidence._meta.db_table)} e"
        f" ON {column(Evidence, 'id', 'e')} = {column(through, 'evidence', 'l')}"
        f" WHERE {column(Answer, 'assessment', 'a')} = %s"
        f" ORDER BY {column(Evidence, 'title', 'e')}, {column(through, 'evidence', 'l')}"
    )


def evidence_links(assessment_id: int) -> list[tuple]:
    """Every evidence link of the assessment's answers, by the evidence's title: (answer id,
    evidence id, title, kind, url, citation, file SHA-256, retrieved on, excerpt)."""
    return fetch(_links_sql(), [assessment_id])


@functools.cache
def _anchor_sql() -> str:
    table, assessment = quote(Event._meta.db_table), column(Event, "assessment_id")
    return (
        f"SELECT COUNT(*), (SELECT {column(Event, 'hash')} FROM {table}"
        f" WHERE {assessment} = %s ORDER BY {column(Event, 'seq')} DESC LIMIT 1)"
        f" FROM {table} WHERE {assessment} = %s"
    )


def anchor(assessment_id: int) -> tuple[int, str | None]:
    """audit.models.anchor in one query: (the assessment's events, its latest one's hash);
    (0, None) without events."""
    count, head = fetch(_anchor_sql(), [assessment_id, assessment_id])[0]
    return (count, head) if head is not None else (0, None)
