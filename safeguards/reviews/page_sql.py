"""A category page's statements written out: what the page reads (categories, answers, the
deployment's evidence, links, progress) and what its save runs (the assessment's lock, the
stored answers, each answer's conditional update). Every view and save of a page runs them,
and the ORM took longer to build them than the database to run them."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


@functools.cache
def _lock_sql(for_update: bool) -> str:
    from .models import Assessment

    meta = Assessment._meta
    lock = " FOR UPDATE" if for_update else ""
    return (
        f"SELECT {_column(Assessment, 'status')} FROM {_q(meta.db_table)}"
        f" WHERE {_q(meta.pk.column)} = %s{lock}"
    )


def locked_status(assessment_id: int) -> str | None:
    """The assessment's status, its row locked until the transaction ends (on SQLite the
    IMMEDIATE transaction already holds the write lock); None if it is gone."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(connection.features.has_select_for_update), [assessment_id])
        row = cursor.fetchone()
    return row[0] if row else None


ANSWER_FIELDS = (
    "id",
    "criterion_id",
    "status",
    "rationale",
    "recommendation",
    "version",
    "updated_by_id",
    "updated_at",
)


@functools.cache
def _stored_sql(count: int) -> str:
    from safeguards.catalog.models import Criterion

    from .models import Answer

    user = get_user_model()
    answer = Answer._meta
    columns = ", ".join(f"a.{_q(answer.get_field(name).column)}" for name in ANSWER_FIELDS)
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT {columns}, c.{_column(Criterion, 'code')}, c.{_column(Criterion, 'red_line')},"
        f" u.{_q(user._meta.get_field(user.USERNAME_FIELD).column)}"
        f" FROM {_q(answer.db_table)} a"
        f" JOIN {_q(Criterion._meta.db_table)} c"
        f" ON c.{_q(Criterion._meta.pk.column)} = a.{_column(Answer, 'criterion')}"
        f" LEFT JOIN {_q(user._meta.db_table)} u"
        f" ON u.{_q(user._meta.pk.column)} = a.{_column(Answer, 'updated_by')}"
        f" WHERE a.{_column(Answer, 'assessment')} = %s AND a.{_q(answer.pk.column)} IN ({marks})"
    )


@functools.cache
def _links_sql(count: int) -> str:
    from .models import Answer

    through = Answer.evidence.through
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT {_column(through, 'answer')}, {_column(through, 'evidence')}"
        f" FROM {_q(through._meta.db_table)} WHERE {_column(through, 'answer')} IN ({marks})"
    )


def _aware(value):
    """A datetime as the ORM would return it (SQLite's are naive, in the connection's zone)."""
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone)
    return value


def stored_answers(assessment_id: int, answer_ids: list[int]) -> dict:
    """answer id -> the stored Answer of this assessment, with its criterion's code and red
    line, the username of whoever saved it last and its linked evidence ids (two queries).

    The instances hold only these fields; any other is read from the database if asked for."""
    from safeguards.catalog.models import Criterion

    from .models import Answer

    ids = sorted(set(answer_ids))
    if not ids:
        return {}
    user = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(_stored_sql(len(ids)), [assessment_id, *ids])
        rows = cursor.fetchall()
    linked = {pk: [] for pk in ids}
    for answer_id, evidence_id in links(ids):
        linked[answer_id].append(evidence_id)
    stored = {}
    for pk, *values, updated_at, code, red_line, username in rows:
        # from_db takes the values in the model's field order: id, assessment, criterion, ...
        answer = Answer.from_db(
            connection.alias,
            ["id", "assessment_id", *ANSWER_FIELDS[1:]],
            [pk, assessment_id, *values, _aware(updated_at)],
        )
        answer.criterion = Criterion.from_db(
            connection.alias, ["id", "code", "red_line"], [answer.criterion_id, code, red_line]
        )
        if answer.updated_by_id is not None:
            answer.updated_by = user.from_db(
                connection.alias, ["id", user.USERNAME_FIELD], [answer.updated_by_id, username]
            )
        answer.linked_evidence_ids = sorted(linked[answer.pk])
        stored[answer.pk] = answer
    return stored


@functools.cache
def _update_sql() -> str:
    from .models import Answer

    meta = Answer._meta
    sets = ", ".join(
        f"{_column(Answer, name)} = %s"
        for name in ("status", "rationale", "recommendation", "updated_by", "updated_at")
    )
    version = _column(Answer, "version")
    return (
        f"UPDATE {_q(meta.db_table)} SET {sets}, {version} = {version} + 1"
        f" WHERE {_q(meta.pk.column)} = %s AND {version} = %s"
    )


def update_if_version(change, by, at) -> bool:
    """Write one submitted answer unless its stored version moved on since the page was read:
    of two concurrent savers of one answer only one can win. True if it was written."""
    with connection.cursor() as cursor:
        cursor.execute(
            _update_sql(),
            [
                change.status,
                change.rationale,
                change.recommendation,
                getattr(by, "pk", None),
                connection.ops.adapt_datetimefield_value(at),
                change.answer_id,
                change.version,
            ],
        )
        return cursor.rowcount == 1


@functools.cache
def _categories_sql() -> str:
    from safeguards.catalog.models import Category

    meta = Category._meta
    columns = ", ".join(_q(f.column) for f in meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {_q(meta.db_table)}"
        f" WHERE {_column(Category, 'framework_version')} = %s"
        f" ORDER BY {_column(Category, 'position')}"
    )


def categories(version_id: int) -> list:
    """The categories of a framework version, in order."""
    from safeguards.catalog.models import Category

    with connection.cursor() as cursor:
        cursor.execute(_categories_sql(), [version_id])
        return [Category.from_db(connection.alias, None, row) for row in cursor.fetchall()]


@functools.cache
def _page_answers_sql() -> str:
    from safeguards.catalog.models import Criterion

    from .models import Answer

    user = get_user_model()
    answer, criterion = Answer._meta, Criterion._meta
    columns = ", ".join(
        [
            *(f"a.{_column(Answer, name)}" for name in ("id", "criterion")),
            *(f"c.{_column(Criterion, name)}" for name in ("code", "title", "red_line")),
            *(
                f"a.{_column(Answer, name)}"
                for name in ("status", "rationale", "recommendation", "version", "updated_at")
            ),
            f"u.{_q(user._meta.get_field(user.USERNAME_FIELD).column)}",
        ]
    )
    return (
        f"SELECT {columns} FROM {_q(answer.db_table)} a"
        f" JOIN {_q(criterion.db_table)} c ON c.{_q(criterion.pk.column)}"
        f" = a.{_column(Answer, 'criterion')}"
        f" LEFT JOIN {_q(user._meta.db_table)} u"
        f" ON u.{_q(user._meta.pk.column)} = a.{_column(Answer, 'updated_by')}"
        f" WHERE a.{_column(Answer, 'assessment')} = %s AND c.{_column(Criterion, 'category')} = %s"
        f" ORDER BY c.{_column(Criterion, 'position')}"
    )


def page_answers(assessment_id: int, category_id: int) -> list[tuple]:
    """The answers of one category, by criterion: (id, criterion id, code, title, red line,
    status, rationale, recommendation, version, saved at, saved by's username)."""
    with connection.cursor() as cursor:
        cursor.execute(_page_answers_sql(), [assessment_id, category_id])
        rows = cursor.fetchall()
    return [(*row[:4], bool(row[4]), *row[5:9], _aware(row[9]), row[10]) for row in rows]


@functools.cache
def _evidence_sql() -> str:
    from .models import Evidence

    meta = Evidence._meta
    columns = ", ".join(
        _column(Evidence, name) for name in ("id", "title", "kind", "citation", "retired_at")
    )
    return (
        f"SELECT {columns} FROM {_q(meta.db_table)} WHERE {_column(Evidence, 'deployment')} = %s"
        f" ORDER BY {_column(Evidence, 'title')}, {_q(meta.pk.column)}"
    )


def deployment_evidence(deployment_id: int) -> list[tuple]:
    """Every evidence item of a deployment by title: (id, title, kind, citation, retired at)."""
    with connection.cursor() as cursor:
        cursor.execute(_evidence_sql(), [deployment_id])
        return cursor.fetchall()


def links(answer_ids: list[int]) -> list[tuple[int, int]]:
    """(answer id, evidence id) of every link of these answers."""
    if not answer_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_links_sql(len(answer_ids)), list(answer_ids))
        return cursor.fetchall()


@functools.cache
def _progress_sql() -> str:
    from safeguards import scoring
    from safeguards.catalog.models import Criterion

    from .models import Answer

    status = f"a.{_column(Answer, 'status')}"
    category = f"c.{_column(Criterion, 'category')}"
    return (
        f"SELECT {category}, COUNT(*),"
        f" SUM(CASE WHEN {status} <> '{scoring.NOT_ASSESSED}' THEN 1 ELSE 0 END)"
        f" FROM {_q(Answer._meta.db_table)} a"
        f" JOIN {_q(Criterion._meta.db_table)} c ON c.{_q(Criterion._meta.pk.column)}"
        f" = a.{_column(Answer, 'criterion')}"
        f" WHERE a.{_column(Answer, 'assessment')} = %s GROUP BY {category}"
    )


def progress(assessment_id: int) -> dict[int, dict[str, int]]:
    """category id -> {"total": answers, "answered": those not "not assessed"}."""
    with connection.cursor() as cursor:
        cursor.execute(_progress_sql(), [assessment_id])
        return {
            category: {"total": total, "answered": int(answered or 0)}
            for category, total, answered in cursor.fetchall()
        }
